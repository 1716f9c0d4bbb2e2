package flows

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Hint says in a sentence or two what went wrong and what to do next, for
// the failures people commonly meet: a server's error answer (see
// [OAuthError.Explain]), a refused redirect, an unusable response, an
// endpoint that cannot be reached; "" when there is nothing to add. Error
// values stay one line; the CLI and the status bar show the hint under
// them. The words fit any surface: they name profile settings, never
// command-line flags.
func Hint(err error) string {
	var (
		oe *OAuthError
		re *RedirectError
		rs *ResponseError
		te *TransportError
	)
	switch {
	case errors.As(err, &oe):
		return oe.Explain()
	case errors.As(err, &re):
		return "The redirect was not followed: configure the final URL (where it points, if you trust it) in the profile instead."
	case errors.As(err, &rs):
		return "Check the endpoint URL and that the identity provider is healthy."
	case errors.As(err, &te) && errors.Is(te.Err, context.Canceled):
		return ""
	case errors.As(err, &te) && isTimeout(te.Err):
		return "The server gave no answer in time: check that the identity provider is up, or raise the timeout."
	case errors.As(err, &te):
		return "Check the URL, the network, and the TLS settings (CA file)."
	}
	return ""
}

// Explain says what this answer means and what to do next (see [Hint]).
func (e *OAuthError) Explain() string {
	if e.redirectMismatch() {
		return e.redirectText()
	}
	switch e.Code {
	case "unsupported_token_type":
		if e.Endpoint == "revocation" {
			return "This provider cannot revoke this kind of token (RFC 7009 §2.2.1). Self-contained JWT access tokens " +
				"usually stay valid until they expire: revoke the refresh token instead, and keep access tokens short-lived."
		}
		return "This provider issues self-contained JWT access tokens and does not introspect them; local verification " +
			"(the signature and the checks) is the check here (RFC 9068)."
	case "invalid_token":
		return "The " + e.Endpoint + " endpoint did not accept the access token (RFC 6750 §3.1): it has expired or been " +
			"revoked, or it was issued for another resource (a token asked for an API's audience or resource is refused " +
			"by the provider's userinfo). Log in again, without an audience or resource, to call UserInfo."
	case "invalid_grant":
		if e.Grant == "refresh_token" {
			return "The refresh token was refused (RFC 6749 §5.2): it expired, was revoked, or was used before. Providers " +
				"that rotate refresh tokens treat a second use of an old one as theft and revoke the whole chain (reuse " +
				"detection, RFC 9700 §4.14.2). Log in again for a new one."
		}
		msg := "The authorization code was refused (RFC 6749 §5.2): it expired, was used already, or the redirect URI or " +
			"PKCE verifier did not match the authorization request. Log in again."
		if e.RedirectURI != "" {
			msg += " This login's redirect URI was " + e.RedirectURI + "."
		}
		return msg
	case "invalid_client":
		if e.Assertion != "" {
			return "The provider refused the client assertion (RFC 7523 §3): " + e.Assertion + ". The provider must trust " +
				"this issuer and subject for the client (a federated credential), and the aud must be what it expects; " +
				"an assertion is usually good for one request and a few minutes."
		}
		return "The provider did not accept the client's credentials (RFC 6749 §5.2): check the client ID, the client " +
			"secret or private key and the authentication method in the profile; the client's settings at the provider " +
			"must allow that method."
	case "unauthorized_client":
		return "This client may not use this grant (RFC 6749 §5.2): allow the grant type for the client at the provider."
	case "invalid_scope":
		return "The provider refused a requested scope (RFC 6749 §4.1.2.1): remove the scopes this client may not " +
			"request from the profile's Scopes, or allow them for the client at the provider."
	case "login_required":
		return "The provider needs the user to sign in, but the request asked it not to show a login page (prompt=none, " +
			"OIDC Core §3.1.2.6): remove prompt=none from the profile's extra parameters, or sign in to the provider in " +
			"the browser first."
	case "consent_required", "interaction_required":
		return "The provider needs the user to approve or interact, but the request asked for no page (prompt=none, " +
			"OIDC Core §3.1.2.6): remove prompt=none from the profile's extra parameters and log in again."
	case "access_denied":
		return "The user or the provider refused the request (RFC 6749 §4.1.2.1): log in again and approve it, or check " +
			"the client's access policy at the provider."
	case "invalid_request":
		return "The provider rejected a parameter of the request (RFC 6749 §5.2); the transcript shows the request as " +
			"it was sent, and the description above usually names the parameter."
	case "unsupported_grant_type":
		return "The provider does not allow this grant for the client (RFC 6749 §5.2): enable the grant type in the " +
			"client's settings at the provider."
	case "invalid_target":
		return "The provider does not accept the requested resource or audience (RFC 8707 §2): correct or remove the " +
			"profile's Audience and Resources."
	case "invalid_dpop_proof":
		return "The provider refused the DPoP proof (RFC 9449 §4.3): check that the client's clock is right, that the " +
			"provider accepts the proof's algorithm (ES256 is the common one), and, for a refresh token or a code bound " +
			"to a key, that this session still holds that key."
	case "use_dpop_nonce":
		return "The provider wants a server nonce in the DPoP proof (RFC 9449 §8) and the retry with its DPoP-Nonce " +
			"failed too: try again; if it repeats, the provider's nonces may expire too fast."
	case "expired_token":
		return "The device code expired before the login was approved (RFC 8628 §3.5): start the device login again."
	}
	return ""
}

