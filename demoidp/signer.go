package demoidp

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/ory/fosite/token/jwt"
)

// Flaw is a deliberate defect the provider builds into the tokens it issues,
// so a class can watch each validation check fail. Flaws apply to tokens
// issued while they are set; refresh tokens and codes are never affected.
type Flaw string

const (
	// FlawNone issues correct tokens.
	FlawNone Flaw = "none"
	// FlawWrongAudience puts WrongAudience in the aud claim of ID and access tokens.
	FlawWrongAudience Flaw = "wrong-audience"
	// FlawExpired issues ID and access tokens that expired an hour ago (iat and exp shifted back).
	FlawExpired Flaw = "expired"
	// FlawBadSignature corrupts the signature of ID and access tokens.
	FlawBadSignature Flaw = "bad-signature"
	// FlawAlgNone issues the ID token unsigned, with "alg": "none" (RFC 7519 section 6).
	FlawAlgNone Flaw = "alg-none"
)

// WrongAudience is the aud value FlawWrongAudience puts in tokens.
const WrongAudience = "https://some-other-api.example"

// Flaws lists every flaw, FlawNone first.
func Flaws() []Flaw {
	return []Flaw{FlawNone, FlawWrongAudience, FlawExpired, FlawBadSignature, FlawAlgNone}
}

// Description says in plain words what the flaw does and which check catches it.
func (f Flaw) Description() string {
	switch f {
	case FlawNone:
		return "correct tokens"
	case FlawWrongAudience:
		return "aud is " + WrongAudience + ": the aud check fails"
	case FlawExpired:
		return "tokens expired an hour ago: the exp check fails"
	case FlawBadSignature:
		return "signature bytes altered: signature verification fails"
	case FlawAlgNone:
		return `ID token is unsigned ("alg": "none"): it must never verify`
	}
	return "unknown flaw"
}

// ParseFlaw accepts a flaw name as listed by Flaws ("" means FlawNone).
func ParseFlaw(s string) (Flaw, error) {
	if s == "" {
		return FlawNone, nil
	}
	for _, f := range Flaws() {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, 0, len(Flaws()))
	for _, f := range Flaws() {
		names = append(names, string(f))
	}
	return FlawNone, fmt.Errorf("unknown flaw %q: use one of %s", s, strings.Join(names, ", "))
}

type tokenKind int

const (
	idToken tokenKind = iota
	accessToken
)

// signer implements fosite's jwt.Signer over the key ring: it signs with the
// current key (kid header set), verifies with any published key chosen by
// kid, sets typ (RFC 9068 "at+jwt" for access tokens) and applies the flaw
// switch.
type signer struct {
	keys *keyRing
	kind tokenKind
	flaw func() Flaw
}

var _ jwt.Signer = (*signer)(nil)

// Generate signs claims; the header from fosite is replaced by our own (alg, kid, typ).
func (s *signer) Generate(_ context.Context, claims jwt.MapClaims, _ jwt.Mapper) (string, string, error) {
	c := make(map[string]any, len(claims))
	for k, v := range claims {
		c[k] = v
	}
	delete(c, "rat") // fosite's non-standard "requested at" claim
	flaw := s.flaw()
	applyClaimFlaw(c, flaw)
	payload, err := json.Marshal(c)
	if err != nil {
		return "", "", fmt.Errorf("encode claims: %w", err)
	}
	if flaw == FlawAlgNone && s.kind == idToken {
		return unsigned(payload), "", nil
	}
	typ := "JWT"
	if s.kind == accessToken {
		typ = "at+jwt" // RFC 9068 section 2.1
	}
	key := s.keys.signer()
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ))
	sgn, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key.priv, KeyID: key.kid}}, opts)
	if err != nil {
		return "", "", fmt.Errorf("create signer: %w", err)
	}
	obj, err := sgn.Sign(payload)
	if err != nil {
		return "", "", fmt.Errorf("sign token: %w", err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		return "", "", fmt.Errorf("serialize token: %w", err)
	}
	if flaw == FlawBadSignature {
		raw = corruptSignature(raw)
	}
	return raw, raw[strings.LastIndexByte(raw, '.')+1:], nil
}

// applyClaimFlaw edits the claims for the claim-level flaws.
func applyClaimFlaw(c map[string]any, flaw Flaw) {
	switch flaw {
	case FlawWrongAudience:
		c["aud"] = []string{WrongAudience}
	case FlawExpired:
		// Look like a token issued well over an hour ago.
		iat, _ := toUnix(c["iat"])
		exp, _ := toUnix(c["exp"])
		shift := exp - iat + int64(time.Hour/time.Second)
		for _, name := range []string{"iat", "exp", "nbf", "auth_time"} {
			if v, ok := toUnix(c[name]); ok {
				c[name] = v - shift
			}
		}
	}
}

func toUnix(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// unsigned builds an "alg": "none" JWT (empty signature).
func unsigned(payload []byte) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return h + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
}

// corruptSignature flips bits in the first signature byte: still well-formed, no longer valid.
func corruptSignature(raw string) string {
	i := strings.LastIndexByte(raw, '.')
	sig, err := base64.RawURLEncoding.DecodeString(raw[i+1:])
	if err != nil || len(sig) == 0 {
		return raw
	}
	sig[0] ^= 0xff
	return raw[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}

// Decode verifies token with the published key named by its kid and checks
// exp/iat/nbf (fosite uses it to validate JWT access tokens and id_token_hint).
func (s *signer) Decode(_ context.Context, token string) (*jwt.Token, error) {
	return jwt.ParseWithClaims(token, jwt.MapClaims{}, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k := s.keys.lookup(kid)
		if k == nil {
			return nil, fmt.Errorf("no published signing key with kid %q", kid)
		}
		return &k.priv.PublicKey, nil
	})
}

// Validate verifies token and returns its signature.
func (s *signer) Validate(ctx context.Context, token string) (string, error) {
	if _, err := s.Decode(ctx, token); err != nil {
		return "", err
	}
	return s.GetSignature(ctx, token)
}

// Hash is SHA-256, the hash of RS256 (for at_hash).
func (s *signer) Hash(_ context.Context, in []byte) ([]byte, error) {
	h := sha256.Sum256(in)
	return h[:], nil
}

// GetSignature returns the third segment of a compact JWS.
func (s *signer) GetSignature(_ context.Context, token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", errors.New("token is not a compact JWS (header.payload.signature)")
	}
	return parts[2], nil
}

// GetSigningMethodLength is the SHA-256 output size.
func (s *signer) GetSigningMethodLength(context.Context) int { return sha256.Size }
