package flows

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

// JWKS cache tuning.
const (
	// DefaultJWKSTTL is how long keys are kept when the response has no
	// Cache-Control max-age.
	DefaultJWKSTTL = time.Hour
	// MinJWKSTTL is the floor under max-age (and under no-cache/no-store):
	// one login verifies several tokens with one fetch.
	MinJWKSTTL = 30 * time.Second
	// MaxJWKSTTL caps a long max-age, so rotated-out keys do not linger.
	MaxJWKSTTL = 24 * time.Hour
	// JWKSCooldown is the least time between two forced re-fetches (unknown
	// kid) of one JWKS: a flood of unknown kids cannot hammer the IdP.
	JWKSCooldown = 30 * time.Second
)

// DefaultJWKSCache is the process-wide cache every [Client] uses unless given
// another with [WithJWKSCache]: one fetch per issuer per run.
var DefaultJWKSCache = NewJWKSCache(nil)

// JWKSCache caches JSON Web Key Sets by URL. Keys are fetched on first use
// and kept for the response's Cache-Control max-age (within [MinJWKSTTL] and
// [MaxJWKSTTL]). A kid missing from the cached set forces an immediate
// re-fetch, since that is how a rotated key appears, but at most one per
// [JWKSCooldown] per URL. A failed re-fetch keeps the old keys and is
// retried only after the cooldown. Each fetch is bounded by
// [DefaultTimeout]. It is safe for concurrent use; fetches of one URL run
// one at a time.
//
// Entries are kept apart by TLS trust as well as by URL: keys fetched by a
// client that skips TLS verification (or trusts an extra CA file) are never
// handed to a client with other trust settings.
type JWKSCache struct {
	now          func() time.Time
	cooldown     time.Duration
	fetchTimeout time.Duration // bounds each fetch, whatever the http.Client

	mu      sync.Mutex // guards entries
	entries map[jwksKey]*jwksEntry
}

// jwksKey identifies a cached JWKS: its URL and the TLS trust it was
// fetched under ("" = system roots, verified).
type jwksKey struct{ url, trust string }

// NewJWKSCache returns an empty cache; now is its clock (nil => time.Now).
func NewJWKSCache(now func() time.Time) *JWKSCache {
	if now == nil {
		now = time.Now
	}
	return &JWKSCache{now: now, cooldown: JWKSCooldown, fetchTimeout: DefaultTimeout, entries: map[jwksKey]*jwksEntry{}}
}

// jwksEntry is one URL's keys. sem serialises lookups and fetches.
type jwksEntry struct {
	url        string
	final      string // the URL the keys came from, when a redirect led elsewhere
	sem        chan struct{}
	set        *token.KeySet // nil until the first successful fetch
	fetchedAt  time.Time
	expires    time.Time
	lastForced time.Time
	fetches    int

	cacheControl string         // of the last successful fetch
	keys         []JWKSKey      // the keys of set, described
	history      []KeySetChange // key sets seen, oldest first
	published    atomic.Pointer[JWKSSnapshot]
}

func (c *JWKSCache) entry(k jwksKey) *jwksEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		e = &jwksEntry{url: k.url, sem: make(chan struct{}, 1)}
		c.entries[k] = e
	}
	return e
}

// Source returns a token.KeySource for the JWKS at url, fetched with hc,
// which must verify TLS against the system roots (a [Client] with other
// trust settings gets its own entries through [Client.KeySource]).
func (c *JWKSCache) Source(url string, hc *http.Client) token.KeySource {
	return c.sourceFor(url, "", hc)
}

// sourceFor is Source for keys fetched under the given TLS trust.
func (c *JWKSCache) sourceFor(url, trust string, hc *http.Client) token.KeySource {
	return &jwksSource{cache: c, entry: c.entry(jwksKey{url, trust}), hc: hc}
}

// JWKSStats describes one cached JWKS.
type JWKSStats struct {
	URL       string        `json:"url"`
	FinalURL  string        `json:"final_url,omitempty"` // where a same-origin redirect led
	Fetches   int           `json:"fetches"`
	FetchedAt time.Time     `json:"fetched_at,omitzero"`
	Age       time.Duration `json:"age_ns"`
	Expires   time.Time     `json:"expires,omitzero"`
	Keys      int           `json:"keys"`
	Skipped   []string      `json:"skipped,omitempty"`
}

// Stats reports what the cache holds for url, fetched with verified TLS
// (or, when there is no such entry, under any other trust setting).
func (c *JWKSCache) Stats(url string) JWKSStats {
	e := c.statsEntry(url)
	e.sem <- struct{}{}
	defer func() { <-e.sem }()
	s := JWKSStats{URL: url, FinalURL: e.final, Fetches: e.fetches, FetchedAt: e.fetchedAt, Expires: e.expires}
	if e.set != nil {
		l := e.usableKeys()
		s.Age = c.now().Sub(e.fetchedAt)
		s.Keys, s.Skipped = len(l.Keys), l.Skipped
	}
	return s
}

// statsEntry picks the entry Stats describes.
func (c *JWKSCache) statsEntry(url string) *jwksEntry {
	c.mu.Lock()
	e, ok := c.entries[jwksKey{url, ""}]
	for k, other := range c.entries {
		if !ok && k.url == url {
			e, ok = other, true
		}
	}
	c.mu.Unlock()
	if !ok {
		return c.entry(jwksKey{url, ""})
	}
	return e
}

type jwksSource struct {
	cache *JWKSCache
	entry *jwksEntry
	hc    *http.Client
}

