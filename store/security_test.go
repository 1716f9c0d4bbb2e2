package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestImportReplaceDropsSecretsWhenServersChange: replacing a profile
// whose issuer or an endpoint's origin changes deletes its stored secret
// (and says so) unless KeepSecrets confirms; the same servers keep it.
func TestImportReplaceDropsSecretsWhenServersChange(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(p *Profile)
		keep    bool
		wantKep bool
	}{
		{"same servers", func(p *Profile) { p.Notes = "new notes" }, false, true},
		{"new issuer", func(p *Profile) { p.Issuer = "https://evil.example" }, false, false},
		{"token endpoint on another origin", func(p *Profile) { p.Endpoints.Token = "https://evil.example/token" }, false, false},
		{"new issuer, confirmed", func(p *Profile) { p.Issuer = "https://new.example" }, true, true},
		{"PAR endpoint on another origin", func(p *Profile) { p.Endpoints.PAR = "https://evil.example/par" }, false, false},
		{"end session endpoint on another origin", func(p *Profile) { p.Endpoints.EndSession = "https://evil.example/logout" }, false, false},
		{"TLS verification turned off", func(p *Profile) { p.Insecure = true }, false, false},
		{"another CA file", func(p *Profile) { p.CAFile = "/tmp/evil-ca.pem" }, false, false},
		{"same origin, another path", func(p *Profile) { p.Endpoints.PAR = p.Issuer + "/other/par" }, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			if _, err := s.Create(sample("okta")); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetSecret("okta", SecretClient, "the-secret"); err != nil {
				t.Fatal(err)
			}
			p := sample("okta")
			tt.edit(&p)
			res, err := s.Import(&Bundle{Profiles: []BundleProfile{{Profile: p}}}, ImportOptions{OnConflict: ConflictReplace, KeepSecrets: tt.keep})
			if err != nil {
				t.Fatal(err)
			}
			v, _, err := s.Secret("okta", SecretClient)
			if kept := err == nil && v == "the-secret"; kept != tt.wantKep {
				t.Errorf("secret kept = %v (%v); want %v", kept, err, tt.wantKep)
			}
			if told := len(res.Dropped) == 1 && strings.Contains(res.Dropped[0].Err, "servers changed"); told == tt.wantKep {
				t.Errorf("dropped = %+v; the user must be told exactly when the secret goes", res.Dropped)
			}
		})
	}
}

// TestImportWarningsAndLimit: an import reports each profile's validation
// warnings, and a bundle of more than MaxImportProfiles is refused.
func TestImportWarningsAndLimit(t *testing.T) {
	s := openTemp(t)
	p := sample("lab")
	p.Insecure = true
	p.Endpoints.Token = "http://idp.example/token"
	withCA := sample("ca")
	withCA.CAFile = t.TempDir() // readable: still worth a warning, the bundle makes the app trust it
	res, err := s.Import(&Bundle{Profiles: []BundleProfile{{Profile: p}, {Profile: sample("clean")}, {Profile: withCA}}}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ws := res.Warnings["ca"]; len(ws) != 1 || ws[0].Field != FieldCAFile || !strings.Contains(ws[0].Message, withCA.CAFile) {
		t.Errorf("warnings of a profile with a CA file: %v; want one naming the file", ws)
	}
	var fields []string
	for _, i := range res.Warnings["lab"] {
		fields = append(fields, i.Field)
	}
	if got := strings.Join(fields, ","); !strings.Contains(got, FieldInsecure) || !strings.Contains(got, "endpoints.token") {
		t.Errorf("warnings of lab: %v; want insecure TLS and the plain-http endpoint", res.Warnings["lab"])
	}
	if _, ok := res.Warnings["clean"]; ok {
		t.Errorf("a clean profile has warnings: %v", res.Warnings["clean"])
	}

	var b strings.Builder
	b.WriteString(`{"schema":1,"kind":"tokeninspector-profiles","profiles":[`)
	for i := range MaxImportProfiles + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name":"p%d","issuer":"https://idp.example","client_id":"c"}`, i)
	}
	b.WriteString("]}")
	if _, err := ParseBundle([]byte(b.String())); err == nil || !strings.Contains(err.Error(), "at most 10000") {
		t.Errorf("a bundle of %d profiles: err = %v; want it refused", MaxImportProfiles+1, err)
	}
}

// BenchmarkImport imports bundles of n new profiles, plus n renamed
// copies: linear in n (names are looked up in a map).
func BenchmarkImport(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			keyring.MockInit()
			bundle := &Bundle{}
			for i := range n {
				p := sample(fmt.Sprintf("p%05d", i))
				bundle.Profiles = append(bundle.Profiles, BundleProfile{Profile: p})
			}
			for b.Loop() {
				s, _, err := Open(filepath.Join(b.TempDir(), "profiles.json"))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Import(bundle, ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Import(bundle, ImportOptions{OnConflict: ConflictRename}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPrivateFiles: the backup and a moved-aside damaged file are 0600
// even when the profiles file was readable by others, and the app's own
// configuration folder is tightened to 0700 when written.
func TestPrivateFiles(t *testing.T) {
	keyring.MockInit()
	dir := filepath.Join(t.TempDir(), AppID)
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.Chmod(dir, 0o755))
	path := filepath.Join(dir, "profiles.json")
	s, _, err := Open(path, WithClock(clock))
	must(t, err)
	_, err = s.Create(sample("one"))
	must(t, err)
	must(t, os.Chmod(path, 0o644)) // as an older version or the user may have left it
	_, err = s.Create(sample("two"))
	must(t, err)
	checkMode(t, path+".bak", 0o600)
	checkMode(t, dir, 0o700|os.ModeDir)

	must(t, os.WriteFile(path, []byte("{damaged"), 0o644))
	must(t, os.Chmod(path, 0o644))
	_, prob, err := Open(path, WithClock(clock))
	must(t, err)
	if prob == nil || prob.MovedTo == "" {
		t.Fatalf("the damaged file was not moved aside: %+v", prob)
	}
	checkMode(t, prob.MovedTo, 0o600)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode() & (os.ModeDir | os.ModePerm); got != want {
		t.Errorf("%s has mode %v; want %v", filepath.Base(path), got, want)
	}
}
