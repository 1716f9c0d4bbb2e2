package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
)

// actionBar holds the flow buttons; update enables only those that can work.
type actionBar struct {
	login, refresh, introspect, revoke, userinfo *widget.Button
	clientCreds, device, cancel                  *widget.Button // clientCreds and device are offered by more
	logout, exchange, jwtBearer, oauth2c         *widget.Button // offered by more too
	more                                         *widget.Button
	content                                      fyne.CanvasObject
}

func newActionBar(f *flowActions, onCancel func()) *actionBar {
	b := &actionBar{}
	b.login = widget.NewButtonWithIcon("Log in", theme.LoginIcon(), f.onLogin)
	b.login.Importance = widget.HighImportance
	b.refresh = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), f.onRefresh)
	b.introspect = widget.NewButtonWithIcon("Introspect", theme.SearchIcon(), f.onIntrospect)
	b.revoke = widget.NewButtonWithIcon("Revoke", theme.DeleteIcon(), f.onRevoke)
	b.userinfo = widget.NewButtonWithIcon("UserInfo", theme.AccountIcon(), f.onUserInfo)
	b.clientCreds = widget.NewButtonWithIcon("Client credentials", theme.ComputerIcon(), f.onClientCredentials)
	b.device = widget.NewButtonWithIcon("Device login", theme.MailSendIcon(), f.onDevice)
	b.logout = widget.NewButtonWithIcon("Log out", theme.LogoutIcon(), f.onLogout)
	b.exchange = widget.NewButtonWithIcon("Token exchange…", theme.ViewRefreshIcon(), f.onTokenExchange)
	b.jwtBearer = widget.NewButtonWithIcon("JWT bearer grant…", theme.DocumentIcon(), f.onJWTBearer)
	b.oauth2c = widget.NewButtonWithIcon("Copy as oauth2c", theme.ContentCopyIcon(), f.onCopyOAuth2c)
	b.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), onCancel)
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
	for _, btn := range []*widget.Button{b.clientCreds, b.device, b.logout, b.exchange, b.jwtBearer, b.oauth2c} {
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

// update enables each button only when its action can work now in session
// s (nil: the paste panel, busy when pasteRunning) whose result is r.
func (b *actionBar) update(s *session, r *flows.Result, pasteRunning bool, v inView) {
	busy := s != nil && s.busy != ""
	ready := s != nil && !busy && (s.demo || s.profile.Issuer != "" || !s.profile.Endpoints.IsZero())
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
	set(b.refresh, ready && has("refresh") && !s.answer(kindRefresh).isRevoked())
	intro, rev := "Introspect", "Revoke"
	if r != nil {
		intro, rev = introspectLabel(v), revokeLabel(v)
	}
	if b.introspect.Text != intro || b.revoke.Text != rev {
		b.introspect.SetText(intro)
		b.revoke.SetText(rev)
		b.content.Refresh() // lay the bar out again for the new widths
	}
	set(b.introspect, ready && has(v.kind) && endpoint(ep.Introspection))
	set(b.revoke, ready && len(v.revoke) > 0 && endpoint(ep.Revocation))
	set(b.userinfo, ready && has("access") && endpoint(ep.UserInfo))
	set(b.clientCreds, ready && (s.demo || s.profile.Method() != "none"))
	set(b.device, ready && endpoint(ep.DeviceAuthorization))
	set(b.logout, ready && s.result != nil && endpoint(ep.EndSession))
	set(b.exchange, ready && has("access"))
	set(b.jwtBearer, ready)
	set(b.oauth2c, ready)
	set(b.more, ready)
	canCancel := busy || (s == nil && pasteRunning)
	set(b.cancel, canCancel)
	show(b.cancel, canCancel)
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
