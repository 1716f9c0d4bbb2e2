package flows

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/settings"
)

func TestDevicePolling(t *testing.T) {
	f := newFakeIdP(t)
	f.devScript = []string{"authorization_pending", "slow_down", "authorization_pending"}
	c := newTestClient(t, f, Config{})
	var waits []time.Duration
	c.after = func(d time.Duration) <-chan time.Time {
		waits = append(waits, d)
		ch := make(chan time.Time, 1)
		ch <- time.Now()
		return ch
	}
	var code DeviceCode
	var polls []DevicePoll
	res, err := c.DeviceWithProgress(context.Background(), func(dc DeviceCode) { code = dc }, func(p DevicePoll) { polls = append(polls, p) })
	if err != nil {
		t.Fatal(err)
	}
	if code.UserCode != "ABCD-EFGH" || !strings.HasSuffix(code.VerificationURI, "/activate") {
		t.Errorf("device code = %+v", code)
	}
	want := []time.Duration{time.Second, time.Second, 6 * time.Second, 6 * time.Second}
	if len(waits) != len(want) {
		t.Fatalf("waits = %v; want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Errorf("wait %d = %v; want %v (slow_down adds 5 s, RFC 8628 §3.5)", i, waits[i], want[i])
		}
	}
	if len(polls) != 3 || res.IDToken == nil || res.Grant != "device_code" {
		t.Errorf("polls %v, result %+v", polls, res)
	}
}

func TestDeviceDenied(t *testing.T) {
	f := newFakeIdP(t)
	f.devScript = []string{"access_denied"}
	c := newTestClient(t, f, Config{})
	c.after = func(time.Duration) <-chan time.Time { ch := make(chan time.Time, 1); ch <- time.Now(); return ch }
	_, err := c.Device(context.Background(), nil)
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.Code != "access_denied" {
		t.Errorf("err = %v; want access_denied", err)
	}
}

func TestTranscriptRedaction(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{ClientSecret: "hunter2", Settings: settings.Settings{AuthMethod: settings.AuthSecretPost}})
	var live []Exchange
	unsub := c.TranscriptLog().Subscribe(func(x Exchange) { live = append(live, x) })
	defer unsub()
	if _, err := c.ClientCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserInfo(context.Background(), "good-at"); err != nil {
		t.Fatal(err)
	}
	xs := c.Transcript()
	if len(xs) != 3 || len(live) != 3 { // discovery, token, userinfo
		t.Fatalf("transcript has %d (live %d) exchanges; want 3", len(xs), len(live))
	}
	if xs[0].Endpoint != "discovery" || xs[1].Endpoint != "token" || xs[2].Endpoint != "userinfo" {
		t.Errorf("endpoints = %s, %s, %s", xs[0].Endpoint, xs[1].Endpoint, xs[2].Endpoint)
	}
	tok := xs[1]
	if strings.Contains(tok.RequestBody, "hunter2") || !strings.Contains(tok.RequestBody, "client_secret=%5Bredacted%5D") {
		t.Errorf("token request body = %q", tok.RequestBody)
	}
	if tok.Status != 200 || !strings.Contains(tok.ResponseBody, "opaque-cc") || tok.Duration <= 0 || tok.Method != "POST" {
		t.Errorf("token exchange = %+v", tok)
	}
	if got := xs[2].RequestHeaders.Get("Authorization"); got != "Bearer [redacted]" {
		t.Errorf("userinfo Authorization = %q", got)
	}
}

func TestRedactJSONAndHeaders(t *testing.T) {
	got := redactBody("application/json", []byte(`{"client_secret":"x","name":"n"}`), secretFields)
	if got != `{"client_secret":"[redacted]","name":"n"}` {
		t.Errorf("redactJSON = %s", got)
	}
	h := redactHeaders(http.Header{"Authorization": {"Basic abc"}, "Cookie": {"s=1"}, "Accept": {"a"}})
	if h.Get("Authorization") != "Basic [redacted]" || h.Get("Cookie") != Redacted || h.Get("Accept") != "a" {
		t.Errorf("headers = %v", h)
	}
}

