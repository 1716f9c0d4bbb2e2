package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

func oktaAccess(iss, aud, scp string) string {
	return fmt.Sprintf(`{"ver":1,"jti":"AT.mh4JdKqz3cZ1k2L-f8n3_0o9pQ","iss":%q,"aud":%q,"iat":%d,"exp":%d,"cid":"0oa1b2c3d4E5F6g7H8i9","uid":"00u1a2b3c4D5e6F7g8h9",`+
		`"scp":%s,"auth_time":%d,"sub":"alice@example.com"}`, iss, aud, at(-time.Minute), at(time.Hour), scp, at(-2*time.Minute))
}

func TestOktaOrgServerAccessToken(t *testing.T) {
	hdr := `{"kid":"org-key-not-published","alg":"RS256"}`
	tests := []struct {
		name string
		raw  string
		keys token.KeySource
		want []string
		code string
	}{
		{"org AS token, org keys offered", jws(t, hdr, oktaAccess("https://dev-123456.okta.com", "https://dev-123456.okta.com", `["okta.users.read","okta.groups.read"]`)),
			publicKeys(t, "custom-as-key"), []string{"provider.okta.org_server_access_token"}, token.CodeKeyNotPublished},
		{"org AS on a custom domain, claims reordered", jws(t, hdr, fmt.Sprintf(`{"scp":["okta.myAccount.read"],"sub":"bob","cid":"0oa9","ver":1,"jti":"AT.x","iss":"https://login.acme.example","aud":"https://login.acme.example","exp":%d}`, at(time.Hour))),
			publicKeys(t, "custom-as-key"), []string{"provider.okta.org_server_access_token"}, token.CodeKeyNotPublished},
		{"oktapreview org, no keys", jws(t, hdr, oktaAccess("https://acme.oktapreview.com/", "https://acme.oktapreview.com", `["okta.apps.read"]`)),
			nil, []string{"provider.okta.org_server_access_token"}, token.CodeKeyNotPublished},
		{"custom AS token: no diagnosis, honest unknown kid", jws(t, hdr, oktaAccess("https://dev-123456.okta.com/oauth2/default", "api://default", `["openid","orders.read"]`)),
			publicKeys(t, "custom-as-key"), nil, token.CodeUnknownKid},
		{"org AS ID token: its key is published", jws(t, hdr, fmt.Sprintf(`{"ver":1,"jti":"ID.abc","iss":"https://dev-123456.okta.com","aud":"0oa1","nonce":"n","exp":%d,"idp":"00o1"}`, at(time.Hour))),
			publicKeys(t, "custom-as-key"), nil, token.CodeUnknownKid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, tt.raw, token.Options{Keys: tt.keys})
			expectation{"okta", tt.want, []string{"org authorization server", "custom authorization server", "/oauth2/default"}}.check(t, r)
			if r.Signature.Code != tt.code || r.Signature.Status != token.SigUnverified {
				t.Errorf("signature %+v", r.Signature)
			}
			if tt.want != nil {
				noText(t, "the verdict", []string{r.Signature.Reason, r.Warnings[0].Message}, "rotat", "fetch the current JWKS", "re-fetch")
			}
		})
	}
}