// redirectMismatch says whether the answer is about the redirect URI.
func (e *OAuthError) redirectMismatch() bool {
	switch e.Code {
	case "invalid_redirect_uri", "redirect_uri_mismatch":
		return true
	case "invalid_request":
		// invalid_grant is left out: servers' generic invalid_grant text
		// lists a redirect mismatch among its causes.
		return strings.Contains(strings.ToLower(e.Description), "redirect")
	}
	return false
}

func (e *OAuthError) redirectText() string {
	const why = "The provider does not accept the redirect URI: it must match one registered for the client exactly " +
		"(RFC 6749 §3.1.2; loopback redirects, RFC 8252 §7.3)."
	if e.RedirectURI == "" {
		return why + " Register the redirect URI shown in the profile editor at the provider."
	}
	if e.RandomPort {
		return why + " This login listened on a random port (" + e.RedirectURI + "); many providers (Ory Hydra, SaaS " +
			"tenants for non-native apps) accept only the exact registered URI, port included. Set a fixed redirect " +
			"port in the profile, for example " + strconv.Itoa(SuggestedRedirectPort) + ", and register exactly " +
			fixedRedirect(e.RedirectURI, SuggestedRedirectPort) + " at the provider."
	}
	return why + " Register exactly " + e.RedirectURI + " at the provider (port included), or change the profile's " +
		"redirect port to the one registered."
}

// SuggestedRedirectPort is the fixed port proposed to users of providers
// that allow no port variance.
const SuggestedRedirectPort = 53682

// fixedRedirect is redirectURI with its port replaced.
func fixedRedirect(redirectURI string, port int) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return redirectURI
	}
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	return u.String()
}

// annotate records on an OAuthError in err what the request was: its grant
// type and the redirect URI a login sent ("" leaves a field as it is).
func annotate(err error, grant, redirectURI string) error {
	var oe *OAuthError
	if errors.As(err, &oe) {
		if grant != "" {
			oe.Grant = grant
		}
		if redirectURI != "" {
			oe.RedirectURI = redirectURI
		}
	}
	return err
}

// annotateLogin is annotate for a login's errors, which also says whether
// the redirect port was random.
func annotateLogin(err error, grant, redirectURI string, randomPort bool) error {
	var oe *OAuthError
	if errors.As(err, &oe) {
		oe.RandomPort = randomPort
	}
	return annotate(err, grant, redirectURI)
}
