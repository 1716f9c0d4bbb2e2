package flowtrace

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tokeninspector/tokeninspector/flows"
)

// login is one authorization request and what followed it.
type login struct {
	req    int        // step of the authorization request
	params url.Values // its parameters (with PAR: the pushed ones)
	resps  []*authResponse
	tokens []int // steps of the token requests redeeming its code
}

// authResponse is an authorization response (RFC 6749 §4.1.2): from a
// redirect's Location (query or fragment), a form_post page, or the
// callback request itself.
type authResponse struct {
	step int
	in   string // "location", "fragment", "form_post", "query", "form"
	vals url.Values
}

// flowLinks ties the steps of each login together.
type flowLinks struct {
	logins []*login
	byStep map[int]*login // authorization, callback and token steps => their login
}

// link finds the logins: authorization requests, the responses that match
// them by state, and the token requests that redeem their codes.
func (an *analyzer) link() *flowLinks {
	fl := &flowLinks{byStep: map[int]*login{}}
	steps := an.a.Steps
	for i := range steps {
		s := &steps[i]
		if s.Kind == KindAuthorization {
			q := queryOf(s.URL)
			if q.Get("client_id") == "" {
				continue // a later page of the IdP's own login at the same URL
			}
			if fl.sameRequest(q) {
				continue // the same request again (the app checks it, then the browser sends it)
			}
			l := &login{req: i, params: an.pushed(q)}
			fl.logins = append(fl.logins, l)
			fl.byStep[i] = l
		}
	}
	for _, r := range authResponses(steps) {
		l := fl.forResponse(r)
		if l == nil {
			continue
		}
		l.resps = append(l.resps, r)
		fl.byStep[r.step] = l
	}
	for i := range steps {
		s := &steps[i]
		if s.Kind != KindToken || formOf(s).Get("grant_type") != "authorization_code" {
			continue
		}
		if l := fl.forCode(formOf(s).Get("code"), i); l != nil {
			l.tokens = append(l.tokens, i)
			fl.byStep[i] = l
		}
	}
	return fl
}

// sameRequest reports an authorization request with the state of one
// already seen.
func (fl *flowLinks) sameRequest(q url.Values) bool {
	st := q.Get("state")
	for _, l := range fl.logins {
		if st != "" && l.params.Get("state") == st {
			return true
		}
	}
	return false
}

// pushed merges the parameters of a pushed authorization request (RFC 9126)
// into an authorization request that carries only its request_uri.
func (an *analyzer) pushed(q url.Values) url.Values {
	ref := q.Get("request_uri")
	if ref == "" {
		return q
	}
	for i := range an.a.Steps {
		s := &an.a.Steps[i]
		if s.Kind == KindPAR && jsonMembers(s.Response.Body).Get("request_uri") == ref {
			merged := formOf(s)
			for k, v := range q {
				merged[k] = v
			}
			return merged
		}
	}
	return q
}

// authResponses collects the authorization responses in step order, once
// each: the same code and state often show in a redirect's Location and
// again in the callback request; the callback step is kept.
func authResponses(steps []Step) []*authResponse {
	var out []*authResponse
	seen := map[string]*authResponse{}
	add := func(step int, in string, v url.Values) {
		if !isAuthResponse(v) {
			return
		}
		key := v.Encode()
		if r, ok := seen[key]; ok {
			if steps[step].Kind == KindCallback {
				r.step = step
			}
			return
		}
		r := &authResponse{step: step, in: in, vals: v}
		seen[key] = r
		out = append(out, r)
	}
	for i := range steps {
		s := &steps[i]
		if s.Kind == KindOther {
			continue
		}
		if s.RedirectURL != "" {
			q, f := locationParams(s.RedirectURL)
			add(i, "location", q)
			add(i, "fragment", f)
		}
		add(i, "form_post", formPostParams(s.Response.Body))
		if s.Kind == KindCallback {
			add(i, "query", queryOf(s.URL))
			add(i, "form", formOf(s))
		}
	}
	return out
}

