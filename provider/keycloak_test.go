package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

// keycloakRefresh is a refresh token's claims as Keycloak 24+ writes them.
func keycloakRefresh(iss, typ string) string {
	return fmt.Sprintf(`{"exp":%d,"iat":%d,"jti":"6f0e0a3c-1d2b-4c5d-9e8f-0a1b2c3d4e5f","iss":%q,"aud":%q,"sub":"f7a1c2d3-0000-4000-8000-00000000abcd",`+
		`"typ":%q,"azp":"web-app","sid":"1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b","scope":"openid profile email"}`, at(30*time.Minute), at(-time.Minute), iss, iss, typ)
}

func TestKeycloakRefreshToken(t *testing.T) {
	hdr512 := `{"alg":"HS512","typ" : "JWT","kid" : "5c6a7f4e-91c6-4c55-b4a2-3a8f0e2d1b7c"}`
	hdr256 := `{"alg":"HS256","typ":"JWT","kid":"a1b2c3d4-e5f6-4789-8abc-def012345678"}`
	tests := []struct {
		name string
		raw  string
		keys token.KeySource
		msg  string
	}{
		{"HS512 refresh token, realm JWKS offered", jws(t, hdr512, keycloakRefresh("https://sso.example.org/realms/shop", "Refresh")), publicKeys(t, "rsa-kc"), "HS512"},
		{"HS256 (Keycloak 4.5-23), legacy /auth path", jws(t, hdr256, keycloakRefresh("http://localhost:8080/auth/realms/master", "Refresh")), publicKeys(t, "rsa-kc"), "HS256"},
		{"offline token", jws(t, hdr512, keycloakRefresh("https://keycloak.internal:8443/realms/demo", "Offline")), publicKeys(t, "rsa-kc"), "offline token"},
		{"no keys given at all", jws(t, hdr512, keycloakRefresh("https://sso.example.org/realms/shop", "Refresh")), nil, "not a fault of the token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, tt.raw, token.Options{Keys: tt.keys})
			expectation{"keycloak", []string{"provider.keycloak.refresh_token"}, []string{tt.msg, "never in the realm's JWKS", "by design"}}.check(t, r)
			if r.Signature.Status != token.SigUnverified || r.Signature.Code != token.CodeKeyNotPublished {
				t.Errorf("signature %+v", r.Signature)
			}
			if _, ok := warning(r, "alg_confusion"); ok {
				t.Error("alg_confusion warning on a Keycloak refresh token")
			}
			noText(t, "the verdict", []string{r.Signature.Reason, r.Warnings[0].Message}, "algorithm confusion", "attack")
		})
	}
}

// With the realm's own key (an admin can export it), the refresh token
// verifies, and a wrong one is still reported as such.
func TestKeycloakRefreshTokenWithTheSecret(t *testing.T) {
	_, _, secret := keys(t)
	raw := jws(t, `{"alg":"HS512","typ":"JWT","kid":"k"}`, keycloakRefresh("https://sso.example.org/realms/shop", "Refresh"))
	r := diagnose(t, raw, token.Options{Secret: secret})
	if r.Signature.Status != token.SigValid {
		t.Errorf("with the secret: %+v", r.Signature)
	}
	r = diagnose(t, raw, token.Options{Secret: []byte(strings.Repeat("w", 64))})
	if r.Signature.Status != token.SigInvalid || r.Signature.Code != token.CodeBadSignature {
		t.Errorf("with a wrong secret: %+v", r.Signature)
	}
}

// An HS* token from anyone else, offered public keys, is still algorithm
// confusion: the generic verdict stays honest.
func TestAlgConfusionStaysForOthers(t *testing.T) {
	for name, claims := range map[string]string{
		"unknown issuer":              fmt.Sprintf(`{"iss":"https://api.example.com","sub":"a","exp":%d}`, at(time.Hour)),
		"Keycloak access token HS256": fmt.Sprintf(`{"iss":"https://sso.example.org/realms/shop","typ":"Bearer","azp":"web","exp":%d}`, at(time.Hour)),
		"typ Refresh, no Keycloak":    fmt.Sprintf(`{"iss":"https://api.example.com","typ":"Refresh","exp":%d}`, at(time.Hour)),
	} {
		t.Run(name, func(t *testing.T) {
			r := diagnose(t, jws(t, `{"alg":"HS256","typ":"JWT"}`, claims), token.Options{Keys: publicKeys(t, "k")})
			if r.Signature.Code != token.CodeAlgConfusion || r.Signature.Status != token.SigInvalid {
				t.Errorf("signature %+v", r.Signature)
			}
			if _, ok := warning(r, "alg_confusion"); !ok {
				t.Error("no alg_confusion warning")
			}
			if _, ok := warning(r, "provider.keycloak.refresh_token"); ok {
				t.Error("refresh_token diagnosis on a token that is not a Keycloak refresh token")
			}
		})
	}
}

