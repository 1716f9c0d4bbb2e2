package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
	"github.com/zalando/go-keyring"
)

// memKeyring is an in-memory OS keyring for tests.
type memKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *memKeyring) Set(service, user, password string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"/"+user] = password
	return nil
}

func (k *memKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *memKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, service+"/"+user)
	return nil
}

// testStore opens a store in a temporary folder with an in-memory keyring.
func testStore(t *testing.T) *store.Store {
	t.Helper()
	st, _, err := store.Open(filepath.Join(t.TempDir(), "profiles.json"), store.WithKeyring(&memKeyring{}))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	return st
}

// stand-in browser: signs in to the demo IdP as alice, and approves a
// device login when given the demo's device page.
func demoBrowser(t *testing.T) func(ctx context.Context, u string) error {
	return func(ctx context.Context, u string) error {
		go func() {
			var err error
			if strings.Contains(u, "/device?") {
				err = demoidp.ApproveDevice(context.Background(), u, "alice", "secret")
			} else {
				err = demoidp.LoginBrowser(context.Background(), u, "alice", "secret")
			}
			if err != nil {
				t.Errorf("stand-in browser at %s: %v", u, err)
			}
		}()
		return nil
	}
}

// newTestWindow builds a window on a test app, started and settled.
func newTestWindow(t *testing.T, st *store.Store) *window {
	t.Helper()
	return newTestWindowWith(t, st, nil)
}

// newTestWindowWith is newTestWindow with deps changed by change (nil: none).
func newTestWindowWith(t *testing.T, st *store.Store, change func(*deps)) *window {
	t.Helper()
	a := newQueuedApp(t)
	if st == nil {
		st = testStore(t)
	}
	d := deps{
		now:       time.Now,
		browser:   demoBrowser(t),
		openStore: func() (*store.Store, error) { return st, nil },
	}
	if change != nil {
		change(&d)
	}
	w := newWindow(a, d)
	t.Cleanup(w.demo.close)
	t.Cleanup(func() {
		// No background operation outlives the test: its widget updates
		// would run on the next test's app, beside that test.
		w.cancelAll()
		w.wait()
	})
	w.win.Resize(fyne.NewSize(1180, 760))
	w.started()
	w.wait()
	return w
}

func enabled(b interface{ Disabled() bool }) bool { return !b.Disabled() }

func TestLoginWithDemoIdPShowsVerifiedTokens(t *testing.T) {
	w := newTestWindow(t, nil)
	if w.cur == nil || !w.cur.demo {
		t.Fatalf("the Demo IdP profile should be selected at start")
	}
	test.Tap(w.actions.login)
	w.wait()
	if e := w.status.errorText(); e != "" {
		t.Fatalf("login failed: %s", e)
	}
	for name, v := range map[string]*tokenView{"access": w.accessView(), "id": w.idView()} {
		if got := v.sigLabel.Text; !strings.HasPrefix(got, "Verified") {
			t.Errorf("%s token badge = %q; want Verified", name, got)
		}
		if !strings.Contains(v.keyLabel.Text, "thumbprint") {
			t.Errorf("%s token key = %q; want the thumbprint of the key", name, v.keyLabel.Text)
		}
		if !strings.HasPrefix(v.expiry.Text, "Expires in") {
			t.Errorf("%s token countdown = %q", name, v.expiry.Text)
		}
	}
	if got := w.idView().inner.Items[2].Text; strings.Contains(got, "failed") || !strings.HasPrefix(got, "Checks: ") {
		t.Errorf("ID token checks: %q", got)
	}
	if w.tabs.Selected().Text != tabID {
		t.Errorf("selected tab = %q; want %q", w.tabs.Selected().Text, tabID)
	}
	if len(w.transcriptView().items) == 0 {
		t.Errorf("the transcript is empty after a login")
	}
	for _, x := range w.transcriptView().items {
		if strings.Contains(exchangeDetail(x), demoidp.WebClientSecret) {
			t.Errorf("the transcript shows the client secret: %s", exchangeLine(x))
		}
	}

	// Refresh shows what changed.
	test.Tap(w.actions.refresh)
	w.wait()
	if len(w.changes.rows) == 0 {
		t.Errorf("no changes listed after a refresh")
	}
	// Revoke, then the local and server verdicts disagree.
	test.Tap(w.actions.revoke)
	w.wait()
	if e := w.status.errorText(); e != "" {
		t.Fatalf("revoke failed: %s", e)
	}
	if v := w.accessView(); !strings.Contains(v.srvNote.Text, "Revoked") || !strings.Contains(v.srvLabel.Text, "revoked") {
		t.Errorf("server line after revoke = %q / %q", v.srvLabel.Text, v.srvNote.Text)
	}
	if got := w.accessView().sigLabel.Text; got != "Signature valid · checks pass · REVOKED at the server" {
		t.Errorf("badge after revoke = %q; want the server's word in it", got)
	}
}