// forResponse finds the login a response answers: the one whose state it
// carries, else the latest one before it (a state mismatch).
func (fl *flowLinks) forResponse(r *authResponse) *login {
	if st := r.vals.Get("state"); st != "" {
		for _, l := range fl.logins {
			if l.params.Get("state") == st && l.req <= r.step {
				return l
			}
		}
	}
	return fl.latestBefore(r.step)
}

// forCode finds the login whose callback carried code, else the latest
// one before the token request.
func (fl *flowLinks) forCode(code string, step int) *login {
	for _, l := range fl.logins {
		for _, r := range l.resps {
			if code != "" && r.vals.Get("code") == code {
				return l
			}
		}
	}
	return fl.latestBefore(step)
}

func (fl *flowLinks) latestBefore(step int) *login {
	var found *login
	for _, l := range fl.logins {
		if l.req < step {
			found = l
		}
	}
	return found
}

// flowFindings checks each login, and each step on its own.
func (an *analyzer) flowFindings(fl *flowLinks) {
	for _, l := range fl.logins {
		an.requestFindings(l)
		for _, r := range l.resps {
			an.responseFindings(l, r)
		}
		for _, t := range l.tokens {
			an.tokenRequestFindings(l, t)
		}
	}
	for i := range an.a.Steps {
		an.stepFindings(&an.a.Steps[i])
	}
}

// requestFindings checks an authorization request: PKCE, state, implicit.
func (an *analyzer) requestFindings(l *login) {
	p := l.params
	rt := strings.Fields(p.Get("response_type"))
	hasCode := slices.Contains(rt, "code")
	switch {
	case hasCode && !p.Has("code_challenge"):
		an.a.addFinding(l.req, "pkce_missing", LevelWarning, "RFC 9700 §2.1.1; RFC 7636",
			"the authorization request has no code_challenge: without PKCE a stolen or injected code can be redeemed; send code_challenge with code_challenge_method=S256")
	case hasCode && p.Get("code_challenge_method") != "S256":
		method := p.Get("code_challenge_method")
		if method == "" {
			method = "plain (no code_challenge_method, so plain by default, RFC 7636 §4.3)"
		}
		an.a.addFinding(l.req, "pkce_plain", LevelWarning, "RFC 7636 §4.2, §7.2; RFC 9700 §2.1.1",
			"PKCE method is "+method+": the challenge is the verifier itself, so whoever sees the request can redeem the code; use S256")
	}
	if !p.Has("state") {
		an.a.addFinding(l.req, "state_not_sent", LevelWarning, "RFC 6749 §10.12; RFC 9700 §2.1",
			"the authorization request has no state: nothing ties the callback to this browser (CSRF) unless PKCE is used; send an unguessable state")
	}
	if slices.Contains(rt, "token") {
		an.a.addFinding(l.req, "implicit_flow", LevelWarning, "RFC 9700 §2.1.2",
			"response_type "+p.Get("response_type")+" returns an access token in the URL (implicit or hybrid flow): it leaks through history, logs and Referer and cannot be sender-constrained; use the code flow with PKCE")
	}
}