// TestRevealPutsBackOnlyTokenFields: an exchange keeps the redacted bodies
// and only the hidden values of TokenFields, not a second copy of each
// body; Revealed puts them back in their places (a form's pairs in their
// order, a JSON object's members in the redacted body's order, so that
// showing secrets moves nothing), and client secrets stay hidden.
func TestRevealPutsBackOnlyTokenFields(t *testing.T) {
	const (
		form = "grant_type=refresh_token&refresh_token=rt%2B1&client_secret=s3cret&client_id=app&code=c-1"
		body = `{"token_type":"Bearer","refresh_token":"rt-2","access_token":"at","client_secret":"s3cret"}`
	)
	var x Exchange
	x.setBodies("application/x-www-form-urlencoded", []byte(form), "application/json; charset=utf-8", []byte(body))
	for _, secret := range []string{"rt%2B1", "rt-2", "c-1", "s3cret"} {
		if strings.Contains(x.RequestBody+x.ResponseBody, secret) {
			t.Errorf("redacted bodies show %s: %s %s", secret, x.RequestBody, x.ResponseBody)
		}
	}
	var kept int
	for _, f := range append(x.hiddenRequest.fields, x.hiddenResponse.fields...) {
		kept += len(f.value)
	}
	if want := len("refresh_token=rt%2B1") + len("code=c-1") + len(`"rt-2"`); kept != want {
		t.Errorf("the exchange keeps %d bytes of hidden values; want %d (the token fields only)", kept, want)
	}
	r := x.Revealed()
	if want := "grant_type=refresh_token&refresh_token=rt%2B1&client_secret=%5Bredacted%5D&client_id=app&code=c-1"; r.RequestBody != want {
		t.Errorf("revealed request = %s\nwant %s", r.RequestBody, want)
	}
	if want := `{"access_token":"at","client_secret":"[redacted]","refresh_token":"rt-2","token_type":"Bearer"}`; r.ResponseBody != want {
		t.Errorf("revealed response = %s\nwant %s", r.ResponseBody, want)
	}
	var sorted Exchange
	sorted.setBodies("", nil, "application/json", []byte(`{"token_type":"Bearer", "refresh_token":"r"}`))
	if got, want := sorted.Revealed().ResponseBody, `{"refresh_token":"r","token_type":"Bearer"}`; got != want {
		t.Errorf("revealed response = %s; want %s (the redacted body's order)", got, want)
	}
	var plain Exchange
	plain.setBodies("application/json", []byte(`{"b":1, "a":2}`), "text/plain", []byte("refresh_token=x"))
	if r := plain.Revealed(); r.RequestBody != `{"b":1, "a":2}` || r.ResponseBody != "refresh_token=x" {
		t.Errorf("bodies without token fields changed: %+v", r)
	}
}

// TestRedactJSONThatDoesNotParse: a JSON answer that does not parse as
// one object still has its secret values hidden, in the default view and
// revealed (its values cannot be put back), and keeps the rest.
func TestRedactJSONThatDoesNotParse(t *testing.T) {
	for _, body := range []string{
		`{"access_token":"at","refresh_token":"SECRET"}{}`,
		"\ufeff" + `{"refresh_token" : "SECRET\"quoted", "access_token":"at"}`,
		`{"access_token":"at","refresh_token":"SECRET","exp`,
		`[{"client_secret":"SECRET","access_token":"at"}]`,
	} {
		var x Exchange
		x.setBodies("", nil, "application/json", []byte(body))
		for _, got := range []string{x.ResponseBody, x.Revealed().ResponseBody} {
			if strings.Contains(got, "SECRET") || !strings.Contains(got, `"at"`) || !strings.Contains(got, Redacted) {
				t.Errorf("%s -> %s", body, got)
			}
		}
	}
}

