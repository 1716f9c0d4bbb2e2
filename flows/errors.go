package flows

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors for outcomes a caller tells apart with [errors.Is].
var (
	// ErrStateMismatch means the callback's state did not match the one sent
	// with the authorization request (RFC 6749 §10.12): the response may
	// belong to another login, or be forged.
	ErrStateMismatch = errors.New("the callback's state does not match this login; start the login again (if it repeats, another tab or program may be sending callbacks)")
	// ErrIssuerMismatch means the callback's iss parameter (RFC 9207) names
	// another issuer than the one this login talks to: a mix-up attack, or a
	// misconfigured profile.
	ErrIssuerMismatch = errors.New("the callback's iss parameter names another issuer (RFC 9207 mix-up protection); check the profile's issuer")
	// ErrLoginCancelled means the login was cancelled through its context.
	ErrLoginCancelled = errors.New("login cancelled")
	// ErrLoginTimeout means no callback arrived before the login's deadline.
	ErrLoginTimeout = errors.New("no callback arrived before the login timed out; finish the login in the browser sooner, or open the URL by hand")
	// ErrResponseTooLarge means a response body exceeded [MaxResponseBytes].
	ErrResponseTooLarge = errors.New("response body too large")
	// ErrNoEndpoint means the configuration lacks the endpoint an operation needs.
	ErrNoEndpoint = errors.New("endpoint not configured")
)

// OAuthError is an OAuth 2.0 error response (RFC 6749 §5.2 from the token
// endpoint, §4.1.2.1 from the authorization callback, and the same shape from
// introspection, revocation and device endpoints). Status is the HTTP status,
// or 0 for a callback error.
type OAuthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	URI         string `json:"error_uri,omitempty"`
	Status      int    `json:"status,omitempty"`
	Endpoint    string `json:"endpoint"` // "token", "authorization", "introspection", ...
	// Grant is the grant type of a token endpoint request ("refresh_token", ...).
	Grant string `json:"grant,omitempty"`
	// RedirectURI is the redirect URI a login sent, for a mismatch to name it.
	RedirectURI string `json:"redirect_uri,omitempty"`
	// RandomPort says the login's redirect port was picked at random (no
	// fixed port in the profile), for the guidance on exact-match providers.
	RandomPort bool `json:"-"`
	// Assertion describes the client assertion issued by someone else that
	// was sent, when the provider refused it.
	Assertion string `json:"client_assertion,omitempty"`
}

// Error says which endpoint refused what (Hint says what to do next).
func (e *OAuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s endpoint returned OAuth error %q", e.Endpoint, e.Code)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	if e.URI != "" {
		fmt.Fprintf(&b, " (see %s)", e.URI)
	}
	return b.String()
}

// ResponseError is a response that is not a usable answer: an HTTP error
// without an OAuth error body, HTML instead of JSON, malformed JSON, or a body
// past [MaxResponseBytes]. Snippet holds the start of the body.
type ResponseError struct {
	Endpoint    string
	URL         string
	Status      int
	ContentType string
	Snippet     string
	Err         error
}

// Error names the endpoint, the status and content type, and the start of
// the body (Hint says what to check).
func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s endpoint %s", e.Endpoint, redactURL(e.URL))
	if e.Status != 0 {
		fmt.Fprintf(&b, " answered HTTP %d", e.Status)
	}
	if e.ContentType != "" {
		fmt.Fprintf(&b, " with %s", e.ContentType)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Snippet != "" {
		fmt.Fprintf(&b, "; body starts %q", e.Snippet)
	}
	return b.String()
}

// Unwrap returns the underlying cause (for example [ErrResponseTooLarge]).
func (e *ResponseError) Unwrap() error { return e.Err }

// RedirectError is a redirect the client refused to follow. Requests that
// carry credentials (every POST, and any request with an Authorization
// header) never follow one; discovery and JWKS GETs follow same-origin
// redirects only, never from https to http, and at most [MaxRedirects].
type RedirectError struct {
	Endpoint string // "token", "discovery", ...
	URL      string // the URL that answered with the redirect
	Status   int    // 301, 302, 303, 307, 308
	Location string // where it pointed
	Reason   string // why it was not followed
}

// Error names the endpoint, the status and the Location (Hint says to
// configure the final URL).
func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s endpoint %s answered HTTP %d redirecting to %q, which was not followed: %s",
		e.Endpoint, e.URL, e.Status, e.Location, e.Reason)
}

func snippet(body []byte) string {
	const n = 120
	s := strings.TrimSpace(string(body))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// TransportError is a call that got no HTTP answer: the network, TLS, a
// timeout or a cancellation.
type TransportError struct {
	Endpoint string // "token", "discovery", ...
	URL      string // redacted
	Err      error
}

// Error names the endpoint and the URL, and the cause.
func (e *TransportError) Error() string {
	return fmt.Sprintf("%s endpoint %s: %v", e.Endpoint, e.URL, e.Err)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }
