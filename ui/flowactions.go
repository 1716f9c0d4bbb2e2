package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/tokeninspector/tokeninspector/flows"
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
		res, err := c.Login(ctx, f.loginOptions())
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
	if w.cur == nil || w.actions.introspect.Disabled() {
		return
	}
	f.introspect()
}

func (f *flowActions) onRevoke() {
	w := f.w
	if w.cur == nil || w.actions.revoke.Disabled() || len(w.revokeKinds()) == 0 {
		return
	}
	f.revoke()
}

func (f *flowActions) onUserInfo() {
	w := f.w
	if w.cur == nil || w.actions.userinfo.Disabled() {
		return
	}
	f.userInfo()
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
	s.answers, s.introspectionErr, s.userinfoErr = nil, nil, nil
	if s != w.cur {
		return
	}
	w.render()
	if p := resultProblems(res, w.d.now); p != "" {
		w.status.notice(strings.TrimSuffix(w.status.message.Text, ".") + ", but " + p + ": see its Checks tab.")
	}
	if len(res.Failures) > 0 {
		w.status.showError(errors.New(strings.Join(res.Failures, "; ")))
	}
	if res.IDToken != nil && !refreshed {
		w.selectTab(tabID)
	} else {
		w.selectTab(tabAccess)
	}
}