func TestBrowserArgv(t *testing.T) {
	const u = "https://idp/authorize?a=1"
	tests := []struct {
		cmd  string
		want []string
	}{
		{"firefox", []string{"firefox", u}},
		{"tokeninspector demo-browser --user bob", []string{"tokeninspector", "demo-browser", "--user", "bob", u}},
		{"chromium --app=%s", []string{"chromium", "--app=" + u}},
	}
	for _, tt := range tests {
		got := browserArgv(tt.cmd, u)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("browserArgv(%q) = %q; want %q", tt.cmd, got, tt.want)
		}
	}
}

func TestOpenBrowserEnvList(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "b.sh")
	os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" > "+out+"\n"), 0o755)
	t.Setenv("BROWSER", "false:"+script)
	if err := OpenBrowser(context.Background(), "https://x/y"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); strings.TrimSpace(string(b)) != "https://x/y" {
		t.Errorf("second command got %q", b)
	}
	t.Setenv("BROWSER", "false")
	if err := OpenBrowser(context.Background(), "https://x/y"); err == nil {
		t.Error("failing $BROWSER reported success")
	}
}

// TestDeviceStopReasons: polling that ends says why (expired code, the
// caller's cancellation, the caller's own deadline).
func TestDeviceStopReasons(t *testing.T) {
	f := newFakeIdP(t)
	f.devScript = []string{"authorization_pending", "authorization_pending", "authorization_pending"}
	block := func(time.Duration) <-chan time.Time { return nil } // never ticks: only ctx ends the wait
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want string
	}{
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, "cancelled while waiting"},
		{"caller deadline", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		}, "gave up waiting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, f, Config{Settings: settings.Settings{Endpoints: settings.Endpoints{DeviceAuthorization: f.issuer() + "/device", Token: f.issuer() + "/token"}}})
			c.after = block
			ctx, cancel := tt.ctx()
			defer cancel()
			dc := &DeviceCode{deviceCode: "dev-1", Interval: time.Second}
			_, err := c.pollDevice(ctx, dc, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "expired before") {
				t.Errorf("err = %v; want %q", err, tt.want)
			}
		})
	}
	ctx, cancel := context.WithDeadlineCause(context.Background(), time.Now().Add(-time.Second), errDeviceExpired)
	defer cancel()
	c := newTestClient(t, f, Config{})
	c.after = block
	if _, err := c.pollDevice(ctx, &DeviceCode{deviceCode: "dev-1", Interval: time.Second}, nil); !errors.Is(err, errDeviceExpired) {
		t.Errorf("err = %v; want the expiry", err)
	}
}

// TestTranscriptRedactsTokensByDefault: codes, verifiers, refresh and
// device codes, assertions and the tokens sent to introspection or
// revocation are redacted unless revealed; client secrets never are; a
// password in a URL is hidden in the transcript and in error text.
func TestTranscriptRedactsTokensByDefault(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{ClientSecret: "hunter2", Settings: settings.Settings{AuthMethod: settings.AuthSecretPost}})
	ctx := context.Background()
	if _, err := c.Refresh(ctx, "rt-1", nil); err != nil {
		t.Fatal(err)
	}
	c.Introspect(ctx, "introspected-SECRET", "")
	c.Revoke(ctx, "revoked-SECRET", "")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {"code-SECRET"}, "code_verifier": {"verifier-SECRET"},
		"client_assertion": {"assertion-SECRET"}, "device_code": {"device-SECRET"}, "subject_token": {"subject-SECRET"}}
	c.tokenRequest(ctx, f.issuer()+"/token", form)
	var all, revealed strings.Builder
	for _, x := range c.Transcript() {
		fmt.Fprintf(&all, "%s %s %s\n", x.URL, x.RequestBody, x.ResponseBody)
		r := x.Revealed()
		fmt.Fprintf(&revealed, "%s %s\n", r.RequestBody, r.ResponseBody)
	}
	for _, secret := range []string{"rt-1", "introspected-SECRET", "revoked-SECRET", "code-SECRET", "verifier-SECRET", "assertion-SECRET", "device-SECRET", "subject-SECRET", "hunter2"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("the transcript shows %q by default", secret)
		}
		if want := secret != "hunter2"; strings.Contains(revealed.String(), secret) != want {
			t.Errorf("revealed transcript shows %q: %v; want %v", secret, !want, want)
		}
	}

	withPassword := "http://user:pa55word@" + strings.TrimPrefix(f.issuer(), "http://")
	c2 := newTestClient(t, f, Config{Settings: settings.Settings{Issuer: withPassword + "/nowhere", Endpoints: settings.Endpoints{Token: withPassword + "/missing"}}})
	_, err := c2.ClientCredentials(ctx)
	for _, x := range c2.Transcript() {
		if strings.Contains(x.URL, "pa55word") {
			t.Errorf("transcript URL %q shows the password", x.URL)
		}
	}
	if err == nil || strings.Contains(err.Error(), "pa55word") {
		t.Errorf("error %v; want one without the URL's password", err)
	}
}

