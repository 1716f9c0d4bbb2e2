package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"errors"
	"strconv"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// algFamily describes what an algorithm needs.
type algFamily struct {
	kty   string                    // "RSA", "EC", "OKP", "oct"
	curve elliptic.Curve            // EC only
	hash  crypto.Hash               // for at_hash/c_hash and HMAC minimum key size
	algs  []jose.SignatureAlgorithm // the algorithm alone, as go-jose's parser takes it
}

// families lists the JWS algorithms Inspect verifies (RFC 7518, RFC 8037).
var families = map[string]algFamily{
	"HS256": {kty: "oct", hash: crypto.SHA256},
	"HS384": {kty: "oct", hash: crypto.SHA384},
	"HS512": {kty: "oct", hash: crypto.SHA512},
	"RS256": {kty: "RSA", hash: crypto.SHA256},
	"RS384": {kty: "RSA", hash: crypto.SHA384},
	"RS512": {kty: "RSA", hash: crypto.SHA512},
	"PS256": {kty: "RSA", hash: crypto.SHA256},
	"PS384": {kty: "RSA", hash: crypto.SHA384},
	"PS512": {kty: "RSA", hash: crypto.SHA512},
	"ES256": {kty: "EC", curve: elliptic.P256(), hash: crypto.SHA256},
	"ES384": {kty: "EC", curve: elliptic.P384(), hash: crypto.SHA384},
	"ES512": {kty: "EC", curve: elliptic.P521(), hash: crypto.SHA512},
	"EdDSA": {kty: "OKP", hash: crypto.SHA512},
}

func init() {
	for alg, f := range families {
		f.algs = []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)}
		families[alg] = f
	}
}

// candidate is a key to try, with how it was chosen.
type candidate struct {
	key    jose.JSONWebKey
	origin string
	chosen string
}

// verifyJWS fills r.Signature for a compact JWS.
func verifyJWS(ctx context.Context, compact string, h *headerInfo, opts *Options, r *Report) {
	sig := &r.Signature
	sig.Alg, sig.Kid = h.alg, h.kid
	if strings.EqualFold(h.alg, "none") {
		setSig(sig, SigInvalid, CodeAlgNone, "alg \"none\": the token is unsigned and never verifies (RFC 8725 3.1)")
		return
	}
	fam, ok := families[h.alg]
	if !ok {
		setSig(sig, SigUnsupported, CodeUnsupported, "algorithm "+strconv.Quote(h.alg)+" is not supported; supported: HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512, EdDSA (Ed25519)")
		return
	}
	cands, ok := candidates(ctx, h, fam, opts, sig)
	if !ok {
		return
	}
	jws, err := jose.ParseSignedCompact(compact, fam.algs)
	if err != nil {
		setSig(sig, SigInvalid, CodeMalformed, "go-jose refused the JWS: "+trimJose(err))
		return
	}
	for _, c := range cands {
		sig.Tried++
		if err := verifyWith(jws, compact, c.key, fam); err != nil {
			if errors.Is(err, jose.ErrUnsupportedCriticalHeader) {
				setSig(sig, SigInvalid, CodeMalformed, "the crit header lists a parameter this tool does not understand; RFC 7515 4.1.11 requires rejecting the token")
				return
			}
			continue
		}
		sig.Status, sig.Code, sig.Reason = SigValid, "", verifiedWith(c)
		sig.Key = keyInfo(c)
		return
	}
	setSig(sig, SigInvalid, CodeBadSignature, "the signature does not verify with "+plural(sig.Tried, "candidate key")+
		" ("+cands[0].chosen+"): the token was altered or signed by another key")
}

// verifyWith verifies with go-jose; HMAC secrets shorter than the hash
// (which go-jose refuses, RFC 7518 3.2) are checked with crypto/hmac so that
// a weak secret can still be diagnosed (and is linted).
func verifyWith(jws *jose.JSONWebSignature, compact string, k jose.JSONWebKey, fam algFamily) error {
	if secret, ok := k.Key.([]byte); ok && len(secret) < fam.hash.Size() {
		dot := strings.LastIndexByte(compact, '.')
		want, _, err := decodeSegment(compact[dot+1:], "signature", 2)
		if err != nil {
			return err
		}
		mac := hmac.New(fam.hash.New, secret)
		mac.Write([]byte(compact[:dot]))
		if !hmac.Equal(mac.Sum(nil), want) {
			return jose.ErrCryptoFailure
		}
		return nil
	}
	_, err := jws.Verify(k.Key)
	return err
}

