package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// evilText holds what a hostile server, token or file may send to a
// terminal: an OSC title change ended by BEL, a raw C1 CSI, an ESC
// sequence, bidi overrides and isolates, zero-width characters and a BOM.
const evilText = "A\x1b]0;pwned\x07B\u009b2JC\x1b[31mD\u202eE\u2066F\u200bG\ufeffH\u2028I"

// rawEvil are the runes that must never reach the terminal as they are.
const rawEvil = "\x1b\x07\u009b\u202e\u2066\u200b\ufeff\u2028"

// hostileIdP answers every endpoint with evilText wherever a string goes.
func hostileIdP(t *testing.T) *httptest.Server {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		var body map[string]any
		switch {
		case r.URL.Path == "/.well-known/openid-configuration":
			body = map[string]any{"issuer": srv.URL, "token_endpoint": srv.URL + "/token", "authorization_endpoint": "javascript:" + evilText,
				"jwks_uri": srv.URL + "/jwks", "device_authorization_endpoint": srv.URL + "/device", "service_documentation": evilText}
		case r.URL.Path == "/device":
			body = map[string]any{"device_code": "dc", "user_code": evilText, "verification_uri": "https://idp.example/" + evilText, "interval": 1, "expires_in": 5}
		case r.URL.Path == "/token" && r.PostForm.Get("grant_type") == "client_credentials":
			body = map[string]any{"access_token": "opaque" + evilText, "token_type": evilText, "scope": evilText, "x_" + evilText: evilText}
		default:
			w.WriteHeader(http.StatusBadRequest)
			body = map[string]any{"error": "access_denied", "error_description": evilText, "error_uri": evilText}
		}
		json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHostileTextNeverReachesTheTerminal feeds evilText through every path
// that prints outside text: token responses (token_type, scope, raw
// tokens, extra members), OAuth errors (error_description, error_uri),
// device codes and verification URIs, discovery lint, login error
// callbacks, profile fields and imported names.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	srv := hostileIdP(t)
	manual := []string{"--client-id", "cli", "--client-secret", "s", "--token-endpoint", srv.URL + "/token"}
	prev := openBrowser
	t.Cleanup(func() { openBrowser = prev })
	openBrowser = func(ctx context.Context, u string) error { // answers the login with an error callback
		au, _ := url.Parse(u)
		q := au.Query()
		cb, _ := url.Parse(q.Get("redirect_uri"))
		cb.RawQuery = url.Values{"error": {"access_denied"}, "error_description": {evilText}, "error_uri": {evilText}, "state": {q.Get("state")}}.Encode()
		resp, err := http.Get(cb.String())
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	dir := t.TempDir()
	bundle := filepath.Join(dir, "evil.json")
	os.WriteFile(bundle, []byte(`{"schema":1,"kind":"tokeninspector-profiles","profiles":[{"name":"evil`+"\u202e"+`name","issuer":"https://idp.example","client_id":"`+strings.ReplaceAll(strings.ReplaceAll(evilText, "\x1b", `\u001b`), "\x07", `\u0007`)+`","insecure":true}]}`), 0o600)
	profiles := filepath.Join(dir, "profiles.json")
	commands := []struct {
		name string
		args []string
	}{
		{"token response", append([]string{"client-credentials"}, manual...)},
		{"token response verbose", append([]string{"client-credentials", "--verbose"}, manual...)},
		{"OAuth error", append([]string{"refresh", "--refresh-token", "rt"}, manual...)},
		{"introspection error", append([]string{"introspect", "--token", "t", "--introspection-endpoint", srv.URL + "/introspect"}, manual...)},
		{"device", []string{"device", "--open", "--client-id", "cli", "--device-endpoint", srv.URL + "/device", "--token-endpoint", srv.URL + "/token"}},
		{"discovery lint", []string{"discover", "--issuer", srv.URL}},
		{"login error callback", []string{"login", "--client-id", "cli", "--authorization-endpoint", srv.URL + "/authorize", "--token-endpoint", srv.URL + "/token", "--timeout", "5s"}},
		{"profile import", []string{"profile", "import", bundle, "--profiles", profiles}},
		{"profile list", []string{"profile", "list", "--profiles", profiles}},
		{"profile show", []string{"profile", "show", "evil\u202ename", "--profiles", profiles}},
		{"token response --json", append([]string{"client-credentials", "--json"}, manual...)},
		{"OAuth error --json", append([]string{"refresh", "--refresh-token", "rt", "--json"}, manual...)},
		{"device --json", []string{"device", "--json", "--client-id", "cli", "--device-endpoint", srv.URL + "/device", "--token-endpoint", srv.URL + "/token"}},
		{"discovery --json", []string{"discover", "--json", "--issuer", srv.URL}},
		{"profile show --json", []string{"profile", "show", "evil\u202ename", "--json", "--profiles", profiles}},
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			st, out, errs := runCLI(t, "", c.args...)
			all := out + errs
			if strings.ContainsAny(all, rawEvil) {
				t.Errorf("exit %d; raw control or format characters reached the terminal:\n%q", st, all)
			}
			if !strings.Contains(all, `\u202e`) {
				t.Errorf("exit %d; the hostile text is not shown escaped:\n%s", st, all)
			}
		})
	}
}

