package demoidp

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestRotatedRefreshTokensForgotten: a long session of refreshes keeps the
// store's size flat: rotated-out refresh tokens are dropped after the grace
// period (within it, reuse is still detected: TestRefreshRotates).
func TestRotatedRefreshTokensForgotten(t *testing.T) {
	s := startServer(t, Options{})
	s.store.testGrace = time.Nanosecond
	_, tok := codeFlow(t, s, "alice")
	rt := tok.RefreshToken
	for range 20 {
		next := tokenRequest(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {NativeClientID}}, "", "")
		if next.status != http.StatusOK {
			t.Fatalf("refresh: %d %s", next.status, next.Error)
		}
		rt = next.RefreshToken
	}
	if n := len(s.store.RefreshTokens); n > 2 {
		t.Errorf("%d refresh tokens kept after 20 rotations, want the current one (and at most the one before)", n)
	}
	if m := introspect(t, s, rt); m["active"] != true {
		t.Errorf("the current refresh token is not active: %v", m)
	}
}
