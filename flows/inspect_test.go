package flows

import (
	"context"
	"strings"
	"testing"

	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// TestNoJWKSSaysWhy: a profile with manual endpoints and no JWKS gets its
// ID token's signature reported as unverified because of that, not as if no
// key had been asked for.
func TestNoJWKSSaysWhy(t *testing.T) {
	f := newFakeIdP(t)
	c, err := NewClient(Config{Settings: settings.Settings{ClientID: "cli", Endpoints: settings.Endpoints{Token: f.srv.URL + "/token"}}},
		WithJWKSCache(NewJWKSCache(nil)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Refresh(context.Background(), "rt-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	sig := res.IDToken.Report.Signature
	if sig.Status != token.SigUnverified || sig.Code != token.CodeKeySource || !strings.Contains(sig.Reason, "jwks") {
		t.Errorf("signature = %+v; want unverified because there is no jwks endpoint", sig)
	}
}
