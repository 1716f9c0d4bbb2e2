package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	jose "github.com/go-jose/go-jose/v4"
)

// KeySet is a static set of verification keys. It implements KeySource.
type KeySet struct {
	keys    []jose.JSONWebKey
	origin  string
	skipped []string
	remote  bool // the keys came from the network (see KeyLookup.Remote)
}

// NewKeySet returns a KeySet of the given keys.
func NewKeySet(keys []jose.JSONWebKey, origin string) *KeySet {
	return &KeySet{keys: keys, origin: origin}
}

// Lookup returns every key of the set; Inspect matches the kid itself so
// that it can tell an unknown kid from a bad signature.
func (s *KeySet) Lookup(_ context.Context, _ string) (KeyLookup, error) {
	return KeyLookup{Keys: s.keys, Origin: s.origin, Skipped: s.skipped, Remote: s.remote}, nil
}

// FromNetwork returns the set marked as fetched from the network (a JWKS
// downloaded or captured in a HAR): its symmetric keys are never used and
// are listed as skipped with a warning ([DropRemoteSymmetric]).
func (s *KeySet) FromNetwork() *KeySet {
	c := *s
	c.remote = true
	return &c
}

// Keys returns the usable keys.
func (s *KeySet) Keys() []jose.JSONWebKey { return s.keys }

// Skipped lists the keys that were unusable, and why.
func (s *KeySet) Skipped() []string { return s.skipped }

// Origin says where the keys came from.
func (s *KeySet) Origin() string { return s.origin }

