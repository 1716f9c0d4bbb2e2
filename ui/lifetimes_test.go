package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/demoidp"
)

// testClock is a settable clock for the window.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// loggedInWindow is a test window on clock, logged in to the Demo IdP.
func loggedInWindow(t *testing.T, clock *testClock) *window {
	t.Helper()
	w := newTestWindowWith(t, nil, func(d *deps) { d.now = clock.now })
	test.Tap(w.actions.login)
	w.wait()
	if e := w.status.errorText(); e != "" {
		t.Fatalf("login failed: %s", e)
	}
	return w
}

// TestLifetimesStrip: after a login the strip shows the access and ID token
// lifetimes with live countdowns in the chosen format, and a desktop
// notification comes the chosen time before expiry, once.
func TestLifetimesStrip(t *testing.T) {
	clock := &testClock{t: time.Now()}
	w := newTestWindowWith(t, nil, func(d *deps) { d.now = clock.now })
	l := w.lifetimes
	if l.content.Visible() {
		t.Fatal("the strip shows before any token")
	}
	test.Tap(w.actions.login)
	w.wait()
	if !l.content.Visible() {
		t.Fatal("no strip after the login")
	}
	access, ok := l.shown["access"]
	if !ok || l.cells["refresh"].Visible() || !l.cells["id"].Visible() {
		t.Fatalf("shown %v; the demo's refresh token is opaque and has no refresh_expires_in", l.shown)
	}
	total := access.Expires.Sub(access.Start)
	if d := total - demoidp.DefaultAccessTokenLifetime; d < 0 || d > time.Second { // iat and exp are whole seconds
		t.Errorf("access lifetime %v", total)
	}

	clock.set(access.Expires.Add(-90 * time.Second))
	w.tick()
	wantAt := access.Expires.UTC().Format("15:04:05") + " UTC"
	if got, at := l.barText("access"); got != "Access 1:30 left" || at != wantAt {
		t.Errorf("bar = %q, %q; want %q, %q", got, at, "Access 1:30 left", wantAt)
	}
	if v, want := l.bars["access"].Value, 90/total.Seconds(); v != want {
		t.Errorf("bar value %v, want %v", v, want)
	}
	if got, at := l.texts["access"].Text, l.times["access"].Text; got != "Access 1:30 left" || at != wantAt {
		t.Errorf("shown text %q, %q", got, at)
	}
	checkBar(t, l, "access")
	l.setFormat(formatISO) // a wider time, then a narrower one: laid out again at once
	checkBar(t, l, "access")
	l.setFormat(formatUTC)
	checkBar(t, l, "access")
	l.setFormat(formatISO)
	if got, at := l.barText("id"); !strings.HasPrefix(at, access.Expires.UTC().Format(time.RFC3339)[:11]) || !strings.HasPrefix(got, "ID ") {
		t.Errorf("ISO bar = %q, %q", got, at)
	}
	// A narrow sidebar leaves the time out, never cuts the countdown.
	w.tick()
	c, atLabel := l.texts["id"], l.times["id"]
	for _, room := range []float32{fullWidth(atLabel) - 1, fullWidth(atLabel)} {
		l.cells["id"].Resize(fyne.NewSize(fullWidth(c)+room, l.cells["id"].MinSize().Height))
		if c.Size().Width < fullWidth(c) || atLabel.Visible() != (room >= fullWidth(atLabel)) {
			t.Errorf("bar %v wider than the countdown: countdown %v wide (needs %v), time shown %v",
				room, c.Size().Width, fullWidth(c), atLabel.Visible())
		}
	}
	clock.set(access.Expires.Add(-15 * time.Minute)) // a longer countdown: laid out again, uncut
	w.tick()
	if c.Size().Width < fullWidth(c) || c.Text != "ID 15:00 left" && !strings.HasPrefix(c.Text, "ID 14:") {
		t.Errorf("countdown %q %v wide after a tick; needs %v", c.Text, c.Size().Width, fullWidth(c))
	}
	if w.app.Preferences().String(prefTimeFormat) != "iso" {
		t.Error("the time format is not remembered")
	}

	// The notification: 1 min before expiry (the default), once per token.
	at := access.Expires.Add(-50 * time.Second)
	id := l.shown["id"].Expires
	n := fyne.NewNotification("Token Inspector: tokens expire soon",
		"Profile Demo IdP: the access token expires in 0:50 ("+access.Expires.UTC().Format("15:04:05 UTC")+
			"); the ID token expires in "+clockDuration(id.Sub(at))+" ("+id.UTC().Format("15:04:05 UTC")+").")
	assertNotificationSent(t, w, n, func() {
		clock.set(at)
		w.tick()
	})
	assertNotificationSent(t, w, nil, func() { w.tick() })

	clock.set(access.Expires.Add(12 * time.Second))
	w.tick()
	if got, _ := l.barText("access"); got != "Access expired 12 s ago" || l.bars["access"].Value != 0 {
		t.Errorf("after expiry: %q, %v", got, l.bars["access"].Value)
	}
}

