package flows

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/store"
)

// ConfigFromProfile must carry every field the client needs.
func TestConfigFromProfile(t *testing.T) {
	p := store.Profile{
		Issuer: "https://i", ClientID: "c", AuthMethod: store.AuthPrivateKeyJWT, PrivateKeyID: "k1",
		Endpoints: store.Endpoints{Authorization: "https://i/a", Token: "https://i/t", Introspection: "https://i/in",
			Revocation: "https://i/r", UserInfo: "https://i/u", DeviceAuthorization: "https://i/d", JWKS: "https://i/j"},
		Scopes: []string{"openid"}, Audience: "aud", Resources: []string{"https://api"},
		Params:       map[string][]string{"acr_values": {"gold"}},
		RedirectHost: "[::1]", RedirectPort: 9, RedirectPath: "/cb", CAFile: "/ca.pem", Insecure: true,
		Skew: store.Duration(time.Minute), Timeout: store.Duration(5 * time.Second),
	}
	cfg := ConfigFromProfile(p, store.Credentials{ClientSecret: "s", PrivateKey: []byte("pk")})
	want := Config{
		Issuer: "https://i", ClientID: "c", ClientSecret: "s", AuthMethod: AuthPrivateKeyJWT, PrivateKey: []byte("pk"), PrivateKeyID: "k1",
		Endpoints: Endpoints{Authorization: "https://i/a", Token: "https://i/t", Introspection: "https://i/in",
			Revocation: "https://i/r", UserInfo: "https://i/u", DeviceAuthorization: "https://i/d", JWKS: "https://i/j"},
		Scopes: []string{"openid"}, Audience: "aud", Resources: []string{"https://api"},
		Params:       map[string][]string{"acr_values": {"gold"}},
		RedirectHost: "[::1]", RedirectPort: 9, RedirectPath: "/cb", CAFile: "/ca.pem", Insecure: true,
		Skew: time.Minute, Timeout: 5 * time.Second,
	}
	got, _ := json.Marshal(cfg)
	exp, _ := json.Marshal(want)
	if !bytes.Equal(got, exp) {
		t.Errorf("ConfigFromProfile:\n got %s\nwant %s", got, exp)
	}
}
