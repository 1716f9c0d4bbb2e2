package flowtrace

import (
	"slices"
	"strings"
)

// paramDoc explains one OAuth/OIDC parameter.
type paramDoc struct {
	meaning string
	spec    string
	secret  bool // a credential: shortened on display
}

// paramDocs explains the parameters of authorization requests, callbacks,
// token requests and responses, and the other endpoints.
var paramDocs = map[string]paramDoc{
	"response_type":            {"what the client asks back: \"code\" is the authorization code flow; \"token\" or \"id_token\" put tokens in the URL (implicit/hybrid)", "RFC 6749 §3.1.1; OIDC Core 3", false},
	"client_id":                {"the client's identifier at the IdP", "RFC 6749 §2.2", false},
	"redirect_uri":             {"where the IdP sends the browser back; must match a registered URI exactly, and the token request must repeat it", "RFC 6749 §3.1.2, §4.1.3", false},
	"scope":                    {"the access asked for; \"openid\" makes it an OpenID Connect request", "RFC 6749 §3.3; OIDC Core 3.1.2.1", false},
	"state":                    {"an unguessable value the client checks in the callback, against CSRF and mix-ups", "RFC 6749 §10.12", false},
	"nonce":                    {"a value the ID token must repeat, binding it to this login (replay protection)", "OIDC Core 3.1.2.1, 3.1.3.7", false},
	"code_challenge":           {"PKCE: a hash of the secret code_verifier the token request will send", "RFC 7636 §4.2", false},
	"code_challenge_method":    {"PKCE method: S256 (hash) is required; plain sends the verifier itself", "RFC 7636 §4.3; RFC 9700 §2.1.1", false},
	"code_verifier":            {"PKCE: the secret whose hash was sent as code_challenge; proves the token request comes from the client that started the login", "RFC 7636 §4.5", true},
	"prompt":                   {"whether the IdP must show the login (login), consent (consent), account choice (select_account) or nothing (none)", "OIDC Core 3.1.2.1", false},
	"max_age":                  {"the oldest sign-in the client accepts, in seconds; the ID token then carries auth_time", "OIDC Core 3.1.2.1", false},
	"login_hint":               {"the user the client expects (e-mail or login name)", "OIDC Core 3.1.2.1", false},
	"id_token_hint":            {"an ID token naming the user already signed in (prompt=none, logout)", "OIDC Core 3.1.2.1; RP-Initiated Logout 2", false},
	"acr_values":               {"the authentication strength asked for", "OIDC Core 3.1.2.1", false},
	"ui_locales":               {"the languages of the IdP's pages", "OIDC Core 3.1.2.1", false},
	"display":                  {"how the IdP shows its pages: page, popup, touch, wap", "OIDC Core 3.1.2.1", false},
	"response_mode":            {"how the answer comes back: query, fragment, or form_post (an auto-submitted form)", "OAuth 2.0 Multiple Response Types; Form Post Response Mode", false},
	"request":                  {"the whole authorization request as a signed JWT (JAR)", "RFC 9101", false},
	"request_uri":              {"a reference to an authorization request pushed earlier (PAR) or hosted by the client", "RFC 9126 §4; RFC 9101", false},
	"claims":                   {"the individual claims asked for", "OIDC Core 5.5", false},
	"audience":                 {"the API the access token is for (a vendor parameter: Auth0, Okta)", "vendor", false},
	"resource":                 {"the API the access token is for", "RFC 8707 §2", false},
	"authorization_details":    {"rich authorization request: what exactly is asked for", "RFC 9396", false},
	"dpop_jkt":                 {"the thumbprint of the DPoP key the code is bound to", "RFC 9449 §10", false},
	"code":                     {"the authorization code: single use, short-lived; the client redeems it at the token endpoint", "RFC 6749 §4.1.2", true},
	"iss":                      {"the issuer that sent this response: the client must check it (mix-up protection)", "RFC 9207 §2", false},
	"error":                    {"the OAuth error code", "RFC 6749 §4.1.2.1, §5.2", false},
	"error_description":        {"the IdP's explanation of the error", "RFC 6749 §4.1.2.1", false},
	"error_uri":                {"a page about the error", "RFC 6749 §4.1.2.1", false},
	"session_state":            {"the IdP's session, for session management", "OIDC Session Management 3", false},
	"grant_type":               {"what the token request redeems: authorization_code, refresh_token, client_credentials, device_code ...", "RFC 6749 §4", false},
	"refresh_token":            {"a long-lived credential for new access tokens", "RFC 6749 §1.5, §6", true},
	"client_secret":            {"the client's password", "RFC 6749 §2.3.1", true},
	"client_assertion":         {"a signed JWT authenticating the client", "RFC 7523 §2.2", true},
	"client_assertion_type":    {"the kind of client_assertion (jwt-bearer)", "RFC 7521 §4.2", false},
	"access_token":             {"the access token: the key to the API", "RFC 6749 §1.4, §5.1", true},
	"token_type":               {"how to use the access token: Bearer or DPoP", "RFC 6749 §7.1; RFC 9449", false},
	"expires_in":               {"the access token's lifetime in seconds", "RFC 6749 §5.1", false},
	"id_token":                 {"the ID token: who signed in, when and how, signed by the IdP", "OIDC Core 2", false},
	"token":                    {"the token to introspect or revoke", "RFC 7662 §2.1; RFC 7009 §2.1", true},
	"token_type_hint":          {"what kind of token is being introspected or revoked", "RFC 7662 §2.1; RFC 7009 §2.1", false},
	"post_logout_redirect_uri": {"where the IdP sends the browser after logout", "RP-Initiated Logout 2", false},
	"device_code":              {"the device's secret for polling the token endpoint", "RFC 8628 §3.2", true},
	"user_code":                {"the code the user types on the verification page", "RFC 8628 §3.2", false},
	"verification_uri":         {"where the user goes to approve the device", "RFC 8628 §3.2", false},
	"interval":                 {"how often the device may poll, in seconds", "RFC 8628 §3.2", false},
	"password":                 {"the user's password", "", true},
	"username":                 {"the user's login name", "", false},
	"active":                   {"whether the token is currently valid", "RFC 7662 §2.2", false},
	"logout_token":             {"back-channel logout event", "OIDC Back-Channel Logout 2.4", false},
	"subject_token":            {"the token exchanged", "RFC 8693 §2.1", true},
	"actor_token":              {"the token of the acting party", "RFC 8693 §2.1", true},
}

