package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// actionBar holds the flow buttons; update enables only those that can work.
type actionBar struct {
	w                                            *window
	login, refresh, introspect, revoke, userinfo *widget.Button
	clientCreds, device, cancel                  *widget.Button // clientCreds and device are offered by more
	more                                         *widget.Button
	content                                      fyne.CanvasObject
}

func newActionBar(w *window) *actionBar {
	b := &actionBar{w: w}
	b.login = widget.NewButtonWithIcon("Log in", theme.LoginIcon(), w.onLogin)
	b.login.Importance = widget.HighImportance
	b.refresh = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), w.onRefresh)
	b.introspect = widget.NewButtonWithIcon("Introspect", theme.SearchIcon(), w.onIntrospect)
	b.revoke = widget.NewButtonWithIcon("Revoke", theme.DeleteIcon(), w.onRevoke)
	b.userinfo = widget.NewButtonWithIcon("UserInfo", theme.AccountIcon(), w.onUserInfo)
	b.clientCreds = widget.NewButtonWithIcon("Client credentials", theme.ComputerIcon(), w.onClientCredentials)
	b.device = widget.NewButtonWithIcon("Device login", theme.MailSendIcon(), w.onDevice)
	b.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), w.onCancel)
	b.cancel.Hide() // shown on the status line while something can be cancelled
	b.more = widget.NewButtonWithIcon("More", theme.MoreVerticalIcon(), b.showMore)
	// The buttons wrap onto a second row when the window is narrow.
	b.content = container.New(&wrapLayout{}, b.login, b.refresh, b.introspect, b.revoke, b.userinfo, b.more)
	return b
}

// buttons are the buttons on the bar, in order (the rarer grants are in
// the More menu).
func (b *actionBar) buttons() []*widget.Button {
	return []*widget.Button{b.login, b.refresh, b.introspect, b.revoke, b.userinfo, b.more, b.cancel}
}

// moreItems are the actions of the More menu: each is enabled when its
// button is.
func (b *actionBar) moreItems() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for _, btn := range []*widget.Button{b.clientCreds, b.device} {
		it := fyne.NewMenuItem(btn.Text, btn.OnTapped)
		it.Icon = btn.Icon
		it.Disabled = btn.Disabled()
		items = append(items, it)
	}
	return items
}

// showMore pops the More menu up under its button.
func (b *actionBar) showMore() {
	c := fyne.CurrentApp().Driver().CanvasForObject(b.more)
	if c == nil {
		return
	}
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", b.moreItems()...), c, fyne.NewPos(0, b.more.Size().Height), b.more)
}

// update enables each button only when its action can work now.
func (b *actionBar) update() {
	s := b.w.cur
	busy := s != nil && s.busy != ""
	ready := s != nil && !busy && (s.demo || s.profile.Issuer != "" || !s.profile.Endpoints.IsZero())
	r := b.w.result()
	has := func(kind string) bool { in := tokenOf(r, kind); return in != nil && in.Raw != "" }
	endpoint := func(e string) bool { return s != nil && (s.demo || s.profile.Endpoints.IsZero() || e != "") }
	set := func(btn *widget.Button, on bool) {
		if on {
			btn.Enable()
		} else {
			btn.Disable()
		}
	}
	var ep settings.Endpoints
	if s != nil {
		ep = s.profile.Endpoints
	}
	set(b.login, ready)
	set(b.refresh, ready && has("refresh"))
	set(b.introspect, ready && has("access") && endpoint(ep.Introspection))
	set(b.revoke, ready && (has("access") || has("refresh")) && endpoint(ep.Revocation))
	set(b.userinfo, ready && has("access") && endpoint(ep.UserInfo))
	set(b.clientCreds, ready && (s.demo || s.profile.Method() != "none"))
	set(b.device, ready && endpoint(ep.DeviceAuthorization))
	set(b.more, !b.clientCreds.Disabled() || !b.device.Disabled())
	canCancel := busy || (s == nil && b.w.paste != nil && b.w.paste.running())
	set(b.cancel, canCancel)
	show(b.cancel, canCancel)
}

func (w *window) onLogin() {
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
		return func() { w.setResult(s, res, false) }, nil
	})
}

func (w *window) onRefresh() {
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
		return func() { w.setResult(s, res, true); w.selectTab(tabChanges) }, nil
	})
}

func (w *window) onIntrospect() {
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
func (w *window) onRevoke() {
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

func (w *window) onUserInfo() {
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

func (w *window) onClientCredentials() {
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
		return func() { w.setResult(s, res, false) }, nil
	})
}

func (w *window) onDevice() {
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
		return func() { w.setResult(s, res, false) }, nil
	})
}

// setResult shows a new token response; after a refresh the old one is
// kept for the Changes tab.
func (w *window) setResult(s *session, res *flows.Result, refreshed bool) {
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

// reopen hands u to the browser after the check the flow made.
func (w *window) reopen(u string, insecure bool) error {
	if err := flows.CheckBrowserURL(u, insecure); err != nil {
		return err
	}
	return w.d.browser(context.Background(), u)
}

// openAgain opens the URL a flow waits on in the browser again (the first
// try showed nothing), checked again as the flow checked it.
func (w *window) openAgain(u string) {
	if u == "" {
		return
	}
	insecure := w.cur != nil && w.cur.profile.Insecure
	go func() {
		if err := w.reopen(u, insecure); err != nil {
			fyne.Do(func() {
				w.status.notice("The browser did not open (" + err.Error() + "): use Copy URL and paste it in a browser.")
			})
		}
	}()
}
