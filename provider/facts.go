package provider

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/tokeninspector/tokeninspector/token"
)

// facts is what recognition and diagnoses read from one inspected token.
type facts struct {
	raw    string       // the token as Inspect read it (see token.Clean)
	kind   token.Kind   // jws, jwe or opaque
	claims token.Object // nil for an opaque or undecrypted token
	header token.Object // the JWS header (for a nested JWT: the inner one)
	jwe    token.Object // the JWE protected header; nil for a JWS
	iss    string       // the iss claim, or the iss of a JWE header
	issURL *url.URL     // iss parsed as a URL; nil when it is not one
	expIss string       // the expected issuer given by the caller
	expect token.Expect // the kind of token the caller expects
}

func newFacts(raw string, r *token.Report, opts token.Options) *facts {
	t := &facts{raw: token.Clean(raw), kind: r.Kind, claims: r.Claims, header: r.Header,
		expIss: opts.Issuer, expect: opts.Expect}
	if r.JWE != nil {
		t.jwe = r.JWE.Header
	}
	t.iss, _ = r.Claims.String("iss")
	if t.iss == "" && t.jwe != nil {
		t.iss, _ = t.jwe.String("iss")
	}
	if u, err := url.Parse(t.iss); err == nil && u.Scheme != "" && u.Host != "" {
		t.issURL = u
	}
	return t
}

// str returns a string claim ("" when absent or not a string).
func (t *facts) str(name string) string {
	s, _ := t.claims.String(name)
	return s
}

// has reports whether a claim is present.
func (t *facts) has(name string) bool {
	_, ok := t.claims.Get(name)
	return ok
}

// strs returns a claim that is a string or an array of strings (like aud).
func (t *facts) strs(name string) []string {
	raw, ok := t.claims.Get(name)
	if !ok {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	return nil
}

// num returns a numeric claim.
func (t *facts) num(name string) (float64, bool) {
	raw, ok := t.claims.Get(name)
	if !ok {
		return 0, false
	}
	var n float64
	return n, json.Unmarshal(raw, &n) == nil
}

// hdr returns a string member of the (JWS, or else JWE) header.
func (t *facts) hdr(name string) string {
	s, _ := t.header.String(name)
	return s
}

// issHost returns the issuer's host name in lower case ("" when iss is not
// a URL).
func (t *facts) issHost() string {
	if t.issURL == nil {
		return ""
	}
	return strings.ToLower(t.issURL.Hostname())
}

// hostIs reports whether host is domain or one of its subdomains.
func hostIs(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// urlHost returns the lower-case host of u, or "".
func urlHost(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}

// quoted joins values as "a", "b".
func quoted(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = `"` + s + `"`
	}
	return strings.Join(out, ", ")
}

// urlPath returns the path of a URL, or "".
func urlPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Path
}
