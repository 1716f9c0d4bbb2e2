package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
)

// rowTexts renders sidebar rows as text: "# header" or the profile name.
func rowTexts(ps []store.Profile, rows []sideRow) []string {
	var out []string
	for _, r := range rows[2:] { // after the Demo IdP and "Paste a token"
		if r.kind == rowHeader {
			out = append(out, "# "+r.header)
		} else {
			out = append(out, ps[r.profile].Name)
		}
	}
	return out
}

func TestSideRows(t *testing.T) {
	ps := []store.Profile{
		{Name: "Keycloak dev", Folder: "staging", Settings: settings.Settings{Issuer: "https://kc.example.com/realms/dev", ClientID: "web"}},
		{Name: "Okta", Settings: settings.Settings{Issuer: "https://acme.okta.com/", ClientID: "0oa1"}},
		{Name: "Keycloak prod", Folder: "Production", Settings: settings.Settings{Issuer: "https://kc.example.com/realms/prod"}},
		{Name: "Hand-made", Folder: "staging"},
	}
	tests := []struct {
		filter, group string
		want          []string
	}{
		{"", groupNone, []string{"Keycloak dev", "Okta", "Keycloak prod", "Hand-made"}},
		{"keycloak", groupNone, []string{"Keycloak dev", "Keycloak prod"}},
		{"0OA", groupNone, []string{"Okta"}},                       // client ID, any case
		{"realms/prod", groupNone, []string{"Keycloak prod"}},      // issuer
		{"stag", groupNone, []string{"Keycloak dev", "Hand-made"}}, // folder
		{"", groupFolder, []string{"# Production (1)", "Keycloak prod", "# staging (2)", "Keycloak dev", "Hand-made", "# (no folder) (1)", "Okta"}},
		{"", groupIssuer, []string{"# acme.okta.com (1)", "Okta", "# kc.example.com/realms/dev (1)", "Keycloak dev",
			"# kc.example.com/realms/prod (1)", "Keycloak prod", "# (no issuer) (1)", "Hand-made"}},
		{"keycloak", groupFolder, []string{"# Production (1)", "Keycloak prod", "# staging (1)", "Keycloak dev"}},
		{"nothing", groupFolder, nil},
	}
	for _, tt := range tests {
		rows := sideRows(ps, tt.filter, tt.group)
		if rows[0].kind != rowDemo || rows[1].kind != rowPaste {
			t.Errorf("%q/%s: the fixed entries are not first", tt.filter, tt.group)
		}
		if got := rowTexts(ps, rows); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q/%s:\n got %q\nwant %q", tt.filter, tt.group, got, tt.want)
		}
	}
}

// TestSidebarFilterKeepsSelection: 300 profiles in a virtualised list;
// filtering and grouping never change the profile shown, a group header is
// not a choice, and selecting a profile hidden by the filter clears it.
func TestSidebarFilterKeepsSelection(t *testing.T) {
	st := testStore(t)
	for i := range 300 {
		p := store.Profile{Name: fmt.Sprintf("Profile %03d", i), Folder: fmt.Sprintf("team %d", i%7),
			Settings: settings.Settings{Issuer: fmt.Sprintf("https://idp%d.example.com", i%11), ClientID: "c"}}
		if _, err := st.Create(p); err != nil {
			t.Fatal(err)
		}
	}
	w := newTestWindow(t, st)
	s := w.sidebar
	if len(s.rows) != 302 {
		t.Fatalf("%d rows, want 302", len(s.rows))
	}
	s.selectName("Profile 123")
	if w.cur == nil || w.cur.name != "Profile 123" {
		t.Fatalf("selected %v", w.cur)
	}
	test.Type(s.filter, "profile 12")
	if len(s.rows) != 2+10 || w.cur.name != "Profile 123" || s.rowOfCurrent() < 0 {
		t.Errorf("filtered: %d rows, current %q", len(s.rows), w.cur.name)
	}
	s.group.SetSelected(groupFolder)
	if s.rows[2].kind != rowHeader || w.cur.name != "Profile 123" {
		t.Errorf("grouped: first row %+v, current %q", s.rows[2], w.cur.name)
	}
	s.list.Select(2) // a header
	if w.cur.name != "Profile 123" {
		t.Errorf("a header tap changed the profile to %q", w.cur.name)
	}
	s.selectName("Profile 200") // hidden by the filter
	if w.cur.name != "Profile 200" || s.filter.Text != "" {
		t.Errorf("current %q, filter %q", w.cur.name, s.filter.Text)
	}
	if got := w.app.Preferences().String(prefGroup); got != groupFolder {
		t.Errorf("grouping remembered as %q", got)
	}
}
