package demoidp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

// fakeClock is an Options.Clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// deviceResponse is the RFC 8628 section 3.2 response.
type deviceResponse struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int    `json:"expires_in"`
	Interval                int    `json:"interval"`
	Error                   string `json:"error"`
	status                  int
}

func deviceAuthorize(t *testing.T, s *Server, form url.Values, user, pass string) deviceResponse {
	t.Helper()
	status, body := post(t, s.Issuer()+"/device_authorization", form, user, pass)
	var d deviceResponse
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("device authorization response %d is not JSON: %s", status, body)
	}
	d.status = status
	return d
}

func nativeDevice(t *testing.T, s *Server, scope string) deviceResponse {
	t.Helper()
	d := deviceAuthorize(t, s, url.Values{"client_id": {NativeClientID}, "scope": {scope}}, "", "")
	if d.status != http.StatusOK || d.DeviceCode == "" {
		t.Fatalf("device authorization: %d %+v", d.status, d)
	}
	return d
}

func pollDevice(t *testing.T, s *Server, code string) tokens {
	t.Helper()
	return tokenRequest(t, s, url.Values{"grant_type": {DeviceGrantType}, "device_code": {code}, "client_id": {NativeClientID}}, "", "")
}

func wantPollError(t *testing.T, tk tokens, code string) {
	t.Helper()
	if tk.status != http.StatusBadRequest || tk.Error != code || tk.AccessToken != "" {
		t.Fatalf("poll = %d %q (%s), want 400 %s", tk.status, tk.Error, tk.Description, code)
	}
}

func approve(t *testing.T, uri, user string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := ApproveDevice(ctx, uri, user, "secret"); err != nil {
		t.Fatalf("ApproveDevice: %v", err)
	}
}

var userCodeRE = regexp.MustCompile(`^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`)

// TestDeviceFlow: pending, slow_down when polled too fast, approval on the
// /device page, tokens that verify and pass token.Inspect, replay refused,
// and a working rotating refresh token.
func TestDeviceFlow(t *testing.T) {
	clock := newFakeClock()
	s := startServer(t, Options{Clock: clock.now})
	d := nativeDevice(t, s, "openid profile offline_access api.read")
	if !userCodeRE.MatchString(d.UserCode) || d.VerificationURI != s.Issuer()+"/device" ||
		d.VerificationURIComplete != s.Issuer()+"/device?user_code="+d.UserCode || d.ExpiresIn != 600 || d.Interval != 5 {
		t.Fatalf("device authorization response = %+v", d)
	}

	wantPollError(t, pollDevice(t, s, d.DeviceCode), "authorization_pending")
	wantPollError(t, pollDevice(t, s, d.DeviceCode), "slow_down") // no time passed
	clock.advance(6 * time.Second)                                // the interval is now 10 s
	wantPollError(t, pollDevice(t, s, d.DeviceCode), "slow_down")
	clock.advance(16 * time.Second)
	wantPollError(t, pollDevice(t, s, d.DeviceCode), "authorization_pending")

	// Lower case without the dash is the same code (RFC 8628 section 6.1).
	approve(t, s.Issuer()+"/device?user_code="+strings.ToLower(strings.ReplaceAll(d.UserCode, "-", "")), "alice")
	clock.advance(16 * time.Second)
	tk := pollDevice(t, s, d.DeviceCode)
	if tk.status != http.StatusOK || tk.AccessToken == "" || tk.IDToken == "" || tk.RefreshToken == "" ||
		!strings.EqualFold(tk.TokenType, "bearer") || tk.Scope != "openid profile offline_access api.read" {
		t.Fatalf("token response after approval = %+v", tk)
	}

	idOpts := token.Options{Expect: token.ExpectIDToken, Issuer: s.Issuer(), ClientID: NativeClientID, AccessToken: tk.AccessToken}
	atOpts := token.Options{Expect: token.ExpectAccessToken, Issuer: s.Issuer(), Audience: APIAudience, ClientID: NativeClientID}
	for name, c := range map[string]struct {
		raw  string
		opts token.Options
		pass []string
	}{
		"ID token":     {tk.IDToken, idOpts, []string{"iss", "aud", "azp", "exp", "iat", "at_hash", "typ", "required"}},
		"access token": {tk.AccessToken, atOpts, []string{"iss", "aud", "exp", "iat", "typ", "required"}},
	} {
		r := inspect(t, s, c.raw, c.opts)
		if !r.OK() || r.Signature.Status != token.SigValid {
			t.Errorf("%s: not OK:\n%s", name, summary(r))
		}
		for _, id := range c.pass {
			if st := checkStatus(r, id); st != token.Pass {
				t.Errorf("%s: check %s is %q, want pass\n%s", name, id, st, summary(r))
			}
		}
	}
	set := fetchJWKS(t, s)
	hdr, at := verifyJWT(t, set, tk.AccessToken)
	if hdr.ExtraHeaders["typ"] != "at+jwt" || at["sub"] != "u-1001" || at["client_id"] != NativeClientID ||
		at["scope"] != "openid profile offline_access api.read" {
		t.Errorf("access token header %v claims %v", hdr.ExtraHeaders, at)
	}
	_, id := verifyJWT(t, set, tk.IDToken)
	if id["sub"] != "u-1001" || !slices.Contains(toStrings(id["aud"]), NativeClientID) || id["name"] != "Alice Anderson" {
		t.Errorf("ID token claims %v", id)
	}

	// The device code is good for one token response.
	replay := pollDevice(t, s, d.DeviceCode)
	if replay.status != http.StatusBadRequest || replay.Error != "invalid_grant" {
		t.Errorf("replayed device_code = %d %q, want 400 invalid_grant", replay.status, replay.Error)
	}
	// The user code is used up too.
	if err := ApproveDevice(context.Background(), d.VerificationURIComplete, "alice", "secret"); err == nil ||
		!strings.Contains(err.Error(), "not valid") {
		t.Errorf("ApproveDevice with a used code: %v", err)
	}

	// The refresh token rotates like one from the code flow.
	ref := tokenRequest(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}, "client_id": {NativeClientID}}, "", "")
	if ref.status != http.StatusOK || ref.IDToken == "" || ref.RefreshToken == "" || ref.RefreshToken == tk.RefreshToken {
		t.Fatalf("refresh = %+v", ref)
	}
	if status, ui := getJSON(t, s.Issuer()+"/userinfo", ref.AccessToken); status != http.StatusOK || ui["sub"] != "u-1001" {
		t.Errorf("userinfo with the refreshed token = %d %v", status, ui)
	}
	// Reusing the old refresh token fails and revokes the family (fosite's reuse detection).
	if again := tokenRequest(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}, "client_id": {NativeClientID}}, "", ""); again.status == http.StatusOK {
		t.Error("the old refresh token worked twice")
	}
	if status, _ := getJSON(t, s.Issuer()+"/userinfo", ref.AccessToken); status != http.StatusUnauthorized {
		t.Errorf("userinfo after refresh token reuse = %d, want 401 (family revoked)", status)
	}
}