// valueNotes explain particular values.
var valueNotes = map[string]map[string]string{
	"response_type": {
		"code":                "authorization code flow: the code comes back, tokens come from the token endpoint",
		"token":               "implicit flow: the access token comes back in the URL fragment (deprecated, RFC 9700 §2.1.2)",
		"id_token":            "implicit flow: the ID token comes back in the URL",
		"id_token token":      "implicit flow: both tokens come back in the URL (deprecated, RFC 9700 §2.1.2)",
		"code id_token":       "hybrid flow: a code and an ID token come back",
		"code token":          "hybrid flow: a code and an access token come back in the URL",
		"code id_token token": "hybrid flow: a code and both tokens come back in the URL",
		"none":                "no credential comes back",
	},
	"code_challenge_method": {
		"S256":  "SHA-256 of the verifier: the recommended method",
		"plain": "the verifier itself: anyone who sees the request can redeem the code (RFC 7636 §7.2)",
	},
	"prompt": {
		"none":           "no page at all: silent login, fails with login_required if there is no session",
		"login":          "sign in again even with a session",
		"consent":        "ask for consent again",
		"select_account": "let the user choose an account",
	},
	"response_mode": {
		"query":     "the answer comes in the callback URL's query",
		"fragment":  "the answer comes in the URL fragment (never sent to a server)",
		"form_post": "the answer comes as a form the browser posts to the redirect_uri",
	},
}

// explain returns a parameter with its meaning and spec.
func explain(name, value, in string) Param {
	p := Param{Name: name, Value: value, In: in}
	doc, ok := paramDocs[name]
	if !ok {
		return p
	}
	p.Meaning, p.Spec, p.Secret = doc.meaning, doc.spec, doc.secret
	if note, ok := valueNotes[name][normalizeSpaces(value)]; ok {
		p.Meaning += " — " + value + ": " + note
	}
	return p
}

// normalizeSpaces orders a space-separated value's words as valueNotes
// writes them ("token id_token" is "id_token token").
func normalizeSpaces(v string) string {
	words := strings.Fields(v)
	if len(words) < 2 {
		return v
	}
	order := map[string]int{"code": 0, "id_token": 1, "token": 2}
	slices.SortStableFunc(words, func(a, b string) int { return order[a] - order[b] })
	return strings.Join(words, " ")
}

// Shown returns the value for display: credentials shortened so a screen or
// a report does not carry them whole, and long values (tokens) cut.
func (p Param) Shown() string {
	switch {
	case p.Secret && len(p.Value) <= 12:
		return "(" + itoa(len(p.Value)) + " characters)"
	case p.Secret:
		return p.Value[:6] + "…(" + itoa(len(p.Value)) + " characters)"
	case len(p.Value) > 100:
		return p.Value[:40] + "…(" + itoa(len(p.Value)) + " characters)"
	}
	return p.Value
}
