package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
)

func startDemo(t *testing.T) *demoidp.Server {
	t.Helper()
	s, err := demoidp.Start(demoidp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// runCLI runs a command in-process and returns status, stdout, stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	st := Main(args, strings.NewReader(stdin), &out, &errb)
	return st, out.String(), errb.String()
}

// useDemoBrowser makes "login" sign in as alice through demoidp.LoginBrowser.
func useDemoBrowser(t *testing.T) {
	prev := openBrowser
	openBrowser = func(ctx context.Context, u string) error { return demoidp.LoginBrowser(ctx, u, "alice", "secret") }
	t.Cleanup(func() { openBrowser = prev })
}

type tokenJSON struct {
	Grant    string         `json:"grant"`
	Response map[string]any `json:"response"`
	Access   *reportJSON    `json:"access_token"`
	ID       *reportJSON    `json:"id_token"`
	Refresh  *reportJSON    `json:"refresh_token"`
	Insecure bool           `json:"insecure"`
}

type reportJSON struct {
	Kind      string `json:"kind"`
	Signature struct {
		Status string `json:"status"`
	} `json:"signature"`
	Checks []struct{ ID, Status string } `json:"checks"`
}

func decodeTokens(t *testing.T, out string) tokenJSON {
	t.Helper()
	var tj tokenJSON
	if err := json.Unmarshal([]byte(out), &tj); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return tj
}

func TestFlowCommandsAgainstDemoIdP(t *testing.T) {
	s := startDemo(t)
	useDemoBrowser(t)
	web := []string{"--issuer", s.Issuer(), "--client-id", demoidp.WebClientID, "--client-secret", demoidp.WebClientSecret}

	st, out, errs := runCLI(t, "", append([]string{"discover"}, "--issuer", s.Issuer())...)
	if st != ExitOK || !strings.Contains(out, "token ") || !strings.Contains(out, "Lint:") {
		t.Fatalf("discover = %d\n%s\n%s", st, out, errs)
	}

	st, out, errs = runCLI(t, "", append([]string{"login", "--json", "--verbose", "--scope", "openid offline_access", "--audience", demoidp.APIAudience}, web...)...)
	if st != ExitOK {
		t.Fatalf("login = %d\n%s", st, errs)
	}
	tj := decodeTokens(t, out)
	if tj.Grant != "authorization_code" || tj.ID == nil || tj.ID.Signature.Status != "valid" || tj.Access.Kind != "jws" || tj.Refresh == nil {
		t.Errorf("login JSON = %+v", tj)
	}
	if !strings.Contains(errs, "> POST "+s.Issuer()+"/token") || !strings.Contains(errs, "Authorization: Basic [redacted]") || strings.Contains(errs, demoidp.WebClientSecret) {
		t.Errorf("--verbose transcript missing or leaking:\n%s", errs)
	}
	rt, _ := tj.Response["refresh_token"].(string)
	idt, _ := tj.Response["id_token"].(string)

	// OIDC Core 12.2: an original ID token for another user makes the refreshed one fail.
	other := "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+s.Issuer()+`","sub":"someone-else","aud":"demo-web"}`)) + "."
	st, out, errs = runCLI(t, rt, append([]string{"refresh", "--refresh-token", "-", "--id-token", other, "--json"}, web...)...)
	if st != ExitFailure || !strings.Contains(out, "it must be the same user") {
		t.Fatalf("refresh with another user's ID token = %d\n%s\n%s", st, out, errs)
	}
	rt, _ = decodeTokens(t, out).Response["refresh_token"].(string)

	st, out, errs = runCLI(t, rt, append([]string{"refresh", "--refresh-token", "-", "--id-token", idt, "--json"}, web...)...)
	refreshed := decodeTokens(t, out)
	if st != ExitOK || refreshed.Grant != "refresh_token" {
		t.Fatalf("refresh = %d\n%s\n%s", st, out, errs)
	}
	// The refresh rotated the tokens: the old access token is revoked by the IdP.
	at, _ := refreshed.Response["access_token"].(string)

	st, out, _ = runCLI(t, "", append([]string{"introspect", "--token", at, "--json"}, web...)...)
	if st != ExitOK || !strings.Contains(out, `"active": true`) {
		t.Errorf("introspect = %d\n%s", st, out)
	}
	st, out, _ = runCLI(t, "", append([]string{"userinfo", "--token", at}, web...)...)
	if st != ExitOK || !strings.Contains(out, "sub: u-1001") {
		t.Errorf("userinfo = %d\n%s", st, out)
	}
	if st, out, errs = runCLI(t, at, append([]string{"revoke", "--token", "-"}, web...)...); st != ExitOK {
		t.Errorf("revoke = %d\n%s\n%s", st, out, errs)
	}
	st, out, _ = runCLI(t, "", append([]string{"introspect", "--token", at}, web...)...)
	if st != ExitFailure || !strings.Contains(out, "active: false") {
		t.Errorf("introspect after revoke = %d\n%s", st, out)
	}
}

func TestClientCredentialsCommand(t *testing.T) {
	s := startDemo(t)
	st, out, errs := runCLI(t, "", "client-credentials", "--issuer", s.Issuer(), "--client-id", demoidp.M2MClientID,
		"--client-secret", demoidp.M2MClientSecret, "--scope", "api.read", "--audience", demoidp.APIAudience)
	if st != ExitOK || !strings.Contains(out, "Grant: client_credentials") || !strings.Contains(out, "== Access token ==") {
		t.Fatalf("client-credentials = %d\n%s\n%s", st, out, errs)
	}
	st, out, errs = runCLI(t, "", "client-credentials", "--json", "--issuer", s.Issuer(), "--client-id", demoidp.M2MClientID, "--client-secret", "wrong")
	if st != ExitFailure || !strings.Contains(out, `"error": "invalid_client"`) || !strings.Contains(errs, "check the client ID") {
		t.Errorf("wrong secret = %d\n%s\n%s", st, out, errs)
	}
}

func TestPrivateKeyJWTCommand(t *testing.T) {
	s := startDemo(t)
	key := filepath.Join(t.TempDir(), "client.pem")
	if err := os.WriteFile(key, s.ClientKeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	st, out, errs := runCLI(t, "", "client-credentials", "--json", "--issuer", s.Issuer(), "--client-id", demoidp.JWTClientID,
		"--private-key", key, "--private-key-id", s.ClientKeyID(), "--scope", "api.read")
	if st != ExitOK || decodeTokens(t, out).Access == nil {
		t.Errorf("private_key_jwt = %d\n%s\n%s", st, out, errs)
	}
}

func TestFlowCommandUsage(t *testing.T) {
	tests := [][]string{
		{"login"},                               // no issuer
		{"refresh", "--issuer", "https://x"},    // no refresh token
		{"introspect", "--issuer", "https://x"}, // no token
		{"login", "--issuer", "https://x", "--param", "novalue"},
		{"login", "--issuer", "https://x", "--auth-method", "magic"},
		{"discover", "--issuer", "https://x", "stray"},
		{"login", "--profile", "work"}, // profiles not wired yet
	}
	for _, args := range tests {
		if st, _, errs := runCLI(t, "", args...); st != ExitUsage || errs == "" {
			t.Errorf("%v = %d (%q); want usage error", args, st, errs)
		}
	}
	if st, _, errs := runCLI(t, "", "login", "--help"); st != ExitOK || !strings.Contains(errs, "-redirect-port") {
		t.Errorf("login --help = %d\n%s", st, errs)
	}
}

// A discovery document whose issuer differs only by a trailing slash (as
// Auth0's do, the other way round) is a warning naming the exact issuer,
// and the command goes on with it.
func TestDiscoverTrailingSlashIsAWarning(t *testing.T) {
	s := startDemo(t)
	st, out, errs := runCLI(t, "", "discover", "--issuer", s.Issuer()+"/")
	if st != ExitOK || !strings.Contains(out, "warn issuer") || !strings.Contains(out, "only by a trailing slash") ||
		!strings.Contains(out, "going on with \""+s.Issuer()+"\"") || strings.Contains(out, "issuer_mismatch") {
		t.Errorf("discover with trailing slash = %d\n%s\n%s", st, out, errs)
	}
	st, out, errs = runCLI(t, "", "client-credentials", "--json", "--issuer", s.Issuer()+"/", "--client-id", demoidp.M2MClientID,
		"--client-secret", demoidp.M2MClientSecret, "--scope", "api.read")
	if st != ExitOK {
		t.Fatalf("client-credentials with a trailing-slash issuer = %d\n%s\n%s", st, out, errs)
	}
	at, _ := decodeTokens(t, out).Response["access_token"].(string)
	st, out, errs = runCLI(t, "", "inspect", "--issuer", s.Issuer()+"/", "--discover", at)
	if st != ExitOK || !strings.Contains(errs, "warning: the discovery document writes the issuer as \""+s.Issuer()+"\"") {
		t.Errorf("inspect --discover with a trailing-slash issuer = %d\n%s\n%s", st, out, errs)
	}
}

// TestInspectNetworkKeys: inspect --jwks URL and --issuer URL --discover
// verify with the flows JWKS cache.
func TestInspectNetworkKeys(t *testing.T) {
	s := startDemo(t)
	st, out, errs := runCLI(t, "", "client-credentials", "--json", "--issuer", s.Issuer(), "--client-id", demoidp.M2MClientID,
		"--client-secret", demoidp.M2MClientSecret, "--scope", "api.read")
	if st != ExitOK {
		t.Fatalf("client-credentials = %d\n%s", st, errs)
	}
	at, _ := decodeTokens(t, out).Response["access_token"].(string)
	for _, args := range [][]string{
		{"inspect", "--json", "--jwks", s.Issuer() + "/jwks", at},
		{"inspect", "--json", "--issuer", s.Issuer(), "--discover", at},
	} {
		st, out, errs := runCLI(t, "", args...)
		var r reportJSON
		json.Unmarshal([]byte(out), &r)
		if st != ExitOK || r.Signature.Status != "valid" {
			t.Errorf("%v = %d, signature %q\n%s", args[:4], st, r.Signature.Status, errs)
		}
	}
	if st, _, errs := runCLI(t, "", "inspect", "--discover", at); st != ExitUsage || !strings.Contains(errs, "--issuer") {
		t.Errorf("--discover without --issuer = %d %q", st, errs)
	}
}

// TestDeviceCommand drives "device" against a small RFC 8628 server: one
// authorization_pending, then tokens.
func TestDeviceCommand(t *testing.T) {
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/device":
			io.WriteString(w, `{"device_code":"d","user_code":"WDJB-MJHT","verification_uri":"https://idp/activate","expires_in":60,"interval":1}`)
		case "/token":
			r.ParseForm()
			if r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code" || r.PostForm.Get("device_code") != "d" {
				w.WriteHeader(400)
				io.WriteString(w, `{"error":"invalid_request"}`)
				return
			}
			if polls.Add(1) == 1 {
				w.WriteHeader(400)
				io.WriteString(w, `{"error":"authorization_pending"}`)
				return
			}
			io.WriteString(w, `{"access_token":"opaque-at","token_type":"Bearer","expires_in":60}`)
		}
	}))
	defer srv.Close()
	st, out, errs := runCLI(t, "", "device", "--json", "--client-id", "tv", "--device-endpoint", srv.URL+"/device", "--token-endpoint", srv.URL+"/token")
	if st != ExitOK || !strings.Contains(errs, "enter the code WDJB-MJHT") || decodeTokens(t, out).Grant != "device_code" || polls.Load() != 2 {
		t.Errorf("device = %d, polls %d\n%s\n%s", st, polls.Load(), out, errs)
	}
}

// TestDeviceCommandOpensBrowser: "device --open" opens the demo IdP's
// verification page in the (stand-in) browser, which approves it.
func TestDeviceCommandOpensBrowser(t *testing.T) {
	s, err := demoidp.Start(demoidp.Options{ShortLifetimes: true}) // polls every second
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	prev := openBrowser
	var opened string
	openBrowser = func(ctx context.Context, u string) error {
		opened = u
		return demoidp.ApproveDevice(ctx, u, "alice", "secret")
	}
	t.Cleanup(func() { openBrowser = prev })
	st, out, errs := runCLI(t, "", "device", "--open", "--json", "--issuer", s.Issuer(), "--client-id", demoidp.NativeClientID, "--scope", "openid")
	if st != ExitOK || !strings.Contains(opened, "/device?user_code=") {
		t.Fatalf("device --open = %d, opened %q\n%s\n%s", st, opened, out, errs)
	}
	if tj := decodeTokens(t, out); tj.Grant != "device_code" || tj.ID == nil || tj.ID.Signature.Status != "valid" {
		t.Errorf("device JSON = %+v", tj)
	}
}

func TestServerTextEscapesControlCharacters(t *testing.T) {
	evil := "x\x1b]0;pwned\x07\u009b2J"
	var b bytes.Buffer
	writeMembers(&b, map[string]any{evil: evil, "list": []any{evil}})
	writeDiscovery(&b, &flows.Discovery{Issuer: evil, Endpoints: settings.Endpoints{Token: evil},
		Lint: []flows.LintItem{{Level: flows.LintWarn, Message: evil}}})
	writeExchange(&b, flows.Exchange{Method: "GET", URL: "https://idp.example/", Status: 200,
		ResponseHeaders: http.Header{"X-Evil": {evil}}, ResponseBody: "line 1\r\n" + evil + "\r\n"})
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07\u009b\r") {
		t.Fatalf("control characters reached the terminal: %q", out)
	}
	if !strings.Contains(out, "< line 1\n< x\\u001b") {
		t.Errorf("the body lost its line structure:\n%s", out)
	}
}
