package cli

import (
	"context"
	"errors"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// The network key sources of "inspect": --jwks URL and --issuer URL
// --discover both use the flows JWKS cache (one fetch per issuer per run,
// re-fetch on an unknown kid).

// jwksFromURL serves --jwks https://....
func jwksFromURL(ctx context.Context, u string) (token.KeySource, error) {
	c, err := flows.NewClient(flows.Config{Settings: settings.Settings{Endpoints: settings.Endpoints{JWKS: u}}})
	if err != nil {
		return nil, err
	}
	return c.KeySource(ctx)
}

// jwksFromDiscovery serves --issuer URL --discover: the jwks_uri of the
// issuer's discovery document (whose issuer must match exactly, or be a
// variant discovery accepts), and that issuer as the document writes it.
func jwksFromDiscovery(ctx context.Context, issuer string) (token.KeySource, string, error) {
	if issuer == "" {
		return nil, "", errors.New("--discover needs --issuer URL")
	}
	c, err := flows.NewClient(flows.Config{Settings: settings.Settings{Issuer: issuer}})
	if err != nil {
		return nil, "", err
	}
	ks, err := c.KeySource(ctx)
	if err != nil {
		return nil, "", err
	}
	return ks, c.Issuer(), nil
}
