package provider

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tokeninspector/tokeninspector/token"
)

// Sources of the Keycloak diagnoses.
const (
	srcKeycloakRefresh  = "keycloak/keycloak TokenUtil.java, RefreshToken.java; Keycloak 24.0.0 upgrading notes (hmac-generated-hs512); keycloak/keycloak#26957, #10659"
	srcKeycloakAudience = "https://www.keycloak.org/docs/latest/server_admin/#audience-support; keycloak/keycloak-nodejs-connect#308"
	srcKeycloakHostname = "https://www.keycloak.org/server/hostname; keycloak/keycloak#35262, #17634"
)

// keycloakRefreshToken: refresh and offline tokens are signed with the
// realm's internal HMAC key, which is never published: clients cannot
// verify them, by design.
func keycloakRefreshToken(_ context.Context, d *diagnosis) {
	typ := d.t.str("typ")
	alg := d.t.hdr("alg")
	if !d.is("keycloak") || (typ != "Refresh" && typ != "Offline") || !strings.HasPrefix(alg, "HS") {
		return
	}
	sig := &d.r.Signature
	switch sig.Code {
	case token.CodeAlgConfusion, token.CodeNoKey, token.CodeUnknownKid, token.CodeNoMatchingKey, token.CodeKeySource:
		sig.Status, sig.Code = token.SigUnverified, token.CodeKeyNotPublished
		sig.Reason = "Keycloak " + strings.ToLower(typ) + " token signed with the realm's internal " + alg +
			" key, which Keycloak never publishes: no client can verify it, by design (see provider.keycloak.refresh_token)"
		d.dropWarning("alg_confusion")
	}
	kind := "refresh token"
	if typ == "Offline" {
		kind = "offline token (a refresh token that outlives the session)"
	}
	d.add("provider.keycloak.refresh_token", fmt.Sprintf("a Keycloak %s (typ claim %q), signed with %s by the realm's internal HMAC key "+
		"(HS512 since Keycloak 24, HS256 before): that key is never in the realm's JWKS, so clients cannot verify refresh tokens, by design. "+
		"This is how Keycloak works, not a fault of the token: treat the refresh token as opaque and let Keycloak check it when you redeem it at the token endpoint.", kind, typ, alg), srcKeycloakRefresh)
}

// keycloakDefaultAudience: access tokens carry aud "account" (the built-in
// account client) by default; the client that asked is in azp.
func keycloakDefaultAudience(_ context.Context, d *diagnosis) {
	aud := d.t.strs("aud")
	azp := d.t.str("azp")
	if !d.is("keycloak") || !slices.Contains(aud, "account") || azp == "" || slices.Contains(aud, azp) || d.t.str("typ") == "ID" {
		return
	}
	d.add("provider.keycloak.default_audience", fmt.Sprintf("aud is %s: Keycloak adds its built-in account client as an audience by default (for the account-client roles "+
		"of the roles client scope); the client that asked for the token is in azp (%q). For your API to find itself in aud, add an Audience mapper "+
		"(or a client scope with one) naming your API's client id; do not accept \"account\" as your API's audience.", quoted(aud), azp), srcKeycloakAudience)
	if d.checkStatus("aud") == token.Fail {
		d.amendCheck("aud", "Keycloak's default audience: see provider.keycloak.default_audience")
	}
}

// keycloakHostnameIssuer: the same /realms/<realm> on another host is
// Keycloak's hostname / frontend URL setting, not a foreign issuer.
func keycloakHostnameIssuer(_ context.Context, d *diagnosis) {
	want := d.opts.Issuer
	realm := keycloakRealm(d.t.iss)
	if want == "" || realm == "" || d.t.issURL == nil || d.checkStatus("iss") != token.Fail {
		return
	}
	if keycloakRealm(want) != realm || urlPath(want) != d.t.issURL.Path || urlHostPort(want) == urlHostPort(d.t.iss) {
		return
	}
	d.amendCheck("iss", "same Keycloak realm on another host: see provider.keycloak.hostname_issuer")
	d.add("provider.keycloak.hostname_issuer", fmt.Sprintf("the issuer %q and the expected %q name the same realm (/realms/%s) on different hosts. "+
		"Keycloak writes iss from its hostname / frontend URL setting, or from the host the request came in through, so a token fetched through "+
		"another host name (an internal service name, a proxy, localhost) carries that host. It is not a foreign issuer: set the hostname "+
		"(KC_HOSTNAME, or the realm's Frontend URL) so every client sees one issuer, or fetch tokens through the URL your API expects.", d.t.iss, want, realm), srcKeycloakHostname)
}

// urlHostPort returns scheme://host:port of a URL, lower case.
func urlHostPort(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Scheme + "://" + p.Host)
}
