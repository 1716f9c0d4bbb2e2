package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/tokeninspector/tokeninspector/token"
)

// Sources of the Entra diagnoses.
const (
	srcEntraAccessTokens = "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens"
	srcEntraGraph        = srcEntraAccessTokens + "; AzureAD/azure-activedirectory-identitymodel-extensions-for-dotnet#609; MicrosoftDocs/azure-docs#80018"
	srcEntraVersions     = srcEntraAccessTokens + "; https://learn.microsoft.com/en-us/entra/identity-platform/reference-app-manifest (accessTokenAcceptedVersion)"
	srcEntraMultiTenant  = srcEntraAccessTokens + " (multitenant apps); AzureAD/microsoft-authentication-library-for-python#600"
)

// graphAudiences are Microsoft Graph's audiences (v2.0 app id, v1.0 URL).
var graphAudiences = []string{"00000003-0000-0000-c000-000000000000", "https://graph.microsoft.com", "https://graph.microsoft.com/"}

// entraGraphToken: a header nonce means Entra signed the header with the
// nonce replaced by base64url(SHA-256(nonce)); only Graph (or the Microsoft
// API it is for) validates such a token.
func entraGraphToken(ctx context.Context, d *diagnosis) {
	nonce := d.t.hdr("nonce")
	if !d.is("entra") || nonce == "" || d.t.kind != token.KindJWS {
		return
	}
	what, validator := "a Microsoft Graph access token", "Graph"
	if aud := d.t.strs("aud"); len(aud) > 0 && !isGraph(aud) {
		what, validator = "an access token for a Microsoft API (aud "+quoted(aud)+")", "that API"
	}
	verdict := graphVerdict(ctx, d, nonce)
	d.add("provider.entra.graph_token", "this is "+what+": its header carries a nonce, and Entra signs the header with that nonce replaced by its SHA-256 hash, "+
		"so standard JWT libraries cannot verify it as sent. "+verdict+
		" Such tokens are in Microsoft's own format and are not meant to be validated by you: only "+validator+" validates them. "+
		"To validate a token in your own API, request a token for your API (scope api://<your-app-id>/.default or one of its scopes), not for "+validator+".", srcEntraGraph)
}

// isGraph reports whether aud names Microsoft Graph.
func isGraph(aud []string) bool {
	return slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(graphAudiences, a) })
}

// graphVerdict checks the signature over the header with the hashed nonce,
// as Graph does, and sets the signature verdict accordingly. It returns a
// sentence for the diagnosis.
func graphVerdict(ctx context.Context, d *diagnosis, nonce string) string {
	sig := &d.r.Signature
	if sig.Status == token.SigValid {
		return "It verifies as sent."
	}
	hashed, err := hashedNonceToken(d.r, nonce)
	if err != nil {
		return "(Could not rebuild the hashed-nonce header: " + err.Error() + ".)"
	}
	r2, err := token.Inspect(ctx, hashed, d.opts)
	if err != nil {
		return "(Could not check the hashed-nonce form: " + err.Error() + ".)"
	}
	s2 := r2.Signature
	switch {
	case s2.Status == token.SigValid:
		from := ""
		if s2.Key != nil {
			from = fmt.Sprintf(" (key %q from %s)", s2.Key.Kid, s2.Key.Origin)
		}
		sig.Status, sig.Code = token.SigUnverified, token.CodeProviderFormat
		sig.Reason = "Microsoft Graph token: the signature verifies once the nonce is hashed, as Graph does" + from +
			"; as sent it fails plain JWS verification, by design of Microsoft's format (see provider.entra.graph_token)"
		return "Its signature verifies once the nonce is hashed, as Graph does" + from + "."
	case s2.Status == token.SigInvalid && s2.Code == token.CodeBadSignature:
		sig.Status, sig.Code = token.SigInvalid, token.CodeBadSignature
		sig.Reason = "the signature does not verify, not even once the header nonce is hashed as Graph does: the token was changed after signing or signed by another key"
		return "Its signature does not verify, not even once the nonce is hashed as Graph does: treat it as forged."
	default:
		return "Its hashed-nonce signature could not be checked: " + s2.Reason + "."
	}
}

