package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/store"
)

func TestEditorValidation(t *testing.T) {
	w := newTestWindow(t, nil)
	w.sidebar.onAdd()
	e := w.editorView()
	tests := []struct {
		name       string
		edit       func()
		field      string
		wantMsg    string
		saveActive bool
	}{
		{"empty name", func() { e.name.SetText("") }, store.FieldName, "Enter a name", false},
		{"no issuer", func() { e.name.SetText("Dev"); e.issuer.SetText("x"); e.issuer.SetText("") }, store.FieldIssuer, "Enter the issuer URL", false},
		{"not https", func() { e.issuer.SetText("ftp://idp.example.com") }, store.FieldIssuer, "https://", false},
		{"plain http warns", func() { e.issuer.SetText("http://idp.example.com") }, store.FieldIssuer, "Warning:", false},
		{"no client id", func() { e.issuer.SetText("https://idp.example.com"); e.clientID.SetText("x"); e.clientID.SetText("") }, store.FieldClientID, "client ID", false},
		{"valid", func() { e.clientID.SetText("my-app") }, store.FieldClientID, "", true},
		{"bad port", func() { e.port.SetText("eighty") }, store.FieldRedirectPort, "must be a number", false},
		{"port ok", func() { e.port.SetText("8765") }, store.FieldRedirectPort, "", true},
		{"bad skew", func() { e.skew.SetText("soon") }, store.FieldSkew, "duration", false},
		{"bad params", func() { e.skew.SetText("30s"); e.params.SetText("prompt") }, store.FieldParams, "name=value", false},
		{"params ok", func() { e.params.SetText("prompt=login") }, store.FieldParams, "", true},
	}
	for _, tt := range tests {
		tt.edit()
		got := e.validationText(tt.field)
		if tt.wantMsg == "" && got != "" || !strings.Contains(got, tt.wantMsg) {
			t.Errorf("%s: %s message = %q; want %q", tt.name, tt.field, got, tt.wantMsg)
		}
		if e.save.Disabled() == tt.saveActive {
			t.Errorf("%s: Save enabled = %v; want %v", tt.name, !e.save.Disabled(), tt.saveActive)
		}
	}
	if got, want := e.redirect.Text, "http://127.0.0.1:8765/callback"; got != want {
		t.Errorf("redirect URI = %q; want %q", got, want)
	}

	e.secret.SetText("s3cret")
	test.Tap(e.save)
	w.wait()
	if msg := w.status.errorText(); msg != "" {
		t.Fatalf("save failed: %s", msg)
	}
	if len(w.sidebar.profiles) != 1 || w.sidebar.profiles[0].Name != "Dev" {
		t.Fatalf("profiles after save = %+v", w.sidebar.profiles)
	}
	if w.cur == nil || w.cur.name != "Dev" {
		t.Errorf("the saved profile is not selected")
	}
	if !strings.Contains(w.status.message.Text, "client secret went to") {
		t.Errorf("status = %q; want where the secret went", w.status.message.Text)
	}
	if !strings.Contains(e.secretAt.Text, "OS keyring") {
		t.Errorf("secret location = %q", e.secretAt.Text)
	}
}

// TestEditorSpeaksPlainly: a new profile shows no red before anything is
// typed (a neutral line says what saving needs), its secret field does not
// talk of a stored secret, the header follows the name, the keyring is named
// once, and the previous profile's status line does not linger.
func TestEditorSpeaksPlainly(t *testing.T) {
	w := newTestWindow(t, nil)
	w.status.say("Logged in.")
	w.sidebar.onAdd()
	e := w.editorView()
	if w.status.message.Text != "" {
		t.Errorf("the previous profile's status lingers: %q", w.status.message.Text)
	}
	for field, l := range e.issues {
		if l.Visible() {
			t.Errorf("new profile: %s shows %q before anything was typed", field, l.Text)
		}
	}
	if !strings.Contains(e.pending.Text, "issuer") || e.pending.Importance == widget.DangerImportance {
		t.Errorf("pending = %q (importance %v); want a neutral line naming the issuer", e.pending.Text, e.pending.Importance)
	}
	if strings.Contains(e.secret.PlaceHolder, "unchanged") || strings.Contains(e.secret.PlaceHolder, "stored") {
		t.Errorf("new profile's secret placeholder = %q", e.secret.PlaceHolder)
	}
	if !strings.HasPrefix(e.scopes.PlaceHolder, "openid (sent when empty") {
		t.Errorf("scopes placeholder = %q; want the scope actually sent", e.scopes.PlaceHolder)
	}
	e.name.SetText("Staging")
	if w.title.Text != "Staging" {
		t.Errorf("header = %q after typing the name", w.title.Text)
	}
	e.issuer.SetText("https://idp.example.com")
	e.clientID.SetText("app")
	e.secret.SetText("s3cret")
	test.Tap(e.save)
	w.wait()
	if n := strings.Count(e.secretAt.Text, "OS keyring"); n != 1 {
		t.Errorf("secret location %q names the OS keyring %d times", e.secretAt.Text, n)
	}
	if !strings.Contains(e.secret.PlaceHolder, "unchanged") {
		t.Errorf("saved profile's secret placeholder = %q", e.secret.PlaceHolder)
	}
}

func TestLintLineIsASentence(t *testing.T) {
	for _, tt := range []struct {
		in   flows.LintItem
		want string
	}{
		{flows.LintItem{Level: flows.LintInfo, Message: "no userinfo endpoint", Spec: "OIDC Discovery 3"}, "Note: No userinfo endpoint (OIDC Discovery 3)."},
		{flows.LintItem{Level: flows.LintWarn, Message: "PKCE S256 not listed."}, "Warning: PKCE S256 not listed."},
		{flows.LintItem{Level: flows.LintFail, Message: "issuer mismatch"}, "Error: Issuer mismatch."},
	} {
		if got := lintLine(tt.in); got != tt.want {
			t.Errorf("lintLine = %q; want %q", got, tt.want)
		}
	}
}

// TestEditorCheckSettings: the required scopes and the RFC 9068 setting
// go from the editor into the profile and back.
func TestEditorCheckSettings(t *testing.T) {
	w := newTestWindow(t, nil)
	w.sidebar.onAdd()
	e := w.editorView()
	e.name.SetText("Shop")
	e.issuer.SetText("https://sso.example.org/realms/shop")
	e.clientID.SetText("web")
	e.required.SetText("orders:read, admin")
	e.rfc9068.SetChecked(true)
	p, _ := e.profile()
	if strings.Join(p.RequiredScopes, " ") != "orders:read admin" || !p.RFC9068 {
		t.Fatalf("profile required %q rfc9068 %v", p.RequiredScopes, p.RFC9068)
	}
	e.load(store.Profile{Name: "Other"}, false)
	if e.required.Text != "" || e.rfc9068.Checked {
		t.Fatalf("after loading another profile: %q %v", e.required.Text, e.rfc9068.Checked)
	}
	e.load(p, false)
	if e.required.Text != "orders:read,admin" || !e.rfc9068.Checked {
		t.Errorf("loaded back: %q %v", e.required.Text, e.rfc9068.Checked)
	}
}
