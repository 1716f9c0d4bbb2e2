package token

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// DefaultSkew is the clock skew allowed when Options.Skew is zero.
const DefaultSkew = 60 * time.Second

// NoSkew asks for no clock skew at all. Options.Skew zero means
// DefaultSkew, so zero tolerance is expressed with any negative value; use
// this constant.
const NoSkew time.Duration = -1

// Expect says what kind of token the caller expects; it selects the
// required-claims and typ checks.
type Expect int

const (
	// ExpectAny runs only the checks that apply to every JWT.
	ExpectAny Expect = iota
	// ExpectIDToken checks an OpenID Connect ID token (OIDC Core 2, 3.1.3.7).
	ExpectIDToken
	// ExpectAccessToken checks a JWT access token (RFC 9068).
	ExpectAccessToken
)

// String returns "any", "id_token" or "access_token".
func (e Expect) String() string {
	switch e {
	case ExpectIDToken:
		return "id_token"
	case ExpectAccessToken:
		return "access_token"
	}
	return "any"
}

// Options control verification and the checklist. The zero value decodes,
// leaves the signature unverified and skips checks that need an expectation.
type Options struct {
	Keys       KeySource // candidate verification keys; nil and no Secret => signature "unverified"
	Secret     []byte    // HMAC secret for HS*
	DecryptKey any       // JWE key: *rsa.PrivateKey, *ecdsa.PrivateKey, []byte, jose.JSONWebKey
	Expect     Expect    // ExpectAny (default) | ExpectIDToken | ExpectAccessToken (RFC 9068)
	Issuer     string    // expected iss ("" => check skipped)
	Audience   string    // expected aud member ("" => skipped)
	ClientID   string    // the client: azp check for ID tokens
	Nonce      string    // expected nonce ("" => skipped)
	// AccessToken is the access token issued with an ID token, for at_hash.
	AccessToken string
	// Code is the authorization code, for c_hash.
	Code string
	// Skew is the clock skew allowed for exp, nbf and iat: zero means
	// DefaultSkew (60 s); a negative value (NoSkew) means none.
	Skew  time.Duration
	Clock func() time.Time // nil => time.Now (injected clock)
	At    time.Time        // non-zero: evaluate as of this time
	// Original is the report of the original ID token when this one came
	// from a refresh (OIDC Core 12.2: same iss, sub and aud; nonce not
	// required, but equal when present).
	Original *Report
	// RFC9068 applies the RFC 9068 profile (typ "at+jwt" and its required
	// claims) to an access token that does not declare "at+jwt". Without
	// it, the profile applies only to tokens that declare it.
	RFC9068 bool
	// RequiredScopes are the scopes or permissions the caller's API needs;
	// the "scope" check looks them up in scope, scp, roles, permissions
	// and Keycloak's realm_access/resource_access. Empty: check skipped.
	RequiredScopes []string
}

// skew returns the effective skew.
func (o *Options) skew() time.Duration {
	switch {
	case o.Skew == 0:
		return DefaultSkew
	case o.Skew < 0:
		return 0
	}
	return o.Skew
}

// now returns the time the checks are evaluated at.
func (o *Options) now() time.Time {
	if !o.At.IsZero() {
		return o.At
	}
	if o.Clock != nil {
		return o.Clock()
	}
	return time.Now()
}

// KeySource supplies candidate keys. token/ has static implementations
// ([KeySet]); flows/ implements a network JWKS cache that re-fetches once on
// an unknown kid.
type KeySource interface {
	Lookup(ctx context.Context, kid string) (KeyLookup, error)
}

// KeyLookup is the answer of a KeySource.
type KeyLookup struct {
	Keys    []jose.JSONWebKey // usable public (or symmetric) keys
	Origin  string            // e.g. "JWKS file keys.json", "JWKS https://idp/jwks (cached 12 s)"
	Skipped []string          // unusable keys skipped, and why
	// Remote says the keys came from the network (a fetched JWKS). A
	// symmetric key among them is never used: anyone who can read the JWKS
	// could forge tokens with it (see [DropRemoteSymmetric]).
	Remote bool
}

