package flows

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// jwksServer serves a settable key set with a Cache-Control header.
type jwksServer struct {
	mu   sync.Mutex
	keys []jose.JSONWebKey
	srv  *httptest.Server
}

func newJWKSServer(t *testing.T, keys ...jose.JSONWebKey) *jwksServer {
	s := &jwksServer{keys: keys}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=120")
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: s.keys})
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *jwksServer) set(keys ...jose.JSONWebKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
}

// certKey is an EC P-256 key published with a self-signed x5c certificate
// valid until notAfter.
func certKey(t *testing.T, kid string, notAfter time.Time) jose.JSONWebKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "signer " + kid},
		NotBefore: notAfter.Add(-365 * 24 * time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "ES256", Use: "sig", Certificates: []*x509.Certificate{cert}}
}

func rsaKey(t *testing.T, kid string, bits int) jose.JSONWebKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}
}

// TestJWKSSnapshotKeysAndRotation: the snapshot describes every key (type,
// size, thumbprint, certificate), the Cache-Control of the fetch, and the
// key sets seen, with a rotation as added and removed keys.
func TestJWKSSnapshotKeysAndRotation(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	okp := jose.JSONWebKey{Key: pub, Algorithm: "EdDSA", Use: "sig"} // no kid
	soon := certKey(t, "ec-1", clock.now().Add(10*24*time.Hour))
	r1 := rsaKey(t, "rsa-1", 2048)
	srv := newJWKSServer(t, r1, soon, okp)
	cache := NewJWKSCache(clock.now)
	src := cache.Source(srv.srv.URL, http.DefaultClient)
	ctx := context.Background()

	if s := cache.Snapshot(srv.srv.URL); len(s.KeyList) != 0 || len(s.History) != 0 || s.Fetches != 0 {
		t.Fatalf("before any fetch: %+v", s)
	}
	if _, err := src.Lookup(ctx, "rsa-1"); err != nil {
		t.Fatal(err)
	}
	clock.advance(20 * time.Second)
	s := cache.Snapshot(srv.srv.URL)
	if s.CacheControl != "public, max-age=120" || s.Age != 20*time.Second || s.Keys != 3 || len(s.KeyList) != 3 {
		t.Fatalf("snapshot: cache-control %q age %v keys %d/%d", s.CacheControl, s.Age, s.Keys, len(s.KeyList))
	}
	want := []struct {
		kid, kty, crv string
		size          int
		alg           string
	}{
		{"rsa-1", "RSA", "", 2048, "RS256"}, {"ec-1", "EC", "P-256", 256, "ES256"}, {"", "OKP", "Ed25519", 256, "EdDSA"},
	}
	for i, w := range want {
		k := s.KeyList[i]
		if k.Kid != w.kid || k.Kty != w.kty || k.Crv != w.crv || k.Size != w.size || k.Alg != w.alg || k.Use != "sig" {
			t.Errorf("key %d = %+v, want %+v", i, k, w)
		}
		if k.Thumbprint == "" || k.Thumbprint != token.Thumbprint(map[int]jose.JSONWebKey{0: r1, 1: soon, 2: okp}[i]) {
			t.Errorf("key %d thumbprint %q", i, k.Thumbprint)
		}
	}
	c := s.KeyList[1].Cert
	if c == nil || c.Subject != "CN=signer ec-1" || c.State(clock.now()) != "expires soon" ||
		c.State(clock.now().Add(11*24*time.Hour)) != "expired" || c.State(clock.now().Add(-60*24*time.Hour)) != "" {
		t.Errorf("certificate: %+v", c)
	}
	if len(s.History) != 1 || !slices.Equal(s.History[0].Keys, []string{"rsa-1", "ec-1", "thumbprint " + s.KeyList[2].Thumbprint}) ||
		s.History[0].Added != nil || s.History[0].Removed != nil {
		t.Errorf("history after the first fetch: %+v", s.History)
	}

	// Rotation: rsa-2 in, rsa-1 out; a token with kid rsa-2 forces a re-fetch.
	srv.set(rsaKey(t, "rsa-2", 2048), soon, okp)
	if _, err := src.Lookup(ctx, "rsa-2"); err != nil {
		t.Fatal(err)
	}
	s = cache.Snapshot(srv.srv.URL)
	if len(s.History) != 2 || !slices.Equal(s.History[1].Added, []string{"rsa-2"}) || !slices.Equal(s.History[1].Removed, []string{"rsa-1"}) {
		t.Fatalf("history after rotation: %+v", s.History)
	}
	if !s.LastForced.Equal(clock.now()) || !s.NextForcedRefetch().Equal(clock.now().Add(JWKSCooldown)) {
		t.Errorf("forced re-fetch %v, next %v", s.LastForced, s.NextForcedRefetch())
	}

	// The same set again (cache expired): no new history entry, last seen moves.
	clock.advance(3 * time.Minute)
	if _, err := src.Lookup(ctx, ""); err != nil {
		t.Fatal(err)
	}
	s = cache.Snapshot(srv.srv.URL)
	if len(s.History) != 2 || !s.History[1].LastSeen.Equal(clock.now()) || s.Fetches != 3 {
		t.Errorf("unchanged re-fetch: fetches %d history %+v", s.Fetches, s.History)
	}
}

