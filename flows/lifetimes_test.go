package flows

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/settings"
)

// TestLifetimes: exp claims win; an opaque access token uses expires_in, an
// opaque refresh token refresh_expires_in, which carries over to a refresh
// that returns no new refresh token.
func TestLifetimes(t *testing.T) {
	f := newFakeIdP(t)
	clock := &fakeClock{t: time.Now().Truncate(time.Second)}
	iat := clock.now()
	withRT := true
	f.hook("/token", func(w http.ResponseWriter, r *http.Request) {
		claims := map[string]any{"iss": f.issuer(), "sub": "alice", "aud": "cli", "iat": iat.Unix(), "exp": iat.Add(5 * time.Minute).Unix()}
		resp := map[string]any{"access_token": "opaque-at", "token_type": "Bearer", "expires_in": 600,
			"id_token": f.sign(claims)}
		if withRT {
			resp["refresh_token"], resp["refresh_expires_in"] = "rt-1", "1800"
		}
		writeJSONResp(w, 200, resp)
	})
	c, err := NewClient(Config{Settings: settings.Settings{Issuer: f.issuer(), ClientID: "cli"}}, WithClock(clock.now), WithJWKSCache(NewJWKSCache(clock.now)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Refresh(context.Background(), "rt-0", nil)
	if err != nil {
		t.Fatal(err)
	}
	now := clock.now()
	want := []Lifetime{
		{"access", now, now.Add(10 * time.Minute), "expires_in"},
		{"id", iat, iat.Add(5 * time.Minute), "exp claim"},
		{"refresh", now, now.Add(30 * time.Minute), "refresh_expires_in"},
	}
	check := func(got []Lifetime, want []Lifetime) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("lifetimes = %+v, want %+v", got, want)
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.Token != w.Token || !g.Start.Equal(w.Start) || !g.Expires.Equal(w.Expires) || g.Source != w.Source {
				t.Errorf("lifetime %d = %+v, want %+v", i, g, w)
			}
		}
	}
	check(Lifetimes(r), want)
	if f := want[0].Fraction(now.Add(5 * time.Minute)); f != 0.5 {
		t.Errorf("fraction half-way = %v", f)
	}
	if f := want[0].Fraction(now.Add(time.Hour)); f != 0 {
		t.Errorf("fraction after expiry = %v", f)
	}

	// A refresh without a new refresh token keeps the old one and its expiry.
	withRT = false
	clock.advance(time.Minute)
	r2, err := c.Refresh(context.Background(), "rt-1", r)
	if err != nil {
		t.Fatal(err)
	}
	now2 := clock.now()
	got := Lifetimes(r2)
	if len(got) != 3 || !got[0].Expires.Equal(now2.Add(10*time.Minute)) || !got[2].Expires.Equal(now.Add(30*time.Minute)) {
		t.Errorf("after a refresh keeping the refresh token: %+v", got)
	}
}
