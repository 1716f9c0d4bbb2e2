package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

const (
	tenant      = "9b1f8e2a-4c3d-4e5f-8a6b-7c8d9e0f1a2b"
	otherTenant = "3c5d7e9f-1a2b-4c3d-8e5f-6a7b8c9d0e1f"
	graphNonce  = "x7lV3nUnUBWB4xD1RJvJ8d7C9DvVL_4EaWzqcHsRsJk"
	entraKid    = "L1KfKFI_jnXbwWc22xZxw1sUHH0"
)

// graphV1Claims are a delegated Microsoft Graph token's claims (v1.0).
func graphV1Claims(iss, aud string) string {
	return fmt.Sprintf(`{"aud":%q,"iss":%q,"iat":%d,"nbf":%d,"exp":%d,"acct":0,"acr":"1","aio":"AVQAq/8TAAAA","amr":["pwd","mfa"],`+
		`"app_displayname":"Graph Explorer","appid":"de8bc8b5-d9f9-48b1-a8ad-b748da725064","appidacr":"0","idtyp":"user","ipaddr":"203.0.113.7",`+
		`"name":"Alice","oid":"6e1f0c8a-1111-4222-8333-944455556666","puid":"10032001A2B3C4D5","rh":"0.AXEA","scp":"openid profile User.Read email",`+
		`"sub":"jqs8Hh3","tid":%q,"unique_name":"alice@contoso.test","upn":"alice@contoso.test","uti":"qv3Zr8","ver":"1.0","wids":["b79fbf4d-3ef9-4689-8143-76b194e85509"]}`,
		aud, iss, at(-5*time.Minute), at(-5*time.Minute), at(time.Hour), tenant)
}

func TestEntraGraphToken(t *testing.T) {
	v1iss := "https://sts.windows.net/" + tenant + "/"
	hdr := `{"typ":"JWT","nonce":"%s","alg":"RS256","x5t":"` + entraKid + `","kid":"` + entraKid + `"}`
	hdrOtherOrder := `{"alg":"RS256","kid":"` + entraKid + `","nonce":"%s","typ":"JWT"}`
	tests := []struct {
		name   string
		raw    string
		keys   token.KeySource
		status token.SigStatus
		code   string
		want   expectation
	}{
		{"v1 Graph token, tenant keys", graphToken(t, hdr, graphNonce, graphV1Claims(v1iss, "https://graph.microsoft.com")), publicKeys(t, entraKid),
			token.SigUnverified, token.CodeProviderFormat,
			expectation{"entra", []string{"provider.entra.graph_token"}, []string{"Microsoft Graph access token", "verifies once the nonce is hashed, as Graph does", "request a token for your API"}}},
		{"Graph app id audience, other header order", graphToken(t, hdrOtherOrder, graphNonce, graphV1Claims(v1iss, "00000003-0000-0000-c000-000000000000")), publicKeys(t, entraKid),
			token.SigUnverified, token.CodeProviderFormat,
			expectation{"entra", []string{"provider.entra.graph_token"}, []string{"verifies once the nonce is hashed"}}},
		{"issuer on a proxy host, recognised by tid in the path", graphToken(t, hdr, graphNonce, graphV1Claims("https://login.gateway.example/"+tenant+"/", "https://graph.microsoft.com")), publicKeys(t, entraKid),
			token.SigUnverified, token.CodeProviderFormat,
			expectation{"entra", []string{"provider.entra.graph_token"}, []string{"verifies once the nonce is hashed"}}},
		{"no keys given", graphToken(t, hdr, graphNonce, graphV1Claims(v1iss, "https://graph.microsoft.com")), nil,
			token.SigUnverified, token.CodeNoKey,
			expectation{"entra", []string{"provider.entra.graph_token"}, []string{"only Graph validates them"}}},
		{"another Microsoft API", graphToken(t, hdr, graphNonce, graphV1Claims(v1iss, "https://management.core.windows.net/")), publicKeys(t, entraKid),
			token.SigUnverified, token.CodeProviderFormat,
			expectation{"entra", []string{"provider.entra.graph_token"}, []string{"a Microsoft API", "management.core.windows.net"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, tt.raw, token.Options{Keys: tt.keys})
			tt.want.check(t, r)
			if r.Signature.Status != tt.status || r.Signature.Code != tt.code {
				t.Errorf("signature %s %s (%s), want %s %s", r.Signature.Status, r.Signature.Code, r.Signature.Reason, tt.status, tt.code)
			}
			if tt.code == token.CodeProviderFormat && !strings.Contains(r.Signature.Reason, "verifies once the nonce is hashed, as Graph does") {
				t.Errorf("reason %q", r.Signature.Reason)
			}
			noText(t, "the verdict", []string{r.Signature.Reason, r.Warnings[0].Message}, "altered", "tampered", "unknown key")
		})
	}
}

