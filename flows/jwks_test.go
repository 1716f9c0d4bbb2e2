package flows

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// fakeClock is a settable clock for the cooldown tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestJWKSUnknownKidAfterRotation: a token signed with a rotated-in key is
// verified after one forced re-fetch; further unknown kids wait for the
// cooldown.
func TestJWKSUnknownKidAfterRotation(t *testing.T) {
	f := newFakeIdP(t)
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	cache := NewJWKSCache(clock.now)
	src := cache.Source(f.issuer()+"/jwks", http.DefaultClient)
	ctx := context.Background()

	look := func(kid string) token.KeyLookup {
		t.Helper()
		l, err := src.Lookup(ctx, kid)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	l := look("key-1")
	if f.jwksCount() != 1 || !strings.Contains(l.Origin, "fetched now") || len(l.Keys) != 1 || len(l.Skipped) != 1 {
		t.Fatalf("first lookup: hits %d, %+v", f.jwksCount(), l)
	}
	clock.advance(5 * time.Second)
	if l = look("key-1"); f.jwksCount() != 1 || !strings.Contains(l.Origin, "cached 5 s") {
		t.Errorf("cached lookup: hits %d, origin %q", f.jwksCount(), l.Origin)
	}

	newKid := f.rotate()
	tok := f.sign(map[string]any{"iss": f.issuer(), "sub": "x"})
	r, err := token.Inspect(ctx, tok, token.Options{Keys: src, Clock: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	if r.Signature.Status != token.SigValid || f.jwksCount() != 2 {
		t.Fatalf("after rotation: signature %+v, hits %d; want valid after one re-fetch", r.Signature, f.jwksCount())
	}
	if !strings.Contains(r.Signature.Key.Origin, "kid \""+newKid+"\" was unknown") {
		t.Errorf("origin = %q", r.Signature.Key.Origin)
	}

	// A flood of unknown kids within the cooldown: no more fetches.
	for i := 0; i < 50; i++ {
		l = look("nope")
	}
	if f.jwksCount() != 2 || !strings.Contains(l.Origin, "cooldown") {
		t.Errorf("flood: hits %d, origin %q; want the cooldown to hold", f.jwksCount(), l.Origin)
	}
	clock.advance(JWKSCooldown)
	look("nope")
	if f.jwksCount() != 3 {
		t.Errorf("after cooldown: hits %d; want one more re-fetch", f.jwksCount())
	}
	if s := cache.Stats(f.issuer() + "/jwks"); s.Fetches != 3 || s.Keys != 2 {
		t.Errorf("stats = %+v", s)
	}
}

func TestJWKSConcurrentSingleFetch(t *testing.T) {
	f := newFakeIdP(t)
	cache := NewJWKSCache(nil)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := cache.Source(f.issuer()+"/jwks", http.DefaultClient).Lookup(context.Background(), "key-1"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if f.jwksCount() != 1 {
		t.Errorf("JWKS fetched %d times by 20 concurrent lookups; want 1", f.jwksCount())
	}
}

func TestJWKSFailedRefetchKeepsKeys(t *testing.T) {
	f := newFakeIdP(t)
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	src := NewJWKSCache(clock.now).Source(f.issuer()+"/jwks", http.DefaultClient)
	if _, err := src.Lookup(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	f.hook("/jwks", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusServiceUnavailable) })
	clock.advance(2 * DefaultJWKSTTL)
	l, err := src.Lookup(context.Background(), "")
	if err != nil || len(l.Keys) != 1 || !strings.Contains(l.Origin, "re-fetch failed") {
		t.Errorf("lookup = %+v, %v; want the old keys with a note", l, err)
	}
	// The broken IdP is not asked again for every token: one try per cooldown.
	var hits atomic.Int32
	f.hook("/jwks", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	for range 5 {
		if _, err := src.Lookup(context.Background(), ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d re-fetches right after a failed one; want none until the cooldown ends", n)
	}
	clock.advance(JWKSCooldown)
	if _, err := src.Lookup(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d re-fetches after the cooldown; want 1", n)
	}
}

// TestJWKSFetchBounded: a JWKS fetch ends at the cache's timeout even with
// an http.Client that has none.
func TestJWKSFetchBounded(t *testing.T) {
	f := newFakeIdP(t)
	f.hook("/jwks", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
			f.serveJWKS(w)
		}
	})
	cache := NewJWKSCache(nil)
	cache.fetchTimeout = 200 * time.Millisecond
	_, err := cache.Source(f.issuer()+"/jwks", &http.Client{}).Lookup(context.Background(), "key-1")
	if err == nil || !isTimeout(err) {
		t.Errorf("err = %v; want a timeout", err)
	}
}

func TestCacheTTL(t *testing.T) {
	for _, tt := range []struct {
		cc   string
		want time.Duration
	}{
		{"", DefaultJWKSTTL},
		{"public, max-age=600", 10 * time.Minute},
		{"max-age=1", MinJWKSTTL},
		{"no-store", MinJWKSTTL},
		{"max-age=99999999", MaxJWKSTTL},
	} {
		h := http.Header{}
		if tt.cc != "" {
			h.Set("Cache-Control", tt.cc)
		}
		if got := cacheTTL(h); got != tt.want {
			t.Errorf("cacheTTL(%q) = %v; want %v", tt.cc, got, tt.want)
		}
	}
}

// TestJWKSCacheKeepsTrustApart: keys fetched by a client that skips TLS
// verification are not reused by a client that verifies, and vice versa;
// clients with the same trust still share one fetch.
func TestJWKSCacheKeepsTrustApart(t *testing.T) {
	f := newFakeIdP(t)
	cache := NewJWKSCache(nil)
	ctx := context.Background()
	lookup := func(c *Client) {
		t.Helper()
		src, err := c.KeySource(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.Lookup(ctx, "key-1"); err != nil {
			t.Fatal(err)
		}
	}
	insecure := newTestClient(t, f, Config{Settings: settings.Settings{Insecure: true}}, WithJWKSCache(cache))
	lookup(insecure)
	verified := newTestClient(t, f, Config{}, WithJWKSCache(cache))
	lookup(verified)
	if n := f.jwksCount(); n != 2 {
		t.Fatalf("JWKS fetched %d times; want 2 (insecure keys must not serve a verifying client)", n)
	}
	if !hasExchange(verified, "jwks") {
		t.Error("the verifying client's transcript has no JWKS fetch of its own")
	}
	lookup(newTestClient(t, f, Config{}, WithJWKSCache(cache)))
	if n := f.jwksCount(); n != 2 {
		t.Errorf("JWKS fetched %d times; want clients with the same trust to share the cached keys", n)
	}
}

func hasExchange(c *Client, endpoint string) bool {
	for _, x := range c.Transcript() {
		if x.Endpoint == endpoint {
			return true
		}
	}
	return false
}