// Kind is the shape of a token.
type Kind string

// Token kinds.
const (
	KindJWS    Kind = "jws"    // compact JWS, 3 segments (RFC 7515)
	KindJWE    Kind = "jwe"    // compact JWE, 5 segments (RFC 7516)
	KindOpaque Kind = "opaque" // anything that is not a JWT
)

// SigStatus is the verdict on a signature.
type SigStatus string

// Signature verdicts.
const (
	SigValid       SigStatus = "valid"       // a given key verified it
	SigInvalid     SigStatus = "invalid"     // it does not verify (or must never verify: alg none, algorithm confusion)
	SigUnverified  SigStatus = "unverified"  // no usable key: none given, unknown kid, no key of the right type
	SigUnsupported SigStatus = "unsupported" // an algorithm or form this tool cannot verify
)

// Signature reason codes (Signature.Code), stable for programs.
const (
	CodeNoKey         = "no_key"            // no key material given
	CodeUnknownKid    = "unknown_kid"       // the token's kid is not among the keys
	CodeNoMatchingKey = "no_matching_key"   // no key of the type the alg needs
	CodeBadSignature  = "bad_signature"     // keys were tried, none verified
	CodeAlgNone       = "alg_none"          // alg "none": never verifies
	CodeAlgConfusion  = "alg_confusion"     // HS* token offered public keys only
	CodeUnsupported   = "unsupported_alg"   // algorithm not supported
	CodeMalformed     = "malformed"         // go-jose refused the JWS
	CodeKeySource     = "key_source"        // the key source failed
	CodeEncrypted     = "encrypted"         // JWE not decrypted: content unknown
	CodeNotSigned     = "not_signed"        // JWE whose content is not a signed JWT
	CodeUnencoded     = "unencoded_payload" // b64:false (RFC 7797): not a JWT, never valid
	CodeWeakKey       = "weak_key"          // the only candidate keys are too weak for the crypto library
	// CodeKeyNotPublished: the issuer signs or encrypts this token with a
	// key it never publishes (a provider diagnosis says which and why).
	CodeKeyNotPublished = "key_not_published"
	// CodeProviderFormat: the token follows its provider's own signing
	// format rather than plain JWS (a provider diagnosis explains it).
	CodeProviderFormat = "provider_format"
)

// Signature is the verification result.
type Signature struct {
	Status SigStatus `json:"status"`
	Alg    string    `json:"alg"`
	Kid    string    `json:"kid"`
	Key    *KeyInfo  `json:"key"`    // the key that verified, or nil
	Reason string    `json:"reason"` // plain-language explanation
	Code   string    `json:"code"`   // machine-readable reason (Code* constants), "" when valid
	// Tried counts the candidate keys tried.
	Tried int `json:"tried"`
	// Skipped lists keys of the key source that were unusable, and why.
	Skipped []string `json:"skipped,omitempty"`
}

// KeyInfo describes the key that verified a signature.
type KeyInfo struct {
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	// Thumbprint is the RFC 7638 SHA-256 thumbprint, base64url. Empty for
	// symmetric keys: it would be a hash of the secret.
	Thumbprint string `json:"thumbprint"`
	Origin     string `json:"origin"` // where the key came from
	Chosen     string `json:"chosen"` // how it was chosen: "kid match", "only RSA key", ...
}

// CheckStatus is the outcome of one check.
type CheckStatus string

// Check outcomes.
const (
	Pass CheckStatus = "pass"
	Fail CheckStatus = "fail"
	Warn CheckStatus = "warn"
	Skip CheckStatus = "skip"
)

// Check is one item of the validation checklist. IDs: iss, aud, azp, exp,
// nbf, iat, nonce, at_hash, c_hash, typ, required, scope.
type Check struct {
	ID      string      `json:"id"`
	Status  CheckStatus `json:"status"`
	Message string      `json:"message"`
	Spec    string      `json:"spec"`
}

// Warning is a lint finding (RFC 8725 best practices and forensic notes)
// or a provider diagnosis (ids "provider.<provider>.<quirk>", see package
// provider).
type Warning struct {
	ID      string `json:"id"`
	Message string `json:"message"`
	Spec    string `json:"spec"`
}

