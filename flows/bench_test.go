package flows

import (
	"context"
	"testing"

	"github.com/tokeninspector/tokeninspector/settings"
)

// BenchmarkInspectTokenResponse is the purely local part of a login's end:
// building the Result from a token response and inspecting its tokens
// (RS256 ID token verified against the cached JWKS, opaque access and
// refresh tokens), without any network call.
func BenchmarkInspectTokenResponse(b *testing.B) {
	f := newFakeIdP(b)
	c, err := NewClient(Config{Settings: settings.Settings{Issuer: f.issuer(), ClientID: "cli", Scopes: []string{"openid"}}},
		WithBrowser(redirectBrowser), WithJWKSCache(NewJWKSCache(nil)))
	if err != nil {
		b.Fatal(err)
	}
	res, err := c.Login(context.Background(), LoginOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		raw := make(map[string]any, len(res.Raw))
		for k, v := range res.Raw {
			raw[k] = v
		}
		r := c.result(context.Background(), "authorization_code", raw, resultExtra{nonce: res.nonce})
		if !r.OK() {
			b.Fatal("not OK")
		}
	}
	b.ReportMetric(float64(f.jwksCount()), "jwks-fetches/run")
}