// A Graph-shaped token whose content was changed does not verify even
// with the nonce hashed: it stays invalid.
func TestEntraGraphTokenChangedStaysInvalid(t *testing.T) {
	hdr := `{"typ":"JWT","nonce":"%s","alg":"RS256","x5t":"` + entraKid + `","kid":"` + entraKid + `"}`
	raw := graphToken(t, hdr, graphNonce, graphV1Claims("https://sts.windows.net/"+tenant+"/", "https://graph.microsoft.com"))
	parts := strings.Split(raw, ".")
	parts[1] = b64(strings.Replace(graphV1Claims("https://sts.windows.net/"+tenant+"/", "https://graph.microsoft.com"), `"name":"Alice"`, `"name":"Mallory"`, 1))
	r := diagnose(t, strings.Join(parts, "."), token.Options{Keys: publicKeys(t, entraKid)})
	if r.Signature.Status != token.SigInvalid || r.Signature.Code != token.CodeBadSignature || !strings.Contains(r.Signature.Reason, "not even once") {
		t.Fatalf("signature %+v", r.Signature)
	}
	w, ok := warning(r, "provider.entra.graph_token")
	if !ok || !strings.Contains(w.Message, "does not verify") {
		t.Fatalf("diagnosis %+v", r.Warnings)
	}
}

// Tokens that carry a header nonce but are not Entra's get no Graph
// diagnosis, and a plain Entra token without nonce verifies normally.
func TestEntraGraphLookAlikes(t *testing.T) {
	kc := jws(t, `{"alg":"RS256","typ" : "JWT","kid" : "kc1","nonce":"abc"}`,
		fmt.Sprintf(`{"exp":%d,"iat":%d,"iss":"https://sso.example.org/realms/demo","aud":["web","account"],"typ":"Bearer","azp":"web","realm_access":{"roles":["user"]}}`, at(time.Hour), at(0)))
	plain := jws(t, `{"alg":"RS256","kid":"k9","nonce":"abc"}`, fmt.Sprintf(`{"iss":"https://idp.example.com","sub":"a","tid":%q,"exp":%d}`, tenant, at(time.Hour)))
	v2 := jws(t, `{"typ":"JWT","alg":"RS256","kid":"`+entraKid+`"}`, fmt.Sprintf(`{"aud":"api://orders","iss":"https://login.microsoftonline.com/%s/v2.0","iat":%d,"nbf":%d,"exp":%d,"aio":"x","azp":"c1","azpacr":"0","oid":"o","rh":"r","scp":"Orders.Read","sub":"s","tid":%q,"uti":"u","ver":"2.0"}`,
		tenant, at(0), at(0), at(time.Hour), tenant))
	for name, tc := range map[string]struct {
		raw  string
		want expectation
	}{
		"Keycloak token with a nonce header": {kc, expectation{provider: "keycloak"}},
		"unknown issuer with tid and nonce":  {plain, expectation{}},
		"ordinary v2.0 Entra access token":   {v2, expectation{provider: "entra"}},
	} {
		t.Run(name, func(t *testing.T) {
			r := diagnose(t, tc.raw, token.Options{Keys: publicKeys(t, entraKid)})
			tc.want.check(t, r)
		})
	}
	r := diagnose(t, v2, token.Options{Keys: publicKeys(t, entraKid)})
	if r.Signature.Status != token.SigValid {
		t.Errorf("v2 token signature %+v", r.Signature)
	}
}

func entraV2Claims(tid, iss string) string {
	return fmt.Sprintf(`{"aud":"6731de76-14a6-49ae-97bc-6eba6914391e","iss":%q,"iat":%d,"nbf":%d,"exp":%d,"aio":"Af8AAAA","azp":"d3b0b2a1-0000-4000-8000-000000000001",`+
		`"azpacr":"0","name":"Alice","oid":"6e1f0c8a-1111-4222-8333-944455556666","preferred_username":"alice@contoso.test","rh":"0.AXEA","scp":"access_as_user",`+
		`"sub":"AAAAA","tid":%q,"uti":"Qz","ver":"2.0"}`, iss, at(-time.Minute), at(-time.Minute), at(time.Hour), tid)
}