func TestDeviceDenied(t *testing.T) {
	s := startServer(t, Options{})
	d := nativeDevice(t, s, "openid")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := DenyDevice(ctx, d.VerificationURIComplete, "bob", "secret"); err != nil {
		t.Fatal(err)
	}
	wantPollError(t, pollDevice(t, s, d.DeviceCode), "access_denied")
}

func TestDeviceExpired(t *testing.T) {
	clock := newFakeClock()
	s := startServer(t, Options{Clock: clock.now})
	d := nativeDevice(t, s, "openid")
	clock.advance(DeviceCodeLifetime)
	wantPollError(t, pollDevice(t, s, d.DeviceCode), "expired_token")
	err := ApproveDevice(context.Background(), d.VerificationURIComplete, "alice", "secret")
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("ApproveDevice after expiry: %v", err)
	}

	// Approved, but redeemed too late.
	d = nativeDevice(t, s, "openid")
	approve(t, d.VerificationURIComplete, "alice")
	clock.advance(DeviceCodeLifetime + time.Second)
	wantPollError(t, pollDevice(t, s, d.DeviceCode), "expired_token")
}

func TestDeviceAuthorizationErrors(t *testing.T) {
	s := startServer(t, Options{})
	cases := []struct {
		name       string
		form       url.Values
		user, pass string
		status     int
		err        string
	}{
		{"client without the grant", url.Values{}, WebClientID, WebClientSecret, 400, "unauthorized_client"},
		{"unknown client", url.Values{"client_id": {"nobody"}}, "", "", 401, "invalid_client"},
		{"no client", url.Values{"scope": {"openid"}}, "", "", 401, "invalid_client"},
		{"scope not allowed", url.Values{"client_id": {NativeClientID}, "scope": {"openid api.write"}}, "", "", 400, "invalid_scope"},
		{"audience not allowed", url.Values{"client_id": {NativeClientID}, "audience": {"other"}}, "", "", 400, "invalid_request"},
	}
	for _, c := range cases {
		d := deviceAuthorize(t, s, c.form, c.user, c.pass)
		if d.status != c.status || d.Error != c.err || d.DeviceCode != "" {
			t.Errorf("%s: %d %q, want %d %s", c.name, d.status, d.Error, c.status, c.err)
		}
	}

	d := nativeDevice(t, s, "openid")
	for name, form := range map[string]url.Values{
		"missing device_code": {"grant_type": {DeviceGrantType}, "client_id": {NativeClientID}},
		"unknown device_code": {"grant_type": {DeviceGrantType}, "client_id": {NativeClientID}, "device_code": {"nope"}},
	} {
		tk := tokenRequest(t, s, form, "", "")
		if tk.status != http.StatusBadRequest || (tk.Error != "invalid_request" && tk.Error != "invalid_grant") {
			t.Errorf("%s: %d %q", name, tk.status, tk.Error)
		}
	}
	// A device code belongs to the client it was issued to.
	a := clientAssertion(t, s, s.Issuer()+"/token")
	tk := tokenRequest(t, s, assertionForm(a, url.Values{"grant_type": {DeviceGrantType}, "device_code": {d.DeviceCode}}), "", "")
	if tk.status != http.StatusBadRequest || tk.Error != "invalid_grant" {
		t.Errorf("another client's device_code: %d %q", tk.status, tk.Error)
	}
	// A client without the grant cannot poll.
	tk = tokenRequest(t, s, url.Values{"grant_type": {DeviceGrantType}, "device_code": {d.DeviceCode}}, WebClientID, WebClientSecret)
	if tk.status != http.StatusBadRequest || tk.Error != "unauthorized_client" {
		t.Errorf("demo-web polling: %d %q", tk.status, tk.Error)
	}
	// The user code must be a real one.
	err := ApproveDevice(context.Background(), s.Issuer()+"/device?user_code=BBBB-BBBB", "alice", "secret")
	if err == nil || !strings.Contains(err.Error(), "not valid") {
		t.Errorf("ApproveDevice with a made-up code: %v", err)
	}
	if err := ApproveDevice(context.Background(), s.Issuer()+"/device", "alice", "secret"); err == nil {
		t.Error("ApproveDevice without user_code succeeded")
	}
}

