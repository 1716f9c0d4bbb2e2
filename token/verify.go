package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
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
	if reason := checkCrit(h.critRaw); reason != "" {
		setSig(sig, SigInvalid, CodeMalformed, reason)
		return
	}
	if h.b64False {
		setSig(sig, SigUnsupported, CodeUnencoded, "b64 is false: an unencoded payload (RFC 7797), not a JWT (RFC 7519 3 requires a base64url payload); such a token is never reported valid")
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
	weak := 0
	for _, c := range cands {
		if bits := rsaBits(c.key); bits > 0 && bits < minRSABits {
			weak++
			sig.Skipped = append(sig.Skipped, describeKey(c.key)+fmt.Sprintf(": key too weak / unsupported (RSA %d bits; the crypto library refuses RSA keys under %d bits)", bits, minRSABits))
			continue
		}
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
		lintKeySize(c.key, r)
		return
	}
	if weak == len(cands) {
		are := "is an RSA key"
		if weak > 1 {
			are = "are RSA keys"
		}
		setSig(sig, SigUnsupported, CodeWeakKey, "key too weak / unsupported: "+plural(weak, "candidate key")+" ("+cands[0].chosen+
			fmt.Sprintf(") %s under %d bits, which the crypto library refuses; the signature was not checked. Use RSA keys of 2048 bits or more (RFC 7518 3.3)", are, minRSABits))
		return
	}
	setSig(sig, SigInvalid, CodeBadSignature, "the signature does not verify with "+plural(sig.Tried, "candidate key")+
		" ("+cands[0].chosen+"): the token was altered or signed by another key")
}

// minRSABits is the smallest RSA key crypto/rsa verifies with; RFC 7518
// 3.3 requires 2048 bits, and smaller keys that still work are linted.
const minRSABits = 1024

// rsaBits is the size of an RSA key, 0 for other keys.
func rsaBits(k jose.JSONWebKey) int {
	if pub, ok := k.Key.(*rsa.PublicKey); ok && pub.N != nil {
		return pub.N.BitLen()
	}
	return 0
}

// lintKeySize warns about an RSA key under 2048 bits that verified.
func lintKeySize(k jose.JSONWebKey, r *Report) {
	if bits := rsaBits(k); bits > 0 && bits < 2048 {
		r.Warnings = append(r.Warnings, Warning{"weak_key", fmt.Sprintf("the RSA key that verified is %d bits; RFC 7518 requires at least 2048: such a key can be factored", bits), "RFC 7518 3.3; RFC 8725 3.5"})
	}
}

// checkCrit applies RFC 7515 4.1.11 as go-jose does, for every path
// (including the short-HMAC-secret one that bypasses go-jose): crit must be
// an array of names, and each name an extension this tool processes.
func checkCrit(raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	var names []string
	if err := json.Unmarshal(raw, &names); err != nil {
		return "the crit header is not an array of header names, so the token is rejected (RFC 7515 4.1.11)"
	}
	for _, name := range names {
		if !critUnderstood[name] {
			return "the crit header lists " + strconv.Quote(name) + ", which this tool does not understand; RFC 7515 4.1.11 requires rejecting the token"
		}
	}
	return ""
}