func setSig(sig *Signature, st SigStatus, code, reason string) {
	sig.Status, sig.Code, sig.Reason = st, code, reason
}

// candidates picks the keys to try and says why. ok is false when the
// verdict is already known (sig filled).
func candidates(ctx context.Context, h *headerInfo, fam algFamily, opts *Options, sig *Signature) ([]candidate, bool) {
	var lookup KeyLookup
	if opts.Keys != nil {
		var err error
		lookup, err = opts.Keys.Lookup(ctx, h.kid)
		if err != nil && (fam.kty != "oct" || len(opts.Secret) == 0) {
			setSig(sig, SigUnverified, CodeKeySource, "could not get keys: "+err.Error())
			return nil, false
		}
		sig.Skipped = lookup.Skipped
	}
	if fam.kty == "oct" {
		return hmacCandidates(h, opts, lookup, sig)
	}
	if len(lookup.Keys) == 0 {
		msg := "no key given: pass a JWKS, a JWK, a PEM public key or certificate to verify"
		if len(opts.Secret) > 0 {
			msg = h.alg + " needs a public key, but only an HMAC secret was given"
		}
		setSig(sig, SigUnverified, CodeNoKey, msg)
		return nil, false
	}
	typed := make([]jose.JSONWebKey, 0, len(lookup.Keys))
	for _, k := range lookup.Keys {
		if keyFits(k, h.alg, fam) {
			typed = append(typed, k)
		}
	}
	if len(typed) == 0 {
		setSig(sig, SigUnverified, CodeNoMatchingKey, h.alg+" needs "+needs(fam)+"; "+lookup.Origin+" has "+kinds(lookup.Keys))
		return nil, false
	}
	return pickByKid(h, fam, typed, lookup, sig)
}

// pickByKid narrows typed keys by the token's kid.
func pickByKid(h *headerInfo, fam algFamily, typed []jose.JSONWebKey, lookup KeyLookup, sig *Signature) ([]candidate, bool) {
	var out []candidate
	if h.kid != "" {
		for _, k := range typed {
			if k.KeyID == h.kid {
				out = append(out, candidate{k, lookup.Origin, "kid match"})
			}
		}
		if len(out) > 0 {
			return out, true
		}
		for _, k := range typed {
			if k.KeyID == "" {
				out = append(out, candidate{k, lookup.Origin, "the " + onlyOrEach(len(typed), fam.kty) + " key without a kid (token kid " + strconv.Quote(h.kid) + ")"})
			}
		}
		if len(out) > 0 {
			return out, true
		}
		setSig(sig, SigUnverified, CodeUnknownKid, "unknown kid "+strconv.Quote(h.kid)+": none of the "+
			plural(len(lookup.Keys), "key")+" of "+lookup.Origin+" has it (kids: "+kidList(lookup.Keys)+
			"); the keys may have rotated: fetch the current JWKS")
		return nil, false
	}
	chosen := "the only " + fam.kty + " key"
	if len(typed) > 1 {
		chosen = "token has no kid; tried each of " + strconv.Itoa(len(typed)) + " " + fam.kty + " keys"
	}
	for _, k := range typed {
		out = append(out, candidate{k, lookup.Origin, chosen})
	}
	return out, true
}

func onlyOrEach(n int, kty string) string {
	if n == 1 {
		return "only " + kty
	}
	return kty
}

