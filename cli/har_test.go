package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const demoHAR = "../flowtrace/testdata/demo-login.har"
const failingHAR = "../flowtrace/testdata/demo-failing-login.har"

func TestHARCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "", "har", demoHAR)
	if code != ExitOK {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	for _, want := range []string{"WebInspector 537.36", "Steps", "authorization", "callback", "token", "userinfo",
		"code_challenge_method = S256", "PKCE", "Tokens", "signature valid", "Findings", "capture_age"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "", "har", failingHAR)
	if code != ExitFailure || !strings.Contains(out, "pkce_verifier_mismatch") || !strings.Contains(out, "invalid_grant") {
		t.Errorf("failing login: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "har", "--json", failingHAR)
	var doc struct {
		Steps    []map[string]any `json:"steps"`
		Findings []struct{ ID, Level, Message, Spec string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitFailure {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	found := false
	for _, f := range doc.Findings {
		found = found || (f.ID == "token_error" && f.Level == "error" && f.Spec != "")
	}
	if !found || len(doc.Steps) < 6 {
		t.Errorf("--json: %d steps, findings %+v", len(doc.Steps), doc.Findings)
	}
}

func TestHARCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	notHAR := filepath.Join(dir, "x.json")
	os.WriteFile(notHAR, []byte(`{"hello":"world"}`), 0o600)
	hostile := filepath.Join(dir, "hostile.har")
	os.WriteFile(hostile, []byte(`{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-11-24T09:30:00Z","time":1,`+
		`"request":{"method":"GET","url":"https://idp.example/authorize?client_id=a&response_type=code&x=\u001b]0;pwned\u0007"},`+
		`"response":{"status":200,"content":{"mimeType":"text/html"}}}]}}`), 0o600)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"har"}, ExitUsage, "give one HAR file"},
		{[]string{"har", filepath.Join(dir, "missing.har")}, ExitUsage, "no such file"},
		{[]string{"har", notHAR}, ExitUsage, "not a HAR file"},
		{[]string{"har", "sanitize", demoHAR}, ExitUsage, "-o OUT"},
		{[]string{"har", "sanitize", demoHAR, "-o", demoHAR}, ExitUsage, "input is never modified"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s%s", tt.args, code, tt.code, tt.want, out, errOut)
		}
	}
	_, out, _ := runCLI(t, "", "har", hostile)
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("control characters reached the terminal: %q", out)
	}
}

func TestHARSanitizeCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "clean.har")
	before, _ := os.ReadFile(demoHAR)
	code, stdout, stderr := runCLI(t, "", "har", "sanitize", demoHAR, "-o", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	for _, want := range []string{"8 entries", "JWT signature", "refresh_token", "code_verifier", "Set-Cookie value", "Authorization header"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	after, _ := os.ReadFile(demoHAR)
	if !bytes.Equal(before, after) {
		t.Error("the input changed")
	}
	if code, text, _ := runCLI(t, "", "har", out); code != ExitOK || !strings.Contains(text, "sanitised") {
		t.Errorf("the sanitised HAR does not open cleanly: exit %d\n%s", code, text)
	}
}
