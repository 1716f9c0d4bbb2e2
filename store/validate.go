package store

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/tokeninspector/tokeninspector/settings"
)

// Field keys used in Issue.Field: the JSON member names of Profile, and
// "endpoints.<name>" for an endpoint (the settings' Field.Key).
const (
	FieldName         = "name"
	FieldIssuer       = settings.KeyIssuer
	FieldClientID     = settings.KeyClientID
	FieldAuthMethod   = settings.KeyAuthMethod
	FieldScopes       = settings.KeyScopes
	FieldAudience     = settings.KeyAudience
	FieldResources    = settings.KeyResources
	FieldParams       = settings.KeyParams
	FieldRedirectHost = settings.KeyRedirectHost
	FieldRedirectPort = settings.KeyRedirectPort
	FieldRedirectPath = settings.KeyRedirectPath
	FieldCAFile       = settings.KeyCAFile
	FieldInsecure     = settings.KeyInsecure
	FieldSkew         = settings.KeySkew
	FieldTimeout      = settings.KeyTimeout
)

// Severity of an Issue.
type Severity string

// Severities: an error blocks saving; a warning is shown but allowed.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Issue is one validation message, keyed by field so an editor can show it
// next to the field.
type Issue struct {
	Field    string   `json:"field"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// Issues is the result of Validate.
type Issues []Issue

// HasErrors reports whether any issue is an error.
func (is Issues) HasErrors() bool {
	return slices.ContainsFunc(is, func(i Issue) bool { return i.Severity == SeverityError })
}

// Field returns the issues of one field.
func (is Issues) Field(field string) Issues {
	var out Issues
	for _, i := range is {
		if i.Field == field {
			out = append(out, i)
		}
	}
	return out
}

// ErrInvalid matches (errors.Is) a *ValidationError.
var ErrInvalid = errors.New("invalid profile")

// ValidationError is returned by Create, Update and Import for a profile
// with error-severity issues.
type ValidationError struct {
	Name   string
	Issues Issues // all issues, errors and warnings
}

// Error lists the profile's error-severity issues.
func (e *ValidationError) Error() string {
	var msgs []string
	for _, i := range e.Issues {
		if i.Severity == SeverityError {
			msgs = append(msgs, fmt.Sprintf("%s: %s", i.Field, i.Message))
		}
	}
	return fmt.Sprintf("profile %q cannot be saved: %s", e.Name, strings.Join(msgs, "; "))
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// reservedParams are set by the app on every authorization request.
var reservedParams = []string{"response_type", "client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method"}

// Validate checks a profile and returns field-keyed issues (nil when all
// is well). Errors block saving; warnings do not.
func (p Profile) Validate() Issues {
	var v validator
	v.name(p.Name)
	v.issuer(p)
	for _, e := range settings.EndpointList {
		v.url("endpoints."+e.Name, e.Label, e.Get(p.Endpoints))
	}
	if strings.TrimSpace(p.ClientID) == "" {
		v.add(FieldClientID, SeverityError, "enter the client ID registered at the provider")
	} else if p.ClientID != strings.TrimSpace(p.ClientID) {
		v.add(FieldClientID, SeverityError, "remove the spaces at the start or end of the client ID")
	}
	if p.AuthMethod != "" && !slices.Contains(settings.AuthMethods, p.AuthMethod) {
		v.add(FieldAuthMethod, SeverityError, fmt.Sprintf("unknown method %q; use one of %s", p.AuthMethod, settings.MethodList()))
	}
	v.scopes(p.Scopes)
	for _, r := range p.Resources {
		// RFC 8707 §2: an absolute URI without a fragment.
		u, err := url.Parse(r)
		if err != nil || !u.IsAbs() || u.Fragment != "" {
			v.add(FieldResources, SeverityError, fmt.Sprintf("%q must be an absolute URI without a fragment (RFC 8707 §2)", r))
		}
	}
	v.params(p.Params)
	v.redirect(p)
	if p.CAFile != "" {
		if _, err := os.Stat(p.CAFile); err != nil {
			v.add(FieldCAFile, SeverityWarning, fmt.Sprintf("cannot read %s: %v", p.CAFile, errors.Unwrap(err)))
		}
	}
	if p.Insecure {
		v.add(FieldInsecure, SeverityWarning, "TLS certificates will not be verified: anyone on the network path can read and change the traffic")
	}
	v.duration(FieldSkew, "clock skew", p.Skew.D(), 10*time.Minute)
	v.duration(FieldTimeout, "timeout", p.Timeout.D(), 0)
	return v.issues
}

type validator struct{ issues Issues }

func (v *validator) add(field string, s Severity, msg string) {
	v.issues = append(v.issues, Issue{Field: field, Severity: s, Message: msg})
}

func (v *validator) name(n string) {
	switch {
	case strings.TrimSpace(n) == "":
		v.add(FieldName, SeverityError, "enter a name for the profile")
	case n != strings.TrimSpace(n):
		v.add(FieldName, SeverityError, "remove the spaces at the start or end of the name")
	case len(n) > 100:
		v.add(FieldName, SeverityError, "use a name of at most 100 characters")
	case strings.ContainsFunc(n, unicode.IsControl):
		v.add(FieldName, SeverityError, "the name contains a control character (tab, line break…)")
	}
}

func (v *validator) issuer(p Profile) {
	if p.Issuer == "" {
		if p.Endpoints.Authorization == "" && p.Endpoints.Token == "" {
			v.add(FieldIssuer, SeverityError, "enter the issuer URL (for discovery), or the authorization and token endpoints")
		}
		return
	}
	if !v.url(FieldIssuer, "issuer", p.Issuer) {
		return
	}
	u, _ := url.Parse(p.Issuer)
	if u.RawQuery != "" || u.Fragment != "" {
		// OIDC Discovery §3 / RFC 8414 §2: no query or fragment.
		v.add(FieldIssuer, SeverityError, "an issuer URL has no query (?…) or fragment (#…) (OpenID Connect Discovery §3)")
	}
}

// url checks an absolute http(s) URL; plain http is a warning unless the
// host is loopback. It reports whether the URL parsed.
func (v *validator) url(field, label, raw string) bool {
	if raw == "" {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil {
		v.add(field, SeverityError, fmt.Sprintf("the %s is not a valid URL: %v", label, errors.Unwrap(err)))
		return false
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		v.add(field, SeverityError, fmt.Sprintf("the %s must start with https:// (found %q)", label, raw))
		return false
	case u.Host == "":
		v.add(field, SeverityError, fmt.Sprintf("the %s has no host name", label))
		return false
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		v.add(field, SeverityWarning, fmt.Sprintf("the %s uses plain http: tokens and secrets travel unencrypted; use https", label))
	}
	return true
}

func (v *validator) scopes(scopes []string) {
	seen := map[string]bool{}
	for _, s := range scopes {
		// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
		if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= 0x20 || r == '"' || r == '\\' || r > 0x7e }) {
			v.add(FieldScopes, SeverityError, fmt.Sprintf("%q is not a valid scope: no spaces, quotes or backslashes (RFC 6749 §3.3)", s))
			continue
		}
		if seen[s] {
			v.add(FieldScopes, SeverityWarning, fmt.Sprintf("scope %q is listed twice", s))
		}
		seen[s] = true
	}
}

func (v *validator) params(params map[string][]string) {
	for k := range params {
		switch {
		case strings.TrimSpace(k) == "":
			v.add(FieldParams, SeverityError, "a parameter has no name")
		case slices.Contains(reservedParams, k):
			v.add(FieldParams, SeverityError, fmt.Sprintf("%q is set by Token Inspector on every request; remove it", k))
		case k == "scope" || k == "resource" || k == "audience":
			v.add(FieldParams, SeverityWarning, fmt.Sprintf("use the %s field rather than the %q parameter", k, k))
		}
	}
}

func (v *validator) redirect(p Profile) {
	switch p.RedirectHost {
	case "", "127.0.0.1", "[::1]":
	case "::1":
		v.add(FieldRedirectHost, SeverityError, `write the IPv6 loopback address with brackets: "[::1]"`)
	case "localhost":
		v.add(FieldRedirectHost, SeverityError, `use "127.0.0.1" or "[::1]" rather than "localhost" (RFC 8252 §8.3)`)
	default:
		v.add(FieldRedirectHost, SeverityError, fmt.Sprintf(`%q is not a loopback address: a native app's redirect must use "127.0.0.1" or "[::1]" (RFC 8252 §7.3)`, p.RedirectHost))
	}
	switch {
	case p.RedirectPort < 0 || p.RedirectPort > 65535:
		v.add(FieldRedirectPort, SeverityError, "a port is a number from 1 to 65535 (or 0 for a random free port)")
	case p.RedirectPort > 0 && p.RedirectPort < 1024:
		v.add(FieldRedirectPort, SeverityWarning, fmt.Sprintf("port %d is privileged: listening on it usually needs administrator rights", p.RedirectPort))
	}
	if path := p.RedirectPath; path != "" {
		switch {
		case !strings.HasPrefix(path, "/"):
			v.add(FieldRedirectPath, SeverityError, `the redirect path starts with "/", e.g. "/callback"`)
		case strings.ContainsAny(path, "?# \t"):
			v.add(FieldRedirectPath, SeverityError, "the redirect path cannot hold spaces, a query (?) or a fragment (#)")
		}
	}
}

func (v *validator) duration(field, label string, d, warnAbove time.Duration) {
	switch {
	case d < 0:
		v.add(field, SeverityError, fmt.Sprintf("the %s cannot be negative", label))
	case warnAbove > 0 && d > warnAbove:
		v.add(field, SeverityWarning, fmt.Sprintf("a %s of %s accepts tokens long expired; usual values are under 5 minutes", label, d))
	}
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