// hmacCandidates: the secret, then symmetric keys of the key source. An HS*
// token offered only public keys is algorithm confusion (RFC 8725 2.1).
func hmacCandidates(h *headerInfo, opts *Options, lookup KeyLookup, sig *Signature) ([]candidate, bool) {
	var out []candidate
	if len(opts.Secret) > 0 {
		out = append(out, candidate{jose.JSONWebKey{Key: opts.Secret, Algorithm: h.alg}, "the HMAC secret given", "the HMAC secret given"})
	}
	for _, k := range lookup.Keys {
		if _, ok := k.Key.([]byte); ok && (k.Algorithm == "" || k.Algorithm == h.alg) {
			chosen := "symmetric key"
			if h.kid != "" && k.KeyID == h.kid {
				chosen = "kid match"
			}
			out = append(out, candidate{k, lookup.Origin, chosen})
		}
	}
	if len(out) > 0 {
		return out, true
	}
	if len(lookup.Keys) > 0 {
		setSig(sig, SigInvalid, CodeAlgConfusion, "algorithm confusion: the token says "+h.alg+
			" (HMAC) but only public keys were offered; using a public key as an HMAC secret is a known attack, so this never verifies (RFC 8725 2.1, 3.1)")
		return nil, false
	}
	setSig(sig, SigUnverified, CodeNoKey, h.alg+" is HMAC: give the shared secret to verify")
	return nil, false
}

// keyFits reports whether k can verify alg.
func keyFits(k jose.JSONWebKey, alg string, fam algFamily) bool {
	if k.Algorithm != "" && k.Algorithm != alg {
		return false
	}
	if k.Use != "" && k.Use != "sig" {
		return false
	}
	if ktyOf(k) != fam.kty {
		return false
	}
	if fam.kty == "EC" {
		pub, ok := k.Key.(*ecdsa.PublicKey)
		return ok && pub.Curve == fam.curve
	}
	return true
}

func needs(f algFamily) string {
	switch f.kty {
	case "RSA":
		return "an RSA key"
	case "EC":
		return "an EC key on " + f.curve.Params().Name
	case "OKP":
		return "an Ed25519 key"
	}
	return "a symmetric key"
}

// kinds summarises the keys of a set: "2 RSA keys, 1 EC key (P-384)".
func kinds(keys []jose.JSONWebKey) string {
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, describeKey(k))
	}
	return strings.Join(parts, ", ")
}

func describeKey(k jose.JSONWebKey) string {
	var b strings.Builder
	writeKey(&b, k)
	return b.String()
}

// verifiedWith is the reason of a valid signature, built in one allocation.
func verifiedWith(c candidate) string {
	var b strings.Builder
	b.Grow(64 + len(c.key.KeyID) + len(c.origin))
	b.WriteString("verified with ")
	writeKey(&b, c.key)
	b.WriteString(" from ")
	b.WriteString(c.origin)
	return b.String()
}

// writeKey writes a key's description: `EC P-256 key "k1" (alg ES256)`.
func writeKey(b *strings.Builder, k jose.JSONWebKey) {
	if pub, ok := k.Key.(*ecdsa.PublicKey); ok {
		b.WriteString("EC ")
		b.WriteString(pub.Curve.Params().Name)
	} else {
		b.WriteString(ktyOf(k))
	}
	b.WriteString(" key")
	if k.KeyID != "" {
		var tmp [64]byte
		b.WriteByte(' ')
		b.Write(strconv.AppendQuote(tmp[:0], k.KeyID))
	}
	if k.Algorithm != "" {
		b.WriteString(" (alg ")
		b.WriteString(k.Algorithm)
		b.WriteString(")")
	}
}

func kidList(keys []jose.JSONWebKey) string {
	kids := make([]string, 0, len(keys))
	for _, k := range keys {
		if k.KeyID == "" {
			kids = append(kids, "(none)")
		} else {
			kids = append(kids, strconv.Quote(k.KeyID))
		}
	}
	return strings.Join(kids, ", ")
}

func keyInfo(c candidate) *KeyInfo {
	return &KeyInfo{
		Kid: c.key.KeyID, Kty: ktyOf(c.key), Alg: c.key.Algorithm, Use: c.key.Use,
		Thumbprint: Thumbprint(c.key), Origin: c.origin, Chosen: c.chosen,
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func trimJose(err error) string {
	return strings.TrimPrefix(err.Error(), "go-jose/go-jose: ")
}