// responseFindings checks an authorization response against its request:
// state, RFC 9207 iss, error, tokens in the URL.
func (an *analyzer) responseFindings(l *login, r *authResponse) {
	sent, got := l.params.Get("state"), r.vals.Get("state")
	switch {
	case sent != "" && !r.vals.Has("state"):
		an.a.addFinding(r.step, "state_missing", LevelError, "RFC 6749 §4.1.2, §10.12",
			"the callback has no state although the request (step "+itoa(l.req+1)+") sent one: the client must reject it; the IdP dropped the parameter or the callback is forged")
	case sent != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(got)) != 1:
		an.a.addFinding(r.step, "state_mismatch", LevelError, "RFC 6749 §10.12",
			fmt.Sprintf("state returned %q differs from state sent %q (step %d): the response belongs to another login (two tabs, a stale bookmark) or is forged; the client must reject it", got, sent, l.req+1))
	}
	an.issFinding(r)
	if code := r.vals.Get("error"); code != "" {
		e := &flows.OAuthError{Code: code, Description: r.vals.Get("error_description"), URI: r.vals.Get("error_uri"), Endpoint: "authorization"}
		an.a.addFinding(r.step, "callback_error", LevelError, "RFC 6749 §4.1.2.1", explained(e))
	}
	for _, name := range []string{"access_token", "id_token"} {
		if !r.vals.Has(name) {
			continue
		}
		lvl, where := LevelWarning, "the URL fragment"
		if r.in != "fragment" && r.in != "form_post" {
			lvl, where = LevelError, "the URL query (sent to the server, its logs and the Referer)"
		}
		if r.in == "form_post" {
			continue // form_post keeps tokens out of the URL
		}
		an.a.addFinding(r.step, "token_in_url", lvl, "RFC 9700 §2.1.2; RFC 6750 §2.3",
			"the "+name+" comes back in "+where+": tokens in URLs leak through browser history, logs and Referer; use the code flow (or response_mode=form_post)")
	}
}

// issFinding checks RFC 9207's iss parameter in an authorization response.
func (an *analyzer) issFinding(r *authResponse) {
	iss, has := r.vals.Get("iss"), r.vals.Has("iss")
	switch {
	case has && an.a.Issuer != "" && iss != an.a.Issuer:
		an.a.addFinding(r.step, "iss_mismatch", LevelError, "RFC 9207 §2.4",
			fmt.Sprintf("the callback's iss %q is not the issuer %q of the discovery document: a mix-up attack or a misconfigured client; the client must reject it", iss, an.a.Issuer))
	case !has && an.issSupported:
		an.a.addFinding(r.step, "iss_missing", LevelError, "RFC 9207 §2.4",
			"the IdP announces authorization_response_iss_parameter_supported but the callback has no iss: the client must reject it")
	case !has && r.vals.Has("code"):
		an.a.addFinding(r.step, "iss_missing", LevelInfo, "RFC 9207 §2",
			"the callback has no iss parameter: the IdP does not use RFC 9207, so a client talking to several IdPs relies on distinct redirect URIs against mix-up")
	}
}

// tokenRequestFindings checks a code redemption against its login:
// redirect_uri and the PKCE verifier.
func (an *analyzer) tokenRequestFindings(l *login, step int) {
	s := &an.a.Steps[step]
	form := formOf(s)
	if sent := l.params.Get("redirect_uri"); sent != "" && form.Get("redirect_uri") != sent {
		got := form.Get("redirect_uri")
		if got == "" {
			got = "(none)"
		}
		an.a.addFinding(step, "redirect_uri_mismatch", LevelError, "RFC 6749 §4.1.3",
			fmt.Sprintf("the token request's redirect_uri %s differs from the authorization request's %s (step %d): the IdP must refuse the code (invalid_grant)", got, sent, l.req+1))
	}
	challenge, verifier := l.params.Get("code_challenge"), form.Get("code_verifier")
	switch {
	case challenge != "" && verifier == "":
		an.a.addFinding(step, "pkce_verifier_missing", LevelError, "RFC 7636 §4.5",
			"the authorization request sent a code_challenge but the token request has no code_verifier: the IdP must refuse the code")
	case challenge != "" && l.params.Get("code_challenge_method") == "S256" && !isPlaceholder(verifier) && s256(verifier) != challenge:
		an.a.addFinding(step, "pkce_verifier_mismatch", LevelError, "RFC 7636 §4.6",
			"BASE64URL(SHA256(code_verifier)) is not the code_challenge sent (step "+itoa(l.req+1)+"): the verifier belongs to another login; the IdP must refuse the code")
	}
}

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// oauthKinds are the steps whose failure breaks the flow.
var oauthKinds = map[Kind]string{
	KindToken:         "RFC 6749 §5.2",
	KindDiscovery:     "OpenID Connect Discovery 4",
	KindJWKS:          "RFC 7517 §5",
	KindUserInfo:      "OIDC Core 5.3.3; RFC 6750 §3.1",
	KindIntrospection: "RFC 7662 §2.3",
	KindRevocation:    "RFC 7009 §2.2.1",
	KindPAR:           "RFC 9126 §2.3",
	KindDevice:        "RFC 8628 §3.2",
}

