package flowtrace

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/provider"
	"github.com/tokeninspector/tokeninspector/token"
)

// tokenParams are the parameters and JSON members that carry tokens.
var tokenParams = map[string]bool{
	"id_token": true, "access_token": true, "refresh_token": true, "logout_token": true,
	"id_token_hint": true, "token": true, "subject_token": true, "actor_token": true,
}

// capturedKeys returns the keys of every JWKS captured in the input, as one
// key source. The sets are marked as from the network, so their symmetric
// keys are never trusted as HMAC secrets (a forged HS256 token would
// verify): token/ lists them as skipped, with a warning.
func (an *analyzer) capturedKeys() token.KeySource {
	var sources []token.KeySource
	for i := range an.a.Steps {
		s := &an.a.Steps[i]
		if s.Kind != KindJWKS || s.Status != 200 {
			continue
		}
		set, err := token.ParseJWKS([]byte(s.Response.Body), "JWKS captured at step "+itoa(i+1)+" ("+s.URL+")")
		if err != nil {
			continue
		}
		an.symmetricKeyFinding(i, set)
		sources = append(sources, set.FromNetwork())
	}
	if an.opts.Keys != nil {
		sources = append(sources, an.opts.Keys)
	}
	if len(sources) == 0 {
		return nil
	}
	return token.JoinKeySources(sources...)
}

// symmetricKeyFinding reports a captured JWKS that publishes symmetric
// (oct) keys: anyone who can read it can forge tokens with them (RFC 8725
// 3.5). They are never used to verify.
func (an *analyzer) symmetricKeyFinding(step int, set *token.KeySet) {
	var kids []string
	for _, k := range set.Keys() {
		if _, sym := k.Key.([]byte); sym {
			kids = append(kids, strconv.Quote(k.KeyID))
		}
	}
	if len(kids) > 0 {
		an.a.addFinding(step, "jwks_symmetric_key", LevelError, "RFC 8725 3.5; RFC 7517 4",
			fmt.Sprintf("the JWKS publishes %d symmetric (oct) key(s) (kid %s): anyone who can read the JWKS can forge tokens with them, so they were not used to verify; remove them from the JWKS and rotate those secrets",
				len(kids), strings.Join(kids, ", ")))
	}
}

// tokenFound is a token and where it was found, before inspection.
type tokenFound struct {
	name, where, raw string
	step             int
	response         bool // in the response: judged when received
}

// findTokens lists the tokens of a step: token parameters and members,
// Authorization and DPoP headers, and cookies that hold JWTs.
func findTokens(s *Step) []tokenFound {
	var out []tokenFound
	for _, p := range s.Params {
		if tokenParams[p.Name] && p.Value != "" && !isPlaceholder(p.Value) {
			resp := p.In == "response" || p.In == "location" || p.In == "fragment" || p.In == "form_post"
			out = append(out, tokenFound{name: p.Name, where: p.In, raw: p.Value, step: s.Index, response: resp})
		}
	}
	if b := bearerOf(s); b != "" && !isPlaceholder(b) {
		out = append(out, tokenFound{name: "access_token", where: "Authorization header", raw: b, step: s.Index})
	}
	if d := s.Request.Header("DPoP"); looksLikeJWT(d) {
		out = append(out, tokenFound{name: "dpop_proof", where: "DPoP header", raw: d, step: s.Index})
	}
	for _, c := range cookies(s.Request.Header("Cookie")) {
		if looksLikeJWT(c.Value) {
			out = append(out, tokenFound{name: "cookie " + c.Name, where: "Cookie header", raw: c.Value, step: s.Index})
		}
	}
	for _, h := range s.Response.Headers {
		if !strings.EqualFold(h.Name, "Set-Cookie") {
			continue
		}
		if c, err := http.ParseSetCookie(h.Value); err == nil && looksLikeJWT(c.Value) {
			out = append(out, tokenFound{name: "cookie " + c.Name, where: "Set-Cookie header", raw: c.Value, step: s.Index, response: true})
		}
	}
	return out
}

func cookies(header string) []*http.Cookie {
	if header == "" {
		return nil
	}
	cs, err := http.ParseCookie(header)
	if err != nil {
		return nil
	}
	return cs
}

