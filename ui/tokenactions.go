package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/token"
)

// The token actions act on the token in view: Introspect and Revoke on the
// Refresh token tab act on the refresh token (token_type_hint
// refresh_token, RFC 7662 §2.1, RFC 7009 §2.1), elsewhere on the access
// token; Revoke there revokes the access and the refresh token, each on its
// own. Every answer, refusal included, is kept for the token's server line
// and for Responses.

// actionKind is the kind of token Introspect and Revoke act on now.
func (w *window) actionKind() string {
	if t := w.tabs.Selected(); t != nil && t.Text == tabRefresh && tokenOf(w.result(), kindRefresh) != nil {
		return kindRefresh
	}
	return kindAccess
}

// revokeKinds are the tokens Revoke acts on now.
func (w *window) revokeKinds() []string {
	if w.actionKind() == kindRefresh {
		return []string{kindRefresh}
	}
	var kinds []string
	for _, k := range []string{kindAccess, kindRefresh} {
		if in := tokenOf(w.result(), k); in != nil && in.Raw != "" && !w.cur.answer(k).isRevoked() {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// isRevoked says whether the server accepted the token's revocation.
func (a *serverAnswer) isRevoked() bool { return a != nil && a.revoked }

// inView is what Introspect and Revoke act on now: the kind of the token
// in view, and the tokens Revoke revokes.
type inView struct {
	kind   string
	revoke []string
}

// inView is what the token buttons act on now.
func (w *window) inView() inView {
	if w.cur == nil {
		return inView{kind: kindAccess}
	}
	return inView{kind: w.actionKind(), revoke: w.revokeKinds()}
}

// introspectLabel and revokeLabel say which token the buttons act on.
func introspectLabel(v inView) string { return "Introspect " + tokenName(v.kind) }

func revokeLabel(v inView) string {
	kinds := v.revoke
	switch len(kinds) {
	case 0:
		return "Revoke"
	case 1:
		return "Revoke " + tokenName(kinds[0])
	}
	return "Revoke tokens"
}

// introspect asks the server about the token in view.
func (f *flowActions) introspect() {
	w := f.w
	s := w.cur
	kind := w.actionKind()
	tok := tokenOf(s.result, kind).Raw
	w.run(s, "Introspecting the "+tokenName(kind), "Introspected the "+tokenName(kind)+".", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		in, err := c.Introspect(ctx, tok, kind+"_token")
		return func() {
			s.setAnswer(kind, &serverAnswer{introspection: in, err: err, request: "introspection"})
			s.introspection, s.introspectionErr = in, err
			w.render()
			if err == nil {
				w.status.say(introspectedText(kind, in))
			}
		}, err
	})
}

// introspectedText is the status line after an introspection.
func introspectedText(kind string, in *flows.Introspection) string {
	if in.Active {
		return "Introspected the " + tokenName(kind) + ": the server says it is active."
	}
	return "Introspected the " + tokenName(kind) + ": the server says it is NOT active (revoked, expired or unknown)."
}

// revokeResult is the outcome of revoking one token.
type revokeResult struct {
	kind string
	err  error
	in   *flows.Introspection // the server's view afterwards (nil: not asked or refused)
}

// revoke revokes the tokens in view, each on its own: a refused request
// does not stop the next one. Each revoked token is then introspected, so
// the server's view shows beside the local verdict.
func (f *flowActions) revoke() {
	w := f.w
	s := w.cur
	kinds := w.revokeKinds()
	toks := map[string]string{}
	for _, k := range kinds {
		toks[k] = tokenOf(s.result, k).Raw
	}
	what := "the " + strings.Join(names(kinds), " and the ")
	w.run(s, "Revoking "+what, "Revoked "+what+".", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		var results []revokeResult
		for _, k := range kinds {
			r := revokeResult{kind: k, err: c.Revoke(ctx, toks[k], k+"_token")}
			if r.err == nil {
				r.in, _ = c.Introspect(ctx, toks[k], k+"_token") // best effort: not every server introspects
			}
			results = append(results, r)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		return func() { f.showRevoked(s, results) }, revokeError(results)
	})
}

// showRevoked records and reports each token's revocation.
func (f *flowActions) showRevoked(s *session, results []revokeResult) {
	w := f.w
	now := w.d.now()
	var parts []string
	for _, r := range results {
		a := &serverAnswer{introspection: r.in, err: r.err, request: "revocation"}
		if r.err == nil {
			a.revoked, a.revokedAt = true, now
			parts = append(parts, tokenName(r.kind)+" revoked")
		} else {
			parts = append(parts, tokenName(r.kind)+" NOT revoked ("+shortError(r.err)+")")
		}
		s.setAnswer(r.kind, a)
		if r.in != nil {
			s.introspection, s.introspectionErr = r.in, nil
		}
	}
	w.render()
	msg := capitalize(strings.Join(parts, "; ")) + "."
	if revokeError(results) == nil {
		w.status.say(msg + " A revoked JWT still verifies locally, but the server rejects it: see the badge and the server line.")
	} else {
		w.status.notice(msg + " See the token's server line for what the refusal means.")
	}
}

// revokeError is an error when no token could be revoked (the status line
// shows it); a partial success is reported by showRevoked.
func revokeError(results []revokeResult) error {
	var errs []error
	for _, r := range results {
		if r.err == nil {
			return nil
		}
		errs = append(errs, r.err)
	}
	return errors.Join(errs...)
}

// shortError is an error's OAuth code, or its text.
func shortError(err error) string {
	var oe *flows.OAuthError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return err.Error()
}

func names(kinds []string) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = tokenName(k)
	}
	return out
}

