package flows

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/tokeninspector/tokeninspector/token"
)

// maxKeySetHistory bounds the key-set history kept per JWKS URL.
const maxKeySetHistory = 50

// CertSoon is how close to its expiry an x5c certificate is flagged as
// expiring soon.
const CertSoon = 30 * 24 * time.Hour

// JWKSKey describes one key of a JWKS, as the keys view shows it.
type JWKSKey struct {
	Kid        string    `json:"kid"`
	Kty        string    `json:"kty"`           // RSA, EC, OKP
	Crv        string    `json:"crv,omitempty"` // P-256, Ed25519, ...
	Size       int       `json:"size"`          // bits: RSA modulus, curve size
	Alg        string    `json:"alg,omitempty"`
	Use        string    `json:"use,omitempty"`
	Thumbprint string    `json:"thumbprint"` // RFC 7638, SHA-256, base64url
	Cert       *CertInfo `json:"x5c,omitempty"`
}

// ID names the key in the key-set history: its kid, or its thumbprint
// when it has none.
func (k JWKSKey) ID() string {
	if k.Kid != "" {
		return k.Kid
	}
	return "thumbprint " + k.Thumbprint
}

// CertInfo is the first certificate of a key's x5c chain (RFC 7517 §4.7).
type CertInfo struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
}

// State is "expired", "expires soon" (within [CertSoon]) or "" at now.
func (c CertInfo) State(now time.Time) string {
	switch {
	case !now.Before(c.NotAfter):
		return "expired"
	case c.NotAfter.Sub(now) < CertSoon:
		return "expires soon"
	}
	return ""
}

// KeySetChange is one key set seen at a JWKS URL: the first one, or one
// that differs from the one before (key rotation).
type KeySetChange struct {
	At       time.Time `json:"at"`        // the fetch that first returned it
	LastSeen time.Time `json:"last_seen"` // the last fetch that returned it
	Keys     []string  `json:"keys"`      // key IDs (see [JWKSKey.ID])
	Added    []string  `json:"added,omitempty"`
	Removed  []string  `json:"removed,omitempty"`
}

// JWKSSnapshot is what the cache knows about one JWKS URL: its keys, how
// fresh they are, and the key sets seen this run.
type JWKSSnapshot struct {
	JWKSStats
	CacheControl string         `json:"cache_control,omitempty"` // of the last successful fetch
	LastForced   time.Time      `json:"last_forced,omitzero"`    // the last re-fetch for an unknown kid
	Cooldown     time.Duration  `json:"cooldown_ns"`             // least time between two such re-fetches
	KeyList      []JWKSKey      `json:"key_list"`
	History      []KeySetChange `json:"history"`
}

// NextForcedRefetch is the earliest time an unknown kid may trigger another
// re-fetch (zero: at once).
func (s JWKSSnapshot) NextForcedRefetch() time.Time {
	if s.LastForced.IsZero() {
		return time.Time{}
	}
	return s.LastForced.Add(s.Cooldown)
}

// Snapshot describes the cached JWKS at url (verified TLS first, as
// [JWKSCache.Stats]). It never fetches and never waits for a fetch: during
// one it returns the state before it.
func (c *JWKSCache) Snapshot(url string) JWKSSnapshot {
	return c.snapshot(c.statsEntry(url))
}

// JWKS describes the profile's cached JWKS without any network call; false
// when the jwks_uri is not known yet (not given and not discovered).
func (c *Client) JWKS() (JWKSSnapshot, bool) {
	u := c.currentEndpoints().JWKS
	if u == "" {
		return JWKSSnapshot{}, false
	}
	return c.jwks.snapshot(c.jwks.entry(jwksKey{u, c.trust()})), true
}

// snapshot returns the entry's last published state. It never waits for a
// fetch in progress, so a UI can call it at any time.
func (c *JWKSCache) snapshot(e *jwksEntry) JWKSSnapshot {
	p := e.published.Load()
	if p == nil {
		return JWKSSnapshot{JWKSStats: JWKSStats{URL: e.url}, Cooldown: c.cooldown}
	}
	s := *p
	if !s.FetchedAt.IsZero() && s.Keys > 0 {
		s.Age = c.now().Sub(s.FetchedAt)
	}
	return s
}

