package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
	"github.com/tokeninspector/tokeninspector/token"
)

// refusingIdP is a provider like the many with self-contained JWT access
// tokens: it introspects and revokes the refresh token, refuses both for the
// access token (400 unsupported_token_type), and its userinfo refuses the
// access token (401 invalid_token). It records the requests it gets.
type refusingIdP struct {
	srv *httptest.Server
	at  string // the access token it refuses (or, with activeAT, introspects)

	activeAT bool // introspect the access token (an opaque one) as active, with claims

	mu      sync.Mutex
	reqs    []string // "endpoint token hint"
	revoked map[string]bool
}

func newRefusingIdP(t *testing.T, at string) *refusingIdP {
	f := &refusingIdP{at: at, revoked: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *refusingIdP) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	tok, hint := r.PostForm.Get("token"), r.PostForm.Get("token_type_hint")
	f.mu.Lock()
	f.reqs = append(f.reqs, strings.TrimPrefix(r.URL.Path, "/")+" "+tok+" "+hint)
	revoked := f.revoked[tok]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	refuse := func() {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"unsupported_token_type","error_description":"JWT access tokens are self-contained"}`))
	}
	switch r.URL.Path {
	case "/introspect":
		switch {
		case tok == f.at && f.activeAT:
			_, _ = w.Write([]byte(`{"active":true,"sub":"alice","client_id":"app","exp":4102444800,"scope":"openid"}`))
		case tok == f.at:
			refuse()
		case revoked:
			_, _ = w.Write([]byte(`{"active":false}`))
		default:
			_, _ = w.Write([]byte(`{"active":true,"token_type":"refresh_token"}`))
		}
	case "/revoke":
		if tok == f.at {
			refuse()
			return
		}
		f.mu.Lock()
		f.revoked[tok] = true
		f.mu.Unlock()
	case "/userinfo":
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="the token is for another resource"`)
		w.WriteHeader(http.StatusUnauthorized)
	default:
		http.NotFound(w, r)
	}
}

func (f *refusingIdP) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reqs...)
}

// loggedInAt opens a window on a profile of f with a token response of an
// access token at and a refresh token, as after a login.
func loggedInAt(t *testing.T, f *refusingIdP, at string) *window {
	t.Helper()
	st := testStore(t)
	ep := settings.Endpoints{Token: f.srv.URL + "/token", Introspection: f.srv.URL + "/introspect",
		Revocation: f.srv.URL + "/revoke", UserInfo: f.srv.URL + "/userinfo"}
	if _, err := st.Create(store.Profile{Name: "Provider", Settings: settings.Settings{ClientID: "app", Endpoints: ep}}); err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, st)
	w.sidebar.selectName("Provider")
	if w.cur == nil || w.cur.name != "Provider" {
		t.Fatal("the profile is not selected")
	}
	inspected := func(raw string) *flows.Inspected {
		r, err := token.Inspect(context.Background(), raw, token.Options{Clock: func() time.Time { return testNow }})
		return &flows.Inspected{Raw: raw, Report: r, Err: err}
	}
	w.handlers.setResult(w.cur, &flows.Result{Grant: "authorization_code", Raw: map[string]any{"access_token": at},
		AccessToken: inspected(at), RefreshToken: inspected("rt-opaque-0123456789")}, false)
	return w
}

