package flowtrace

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// scenario is a single-page app's login as a browser records it: discovery
// and JWKS fetched by script, the authorization request, the IdP's login
// form, the redirect back, the token call and a userinfo call. Each field
// can be changed to break one thing.
type scenario struct {
	format        browserFormat
	start         time.Time
	responseType  string
	responseMode  string // "query" (default), "fragment", "form_post"
	state         string
	returnedState string
	omitState     bool // the callback has no state
	nonce         string
	tokenNonce    string
	redirect      string
	tokenRedirect string
	method        string // code_challenge_method; "none" omits PKCE
	verifier      string
	tokenVerifier string
	code          string
	callbackError string
	iss           string // iss in the callback; "" for none
	issParam      bool   // discovery announces RFC 9207
	tokenStatus   int
	tokenError    string // Chrome's _error when tokenStatus is 0
	dateSkew      time.Duration
	tokenLife     time.Duration
	clientSecret  string
	password      string
	session       string
	refreshToken  string
	jsonBase64    bool     // the token response body as base64
	omitVerifier  bool     // the token request has no code_verifier
	omitNonce     bool     // the ID token has no nonce
	signer        *testIdP // signs the tokens (nil: the IdP whose JWKS is captured)
	brokenIDToken bool     // the ID token does not decode
	userinfoCode  int      // userinfo's status (0: 200)
	queryToken    bool     // an API call with ?access_token=
	preflight     int      // status of a CORS preflight before the token call (0: none)
	octInJWKS     bool     // the captured JWKS also publishes a symmetric key
}

func defaultScenario() scenario {
	return scenario{
		format:        chrome,
		start:         time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC),
		responseType:  "code",
		state:         "st-Zq3v9XKp",
		nonce:         "n-0S6_WzA2Mj",
		redirect:      "https://app.example/callback",
		method:        "S256",
		verifier:      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		code:          "SplxlOBeZQQYbYS6WxSbIA-code",
		iss:           "https://idp.example",
		issParam:      true,
		tokenStatus:   200,
		tokenLife:     time.Hour,
		password:      "hunter2-Secret-Pw",
		session:       "sess-7f3a9c1e2b4d",
		refreshToken:  "rt-8xLOxBtZp8-refresh",
		clientSecret:  "",
		returnedState: "",
	}
}