// Lookup returns the cached keys, fetching them when absent or expired, and
// re-fetching once (subject to the cooldown) when kid is not among them.
// Origin says where the keys came from and how they were found.
func (s *jwksSource) Lookup(ctx context.Context, kid string) (token.KeyLookup, error) {
	e := s.entry
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return token.KeyLookup{}, ctx.Err()
	}
	defer func() { <-e.sem }()
	defer s.cache.publish(e)
	now := s.cache.now()
	how := ""
	if e.set == nil || !now.Before(e.expires) {
		stale := e.set != nil
		if err := s.fetch(ctx, now); err != nil {
			if !stale {
				return token.KeyLookup{}, err
			}
			// Keep the old keys, and wait a cooldown before trying again:
			// a broken IdP must not get one request per token.
			e.expires = now.Add(s.cache.cooldown)
			how = fmt.Sprintf("re-fetch failed, using keys cached %s ago (next try in %s): %v",
				age(now.Sub(e.fetchedAt)), age(s.cache.cooldown), err)
		} else {
			how = "fetched now"
		}
	}
	if kid != "" && !hasKid(e.set, kid) {
		how = s.forceRefetch(ctx, now, kid)
	}
	if how == "" {
		how = "cached " + age(now.Sub(e.fetchedAt))
	}
	return token.KeyLookup{Keys: e.set.Keys(), Origin: fmt.Sprintf("JWKS %s (%s)", e.source(), how), Skipped: e.set.Skipped(), Remote: true}, nil
}

// source names where the keys came from: the JWKS URL, and the final URL
// when a same-origin redirect led elsewhere.
func (e *jwksEntry) source() string {
	if e.final != "" {
		return e.final + ", redirected from " + redactURL(e.url)
	}
	return redactURL(e.url)
}

// forceRefetch handles an unknown kid and says what happened.
func (s *jwksSource) forceRefetch(ctx context.Context, now time.Time, kid string) string {
	e := s.entry
	if !e.lastForced.IsZero() && now.Sub(e.lastForced) < s.cache.cooldown {
		wait := s.cache.cooldown - now.Sub(e.lastForced)
		return fmt.Sprintf("kid %q unknown; cached %s; re-fetch held back by the %s cooldown (next allowed in %s)",
			kid, age(now.Sub(e.fetchedAt)), s.cache.cooldown, age(wait))
	}
	e.lastForced = now
	if err := s.fetch(ctx, now); err != nil {
		return fmt.Sprintf("kid %q unknown; re-fetch failed, using keys cached %s ago: %v", kid, age(now.Sub(e.fetchedAt)), err)
	}
	if hasKid(e.set, kid) {
		return fmt.Sprintf("re-fetched now: kid %q was unknown (key rotation)", kid)
	}
	return fmt.Sprintf("re-fetched now: kid %q is still not in the set", kid)
}

// fetch downloads and parses the JWKS, keeping the old keys on failure. It
// is bounded by the cache's fetch timeout whatever the http.Client's own.
func (s *jwksSource) fetch(ctx context.Context, now time.Time) error {
	e := s.entry
	if s.cache.fetchTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cache.fetchTimeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(withEndpoint(ctx, "jwks"), http.MethodGet, e.url, nil)
	if err != nil {
		return fmt.Errorf("jwks_uri %q: %w", redactURL(e.url), err)
	}
	req.Header.Set("Accept", "application/json, application/jwk-set+json")
	e.fetches++
	hc := *s.hc
	hc.CheckRedirect = checkRedirect // same-origin only, whatever client the source was given
	resp, err := hc.Do(req)
	if err != nil {
		return transportError("jwks", e.url, err)
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, MaxResponseBytes)
	if err != nil {
		return transportError("jwks", e.url, err)
	}
	if _, err := decodeObject("jwks", e.url, resp.StatusCode, resp.Header, body); err != nil {
		return err
	}
	final := finalURL(resp)
	if final == redactURL(e.url) {
		final = ""
	}
	set, err := token.ParseJWKS(body, "JWKS "+redactURL(e.url))
	if err != nil {
		return fmt.Errorf("jwks endpoint: %w", err)
	}
	e.set, e.final, e.fetchedAt, e.expires = set, final, now, now.Add(cacheTTL(resp.Header))
	e.cacheControl = resp.Header.Get("Cache-Control")
	e.recordKeySet(set, now)
	return nil
}

// cacheTTL reads Cache-Control (RFC 9111 §5.2.2): max-age, or no-cache and
// no-store (which mean the floor), within [MinJWKSTTL, MaxJWKSTTL].
func cacheTTL(h http.Header) time.Duration {
	ttl := DefaultJWKSTTL
	for _, d := range strings.Split(strings.ToLower(h.Get("Cache-Control")), ",") {
		d = strings.TrimSpace(d)
		switch {
		case d == "no-cache" || d == "no-store":
			return MinJWKSTTL
		case strings.HasPrefix(d, "max-age="):
			if n, err := strconv.Atoi(strings.Trim(d[len("max-age="):], `"`)); err == nil {
				ttl = time.Duration(n) * time.Second
			}
		}
	}
	return min(max(ttl, MinJWKSTTL), MaxJWKSTTL)
}

func hasKid(set *token.KeySet, kid string) bool {
	for _, k := range set.Keys() {
		if k.KeyID == kid {
			return true
		}
	}
	return false
}

// age renders a duration in whole seconds (or minutes past an hour's worth).
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < 2*time.Minute {
		return strconv.Itoa(int(d.Seconds())) + " s"
	}
	return strconv.Itoa(int(d.Minutes())) + " min"
}