// TestIntrospectActsOnTheTokenInView: on the Refresh token tab Introspect
// sends the refresh token with its hint; on the Access token tab the access
// token, whose refusal is shown and explained on its server line and in
// Responses.
func TestIntrospectActsOnTheTokenInView(t *testing.T) {
	at := hsToken(t, testPayload)
	f := newRefusingIdP(t, at)
	w := loggedInAt(t, f, at)

	w.selectTab(tabRefresh)
	if got := w.actions.introspect.Text; got != "Introspect refresh token" {
		t.Errorf("on the Refresh token tab the button says %q", got)
	}
	test.Tap(w.actions.introspect)
	w.wait()
	if got := f.requests(); len(got) != 1 || got[0] != "introspect rt-opaque-0123456789 refresh_token" {
		t.Fatalf("requests = %q; want the refresh token with token_type_hint=refresh_token", got)
	}
	if got := w.refreshView().srvLabel.Text; got != "Server (introspection): active" {
		t.Errorf("refresh token server line = %q", got)
	}

	w.selectTab(tabAccess)
	if got := w.actions.introspect.Text; got != "Introspect access token" {
		t.Errorf("on the Access token tab the button says %q", got)
	}
	test.Tap(w.actions.introspect)
	w.wait()
	if got := f.requests(); len(got) != 2 || got[1] != "introspect "+at+" access_token" {
		t.Fatalf("requests = %q; want the access token with its hint", got)
	}
	v := w.accessView()
	if !strings.Contains(v.srvLabel.Text, "introspection refused (unsupported_token_type, HTTP 400)") ||
		!strings.Contains(v.srvNote.Text, "self-contained JWT access tokens") || !v.srvToggle.Visible() {
		t.Errorf("access token server line = %q / %q", v.srvLabel.Text, v.srvNote.Text)
	}
	if top := v.split.Leading; top.Size().Height < top.MinSize().Height {
		t.Errorf("the summary above the tables is %v high, needs %v: the explanation overlaps the tables", top.Size().Height, top.MinSize().Height)
	}
	if e := w.status.errorText(); !strings.Contains(e, "RFC 9068") || strings.Contains(e, "--") {
		t.Errorf("status = %q; want the explanation, no command-line flag", e)
	}
	w.responsesView().selectSource(sourceIntro)
	if got := w.responses.text.Text; !strings.Contains(got, "unsupported_token_type") {
		t.Errorf("Responses shows %q for the refused introspection", got)
	}
}