// TestDeviceConfidentialClient: demo-jwt authenticates with private_key_jwt
// at both endpoints; without offline_access there is no refresh token.
func TestDeviceConfidentialClient(t *testing.T) {
	s := startServer(t, Options{ShortLifetimes: true})
	a := clientAssertion(t, s, s.Issuer()+"/device_authorization")
	d := deviceAuthorize(t, s, assertionForm(a, url.Values{"scope": {"openid api.write"}}), "", "")
	if d.status != http.StatusOK || d.Interval != 1 {
		t.Fatalf("device authorization = %+v, want 200 with interval 1 (short lifetimes)", d)
	}
	approve(t, d.VerificationURIComplete, "bob")
	a = clientAssertion(t, s, s.Issuer()+"/token")
	tk := tokenRequest(t, s, assertionForm(a, url.Values{"grant_type": {DeviceGrantType}, "device_code": {d.DeviceCode}}), "", "")
	if tk.status != http.StatusOK || tk.IDToken == "" || tk.RefreshToken != "" || tk.Scope != "openid api.write" {
		t.Fatalf("tokens = %+v", tk)
	}
	_, at := verifyJWT(t, fetchJWKS(t, s), tk.AccessToken)
	if at["sub"] != "u-1002" || at["client_id"] != JWTClientID {
		t.Errorf("access token claims %v", at)
	}
}

func TestDeviceDiscoveryAndPage(t *testing.T) {
	s := startServer(t, Options{})
	_, m := getJSON(t, s.Issuer()+"/.well-known/openid-configuration", "")
	if m["device_authorization_endpoint"] != s.Issuer()+"/device_authorization" ||
		!slices.Contains(toStrings(m["grant_types_supported"]), DeviceGrantType) {
		t.Errorf("discovery: device_authorization_endpoint %v, grant_types_supported %v", m["device_authorization_endpoint"], m["grant_types_supported"])
	}
	resp, err := http.Get(s.Issuer() + "/device")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	f, _ := readForm(t, resp)
	if resp.StatusCode != http.StatusOK || f == nil || !f.hasField("user_code") || f.values.Get("csrf") == "" {
		t.Errorf("GET /device: %d, form %+v", resp.StatusCode, f)
	}
	// A post without the page's CSRF token is refused.
	status, _ := post(t, s.Issuer()+"/device", url.Values{"step": {"code"}, "user_code": {"BBBB-BBBB"}}, "", "")
	if status != http.StatusBadRequest {
		t.Errorf("POST /device without csrf: %d", status)
	}
}

func readForm(t *testing.T, resp *http.Response) (*htmlForm, string) {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return parseForm(body)
}
