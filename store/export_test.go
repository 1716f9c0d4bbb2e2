package store

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestExportImport(t *testing.T) {
	src := openTemp(t)
	for _, n := range []string{"okta", "auth0", "keycloak"} {
		if _, err := src.Create(sample(n)); err != nil {
			t.Fatal(err)
		}
		if _, err := src.SetSecret(n, SecretClient, "secret-of-"+n); err != nil {
			t.Fatal(err)
		}
	}

	// Without secrets: no secret value, no bookkeeping.
	b, err := src.Export(ExportOptions{Names: []string{"okta", "auth0"}})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := b.Marshal()
	for _, leak := range []string{"secret-of-", `"id"`, `"revision"`, `"keyring"`} {
		if strings.Contains(string(data), leak) {
			t.Errorf("export without secrets contains %s:\n%s", leak, data)
		}
	}
	if _, err := src.Export(ExportOptions{Names: []string{"nope"}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("export of an unknown name: %v", err)
	}

	withSecrets, err := src.Export(ExportOptions{IncludeSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	if !withSecrets.HasSecrets() {
		t.Fatal("IncludeSecrets exported none")
	}
	secretData, _ := withSecrets.Marshal()

	// Import into a store that already has "okta" (different content).
	dst := openTemp(t)
	mine := sample("Okta")
	mine.Notes = "mine"
	if _, err := dst.Create(mine); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.SetSecret("Okta", SecretClient, "my secret"); err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseBundle(secretData)
	if err != nil {
		t.Fatal(err)
	}
	if c := dst.Conflicts(parsed); !slices.Equal(c, []string{"okta"}) {
		t.Errorf("Conflicts = %q", c)
	}

	// Default: skip and report; never overwrite silently.
	res, err := dst.Import(parsed, ImportOptions{Secrets: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"auth0", "keycloak"}) || !slices.Equal(res.Conflicts, []string{"okta"}) || res.Secrets != 2 {
		t.Errorf("result = %+v", res)
	}
	if p := mustGet(t, dst, "okta"); p.Notes != "mine" {
		t.Error("a conflicting profile was overwritten")
	}
	if v, _, _ := dst.Secret("keycloak", SecretClient); v != "secret-of-keycloak" {
		t.Errorf("imported secret = %q", v)
	}

	// Rename on conflict.
	res, err = dst.Import(parsed, ImportOptions{Names: []string{"okta"}, OnConflict: ConflictRename})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Renamed) != 1 || res.Renamed[0] != (Renamed{"okta", "okta (2)"}) {
		t.Errorf("renamed = %+v", res.Renamed)
	}
	if _, _, err := dst.Secret("okta (2)", SecretClient); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("secrets imported without ImportOptions.Secrets: %v", err)
	}

	// Replace keeps the existing secret when the bundle has none.
	plain, _ := ParseBundle(data)
	res, err = dst.Import(plain, ImportOptions{Names: []string{"okta"}, OnConflict: ConflictReplace})
	if err != nil || !slices.Equal(res.Replaced, []string{"okta"}) {
		t.Fatalf("replace: %+v %v", res, err)
	}
	p := mustGet(t, dst, "okta")
	if p.Notes != "from the admin console" || p.Revision != 2 {
		t.Errorf("replaced profile = %+v", p)
	}
	if v, _, _ := dst.Secret("okta", SecretClient); v != "my secret" {
		t.Errorf("replace lost the existing secret: %q", v)
	}
}

func TestImportInvalidAndBackupFile(t *testing.T) {
	s := openTemp(t)
	if _, err := s.Create(sample("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(sample("b")); err != nil {
		t.Fatal(err)
	}
	// profiles.json (and its backup) import like an export.
	data, _ := os.ReadFile(s.Path())
	b, err := ParseBundle(data)
	if err != nil || len(b.Profiles) != 2 {
		t.Fatalf("ParseBundle(profiles.json) = %v, %v", b, err)
	}
	bad := []byte(`{"schema":1,"profiles":[{"name":"nocid","issuer":"https://idp"},{"name":"ok","issuer":"https://idp","client_id":"x"}]}`)
	b, err = ParseBundle(bad)
	if err != nil {
		t.Fatal(err)
	}
	dst := openTemp(t)
	res, err := dst.Import(b, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Invalid) != 1 || res.Invalid[0].Name != "nocid" || !strings.Contains(res.Invalid[0].Err, "client_id") || !slices.Equal(res.Added, []string{"ok"}) {
		t.Errorf("result = %+v", res)
	}
	for _, in := range []string{"", "{", `{"schema":7}`, `{"schema":1,"profiles":[{"name":"x"},{"name":"X"}]}`} {
		if _, err := ParseBundle([]byte(in)); err == nil {
			t.Errorf("ParseBundle(%q) accepted", in)
		}
	}
}

func TestImportSecretsWithoutKeyring(t *testing.T) {
	src := openTemp(t)
	if _, err := src.Create(sample("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SetSecret("a", SecretClient, "x"); err != nil {
		t.Fatal(err)
	}
	b, err := src.Export(ExportOptions{IncludeSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	dst := openTemp(t)
	keyring.MockInitWithError(errNoBus)
	res, err := dst.Import(b, ImportOptions{Secrets: true})
	if !errors.Is(err, ErrKeyringUnavailable) || len(res.Added) != 1 || len(res.SecretErr) != 1 {
		t.Errorf("Import = %+v, %v", res, err)
	}
}
