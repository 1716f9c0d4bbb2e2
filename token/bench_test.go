package token

import (
	"context"
	"fmt"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// benchClaims is a typical OIDC ID token signed with alg.
func benchClaims(alg string) string {
	atHash, _ := leftHalfHash(alg, benchAccessToken)
	return fmt.Sprintf(`{"iss":"https://idp.example.com","sub":"248289761001","aud":"demo-web","exp":%d,"iat":%d,"auth_time":%d,"nonce":"n-0S6_WzA2Mj","at_hash":"%s","sid":"08a5019c-17e1-4977-8f42-65a12843ea02","name":"Alice Example","email":"alice@example.com","email_verified":true}`,
		testNow.Add(time.Hour).Unix(), testNow.Unix(), testNow.Unix(), atHash)
}

const benchAccessToken = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"

// BenchmarkInspect measures Inspect (decode + verify + checks + lint), the
// same without a key (Inspect's own work: decode, checks, lint) and, in the
// same run, the raw go-jose parse and verify of the same token.
//
//	go test -run '^$' -bench . -benchmem ./token/
func BenchmarkInspect(b *testing.B) {
	k := getKeys(b)
	for _, alg := range []string{"RS256", "ES256", "EdDSA", "HS256"} {
		tok := sign(b, alg, k.signingKey(alg), benchClaims(alg), map[string]any{"kid": "k1", "typ": "JWT"})
		opts := Options{At: testNow, Issuer: "https://idp.example.com", Audience: "demo-web", Nonce: "n-0S6_WzA2Mj",
			AccessToken: benchAccessToken, Expect: ExpectIDToken}
		var rawKey any
		if alg == "HS256" {
			opts.Secret = k.hmac[:32]
			tok = sign(b, alg, opts.Secret, benchClaims(alg), map[string]any{"kid": "k1", "typ": "JWT"})
			rawKey = opts.Secret
		} else {
			jwk := k.publicJWK(alg, "k1")
			opts.Keys = NewKeySet([]jose.JSONWebKey{jwk}, "bench JWKS")
			rawKey = jwk.Key
		}
		if r := inspect(b, tok, opts); !r.OK() {
			b.Fatalf("%s: not OK: %+v %+v", alg, r.Signature, r.Checks)
		}
		b.Run(alg+"/inspect", func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := Inspect(ctx, tok, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		// Inspect's own work: the same, without a key (no verification).
		noKey := opts
		noKey.Keys, noKey.Secret = nil, nil
		b.Run(alg+"/nokey", func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := Inspect(ctx, tok, noKey); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/gojose", func(b *testing.B) {
			algs := []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)}
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				jws, err := jose.ParseSignedCompact(tok, algs)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := jws.Verify(rawKey); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reportCPU starts measuring the process CPU time; the function it returns
// reports it as cpu-ns/op (where processCPU is measured). Unlike ns/op, it
// leaves out the time spent waiting for a CPU on a busy machine, but it
// includes the garbage collector's background work.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if used := processCPU() - start; used > 0 && b.N > 0 {
			b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}
