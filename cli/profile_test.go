package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
	"github.com/zalando/go-keyring"
)

// runProfileCmd runs "tokeninspector profile ARGS..." against the profiles
// file path and returns status, stdout, stderr.
func runProfileCmd(t *testing.T, path, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{"profile"}, args...)
	if len(args) > 0 && path != "" {
		full = append(full, "--profiles", path)
	}
	status := Main(full, strings.NewReader(stdin), &out, &errOut)
	return status, out.String(), errOut.String()
}

func TestProfileCommands(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	path := filepath.Join(dir, "profiles.json")

	st, out, errOut := runProfileCmd(t, path, "", "list")
	if st != ExitOK || !strings.Contains(out, "No saved profiles") {
		t.Fatalf("empty list: %d %q %q", st, out, errOut)
	}
	st, out, errOut = runProfileCmd(t, path, "s3cr3t\n", "add", "--name", "Okta dev",
		"--issuer", "https://dev.okta.example/oauth2/default", "--client-id", "0oa1",
		"--client-secret", "-", "--scope", "openid profile", "--scope", "email",
		"--param", "prompt=login", "--redirect-host", "[::1]", "--redirect-port", "8765", "--skew", "90s")
	if st != ExitOK || !strings.Contains(out, `Saved profile "Okta dev"`) || !strings.Contains(out, "Client secret stored in OS keyring") {
		t.Fatalf("add: %d %q %q", st, out, errOut)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "s3cr3t") {
		t.Fatal("secret written to profiles.json")
	}

	st, out, _ = runProfileCmd(t, path, "", "list")
	if st != ExitOK || !strings.Contains(out, "Okta dev") || !strings.Contains(out, "client_secret_basic") {
		t.Errorf("list: %d %q", st, out)
	}
	_, out, _ = runProfileCmd(t, path, "", "show", "okta dev")
	for _, want := range []string{"openid profile email", "http://[::1]:8765/callback", "stored in OS keyring", "prompt=login", "1m30s"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s3cr3t") {
		t.Error("show printed the secret")
	}

	// edit changes only what is given, and renames.
	st, out, errOut = runProfileCmd(t, path, "", "edit", "--name", "Okta dev", "--new-name", "Okta", "--notes", "tenant A", "--insecure")
	if st != ExitOK || !strings.Contains(errOut, "WARNING: insecure") {
		t.Fatalf("edit: %d %q %q", st, out, errOut)
	}
	st, out, _ = runProfileCmd(t, path, "", "show", "Okta", "--json")
	var shown struct {
		store.Profile
		Issues store.Issues `json:"issues"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil || st != ExitOK {
		t.Fatalf("show --json: %v\n%s", err, out)
	}
	if shown.ClientID != "0oa1" || shown.Notes != "tenant A" || !shown.Insecure || len(shown.Scopes) != 3 || shown.Revision != 2 {
		t.Errorf("after edit: %+v", shown.Profile)
	}

	// --profile for the flow commands: the profile as a flows.Config.
	t.Setenv(store.EnvPath, path)
	cfg, err := profileConfig("okta")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ClientSecret != "s3cr3t" || cfg.ClientID != "0oa1" || cfg.RedirectHost != "[::1]" || cfg.Skew.D() != 90*time.Second ||
		cfg.Params.Get("prompt") != "login" || cfg.AuthMethod != "" || !cfg.Insecure {
		t.Errorf("profileConfig = %+v", cfg)
	}
	if _, err := profileConfig("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown profile: %v", err)
	}

	// export: without secrets by default; with them on request (file 0600).
	st, out, _ = runProfileCmd(t, path, "", "export")
	if st != ExitOK || strings.Contains(out, "s3cr3t") || !strings.Contains(out, `"client_id": "0oa1"`) {
		t.Errorf("export: %d %s", st, out)
	}
	exp := filepath.Join(dir, "export.json")
	st, _, errOut = runProfileCmd(t, path, "", "export", "--with-secrets", "--out", exp)
	if fi, err := os.Stat(exp); st != ExitOK || err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(errOut, "plain text") {
		t.Fatalf("export --with-secrets: %d %v %q", st, err, errOut)
	}
	if st, _, errOut = runProfileCmd(t, path, "", "export", "--out", exp); st == ExitOK || !strings.Contains(errOut, "never overwritten") {
		t.Errorf("export over an existing file: %d %q", st, errOut)
	}

	// import into the same store: a conflict is reported, not overwritten.
	st, out, _ = runProfileCmd(t, path, "", "import", exp)
	if st != ExitFailure || !strings.Contains(out, "SKIPPED   Okta") {
		t.Errorf("import conflict: %d %q", st, out)
	}
	st, out, _ = runProfileCmd(t, path, "", "import", exp, "--rename", "--with-secrets")
	if st != ExitOK || !strings.Contains(out, "Okta -> Okta (2)") || !strings.Contains(out, "1 secret(s) stored") {
		t.Errorf("import --rename: %d %q", st, out)
	}

	st, out, _ = runProfileCmd(t, path, "", "rm", "Okta (2)", "nope")
	if st != ExitUsage || !strings.Contains(out, `Deleted profile "Okta (2)"`) {
		t.Errorf("rm: %d %q", st, out)
	}
}

func TestProfileAddInvalid(t *testing.T) {
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "profiles.json")
	st, _, errOut := runProfileCmd(t, path, "", "add", "--name", "x", "--issuer", "https://idp", "--redirect-host", "10.0.0.1")
	if st != ExitUsage || !strings.Contains(errOut, "client_id: enter the client ID") || !strings.Contains(errOut, "redirect_host:") {
		t.Errorf("add invalid: %d %q", st, errOut)
	}
	if st, _, errOut = runProfileCmd(t, path, "", "add", "--issuer", "https://idp"); st != ExitUsage || !strings.Contains(errOut, "--name is required") {
		t.Errorf("add without name: %d %q", st, errOut)
	}
	if st, _, _ = runProfileCmd(t, path, "", "frobnicate"); st != ExitUsage {
		t.Errorf("unknown subcommand: %d", st)
	}
}

func TestProfileNoKeyring(t *testing.T) {
	keyring.MockInitWithError(errors.New(`exec: "dbus-launch": executable file not found in $PATH`))
	t.Cleanup(keyring.MockInit)
	path := filepath.Join(t.TempDir(), "profiles.json")
	st, out, errOut := runProfileCmd(t, path, "", "add", "--name", "web", "--issuer", "https://idp", "--client-id", "c", "--client-secret", "x")
	if st != ExitFailure || !strings.Contains(out, "Saved profile") || !strings.Contains(errOut, "was NOT saved") || !strings.Contains(errOut, "--secret-in-file") {
		t.Fatalf("no keyring: %d %q %q", st, out, errOut)
	}
	st, out, errOut = runProfileCmd(t, path, "", "edit", "--name", "web", "--client-secret", "x", "--secret-in-file")
	if st != ExitOK || !strings.Contains(errOut, "UNENCRYPTED") || !strings.Contains(out, "secrets.json (0600)") {
		t.Fatalf("--secret-in-file: %d %q %q", st, out, errOut)
	}
	t.Setenv(store.EnvPath, path)
	if cfg, err := profileConfig("web"); err != nil || cfg.ClientSecret != "x" {
		t.Errorf("profileConfig from the file backend: %+v %v", cfg, err)
	}
}

func TestProfileCorruptFile(t *testing.T) {
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "profiles.json")
	for _, n := range []string{"a", "b"} {
		if st, _, e := runProfileCmd(t, path, "", "add", "--name", n, "--issuer", "https://idp", "--client-id", "c"); st != ExitOK {
			t.Fatal(e)
		}
	}
	if err := os.WriteFile(path, []byte(`{"schema":1,"profiles":[{"na`), 0o600); err != nil {
		t.Fatal(err)
	}
	st, _, errOut := runProfileCmd(t, path, "", "list")
	if st != ExitOK || !strings.Contains(errOut, "truncated") || !strings.Contains(errOut, "profile restore") {
		t.Fatalf("list on a damaged file: %d %q", st, errOut)
	}
	st, out, _ := runProfileCmd(t, path, "", "restore")
	if st != ExitOK || !strings.Contains(out, "Restored 1 profile(s)") {
		t.Errorf("restore: %d %q", st, out)
	}
}

// TestFlowWithProfile: a flow command runs from a saved profile alone,
// its secret read from the keyring, against the embedded demo IdP.
func TestFlowWithProfile(t *testing.T) {
	keyring.MockInit()
	s := startDemo(t)
	path := filepath.Join(t.TempDir(), "profiles.json")
	t.Setenv(store.EnvPath, path)
	st, _, errOut := runProfileCmd(t, path, demoidp.M2MClientSecret+"\n", "add", "--name", "demo m2m", "--issuer", s.Issuer(),
		"--client-id", demoidp.M2MClientID, "--client-secret", "-", "--scope", "api.read", "--audience", demoidp.APIAudience)
	if st != ExitOK {
		t.Fatalf("add: %s", errOut)
	}
	var out, errs bytes.Buffer
	st = Main([]string{"client-credentials", "--profile", "demo m2m", "--json"}, strings.NewReader(""), &out, &errs)
	if st != ExitOK || !strings.Contains(out.String(), "access_token") {
		t.Fatalf("client-credentials --profile: %d\n%s\n%s", st, out.String(), errs.String())
	}
	// A wrong secret in the keyring reaches the IdP (and fails there).
	if _, _, e := runProfileCmd(t, path, "", "edit", "--name", "demo m2m", "--client-secret", "wrong"); e != "" {
		t.Fatal(e)
	}
	out.Reset()
	errs.Reset()
	if st = Main([]string{"client-credentials", "--profile", "demo m2m"}, strings.NewReader(""), &out, &errs); st != ExitFailure {
		t.Errorf("with a wrong stored secret: %d %s", st, errs.String())
	}
}

// --profile must carry every setting and the secret the method needs into
// the flows.Config (moved from flows' ConfigFromProfile test).
func TestProfileConfigCarriesEverything(t *testing.T) {
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "profiles.json")
	t.Setenv(store.EnvPath, path)
	set := settings.Settings{
		Issuer: "https://i", ClientID: "c", AuthMethod: settings.AuthPrivateKeyJWT, PrivateKeyID: "k1",
		Endpoints: settings.Endpoints{Authorization: "https://i/a", Token: "https://i/t", Introspection: "https://i/in",
			Revocation: "https://i/r", UserInfo: "https://i/u", DeviceAuthorization: "https://i/d", JWKS: "https://i/j"},
		Scopes: []string{"openid"}, Audience: "aud", Resources: []string{"https://api"},
		Params:       map[string][]string{"acr_values": {"gold"}},
		RedirectHost: "[::1]", RedirectPort: 9, RedirectPath: "/cb", CAFile: "/ca.pem", Insecure: true,
		Skew: settings.Duration(time.Minute), Timeout: settings.Duration(5 * time.Second),
	}
	s, _, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(store.Profile{Name: "full", Settings: set}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetSecret("full", store.SecretPrivateKey, "pk"); err != nil {
		t.Fatal(err)
	}
	cfg, err := profileConfig("full")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(cfg)
	exp, _ := json.Marshal(flows.Config{Settings: set, PrivateKey: []byte("pk")})
	if !bytes.Equal(got, exp) {
		t.Errorf("profileConfig:\n got %s\nwant %s", got, exp)
	}
}
