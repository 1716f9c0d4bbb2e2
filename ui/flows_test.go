package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
	"github.com/tokeninspector/tokeninspector/token"
)

// TestCancelLogin: the browser never comes back; Cancel ends the login and
// says so, and the buttons come back.
func TestCancelLogin(t *testing.T) {
	w := newTestWindow(t, nil)
	opened := make(chan string, 1)
	w.d.browser = func(ctx context.Context, u string) error { opened <- u; return nil }
	test.Tap(w.actions.login)
	var u string
	select {
	case u = <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser was never opened")
	}
	if !strings.Contains(u, "code_challenge_method=S256") {
		t.Errorf("authorization URL without PKCE S256: %s", u)
	}
	// The login goroutine is waiting for the callback; the UI state is
	// only read after it ends (w.wait), except the cancel func set before.
	w.onCancel()
	w.wait()
	if got := w.status.message.Text; got != cancelledText || w.status.errorText() != "" {
		t.Errorf("after Cancel the status says %q (error %q); want a neutral %q", got, w.status.errorText(), cancelledText)
	}
	if w.actions.login.Disabled() || !w.actions.cancel.Disabled() {
		t.Errorf("after Cancel: login disabled %v, cancel disabled %v", w.actions.login.Disabled(), w.actions.cancel.Disabled())
	}
	if w.status.url.Text != u || w.status.urlRow.Visible() {
		t.Errorf("URL row: %q visible %v", w.status.url.Text, w.status.urlRow.Visible())
	}
}

// TestDemoFlawFailsCheck: the teaching switch makes the next token fail
// its exp check, and the ID token tab opens on Checks.
func TestDemoFlawFailsCheck(t *testing.T) {
	w := newTestWindow(t, nil)
	srv, err := w.demo.server()
	if err != nil {
		t.Fatal(err)
	}
	w.demoPanel.refresh()
	w.demoPanel.flaw.SetSelected(flawLabel(demoidp.FlawExpired))
	w.wait()
	if srv.Flaw() != demoidp.FlawExpired {
		t.Fatalf("flaw = %s; want expired", srv.Flaw())
	}
	test.Tap(w.actions.login)
	w.wait()
	v := w.idView()
	var exp token.Check
	for _, c := range v.checks {
		if c.ID == "exp" {
			exp = c
		}
	}
	if exp.Status != token.Fail {
		t.Errorf("exp check = %+v; want fail", exp)
	}
	if v.inner.SelectedIndex() != 2 {
		t.Errorf("the ID token view should open on Checks")
	}
	if !strings.HasPrefix(v.expiry.Text, "Expired") {
		t.Errorf("countdown = %q", v.expiry.Text)
	}
}

// TestDiscoverFillsEndpoints runs Discover against the demo IdP.
func TestDiscoverFillsEndpoints(t *testing.T) {
	srv, err := demoidp.Start(demoidp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	w := newTestWindow(t, nil)
	w.sidebar.onAdd()
	e := w.editorView()
	e.issuer.SetText(srv.Issuer())
	e.onDiscover()
	w.wait()
	if got := e.endpts["token"].Text; got != srv.Issuer()+"/token" {
		t.Errorf("token endpoint = %q", got)
	}
	if got := e.endpts["jwks"].Text; got == "" {
		t.Errorf("jwks endpoint not filled")
	}
	if !strings.Contains(e.lint.Text, "Found "+srv.Issuer()) {
		t.Errorf("lint = %q", e.lint.Text)
	}
}

// TestRemembersLastProfileAndSize: the preferences hold the last profile
// and the window size, and a new window restores the profile.
func TestRemembersLastProfileAndSize(t *testing.T) {
	st := testStore(t)
	if _, err := st.Create(store.Profile{Name: "Work", Settings: settings.Settings{Issuer: "https://idp.example.com", ClientID: "app"}}); err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, st)
	w.sidebar.selectName("Work")
	if got := w.app.Preferences().String(prefLastProfile); got != "Work" {
		t.Errorf("last profile = %q", got)
	}
	w.quit()
	if got := w.app.Preferences().Float(prefWidth); got <= 0 {
		t.Errorf("window width not saved: %v", got)
	}

	w2 := newWindow(w.app, w.d)
	w2.started()
	w2.wait()
	if w2.cur == nil || w2.cur.name != "Work" {
		t.Errorf("the new window did not restore the last profile")
	}
}

// TestDemoDeviceLogin: Device login on the Demo IdP (RFC 8628) shows the
// code and the page, the browser approves it, and verified tokens follow.
func TestDemoDeviceLogin(t *testing.T) {
	w := newTestWindow(t, nil)
	srv, err := w.demo.server()
	if err != nil {
		t.Fatal(err)
	}
	srv.SetShortLifetimes(true) // polls every second instead of five
	w.updateActions()
	if w.actions.device.Disabled() {
		t.Fatal("Device login is disabled for the Demo IdP")
	}
	test.Tap(w.actions.device)
	w.wait()
	if e := w.status.errorText(); e != "" {
		t.Fatalf("device login failed: %s", e)
	}
	if !strings.Contains(w.status.url.Text, "/device?user_code=") {
		t.Errorf("the verification URL was not shown: %q", w.status.url.Text)
	}
	if got := w.idView().sigLabel.Text; !strings.HasPrefix(got, "Verified") {
		t.Errorf("ID token badge after a device login = %q; want Verified", got)
	}
	if got := w.accessView().sigLabel.Text; !strings.HasPrefix(got, "Verified") {
		t.Errorf("access token badge after a device login = %q; want Verified", got)
	}
}

// TestDemoPanelFollowsTheServer: the panel shows the server as soon as it
// starts (not when the login ends), and its switches show its state; the
// self-contained switch makes introspection of the access token refused.
func TestDemoPanelFollowsTheServer(t *testing.T) {
	w := newTestWindow(t, nil)
	if !strings.HasPrefix(w.demoPanel.info.Text, "Not started") {
		t.Fatalf("info = %q", w.demoPanel.info.Text)
	}
	opened, proceed := make(chan struct{}), make(chan struct{})
	w.d.browser = func(ctx context.Context, u string) error {
		opened <- struct{}{} // the server has started: the test looks at the panel
		<-proceed
		return demoidp.LoginBrowser(ctx, u, "alice", "secret")
	}
	test.Tap(w.actions.login)
	<-opened
	w.flush()
	if info := w.demoPanel.info.Text; !strings.HasPrefix(info, "Issuer http://127.0.0.1") {
		t.Errorf("while logging in the panel says %q", info)
	}
	close(proceed)
	w.wait()
	w.demoPanel.self.SetChecked(true)
	w.wait()
	if srv := w.demo.running(); srv == nil || !srv.SelfContained() {
		t.Fatal("the switch did not reach the server")
	}
	w.selectTab(tabAccess)
	test.Tap(w.actions.introspect)
	w.wait()
	if got := serverState(w.cur.answer(kindAccess)); got != "refused" {
		t.Errorf("access token after Introspect: %s", got)
	}
}