func TestAuth0EncryptedAccessToken(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		opts token.Options
	}{
		{"JWE for /userinfo", jweDirGCM(t, `{"alg":"dir","enc":"A256GCM","iss":"https://acme.us.auth0.com/"}`, `{"sub":"auth0|1"}`), token.Options{}},
		{"custom domain, member order", jweDirGCM(t, `{"iss":"https://login.acme.example/","enc":"A256GCM","alg":"dir"}`, `{"sub":"auth0|1"}`), token.Options{Expect: token.ExpectAccessToken}},
		{"older tenant: short opaque token", "Vh7m2Qe4xYcO9sZb1NfP3kLd5Rt8UwAj", token.Options{Expect: token.ExpectAccessToken, Issuer: "https://acme.eu.auth0.com/"}},
		{"older tenant: short opaque token, no expectation", "Vh7m2Qe4xYcO9sZb1NfP3kLd5Rt8UwAj", token.Options{Issuer: "https://acme.auth0.com/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, tt.raw, tt.opts)
			expectation{"auth0", []string{"provider.auth0.encrypted_access_token"}, []string{"/userinfo", "audience="}}.check(t, r)
			texts := []string{r.Signature.Reason}
			if r.JWE != nil {
				texts = append(texts, r.JWE.Reason)
				if r.Signature.Status != token.SigUnverified || r.Signature.Code != token.CodeKeyNotPublished {
					t.Errorf("signature %+v", r.Signature)
				}
			}
			noText(t, "the verdict", texts, "private key")
		})
	}
}

// Encrypted tokens that are not Auth0's keep the generic verdict.
func TestEncryptedLookAlikes(t *testing.T) {
	for name, tc := range map[string]struct {
		raw  string
		opts token.Options
	}{
		"dir JWE without an issuer":          {jweDirGCM(t, `{"alg":"dir","enc":"A256GCM"}`, `{"a":1}`), token.Options{}},
		"RSA-OAEP JWE with a kid":            {jweRSAOAEP(t, `{"alg":"RSA-OAEP","enc":"A256GCM","kid":"enc-1","cty":"JWT"}`, "x"), token.Options{}},
		"opaque token of an unknown issuer":  {"Vh7m2Qe4xYcO9sZb1NfP3kLd5Rt8UwAj", token.Options{Expect: token.ExpectAccessToken, Issuer: "https://idp.example.com/"}},
		"Auth0 refresh token (long, opaque)": {"v1.MRrRSh0uVt8qPq9XzT3kqGmJ0Cw3lRZ8Vb4pQ2nE7sYy6aLdFhKjUi1oP5tN9mB0xW2eR4gH7cV3zQ8uI6", token.Options{Issuer: "https://acme.auth0.com/"}},
	} {
		t.Run(name, func(t *testing.T) {
			r := diagnose(t, tc.raw, tc.opts)
			expectation{}.check(t, r)
		})
	}
}

func TestAuth0ClientCredentials(t *testing.T) {
	hdr := `{"alg":"RS256","typ":"JWT","kid":"auth0-key"}`
	tests := []struct{ name, claims string }{
		{"gty and @clients", fmt.Sprintf(`{"iss":"https://acme.us.auth0.com/","sub":"AbC123xyz@clients","aud":"https://api.acme.example","iat":%d,"exp":%d,"gty":"client-credentials","azp":"AbC123xyz","permissions":["read:orders"]}`, at(0), at(time.Hour))},
		{"custom domain, claims reordered", fmt.Sprintf(`{"gty":"client-credentials","azp":"Zz9","exp":%d,"aud":"https://api.acme.example","sub":"Zz9@clients","iss":"https://auth.acme.example/"}`, at(time.Hour))},
		{"no gty, sub @clients", fmt.Sprintf(`{"iss":"https://acme.eu.auth0.com/","sub":"Q1@clients","aud":"https://api","exp":%d,"scope":"read:orders"}`, at(time.Hour))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, jws(t, hdr, tt.claims), token.Options{Keys: publicKeys(t, "auth0-key")})
			expectation{"auth0", []string{"provider.auth0.client_credentials"}, []string{"machine-to-machine", "@clients", "no user"}}.check(t, r)
		})
	}
	// A user token of the same tenant, and a look-alike sub elsewhere.
	user := fmt.Sprintf(`{"iss":"https://acme.us.auth0.com/","sub":"auth0|64f0","aud":["https://api.acme.example","https://acme.us.auth0.com/userinfo"],"azp":"web","scope":"openid profile","exp":%d}`, at(time.Hour))
	r := diagnose(t, jws(t, hdr, user), token.Options{})
	expectation{provider: "auth0"}.check(t, r)
	other := fmt.Sprintf(`{"iss":"https://idp.example.com","sub":"svc@clients","exp":%d}`, at(time.Hour))
	r = diagnose(t, jws(t, hdr, other), token.Options{})
	expectation{}.check(t, r)
}