// har builds the scenario's HAR file.
func (sc scenario) har(t testing.TB, idp *testIdP) []byte {
	t.Helper()
	b := newHARBuilder(sc.format, sc.start)
	skew := sc.dateSkew
	b.add(exchange{url: idp.issuer + "/.well-known/openid-configuration", resource: "fetch", status: 200, respMime: "application/json", respBody: idp.discovery(sc.issParam), dateSkew: skew})
	jwks := idp.jwks()
	if sc.octInJWKS {
		jwks = strings.Replace(jwks, `{"keys":[`, `{"keys":[{"kty":"oct","kid":"hs","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"},`, 1)
	}
	b.add(exchange{url: idp.issuer + "/.well-known/jwks.json", resource: "fetch", status: 200, respMime: "application/json", respBody: jwks, dateSkew: skew})

	q := url.Values{"client_id": {"spa"}, "response_type": {sc.responseType}, "scope": {"openid profile"},
		"redirect_uri": {sc.redirect}, "state": {sc.state}, "nonce": {sc.nonce}}
	if sc.responseMode != "" && sc.responseMode != "query" {
		q.Set("response_mode", sc.responseMode)
	}
	switch sc.method {
	case "none":
	case "plain":
		q.Set("code_challenge", sc.verifier)
		q.Set("code_challenge_method", "plain")
	default:
		q.Set("code_challenge", s256(sc.verifier))
		q.Set("code_challenge_method", sc.method)
	}
	if sc.state == "" {
		q.Del("state")
	}
	authURL := idp.issuer + "/authorize?" + q.Encode()
	b.add(exchange{url: authURL, status: 200, respMime: "text/html", respBody: `<form method="post" action="/u/login"><input name="username"><input type="password" name="password"></form>`, dateSkew: skew})

	now := sc.start.Add(2 * time.Second).Add(sc.dateSkew) // the IdP's clock
	nonce := sc.nonce
	if sc.tokenNonce != "" {
		nonce = sc.tokenNonce
	}
	signer := idp
	if sc.signer != nil {
		signer = sc.signer
	}
	at := signer.sign(t, map[string]any{"iss": idp.issuer, "sub": "alice", "aud": "https://api.example", "client_id": "spa",
		"iat": now.Unix(), "exp": now.Add(sc.tokenLife).Unix(), "scope": "openid profile"})
	idClaims := map[string]any{"iss": idp.issuer, "sub": "alice", "aud": "spa", "nonce": nonce,
		"iat": now.Unix(), "exp": now.Add(sc.tokenLife).Unix(), "auth_time": now.Unix()}
	if sc.omitNonce {
		delete(idClaims, "nonce")
	}
	id := signer.sign(t, idClaims)
	if sc.brokenIDToken {
		id = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOi!!!.c2ln"
	}

	resp := url.Values{"code": {sc.code}}
	switch {
	case sc.callbackError != "":
		resp = url.Values{"error": {sc.callbackError}, "error_description": {"The user denied the request"}}
	case sc.responseType == "token" || sc.responseType == "id_token token":
		resp = url.Values{"access_token": {at}, "id_token": {id}, "token_type": {"Bearer"}}
	}
	if !sc.omitState {
		st := sc.state
		if sc.returnedState != "" {
			st = sc.returnedState
		}
		resp.Set("state", st)
	}
	if sc.iss != "" {
		resp.Set("iss", sc.iss)
	}
	login := exchange{method: "POST", url: idp.issuer + "/u/login", reqMime: "application/x-www-form-urlencoded",
		reqBody: url.Values{"username": {"alice"}, "password": {sc.password}}.Encode(), dateSkew: skew,
		setCookie: []string{"idp_session=" + sc.session + "; Path=/; HttpOnly; Secure; SameSite=Lax"}}
	switch sc.responseMode {
	case "fragment":
		login.status, login.respHeaders = 302, [][2]string{{"Location", sc.redirect + "#" + resp.Encode()}}
	case "form_post":
		login.status, login.respMime = 200, "text/html"
		login.respBody = `<html><body onload="document.forms[0].submit()"><form method="post" action="` + sc.redirect + `">`
		for k := range resp {
			login.respBody += `<input type="hidden" name="` + k + `" value="` + resp.Get(k) + `"/>`
		}
		login.respBody += `</form></body></html>`
	default:
		login.status, login.respHeaders = 302, [][2]string{{"Location", sc.redirect + "?" + resp.Encode()}}
	}
	b.add(login)
	if sc.responseMode == "form_post" {
		b.add(exchange{method: "POST", url: sc.redirect, reqMime: "application/x-www-form-urlencoded", reqBody: resp.Encode(), status: 200, respMime: "text/html", respBody: "<html>app</html>", noDate: true})
	} else {
		cb := sc.redirect
		if sc.responseMode != "fragment" {
			cb += "?" + resp.Encode() // the browser follows the Location; a fragment is never sent
		}
		b.add(exchange{url: cb, status: 200, respMime: "text/html", respBody: "<html>app</html>", noDate: true})
	}
	if sc.callbackError != "" || sc.responseType != "code" {
		return b.bytes(t)
	}

	form := url.Values{"grant_type": {"authorization_code"}, "code": {sc.code}, "client_id": {"spa"}, "redirect_uri": {sc.redirect}}
	if sc.tokenRedirect != "" {
		form.Set("redirect_uri", sc.tokenRedirect)
	}
	if sc.method != "none" && !sc.omitVerifier {
		v := sc.verifier
		if sc.tokenVerifier != "" {
			v = sc.tokenVerifier
		}
		form.Set("code_verifier", v)
	}
	if sc.clientSecret != "" {
		form.Set("client_secret", sc.clientSecret)
	}
	if sc.preflight != 0 {
		b.add(exchange{method: "OPTIONS", url: idp.issuer + "/oauth/token", resource: "preflight", status: sc.preflight,
			reqHeaders: [][2]string{{"Access-Control-Request-Method", "POST"}, {"Origin", "https://app.example"}}})
	}
	tok := exchange{method: "POST", url: idp.issuer + "/oauth/token", resource: "fetch", reqMime: "application/x-www-form-urlencoded",
		reqBody: form.Encode(), status: sc.tokenStatus, dateSkew: skew, ms: 180}
	switch sc.tokenStatus {
	case 200:
		body, _ := json.Marshal(map[string]any{"access_token": at, "id_token": id, "refresh_token": sc.refreshToken, "token_type": "Bearer", "expires_in": 3600})
		tok.respMime, tok.respBody = "application/json", string(body)
		if sc.jsonBase64 {
			tok.respBody, tok.base64Body = base64.StdEncoding.EncodeToString(body), true
		}
	case 0:
		tok.chromeError, tok.noDate = sc.tokenError, true
	default:
		tok.respMime, tok.respBody = "application/json", `{"error":"invalid_grant","error_description":"The provided authorization grant is invalid"}`
	}
	b.add(tok)
	if sc.tokenStatus == 200 {
		ui := exchange{url: idp.issuer + "/userinfo", resource: "fetch", reqHeaders: [][2]string{{"Authorization", "Bearer " + at}},
			status: 200, respMime: "application/json", respBody: `{"sub":"alice","name":"Alice"}`, dateSkew: skew,
			requestCookie: "idp_session=" + sc.session + "; theme=dark"}
		if sc.userinfoCode != 0 {
			ui.status, ui.respBody = sc.userinfoCode, ""
			ui.respHeaders = [][2]string{{"WWW-Authenticate", `Bearer error="invalid_token", error_description="The access token expired"`}}
		}
		b.add(ui)
	}
	if sc.queryToken {
		b.add(exchange{url: "https://api.example/v1/items?access_token=" + at, resource: "fetch", status: 200,
			respMime: "application/json", respBody: `{"items":[]}`})
	}
	return b.bytes(t)
}
