package token

import (
	"fmt"
	"testing"
	"time"
)

func TestLint(t *testing.T) {
	k := getKeys(t)
	life := fmt.Sprintf(`{"iat":%d,"exp":%d}`, at(0), at(30*24*time.Hour))
	short := fmt.Sprintf(`{"iat":%d,"exp":%d}`, at(0), at(time.Hour))
	tests := []struct {
		name    string
		tok     string
		opts    Options
		warn    string
		present bool
	}{
		{"jku", sign(t, "RS256", k.rsa, short, map[string]any{"jku": "https://evil.example/jwks"}), Options{}, "jku", true},
		{"x5u", sign(t, "RS256", k.rsa, short, map[string]any{"x5u": "https://evil.example/cert"}), Options{}, "x5u", true},
		{"jwk", unsigned(`{"alg":"RS256","jwk":{"kty":"oct","k":"AAAA"}}`, short, "AAAA"), Options{}, "jwk", true},
		{"unknown crit", unsigned(`{"alg":"HS256","crit":["exp"],"exp":1}`, short, "AAAA"), Options{}, "crit", true},
		{"no exp", sign(t, "RS256", k.rsa, `{"sub":"a"}`, nil), Options{}, "no_exp", true},
		{"long lifetime", sign(t, "RS256", k.rsa, life, nil), Options{}, "long_lifetime", true},
		{"normal lifetime", sign(t, "RS256", k.rsa, short, nil), Options{}, "long_lifetime", false},
		{"alg none", rfc7515A5Token, Options{}, "alg_none", true},
		{"short secret", sign(t, "HS256", k.hmac, short, nil), Options{Secret: []byte("tooshort")}, "short_secret", true},
		{"long secret", sign(t, "HS256", k.hmac, short, nil), Options{Secret: k.hmac}, "short_secret", false},
		{"padding", rfc7515A1Token + "=", Options{}, "base64_padding", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := inspect(t, tt.tok, tt.opts)
			if got := hasWarning(r, tt.warn); got != tt.present {
				t.Fatalf("warning %s present = %v, want %v: %+v", tt.warn, got, tt.present, r.Warnings)
			}
			for _, w := range r.Warnings {
				if w.Message == "" || w.Spec == "" {
					t.Errorf("warning without message or spec: %+v", w)
				}
			}
		})
	}
}

func TestCritRejected(t *testing.T) {
	k := getKeys(t)
	tok := unsignedHS256(t, `{"alg":"HS256","crit":["urn:example:ext"],"urn:example:ext":1}`, `{"sub":"a"}`, k.hmac)
	r := inspect(t, tok, Options{Secret: k.hmac})
	if r.Signature.Status == SigValid {
		t.Fatalf("a token with an unknown crit extension verified: %+v", r.Signature)
	}
}