func cognitoAccess(iss string) string {
	return fmt.Sprintf(`{"sub":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","cognito:groups":["admin"],"iss":%q,"version":2,"client_id":"5r7eqv7bm1ac3kd0example","origin_jti":"o1",`+
		`"event_id":"e1","token_use":"access","scope":"aws.cognito.signin.user.admin orders/read","auth_time":%d,"exp":%d,"iat":%d,"jti":"j1","username":"alice"}`,
		iss, at(-time.Minute), at(time.Hour), at(-time.Minute))
}

func TestCognitoAccessTokenAudience(t *testing.T) {
	hdr := `{"kid":"cog-access","alg":"RS256"}`
	pool := "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"
	tests := []struct {
		name   string
		raw    string
		opts   token.Options
		aud    token.CheckStatus
		audMsg string
	}{
		{"expected client matches client_id", jws(t, hdr, cognitoAccess(pool)), token.Options{Audience: "5r7eqv7bm1ac3kd0example"}, token.Pass, "client_id"},
		{"client id option", jws(t, hdr, cognitoAccess(pool)), token.Options{ClientID: "5r7eqv7bm1ac3kd0example"}, token.Pass, "client_id"},
		{"another app client", jws(t, hdr, cognitoAccess(pool)), token.Options{Audience: "1example"}, token.Fail, "another app client"},
		{"nothing expected", jws(t, hdr, cognitoAccess(pool)), token.Options{}, token.Skip, ""},
		{"behind a proxy host", jws(t, hdr, cognitoAccess("https://auth.acme.example/eu-west-1_AbCdEf123")), token.Options{Audience: "5r7eqv7bm1ac3kd0example"}, token.Pass, "client_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Keys = publicKeys(t, "cog-access")
			r := diagnose(t, tt.raw, tt.opts)
			expectation{"cognito", []string{"provider.cognito.access_token_audience"}, []string{"not in aud", "client_id", "token_use"}}.check(t, r)
			c, _ := r.Check("aud")
			if c.Status != tt.aud || !strings.Contains(c.Message, tt.audMsg) {
				t.Errorf("aud check %+v, want %s", c, tt.aud)
			}
			noText(t, "aud check and diagnosis", []string{c.Message, r.Warnings[0].Message}, "no aud claim")
		})
	}
	// A Cognito ID token has aud: no diagnosis.
	id := fmt.Sprintf(`{"sub":"a","aud":"5r7eqv7bm1ac3kd0example","cognito:username":"alice","token_use":"id","iss":%q,"exp":%d,"event_id":"e"}`, pool, at(time.Hour))
	r := diagnose(t, jws(t, hdr, id), token.Options{Audience: "5r7eqv7bm1ac3kd0example"})
	expectation{provider: "cognito"}.check(t, r)
}