func entraV1Claims(tid, iss string) string {
	return fmt.Sprintf(`{"aud":"api://orders","iss":%q,"iat":%d,"nbf":%d,"exp":%d,"acr":"1","aio":"E2ZgYJ","amr":["pwd"],"appid":"d3b0b2a1-0000-4000-8000-000000000001",`+
		`"appidacr":"0","oid":"6e1f0c8a-1111-4222-8333-944455556666","scp":"access_as_user","sub":"AAAAA","tid":%q,"unique_name":"alice@contoso.test","uti":"Qz","ver":"1.0"}`,
		iss, at(-time.Minute), at(-time.Minute), at(time.Hour), tid)
}

func TestEntraIssuerVersions(t *testing.T) {
	v1iss := "https://sts.windows.net/" + tenant + "/"
	v2iss := "https://login.microsoftonline.com/" + tenant + "/v2.0"
	v1hdr := `{"typ":"JWT","alg":"RS256","x5t":"` + entraKid + `","kid":"` + entraKid + `"}`
	v2hdr := `{"typ":"JWT","alg":"RS256","kid":"` + entraKid + `"}`
	tests := []struct {
		name     string
		raw      string
		expected string
		iss      token.CheckStatus
		want     expectation
	}{
		{"v1 token against v2 metadata", jws(t, v1hdr, entraV1Claims(tenant, v1iss)), v2iss, token.Fail,
			expectation{"entra", []string{"provider.entra.v1_v2_issuer"}, []string{"v1.0 token", "accessTokenAcceptedVersion", "/" + tenant + "/.well-known/openid-configuration"}}},
		{"v2 token against v1 issuer", jws(t, v2hdr, entraV2Claims(tenant, v2iss)), v1iss, token.Fail,
			expectation{"entra", []string{"provider.entra.v1_v2_issuer"}, []string{"v2.0 token", "accessTokenAcceptedVersion", "v2.0/.well-known/openid-configuration"}}},
		{"US government cloud v1 vs v2", jws(t, v1hdr, entraV1Claims(tenant, "https://login.microsoftonline.us/"+tenant+"/")), "https://login.microsoftonline.us/" + tenant + "/v2.0", token.Fail,
			expectation{"entra", []string{"provider.entra.v1_v2_issuer"}, []string{"v1.0 token"}}},
		{"v1 token against the {tenantid} template", jws(t, v1hdr, entraV1Claims(tenant, v1iss)), "https://login.microsoftonline.com/{tenantid}/v2.0", token.Fail,
			expectation{"entra", []string{"provider.entra.tenant_placeholder", "provider.entra.v1_v2_issuer"}, []string{"{tenantid}"}}},
		{"test setup on plain http, not a Microsoft host", jws(t, v1hdr, entraV1Claims(tenant, "http://127.0.0.1:8080/"+tenant+"/")), "http://127.0.0.1:8080/" + tenant + "/v2.0", token.Fail,
			expectation{"entra", []string{"provider.entra.v1_v2_issuer"}, []string{"v1.0 token"}}},
		{"same version matches", jws(t, v2hdr, entraV2Claims(tenant, v2iss)), v2iss, token.Pass, expectation{provider: "entra"}},
		{"another tenant is a real mismatch", jws(t, v1hdr, entraV1Claims(otherTenant, "https://sts.windows.net/"+otherTenant+"/")), v2iss, token.Fail, expectation{provider: "entra"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, tt.raw, token.Options{Keys: publicKeys(t, entraKid), Issuer: tt.expected})
			tt.want.check(t, r)
			if c, _ := r.Check("iss"); c.Status != tt.iss {
				t.Errorf("iss check %+v, want %s", c, tt.iss)
			}
			if r.Signature.Status != token.SigValid {
				t.Errorf("signature %+v", r.Signature)
			}
		})
	}
}

