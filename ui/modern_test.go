package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestDemoPARDPoPAndLogout: the Demo IdP profile with PAR and DPoP on, at a
// server that requires both PAR and DPoP nonces: the login pushes, the
// access token view says the token is bound to this session's key, the
// transcript's token exchange copies as curl with secrets as variables,
// and Log out forgets the session's tokens.
func TestDemoPARDPoPAndLogout(t *testing.T) {
	w := newTestWindow(t, nil)
	srv, err := w.demo.server()
	if err != nil {
		t.Fatal(err)
	}
	w.demoPanel.refresh()
	w.demoPanel.requirePAR.SetChecked(true)
	w.wait() // one switch at a time: the test driver runs fyne.Do in place
	w.demoPanel.dpopNonce.SetChecked(true)
	w.wait()
	if !srv.RequirePAR() || !srv.DPoPNonce() {
		t.Fatalf("server switches: PAR %v nonce %v", srv.RequirePAR(), srv.DPoPNonce())
	}
	w.demo.setClient(true, true) // as TOKENINSPECTOR_DEMO_PROTOCOL does; the checks follow on refresh
	test.Tap(w.actions.login)
	w.wait()
	r := w.result()
	if r == nil || !r.PAR || r.DPoP == nil || !r.DPoP.Bound {
		t.Fatalf("result %+v", r)
	}
	// Showing the switches again is not a change: the session keeps its key,
	// and UserInfo presents the bound token with a proof by it.
	key := w.cur.sessionKey()
	w.demoPanel.refresh()
	if w.cur.sessionKey() != key || key == nil {
		t.Fatal("refreshing the Demo IdP panel dropped the session's DPoP key")
	}
	test.Tap(w.actions.userinfo)
	w.wait()
	if w.cur.userinfo == nil {
		t.Fatalf("UserInfo with the DPoP-bound token: %s", w.status.errorText())
	}
	v := w.accessView()
	if !v.binding.Visible() || !strings.Contains(v.binding.Text, "bound to this app's DPoP key") {
		t.Errorf("binding label %q (visible %v)", v.binding.Text, v.binding.Visible())
	}
	tv := w.transcriptView()
	for i, x := range tv.items {
		if x.Endpoint == "token" && x.Status == 200 {
			tv.list.Select(i)
		}
	}
	curl := tv.curl()
	if !strings.Contains(curl, `--data-urlencode "code=$CODE"`) || !strings.Contains(curl, `tokeninspector dpop-proof`) ||
		!strings.Contains(curl, `--data-urlencode "code_verifier=$CODE_VERIFIER"`) || !strings.Contains(curl, "$CLIENT_SECRET") {
		t.Errorf("curl command:\n%s", curl)
	}
	if !enabled(w.actions.logout) {
		t.Fatal("Log out is disabled after a login")
	}
	test.Tap(w.actions.logout)
	w.wait()
	if w.result() != nil || w.cur.sessionKey() != nil {
		t.Errorf("after Log out: result %v, key %v", w.result(), w.cur.sessionKey())
	}
	if msg := w.status.message.Text; !strings.Contains(msg, "Logged out") {
		t.Errorf("status %q (error %q)", msg, w.status.errorText())
	}
}

// TestPastedDPoPBoundToken: a pasted token with cnf.jkt says whose key it is
// bound to; one without says nothing about DPoP.
func TestPastedDPoPBoundToken(t *testing.T) {
	w := newTestWindow(t, nil)
	w.sidebar.selectPaste()
	p := w.pastePanel()
	for _, c := range []struct{ payload, want string }{
		{`{"iss":"https://idp.example.com","sub":"alice","cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}`, "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"},
		{testPayload, ""},
	} {
		p.input.SetText(hsToken(t, c.payload))
		p.mode.SetSelected(verifyNone)
		p.inspect()
		w.wait()
		if got := p.view.binding; (c.want == "") == got.Visible() || !strings.Contains(got.Text, c.want) {
			t.Errorf("binding for %s: %q visible %v", c.payload, got.Text, got.Visible())
		}
	}
}