func TestCognitoEncryptedRefreshToken(t *testing.T) {
	hdr := `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`
	for name, opts := range map[string]token.Options{
		"alone":                       {},
		"with the pool as issuer":     {Issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1"},
		"offered the pool's JWKS too": {Keys: publicKeys(t, "cog")},
	} {
		t.Run(name, func(t *testing.T) {
			r := diagnose(t, jweRSAOAEP(t, hdr, "eyJhbGciOiJub25lIn0.e30."), opts)
			expectation{"cognito", []string{"provider.cognito.encrypted_refresh_token"}, []string{"refresh token", "only Cognito"}}.check(t, r)
			if r.Signature.Status != token.SigUnverified || r.Signature.Code != token.CodeKeyNotPublished {
				t.Errorf("signature %+v", r.Signature)
			}
			noText(t, "the verdict", []string{r.Signature.Reason, r.JWE.Reason}, "private key")
		})
	}
}

func TestGoogle(t *testing.T) {
	hdr := `{"alg":"RS256","kid":"g1","typ":"JWT"}`
	idToken := func(iss string) string {
		return jws(t, hdr, fmt.Sprintf(`{"iss":%q,"azp":"1234-abc.apps.googleusercontent.com","aud":"1234-abc.apps.googleusercontent.com","sub":"1098","email":"a@gmail.com","email_verified":true,"at_hash":"x","iat":%d,"exp":%d}`,
			iss, at(0), at(time.Hour)))
	}
	tests := []struct {
		name     string
		raw      string
		expected string
		want     expectation
		iss      token.CheckStatus
	}{
		{"scheme-less issuer", idToken("accounts.google.com"), "", expectation{"google", []string{"provider.google.issuer_scheme"}, []string{"both are valid"}}, token.Skip},
		{"scheme-less against https", idToken("accounts.google.com"), "https://accounts.google.com", expectation{"google", []string{"provider.google.issuer_scheme"}, []string{"differ only by the scheme"}}, token.Pass},
		{"https against scheme-less", idToken("https://accounts.google.com"), "accounts.google.com", expectation{"google", []string{"provider.google.issuer_scheme"}, []string{"differ only by the scheme"}}, token.Pass},
		{"https, no expectation", idToken("https://accounts.google.com"), "", expectation{provider: "google"}, token.Skip},
		{"look-alike host", idToken("https://accounts.google.com.evil.example"), "https://accounts.google.com", expectation{}, token.Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, tt.raw, token.Options{Keys: publicKeys(t, "g1"), Issuer: tt.expected})
			tt.want.check(t, r)
			if c, _ := r.Check("iss"); c.Status != tt.iss {
				t.Errorf("iss check %+v, want %s", c, tt.iss)
			}
		})
	}
	for _, raw := range []string{"ya29.a0AfB_byC1example-token_x9", "Bearer ya29.A0ARrdaM8example"} {
		r := diagnose(t, raw, token.Options{})
		expectation{"google", []string{"provider.google.opaque_access_token"}, []string{"tokeninfo", "https://oauth2.googleapis.com/tokeninfo"}}.check(t, r)
		if !strings.Contains(r.Signature.Reason, "tokeninfo") || strings.Contains(r.Signature.Reason, "RFC 7662") {
			t.Errorf("opaque reason %q", r.Signature.Reason)
		}
	}
	expectation{}.check(t, diagnose(t, "ory_at_abcdefghijklmnop", token.Options{}))
}

func ghClaims(iss, sub string) string {
	return fmt.Sprintf(`{"jti":"e1f2","sub":%q,"aud":"https://github.com/octo-org","ref":"refs/heads/main","sha":"abc123","repository":"octo-org/octo-repo","repository_owner":"octo-org",`+
		`"repository_owner_id":"5","repository_visibility":"private","repository_id":"74","run_id":"1","run_number":"2","run_attempt":"1","runner_environment":"github-hosted",`+
		`"actor_id":"12","actor":"octocat","workflow":"CI","head_ref":"","base_ref":"","event_name":"push","ref_type":"branch","workflow_ref":"octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main",`+
		`"job_workflow_ref":"octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main","iss":%q,"nbf":%d,"exp":%d,"iat":%d}`,
		sub, iss, at(-time.Minute), at(5*time.Minute), at(0))
}

