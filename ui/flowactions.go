package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/token"
)

// flowActions runs the flows of the action bar (log in, refresh,
// introspect, revoke, userinfo, client credentials, device login) for the
// current session and shows their results.
type flowActions struct{ w *window }

func (f *flowActions) onLogin() {
	w := f.w
	s := w.cur
	if s == nil || !w.actions.login.Visible() || w.actions.login.Disabled() {
		return
	}
	w.run(s, "Logging in (finish in your browser)", "Logged in.", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		res, err := c.Login(ctx, flows.LoginOptions{
			OnURL: func(u string) { fyne.Do(func() { w.status.showURL(u) }) },
			OnBrowserError: func(err error) {
				fyne.Do(func() { w.status.say("The browser did not open (" + err.Error() + "). Open the URL below by hand.") })
			},
			OnCallback: func() { fyne.Do(func() { w.status.say("Callback received: exchanging the code…") }) },
		})
		if err != nil {
			return nil, err
		}
		return func() { f.setResult(s, res, false) }, nil
	})
}

func (f *flowActions) onRefresh() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.refresh.Disabled() {
		return
	}
	old := s.result
	rt := old.RefreshToken.Raw
	w.run(s, "Refreshing", "Refreshed.", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		res, err := c.Refresh(ctx, rt, old)
		if err != nil {
			return nil, err
		}
		return func() { f.setResult(s, res, true); w.selectTab(tabChanges) }, nil
	})
}

func (f *flowActions) onIntrospect() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.introspect.Disabled() {
		return
	}
	at := s.result.AccessToken.Raw
	w.run(s, "Introspecting the access token", "Introspected the access token.", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		in, err := c.Introspect(ctx, at, "access_token")
		if err != nil {
			return nil, err
		}
		return func() { s.introspection = in; w.render(); w.selectTab(tabAccess) }, nil
	})
}

// onRevoke revokes the access token (and the refresh token when there is
// one), then asks introspection for the server's view, so local and remote
// verdicts can be compared.
func (f *flowActions) onRevoke() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.revoke.Disabled() {
		return
	}
	at, rt := "", ""
	if in := tokenOf(s.result, "access"); in != nil {
		at = in.Raw
	}
	if in := tokenOf(s.result, "refresh"); in != nil {
		rt = in.Raw
	}
	w.run(s, "Revoking", "Revoking: done.", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		if at != "" {
			if err := c.Revoke(ctx, at, "access_token"); err != nil {
				return nil, err
			}
		}
		if rt != "" {
			if err := c.Revoke(ctx, rt, "refresh_token"); err != nil {
				return nil, err
			}
		}
		var in *flows.Introspection
		if at != "" {
			in, _ = c.Introspect(ctx, at, "access_token") // best effort: not every server allows it
		}
		return func() {
			s.introspection = in
			w.render()
			w.status.say("Revoked. The token may still verify locally: compare the local and server verdicts.")
			w.selectTab(tabAccess)
		}, nil
	})
}

func (f *flowActions) onUserInfo() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.userinfo.Disabled() {
		return
	}
	at, idToken := s.result.AccessToken.Raw, s.result.IDToken
	w.run(s, "Calling UserInfo", "UserInfo answered.", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		ui, err := c.UserInfo(ctx, at)
		if err != nil {
			return nil, err
		}
		ui.CheckSubject(idToken)
		return func() {
			s.userinfo = ui
			w.render()
			if sc := ui.SubCheck; sc != nil && sc.Status == token.Fail {
				w.status.showError(errors.New("UserInfo check failed: " + sc.Message))
			}
			w.responsesView().selectSource(sourceCompare)
			w.selectTab(tabResponses)
		}, nil
	})
}

func (f *flowActions) onClientCredentials() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.clientCreds.Disabled() {
		return
	}
	w.run(s, "Requesting a token with client credentials", "Token received (client credentials).", func(ctx context.Context) (func(), error) {
		c, err := w.m2mClientFor(s)
		if err != nil {
			return nil, err
		}
		res, err := c.ClientCredentials(ctx)
		if err != nil {
			return nil, err
		}
		return func() { f.setResult(s, res, false) }, nil
	})
}

func (f *flowActions) onDevice() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.device.Disabled() {
		return
	}
	w.run(s, "Device login", "Logged in on this device.", func(ctx context.Context) (func(), error) {
		c, err := w.deviceClientFor(s)
		if err != nil {
			return nil, err
		}
		res, err := c.Device(ctx, func(dc flows.DeviceCode) {
			u := dc.VerificationURIComplete
			if u == "" {
				u = dc.VerificationURI
			}
			fyne.Do(func() {
				w.status.say(fmt.Sprintf("Device login: enter the code %s at %s on any device (waiting for approval…)", dc.UserCode, dc.VerificationURI))
				w.status.showURL(u)
			})
			// This computer's browser is one such device; the URL stays on show for another.
			if err := c.OpenInBrowser(ctx, u); err != nil {
				fyne.Do(func() {
					w.status.say(fmt.Sprintf("Device login: the browser did not open (%v); enter the code %s at %s on any device.", err, dc.UserCode, dc.VerificationURI))
				})
			}
		})
		if err != nil {
			return nil, err
		}
		return func() { f.setResult(s, res, false) }, nil
	})
}

// setResult shows a new token response; after a refresh the old one is
// kept for the Changes tab.
func (f *flowActions) setResult(s *session, res *flows.Result, refreshed bool) {
	w := f.w
	if refreshed {
		s.previous = s.result
	} else {
		s.previous = nil
	}
	s.result, s.introspection, s.userinfo = res, nil, nil
	if s != w.cur {
		return
	}
	w.render()
	if len(res.Failures) > 0 {
		w.status.showError(errors.New(strings.Join(res.Failures, "; ")))
	}
	if res.IDToken != nil && !refreshed {
		w.selectTab(tabID)
	} else {
		w.selectTab(tabAccess)
	}
}