// TestInspectJSONDeepNesting: inspect --json prints a JSON report for a
// token whose claims nest as deep as the parser allows, and says what it cut.
func TestInspectJSONDeepNesting(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	deep := strings.Repeat("[", 9998) + strings.Repeat("]", 9998)
	tok := enc(`{"alg":"none"}`) + "." + enc(`{"sub":"a","deep":`+deep+`}`) + "."
	st, out, errs := runCLI(t, "", "inspect", "--json", tok)
	var report struct {
		Warnings []struct{ ID string } `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || !strings.HasSuffix(out, "\n") {
		t.Fatalf("exit %d: not a JSON report (%v):\n%.300s\n%s", st, err, out, errs)
	}
	found := false
	for _, w := range report.Warnings {
		found = found || w.ID == "deep_nesting"
	}
	if !found {
		t.Errorf("the report does not say it cut the deep claim: %+v", report.Warnings)
	}
}

// TestJSONDeepResponseStaysSmall: a server response nesting 9,000 levels
// deep (60 KB) is printed by --json as valid JSON of about its own size,
// not indented into hundreds of megabytes.
func TestJSONDeepResponseStaysSmall(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 9000) + "1" + strings.Repeat("}", 9000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"sub":"x","deep":`+deep+`}`)
	}))
	t.Cleanup(srv.Close)
	st, out, errs := runCLI(t, "", "userinfo", "--json", "--token", "at", "--userinfo-endpoint", srv.URL, "--token-endpoint", srv.URL)
	if st != 0 || len(out) > 10*len(deep) {
		t.Fatalf("exit %d, %d bytes of output for a %d-byte response; stderr %s", st, len(out), len(deep), errs)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil || !strings.HasSuffix(out, "\n") {
		t.Fatalf("output is not one JSON document with a final newline: %v", err)
	}
}

// TestEveryEndpointShown: profile show and discover list every endpoint,
// PAR and end session included, so an imported profile that sends the
// client's credentials to another server can be seen before it is used.
func TestEveryEndpointShown(t *testing.T) {
	profiles := filepath.Join(t.TempDir(), "profiles.json")
	if st, _, errs := runCLI(t, "", "profile", "add", "--name", "p", "--issuer", "https://idp.example", "--client-id", "c",
		"--par-endpoint", "https://par.example/par", "--end-session-endpoint", "https://logout.example/end", "--profiles", profiles); st != 0 {
		t.Fatalf("profile add: exit %d: %s", st, errs)
	}
	_, out, _ := runCLI(t, "", "profile", "show", "p", "--profiles", profiles)
	for _, want := range []string{"https://par.example/par", "https://logout.example/end"} {
		if !strings.Contains(out, want) {
			t.Errorf("profile show does not show %s:\n%s", want, out)
		}
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "token_endpoint": srv.URL + "/token",
			"pushed_authorization_request_endpoint": srv.URL + "/par", "end_session_endpoint": srv.URL + "/logout"})
	}))
	t.Cleanup(srv.Close)
	_, out, _ = runCLI(t, "", "discover", "--issuer", srv.URL)
	for _, want := range []string{srv.URL + "/par", srv.URL + "/logout"} {
		if !strings.Contains(out, want) {
			t.Errorf("discover does not show %s:\n%s", want, out)
		}
	}
}
