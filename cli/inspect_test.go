package cli

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/tokeninspector/tokeninspector/token"
)

// RFC 7515 A.1 token and key; exp 1300819380.
const (
	a1Token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
		".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
		".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	a1Key = `{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}`
	a1At  = "2011-03-22T18:00:00Z"
)

type fixture struct {
	dir   string
	key   *ecdsa.PrivateKey
	jwks  string // path
	pem   string // path
	token string // ES256, kid k1, valid for an hour from now
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir()}
	var err error
	if f.key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: "k1", Use: "sig", Algorithm: "ES256"}}})
	f.jwks = f.write(t, "jwks.json", jwks)
	der, _ := x509.MarshalPKIXPublicKey(&f.key.PublicKey)
	f.pem = f.write(t, "pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	now := time.Now().Unix()
	f.token = f.sign(t, fmt.Sprintf(`{"iss":"https://idp.example","sub":"alice","aud":"demo","exp":%d,"iat":%d,"nonce":"n1"}`, now+3600, now))
	return f
}

func (f *fixture) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) sign(t *testing.T, claims string) string {
	t.Helper()
	return signJWT(t, jose.ES256, f.key, "k1", claims)
}

// signJWT signs claims with typ JWT and this kid.
func signJWT(t *testing.T, alg jose.SignatureAlgorithm, key any, kid, claims string) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", kid).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign([]byte(claims))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := obj.CompactSerialize()
	return out
}

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(append([]string{"inspect"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestInspectExitCodes(t *testing.T) {
	f := newFixture(t)
	expired := f.sign(t, `{"sub":"a","exp":1000}`)
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"valid with JWKS", "", []string{"--jwks", f.jwks, f.token}, ExitOK, "Signature: VALID", ""},
		{"valid with PEM, flags after token", "", []string{f.token, "--key", f.pem, "--issuer", "https://idp.example", "--audience", "demo", "--nonce", "n1"}, ExitOK, "PASS  iss", ""},
		{"valid with JWK", "", []string{"--jwk", f.write(t, "a1.jwk", []byte(a1Key)), "--at", a1At, a1Token}, ExitOK, "VALID", ""},
		{"HMAC secret", "", []string{"--secret", "AyM1", "--at", a1At, a1Token}, ExitFailure, "INVALID", ""},
		{"stdin with Bearer", "Bearer " + f.token + "\n", []string{"--jwks", f.jwks, "-"}, ExitOK, "VALID", ""},
		{"not verified", "", []string{f.token}, ExitFailure, "UNVERIFIED", ""},
		{"check failed", "", []string{"--jwks", f.jwks, "--issuer", "https://other", f.token}, ExitFailure, "FAIL  iss", ""},
		{"expired", "", []string{"--jwks", f.jwks, expired}, ExitFailure, "FAIL  exp", ""},
		{"zero skew", "", []string{"--jwks", f.jwks, "--skew", "0", f.token}, ExitOK, "clock skew 0 s", ""},
		{"opaque", "", []string{"2YotnFZFEjr1zCsicMWpAA"}, ExitFailure, "opaque", ""},
		{"undecodable", "", []string{"eyJhbGciOiJIUzI1NiJ9.eyJhIjp9."}, ExitUsage, "", "payload (segment 2) is broken"},
		{"no token", "", nil, ExitUsage, "", "exactly one TOKEN"},
		{"two tokens", "", []string{"a", "b"}, ExitUsage, "", "exactly one TOKEN"},
		{"bad --at", "", []string{"--at", "yesterday", f.token}, ExitUsage, "", "RFC 3339"},
		{"bad --expect", "", []string{"--expect", "saml", f.token}, ExitUsage, "", "--expect"},
		{"missing key file", "", []string{"--jwks", filepath.Join(f.dir, "nope.json"), f.token}, ExitUsage, "", "--jwks"},
		{"unknown flag", "", []string{"--nope", f.token}, ExitUsage, "", "flag provided but not defined"},
		{"help", "", []string{"--help"}, ExitOK, "", "Usage: tokeninspector inspect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			if strings.Contains(out, "\x1b[") {
				t.Error("colour codes when stdout is not a terminal")
			}
		})
	}
}