// TestDiscoveryRedactsIssuerPassword: an issuer URL with a password never
// shows it in the discovery report (document URL, requested issuer, lint),
// the mismatch error, or the oauth2c command line.
func TestDiscoveryRedactsIssuerPassword(t *testing.T) {
	f := newFakeIdP(t)
	withPassword := "http://user:pa55word@" + strings.TrimPrefix(f.issuer(), "http://")
	cfg := Config{Settings: settings.Settings{Issuer: withPassword, ClientID: "c"}}
	c := newTestClient(t, f, cfg)
	d, err := c.Discover(context.Background())
	if d == nil {
		t.Fatalf("Discover: %v", err)
	}
	shown := []string{d.URL, d.Requested, d.RedirectedFrom, fmt.Sprint(err), OAuth2cCommand(cfg, GrantCommand{GrantType: "client_credentials"})}
	for _, l := range d.Lint {
		shown = append(shown, l.Message)
	}
	for _, s := range shown {
		if strings.Contains(s, "pa55word") {
			t.Errorf("%q shows the issuer URL's password", s)
		}
	}
}

// TestIntrospectionProofPresentsBoundToken: introspecting or revoking a
// DPoP-bound access token sends a proof whose ath is that token's hash
// (RFC 9449 §4.2); a refresh token's proof has no ath.
func TestIntrospectionProofPresentsBoundToken(t *testing.T) {
	proofs := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		proofs[r.URL.Path+" "+r.PostForm.Get("token_type_hint")] = r.Header.Get("DPoP")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"active":true}`))
	}))
	defer srv.Close()
	c, err := NewClient(Config{Settings: settings.Settings{ClientID: "cli", DPoP: true,
		Endpoints: settings.Endpoints{Introspection: srv.URL + "/introspect", Revocation: srv.URL + "/revoke"}}})
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	bound := enc([]byte(`{"alg":"ES256"}`)) + "." + enc([]byte(`{"sub":"a","cnf":{"jkt":"x"}}`)) + ".c2ln"
	ctx := context.Background()
	if _, err := c.Introspect(ctx, bound, "access_token"); err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(ctx, bound, "access_token"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Introspect(ctx, "refresh-1", "refresh_token"); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"/introspect access_token": AccessTokenHash(bound), "/revoke access_token": AccessTokenHash(bound), "/introspect refresh_token": ""} {
		proof := proofs[key]
		parts := strings.Split(proof, ".")
		if len(parts) != 3 {
			t.Fatalf("%s: proof %q is not a compact JWS", key, proof)
		}
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatalf("%s: proof payload: %v", key, err)
		}
		if got, _ := claims["ath"].(string); got != want {
			t.Errorf("%s: ath = %q; want %q", key, got, want)
		}
	}
}