func TestButtonEnablement(t *testing.T) {
	w := newTestWindow(t, nil)
	b := w.actions
	want := map[string]bool{"login": true, "refresh": false, "introspect": false, "revoke": false, "userinfo": false,
		"clientcreds": true, "device": true, "cancel": false} // the Demo IdP has a device grant
	check := func(stage string) {
		t.Helper()
		got := map[string]bool{"login": enabled(b.login), "refresh": enabled(b.refresh), "introspect": enabled(b.introspect),
			"revoke": enabled(b.revoke), "userinfo": enabled(b.userinfo), "clientcreds": enabled(b.clientCreds),
			"device": enabled(b.device), "cancel": enabled(b.cancel)}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s enabled = %v; want %v", stage, k, got[k], v)
			}
		}
	}
	check("before login")

	w.cur.busy = "Logging in"
	w.updateActions()
	want = map[string]bool{"login": false, "refresh": false, "cancel": true}
	check("while busy")
	w.cur.busy = ""
	w.updateActions()

	test.Tap(b.login)
	w.wait()
	want = map[string]bool{"login": true, "refresh": true, "introspect": true, "revoke": true, "userinfo": true,
		"clientcreds": true, "device": true, "cancel": false}
	check("after login")

	w.sidebar.selectPaste()
	want = map[string]bool{"login": false, "refresh": false, "introspect": false, "clientcreds": false}
	check("paste a token")
}

func TestErrorShownInWindow(t *testing.T) {
	srv, err := demoidp.Start(demoidp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	st := testStore(t)
	p, err := st.Create(store.Profile{Name: "m2m", Settings: settings.Settings{Issuer: srv.Issuer(), ClientID: demoidp.M2MClientID, AuthMethod: settings.AuthSecretBasic}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetSecret(p.Name, store.SecretClient, "not-the-secret"); err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, st)
	w.sidebar.selectName("m2m")
	if w.cur == nil || w.cur.name != "m2m" {
		t.Fatalf("profile m2m not selected")
	}
	test.Tap(w.actions.clientCreds)
	w.wait()
	got := w.status.errorText()
	if !strings.Contains(got, "invalid_client") || !strings.Contains(got, "refused the token request") {
		t.Errorf("error shown = %q; want the IdP's error in plain words", got)
	}
	if strings.Contains(got, "not-the-secret") {
		t.Errorf("the error shows the secret: %q", got)
	}
}

func TestPlainError(t *testing.T) {
	tests := map[string]struct {
		err  error
		want []string
	}{
		"oauth": {&flows.OAuthError{Code: "invalid_grant", Description: "token expired", Status: 400, Endpoint: "token"},
			[]string{"refused the token request: invalid_grant (token expired), HTTP 400.", "Log in again"}},
		"refresh reuse": {fmt.Errorf("refresh: %w", &flows.OAuthError{Code: "invalid_grant", Status: 400, Endpoint: "token", Grant: "refresh_token"}),
			[]string{"refresh token was refused", "reuse"}},
		"invalid_request": {&flows.OAuthError{Code: "invalid_request", Status: 400, Endpoint: "token"}, []string{"transcript shows the request"}},
		"cancel":          {flows.ErrLoginCancelled, []string{"Cancelled"}},
		"wrapped":         {errors.New("no issuer"), []string{"No issuer"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := plainError(tt.err)
			if strings.Contains(got, "--") {
				t.Errorf("plainError = %q mentions a command-line flag", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("plainError = %q; want it to contain %q", got, w)
				}
			}
		})
	}
}

// TestOpenAgainChecksTheURL: "open again" hands the browser only a URL the
// flow would open: never a file: URL or an option, never plain http to
// another host for a profile that does not allow insecure connections.
func TestOpenAgainChecksTheURL(t *testing.T) {
	w := newTestWindow(t, nil)
	var opened []string
	w.d.browser = func(_ context.Context, u string) error { opened = append(opened, u); return nil }
	for _, tt := range []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"file:///etc/passwd", true, false},
		{"--help", true, false},
		{"http://evil.example/authorize", false, false},
		{"http://lab.example/authorize", true, true},
		{"https://idp.example/authorize", false, true},
	} {
		if err := w.reopen(tt.url, tt.insecure); (err == nil) != tt.ok {
			t.Errorf("reopen(%q, insecure=%v) = %v; want ok=%v", tt.url, tt.insecure, err, tt.ok)
		}
	}
	if len(opened) != 2 {
		t.Errorf("the browser was asked to open %q; want only the two allowed URLs", opened)
	}
}

// An auto-refresh redraws only the tab in view; the other built tabs show
// the new tokens and exchanges when they are shown.
func TestRefreshRendersTheTabInViewOnly(t *testing.T) {
	w := newTestWindow(t, nil)
	test.Tap(w.actions.login)
	w.wait()
	if e := w.status.errorText(); e != "" {
		t.Fatalf("login failed: %s", e)
	}
	access, transcript := w.accessView(), w.transcriptView()
	oldRaw, oldItems := access.raw, len(transcript.items)
	w.selectTab(tabProfile)
	var err error
	w.refreshSession(w.cur, func(e error) { err = e }) // as auto-refresh does
	w.wait()
	if err != nil {
		t.Fatalf("refresh failed: %v", err)
	}
	newRaw := tokenOf(w.result(), kindAccess).Raw
	if newRaw == oldRaw {
		t.Fatalf("the refresh brought the same access token")
	}
	if access.raw != oldRaw || len(transcript.items) != oldItems {
		t.Errorf("the Access token and Transcript tabs were redrawn while the Profile tab was in view")
	}
	w.selectTab(tabAccess)
	if access.raw != newRaw {
		t.Errorf("the Access token tab shows the old token after it was selected")
	}
	w.selectTab(tabTranscript)
	if len(transcript.items) <= oldItems {
		t.Errorf("the Transcript tab shows %d exchanges after the refresh; want more than %d", len(transcript.items), oldItems)
	}
}