// setAnswer records what the server said about the token of kind.
func (s *session) setAnswer(kind string, a *serverAnswer) {
	if s.answers == nil {
		s.answers = map[string]*serverAnswer{}
	}
	s.answers[kind] = a
}

// userInfo calls the userinfo endpoint with the access token and checks
// its sub against the ID token's; an error answer is kept for Responses too.
func (f *flowActions) userInfo() {
	w := f.w
	s := w.cur
	at, idToken := s.result.AccessToken.Raw, s.result.IDToken
	w.run(s, "Calling UserInfo", "UserInfo answered.", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		ui, err := c.UserInfo(ctx, at)
		if err == nil {
			ui.CheckSubject(idToken)
		}
		return func() {
			s.userinfo, s.userinfoErr = ui, err
			w.render()
			if err != nil {
				w.responsesView().selectSource(sourceUserInfo)
				w.selectTab(tabResponses)
				return
			}
			if sc := ui.SubCheck; sc != nil && sc.Status == token.Fail {
				w.status.showError(errors.New("UserInfo check failed: " + sc.Message))
			}
			w.responsesView().selectSource(sourceCompare)
			w.selectTab(tabResponses)
		}, err
	})
}

// loginOptions are the hooks of an interactive login: the URL to copy or
// open again, and a notice within seconds when the browser command returned
// (or failed) and no callback followed.
func (f *flowActions) loginOptions() flows.LoginOptions {
	w := f.w
	return flows.LoginOptions{
		OnURL: func(u string) { fyne.Do(func() { w.status.showURL(u) }) },
		OnBrowserError: func(err error) {
			fyne.Do(func() {
				w.status.notice("The browser did not open (" + err.Error() + "). Use Copy URL and paste it in a browser, Open again, or Cancel.")
			})
		},
		OnNoCallback: func() {
			fyne.Do(func() {
				w.status.notice("No sign-in has come back from the browser. If no browser page opened, use Copy URL or Open again; Cancel stops the login.")
			})
			if w.d.noticed != nil {
				w.d.noticed()
			}
		},
		NoCallbackAfter: w.d.noCallbackAfter,
		OnCallback:      func() { fyne.Do(func() { w.status.say("Callback received: exchanging the code…") }) },
	}
}

// resultProblems says what matters about a new token response when a
// token fails: "the ID token failed the nonce check" ("" when all is well).
func resultProblems(res *flows.Result, now func() time.Time) string {
	var probs []string
	for _, kind := range []string{kindID, kindAccess} {
		k := struct{ kind, name string }{kind, tokenName(kind)}
		in := tokenOf(res, k.kind)
		if in == nil {
			continue
		}
		if in.Err != nil || in.Report == nil {
			probs = append(probs, "the "+k.name+" could not be read")
			continue
		}
		r := in.Report
		if r.Kind == token.KindOpaque {
			continue
		}
		failed := failedChecks(r, now())
		switch {
		case r.Signature.Status == token.SigInvalid:
			probs = append(probs, "the "+k.name+" has an invalid signature")
		case len(failed) == 1:
			probs = append(probs, fmt.Sprintf("the %s failed the %s check", k.name, failed[0]))
		case len(failed) > 1:
			probs = append(probs, fmt.Sprintf("the %s failed %d checks (%s)", k.name, len(failed), strings.Join(failed, ", ")))
		case r.Signature.Status != token.SigValid:
			probs = append(probs, "the "+k.name+" is not verified ("+unverifiedReason(r.Signature.Code)+")")
		}
	}
	return strings.Join(probs, " and ")
}
