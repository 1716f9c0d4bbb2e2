package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// testKeys are generated once per test binary.
type testKeys struct {
	rsa   *rsa.PrivateKey
	rsa2  *rsa.PrivateKey
	ec256 *ecdsa.PrivateKey
	ec384 *ecdsa.PrivateKey
	ec521 *ecdsa.PrivateKey
	ed    ed25519.PrivateKey
	hmac  []byte // 64 bytes: enough for HS512
}

var (
	keysOnce sync.Once
	keys     testKeys
)

func getKeys(t testing.TB) *testKeys {
	t.Helper()
	keysOnce.Do(func() {
		must := func(err error) {
			if err != nil {
				panic(err)
			}
		}
		var err error
		keys.rsa, err = rsa.GenerateKey(rand.Reader, 2048)
		must(err)
		keys.rsa2, err = rsa.GenerateKey(rand.Reader, 2048)
		must(err)
		keys.ec256, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		keys.ec384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		must(err)
		keys.ec521, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
		must(err)
		_, keys.ed, err = ed25519.GenerateKey(rand.Reader)
		must(err)
		keys.hmac = make([]byte, 64)
		_, err = rand.Read(keys.hmac)
		must(err)
	})
	return &keys
}

// signingKey returns the private key for alg.
func (k *testKeys) signingKey(alg string) any {
	switch {
	case strings.HasPrefix(alg, "HS"):
		return k.hmac
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		return k.rsa
	case alg == "ES256":
		return k.ec256
	case alg == "ES384":
		return k.ec384
	case alg == "ES512":
		return k.ec521
	}
	return k.ed
}

// publicJWK returns the verification JWK for alg with the given kid.
func (k *testKeys) publicJWK(alg, kid string) jose.JSONWebKey {
	key := k.signingKey(alg)
	if s, ok := key.(interface{ Public() crypto.PublicKey }); ok {
		key = s.Public()
	}
	return jose.JSONWebKey{Key: key, KeyID: kid, Use: "sig"}
}

// sign signs payload (raw JSON text, kept byte for byte) with alg and the
// extra protected headers.
func sign(t testing.TB, alg string, key any, payload string, headers map[string]any) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	for k, v := range headers {
		opts.WithHeader(jose.HeaderKey(k), v)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: key}, opts)
	if err != nil {
		t.Fatalf("NewSigner(%s): %v", alg, err)
	}
	obj, err := s.Sign([]byte(payload))
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatalf("CompactSerialize: %v", err)
	}
	return out
}

// unsigned builds a compact JWS by hand, for headers go-jose refuses to sign.
func unsigned(header, payload, sig string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + "." + sig
}

// testNow is the clock of the check tests.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func inspect(t testing.TB, tok string, opts Options) *Report {
	t.Helper()
	if opts.At.IsZero() && opts.Clock == nil {
		opts.Clock = func() time.Time { return testNow }
	}
	r, err := Inspect(context.Background(), tok, opts)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return r
}

func hasWarning(r *Report, id string) bool {
	for _, w := range r.Warnings {
		if w.ID == id {
			return true
		}
	}
	return false
}

func hmacSHA256(key []byte, input string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(input))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
