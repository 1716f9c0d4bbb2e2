package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/token"
)

// Preference keys of the lifetimes strip.
const (
	prefTimeFormat = "lifetimes.format" // "utc", "local" or "iso"
	prefNotifyLead = "lifetimes.notify" // seconds before expiry; 0 = off
)

// Time formats of the strip.
const (
	formatUTC   = "UTC"
	formatLocal = "Local time"
	formatISO   = "ISO 8601"
)

var formatPrefs = map[string]string{formatUTC: "utc", formatLocal: "local", formatISO: "iso"}

// notifyChoices are the notification leads offered, in seconds.
var notifyChoices = []struct {
	label string
	lead  int
}{{"No notification", 0}, {"Notify 30 s before expiry", 30}, {"Notify 1 min before expiry", 60},
	{"Notify 5 min before expiry", 300}, {"Notify 15 min before expiry", 900}}

// maxRefreshLog bounds the auto-refresh records kept per session.
const maxRefreshLog = 1000

// lifetimeHost is what the lifetimes strip needs from the window.
type lifetimeHost interface {
	clock() time.Time
	prefs() fyne.Preferences
	current() *session
	openSessions() []*session
	// refreshSession refreshes s's tokens as the Refresh button does; done
	// runs on the UI goroutine with the outcome.
	refreshSession(s *session, done func(error))
	notify(n *fyne.Notification)
}

// lifetimeState is a session's auto-refresh and notification state.
type lifetimeState struct {
	auto      bool
	inFlight  bool
	last      time.Time            // when the last auto-refresh started
	stopped   string               // why auto-refresh stopped, shown until turned on again
	notified  map[string]time.Time // token kind -> the expiry already notified
	refreshes []refreshRecord      // auto-refreshes, oldest first
	cycles    int                  // auto-refreshes done (development metrics)
}

// refreshRecord is one auto-refresh, for the Changes tab.
type refreshRecord struct {
	at      time.Time
	outcome string
}

// lifetimesStrip shows the access, ID and refresh token lifetimes of the
// current session as bars with live countdowns, the auto-refresh switch and
// an options menu (time format, expiry notification). It sits at the foot
// of the sidebar, so it takes no height from the token views.
type lifetimesStrip struct {
	h       lifetimeHost
	kinds   []string // access, id, refresh
	bars    map[string]*widget.ProgressBar
	texts   map[string]*widget.Label   // the countdowns: "Access 4:12 left"
	times   map[string]*widget.Label   // the expiry times, at the bars' trailing edge
	rows    map[string]*fyne.Container // a countdown and its time (barLayout)
	cells   map[string]fyne.CanvasObject
	shown   map[string]flows.Lifetime
	options *widget.Button
	auto    *widget.Check
	message *widget.Label
	log     *widget.List
	logFor  *session
	content *fyne.Container
	// onCycle, when set, runs after each auto-refresh (development metrics).
	onCycle func(s *session, err error)
	// autoLead overrides the auto-refresh lead (development switch); 0 = the rule in autoLead.
	autoLeadOverride time.Duration
}

func newLifetimesStrip(h lifetimeHost) *lifetimesStrip {
	l := &lifetimesStrip{h: h, kinds: []string{"access", "id", "refresh"}, bars: map[string]*widget.ProgressBar{},
		texts: map[string]*widget.Label{}, times: map[string]*widget.Label{},
		rows: map[string]*fyne.Container{}, cells: map[string]fyne.CanvasObject{}, shown: map[string]flows.Lifetime{}}
	l.content = container.NewVBox()
	l.content.Hide()
	return l
}

