// Package token inspects JOSE objects and JWTs the way a person debugging an
// identity provider needs: it decodes tolerantly and forensically (saying
// which segment is broken and where), verifies signatures with go-jose,
// explains every claim, runs a validation checklist (RFC 7519, OpenID
// Connect Core, RFC 9068) and lints against RFC 8725 best practices.
//
// The package does no network I/O and never imports Fyne: keys come from a
// [KeySource] (static sets here; flows/ implements a remote JWKS cache).
//
// Entry point: [Inspect].
package token
