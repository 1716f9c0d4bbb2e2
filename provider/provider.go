// Package provider recognises the identity provider that issued a token and
// explains its known quirks, so that a token that follows its provider's real
// behaviour is not reported as an attack, a key rotation or a foreign issuer.
//
// Recognition uses evidence, not only the issuer host: self-hosted, proxied
// and test setups use other hosts, so header and claim shapes count too (see
// the recognisers in recognise.go). Each quirk found is a token.Warning whose id is
// "provider.<provider>.<quirk>", with a message that says what is going on
// and what to do, and the documentation it comes from in Spec. Where a quirk
// makes a generic verdict of package token misleading (a Keycloak refresh
// token's "algorithm confusion", an Okta org token's "keys may have rotated",
// an Auth0 userinfo token's "give the private key"), the verdict is replaced
// by the explanation; a signature never becomes "valid" because of one.
//
// The package sits on top of token: [Inspect] is token.Inspect followed by
// [Diagnose]. The CLI, flows and the GUI all call it. It does no network I/O
// of its own and never imports Fyne.
package provider

import (
	"context"
	"slices"

	"github.com/tokeninspector/tokeninspector/token"
)

// Inspect inspects raw with token.Inspect, then recognises its provider
// and adds the provider's diagnoses to the report.
func Inspect(ctx context.Context, raw string, opts token.Options) (*token.Report, error) {
	r, err := token.Inspect(ctx, raw, opts)
	if err != nil {
		return nil, err
	}
	Diagnose(ctx, raw, r, opts)
	return r, nil
}

// Diagnose recognises the provider of an inspected token (r.Provider) and
// puts its diagnoses first in r.Warnings, adjusting verdicts the quirks
// would make misleading. opts are the options r was inspected with: the
// expected issuer and audience, and the keys (to check a Microsoft Graph
// token's hashed-nonce signature).
func Diagnose(ctx context.Context, raw string, r *token.Report, opts token.Options) {
	if r == nil {
		return
	}
	t := newFacts(raw, r, opts)
	r.Provider = recognise(t)
	d := &diagnosis{t: t, r: r, opts: opts}
	for _, run := range diagnoses {
		run(ctx, d)
	}
	if len(d.found) > 0 {
		r.Warnings = append(d.found, r.Warnings...)
	}
}

// diagnoses run in this order; each one decides whether it applies.
var diagnoses = []func(context.Context, *diagnosis){
	entraGraphToken, entraTenantPlaceholder, entraIssuerVersion,
	googleIssuerScheme, googleOpaqueAccessToken,
	oktaOrgServerAccessToken,
	auth0EncryptedAccessToken, auth0ClientCredentials,
	keycloakRefreshToken, keycloakDefaultAudience, keycloakHostnameIssuer,
	cognitoAccessTokenAudience, cognitoEncryptedRefreshToken,
	githubActionsToken,
	kubernetesBoundToken, kubernetesLegacyToken,
}

// diagnosis collects the findings for one report.
type diagnosis struct {
	t     *facts
	r     *token.Report
	opts  token.Options
	found []token.Warning
}

// add records a diagnosis.
func (d *diagnosis) add(id, msg, source string) {
	d.found = append(d.found, token.Warning{ID: id, Message: msg, Spec: source})
}

// is reports whether the token was recognised as provider id.
func (d *diagnosis) is(id string) bool {
	return d.r.Provider != nil && d.r.Provider.ID == id
}

// dropWarning removes the generic warnings with that id.
func (d *diagnosis) dropWarning(id string) {
	d.r.Warnings = slices.DeleteFunc(d.r.Warnings, func(w token.Warning) bool { return w.ID == id })
}

// setCheck replaces the check with that id (or appends it); an empty Spec
// keeps the check's own.
func (d *diagnosis) setCheck(c token.Check) {
	for i := range d.r.Checks {
		if d.r.Checks[i].ID == c.ID {
			if c.Spec == "" {
				c.Spec = d.r.Checks[i].Spec
			}
			d.r.Checks[i] = c
			return
		}
	}
	d.r.Checks = append(d.r.Checks, c)
}

// amendCheck appends a pointer to a diagnosis to a check's message.
func (d *diagnosis) amendCheck(id, note string) {
	for i := range d.r.Checks {
		if d.r.Checks[i].ID == id {
			d.r.Checks[i].Message += " (" + note + ")"
		}
	}
}

// checkStatus returns the status of a check, or "".
func (d *diagnosis) checkStatus(id string) token.CheckStatus {
	c, _ := d.r.Check(id)
	return c.Status
}