// publish records the entry's state for [JWKSCache.Snapshot]. e.sem must be
// held. The published value is never changed afterwards.
func (c *JWKSCache) publish(e *jwksEntry) {
	s := &JWKSSnapshot{
		JWKSStats:    JWKSStats{URL: e.url, FinalURL: e.final, Fetches: e.fetches, FetchedAt: e.fetchedAt, Expires: e.expires},
		CacheControl: e.cacheControl, LastForced: e.lastForced, Cooldown: c.cooldown,
		KeyList: e.keys, History: slices.Clone(e.history),
	}
	if e.set != nil {
		l := e.usableKeys()
		s.Keys, s.Skipped = len(l.Keys), l.Skipped
	}
	e.published.Store(s)
}

// usableKeys is the entry's key set as verification uses it: a symmetric
// key, never used from the network, is left out and listed as skipped with
// its warning (token.DropRemoteSymmetric), so no view counts or lists it as
// a key. e.set must not be nil.
func (e *jwksEntry) usableKeys() token.KeyLookup {
	return token.DropRemoteSymmetric(token.KeyLookup{Keys: e.set.Keys(), Origin: "JWKS " + e.source(), Skipped: e.set.Skipped(), Remote: true})
}

// recordKeySet describes the keys of a successful fetch and adds the set to
// the history when it differs from the last one. e.sem must be held.
func (e *jwksEntry) recordKeySet(set *token.KeySet, now time.Time) {
	e.keys = describeKeys(token.DropRemoteSymmetric(token.KeyLookup{Keys: set.Keys(), Remote: true}).Keys)
	ids := make([]string, len(e.keys))
	for i, k := range e.keys {
		ids[i] = k.ID()
	}
	if n := len(e.history); n > 0 && slices.Equal(e.history[n-1].Keys, ids) {
		e.history[n-1].LastSeen = now
		return
	}
	ch := KeySetChange{At: now, LastSeen: now, Keys: ids}
	if n := len(e.history); n > 0 {
		ch.Added, ch.Removed = diffIDs(e.history[n-1].Keys, ids)
	}
	e.history = append(e.history, ch)
	if len(e.history) > maxKeySetHistory {
		e.history = slices.Delete(e.history, 0, len(e.history)-maxKeySetHistory)
	}
}

// diffIDs returns the IDs in now but not in before, and the other way round.
func diffIDs(before, now []string) (added, removed []string) {
	for _, id := range now {
		if !slices.Contains(before, id) {
			added = append(added, id)
		}
	}
	for _, id := range before {
		if !slices.Contains(now, id) {
			removed = append(removed, id)
		}
	}
	return added, removed
}

func describeKeys(keys []jose.JSONWebKey) []JWKSKey {
	out := make([]JWKSKey, 0, len(keys))
	for _, k := range keys {
		d := JWKSKey{Kid: k.KeyID, Alg: k.Algorithm, Use: k.Use, Thumbprint: token.Thumbprint(k)}
		switch pub := k.Key.(type) {
		case *rsa.PublicKey:
			d.Kty, d.Size = "RSA", pub.N.BitLen()
		case *ecdsa.PublicKey:
			d.Kty, d.Crv, d.Size = "EC", pub.Curve.Params().Name, pub.Curve.Params().BitSize
		case ed25519.PublicKey:
			d.Kty, d.Crv, d.Size = "OKP", "Ed25519", 256
		}
		if len(k.Certificates) > 0 {
			c := k.Certificates[0]
			d.Cert = &CertInfo{Subject: c.Subject.String(), Issuer: c.Issuer.String(), NotBefore: c.NotBefore, NotAfter: c.NotAfter}
		}
		out = append(out, d)
	}
	return out
}