// hashedNonceToken rebuilds the compact token with the header nonce
// replaced by base64url(SHA-256(nonce)), in compact JSON with the members
// in their order: the bytes Entra signed.
func hashedNonceToken(r *token.Report, nonce string) (string, error) {
	if len(r.Segments) != 3 {
		return "", fmt.Errorf("a JWS has 3 segments, this one %d", len(r.Segments))
	}
	sum := sha256.Sum256([]byte(nonce))
	hashed, _ := json.Marshal(base64.RawURLEncoding.EncodeToString(sum[:]))
	header := make(token.Object, 0, len(r.Header))
	for _, m := range r.Header {
		v := m.Value
		if m.Name == "nonce" {
			v = hashed
		}
		header = append(header, token.Member{Name: m.Name, Value: compactJSON(v)})
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(hb) + "." + r.Segments[1].Text + "." + r.Segments[2].Text, nil
}

// compactJSON removes insignificant whitespace from a JSON value.
func compactJSON(v json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// entraIssuer matches Entra issuers: v1.0 https://sts.windows.net/{tid}/
// and v2.0 https://login.microsoftonline.com/{tid}/v2.0 (and the other
// clouds' hosts). The tenant may be the {tenantid} template.
var entraIssuer = regexp.MustCompile(`^https?://([^/]+)/([0-9a-fA-F-]{36}|\{tenantid\})/(v2\.0/?)?$`)

// entraVersion returns the version ("1.0" or "2.0") and tenant of an Entra
// issuer, or ok false.
func entraVersion(iss string) (version, tenant string, ok bool) {
	m := entraIssuer.FindStringSubmatch(iss)
	if m == nil {
		return "", "", false
	}
	if m[3] != "" {
		return "2.0", m[2], true
	}
	return "1.0", m[2], true
}

// entraTenantPlaceholder: tenant-independent metadata (/common,
// /organizations) gives the issuer as a template with a literal
// {tenantid}: substitute the token's tid and compare exactly.
func entraTenantPlaceholder(_ context.Context, d *diagnosis) {
	want := d.opts.Issuer
	if !strings.Contains(want, "{tenantid}") || d.t.claims == nil {
		return
	}
	tid := d.t.str("tid")
	iss := d.t.iss
	msg := fmt.Sprintf("the expected issuer %q is the template of Entra's tenant-independent metadata (/common, /organizations), with a literal {tenantid}: ", want)
	source := srcEntraMultiTenant
	if tid == "" {
		d.setCheck(token.Check{ID: "iss", Status: token.Fail,
			Message: fmt.Sprintf("issuer is %q; the expected issuer is the template %q, and the token has no tid claim to fill it in", iss, want)})
		d.add("provider.entra.tenant_placeholder", msg+"the token has no tid claim to substitute, so its issuer cannot be checked. An Entra token always has tid: this one may come from elsewhere.", source)
		return
	}
	exact := strings.ReplaceAll(want, "{tenantid}", tid)
	if iss == exact {
		d.setCheck(token.Check{ID: "iss", Status: token.Pass,
			Message: fmt.Sprintf("issuer is %q: the template %q with the token's tid substituted, as expected", iss, want)})
	} else {
		d.setCheck(token.Check{ID: "iss", Status: token.Fail,
			Message: fmt.Sprintf("issuer is %q, expected exactly %q (the template %q with the token's tid %s)", iss, exact, want, tid)})
	}
	d.add("provider.entra.tenant_placeholder", msg+fmt.Sprintf("substituted the token's tid (%s) and compared exactly. That is how Entra means it to be validated; "+
		"a multi-tenant API must also decide which tenants it accepts (check tid against your list).", tid), source)
}

// entraIssuerVersion: a v1.0 token checked against the v2.0 issuer of the
// same tenant, or the reverse, fails only the issuer check.
func entraIssuerVersion(_ context.Context, d *diagnosis) {
	if d.opts.Issuer == "" || d.checkStatus("iss") != token.Fail {
		return
	}
	gotV, gotT, ok1 := entraVersion(d.t.iss)
	wantV, wantT, ok2 := entraVersion(d.opts.Issuer)
	if !ok1 || !ok2 || gotV == wantV || !(strings.EqualFold(gotT, wantT) || wantT == "{tenantid}") {
		return
	}
	tid := gotT
	if d.t.hdr("nonce") != "" && gotV == "1.0" {
		// A Microsoft Graph (or other Microsoft API) token: its version is
		// set by Graph's registration, not the caller's, and only Graph
		// validates it; a v1.0 issuer of the expected tenant is expected.
		d.setCheck(token.Check{ID: "iss", Status: token.Warn, Message: fmt.Sprintf("issuer is %q, the v1.0 issuer of the expected tenant: "+
			"Microsoft Graph tokens are v1.0 whatever endpoint issued them (see provider.entra.v1_v2_issuer)", d.t.iss)})
		d.add("provider.entra.v1_v2_issuer", fmt.Sprintf("a v1.0 token (iss %q) from a v2.0 sign-in: Microsoft Graph's own app registration asks for v1.0 tokens "+
			"(accessTokenAcceptedVersion is set by the API the token is for, here Graph's, not yours), so its issuer is the tenant's v1.0 issuer. "+
			"Only Graph validates it; tokens for your own API follow your API's accessTokenAcceptedVersion.", d.t.iss), srcEntraVersions)
		return
	}
	var msg string
	if gotV == "1.0" {
		msg = fmt.Sprintf("a v1.0 token (iss %q, ver %q) checked against the v2.0 issuer of the same tenant. "+
			"The version is chosen by the manifest of the API the token is for (accessTokenAcceptedVersion: null or 1 gives v1.0, 2 gives v2.0), not by the endpoint the client called. "+
			"Either set accessTokenAcceptedVersion to 2 in the API's app registration, or validate v1.0 tokens against the v1.0 metadata "+
			"(https://login.microsoftonline.com/%s/.well-known/openid-configuration, issuer https://sts.windows.net/%s/).", d.t.iss, d.t.str("ver"), tid, tid)
	} else {
		msg = fmt.Sprintf("a v2.0 token (iss %q, ver %q) checked against the v1.0 issuer of the same tenant. "+
			"The API's manifest asks for v2.0 tokens (accessTokenAcceptedVersion: 2): validate them against the v2.0 metadata "+
			"(https://login.microsoftonline.com/%s/v2.0/.well-known/openid-configuration, issuer https://login.microsoftonline.com/%s/v2.0), "+
			"or set accessTokenAcceptedVersion to null or 1 to get v1.0 tokens.", d.t.iss, d.t.str("ver"), tid, tid)
	}
	d.amendCheck("iss", "a v"+gotV+" token against the v"+wantV+" issuer of the same tenant: see provider.entra.v1_v2_issuer")
	d.add("provider.entra.v1_v2_issuer", msg, srcEntraVersions)
}
