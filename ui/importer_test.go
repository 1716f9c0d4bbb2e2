package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
)

// overlayButton finds a button of the top dialog by its text.
func overlayButton(t *testing.T, w *window, text string) *widget.Button {
	t.Helper()
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog is shown (looking for %q)", text)
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("the dialog has no %q button", text)
	return nil
}

// overlayRadio finds the radio group of the top dialog that offers option.
func overlayRadio(t *testing.T, w *window, option string) *widget.RadioGroup {
	t.Helper()
	for _, o := range test.LaidOutObjects(w.win.Canvas().Overlays().Top()) {
		if r, ok := o.(*widget.RadioGroup); ok {
			for _, opt := range r.Options {
				if opt == option {
					return r
				}
			}
		}
	}
	t.Fatalf("the dialog has no choice %q", option)
	return nil
}

// importFixture is a store with a profile "Corp" and a bundle holding
// "Corp" again and "Lab" with a client secret.
func importFixture(t *testing.T) (*store.Store, *store.Bundle) {
	t.Helper()
	st := testStore(t)
	p := store.Profile{Name: "Corp", Settings: settings.Settings{Issuer: "https://corp.example.com", ClientID: "corp-app", RedirectHost: "127.0.0.1"}}
	if _, err := st.Create(p); err != nil {
		t.Fatal(err)
	}
	lab := p
	lab.Name, lab.Issuer, lab.ClientID, lab.AuthMethod = "Lab", "https://lab.example.com", "lab-app", "client_secret_basic"
	b := &store.Bundle{Profiles: []store.BundleProfile{
		{Profile: p},
		{Profile: lab, SecretValues: map[store.SecretKind]string{store.SecretClient: "lab-s3cret"}},
	}}
	return st, b
}

