package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tokeninspector/tokeninspector/settings"
)

var testNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func clock() time.Time { return testNow }

// openTemp opens a store in a fresh folder with the mock keyring.
func openTemp(t *testing.T, opts ...Option) *Store {
	t.Helper()
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "cfg", "profiles.json")
	s, prob, err := Open(path, append([]Option{WithClock(clock)}, opts...)...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if prob != nil {
		t.Fatalf("Open of a new folder reported a problem: %v", prob)
	}
	return s
}

func sample(name string) Profile {
	return Profile{
		Name:     name,
		Settings: settings.Settings{Issuer: "https://idp.example.com/realms/demo", ClientID: "client-" + name, AuthMethod: settings.AuthSecretBasic, Scopes: []string{"openid", "profile"}, Audience: "api://default", Resources: []string{"https://api.example.com/"}, Params: map[string][]string{"prompt": {"login"}}, RedirectHost: "[::1]", RedirectPort: 8765, RedirectPath: "/cb", Skew: settings.Duration(90 * time.Second)},
		Notes:    "from the admin console",
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(EnvPath, "/tmp/x/profiles.json")
	if p, _ := DefaultPath(); p != "/tmp/x/profiles.json" {
		t.Errorf("with %s set: %q", EnvPath, p)
	}
	t.Setenv(EnvPath, "")
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	t.Setenv("HOME", "/home/u")
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(mustConfigDir(t), "tokeninspector", "profiles.json"); p != want {
		t.Errorf("DefaultPath = %q, want %q", p, want)
	}
}

func mustConfigDir(t *testing.T) string {
	d, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCRUD(t *testing.T) {
	s := openTemp(t)
	created, err := s.Create(sample("Okta dev"))
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Revision != 1 || !created.Created.Equal(testNow) {
		t.Errorf("Create did not fill ID/revision/created: %+v", created)
	}
	if _, err := s.Create(sample("okta DEV")); !errors.Is(err, ErrExists) {
		t.Errorf("Create with a name differing only in case: err = %v, want ErrExists", err)
	}

	// A second store on the same file sees it, field for field.
	s2, prob, err := Open(s.Path())
	if err != nil || prob != nil {
		t.Fatalf("reopen: %v %v", err, prob)
	}
	got, err := s2.Get("okta dev")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(created) {
		t.Errorf("reloaded profile differs:\n got %+v\nwant %+v", got, created)
	}

	got.Notes = "edited"
	got.Name = "Okta prod"
	upd, err := s.Update("Okta dev", got)
	if err != nil {
		t.Fatal(err)
	}
	if upd.ID != created.ID || upd.Revision != 2 || upd.Notes != "edited" {
		t.Errorf("Update: %+v", upd)
	}
	if _, err := s.Get("Okta dev"); !errors.Is(err, ErrNotFound) {
		t.Errorf("old name after a renaming update: %v", err)
	}
	// A stale copy (revision 1) is refused.
	if _, err := s.Update("Okta prod", created); !errors.Is(err, ErrChanged) {
		t.Errorf("stale update: err = %v, want ErrChanged", err)
	}

	if _, err := s.Create(sample("Auth0")); err != nil {
		t.Fatal(err)
	}
	if err := s.Rename("Auth0", "okta PROD"); !errors.Is(err, ErrExists) {
		t.Errorf("rename onto a taken name: %v", err)
	}
	if err := s.Rename("Auth0", "Auth0 tenant"); err != nil {
		t.Fatal(err)
	}
	dup, err := s.Duplicate("Okta prod", "Okta prod copy")
	if err != nil {
		t.Fatal(err)
	}
	if dup.ID == upd.ID || dup.Notes != "edited" {
		t.Errorf("Duplicate: %+v", dup)
	}
	if err := s.Delete("Auth0 tenant"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("Auth0 tenant"); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	var names []string
	for _, p := range s2.List() { // s2 notices the file changed
		names = append(names, p.Name)
	}
	if want := []string{"Okta prod", "Okta prod copy"}; !slices.Equal(names, want) {
		t.Errorf("List = %q, want %q", names, want)
	}
	if _, err := os.Stat(s.BackupPath()); err != nil {
		t.Errorf("no backup after several saves: %v", err)
	}
	if fi, _ := os.Stat(s.Path()); fi.Mode().Perm() != 0o600 {
		t.Errorf("profiles.json mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestCreateRejectsInvalid(t *testing.T) {
	s := openTemp(t)
	p := sample("bad")
	p.ClientID = ""
	p.RedirectHost = "example.com"
	_, err := s.Create(p)
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want a *ValidationError", err)
	}
	if len(ve.Issues.Field(FieldClientID)) != 1 || len(ve.Issues.Field(FieldRedirectHost)) != 1 {
		t.Errorf("issues = %+v", ve.Issues)
	}
	if len(s.List()) != 0 {
		t.Error("an invalid profile was saved")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Profile)
		field string
		sev   Severity
		want  string // part of the message
	}{
		{"missing client id", func(p *Profile) { p.ClientID = "" }, FieldClientID, SeverityError, "client ID"},
		{"missing name", func(p *Profile) { p.Name = " " }, FieldName, SeverityError, "enter a name"},
		{"bad issuer url", func(p *Profile) { p.Issuer = "https://exa mple.com" }, FieldIssuer, SeverityError, "not a valid URL"},
		{"issuer not http", func(p *Profile) { p.Issuer = "ftp://idp" }, FieldIssuer, SeverityError, "https://"},
		{"issuer query", func(p *Profile) { p.Issuer = "https://idp/?x=1" }, FieldIssuer, SeverityError, "no query"},
		{"plain http", func(p *Profile) { p.Issuer = "http://idp.example.com" }, FieldIssuer, SeverityWarning, "plain http"},
		{"no issuer nor endpoints", func(p *Profile) { p.Issuer = "" }, FieldIssuer, SeverityError, "authorization and token endpoints"},
		{"bad endpoint", func(p *Profile) { p.Endpoints.Token = "token" }, "endpoints.token", SeverityError, "https://"},
		{"non-loopback redirect", func(p *Profile) { p.RedirectHost = "192.168.1.2" }, FieldRedirectHost, SeverityError, "RFC 8252"},
		{"localhost redirect", func(p *Profile) { p.RedirectHost = "localhost" }, FieldRedirectHost, SeverityError, "rather than"},
		{"unbracketed v6", func(p *Profile) { p.RedirectHost = "::1" }, FieldRedirectHost, SeverityError, "[::1]"},
		{"port range", func(p *Profile) { p.RedirectPort = 70000 }, FieldRedirectPort, SeverityError, "65535"},
		{"privileged port", func(p *Profile) { p.RedirectPort = 80 }, FieldRedirectPort, SeverityWarning, "privileged"},
		{"path", func(p *Profile) { p.RedirectPath = "cb" }, FieldRedirectPath, SeverityError, `starts with "/"`},
		{"auth method", func(p *Profile) { p.AuthMethod = "tls_client_auth" }, FieldAuthMethod, SeverityError, "unknown method"},
		{"scope with space", func(p *Profile) { p.Scopes = []string{"openid email"} }, FieldScopes, SeverityError, "RFC 6749"},
		{"resource fragment", func(p *Profile) { p.Resources = []string{"https://api/#x"} }, FieldResources, SeverityError, "RFC 8707"},
		{"reserved param", func(p *Profile) { p.Params = map[string][]string{"state": {"x"}} }, FieldParams, SeverityError, "set by Token Inspector"},
		{"insecure", func(p *Profile) { p.Insecure = true }, FieldInsecure, SeverityWarning, "not be verified"},
		{"negative skew", func(p *Profile) { p.Skew = -1 }, FieldSkew, SeverityError, "negative"},
		{"missing CA file", func(p *Profile) { p.CAFile = "/nonexistent/ca.pem" }, FieldCAFile, SeverityWarning, "cannot read"},
	}
	if is := sample("ok").Validate(); len(is) != 0 {
		t.Fatalf("the sample profile has issues: %+v", is)
	}
	manual := sample("manual")
	manual.Issuer, manual.Endpoints = "", settings.Endpoints{Authorization: "https://idp/auth", Token: "https://idp/token"}
	if is := manual.Validate(); len(is) != 0 {
		t.Errorf("manual endpoints without issuer: %+v", is)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sample("x")
			tt.edit(&p)
			is := p.Validate()
			if len(is) != 1 {
				t.Fatalf("want exactly one issue, got %+v", is)
			}
			i := is[0]
			if i.Field != tt.field || i.Severity != tt.sev || !strings.Contains(i.Message, tt.want) {
				t.Errorf("got %+v, want field %s, %s, containing %q", i, tt.field, tt.sev, tt.want)
			}
		})
	}
}

// TestCorruptFiles: the store opens, says what is wrong and where, moves
// the bad file aside with its bytes intact, and offers the backup.
func TestCorruptFiles(t *testing.T) {
	good, err := encodeProfiles([]Profile{sample("A"), sample("B")}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		kind ProblemKind
		want string
	}{
		{"truncated", good[:len(good)/2], ProblemSyntax, "truncated"},
		{"newer schema", []byte(`{"schema": 99, "profiles": []}`), ProblemNewerSchema, "newer Token Inspector"},
		{"schema zero", []byte(`{"schema": 0, "profiles": []}`), ProblemNotProfiles, "not a valid version"},
		{"no schema", []byte(`{"profiles": []}`), ProblemNotProfiles, `no "schema"`},
		{"binary", []byte{0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x01}, ProblemSyntax, "binary"},
		{"empty", nil, ProblemEmpty, "empty"},
		{"white space", []byte("\n  \n"), ProblemEmpty, "empty"},
		{"array", []byte(`[1,2]`), ProblemNotProfiles, "not a profiles object"},
		{"null", []byte(`null`), ProblemNotProfiles, "null"},
		{"trailing", append(slices.Clone(good), []byte("}x")...), ProblemSyntax, "after the end"},
		{"bad syntax", []byte("{\"schema\": 1,\n \"profiles\": [}"), ProblemSyntax, "not valid JSON"},
		{"duplicate names", []byte(`{"schema":1,"profiles":[{"name":"a"},{"name":"A"}]}`), ProblemContent, "both named"},
		{"nameless", []byte(`{"schema":1,"profiles":[{"client_id":"x"}]}`), ProblemContent, "no name"},
		{"profiles not a list", []byte(`{"schema":1,"profiles":{"a":1}}`), ProblemContent, "not a list"},
		{"bad duration", []byte(`{"schema":1,"profiles":[{"name":"a","skew":"soon"}]}`), ProblemContent, "duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "profiles.json")
			backup, _ := encodeProfiles([]Profile{sample("from backup")}, testNow)
			must(t, os.WriteFile(path+".bak", backup, 0o600))
			must(t, os.WriteFile(path, tt.data, 0o600))

			s, prob, err := Open(path, WithClock(clock))
			if err != nil {
				t.Fatalf("Open failed outright: %v", err)
			}
			if prob == nil {
				t.Fatal("no problem reported")
			}
			if prob.Err.Kind != tt.kind || !strings.Contains(prob.Error(), tt.want) || !strings.Contains(prob.Error(), path) {
				t.Errorf("problem kind %s, message %q; want kind %s mentioning %q and the path", prob.Err.Kind, prob.Error(), tt.kind, tt.want)
			}
			moved, err := os.ReadFile(prob.MovedTo)
			if err != nil || string(moved) != string(tt.data) {
				t.Errorf("the damaged file was not kept byte for byte at %q: %v", prob.MovedTo, err)
			}
			if prob.Backup != path+".bak" || prob.BackupProfiles != 1 {
				t.Errorf("backup on offer: %q with %d profiles", prob.Backup, prob.BackupProfiles)
			}
			if len(s.List()) != 0 {
				t.Error("a damaged file should open as an empty store")
			}
			// Restoring the backup works, and nothing is lost: the
			// damaged copy stays where it was moved.
			n, err := s.RestoreBackup()
			if err != nil || n != 1 {
				t.Fatalf("RestoreBackup = %d, %v", n, err)
			}
			if _, err := s.Get("from backup"); err != nil {
				t.Error(err)
			}
			if _, err := os.Stat(prob.MovedTo); err != nil {
				t.Errorf("damaged copy gone after restore: %v", err)
			}
			if s.Problem() != nil {
				t.Error("problem not dismissed after restore")
			}
		})
	}
}

func TestCorruptNoBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "profiles.json")
	must(t, os.WriteFile(path, []byte("{"), 0o600))
	s, prob, err := Open(path, WithClock(clock))
	if err != nil || prob == nil {
		t.Fatalf("Open = %v, %v", prob, err)
	}
	if prob.Backup != "" || !strings.Contains(prob.Error(), "no usable backup") {
		t.Errorf("problem: %v", prob)
	}
	if !strings.HasPrefix(filepath.Base(prob.MovedTo), "profiles.json.corrupt-20260304-050607") {
		t.Errorf("moved to %q", prob.MovedTo)
	}
	// Saving works and does not touch the moved file; a second damaged
	// file at the same second gets its own name.
	for _, n := range []string{"new", "newer"} {
		if _, err := s.Create(sample(n)); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.WriteFile(path, []byte("garbage"), 0o600))
	_, prob2, _ := Open(path, WithClock(clock))
	if prob2 == nil || prob2.MovedTo == prob.MovedTo {
		t.Fatalf("second problem: %+v", prob2)
	}
	if b, _ := os.ReadFile(prob.MovedTo); string(b) != "{" {
		t.Errorf("first damaged copy overwritten: %q", b)
	}
	// The backup offered now is the good file saved before the last save.
	if prob2.Backup == "" || prob2.BackupProfiles != 1 || prob2.Err.Line != 1 || prob2.Err.Column != 1 {
		t.Errorf("backup on offer after one good save: %+v", prob2)
	}
}

