package flowtrace

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

func analyzeBytes(t *testing.T, data []byte, now time.Time) *Analysis {
	t.Helper()
	a, err := AnalyzeHAR(context.Background(), bytes.NewReader(data), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("AnalyzeHAR: %v", err)
	}
	return a
}

func findingIDs(a *Analysis, lvl Level) []string {
	var ids []string
	for _, f := range a.Findings {
		if lvl == "" || f.Level == lvl {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

// verified counts the tokens whose signature verified.
func verified(a *Analysis) int {
	n := 0
	for _, tok := range a.Tokens {
		if tok.Report != nil && tok.Report.Signature.Status == token.SigValid {
			n++
		}
	}
	return n
}

func kinds(a *Analysis) []Kind {
	var out []Kind
	for _, s := range a.FlowSteps() {
		out = append(out, s.Kind)
	}
	return out
}

func TestGoodLoginChromeFirefoxSafari(t *testing.T) {
	idp := newTestIdP(t)
	for _, format := range []browserFormat{chrome, firefox, safari} {
		sc := defaultScenario()
		sc.format = format
		// Read a week later: the tokens (1 h lifetime) are judged as of the
		// capture, so they are not expired.
		a := analyzeBytes(t, sc.har(t, idp), sc.start.Add(7*24*time.Hour))
		want := []Kind{KindDiscovery, KindJWKS, KindAuthorization, KindLogin, KindCallback, KindToken, KindUserInfo}
		if got := kinds(a); !slices.Equal(got, want) {
			t.Errorf("format %d: kinds %v, want %v", format, got, want)
		}
		if errs := findingIDs(a, LevelError); len(errs) > 0 || findingIDs(a, LevelWarning) != nil {
			t.Errorf("format %d: unexpected findings %+v", format, a.Findings)
		}
		if a.Issuer != idp.issuer || !a.CapturedAt.Equal(sc.start) {
			t.Errorf("format %d: issuer %q captured %v", format, a.Issuer, a.CapturedAt)
		}
		var ids, verified int
		for _, tok := range a.Tokens {
			if tok.Report != nil && tok.Report.Signature.Status == token.SigValid {
				verified++
			}
			if tok.Name == "id_token" {
				ids++
				if c, _ := tok.Report.Check("exp"); c.Status != token.Pass {
					t.Errorf("format %d: id_token exp judged %v, want pass as of capture: %s", format, c.Status, c.Message)
				}
			}
		}
		if ids != 1 || verified != 2 {
			t.Errorf("format %d: %d id tokens, %d verified with the captured JWKS; tokens %+v", format, ids, verified, a.Tokens)
		}
		if !slices.Contains(findingIDs(a, LevelInfo), "capture_age") || !slices.Contains(findingIDs(a, LevelInfo), "timing") {
			t.Errorf("format %d: no capture_age/timing info: %v", format, findingIDs(a, ""))
		}
		auth := a.FlowSteps()[2]
		if v, _ := auth.Param("code_challenge_method"); v != "S256" || auth.From != Browser || auth.To != IdP {
			t.Errorf("format %d: authorization step %+v", format, auth)
		}
		if p := auth.Params[slices.IndexFunc(auth.Params, func(p Param) bool { return p.Name == "state" })]; p.Spec == "" || p.Meaning == "" {
			t.Errorf("state not explained: %+v", p)
		}
	}
}

// TestFindings breaks one thing at a time; each finding must appear (and
// none of them appears for the good login above).
func TestFindings(t *testing.T) {
	idp := newTestIdP(t)
	tests := []struct {
		name   string
		change func(*scenario)
		want   string
		level  Level
	}{
		{"state returned differs", func(s *scenario) { s.returnedState = "st-other" }, "state_mismatch", LevelError},
		{"callback without state", func(s *scenario) { s.omitState = true }, "state_missing", LevelError},
		{"request without state", func(s *scenario) { s.state = ""; s.omitState = true }, "state_not_sent", LevelWarning},
		{"redirect_uri differs at the token endpoint", func(s *scenario) { s.tokenRedirect = "https://app.example/other" }, "redirect_uri_mismatch", LevelError},
		{"no PKCE", func(s *scenario) { s.method = "none" }, "pkce_missing", LevelWarning},
		{"PKCE plain", func(s *scenario) { s.method = "plain" }, "pkce_plain", LevelWarning},
		{"wrong code_verifier", func(s *scenario) { s.tokenVerifier = "another-verifier-another-verifier-another-1" }, "pkce_verifier_mismatch", LevelError},
		{"ID token nonce differs", func(s *scenario) { s.tokenNonce = "n-replayed" }, "nonce_mismatch", LevelError},
		{"iss wrong", func(s *scenario) { s.iss = "https://evil.example" }, "iss_mismatch", LevelError},
		{"iss missing though announced", func(s *scenario) { s.iss = "" }, "iss_missing", LevelError},
		{"iss missing, not announced", func(s *scenario) { s.iss = ""; s.issParam = false }, "iss_missing", LevelInfo},
		{"error callback", func(s *scenario) { s.callbackError = "access_denied" }, "callback_error", LevelError},
		{"implicit flow: tokens in the fragment", func(s *scenario) { s.responseType = "id_token token"; s.responseMode = "fragment" }, "token_in_url", LevelWarning},
		{"implicit flow warning", func(s *scenario) { s.responseType = "id_token token"; s.responseMode = "fragment" }, "implicit_flow", LevelWarning},
		{"tokens in the query", func(s *scenario) { s.responseType = "id_token token" }, "token_in_url", LevelError},
		{"token endpoint refuses", func(s *scenario) { s.tokenStatus = 400 }, "token_error", LevelError},
		{"token call blocked by CORS", func(s *scenario) { s.tokenStatus = 0; s.tokenError = "net::ERR_FAILED" }, "token_error", LevelError},
		{"IdP clock 5 min ahead", func(s *scenario) { s.dateSkew = 5 * time.Minute }, "clock_offset", LevelWarning},
		{"expired at capture", func(s *scenario) { s.tokenLife = -time.Hour }, "token_check_failed", LevelError},
		{"no code_verifier", func(s *scenario) { s.omitVerifier = true }, "pkce_verifier_missing", LevelError},
		{"ID token without nonce", func(s *scenario) { s.omitNonce = true }, "nonce_missing", LevelError},
		{"signed by another key", func(s *scenario) { s.signer = newTestIdP(t) }, "token_signature_invalid", LevelError},
		{"ID token does not decode", func(s *scenario) { s.brokenIDToken = true }, "token_malformed", LevelError},
		{"userinfo refuses the token", func(s *scenario) { s.userinfoCode = 401 }, "userinfo_error", LevelWarning},
		{"access token in an API URL", func(s *scenario) { s.queryToken = true }, "token_in_url", LevelError},
		{"CORS preflight refused", func(s *scenario) { s.preflight = 403; s.tokenStatus = 0; s.tokenError = "net::ERR_FAILED" }, "cors_preflight_failed", LevelError},
		{"JWKS publishes a symmetric key", func(s *scenario) { s.octInJWKS = true }, "jwks_symmetric_key", LevelError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := defaultScenario()
			tt.change(&sc)
			a := analyzeBytes(t, sc.har(t, idp), sc.start.Add(time.Hour))
			i := slices.IndexFunc(a.Findings, func(f Finding) bool { return f.ID == tt.want && f.Level == tt.level })
			if i < 0 {
				t.Fatalf("no %s %s finding; got %+v", tt.level, tt.want, a.Findings)
			}
			f := a.Findings[i]
			if f.Spec == "" || f.Message == "" {
				t.Errorf("finding without spec or message: %+v", f)
			}
		})
	}
}

func TestCallbackErrorExplained(t *testing.T) {
	sc := defaultScenario()
	sc.callbackError = "access_denied"
	a := analyzeBytes(t, sc.har(t, newTestIdP(t)), sc.start)
	i := slices.IndexFunc(a.Findings, func(f Finding) bool { return f.ID == "callback_error" })
	msg := a.Findings[i].Message
	if !strings.Contains(msg, "access_denied") || !strings.Contains(msg, "The user denied the request") || !strings.Contains(msg, "refused") {
		t.Errorf("callback error not explained: %q", msg)
	}
	if a.Findings[i].Step < 0 || a.Steps[a.Findings[i].Step].Kind != KindCallback {
		t.Errorf("callback error on step %d", a.Findings[i].Step)
	}
}

func TestClockOffsetExplainsIssuedInTheFuture(t *testing.T) {
	sc := defaultScenario()
	idp := newTestIdP(t)
	sc.dateSkew = 10 * time.Minute // the IdP's clock: its Date headers and its tokens' iat
	a := analyzeBytes(t, sc.har(t, idp), sc.start)
	if a.ClockSamples == 0 || a.ClockOffset < 9*time.Minute || a.ClockOffset > 11*time.Minute {
		t.Fatalf("offset %v from %d samples", a.ClockOffset, a.ClockSamples)
	}
	i := slices.IndexFunc(a.Findings, func(f Finding) bool { return f.ID == "clock_offset" })
	if i < 0 || !strings.Contains(a.Findings[i].Message, "explains the iat check") {
		t.Errorf("clock finding does not explain the iat failure: %+v", a.Findings)
	}
}

func TestFormPostAndBase64Body(t *testing.T) {
	sc := defaultScenario()
	sc.responseMode = "form_post"
	sc.jsonBase64 = true
	a := analyzeBytes(t, sc.har(t, newTestIdP(t)), sc.start)
	if errs := findingIDs(a, LevelError); len(errs) > 0 {
		t.Errorf("errors %v", a.Findings)
	}
	var cb *Step
	for _, s := range a.FlowSteps() {
		if s.Kind == KindCallback {
			cb = s
		}
	}
	if cb == nil || cb.Method != "POST" {
		t.Fatalf("no form_post callback: %v", kinds(a))
	}
	if !slices.ContainsFunc(a.Tokens, func(f FoundToken) bool { return f.Name == "id_token" && f.Report != nil }) {
		t.Errorf("no ID token from the base64 token response: %+v", a.Tokens)
	}
}

func TestBadInput(t *testing.T) {
	sc := defaultScenario()
	good := sc.har(t, newTestIdP(t))
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, &HARError{}},
		{"not JSON", []byte("<html>login</html>"), &HARError{}},
		{"JSON, not a HAR", []byte(`{"name":"x","entries":[]}`), ErrNotHAR},
		{"array", []byte(`[1,2]`), ErrNotHAR},
		{"entries not an array", []byte(`{"log":{"entries":{}}}`), ErrNotHAR},
		{"entry without URL", []byte(`{"log":{"entries":[{"request":{"method":"GET"}}]}}`), &HARError{}},
		{"truncated before any entry", good[:40], &HARError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AnalyzeHAR(context.Background(), bytes.NewReader(tt.in), Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if he := (*HARError)(nil); errors.As(tt.want, &he) {
				if !errors.As(err, &he) {
					t.Fatalf("error %v (%T), want a *HARError", err, err)
				}
			} else if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
		})
	}
	// Cut in the middle of the entries: the steps read so far are shown.
	a, err := AnalyzeHAR(context.Background(), bytes.NewReader(good[:len(good)*2/3]), Options{})
	if err != nil {
		t.Fatalf("truncated HAR: %v", err)
	}
	if !slices.Contains(findingIDs(a, LevelError), "har_truncated") || len(a.Steps) == 0 {
		t.Errorf("truncated: %d steps, findings %v", len(a.Steps), findingIDs(a, ""))
	}
	// A BOM is ignored (HAR 1.2).
	if _, err := AnalyzeHAR(context.Background(), bytes.NewReader(append([]byte("\ufeff"), good...)), Options{}); err != nil {
		t.Errorf("BOM: %v", err)
	}
}
