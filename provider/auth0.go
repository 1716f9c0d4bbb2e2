package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/tokeninspector/tokeninspector/token"
)

// Sources of the Auth0 diagnoses.
const (
	srcAuth0Formats = "https://auth0.com/docs/secure/tokens/access-tokens/access-token-formats; auth0/nextjs-auth0#1809; auth0-samples/auth0-python-web-app#68"
	srcAuth0M2M     = "https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow; https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles"
)

// auth0EncryptedAccessToken: without an audience, Auth0 issues an access
// token for its /userinfo only: a JWE (dir, A256GCM) only Auth0 can
// decrypt, or on older tenants a short opaque string.
func auth0EncryptedAccessToken(_ context.Context, d *diagnosis) {
	switch {
	case d.t.kind == token.KindJWE && d.is("auth0") && hdrOf(d.t.jwe, "alg") == "dir":
		if d.r.JWE.Status == "decrypted" {
			return
		}
		tenant := d.t.iss
		d.r.JWE.Reason = "encrypted by Auth0 with a key only the tenant holds (dir, " + d.r.JWE.Enc + "); nobody else can decrypt it"
		d.r.Signature.Code = token.CodeKeyNotPublished
		d.r.Signature.Reason = "encrypted Auth0 access token for /userinfo only: Auth0 alone can decrypt and read it, so there is nothing to verify here (see provider.auth0.encrypted_access_token)"
		d.add("provider.auth0.encrypted_access_token", fmt.Sprintf("an Auth0 access token issued without an audience: its only audience is %suserinfo, "+
			"so Auth0 returned an encrypted token (JWE, alg dir, enc %s) that only Auth0 can decrypt; it is usable only at the /userinfo endpoint. "+
			"No key you hold will open it. To get a JWT access token your API can validate, add audience=<your API identifier> to the authorization request "+
			"(or the token request).", tenant, d.r.JWE.Enc), srcAuth0Formats)
	case d.t.kind == token.KindOpaque && hostIs(urlHost(d.opts.Issuer), "auth0.com") && isShortOpaque(d.t.raw, d.t.expect):
		d.r.Provider = &token.Provider{ID: "auth0", Name: "Auth0", Evidence: []string{"the expected issuer is on " + urlHost(d.opts.Issuer), "a short opaque access token"}}
		d.r.Signature.Reason = "opaque Auth0 access token for /userinfo only: nothing to verify locally (see provider.auth0.encrypted_access_token)"
		d.add("provider.auth0.encrypted_access_token", "an opaque Auth0 access token (older tenants): no audience was requested, so its only audience is /userinfo "+
			"and it is usable only there. To get a JWT access token your API can validate, add audience=<your API identifier> to the authorization (or token) request.", srcAuth0Formats)
	}
}

// isShortOpaque reports the short opaque access tokens of older Auth0
// tenants (32 characters): up to 64 when the caller says it is an access
// token, up to 40 when it says nothing (Auth0 refresh tokens are longer).
func isShortOpaque(raw string, expect token.Expect) bool {
	switch expect {
	case token.ExpectAccessToken:
		return len(raw) <= 64
	case token.ExpectAny:
		return len(raw) <= 40
	}
	return false
}

// auth0ClientCredentials: a client-credentials (machine-to-machine) token:
// gty "client-credentials", sub "<client_id>@clients".
func auth0ClientCredentials(_ context.Context, d *diagnosis) {
	sub := d.t.str("sub")
	if !d.is("auth0") || (d.t.str("gty") != "client-credentials" && !strings.HasSuffix(sub, "@clients")) {
		return
	}
	client := strings.TrimSuffix(sub, "@clients")
	if azp := d.t.str("azp"); azp != "" {
		client = azp
	}
	d.add("provider.auth0.client_credentials", fmt.Sprintf("a machine-to-machine token from the client-credentials grant: there is no user. "+
		"sub %q is the client id followed by @clients, and azp is the client (%s). Authorise it by its scope or permissions for your API, "+
		"not as a user; user claims (email, name) will never be in it.", sub, client), srcAuth0M2M)
}