// build creates the widgets on first use: the first screen has no tokens.
func (l *lifetimesStrip) build() {
	if l.auto != nil {
		return
	}
	title := widget.NewLabelWithStyle("Token lifetimes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	objs := []fyne.CanvasObject{title}
	for _, k := range l.kinds {
		b := widget.NewProgressBar()
		b.TextFormatter = func() string { return "" } // the labels on top say it
		// Two labels, so that only the short time is drawn anew when a
		// refresh moves the expiry; a narrow sidebar leaves the time out.
		t, at := widget.NewLabel(""), widget.NewLabel("")
		t.Truncation = fyne.TextTruncateEllipsis
		l.bars[k], l.texts[k], l.times[k] = b, t, at
		l.rows[k] = container.New(barLayout{}, t, at)
		l.cells[k] = container.NewStack(b, l.rows[k])
		objs = append(objs, l.cells[k])
	}
	l.options = widget.NewButtonWithIcon("", theme.SettingsIcon(), l.showOptions)
	l.auto = widget.NewCheck("Auto-refresh", l.setAuto)
	l.message = widget.NewLabel("")
	l.message.Wrapping = fyne.TextWrapWord
	l.message.Hide()
	objs = append(objs, container.NewBorder(nil, nil, nil, l.options, l.auto), l.message)
	l.content.Objects = objs
}

// barLayout puts a bar's countdown at its leading edge and the expiry time
// at its trailing edge, and leaves the time out when both do not fit: the
// countdown is what the bar is for (cut only when even it does not fit).
type barLayout struct{}

// MinSize is the truncated countdown's: the strip never widens the sidebar.
func (barLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return objs[0].MinSize()
}

// Layout places the countdown and, room allowing, the time.
func (barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	countdown, at := objs[0].(*widget.Label), objs[1].(*widget.Label)
	cw, aw := fullWidth(countdown), fullWidth(at)
	countdown.Move(fyne.NewPos(0, 0))
	countdown.Resize(fyne.NewSize(min(cw, size.Width), size.Height))
	if cw+aw > size.Width {
		at.Hide()
		return
	}
	at.Move(fyne.NewPos(size.Width-aw, 0))
	at.Resize(fyne.NewSize(aw, size.Height))
	at.Show()
}

// fullWidth is the width a label needs to show its text uncut, with a pixel
// to spare: the truncation measures the text rune by rune and can come out
// a fraction wider than the whole string measured at once.
func fullWidth(l *widget.Label) float32 {
	return fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding() + 1
}

// timeFormat is the chosen time format ("utc", "local" or "iso").
func (l *lifetimesStrip) timeFormat() string {
	return l.h.prefs().StringWithFallback(prefTimeFormat, "utc")
}

// setFormat chooses the time format (formatUTC, formatLocal, formatISO).
func (l *lifetimesStrip) setFormat(name string) {
	l.h.prefs().SetString(prefTimeFormat, formatPrefs[name])
	l.tick()
}

// showOptions pops up the time format and notification choices.
func (l *lifetimesStrip) showOptions() {
	p := l.h.prefs()
	var formats, leads []*fyne.MenuItem
	for _, name := range []string{formatUTC, formatLocal, formatISO} {
		it := fyne.NewMenuItem(name, func() { l.setFormat(name) })
		it.Checked = formatPrefs[name] == l.timeFormat()
		formats = append(formats, it)
	}
	for _, c := range notifyChoices {
		it := fyne.NewMenuItem(c.label, func() { p.SetInt(prefNotifyLead, c.lead) })
		it.Checked = c.lead == p.IntWithFallback(prefNotifyLead, 60)
		leads = append(leads, it)
	}
	items := append(append([]*fyne.MenuItem{fyne.NewMenuItem("Times in", nil)}, formats...), fyne.NewMenuItemSeparator())
	items = append(items, leads...)
	items[0].Disabled = true
	c := fyne.CurrentApp().Driver().CanvasForObject(l.options)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l.options)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, pos.Add(fyne.NewPos(0, l.options.Size().Height)))
}

// show displays the lifetimes of s (nil: none).
func (l *lifetimesStrip) show(s *session) {
	var lts []flows.Lifetime
	if s != nil {
		lts = flows.Lifetimes(s.result)
	}
	clear(l.shown)
	if len(lts) == 0 {
		l.content.Hide()
		return
	}
	l.build()
	for _, lt := range lts {
		l.shown[lt.Token] = lt
	}
	for _, k := range l.kinds {
		if _, ok := l.shown[k]; ok {
			l.cells[k].Show()
		} else {
			l.cells[k].Hide()
		}
	}
	l.auto.OnChanged = nil // reflect the session's state without acting on it
	l.auto.SetChecked(s.life.auto)
	l.auto.OnChanged = l.setAuto
	if _, ok := l.shown["access"]; !ok || tokenOf(s.result, "refresh") == nil {
		l.auto.Disable()
	} else {
		l.auto.Enable()
	}
	l.content.Show()
	l.tick()
}

// barText is the countdown of one token and its expiry time: "Access 4:12
// left" and "06:34:56 UTC".
func (l *lifetimesStrip) barText(kind string) (countdown, at string) {
	lt, ok := l.shown[kind]
	if !ok {
		return "", ""
	}
	now := l.h.clock()
	at = l.formatTime(lt.Expires)
	name := map[string]string{"access": "Access", "id": "ID", "refresh": "Refresh"}[kind]
	if left := lt.Remaining(now).Truncate(time.Second); left > 0 {
		return fmt.Sprintf("%s %s left", name, clockDuration(left)), at
	}
	return fmt.Sprintf("%s expired %s", name, token.Relative(lt.Expires, now)), at
}

