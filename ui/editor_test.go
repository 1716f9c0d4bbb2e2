package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

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
		{"no issuer", func() { e.name.SetText("Dev") }, store.FieldIssuer, "Enter the issuer URL", false},
		{"not https", func() { e.issuer.SetText("ftp://idp.example.com") }, store.FieldIssuer, "https://", false},
		{"plain http warns", func() { e.issuer.SetText("http://idp.example.com") }, store.FieldIssuer, "Warning:", false},
		{"no client id", func() { e.issuer.SetText("https://idp.example.com") }, store.FieldClientID, "client ID", false},
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
