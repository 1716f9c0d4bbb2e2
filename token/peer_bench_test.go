package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// peerKeys are n signing keys of one algorithm, kids "k0".."k{n-1}".
type peerKeys struct {
	private []any // signing keys
	public  []any // verification keys (the HMAC secret itself for HS256)
}

var (
	peerOnce sync.Once
	peerSets map[string]peerKeys // by alg, 50 keys each
)

// peerKeySets makes 50 distinct keys per algorithm, once per process.
func peerKeySets(b *testing.B) map[string]peerKeys {
	peerOnce.Do(func() {
		peerSets = map[string]peerKeys{}
		for _, alg := range []string{"RS256", "ES256", "EdDSA", "HS256"} {
			var ks peerKeys
			for range 50 {
				var priv, pub any
				var err error
				switch alg {
				case "RS256":
					var k *rsa.PrivateKey
					k, err = rsa.GenerateKey(rand.Reader, 2048)
					priv, pub = k, k.Public()
				case "ES256":
					var k *ecdsa.PrivateKey
					k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
					priv, pub = k, k.Public()
				case "EdDSA":
					var k ed25519.PrivateKey
					_, k, err = ed25519.GenerateKey(rand.Reader)
					priv, pub = k, k.Public()
				case "HS256":
					secret := make([]byte, 32)
					_, err = rand.Read(secret)
					priv, pub = secret, secret
				}
				if err != nil {
					panic(err)
				}
				ks.private, ks.public = append(ks.private, priv), append(ks.public, pub)
			}
			peerSets[alg] = ks
		}
	})
	return peerSets
}

// BenchmarkVersusGolangJWT runs token.Inspect (decode, verify, the whole
// checklist, lint, claim dictionary) side by side with golang-jwt v5's
// full validation (parse, verify, iss, aud, exp, nbf, iat) of the same ID
// token, for RS256, ES256, EdDSA and HS256, with the verification key alone
// and with a 50-key set (the token's kid names the last key; golang-jwt's
// key function looks the kid up in a map, as applications do).
//
//	go test -run '^$' -bench VersusGolangJWT -benchmem ./token/
func BenchmarkVersusGolangJWT(b *testing.B) {
	sets := peerKeySets(b)
	for _, alg := range []string{"RS256", "ES256", "EdDSA", "HS256"} {
		for _, n := range []int{1, 50} {
			ks := sets[alg]
			kid := fmt.Sprintf("k%d", n-1)
			claims := benchClaims(alg)
			tok := sign(b, alg, ks.private[n-1], claims, map[string]any{"kid": kid, "typ": "JWT"})
			opts := Options{At: testNow, Issuer: "https://idp.example.com", Audience: "demo-web", Nonce: "n-0S6_WzA2Mj",
				AccessToken: benchAccessToken, Expect: ExpectIDToken, Keys: peerKeySet(ks, n)}
			if r := inspect(b, tok, opts); !r.OK() {
				b.Fatalf("%s with %d keys: not OK: %+v %+v", alg, n, r.Signature, r.Checks)
			}
			byKid := map[string]any{}
			for i := range n {
				byKid[fmt.Sprintf("k%d", i)] = ks.public[i]
			}
			parser := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithIssuer("https://idp.example.com"),
				jwt.WithAudience("demo-web"), jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
				jwt.WithTimeFunc(func() time.Time { return testNow }))
			keyFunc := func(t *jwt.Token) (any, error) {
				kid, _ := t.Header["kid"].(string)
				if k, ok := byKid[kid]; ok {
					return k, nil
				}
				return nil, fmt.Errorf("no key %q", kid)
			}
			if _, err := parser.Parse(tok, keyFunc); err != nil {
				b.Fatalf("golang-jwt %s: %v", alg, err)
			}
			name := fmt.Sprintf("%s/keys=%d", alg, n)
			b.Run(name+"/inspect", func(b *testing.B) {
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Inspect(ctx, tok, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"/golang-jwt", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := parser.Parse(tok, keyFunc); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// peerKeySet is the first n keys as a local key set (a JWKS file the user
// gave: HMAC keys allowed).
func peerKeySet(ks peerKeys, n int) *KeySet {
	var jwks []jose.JSONWebKey
	for i := range n {
		key := ks.public[i]
		if s, ok := key.(crypto.Signer); ok {
			key = s.Public()
		}
		jwks = append(jwks, jose.JSONWebKey{Key: key, KeyID: fmt.Sprintf("k%d", i), Use: "sig"})
	}
	return NewKeySet(jwks, "bench JWKS")
}