func TestGitHubActionsToken(t *testing.T) {
	hdr := `{"typ":"JWT","alg":"RS256","x5t":"gh1","kid":"gh1"}`
	iss := "https://token.actions.githubusercontent.com"
	tests := []struct {
		name, iss, sub string
		parts          []string
	}{
		{"branch", iss, "repo:octo-org/octo-repo:ref:refs/heads/main", []string{"repository octo-org/octo-repo", "branch main"}},
		{"environment", iss, "repo:octo-org/octo-repo:environment:prod", []string{"environment prod"}},
		{"pull request", iss, "repo:octo-org/octo-repo:pull_request", []string{"pull_request event"}},
		{"tag", iss, "repo:octo-org/octo-repo:ref:refs/tags/v1.2.0", []string{"tag v1.2.0"}},
		{"immutable form", iss, "repo:octo-org@5/octo-repo@74:ref:refs/heads/main", []string{"owner id 5", "repository id 74", "immutable"}},
		{"enterprise issuer", iss + "/octo-enterprise", "repo:octo-org/octo-repo:ref:refs/heads/main", []string{"branch main"}},
		{"GitHub Enterprise Server", "https://github.acme.example/_services/token", "repo:octo-org/octo-repo:environment:prod", []string{"environment prod"}},
		{"customised template", iss, "repository_owner:octo-org:job_workflow_ref:octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main", []string{"repository_owner octo-org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, jws(t, hdr, ghClaims(tt.iss, tt.sub)), token.Options{Keys: publicKeys(t, "gh1")})
			expectation{"github_actions", []string{"provider.github_actions.token"}, append(tt.parts, "job_workflow_ref", "5 minutes")}.check(t, r)
		})
	}
	// sub says another repository than the claim: noted.
	r := diagnose(t, jws(t, hdr, ghClaims(iss, "repo:octo-org/other:ref:refs/heads/main")), token.Options{})
	if w, _ := warning(r, "provider.github_actions.token"); !strings.Contains(w.Message, "sub names repository octo-org/other") {
		t.Errorf("mismatch not noted: %s", w.Message)
	}
	// repo:-looking sub without the workflow claims, on another issuer: not GitHub.
	r = diagnose(t, jws(t, hdr, fmt.Sprintf(`{"iss":"https://ci.example.com","sub":"repo:a/b:ref:refs/heads/main","exp":%d}`, at(time.Hour))), token.Options{})
	expectation{}.check(t, r)
}