// stepFindings checks one step on its own: endpoint failures, CORS, and
// tokens in request URLs.
func (an *analyzer) stepFindings(s *Step) {
	q := queryOf(s.URL)
	if q.Has("access_token") && s.Kind != KindCallback {
		an.a.addFinding(s.Index, "token_in_url", LevelError, "RFC 6750 §2.3; RFC 9700 §4.3.2",
			"the access token is sent as a URL query parameter: it ends up in server logs, proxies and the Referer; send it in the Authorization header")
	}
	if s.Kind == KindPreflight && s.Failed() {
		an.a.addFinding(s.Index, "cors_preflight_failed", LevelError, "Fetch standard (CORS-preflight fetch); RFC 9449 §7.1",
			"the browser's CORS preflight (OPTIONS) to "+s.Host()+" was refused ("+s.Answer()+"): the request it guards was never sent. "+
				"Allow this page's origin at the IdP (the SPA client's allowed origins), and the headers it sends (Authorization, DPoP)")
		return
	}
	spec, ok := oauthKinds[s.Kind]
	if !ok || !s.Failed() {
		return
	}
	lvl := LevelWarning
	if s.Kind == KindToken {
		lvl = LevelError
	}
	id := string(s.Kind) + "_error"
	switch {
	case s.Status == 0:
		msg := "the " + string(s.Kind) + " request got no response"
		if s.Error != "" {
			msg += " (" + s.Error + ")"
		}
		if s.From == Browser {
			msg += ": in a browser this is usually CORS: the endpoint did not answer the preflight or did not send Access-Control-Allow-Origin for this page's origin; allow the origin at the IdP (SPA client settings), or check the network"
		} else {
			msg += "; check the URL and the network"
		}
		an.a.addFinding(s.Index, id, lvl, spec+"; Fetch standard (CORS)", msg)
	default:
		an.a.addFinding(s.Index, id, lvl, spec, an.explainFailure(s))
	}
}

// explainFailure explains a failed OAuth endpoint answer: its OAuth error,
// or its status and the start of its body.
func (an *analyzer) explainFailure(s *Step) string {
	m := jsonMembers(s.Response.Body)
	if code := m.Get("error"); code != "" {
		e := &flows.OAuthError{Code: code, Description: m.Get("error_description"), URI: m.Get("error_uri"), Status: s.Status, Endpoint: string(s.Kind)}
		return explained(e)
	}
	if www := s.Response.Header("WWW-Authenticate"); www != "" {
		return fmt.Sprintf("%s endpoint answered HTTP %d: WWW-Authenticate %s", s.Kind, s.Status, www)
	}
	msg := fmt.Sprintf("%s endpoint answered HTTP %d", s.Kind, s.Status)
	if s.Error != "" {
		msg += " (" + s.Error + ")"
	}
	return msg + "; check the endpoint URL and the client's settings at the IdP"
}

// isPlaceholder reports a value replaced by a sanitiser (this package's
// "[redacted-code]", the transcript's "[redacted]").
func isPlaceholder(v string) bool { return strings.HasPrefix(v, "[redacted") }

// explained is an OAuth error answer with the explanation the app shows for
// it (flows.OAuthError.Explain).
func explained(e *flows.OAuthError) string {
	msg := e.Error()
	if x := e.Explain(); x != "" {
		return strings.TrimRight(msg, ".") + ". " + x // the IdP's description may end with its own period
	}
	return msg
}