// ParseJWKS reads a JWK Set (RFC 7517 section 5). Unusable keys are skipped
// and reported; a set with no usable key is an error. A single JWK is
// accepted too.
func ParseJWKS(data []byte, origin string) (*KeySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
		Kty  string            `json:"kty"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a JWK Set (JSON with a \"keys\" array): %w", origin, err)
	}
	if doc.Keys == nil && doc.Kty != "" {
		return ParseJWK(data, origin)
	}
	set := &KeySet{origin: origin}
	for i, raw := range doc.Keys {
		k, why := parseOneJWK(raw)
		if why != "" {
			set.skipped = append(set.skipped, "key #"+strconv.Itoa(i+1)+keyLabel(raw)+": "+why)
			continue
		}
		set.keys = append(set.keys, k)
	}
	if len(set.keys) == 0 {
		msg := origin + ": the JWK Set has no usable key"
		if len(set.skipped) > 0 {
			msg += " (" + strings.Join(set.skipped, "; ") + ")"
		}
		return nil, errors.New(msg)
	}
	return set, nil
}

// ParseJWK reads one JWK (RFC 7517). A private key is reduced to its public
// part. A JWK Set is accepted too.
func ParseJWK(data []byte, origin string) (*KeySet, error) {
	var probe struct {
		Keys json.RawMessage `json:"keys"`
	}
	if json.Unmarshal(data, &probe) == nil && probe.Keys != nil {
		return ParseJWKS(data, origin)
	}
	k, why := parseOneJWK(data)
	if why != "" {
		return nil, fmt.Errorf("%s: unusable JWK: %s", origin, why)
	}
	return &KeySet{keys: []jose.JSONWebKey{k}, origin: origin}, nil
}

// keyLabel names a raw JWK by its kid for messages.
func keyLabel(raw []byte) string {
	var k struct {
		Kid string `json:"kid"`
	}
	if json.Unmarshal(raw, &k) == nil && k.Kid != "" {
		return " (kid " + strconv.Quote(k.Kid) + ")"
	}
	return ""
}

// parseOneJWK decodes a JWK for verification; why explains a rejection.
func parseOneJWK(raw []byte) (jose.JSONWebKey, string) {
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(raw); err != nil {
		return k, trimJose(err)
	}
	if sym, ok := k.Key.([]byte); ok {
		if len(sym) == 0 {
			return k, "empty symmetric key"
		}
	} else if !k.Valid() {
		return k, "not a valid key"
	}
	if k.Use == "enc" {
		return k, "use \"enc\": an encryption key, not for signatures"
	}
	if !k.IsPublic() {
		if _, sym := k.Key.([]byte); !sym {
			k = k.Public()
		}
	}
	return k, ""
}

// ParsePEM reads PEM public keys ("PUBLIC KEY", "RSA PUBLIC KEY") and
// certificates; private keys contribute their public part. Every block
// becomes one key.
func ParsePEM(data []byte, origin string) (*KeySet, error) {
	set := &KeySet{origin: origin}
	rest := data
	for n := 1; ; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		k, err := pemPublicKey(block)
		if err != nil {
			set.skipped = append(set.skipped, "PEM block #"+strconv.Itoa(n)+" ("+block.Type+"): "+err.Error())
			continue
		}
		set.keys = append(set.keys, k)
	}
	if len(set.keys) == 0 {
		if len(set.skipped) > 0 {
			return nil, fmt.Errorf("%s: no usable public key: %s", origin, strings.Join(set.skipped, "; "))
		}
		return nil, fmt.Errorf("%s: no PEM block found (expected -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)", origin)
	}
	return set, nil
}

func pemPublicKey(block *pem.Block) (jose.JSONWebKey, error) {
	switch block.Type {
	case "PUBLIC KEY":
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		return publicJWK(pub, nil), err
	case "RSA PUBLIC KEY":
		pub, err := x509.ParsePKCS1PublicKey(block.Bytes)
		return publicJWK(pub, nil), err
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return jose.JSONWebKey{}, err
		}
		return publicJWK(cert.PublicKey, cert), nil
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		priv, err := parsePrivateBlock(block)
		if err != nil {
			return jose.JSONWebKey{}, err
		}
		signer, ok := priv.(crypto.Signer)
		if !ok {
			return jose.JSONWebKey{}, errors.New("unsupported private key type")
		}
		return publicJWK(signer.Public(), nil), nil
	}
	return jose.JSONWebKey{}, errors.New("not a public key or certificate")
}

func publicJWK(pub any, cert *x509.Certificate) jose.JSONWebKey {
	k := jose.JSONWebKey{Key: pub, Use: "sig"}
	switch pub.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
	default:
		k.Key = nil
	}
	if cert != nil {
		k.Certificates = []*x509.Certificate{cert}
	}
	return k
}

func parsePrivateBlock(block *pem.Block) (any, error) {
	switch block.Type {
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(block.Bytes)
	}
	return x509.ParsePKCS8PrivateKey(block.Bytes)
}

// ParseDecryptKey reads a JWE decryption key: a PEM private key (PKCS#8,
// PKCS#1 or SEC 1) or a private or symmetric JWK.
func ParseDecryptKey(data []byte) (any, error) {
	if block, _ := pem.Decode(data); block != nil {
		if !strings.Contains(block.Type, "PRIVATE KEY") {
			return nil, fmt.Errorf("PEM block %q is not a private key: decryption needs the private key", block.Type)
		}
		key, err := parsePrivateBlock(block)
		if err != nil {
			return nil, fmt.Errorf("PEM private key: %w", err)
		}
		return key, nil
	}
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("neither a PEM private key nor a JWK: %w", err)
	}
	if _, sym := k.Key.([]byte); !sym && k.IsPublic() {
		return nil, errors.New("the JWK is a public key: decryption needs the private key (with \"d\")")
	}
	return k, nil
}

// Thumbprint returns the RFC 7638 SHA-256 thumbprint of k, base64url, or
// "" for symmetric keys (it would be a hash of the secret).
func Thumbprint(k jose.JSONWebKey) string {
	if _, sym := k.Key.([]byte); sym {
		return ""
	}
	id, cacheable := thumbprintCacheKey(k.Key)
	if cacheable {
		if tp, ok := thumbprints.Load(id); ok {
			return tp.(string)
		}
	}
	raw, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return ""
	}
	tp := base64.RawURLEncoding.EncodeToString(raw)
	if cacheable && thumbprintCount.Add(1) <= maxCachedThumbprints {
		thumbprints.Store(id, tp)
	}
	return tp
}

// thumbprints caches RFC 7638 thumbprints by key identity: a static key set
// verifies many tokens with the same key. Bounded by maxCachedThumbprints.
var (
	thumbprints     sync.Map
	thumbprintCount atomic.Int64
)

const maxCachedThumbprints = 1024

// thumbprintCacheKey returns a comparable identity for a public key; ok is
// false for key types that are not cached.
func thumbprintCacheKey(key any) (any, bool) {
	switch k := key.(type) {
	case ed25519.PublicKey:
		return string(k), true
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return k, true
	}
	return nil, false
}

// ktyOf names the JWK key type of k ("RSA", "EC", "OKP", "oct").
func ktyOf(k jose.JSONWebKey) string {
	switch k.Key.(type) {
	case *rsa.PublicKey, *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PublicKey, *ecdsa.PrivateKey:
		return "EC"
	case ed25519.PublicKey, ed25519.PrivateKey:
		return "OKP"
	case []byte:
		return "oct"
	default:
		return "unknown"
	}
}