func TestParseGitHubSubject(t *testing.T) {
	for sub, want := range map[string]string{
		"repo:o/r:environment:e":             "repo=o/r environment=e",
		"repo:o@1/r@2:pull_request":          "repo=o@1/r@2 pull_request=",
		"repo:o/r:ref:refs/heads/feature/x":  "repo=o/r ref=refs/heads/feature/x",
		"repository_owner_id:5:context:prod": "repository_owner_id=5 context=prod",
	} {
		parts, ok := ParseGitHubSubject(sub)
		var got []string
		for _, p := range parts {
			got = append(got, p.Key+"="+p.Value)
		}
		if !ok || strings.Join(got, " ") != want {
			t.Errorf("%s: %v %v, want %s", sub, got, ok, want)
		}
	}
	for _, bad := range []string{"", "repo", "repo:o/r:ref", "::"} {
		if _, ok := ParseGitHubSubject(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestKubernetes(t *testing.T) {
	hdr := `{"alg":"RS256","kid":"Xb9uSm5dV3Hq0Rn4pW1sT8yZ6cA2eF7gJ3kL0mN5oP4"}`
	bound := func(iss string, warn bool) string {
		wa := ""
		if warn {
			wa = fmt.Sprintf(`,"warnafter":%d`, at(50*time.Minute))
		}
		return fmt.Sprintf(`{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":%d,"iat":%d,"iss":%q,"jti":"j","kubernetes.io":{"namespace":"shop",`+
			`"node":{"name":"node-1","uid":"n1"},"pod":{"name":"orders-7d9f","uid":"p1"},"serviceaccount":{"name":"orders","uid":"s1"}%s},"nbf":%d,"sub":"system:serviceaccount:shop:orders"}`,
			at(365*24*time.Hour-10*time.Minute), at(-10*time.Minute), iss, wa, at(-10*time.Minute))
	}
	tests := []struct {
		name string
		raw  string
		want []string
		msgs []string
	}{
		{"extended kube-api-access token", jws(t, hdr, bound("https://kubernetes.default.svc.cluster.local", true)), []string{"provider.kubernetes.bound_token"}, []string{"warnafter", "one hour", "orders-7d9f", "shop/orders"}},
		{"EKS issuer", jws(t, hdr, bound("https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", true)), []string{"provider.kubernetes.bound_token"}, []string{"warnafter", "365 days"}},
		{"projected token without warnafter", jws(t, hdr, bound("https://container.googleapis.com/v1/projects/p/locations/l/clusters/c", false)), []string{"provider.kubernetes.bound_token"}, []string{"kubelet refreshes"}},
		{"legacy Secret-based token", jws(t, `{"alg":"RS256","kid":""}`, `{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"default",`+
			`"kubernetes.io/serviceaccount/secret.name":"build-robot-token-x7k2p","kubernetes.io/serviceaccount/service-account.name":"build-robot",`+
			`"kubernetes.io/serviceaccount/service-account.uid":"u1","sub":"system:serviceaccount:default:build-robot"}`), []string{"provider.kubernetes.legacy_token"}, []string{"never expires", "1.24", "default/build-robot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnose(t, tt.raw, token.Options{})
			expectation{"kubernetes", tt.want, tt.msgs}.check(t, r)
		})
	}
	// A sub that looks like a service account, without the Kubernetes claims.
	r := diagnose(t, jws(t, hdr, fmt.Sprintf(`{"iss":"https://idp.example.com","sub":"system:serviceaccount:a:b","exp":%d}`, at(time.Hour))), token.Options{})
	expectation{}.check(t, r)
}

// A token from an unknown provider: no provider, no diagnosis.
func TestUnknownProvider(t *testing.T) {
	for _, claims := range []string{
		fmt.Sprintf(`{"iss":"https://idp.example.com","sub":"alice","aud":"api","exp":%d,"scope":"a b"}`, at(time.Hour)),
		fmt.Sprintf(`{"iss":"https://idp.example.com/","sub":"alice","aud":"api","exp":%d,"ver":"2.0","tid":%q}`, at(time.Hour), tenant),
		fmt.Sprintf(`{"iss":"https://hydra.example.com/","sub":"alice","client_id":"c","scp":["a"],"ext":{},"exp":%d}`, at(time.Hour)),
	} {
		r := diagnose(t, jws(t, `{"alg":"RS256","kid":"k","typ":"JWT"}`, claims), token.Options{Keys: publicKeys(t, "k")})
		expectation{}.check(t, r)
		if b, _ := r.Check("typ"); b.Status == token.Fail {
			t.Errorf("typ %+v", b)
		}
	}
}

// An Auth0 ID token on a custom domain is recognised by its issuer's
// trailing slash and the Auth0 user id in sub; a relative issuer on a
// /realms/ path does not trip the Keycloak hostname check.
func TestAuth0CustomDomainAndOddIssuers(t *testing.T) {
	hdr := `{"alg":"RS256","typ":"JWT","kid":"k"}`
	id := fmt.Sprintf(`{"nickname":"alice","name":"alice@example.com","updated_at":"2026-11-30T10:00:00.000Z","email":"alice@example.com","email_verified":true,`+
		`"iss":"https://login.acme.example/","aud":"Zx9","sub":"google-oauth2|109876543210","iat":%d,"exp":%d,"sid":"s","nonce":"n"}`, at(0), at(10*time.Hour))
	r := diagnose(t, jws(t, hdr, id), token.Options{})
	expectation{provider: "auth0"}.check(t, r)
	odd := fmt.Sprintf(`{"iss":"/realms/shop","typ":"Bearer","realm_access":{"roles":[]},"exp":%d}`, at(time.Hour))
	r = diagnose(t, jws(t, hdr, odd), token.Options{Issuer: "https://sso.example.org/realms/shop"})
	if _, ok := warning(r, "provider.keycloak.hostname_issuer"); ok {
		t.Error("hostname diagnosis for a relative issuer")
	}
}