func TestImportAsksBeforeStoringSecrets(t *testing.T) {
	tests := []struct {
		name       string
		secrets    string // choice in the dialog
		conflicts  string
		wantNames  []string
		wantSecret bool
		wantStatus []string
	}{
		{"defaults: copies, no secrets", importWithoutSecrets, conflictRename, []string{"Corp", "Corp (2)", "Lab"}, false,
			[]string{`"Corp" as "Corp (2)"`, "secrets in the file were left out"}},
		{"secrets into the keyring", importWithSecrets, conflictRename, []string{"Corp", "Corp (2)", "Lab"}, true,
			[]string{"1 secrets stored"}},
		{"skip taken names", importWithoutSecrets, conflictSkip, []string{"Corp", "Lab"}, false,
			[]string{`skipped "Corp" (the name is taken)`}},
		{"replace taken names", importWithoutSecrets, conflictReplace, []string{"Corp", "Lab"}, false,
			[]string{`replaced "Corp"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, b := importFixture(t)
			w := newTestWindow(t, st)
			w.confirmImport("export.json", b, st.Conflicts(b))
			if r := overlayRadio(t, w, importWithSecrets); r.Selected != importWithoutSecrets {
				t.Errorf("secrets choice starts at %q; want %q", r.Selected, importWithoutSecrets)
			}
			overlayRadio(t, w, importWithSecrets).SetSelected(tc.secrets)
			overlayRadio(t, w, conflictSkip).SetSelected(tc.conflicts)
			test.Tap(overlayButton(t, w, "Import"))
			w.wait()
			var names []string
			for _, p := range st.List() {
				names = append(names, p.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.wantNames, ",") {
				t.Errorf("profiles after import = %v; want %v", names, tc.wantNames)
			}
			v, _, err := st.Secret("Lab", store.SecretClient)
			if got := err == nil && v == "lab-s3cret"; got != tc.wantSecret {
				t.Errorf("Lab's secret stored = %v (err %v); want %v", got, err, tc.wantSecret)
			}
			msg := w.status.message.Text
			for _, want := range tc.wantStatus {
				if !strings.Contains(msg, want) {
					t.Errorf("status %q; want it to say %q", msg, want)
				}
			}
			if strings.Contains(msg, "lab-s3cret") {
				t.Errorf("status shows the secret: %q", msg)
			}
		})
	}
}

func TestImportCancelImportsNothing(t *testing.T) {
	st, b := importFixture(t)
	w := newTestWindow(t, st)
	w.confirmImport("export.json", b, st.Conflicts(b))
	test.Tap(overlayButton(t, w, "Cancel"))
	w.wait()
	if n := len(st.List()); n != 1 {
		t.Errorf("%d profiles after Cancel; want 1", n)
	}
}

func TestImportWithoutQuestionsWhenNothingToDecide(t *testing.T) {
	st := testStore(t)
	w := newTestWindow(t, st)
	b := &store.Bundle{Profiles: []store.BundleProfile{{Profile: store.Profile{Name: "Solo",
		Settings: settings.Settings{Issuer: "https://solo.example.com", ClientID: "solo", RedirectHost: "127.0.0.1"}}}}}
	w.confirmImport("export.json", b, st.Conflicts(b))
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("a dialog is shown with no secrets and no name conflicts")
	}
	w.wait()
	if ps := st.List(); len(ps) != 1 || ps[0].Name != "Solo" {
		t.Errorf("profiles = %v; want Solo", ps)
	}
	if msg := w.status.message.Text; msg != "Imported 1 profiles." {
		t.Errorf("status = %q", msg)
	}
}

// Without a keyring, importing the secrets asks where they go before
// anything is imported, then imports each profile once.
func TestImportSecretsWithoutKeyringAsksFirst(t *testing.T) {
	st := brokenKeyringStore(t)
	_, b := importFixture(t)
	w := newTestWindow(t, st)
	w.confirmImport("export.json", b, st.Conflicts(b))
	overlayRadio(t, w, importWithSecrets).SetSelected(importWithSecrets)
	test.Tap(overlayButton(t, w, "Import"))
	w.wait()
	if n := len(st.List()); n != 0 {
		t.Fatalf("%d profiles imported before the keyring question was answered", n)
	}
	test.Tap(overlayButton(t, w, "Store the secret"))
	w.wait()
	if n := len(st.List()); n != 2 {
		t.Errorf("%d profiles after the import; want 2", n)
	}
	if v, loc, err := st.Secret("Lab", store.SecretClient); err != nil || v != "lab-s3cret" || loc != store.LocationMemory {
		t.Errorf("Lab's secret: %q at %q, %v; want it in memory", v, loc, err)
	}
}

// TestImportReplaceAsksToKeepSecrets: replacing a profile whose issuer
// changed deletes its stored secret and says so, unless the user chose to
// keep it.
func TestImportReplaceAsksToKeepSecrets(t *testing.T) {
	for _, choice := range []string{conflictReplace, conflictReplaceKeep} {
		t.Run(choice, func(t *testing.T) {
			st, b := importFixture(t)
			if _, err := st.SetSecret("Corp", store.SecretClient, "corp-s3cret"); err != nil {
				t.Fatal(err)
			}
			b.Profiles[0].Issuer = "https://new-corp.example.com"
			w := newTestWindow(t, st)
			w.confirmImport("export.json", b, st.Conflicts(b))
			overlayRadio(t, w, conflictSkip).SetSelected(choice)
			test.Tap(overlayButton(t, w, "Import"))
			w.wait()
			v, _, err := st.Secret("Corp", store.SecretClient)
			kept := err == nil && v == "corp-s3cret"
			if want := choice == conflictReplaceKeep; kept != want {
				t.Errorf("Corp's secret kept = %v; want %v", kept, want)
			}
			if told := strings.Contains(w.status.message.Text, "stored secrets were deleted"); told == kept {
				t.Errorf("status %q; the deletion must be told exactly when it happens", w.status.message.Text)
			}
		})
	}
}
