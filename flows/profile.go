package flows

import (
	"net/url"

	"github.com/tokeninspector/tokeninspector/store"
)

// ConfigFromProfile maps a saved profile and its secrets to a Config. The
// CLI (--profile) and the desktop app both build their clients with it.
func ConfigFromProfile(p store.Profile, c store.Credentials) Config {
	e := p.Endpoints
	return Config{
		Issuer: p.Issuer,
		Endpoints: Endpoints{
			Authorization: e.Authorization, Token: e.Token, Introspection: e.Introspection,
			Revocation: e.Revocation, UserInfo: e.UserInfo, DeviceAuthorization: e.DeviceAuthorization, JWKS: e.JWKS,
		},
		ClientID:     p.ClientID,
		ClientSecret: c.ClientSecret,
		AuthMethod:   AuthMethod(p.AuthMethod),
		PrivateKey:   c.PrivateKey,
		PrivateKeyID: p.PrivateKeyID,
		Scopes:       p.Scopes,
		Audience:     p.Audience,
		Resources:    p.Resources,
		Params:       url.Values(p.Values()),
		RedirectHost: p.RedirectHost,
		RedirectPort: p.RedirectPort,
		RedirectPath: p.RedirectPath,
		CAFile:       p.CAFile,
		Insecure:     p.Insecure,
		Skew:         p.Skew.D(),
		Timeout:      p.Timeout.D(),
	}
}
