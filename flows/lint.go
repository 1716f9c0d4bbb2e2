package flows

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// LintLevel orders lint findings.
type LintLevel string

// Lint levels, worst first.
const (
	LintFail LintLevel = "fail" // breaks a MUST, or makes the flow unsafe
	LintWarn LintLevel = "warn" // weakens security or interoperability
	LintInfo LintLevel = "info" // what the server offers
)

// LintItem is one discovery finding.
type LintItem struct {
	ID      string    `json:"id"`
	Level   LintLevel `json:"level"`
	Message string    `json:"message"`
	Spec    string    `json:"spec,omitempty"`
}

// lintDiscovery checks a metadata document.
func lintDiscovery(d *Discovery) []LintItem {
	var out []LintItem
	add := func(id string, lvl LintLevel, spec, format string, args ...any) {
		out = append(out, LintItem{ID: id, Level: lvl, Message: fmt.Sprintf(format, args...), Spec: spec})
	}
	if d.Issuer == "" {
		add("issuer_missing", LintFail, "RFC 8414 §2", "the metadata has no issuer")
	} else if redactURL(d.Issuer) != d.Requested { // Requested has any password redacted
		switch issuerVariant(d.Requested, d.Issuer) {
		case lintTrailingSlash:
			add(lintTrailingSlash, LintWarn, "OIDC Discovery §4.3; RFC 8414 §3.3", "issuer %q differs from the requested %q only by a trailing slash "+
				"(Auth0 issuers end in \"/\"): going on with %q exactly as the server writes it, and checking tokens against it; put it in the profile to silence this",
				d.Issuer, d.Requested, d.Issuer)
		case lintTenantPlaceholder:
			add(lintTenantPlaceholder, LintWarn, "Microsoft identity platform access tokens (multitenant apps)", "issuer %q is Microsoft Entra's tenant-independent template "+
				"(the /common or /organizations metadata), with a literal {tenantid}: not a mismatch. Tokens are checked against it with their own tid substituted, exactly; "+
				"decide which tenants you accept", d.Issuer)
		default:
			add("issuer_mismatch", LintFail, "OIDC Discovery §4.3", "issuer %q differs from the requested %q: the metadata must not be used", d.Issuer, d.Requested)
		}
	}
	lintURLs(d, add)
	if d.Endpoints.JWKS == "" {
		lvl := LintWarn
		if d.Kind == "openid-configuration" {
			lvl = LintFail
		}
		add("jwks_uri_missing", lvl, "OIDC Discovery §3", "no jwks_uri: signatures of ID tokens and JWT access tokens cannot be verified")
	}
	if d.Endpoints.Token == "" {
		add("token_endpoint_missing", LintFail, "RFC 8414 §2", "no token_endpoint")
	}
	lintPKCE(d, add)
	lintAlgs(d, add)
	lintOffers(d, add)
	sort.SliceStable(out, func(i, j int) bool { return levelRank(out[i].Level) < levelRank(out[j].Level) })
	return out
}

type addFunc func(id string, lvl LintLevel, spec, format string, args ...any)

func levelRank(l LintLevel) int {
	switch l {
	case LintFail:
		return 0
	case LintWarn:
		return 1
	}
	return 2
}

// lintURLs flags URLs that are not absolute http(s) URLs with a host (the
// app never opens or calls them), and http:// URLs other than loopback
// (RFC 8414 §2: https).
func lintURLs(d *Discovery, add addFunc) {
	urls := map[string]string{"issuer": d.Issuer}
	for k, v := range d.Metadata {
		if s, ok := v.(string); ok && (strings.HasSuffix(k, "_uri") || strings.HasSuffix(k, "_endpoint") || k == "service_documentation") {
			urls[k] = s
		}
	}
	names := make([]string, 0, len(urls))
	for k := range urls {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if urls[k] == "" {
			continue
		}
		u, err := url.Parse(urls[k])
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" {
			add("bad_url", LintFail, "RFC 8414 §2", "%s is %q, not an absolute https URL with a host: the app will neither open nor call it", k, urls[k])
			continue
		}
		if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
			add("http_endpoint", LintFail, "RFC 8414 §2", "%s uses plain http:// (%s): tokens and secrets would cross the network unencrypted", k, urls[k])
		}
	}
}

// isLoopbackHost reports a loopback IP literal or localhost.
func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func lintPKCE(d *Discovery, add addFunc) {
	methods := d.Strings("code_challenge_methods_supported")
	switch {
	case methods == nil:
		add("pkce_unadvertised", LintWarn, "RFC 8414 §2", "code_challenge_methods_supported is absent: PKCE support is unknown (this app always sends S256)")
	case !slices.Contains(methods, "S256"):
		add("pkce_no_s256", LintWarn, "RFC 7636 §4.2", "code_challenge_methods_supported %v lacks S256", methods)
	default:
		add("pkce_s256", LintInfo, "RFC 7636 §4.2", "PKCE S256 supported")
	}
	if slices.Contains(methods, "plain") {
		add("pkce_plain", LintWarn, "RFC 9700 §2.1.1", "PKCE plain is offered; only S256 protects a code seen by an attacker")
	}
}

func lintAlgs(d *Discovery, add addFunc) {
	algs := d.Strings("id_token_signing_alg_values_supported")
	if slices.Contains(algs, "none") {
		add("alg_none", LintWarn, "RFC 8725 §3.1", "id_token_signing_alg_values_supported includes \"none\": unsigned ID tokens are on offer")
	}
	if algs != nil {
		add("id_token_algs", LintInfo, "OIDC Discovery §3", "ID token algorithms: %s", strings.Join(algs, ", "))
	} else if d.Kind == "openid-configuration" {
		add("id_token_algs_missing", LintWarn, "OIDC Discovery §3", "id_token_signing_alg_values_supported is required and absent")
	}
}

func lintOffers(d *Discovery, add addFunc) {
	if m := d.Strings("token_endpoint_auth_methods_supported"); m != nil {
		add("auth_methods", LintInfo, "RFC 8414 §2", "client authentication methods: %s", strings.Join(m, ", "))
	} else {
		add("auth_methods", LintInfo, "RFC 8414 §2", "client authentication methods not listed (default: client_secret_basic)")
	}
	if a := d.Strings("token_endpoint_auth_signing_alg_values_supported"); a != nil {
		add("auth_algs", LintInfo, "RFC 8414 §2", "client assertion algorithms: %s", strings.Join(a, ", "))
	}
	if g := d.Strings("grant_types_supported"); g != nil {
		add("grant_types", LintInfo, "RFC 8414 §2", "grant types: %s", strings.Join(g, ", "))
		if slices.Contains(g, "password") {
			add("grant_password", LintWarn, "RFC 9700 §2.4", "the resource owner password grant is offered; it must not be used")
		}
		if slices.Contains(g, "implicit") {
			add("grant_implicit", LintWarn, "RFC 9700 §2.1.2", "the implicit grant is offered; use the authorization code grant with PKCE")
		}
	}
	if d.Bool("authorization_response_iss_parameter_supported") {
		add("iss_parameter", LintInfo, "RFC 9207 §3", "the callback carries iss (mix-up protection): this app requires and checks it")
	}
	if d.Endpoints.Revocation == "" {
		add("revocation_missing", LintInfo, "RFC 7009", "no revocation_endpoint")
	}
	if d.Endpoints.Introspection == "" {
		add("introspection_missing", LintInfo, "RFC 7662", "no introspection_endpoint")
	}
}
