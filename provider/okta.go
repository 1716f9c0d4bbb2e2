package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/tokeninspector/tokeninspector/token"
)

const srcOktaOrg = "https://developer.okta.com/docs/guides/validate-access-tokens/ (org vs custom authorization server); okta/okta-jwt-verifier-python#51; okta/okta-oidc-js#46"

// oktaOrgServerAccessToken: the org authorization server (issuer = the
// bare org URL) issues access tokens for Okta's own APIs; their key is
// deliberately not published, so apps cannot validate them.
func oktaOrgServerAccessToken(_ context.Context, d *diagnosis) {
	if !d.is("okta") || d.t.issURL == nil || strings.Trim(d.t.issURL.Path, "/") != "" || !isOktaAccessToken(d) {
		return
	}
	org := strings.TrimSuffix(d.t.iss, "/")
	sig := &d.r.Signature
	switch sig.Code {
	case token.CodeUnknownKid, token.CodeNoKey, token.CodeNoMatchingKey, token.CodeKeySource:
		sig.Status, sig.Code = token.SigUnverified, token.CodeKeyNotPublished
		sig.Reason = "Okta org authorization server access token: Okta does not publish its signing key (by design), so no app can verify it and no newer key set will have it (see provider.okta.org_server_access_token)"
	}
	d.add("provider.okta.org_server_access_token", fmt.Sprintf("an access token from Okta's org authorization server (issuer %q, the bare org URL, aud %s): "+
		"it is meant for Okta's own APIs (okta.* scopes) and cannot be validated by your app or API: its signing key is deliberately absent from %s/oauth2/v1/keys. "+
		"To get access tokens your API can validate, use a custom authorization server (issuer %s/oauth2/default or %s/oauth2/<id>, keys at …/v1/keys), "+
		"or ask Okta about this token through its introspection endpoint.", d.t.iss, quoted(d.t.strs("aud")), org, org, org), srcOktaOrg)
}

// isOktaAccessToken tells an Okta access token from an ID token: jti AT.…,
// cid or scp, or the caller said it is one.
func isOktaAccessToken(d *diagnosis) bool {
	jti := d.t.str("jti")
	switch {
	case strings.HasPrefix(jti, "ID."), d.t.has("nonce"), d.t.has("at_hash"):
		return false
	case strings.HasPrefix(jti, "AT."), d.t.has("cid"), d.t.has("scp"):
		return true
	}
	return d.t.expect == token.ExpectAccessToken
}