// Report is everything Inspect found out about a token.
type Report struct {
	Kind      Kind      `json:"kind"`
	Header    Object    `json:"header"` // ordered as in the token (for a decrypted nested JWT: the inner header)
	Claims    Object    `json:"claims"` // ordered as in the token; empty when not a JSON object
	Signature Signature `json:"signature"`
	Checks    []Check   `json:"checks"`
	Warnings  []Warning `json:"warnings"`
	// Provider is the identity provider recognised from the token's
	// evidence (filled by package provider); nil when unknown.
	Provider *Provider `json:"provider,omitempty"`

	// UnknownClaims lists claims the dictionary does not describe.
	UnknownClaims []string `json:"unknown_claims"`
	// Times are the NumericDate claims (exp, nbf, iat, auth_time, ...).
	Times []TimeClaim `json:"times"`
	// JWE describes the outer encryption layer; nil for a JWS.
	JWE *JWEInfo `json:"jwe,omitempty"`
	// Payload is the payload text when it is not a JSON object (Claims empty).
	Payload string `json:"payload,omitempty"`
	// Segments are the token's dot-separated parts, for colouring.
	Segments []Segment `json:"segments"`
	// Opaque explains what is known of an opaque token.
	Opaque string `json:"opaque,omitempty"`
	// EvaluatedAt is the time the checks used; Skew the clock skew allowed.
	EvaluatedAt time.Time `json:"evaluated_at"`
	SkewSeconds float64   `json:"skew_seconds"`
}

// Provider names the identity provider that issued a token and the evidence
// it was recognised by.
type Provider struct {
	ID       string   `json:"id"`       // short id used in diagnosis ids: "entra", "keycloak", ...
	Name     string   `json:"name"`     // display name: "Microsoft Entra ID", "Keycloak", ...
	Evidence []string `json:"evidence"` // what in the token (or its context) points to it
}

// Segment is one dot-separated part of a compact token.
type Segment struct {
	Name string `json:"name"` // header, payload, signature; JWE: header, encrypted_key, iv, ciphertext, tag
	Text string `json:"text"`
}

// JWEInfo is the outer layer of an encrypted token.
type JWEInfo struct {
	Header Object `json:"header"` // protected header, ordered
	Alg    string `json:"alg"`
	Enc    string `json:"enc"`
	Kid    string `json:"kid"`
	// Status: "encrypted" (no key given), "decrypted", "failed", "unsupported".
	Status string `json:"status"`
	Reason string `json:"reason"`
	// Nested is the kind of the decrypted content: "jws" (nested JWT),
	// "claims" (a JSON object) or "data".
	Nested string `json:"nested,omitempty"`
}

// OK reports whether the signature is valid and no check failed (CLI exit 0).
func (r *Report) OK() bool {
	if r == nil || r.Signature.Status != SigValid {
		return false
	}
	for _, c := range r.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return true
}

// Check returns the check with the given id.
func (r *Report) Check(id string) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Object is a JSON object whose members keep their order.
type Object []Member

// Member is one name/value pair of an Object; Value is the raw JSON text.
type Member struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// Get returns the raw value of the last member with that name (RFC 7515
// section 4 and RFC 7159: the lexically last duplicate wins).
func (o Object) Get(name string) (json.RawMessage, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].Name == name {
			return o[i].Value, true
		}
	}
	return nil, false
}

// String returns the member as a Go string when it is a JSON string.
func (o Object) String(name string) (string, bool) {
	v, ok := o.Get(name)
	if !ok {
		return "", false
	}
	return jsonString(v)
}

// MarshalJSON writes the members in order; a nil Object is "{}".
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(m.Name)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		if len(m.Value) == 0 {
			b.WriteString("null")
		} else {
			b.Write(m.Value)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object keeping member order.
func (o *Object) UnmarshalJSON(data []byte) error {
	obj, err := parseObject(data)
	if err != nil {
		return err
	}
	*o = obj
	return nil
}