// checkBar fails when a lifetime bar cuts its countdown, cuts its time, or
// hides a time that fits.
func checkBar(t *testing.T, l *lifetimesStrip, kind string) {
	t.Helper()
	c, at, width := l.texts[kind], l.times[kind], l.rows[kind].Size().Width
	fits := fullWidth(c)+fullWidth(at) <= width
	if c.Size().Width < min(fullWidth(c), width) || at.Visible() != fits || fits && at.Size().Width < fullWidth(at) {
		t.Errorf("bar %v wide: countdown %q %v wide (needs %v), time %q shown %v, %v wide (needs %v)", width,
			c.Text, c.Size().Width, fullWidth(c), at.Text, at.Visible(), at.Size().Width, fullWidth(at))
	}
}

// TestAutoRefreshStopsOnFirstFailure: auto-refresh refreshes before the
// access token expires and records it; when a refresh fails it turns
// itself off with the reason and tries no more.
func TestAutoRefreshStopsOnFirstFailure(t *testing.T) {
	clock := &testClock{t: time.Now()}
	w := loggedInWindow(t, clock)
	l, s := w.lifetimes, w.cur
	if l.auto.Disabled() {
		t.Fatal("auto-refresh is disabled with a refresh token")
	}
	test.Tap(l.auto)
	w.wait()
	if !s.life.auto || s.life.cycles != 0 {
		t.Fatalf("auto %v cycles %d: nothing is due yet", s.life.auto, s.life.cycles)
	}
	first := s.result
	exp := l.shown["access"].Expires
	clock.set(exp.Add(-61 * time.Second)) // the lead is a minute for a 10 min token
	w.tick()
	w.wait()
	if s.result != first {
		t.Fatal("refreshed too early")
	}
	clock.set(exp.Add(-59 * time.Second))
	assertNotificationSent(t, w, nil, func() { // auto-refresh renews them: no expiry notice
		w.tick()
		w.wait()
	})
	if s.result == first || s.previous != first || s.life.cycles != 1 || len(s.life.refreshes) != 1 ||
		!strings.HasPrefix(s.life.refreshes[0].outcome, "refreshed: access token until") {
		t.Fatalf("after the due tick: cycles %d records %+v", s.life.cycles, s.life.refreshes)
	}
	if w.tabs.Selected().Text == tabChanges {
		t.Error("an auto-refresh switched the tab")
	}
	if !strings.Contains(l.message.Text, "1 done so far") {
		t.Errorf("message %q", l.message.Text)
	}

	// The refresh token is revoked behind the app's back: the next refresh fails.
	c, err := w.clientFor(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(context.Background(), s.result.RefreshToken.Raw, "refresh_token"); err != nil {
		t.Fatal(err)
	}
	exchanges := len(s.transcript.Exchanges())
	clock.set(l.shown["access"].Expires.Add(-10 * time.Second))
	w.tick()
	w.wait()
	if len(s.transcript.Exchanges()) != exchanges {
		t.Fatal("a second auto-refresh came within a minute of the first")
	}
	clock.set(l.shown["access"].Expires.Add(5 * time.Second))
	w.tick()
	w.wait()
	if s.life.auto || l.auto.Checked || s.life.cycles != 1 || len(s.life.refreshes) != 2 ||
		!strings.HasPrefix(s.life.refreshes[1].outcome, "failed: ") {
		t.Fatalf("after a failed refresh: auto %v checked %v cycles %d records %+v", s.life.auto, l.auto.Checked, s.life.cycles, s.life.refreshes)
	}
	if !strings.HasPrefix(l.message.Text, "Auto-refresh stopped at ") || !strings.Contains(l.message.Text, "invalid_grant") ||
		l.message.Importance != widget.DangerImportance {
		t.Errorf("message %q", l.message.Text)
	}
	after := len(s.transcript.Exchanges())
	clock.set(l.shown["access"].Expires.Add(5 * time.Minute))
	w.tick()
	w.wait()
	if n := len(s.transcript.Exchanges()); n != after || after != exchanges+1 {
		t.Errorf("exchanges: %d before the failure, %d after, %d a tick later; want one failed call and no retry", exchanges, after, n)
	}
	w.changesView()
	if l.log.Length() != 2 {
		t.Errorf("the Changes tab lists %d auto-refreshes, want 2", l.log.Length())
	}
}