// looksLikeJWT reports a compact JWS or JWE: base64url segments, the first
// a JSON object ("eyJ").
func looksLikeJWT(s string) bool {
	if !strings.HasPrefix(s, "eyJ") {
		return false
	}
	n := strings.Count(s, ".")
	if n != 2 && n != 4 {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// inspectTokens finds and inspects every token once, as of the time it was
// sent or received, and reports the failures.
func (an *analyzer) inspectTokens(ctx context.Context, fl *flowLinks) {
	keys := an.capturedKeys()
	seen := map[string]int{}
	unverified, sanitised := 0, 0
	for i := range an.a.Steps {
		s := &an.a.Steps[i]
		if s.Kind == KindOther {
			continue
		}
		for _, f := range findTokens(s) {
			if idx, ok := seen[f.raw]; ok {
				if !slices.Contains(s.Tokens, idx) {
					s.Tokens = append(s.Tokens, idx)
				}
				continue
			}
			ft := an.inspectOne(ctx, f, s, fl.byStep[i], keys)
			seen[f.raw] = len(an.a.Tokens)
			s.Tokens = append(s.Tokens, len(an.a.Tokens))
			an.a.Tokens = append(an.a.Tokens, ft)
			switch {
			case signatureRemoved(f.raw):
				sanitised++
			case ft.Report != nil && ft.Report.Kind != token.KindOpaque && ft.Report.Signature.Status == token.SigUnverified:
				unverified++
			}
			an.tokenFindings(ft, fl.byStep[i])
		}
	}
	if sanitised > 0 {
		an.a.addFinding(-1, "sanitised", LevelInfo, "HAR 1.2; RFC 7515 §5.2",
			fmt.Sprintf("this HAR was sanitised: %d JWT signature(s) removed, credentials replaced by placeholders; signatures, at_hash/c_hash and PKCE verifiers cannot be checked", sanitised))
	}
	if unverified > 0 {
		an.a.addFinding(-1, "token_unverified", LevelInfo, "RFC 7515 §5.2",
			fmt.Sprintf("%d token signature(s) not verified: no usable key (no JWKS captured, or an unknown kid); fetch the IdP's JWKS to verify them", unverified))
	}
}

func (an *analyzer) inspectOne(ctx context.Context, f tokenFound, s *Step, l *login, keys token.KeySource) FoundToken {
	at := s.Started
	if f.response {
		at = s.Started.Add(s.Duration)
	}
	where := f.where + " of step " + itoa(s.Index+1) + " (" + string(s.Kind) + ")"
	ft := FoundToken{Name: f.name, Where: where, Step: s.Index, Raw: f.raw, At: at}
	opts := token.Options{Keys: keys, At: at, Issuer: an.a.Issuer}
	if at.IsZero() {
		opts.At = time.Now()
	}
	if f.name == "id_token" {
		opts.Expect = token.ExpectIDToken
		if l != nil {
			opts.ClientID = l.params.Get("client_id")
			opts.Audience = opts.ClientID
		}
		opts.AccessToken, _ = s.Param("access_token")
		if f.where != "response" {
			opts.Code, _ = s.Param("code")
		}
	}
	if f.name != "id_token" && f.name != "logout_token" {
		opts.Issuer = "" // access tokens and others may come from elsewhere
	}
	r, err := provider.Inspect(ctx, f.raw, opts) // with the provider's diagnoses, as everywhere else
	if err != nil {
		ft.Err = err.Error()
		return ft
	}
	ft.Report = r
	return ft
}

// tokenFindings reports a token's failed signature and checks, and the ID
// token's nonce against its login's.
func (an *analyzer) tokenFindings(ft FoundToken, l *login) {
	label := ft.Name + " (" + ft.Where + ")"
	if ft.Err != "" {
		an.a.addFinding(ft.Step, "token_malformed", LevelError, "RFC 7519 §7.2", label+": "+ft.Err)
		return
	}
	r := ft.Report
	if r.Kind == token.KindOpaque {
		return
	}
	removed := signatureRemoved(ft.Raw)
	if r.Signature.Status == token.SigInvalid && !removed {
		an.a.addFinding(ft.Step, "token_signature_invalid", LevelError, "RFC 7515 §5.2", label+": signature invalid: "+r.Signature.Reason)
	}
	var failed []string
	for _, c := range r.Checks {
		if c.Status == token.Fail && !(removed && (c.ID == "at_hash" || c.ID == "c_hash")) {
			failed = append(failed, c.ID+": "+c.Message)
		}
	}
	if len(failed) > 0 {
		an.a.addFinding(ft.Step, "token_check_failed", LevelError, "RFC 7519 §4.1; OIDC Core 3.1.3.7",
			label+", judged as of "+ft.At.UTC().Format("2006-01-02 15:04:05 MST")+": "+strings.Join(failed, "; "))
	}
	if ft.Name == "id_token" && l != nil {
		an.nonceFinding(ft, l)
	}
}

// nonceFinding compares an ID token's nonce with the one its authorization
// request sent (OIDC Core 3.1.3.7 step 11).
func (an *analyzer) nonceFinding(ft FoundToken, l *login) {
	sent := l.params.Get("nonce")
	if sent == "" {
		return
	}
	got, has := ft.Report.Claims.String("nonce")
	switch {
	case !has:
		an.a.addFinding(ft.Step, "nonce_missing", LevelError, "OIDC Core 3.1.3.7 (11)",
			"the ID token has no nonce although the authorization request (step "+itoa(l.req+1)+") sent one: the client must reject it")
	case got != sent:
		an.a.addFinding(ft.Step, "nonce_mismatch", LevelError, "OIDC Core 3.1.3.7 (11)",
			fmt.Sprintf("the ID token's nonce %q is not the nonce %q sent at step %d: the token was issued for another login (replay?); the client must reject it", got, sent, l.req+1))
	}
}

// signatureRemoved reports a JWT whose signature a sanitiser replaced.
func signatureRemoved(raw string) bool {
	return strings.HasSuffix(raw, "."+removedSignature)
}
