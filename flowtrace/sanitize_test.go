package flowtrace

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// secretsOf lists every credential in a HAR as the analysis finds it: the
// tokens (whole, and JWT signatures alone), codes, PKCE verifiers, refresh
// tokens, passwords, client secrets and cookie values.
func secretsOf(t *testing.T, data []byte) []string {
	t.Helper()
	a := analyzeBytes(t, data, time.Now())
	var out []string
	for _, tok := range a.Tokens {
		out = append(out, tok.Raw)
		if parts := strings.Split(tok.Raw, "."); len(parts) == 3 {
			out = append(out, parts[2])
		}
	}
	for _, s := range a.Steps {
		for _, p := range s.Params {
			if p.Secret && p.Value != "" {
				out = append(out, p.Value)
			}
		}
		for _, h := range append(slices.Clone(s.Request.Headers), s.Response.Headers...) {
			switch strings.ToLower(h.Name) {
			case "cookie":
				for _, c := range cookies(h.Value) {
					out = append(out, c.Value)
				}
			case "set-cookie":
				out = append(out, strings.SplitN(strings.SplitN(h.Value, ";", 2)[0], "=", 2)[1])
			case "authorization":
				out = append(out, h.Value)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// bodiesDecoded returns the text of every base64 body in a HAR, decoded.
func bodiesDecoded(t *testing.T, data []byte) string {
	var doc struct {
		Log struct {
			Entries []struct {
				Response struct {
					Content struct {
						Text     string `json:"text"`
						Encoding string `json:"encoding"`
					} `json:"content"`
				} `json:"response"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("sanitised output is not JSON: %v", err)
	}
	var b strings.Builder
	for _, e := range doc.Log.Entries {
		if e.Response.Content.Encoding == "base64" {
			d, _ := base64.StdEncoding.DecodeString(e.Response.Content.Text)
			b.Write(d)
		}
	}
	return b.String()
}

func TestSanitizeRemovesEverySecret(t *testing.T) {
	idp := newTestIdP(t)
	confidential := defaultScenario()
	confidential.clientSecret = "s3cr3t-Client-Pa55"
	base64Body := defaultScenario()
	base64Body.jsonBase64 = true
	formPost := defaultScenario()
	formPost.responseMode = "form_post"
	firefoxHAR := defaultScenario()
	firefoxHAR.format = firefox
	safariHAR := defaultScenario()
	safariHAR.format = safari
	inputs := map[string][]byte{
		"chrome confidential client": confidential.har(t, idp),
		"base64 token response":      base64Body.har(t, idp),
		"form_post":                  formPost.har(t, idp),
		"firefox":                    firefoxHAR.har(t, idp),
		"safari":                     safariHAR.har(t, idp),
		"recorded demo login":        recordDemoLogin(t, false),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			secrets := secretsOf(t, in)
			if len(secrets) < 6 {
				t.Fatalf("only %d secrets found in the input: %q", len(secrets), secrets)
			}
			if name == "chrome confidential client" && !slices.Contains(secrets, "s3cr3t-Client-Pa55") {
				t.Fatalf("the client secret is not among the secrets: %q", secrets)
			}
			var out bytes.Buffer
			sum, err := SanitizeHAR(bytes.NewReader(in), &out)
			if err != nil {
				t.Fatalf("SanitizeHAR: %v", err)
			}
			text := out.String() + bodiesDecoded(t, out.Bytes())
			for _, s := range secrets {
				if len(s) < 8 {
					// The demo IdP's password is the word "secret", which
					// the discovery document also holds (client_secret_basic).
					if strings.Contains(text, "password="+s) {
						t.Errorf("password %q still in the output", s)
					}
					continue
				}
				if strings.Contains(text, s) {
					t.Errorf("secret %q still in the output", s)
				}
			}
			if sum.Total() == 0 || sum.Removed["JWT signature"] == 0 {
				t.Errorf("summary %+v", sum)
			}
			// The output opens again: the same steps, JWT claims readable.
			before := analyzeBytes(t, in, time.Now())
			after := analyzeBytes(t, out.Bytes(), time.Now())
			if !slices.Equal(kinds(before), kinds(after)) {
				t.Errorf("steps after sanitising %v, before %v", kinds(after), kinds(before))
			}
			for _, tok := range after.Tokens {
				if tok.Name == "id_token" {
					if _, ok := tok.Report.Claims.String("sub"); !ok {
						t.Errorf("ID token claims lost: %+v", tok.Report.Claims)
					}
					if tok.Report.Signature.Status == "valid" {
						t.Errorf("sanitised ID token still verifies")
					}
				}
			}
		})
	}
}

func TestSanitizeKeepsHARShape(t *testing.T) {
	sc := defaultScenario()
	in := sc.har(t, newTestIdP(t))
	var out bytes.Buffer
	if _, err := SanitizeHAR(bytes.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	log := doc["log"].(map[string]any)
	if log["version"] != "1.2" || log["creator"].(map[string]any)["name"] != "WebInspector" || len(log["pages"].([]any)) != 1 {
		t.Errorf("log members changed: %v", log)
	}
	entry := log["entries"].([]any)[0].(map[string]any)
	if _, ok := entry["time"].(float64); !ok {
		t.Errorf("time is no longer a number: %T", entry["time"])
	}
	if entry["_resourceType"] != "fetch" || entry["_initiator"] == nil {
		t.Errorf("Chrome extras lost: %v", entry)
	}
	if st := entry["response"].(map[string]any)["status"]; st != float64(200) {
		t.Errorf("status %v (%T)", st, st)
	}
}

func TestSanitizeHARFileNeverTouchesInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "login.har")
	sc := defaultScenario()
	data := sc.har(t, newTestIdP(t))
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := SanitizeHARFile(in, in); err == nil {
		t.Fatal("sanitising onto the input was accepted")
	}
	if _, err := SanitizeHARFile(in, filepath.Join(dir, ".", "login.har")); err == nil {
		t.Fatal("sanitising onto the input (another spelling) was accepted")
	}
	out := filepath.Join(dir, "clean.har")
	if _, err := SanitizeHARFile(in, out); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(in)
	if !bytes.Equal(after, data) {
		t.Error("the input changed")
	}
	bad := filepath.Join(dir, "bad.har")
	os.WriteFile(bad, []byte(`{"not":"a har"}`), 0o600)
	if _, err := SanitizeHARFile(bad, filepath.Join(dir, "bad-out.har")); err == nil {
		t.Error("a non-HAR was sanitised")
	}
	if _, err := os.Stat(filepath.Join(dir, "bad-out.har")); err == nil {
		t.Error("an output was written for a non-HAR")
	}
	if _, err := AnalyzeHAR(context.Background(), bytes.NewReader(mustRead(t, out)), Options{}); err != nil {
		t.Errorf("the output does not open: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