// TestRevokeContinuesAfterRefusal: Revoke sends both tokens with their
// hints; the access token's refusal does not stop the refresh token's
// revocation; each outcome is reported, and Refresh is no longer offered.
func TestRevokeContinuesAfterRefusal(t *testing.T) {
	at := hsToken(t, testPayload)
	f := newRefusingIdP(t, at)
	w := loggedInAt(t, f, at)
	w.selectTab(tabAccess)
	if got := w.actions.revoke.Text; got != "Revoke tokens" {
		t.Errorf("Revoke button says %q", got)
	}
	test.Tap(w.actions.revoke)
	w.wait()
	got := f.requests()
	want := []string{"revoke " + at + " access_token", "revoke rt-opaque-0123456789 refresh_token", "introspect rt-opaque-0123456789 refresh_token"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	msg := w.status.message.Text
	if !strings.Contains(msg, "Access token NOT revoked (unsupported_token_type)") || !strings.Contains(msg, "refresh token revoked") {
		t.Errorf("status = %q; want each token's outcome", msg)
	}
	if serverState(w.cur.answer(kindRefresh)) != "revoked" || serverState(w.cur.answer(kindAccess)) != "refused" {
		t.Errorf("answers: access %s, refresh %s", serverState(w.cur.answer(kindAccess)), serverState(w.cur.answer(kindRefresh)))
	}
	if !w.actions.refresh.Disabled() {
		t.Error("Refresh is still offered with a revoked refresh token")
	}
	if got := w.actions.revoke.Text; got != "Revoke access token" {
		t.Errorf("after the refresh token's revocation, Revoke says %q", got)
	}
}

// TestUserInfoRefusalKept: a 401 from userinfo is shown in Responses with
// what it means, not "press UserInfo".
func TestUserInfoRefusalKept(t *testing.T) {
	at := hsToken(t, testPayload)
	f := newRefusingIdP(t, at)
	w := loggedInAt(t, f, at)
	test.Tap(w.actions.userinfo)
	w.wait()
	if w.tabs.Selected().Text != tabResponses || w.responses.pick.Selected != sourceUserInfo {
		t.Errorf("shown: %s / %s", w.tabs.Selected().Text, w.responses.pick.Selected)
	}
	if got := w.responses.text.Text; !strings.Contains(got, "invalid_token") || !strings.Contains(got, "another resource") ||
		strings.Contains(got, "Press UserInfo") {
		t.Errorf("Responses = %q", got)
	}
}

// TestOpaqueAccessTokenClaimsFromIntrospection: the claims table of an
// opaque access token lists the introspection's claims, marked as such.
func TestOpaqueAccessTokenClaimsFromIntrospection(t *testing.T) {
	const at = "opaque-access-token-0123456789"
	f := newRefusingIdP(t, at)
	f.activeAT = true
	w := loggedInAt(t, f, at)
	w.selectTab(tabAccess)
	test.Tap(w.actions.introspect)
	w.wait()
	v := w.accessView()
	found := false
	for _, r := range v.claimRows {
		if r.Name == "sub" && r.Value == "alice" && r.Source == "introspection" {
			found = true
		}
		if r.Name == "exp" && r.At.IsZero() {
			t.Errorf("exp from introspection has no time")
		}
	}
	if !found {
		t.Errorf("claims = %+v; want sub from introspection", v.claimRows)
	}
}

// TestLoginReportsBrowserWithoutCallback: the browser command returns and no
// callback follows: within NoCallbackAfter the status says so and offers
// Copy URL, Open again (which opens the same URL) and Cancel.
func TestLoginReportsBrowserWithoutCallback(t *testing.T) {
	w := newTestWindow(t, nil)
	opened := make(chan string, 2)
	noticed := make(chan struct{}, 1)
	w.d.browser = func(ctx context.Context, u string) error { opened <- u; return nil }
	w.d.noCallbackAfter = 20 * time.Millisecond
	w.d.noticed = func() { noticed <- struct{}{} }
	test.Tap(w.actions.login)
	u := <-opened
	select {
	case <-noticed:
	case <-time.After(10 * time.Second):
		t.Fatal("no notice that the browser returned without a callback")
	}
	w.flush()
	// The login goroutine now waits for the callback: the UI is quiet.
	if got := w.status.message.Text; !strings.Contains(got, "No sign-in has come back") || w.status.errorText() != "" {
		t.Errorf("status = %q (error %q)", got, w.status.errorText())
	}
	if !w.status.urlRow.Visible() || !w.status.openAgain.Visible() || !w.actions.cancel.Visible() || w.actions.cancel.Disabled() {
		t.Errorf("offered: URL buttons %v, Cancel %v", w.status.urlRow.Visible(), w.actions.cancel.Visible())
	}
	test.Tap(w.status.copyURL)
	if w.app.Clipboard().Content() != u {
		t.Errorf("Copy URL copied %q", w.app.Clipboard().Content())
	}
	test.Tap(w.status.openAgain)
	select {
	case again := <-opened:
		if again != u {
			t.Errorf("Open again opened %q; want %q", again, u)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open again did not open the browser")
	}
	test.Tap(w.actions.cancel)
	w.wait()
	if got := w.status.message.Text; got != cancelledText || w.status.errorText() != "" {
		t.Errorf("after Cancel: %q (error %q)", got, w.status.errorText())
	}
}

// TestLoginStatusSaysWhatMatters: a login whose ID token fails a check says
// so on the status line, not just "Logged in.".
func TestLoginStatusSaysWhatMatters(t *testing.T) {
	w := newTestWindow(t, nil)
	w.demo.opts.Flaw = "expired"
	test.Tap(w.actions.login)
	w.wait()
	if got := w.status.message.Text; !strings.HasPrefix(got, "Logged in, but the ID token failed the exp check") {
		t.Errorf("status = %q", got)
	}
}