func keycloakAccess(iss, aud, azp string) string {
	return fmt.Sprintf(`{"exp":%d,"iat":%d,"jti":"onrtac:0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b","iss":%q,"aud":%s,"sub":"f7a1c2d3","typ":"Bearer","azp":%q,`+
		`"sid":"1b2c3d4e","acr":"1","allowed-origins":["https://shop.example.org"],"realm_access":{"roles":["offline_access","default-roles-shop","uma_authorization"]},`+
		`"resource_access":{"account":{"roles":["manage-account","view-profile"]}},"scope":"openid email profile","email_verified":true,"preferred_username":"alice"}`,
		at(5*time.Minute), at(-time.Minute), iss, aud, azp)
}

func TestKeycloakDefaultAudience(t *testing.T) {
	hdr := `{"alg":"RS256","typ" : "JWT","kid" : "rsa-kc"}`
	iss := "https://sso.example.org/realms/shop"
	tests := []struct {
		name string
		raw  string
		opts token.Options
		want []string
	}{
		{"aud account, client in azp", jws(t, hdr, keycloakAccess(iss, `"account"`, "web-app")), token.Options{}, []string{"provider.keycloak.default_audience"}},
		{"aud array with realm-management", jws(t, hdr, keycloakAccess("http://localhost:8080/realms/dev", `["realm-management","account"]`, "spa")), token.Options{}, []string{"provider.keycloak.default_audience"}},
		{"expected audience given", jws(t, hdr, keycloakAccess(iss, `"account"`, "web-app")), token.Options{Audience: "orders-api"}, []string{"provider.keycloak.default_audience"}},
		{"client already in aud", jws(t, hdr, keycloakAccess(iss, `["web-app","account"]`, "web-app")), token.Options{}, nil},
		{"audience mapper in place", jws(t, hdr, keycloakAccess(iss, `"orders-api"`, "web-app")), token.Options{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Keys = publicKeys(t, "rsa-kc")
			r := diagnose(t, tt.raw, tt.opts)
			expectation{"keycloak", tt.want, []string{"Audience mapper", "azp"}}.check(t, r)
			if tt.opts.Audience != "" {
				if c, _ := r.Check("aud"); c.Status != token.Fail || !strings.Contains(c.Message, "provider.keycloak.default_audience") {
					t.Errorf("aud check %+v", c)
				}
			}
		})
	}
}

func TestKeycloakHostnameIssuer(t *testing.T) {
	hdr := `{"alg":"RS256","typ" : "JWT","kid" : "rsa-kc"}`
	tests := []struct {
		name, tokenIss, expected string
		want                     []string
	}{
		{"localhost vs public host", "http://localhost:8080/realms/shop", "https://sso.example.org/realms/shop", []string{"provider.keycloak.hostname_issuer"}},
		{"service name vs proxy, legacy /auth", "http://keycloak:8080/auth/realms/shop", "https://login.example.org/auth/realms/shop", []string{"provider.keycloak.hostname_issuer"}},
		{"another realm is a foreign issuer", "https://sso.example.org/realms/other", "https://sso.example.org/realms/shop", nil},
		{"same issuer", "https://sso.example.org/realms/shop", "https://sso.example.org/realms/shop", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, jws(t, hdr, keycloakAccess(tt.tokenIss, `["orders-api","account"]`, "orders-api")), token.Options{Keys: publicKeys(t, "rsa-kc"), Issuer: tt.expected})
			expectation{"keycloak", tt.want, []string{"same realm", "hostname"}}.check(t, r)
			c, _ := r.Check("iss")
			if tt.tokenIss != tt.expected && c.Status != token.Fail {
				t.Errorf("iss check %+v: a different issuer must still fail", c)
			}
		})
	}
}