// verifyWith verifies with go-jose, except an HMAC secret: that is
// checked with crypto/hmac over the signing input, whatever its length
// (go-jose refuses secrets shorter than the hash, RFC 7518 3.2, and a weak
// secret must still be diagnosed; it is linted). jws has been parsed by
// go-jose either way, which refuses duplicate header names (RFC 7515 4).
func verifyWith(jws *jose.JSONWebSignature, compact string, k jose.JSONWebKey, fam algFamily) error {
	if secret, ok := k.Key.([]byte); ok {
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
		lookup = DropRemoteSymmetric(lookup)
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

// hmacCandidates picks the HMAC keys to try: the secret given and the
// symmetric keys of local key sources (keys from the network were dropped
// by [DropRemoteSymmetric]). A kid selects among them: the keys with that
// kid, or else the secret and the keys without a kid. An HS* token offered
// only public keys is algorithm confusion (RFC 8725 2.1).
func hmacCandidates(h *headerInfo, opts *Options, lookup KeyLookup, sig *Signature) ([]candidate, bool) {
	var matched, unnamed []candidate
	if len(opts.Secret) > 0 {
		unnamed = append(unnamed, candidate{jose.JSONWebKey{Key: opts.Secret, Algorithm: h.alg}, "the HMAC secret given", "the HMAC secret given"})
	}
	symmetric := 0
	for _, k := range lookup.Keys {
		if _, ok := k.Key.([]byte); !ok || (k.Algorithm != "" && k.Algorithm != h.alg) {
			continue
		}
		symmetric++
		switch {
		case h.kid != "" && k.KeyID == h.kid:
			matched = append(matched, candidate{k, lookup.Origin, "kid match"})
		case h.kid == "" || k.KeyID == "":
			unnamed = append(unnamed, candidate{k, lookup.Origin, "symmetric key"})
		}
	}
	if len(matched) > 0 {
		return matched, true
	}
	if len(unnamed) > 0 {
		return unnamed, true
	}
	if symmetric > 0 {
		setSig(sig, SigUnverified, CodeUnknownKid, "unknown kid "+strconv.Quote(h.kid)+": none of the "+
			plural(symmetric, "symmetric key")+" of "+lookup.Origin+" has it (kids: "+kidList(lookup.Keys)+")")
		return nil, false
	}
	if len(lookup.Keys) > 0 {
		setSig(sig, SigInvalid, CodeAlgConfusion, "algorithm confusion: the token says "+h.alg+
			" (HMAC) but only public keys were offered; using a public key as an HMAC secret is a known attack, so this never verifies (RFC 8725 2.1, 3.1)")
		return nil, false
	}
	setSig(sig, SigUnverified, CodeNoKey, h.alg+" is HMAC: give the shared secret to verify")
	return nil, false
}

// publishedSecret ends the skip note of a symmetric key from the network.
const publishedSecret = "publishing a symmetric key in a JWKS is itself a vulnerability: anyone who can read the JWKS can forge tokens with it"

// DropRemoteSymmetric removes the symmetric (oct) keys of a lookup whose
// keys came from the network and lists them as skipped: such a key is never
// used for verification (RFC 8725 3.5; a JWKS is public). Local lookups are
// returned as they are.
func DropRemoteSymmetric(l KeyLookup) KeyLookup {
	if !l.Remote {
		return l
	}
	keys := make([]jose.JSONWebKey, 0, len(l.Keys))
	skipped := append([]string(nil), l.Skipped...)
	for _, k := range l.Keys {
		if _, sym := k.Key.([]byte); !sym {
			keys = append(keys, k)
			continue
		}
		name := "symmetric key"
		if k.KeyID != "" {
			name += " (kid " + strconv.Quote(k.KeyID) + ")"
		}
		skipped = append(skipped, name+" from "+l.Origin+": keys fetched from the network are never used as HMAC secrets; "+publishedSecret)
	}
	l.Keys, l.Skipped = keys, skipped
	return l
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

// describeKey describes a key: `EC P-256 key "k1" (alg ES256)`.
func describeKey(k jose.JSONWebKey) string {
	kind := ktyOf(k)
	if pub, ok := k.Key.(*ecdsa.PublicKey); ok {
		kind = "EC " + pub.Curve.Params().Name
	}
	s := kind + " key"
	if k.KeyID != "" {
		s += " " + strconv.Quote(k.KeyID)
	}
	if k.Algorithm != "" {
		s += " (alg " + k.Algorithm + ")"
	}
	return s
}

// verifiedWith is the reason of a valid signature.
func verifiedWith(c candidate) string {
	return "verified with " + describeKey(c.key) + " from " + c.origin
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