// TestInspectJSONSchema pins the documented --json fields.
func TestInspectJSONSchema(t *testing.T) {
	f := newFixture(t)
	code, out, errOut := run(t, "", "--json", "--jwks", f.jwks, "--issuer", "https://idp.example", f.token)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Kind      string          `json:"kind"`
		Header    map[string]any  `json:"header"`
		Claims    json.RawMessage `json:"claims"`
		Signature struct {
			Status, Alg, Kid, Reason string
			Key                      struct{ Kid, Kty, Thumbprint, Origin, Chosen string }
		} `json:"signature"`
		Checks      []struct{ ID, Status, Message, Spec string }   `json:"checks"`
		Warnings    []struct{ ID, Message, Spec string }           `json:"warnings"`
		Times       []struct{ Claim, UTC, Local, Relative string } `json:"times"`
		EvaluatedAt string                                         `json:"evaluated_at"`
		SkewSeconds float64                                        `json:"skew_seconds"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Kind != "jws" || doc.Header["alg"] != "ES256" || doc.Signature.Status != "valid" || doc.Signature.Kid != "k1" {
		t.Fatalf("doc %+v", doc)
	}
	if doc.Signature.Key.Chosen != "kid match" || len(doc.Signature.Key.Thumbprint) != 43 {
		t.Errorf("key %+v", doc.Signature.Key)
	}
	var claims bytes.Buffer
	if err := json.Compact(&claims, doc.Claims); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(claims.String(), `{"iss":"https://idp.example","sub":"alice"`) {
		t.Errorf("claims not in token order: %s", doc.Claims)
	}
	if len(doc.Checks) != 12 || doc.Checks[0].ID != "iss" || doc.Checks[0].Status != "pass" || doc.Checks[0].Spec == "" {
		t.Errorf("checks %+v", doc.Checks)
	}
	if doc.Warnings == nil || len(doc.Times) != 2 || doc.Times[0].Relative == "" || doc.SkewSeconds != 60 {
		t.Errorf("warnings %v times %+v skew %v", doc.Warnings, doc.Times, doc.SkewSeconds)
	}
	// Opaque tokens still get the same top-level shape.
	_, out, _ = run(t, "", "--json", "opaque-token-value")
	var opaque map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &opaque); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"kind", "header", "claims", "signature", "checks", "warnings"} {
		if _, ok := opaque[k]; !ok {
			t.Errorf("opaque JSON lacks %q: %s", k, out)
		}
	}
	if string(opaque["header"]) != "{}" || string(opaque["checks"]) != "[]" {
		t.Errorf("opaque header %s checks %s", opaque["header"], opaque["checks"])
	}
}

func TestInspectJWEAndHashes(t *testing.T) {
	f := newFixture(t)
	encKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(encKey)
	keyFile := f.write(t, "enc.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.ECDH_ES_A256KW, Key: &encKey.PublicKey},
		(&jose.EncrypterOptions{}).WithContentType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	obj, _ := enc.Encrypt([]byte(f.token))
	jwe, _ := obj.CompactSerialize()

	code, out, errOut := run(t, "", "--decrypt-key", keyFile, "--jwks", f.jwks, jwe)
	if code != ExitOK || !strings.Contains(out, "DECRYPTED") || !strings.Contains(out, "Signature: VALID") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run(t, "", jwe)
	if code != ExitFailure || !strings.Contains(out, "ENCRYPTED") {
		t.Fatalf("undecrypted JWE: exit %d\n%s", code, out)
	}

	// at_hash and c_hash from files and flags (OIDC Core A.4/A.5 values).
	now := time.Now().Unix()
	tok := f.sign(t, fmt.Sprintf(`{"exp":%d,"at_hash":"77QmUPtjPfzWtF2AnpK9RQ","c_hash":"LDktKdoQak3Pk0cnXxCltA"}`, now+60))
	at := f.write(t, "at.txt", []byte("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y\n"))
	code, out, _ = run(t, "", "--jwks", f.jwks, "--access-token-file", at, "--code", "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", tok)
	if code != ExitOK || !strings.Contains(out, "PASS  at_hash") || !strings.Contains(out, "PASS  c_hash") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestWriteReportColour(t *testing.T) {
	f := newFixture(t)
	r, err := token.Inspect(t.Context(), f.token, token.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var plain, colour bytes.Buffer
	writeReport(&plain, "ID token", r, false)
	writeReport(&colour, "ID token", r, true)
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(colour.String(), "\x1b[") {
		t.Fatal("colour switch ignored")
	}
	for _, want := range []string{"== ID token ==", "Header", "Claims", "issuer: who created", "UTC:", "Signature: UNVERIFIED", "Checks"} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, plain.String())
		}
	}
	if isTerminal(&plain) {
		t.Error("a buffer is not a terminal")
	}
}

func TestReportEscapesControlCharacters(t *testing.T) {
	r := &token.Report{Kind: token.KindJWS, Payload: "evil \x1b]0;pwned\x07 \u009b31m",
		Claims: token.Object{{Name: "x\u009b", Value: json.RawMessage(`"\u009b2J"`)}}}
	var b bytes.Buffer
	writeReport(&b, "", r, false)
	if strings.ContainsAny(b.String(), "\x1b\x07\u009b") {
		t.Fatalf("control characters reached the terminal: %q", b.String())
	}
}

// hs512 signs claims with HS512 and a key the verifier never gets, as
// Keycloak signs refresh tokens with the realm's internal key.
func hs512(t *testing.T, claims string) string {
	t.Helper()
	key := make([]byte, 64)
	rand.Read(key)
	return signJWT(t, jose.HS512, key, "5c6a7f4e", claims)
}

// A Keycloak refresh token checked against the realm's public keys: the
// provider and its diagnosis are in the JSON report and the text, and no
// algorithm-confusion verdict.
func TestInspectProviderDiagnosis(t *testing.T) {
	f := newFixture(t)
	now := time.Now().Unix()
	rt := hs512(t, fmt.Sprintf(`{"exp":%d,"iat":%d,"jti":"j","iss":"https://sso.example.org/realms/shop","aud":"https://sso.example.org/realms/shop","sub":"u","typ":"Refresh","azp":"web","sid":"s","scope":"openid"}`, now+1800, now))
	st, out, errs := run(t, "", "--json", "--jwks", f.jwks, rt)
	var doc struct {
		Signature struct{ Status, Code, Reason string }
		Provider  *struct {
			Name     string
			Evidence []string
		}
		Warnings []struct{ ID, Message, Spec string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s%s", err, out, errs)
	}
	if st != 1 || doc.Signature.Status != "unverified" || doc.Signature.Code != "key_not_published" {
		t.Errorf("exit %d signature %+v", st, doc.Signature)
	}
	if doc.Provider == nil || doc.Provider.Name != "Keycloak" || len(doc.Provider.Evidence) < 2 {
		t.Errorf("provider %+v", doc.Provider)
	}
	var ids []string
	for _, w := range doc.Warnings {
		ids = append(ids, w.ID)
	}
	if len(ids) == 0 || ids[0] != "provider.keycloak.refresh_token" || strings.Contains(strings.Join(ids, " "), "alg_confusion") || doc.Warnings[0].Spec == "" {
		t.Errorf("warnings %v", ids)
	}
	_, text, _ := run(t, "", "--jwks", f.jwks, rt)
	if !strings.Contains(text, "Provider: Keycloak") || !strings.Contains(text, "provider.keycloak.refresh_token") || strings.Contains(text, "algorithm confusion") {
		t.Errorf("text report:\n%s", text)
	}
	// Unknown provider: no provider member at all.
	_, out, _ = run(t, "", "--json", "--jwks", f.jwks, f.token)
	if strings.Contains(out, `"provider"`) {
		t.Errorf("provider member for an unknown provider:\n%s", out)
	}
}

// --require-scope and --rfc9068 on a provider-format access token.
func TestInspectScopeAndRFC9068(t *testing.T) {
	f := newFixture(t)
	now := time.Now().Unix()
	at := f.sign(t, fmt.Sprintf(`{"exp":%d,"iat":%d,"iss":"https://sso.example.org/realms/shop","aud":"orders","sub":"u","typ":"Bearer","azp":"web",`+
		`"scope":"openid orders:read","realm_access":{"roles":["admin"]}}`, now+300, now))
	tests := []struct {
		args  []string
		exit  int
		check string
	}{
		{[]string{"--expect", "access_token"}, 0, `"id":"typ","status":"skip"`},
		{[]string{"--expect", "access_token", "--require-scope", "orders:read,admin"}, 0, `"id":"scope","status":"pass"`},
		{[]string{"--expect", "access_token", "--require-scope", "orders:read", "--require-scope", "orders:write"}, 1, `missing: orders:write`},
		{[]string{"--expect", "access_token", "--rfc9068"}, 1, `"id":"typ","status":"fail"`},
	}
	for _, tt := range tests {
		args := append([]string{"--json", "--jwks", f.jwks, at}, tt.args...)
		st, out, errs := run(t, "", args...)
		var compacted bytes.Buffer
		json.Compact(&compacted, []byte(out))
		if st != tt.exit || !strings.Contains(compacted.String(), tt.check) {
			t.Errorf("%v: exit %d, want %d with %s\n%s%s", tt.args, st, tt.exit, tt.check, compacted.String(), errs)
		}
	}
}
