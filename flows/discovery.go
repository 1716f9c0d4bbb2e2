package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/tokeninspector/tokeninspector/settings"
)

// Discovery is a server's metadata: OpenID Connect Discovery 1.0 or
// RFC 8414 authorization server metadata, with a lint.
type Discovery struct {
	Issuer    string `json:"issuer"`    // as returned by the server
	Requested string `json:"requested"` // the issuer asked for
	URL       string `json:"url"`       // the metadata document fetched: its final URL after any redirect
	// RedirectedFrom is the URL asked for when a same-origin redirect led to URL.
	RedirectedFrom string             `json:"redirected_from,omitempty"`
	Kind           string             `json:"kind"`     // "openid-configuration" or "oauth-authorization-server"
	Endpoints      settings.Endpoints `json:"-"`        // from the metadata; in JSON under their metadata names
	Metadata       map[string]any     `json:"metadata"` // the document as received
	Lint           []LintItem         `json:"lint"`     // findings, worst first
	Insecure       bool               `json:"insecure"` // fetched without TLS verification
}

// MarshalJSON writes the discovery with its endpoints under their metadata
// names ("token_endpoint", "jwks_uri", ...).
func (d *Discovery) MarshalJSON() ([]byte, error) {
	type plain Discovery
	endpoints := map[string]string{}
	for _, ep := range settings.EndpointList {
		if v := ep.Get(d.Endpoints); v != "" {
			endpoints[ep.Metadata] = v
		}
	}
	return json.Marshal(struct {
		*plain
		Endpoints map[string]string `json:"endpoints"`
	}{(*plain)(d), endpoints})
}

// Strings returns a string-array member of the metadata (nil if absent).
func (d *Discovery) Strings(name string) []string {
	arr, _ := d.Metadata[name].([]any)
	out := make([]string, 0, len(arr))
	for _, v := range arr {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	if len(arr) == 0 {
		return nil
	}
	return out
}

// Bool returns a boolean member of the metadata.
func (d *Discovery) Bool(name string) bool {
	b, _ := d.Metadata[name].(bool)
	return b
}

// IssuerMismatchError means the metadata's issuer differs from the issuer
// asked for (OIDC Discovery §4.3, RFC 8414 §3.3): the document must not be
// used. This does NOT say anything else about the metadata.
type IssuerMismatchError struct {
	Expected, Actual string
}

// Error names both issuers and says which one to use.
func (e *IssuerMismatchError) Error() string {
	msg := fmt.Sprintf("discovery: the metadata says issuer %q but %q was asked for; they must be identical", e.Actual, e.Expected)
	if strings.TrimSuffix(e.Actual, "/") == strings.TrimSuffix(e.Expected, "/") {
		return msg + " (only a trailing slash differs: use the issuer exactly as the IdP writes it)"
	}
	return msg + "; use the IdP's own issuer URL in the profile"
}

// Discover fetches the metadata for the configured issuer: first
// /.well-known/openid-configuration, then RFC 8414's
// /.well-known/oauth-authorization-server. On success the client adopts the
// endpoints it was not given by hand. On an issuer mismatch it returns the
// Discovery (with its lint) and an *IssuerMismatchError, and adopts nothing.
// Two known variants are warnings, not mismatches (see [issuerVariant]): the
// client then checks tokens against the issuer exactly as the metadata
// writes it.
func (c *Client) Discover(ctx context.Context) (*Discovery, error) {
	issuer := c.cfg.Issuer
	if issuer == "" {
		return nil, errors.New("discovery needs an issuer URL; give the issuer URL, or the endpoints by hand")
	}
	d, err := c.fetchMetadata(ctx, issuer)
	if err != nil {
		return nil, err
	}
	d.Lint = lintDiscovery(d)
	d.Insecure = c.cfg.Insecure
	if d.Issuer != issuer && issuerVariant(issuer, d.Issuer) == "" {
		return d, &IssuerMismatchError{Expected: redactURL(issuer), Actual: d.Issuer}
	}
	c.mu.Lock()
	c.discovery = d
	c.endpoints = c.cfg.Endpoints.Merge(d.Endpoints)
	c.mu.Unlock()
	return d, nil
}

// Lint ids of the issuer variants discovery goes on with.
const (
	lintTrailingSlash     = "issuer_trailing_slash"
	lintTenantPlaceholder = "provider.entra.tenant_placeholder"
)

// issuerVariant says why the metadata's issuer, though not identical to
// the one requested, names the same issuer: it differs only by a trailing
// slash (Auth0 issuers end in "/"), or it is Microsoft Entra's
// tenant-independent template ("https://login.microsoftonline.com/{tenantid}/v2.0"
// for the /common or /organizations metadata), whose {tenantid} each token
// fills with its tid. It returns the lint id, or "" for a real mismatch.
func issuerVariant(requested, actual string) string {
	switch {
	case requested == actual:
		return ""
	case strings.TrimSuffix(requested, "/") == strings.TrimSuffix(actual, "/"):
		return lintTrailingSlash
	case strings.Contains(actual, "{tenantid}"):
		pattern := strings.ReplaceAll(regexp.QuoteMeta(strings.TrimSuffix(actual, "/")), `\{tenantid\}`, `[^/]+`)
		if regexp.MustCompile("^" + pattern + "$").MatchString(strings.TrimSuffix(requested, "/")) {
			return lintTenantPlaceholder
		}
	}
	return ""
}

// metadataURLs lists the documents to try, in order.
func metadataURLs(issuer string) ([][2]string, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("issuer %q is not an absolute URL (like https://idp.example.com)", issuer)
	}
	oidc := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	// RFC 8414 §3.1: the well-known segment goes between host and path.
	as := *u
	as.Path = "/.well-known/oauth-authorization-server" + strings.TrimSuffix(u.Path, "/")
	as.RawPath = ""
	return [][2]string{{oidc, "openid-configuration"}, {as.String(), "oauth-authorization-server"}}, nil
}

func (c *Client) fetchMetadata(ctx context.Context, issuer string) (*Discovery, error) {
	urls, err := metadataURLs(issuer)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, cand := range urls {
		d, status, err := c.getMetadata(ctx, cand[0])
		if err == nil {
			d.Requested, d.Kind = redactURL(issuer), cand[1]
			return d, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if status != http.StatusNotFound {
			break // a real failure: don't hide it behind a second 404
		}
	}
	return nil, fmt.Errorf("discovery: %w", firstErr)
}

func (c *Client) getMetadata(ctx context.Context, u string) (*Discovery, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	resp, body, err := c.send(ctx, "discovery", req)
	if err != nil {
		return nil, 0, err
	}
	obj, err := decodeObject("discovery", u, resp.StatusCode, resp.Header, body)
	if err != nil {
		return nil, resp.StatusCode, err
	}
	str := func(k string) string { s, _ := obj[k].(string); return s }
	d := &Discovery{Issuer: str("issuer"), URL: redactURL(u), Metadata: obj}
	for _, ep := range settings.EndpointList {
		ep.Set(&d.Endpoints, str(ep.Metadata))
	}
	if final := finalURL(resp); final != "" && final != d.URL {
		d.URL, d.RedirectedFrom = final, d.URL
	}
	return d, resp.StatusCode, nil
}