// TestClientJWKSSnapshot: a client describes its issuer's cached JWKS once
// the jwks_uri is known, without fetching anything itself.
func TestClientJWKSSnapshot(t *testing.T) {
	f := newFakeIdP(t)
	c, err := NewClient(Config{Settings: settings.Settings{Issuer: f.issuer(), ClientID: "cli"}}, WithJWKSCache(NewJWKSCache(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.JWKS(); ok {
		t.Fatal("JWKS known before discovery")
	}
	if _, err := c.KeySource(context.Background()); err != nil { // discovers the jwks_uri
		t.Fatal(err)
	}
	s, ok := c.JWKS()
	if !ok || s.URL != f.issuer()+"/jwks" || s.Fetches != 0 || f.jwksCount() != 0 {
		t.Fatalf("after discovery: ok %v %+v, hits %d", ok, s, f.jwksCount())
	}
	src, _ := c.KeySource(context.Background())
	if _, err := src.Lookup(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if s, _ = c.JWKS(); s.Keys != 1 || len(s.KeyList) != 1 || s.KeyList[0].Kid != "key-1" || len(s.History) != 1 {
		t.Errorf("after a lookup: %+v", s)
	}
}

// TestJWKSSnapshotLeavesOutSymmetricKeys: a symmetric key published in a
// fetched JWKS is never counted or listed as a key of the keys view (and
// Stats): it is a skipped key with the warning that publishing it is a
// vulnerability, as verification treats it.
func TestJWKSSnapshotLeavesOutSymmetricKeys(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	oct := jose.JSONWebKey{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "hmac", Algorithm: "HS256"}
	srv := newJWKSServer(t, rsaKey(t, "rsa-1", 2048), oct)
	cache := NewJWKSCache(clock.now)
	if _, err := cache.Source(srv.srv.URL, http.DefaultClient).Lookup(context.Background(), "rsa-1"); err != nil {
		t.Fatal(err)
	}
	snap, stats := cache.Snapshot(srv.srv.URL), cache.Stats(srv.srv.URL)
	for _, s := range []JWKSStats{snap.JWKSStats, stats} {
		if s.Keys != 1 || len(s.Skipped) != 1 || !strings.Contains(s.Skipped[0], `kid "hmac"`) || !strings.Contains(s.Skipped[0], "vulnerability") {
			t.Errorf("keys %d, skipped %q; want 1 key and the symmetric key skipped with its warning", s.Keys, s.Skipped)
		}
	}
	if len(snap.KeyList) != 1 || snap.KeyList[0].Kid != "rsa-1" || !slices.Equal(snap.History[0].Keys, []string{"rsa-1"}) {
		t.Errorf("key list %+v, history %+v; want only rsa-1", snap.KeyList, snap.History)
	}
}