// formatTime renders t in the chosen format.
func (l *lifetimesStrip) formatTime(t time.Time) string {
	switch l.timeFormat() {
	case "local":
		return t.Local().Format("15:04:05 MST")
	case "iso":
		return t.UTC().Format(time.RFC3339)
	}
	return t.UTC().Format("15:04:05") + " UTC"
}

// tick moves the bars of the current session, sends due notifications and
// starts due auto-refreshes (every session's, not only the current one's).
func (l *lifetimesStrip) tick() {
	now := l.h.clock()
	if l.content.Visible() {
		for k, lt := range l.shown {
			l.bars[k].SetValue(lt.Fraction(now))
			if countdown, at := l.barText(k); l.texts[k].Text != countdown || l.times[k].Text != at {
				setText(l.texts[k], countdown)
				setText(l.times[k], at)
				row := l.rows[k]
				row.Layout.Layout(row.Objects, row.Size()) // the new widths, without drawing the other label again
			}
		}
		l.showMessage(l.h.current())
	}
	for _, s := range l.h.openSessions() {
		l.notifyDue(s, now)
		l.autoRefreshDue(s, now)
	}
}

// notifyDue sends one desktop notification for the tokens of s that came
// within the chosen lead of their expiry, once per token and expiry.
func (l *lifetimesStrip) notifyDue(s *session, now time.Time) {
	lead := time.Duration(l.h.prefs().IntWithFallback(prefNotifyLead, 60)) * time.Second
	if lead <= 0 || s.result == nil {
		return
	}
	var due []string
	for _, lt := range flows.Lifetimes(s.result) {
		left := lt.Remaining(now)
		if left <= 0 || left > lead || s.life.notified[lt.Token].Equal(lt.Expires) {
			continue
		}
		if lt.Token != "refresh" && s.life.auto {
			continue // auto-refresh renews the access and ID tokens
		}
		if s.life.notified == nil {
			s.life.notified = map[string]time.Time{}
		}
		s.life.notified[lt.Token] = lt.Expires
		due = append(due, fmt.Sprintf("the %s expires in %s (%s)", tokenName(lt.Token),
			clockDuration(left.Truncate(time.Second)), lt.Expires.UTC().Format("15:04:05 UTC")))
	}
	if len(due) > 0 {
		l.h.notify(fyne.NewNotification("Token Inspector: tokens expire soon", "Profile "+s.name+": "+joinParts(due)+"."))
	}
}

// autoLead is how long before the access token's expiry auto-refresh
// starts: a quarter of its lifetime, at most a minute.
func (l *lifetimesStrip) autoLead(lt flows.Lifetime) time.Duration {
	if l.autoLeadOverride > 0 {
		return l.autoLeadOverride
	}
	return min(time.Minute, lt.Expires.Sub(lt.Start)/4)
}

// autoRefreshDue refreshes s when auto-refresh is on and its access token
// is within the lead of its expiry.
func (l *lifetimesStrip) autoRefreshDue(s *session, now time.Time) {
	if !s.life.auto || s.life.inFlight || s.busy != "" {
		return
	}
	var access *flows.Lifetime
	for _, lt := range flows.Lifetimes(s.result) {
		if lt.Token == "access" {
			access = &lt
		}
	}
	if access == nil || tokenOf(s.result, "refresh") == nil {
		return
	}
	lead := l.autoLead(*access)
	spacing := lead // never two auto-refreshes within one lead, even when the clocks disagree
	if l.autoLeadOverride > 0 {
		spacing = 0
	}
	if access.Remaining(now) > lead || (!s.life.last.IsZero() && now.Sub(s.life.last) < spacing) {
		return
	}
	s.life.inFlight, s.life.last = true, now
	l.h.refreshSession(s, func(err error) {
		s.life.inFlight = false
		at := l.h.clock()
		if err != nil {
			s.life.auto = false
			s.life.stopped = fmt.Sprintf("Auto-refresh stopped at %s: %s Turn it on again after you log in.",
				at.UTC().Format("15:04:05 UTC"), plainError(err))
			l.record(s, refreshRecord{at, "failed: " + plainError(err) + " Auto-refresh is off."})
		} else {
			s.life.cycles++
			l.record(s, refreshRecord{at, "refreshed: " + refreshSummary(s)})
		}
		if s == l.h.current() {
			l.show(s)
		}
		if l.onCycle != nil {
			l.onCycle(s, err)
		}
	})
}