func TestEntraTenantPlaceholder(t *testing.T) {
	v2hdr := `{"typ":"JWT","alg":"RS256","kid":"` + entraKid + `"}`
	template := "https://login.microsoftonline.com/{tenantid}/v2.0"
	mismatched := strings.Replace(entraV2Claims(tenant, "https://login.microsoftonline.com/"+otherTenant+"/v2.0"), `"tid":"`+tenant, `"tid":"`+tenant, 1)
	tests := []struct {
		name     string
		raw      string
		expected string
		iss      token.CheckStatus
		msg      string
	}{
		{"tid substituted matches", jws(t, v2hdr, entraV2Claims(tenant, "https://login.microsoftonline.com/"+tenant+"/v2.0")), template, token.Pass, "with the token's tid substituted"},
		{"organizations template, claims reordered", jws(t, v2hdr, fmt.Sprintf(`{"tid":%q,"ver":"2.0","iss":"https://login.microsoftonline.com/%s/v2.0","aud":"x","exp":%d}`, tenant, tenant, at(time.Hour))), template, token.Pass, "as expected"},
		{"issuer of another tenant than tid", jws(t, v2hdr, mismatched), template, token.Fail, "expected exactly"},
		{"no tid claim", jws(t, v2hdr, fmt.Sprintf(`{"iss":"https://login.microsoftonline.com/%s/v2.0","ver":"2.0","exp":%d}`, tenant, at(time.Hour))), template, token.Fail, "no tid claim"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, tt.raw, token.Options{Keys: publicKeys(t, entraKid), Issuer: tt.expected})
			if _, ok := warning(r, "provider.entra.tenant_placeholder"); !ok {
				t.Fatalf("no tenant_placeholder diagnosis: %+v", r.Warnings)
			}
			c, _ := r.Check("iss")
			if c.Status != tt.iss || !strings.Contains(c.Message, tt.msg) || c.Spec == "" {
				t.Errorf("iss check %+v, want %s containing %q", c, tt.iss, tt.msg)
			}
		})
	}
	// A plain expected issuer never triggers it.
	r := diagnose(t, jws(t, v2hdr, entraV2Claims(tenant, "https://login.microsoftonline.com/"+tenant+"/v2.0")), token.Options{Issuer: "https://login.microsoftonline.com/" + tenant + "/v2.0"})
	if ids := providerIDs(r); len(ids) != 0 {
		t.Errorf("diagnoses %v", ids)
	}
}

// A Graph token from a v2.0 sign-in is a v1.0 token: its issuer is the
// tenant's v1.0 issuer, a warning rather than a failure, since Graph's
// registration (not the caller's) decides the version.
func TestEntraGraphTokenFromV2SignIn(t *testing.T) {
	hdr := `{"typ":"JWT","nonce":"%s","alg":"RS256","x5t":"` + entraKid + `","kid":"` + entraKid + `"}`
	raw := graphToken(t, hdr, graphNonce, graphV1Claims("https://sts.windows.net/"+tenant+"/", "00000003-0000-0000-c000-000000000000"))
	for _, expected := range []string{"https://login.microsoftonline.com/" + tenant + "/v2.0", "https://login.microsoftonline.com/{tenantid}/v2.0"} {
		r := diagnose(t, raw, token.Options{Keys: publicKeys(t, entraKid), Issuer: expected, Expect: token.ExpectAccessToken})
		if c, _ := r.Check("iss"); c.Status != token.Warn || !strings.Contains(c.Message, "v1.0 issuer of the expected tenant") {
			t.Errorf("%s: iss %+v", expected, c)
		}
		if w, ok := warning(r, "provider.entra.v1_v2_issuer"); !ok || !strings.Contains(w.Message, "Graph's own app registration") {
			t.Errorf("%s: diagnoses %v", expected, providerIDs(r))
		}
		for _, c := range r.Checks {
			if c.Status == token.Fail {
				t.Errorf("%s: failed check %+v", expected, c)
			}
		}
	}
	// Another tenant's Graph token still fails iss.
	other := graphToken(t, hdr, graphNonce, strings.ReplaceAll(graphV1Claims("https://sts.windows.net/"+otherTenant+"/", "https://graph.microsoft.com"), `"tid":"`+tenant, `"tid":"`+otherTenant))
	r := diagnose(t, other, token.Options{Keys: publicKeys(t, entraKid), Issuer: "https://login.microsoftonline.com/" + tenant + "/v2.0"})
	if c, _ := r.Check("iss"); c.Status != token.Fail {
		t.Errorf("other tenant: iss %+v", c)
	}
}
