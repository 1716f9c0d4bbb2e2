package ui

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// queuedApp is a test app whose fyne.Do queues the function, as the desktop
// driver queues it for its main goroutine, instead of running it at once on
// the calling goroutine as Fyne's test driver does. With the test driver a
// background operation's widget updates ran beside the test's own, and two
// goroutines laying out text at once crashed Fyne's shared text shaper.
// window.wait runs the queue on the test goroutine.
type queuedApp struct {
	fyne.App
	drv  *queuedDriver
	sent *fyne.Notification // the last notification sent
}

// newQueuedApp makes a test app (see test.NewTempApp) with a queued fyne.Do.
func newQueuedApp(t *testing.T) *queuedApp {
	a := test.NewTempApp(t)
	q := &queuedApp{App: a, drv: &queuedDriver{Driver: a.Driver()}}
	fyne.SetCurrentApp(q)
	return q
}

func (a *queuedApp) Driver() fyne.Driver { return a.drv }

type queuedDriver struct {
	fyne.Driver
	mu  sync.Mutex
	fns []func()
}

// DoFromGoroutine queues fn; with wait it would block until the test
// goroutine runs the queue, which the window's code never asks for.
func (d *queuedDriver) DoFromGoroutine(fn func(), wait bool) {
	if wait {
		panic("fyne.DoAndWait in a window test: window.wait runs queued work only after background operations end")
	}
	d.mu.Lock()
	d.fns = append(d.fns, fn)
	d.mu.Unlock()
}

// take empties the queue.
func (d *queuedDriver) take() []func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	fns := d.fns
	d.fns = nil
	return fns
}

// wait blocks until background operations have finished and runs the
// widget updates they queued, until none is left: the queued work runs
// only between background operations, so no WaitGroup Add meets a Wait.
func (w *window) wait() {
	w.ops.Wait()
	for w.flush() {
		w.ops.Wait()
	}
}

// flush runs the widget updates queued so far, while background operations
// may still run: for tests that look at the window in the middle of one
// (a login waiting for the browser). It reports whether there were any.
func (w *window) flush() bool {
	q, ok := fyne.CurrentApp().Driver().(*queuedDriver)
	if !ok {
		return false
	}
	fns := q.take()
	for _, fn := range fns {
		fn()
	}
	return len(fns) > 0
}

// SendNotification records n for assertNotificationSent.
func (a *queuedApp) SendNotification(n *fyne.Notification) { a.sent = n }

// assertNotificationSent is test.AssertNotificationSent for a window on a
// queuedApp (Fyne's helper wants its own app type): f sends n, or nothing
// when n is nil.
func assertNotificationSent(t *testing.T, w *window, n *fyne.Notification, f func()) {
	t.Helper()
	q := w.app.(*queuedApp)
	q.sent = nil
	f()
	switch {
	case n == nil && q.sent != nil:
		t.Errorf("notification sent: %q: %q; want none", q.sent.Title, q.sent.Content)
	case n != nil && q.sent == nil:
		t.Errorf("no notification sent; want %q: %q", n.Title, n.Content)
	case n != nil && (q.sent.Title != n.Title || q.sent.Content != n.Content):
		t.Errorf("notification %q: %q; want %q: %q", q.sent.Title, q.sent.Content, n.Title, n.Content)
	}
}