// refreshSummary says what an auto-refresh brought.
func refreshSummary(s *session) string {
	var parts []string
	for _, lt := range flows.Lifetimes(s.result) {
		parts = append(parts, tokenName(lt.Token)+" until "+lt.Expires.UTC().Format("15:04:05 UTC"))
	}
	if old, cur := tokenOf(s.previous, "refresh"), tokenOf(s.result, "refresh"); old != nil && cur != nil && old.Raw != cur.Raw {
		parts = append(parts, "refresh token rotated")
	}
	if len(parts) == 0 {
		return "new tokens"
	}
	return joinParts(parts)
}

func joinParts(parts []string) string {
	out := parts[0]
	for _, p := range parts[1:] {
		out += "; " + p
	}
	return out
}

// record adds an auto-refresh record to s, keeping the last maxRefreshLog.
func (l *lifetimesStrip) record(s *session, r refreshRecord) {
	s.life.refreshes = append(s.life.refreshes, r)
	if n := len(s.life.refreshes); n > maxRefreshLog {
		s.life.refreshes = append(s.life.refreshes[:0], s.life.refreshes[n-maxRefreshLog:]...)
	}
	if l.log != nil && s == l.logFor {
		l.log.Refresh()
		l.log.ScrollToBottom()
	}
}

// setAuto turns auto-refresh on or off for the current session.
func (l *lifetimesStrip) setAuto(on bool) {
	s := l.h.current()
	if s == nil {
		return
	}
	s.life.auto = on
	if on {
		s.life.stopped = ""
	}
	l.showMessage(s)
	if on {
		l.autoRefreshDue(s, l.h.clock())
	}
}

// showMessage says what auto-refresh is doing for s.
func (l *lifetimesStrip) showMessage(s *session) {
	if l.message == nil || s == nil {
		return
	}
	switch {
	case s.life.stopped != "":
		l.message.Importance = widget.DangerImportance
		l.message.SetText(s.life.stopped)
	case s.life.auto:
		l.message.Importance = widget.MediumImportance
		l.message.SetText(fmt.Sprintf("Auto-refresh on: %d done so far (listed in Changes).", s.life.cycles))
	default:
		l.message.SetText("")
	}
	if l.message.Text == "" {
		l.message.Hide()
	} else {
		l.message.Show()
	}
}

// logView is the list of auto-refreshes shown in the Changes tab; it
// follows the session given to showLog.
func (l *lifetimesStrip) logView() fyne.CanvasObject {
	if l.log == nil {
		l.log = widget.NewList(
			func() int {
				if l.logFor == nil {
					return 0
				}
				return len(l.logFor.life.refreshes)
			},
			func() fyne.CanvasObject { return widget.NewLabel("") },
			func(i widget.ListItemID, o fyne.CanvasObject) {
				if l.logFor == nil || i >= len(l.logFor.life.refreshes) {
					return
				}
				r := l.logFor.life.refreshes[i]
				o.(*widget.Label).SetText(fmt.Sprintf("%d. %s auto-%s", i+1, l.formatTime(r.at), r.outcome))
			})
	}
	title := widget.NewLabelWithStyle("Auto-refreshes this session", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewBorder(title, nil, nil, nil, l.log)
}

// showLog makes the Changes tab's auto-refresh list follow s.
func (l *lifetimesStrip) showLog(s *session) {
	l.logFor = s
	if l.log != nil {
		l.log.Refresh()
	}
}

// The window's side of lifetimeHost.

func (w *window) clock() time.Time            { return w.d.now() }
func (w *window) prefs() fyne.Preferences     { return w.app.Preferences() }
func (w *window) notify(n *fyne.Notification) { w.app.SendNotification(n) }
func (w *window) openSessions() []*session {
	out := make([]*session, 0, len(w.sessions))
	for _, s := range w.sessions {
		out = append(out, s)
	}
	return out
}

// applyRefresh keeps the tokens of a background refresh without changing
// the tab the user is on.
func (w *window) applyRefresh(s *session, res *flows.Result) {
	s.previous, s.result, s.introspection, s.userinfo = s.result, res, nil, nil
	if s == w.cur {
		w.render()
	}
}

// refreshSession runs the refresh grant for s, as the Refresh button does,
// without switching tabs.
func (w *window) refreshSession(s *session, done func(error)) {
	old := s.result
	rt := old.RefreshToken.Raw
	w.run(s, "Auto-refreshing "+s.name, "Auto-refreshed "+s.name+".", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err == nil {
			var res *flows.Result
			if res, err = c.Refresh(ctx, rt, old); err == nil {
				return func() { w.applyRefresh(s, res); done(nil) }, nil
			}
		}
		fyne.Do(func() { done(err) })
		return nil, err
	})
}

// tokenName is the plain name of a token kind.
func tokenName(kind string) string {
	switch kind {
	case "id":
		return "ID token"
	case "refresh":
		return "refresh token"
	}
	return "access token"
}
