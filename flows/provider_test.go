package flows

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// issueAccessToken makes the fake IdP's client-credentials grant answer
// with a JWT access token carrying these claims (typ "JWT", as Keycloak,
// Entra, Okta, Auth0 and Cognito write them).
func (f *fakeIdP) issueAccessToken(claims map[string]any) {
	f.hook("/token", func(w http.ResponseWriter, r *http.Request) {
		writeJSONResp(w, 200, map[string]any{"access_token": f.sign(claims), "token_type": "Bearer", "expires_in": 300})
	})
}

// A JWT access token that does not declare at+jwt is checked (signature,
// iss, exp, ...) but not failed for its typ, unless RFC 9068 is asked for.
func TestProviderFormatAccessToken(t *testing.T) {
	f := newFakeIdP(t)
	now := time.Now()
	f.issueAccessToken(map[string]any{"iss": f.issuer() + "/realms/shop", "typ": "Bearer", "azp": "cli", "aud": "account",
		"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "scope": "openid orders:read", "realm_access": map[string]any{"roles": []string{"admin"}}})
	tests := []struct {
		name  string
		cfg   Config
		typ   token.CheckStatus
		scope token.CheckStatus
	}{
		{"provider format: a note, no failure", Config{}, token.Skip, token.Skip},
		{"RFC 9068 asked for", Config{Settings: settings.Settings{RFC9068: true}}, token.Fail, token.Skip},
		{"required scopes present", Config{Settings: settings.Settings{RequiredScopes: []string{"orders:read", "admin"}}}, token.Skip, token.Pass},
		{"a required scope missing", Config{Settings: settings.Settings{RequiredScopes: []string{"orders:write"}}}, token.Skip, token.Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Issuer = f.issuer()
			c := newTestClient(t, f, tt.cfg)
			res, err := c.ClientCredentials(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			r := res.AccessToken.Report
			typ, _ := r.Check("typ")
			scope, _ := r.Check("scope")
			if typ.Status != tt.typ || scope.Status != tt.scope {
				t.Fatalf("typ %+v scope %+v", typ, scope)
			}
			if r.Signature.Status != token.SigValid {
				t.Errorf("signature %+v", r.Signature)
			}
			if r.Provider == nil || r.Provider.ID != "keycloak" {
				t.Errorf("provider %+v", r.Provider)
			}
		})
	}
}

// Without the issuer mismatch, a provider-format access token makes the
// run OK; asking for RFC 9068 makes it fail on typ; a missing scope fails.
func TestProviderFormatAccessTokenOK(t *testing.T) {
	f := newFakeIdP(t)
	now := time.Now()
	f.issueAccessToken(map[string]any{"iss": f.issuer(), "sub": "svc", "cid": "cli", "ver": 1, "jti": "AT.1",
		"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "scp": []string{"orders.read"}})
	for _, tt := range []struct {
		cfg Config
		ok  bool
	}{
		{Config{}, true},
		{Config{Settings: settings.Settings{RequiredScopes: []string{"orders.read"}}}, true},
		{Config{Settings: settings.Settings{RequiredScopes: []string{"orders.write"}}}, false},
		{Config{Settings: settings.Settings{RFC9068: true}}, false},
	} {
		res, err := newTestClient(t, f, tt.cfg).ClientCredentials(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if res.OK() != tt.ok {
			t.Errorf("%+v: OK %v, want %v; checks %+v", tt.cfg, res.OK(), tt.ok, res.AccessToken.Report.Checks)
		}
	}
}

// Discovery of Entra's tenant-independent metadata ({tenantid} in the
// issuer) and of an issuer that differs by a trailing slash goes on with a
// warning; tokens are then checked against the issuer as the metadata
// writes it.
func TestDiscoveryIssuerVariants(t *testing.T) {
	const tid = "9b1f8e2a-4c3d-4e5f-8a6b-7c8d9e0f1a2b"
	tests := []struct {
		name, path, metaIssuer, requested, tokenIss, lintID string
	}{
		{"Entra /common template", "/common/v2.0/.well-known/openid-configuration", "/{tenantid}/v2.0", "/common/v2.0", "/" + tid + "/v2.0", "provider.entra.tenant_placeholder"},
		{"Entra /organizations template", "/organizations/v2.0/.well-known/openid-configuration", "/{tenantid}/v2.0", "/organizations/v2.0", "/" + tid + "/v2.0", "provider.entra.tenant_placeholder"},
		{"trailing slash, as Auth0", "/.well-known/openid-configuration", "/", "", "/", "issuer_trailing_slash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIdP(t)
			f.hook(tt.path, func(w http.ResponseWriter, r *http.Request) {
				m := f.metadata()
				m["issuer"] = f.issuer() + tt.metaIssuer
				writeJSONResp(w, 200, m)
			})
			now := time.Now()
			f.issueAccessToken(map[string]any{"iss": f.issuer() + tt.tokenIss, "tid": tid, "ver": "2.0", "azp": "cli", "sub": "s",
				"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix()})
			c := newTestClient(t, f, Config{Settings: settings.Settings{Issuer: f.issuer() + tt.requested}})
			d, err := c.Discover(context.Background())
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			i := slices.IndexFunc(d.Lint, func(l LintItem) bool { return l.ID == tt.lintID })
			if i < 0 || d.Lint[i].Level != LintWarn || !strings.Contains(d.Lint[i].Message, f.issuer()+tt.metaIssuer) {
				t.Fatalf("lint %+v", d.Lint)
			}
			if c.Issuer() != f.issuer()+tt.metaIssuer {
				t.Errorf("Issuer() = %q", c.Issuer())
			}
			res, err := c.ClientCredentials(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if iss, _ := res.AccessToken.Report.Check("iss"); iss.Status != token.Pass {
				t.Errorf("iss %+v", iss)
			}
		})
	}
	// Another issuer altogether is still an error.
	f := newFakeIdP(t)
	f.hook("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		m := f.metadata()
		m["issuer"] = "https://elsewhere.example"
		writeJSONResp(w, 200, m)
	})
	var mismatch *IssuerMismatchError
	if _, err := newTestClient(t, f, Config{}).Discover(context.Background()); !errors.As(err, &mismatch) {
		t.Fatalf("Discover with a foreign issuer: %v", err)
	}
}

// A token the client cannot verify by design (an Auth0 access token for
// /userinfo, encrypted for Auth0 alone) does not fail the run: it counts
// like an opaque token, and its diagnosis says why.
func TestUnverifiableByDesignAccessToken(t *testing.T) {
	f := newFakeIdP(t)
	key := make([]byte, 32)
	rand.Read(key)
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.DIRECT, Key: key},
		(&jose.EncrypterOptions{}).WithHeader("iss", f.issuer()+"/"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := enc.Encrypt([]byte(`{"sub":"auth0|1"}`))
	if err != nil {
		t.Fatal(err)
	}
	jwe, _ := obj.CompactSerialize()
	f.hook("/token", func(w http.ResponseWriter, r *http.Request) {
		writeJSONResp(w, 200, map[string]any{"access_token": jwe, "token_type": "Bearer", "expires_in": 86400})
	})
	res, err := newTestClient(t, f, Config{}).ClientCredentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := res.AccessToken.Report
	if r.Signature.Status != token.SigUnverified || r.Signature.Code != token.CodeKeyNotPublished || !res.OK() {
		t.Errorf("signature %+v, OK %v", r.Signature, res.OK())
	}
	if len(r.Warnings) == 0 || r.Warnings[0].ID != "provider.auth0.encrypted_access_token" {
		t.Errorf("warnings %+v", r.Warnings)
	}
}
