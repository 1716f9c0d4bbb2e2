package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/tokeninspector/tokeninspector/token"
)

// Sources of the Google diagnoses.
const (
	srcGoogleIssuer = "https://developers.google.com/identity/openid-connect/openid-connect (validating an ID token); googleapis/google-auth-library-python google/oauth2/id_token.py"
	srcGoogleOpaque = "https://developers.google.com/identity/sign-in/web/backend-auth; https://developers.google.com/identity/protocols/oauth2 (tokeninfo)"
)

// googleIssuers are the two spellings of Google's issuer.
var googleIssuers = []string{"https://accounts.google.com", "accounts.google.com"}

// googleIssuerScheme: Google writes iss with or without the scheme; both
// are valid for Google and its libraries accept both.
func googleIssuerScheme(_ context.Context, d *diagnosis) {
	iss := d.t.iss
	if !d.is("google") || d.t.claims == nil {
		return
	}
	want := d.opts.Issuer
	bothGoogle := want != "" && want != iss && isGoogleIssuer(want)
	if iss != "accounts.google.com" && !bothGoogle {
		return
	}
	msg := fmt.Sprintf("Google writes the issuer as %q or %q (without the scheme), and both are valid for Google: its own libraries accept either. "+
		"Compare iss with both spellings, not with one.", googleIssuers[0], googleIssuers[1])
	if bothGoogle {
		d.setCheck(token.Check{ID: "iss", Status: token.Pass,
			Message: fmt.Sprintf("issuer is %q, Google's other spelling of the expected %q; Google accepts both", iss, want)})
		msg = fmt.Sprintf("the issuer is %q and %q was expected: they differ only by the scheme. ", iss, want) + msg
	}
	d.add("provider.google.issuer_scheme", msg, srcGoogleIssuer)
}

func isGoogleIssuer(s string) bool {
	return s == googleIssuers[0] || s == googleIssuers[1]
}

// googleOpaqueAccessToken: Google access tokens (ya29.) are opaque and
// checked at the tokeninfo endpoint; Google offers no RFC 7662
// introspection.
func googleOpaqueAccessToken(_ context.Context, d *diagnosis) {
	if d.t.kind != token.KindOpaque || !strings.HasPrefix(d.t.raw, "ya29.") {
		return
	}
	d.r.Signature.Reason = "opaque Google access token: not a JWT, so nothing can be verified locally; Google checks it at its tokeninfo endpoint (see provider.google.opaque_access_token)"
	d.add("provider.google.opaque_access_token", "a Google OAuth access token (ya29.…): opaque, not a JWT. Google does not offer RFC 7662 introspection; "+
		"check it at the tokeninfo endpoint: GET https://oauth2.googleapis.com/tokeninfo?access_token=… (or POST it with Authorization: Bearer), "+
		"which answers azp, aud, sub, scope, exp and expires_in (as strings), email and access_type. To authenticate a user to your backend, send the ID token instead.", srcGoogleOpaque)
}