func TestUnreadable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "profiles.json")
	good, _ := encodeProfiles([]Profile{sample("A")}, testNow)
	must(t, os.WriteFile(path, good, 0o600))
	must(t, os.Chmod(path, 0))
	if os.Geteuid() == 0 {
		// root reads any file: simulate the permission failure.
		readFile = func(name string) ([]byte, error) {
			if name == path {
				return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrPermission}
			}
			return os.ReadFile(name)
		}
		t.Cleanup(func() { readFile = os.ReadFile })
	}
	_, prob, err := Open(path)
	if err != nil || prob == nil {
		t.Fatalf("Open = %v, %v", prob, err)
	}
	if prob.Err.Kind != ProblemUnreadable || !strings.Contains(prob.Error(), "permission denied") {
		t.Errorf("problem: %v", prob)
	}
	must(t, os.Chmod(prob.MovedTo, 0o600))
	if b, _ := os.ReadFile(prob.MovedTo); string(b) != string(good) {
		t.Error("unreadable file not kept intact")
	}
}

func TestFolderInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	must(t, os.Mkdir(path, 0o700))
	s, prob, err := Open(path)
	if err != nil || prob == nil || prob.Err.Kind != ProblemUnreadable {
		t.Fatalf("Open = %v, %v", prob, err)
	}
	if _, err := s.Create(sample("x")); err != nil {
		t.Errorf("create after the folder was moved aside: %v", err)
	}
}

// TestDamagedWhileRunning: another program breaks the file while the store
// is open; the store keeps its last good state, moves the file aside on
// the next read, and a save rewrites the good state plus the change.
func TestDamagedWhileRunning(t *testing.T) {
	s := openTemp(t)
	for _, n := range []string{"a", "b"} {
		if _, err := s.Create(sample(n)); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.WriteFile(s.Path(), []byte(`{"schema":1,"profiles":[`), 0o600))
	if _, err := s.Create(sample("c")); err != nil {
		t.Fatal(err)
	}
	if n := len(s.List()); n != 3 {
		t.Errorf("profiles after save over a damaged file: %d, want 3", n)
	}
	prob := s.Problem()
	if prob == nil || prob.MovedTo == "" {
		t.Fatalf("problem = %v", prob)
	}
	s2, prob2, _ := Open(s.Path())
	if prob2 != nil || len(s2.List()) != 3 {
		t.Errorf("reopen: %v, %d profiles", prob2, len(s2.List()))
	}
}

func TestMigrate(t *testing.T) {
	top := map[string]json.RawMessage{"schema": json.RawMessage("1"), "profiles": json.RawMessage(`[{"title":"x"}]`)}
	steps := map[int]func(map[string]json.RawMessage) error{
		1: func(doc map[string]json.RawMessage) error {
			// e.g. schema 2 renamed "title" to "name"
			doc["profiles"] = json.RawMessage(strings.ReplaceAll(string(doc["profiles"]), `"title"`, `"name"`))
			return nil
		},
	}
	if err := migrate(top, 1, 2, steps); err != nil {
		t.Fatal(err)
	}
	if string(top["profiles"]) != `[{"name":"x"}]` || string(top["schema"]) != "2" {
		t.Errorf("migrated: %s", top)
	}
	if err := migrate(top, 2, 3, steps); err == nil || !strings.Contains(err.Error(), "no upgrade from schema 2") {
		t.Errorf("missing step: %v", err)
	}
}

// TestTwoInstances: two stores on one file (as two app windows or
// processes) save concurrently; neither loses the other's changes.
func TestTwoInstances(t *testing.T) {
	a := openTemp(t)
	b, _, err := Open(a.Path(), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	const n = 15
	var wg sync.WaitGroup
	for i, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range n {
				if _, err := s.Create(sample(fmt.Sprintf("s%d-%02d", i, j))); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, s := range []*Store{a, b} {
		if got := len(s.List()); got != 2*n {
			t.Errorf("profiles: %d, want %d", got, 2*n)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
