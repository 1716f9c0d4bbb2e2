package ui

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/store"
)

// Preference keys.
const (
	prefWidth       = "window.width"
	prefHeight      = "window.height"
	prefLastProfile = "profile.last"
)

// Tab titles.
const (
	tabProfile    = "Profile"
	tabAccess     = "Access token"
	tabID         = "ID token"
	tabRefresh    = "Refresh token"
	tabPasted     = "Pasted token"
	tabChanges    = "Changes"
	tabResponses  = "Responses"
	tabTranscript = "Transcript"
)

// window is the main window and everything it shows. Its fields are used on
// the UI goroutine only, except where noted.
type window struct {
	app fyne.App
	win fyne.Window
	d   deps

	demo *demoState // safe from any goroutine

	storeMu  sync.Mutex // guards st, stErr
	st       *store.Store
	stErr    error
	storeDon chan struct{} // closed once the store open attempt ended

	sessions map[string]*session
	cur      *session // nil when "Paste a token" is selected

	sidebar    *sidebar
	actions    *actionBar
	status     *statusBar
	title      *widget.Label
	tabs       *container.AppTabs
	profileTab *container.TabItem
	editor     *editor
	demoPanel  *demoPanel
	access     *tokenView
	verdict    *verdictPanel
	id         *tokenView
	refresh    *tokenView
	paste      *pastePanel
	changes    *changesView
	responses  *responsesView
	transcript *transcriptView

	ops sync.WaitGroup // background operations (tests wait on it)

	autoActive bool // TOKENINSPECTOR_AUTO* steps are running
	autoPos    int
}

// newWindow builds the main window of a. Nothing slow happens here: the store
// opens and the demo IdP starts later, off the UI goroutine.
func newWindow(a fyne.App, d deps) *window {
	if d.now == nil {
		d.now = time.Now
	}
	a.Settings().SetTheme(newTheme())
	w := &window{app: a, d: d, demo: &demoState{opts: d.demo}, sessions: map[string]*session{}, storeDon: make(chan struct{})}
	w.win = a.NewWindow("Token Inspector")
	w.build()
	w.shortcuts()
	p := a.Preferences()
	w.win.Resize(fyne.NewSize(float32(p.FloatWithFallback(prefWidth, 1180)), float32(p.FloatWithFallback(prefHeight, 760))))
	w.win.SetCloseIntercept(func() { w.quit() })
	w.win.SetOnDropped(w.onDropped)
	return w
}

func (w *window) build() {
	w.status = newStatusBar(w.app, w.onCancel)
	w.actions = newActionBar(w)
	w.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.editor = newEditor(w)
	w.demoPanel = newDemoPanel(w)
	w.access = newTokenView(w.app, w.d.now, "No access token yet. Log in, or use Client credentials.")
	w.verdict = newVerdictPanel()
	w.id = newTokenView(w.app, w.d.now, "No ID token yet. Log in with the openid scope.")
	w.refresh = newTokenView(w.app, w.d.now, "No refresh token yet. Ask for offline_access when you log in.")
	w.paste = newPastePanel(w)
	w.changes = newChangesView()
	w.responses = newResponsesView(w.app)
	w.transcript = newTranscriptView(w.app)

	w.profileTab = container.NewTabItem(tabProfile, w.editor.content)
	w.tabs = container.NewAppTabs(
		w.profileTab,
		container.NewTabItem(tabAccess, container.NewBorder(w.verdict.content, nil, nil, nil, w.access.content)),
		container.NewTabItem(tabID, w.id.content),
		container.NewTabItem(tabRefresh, w.refresh.content),
		container.NewTabItem(tabPasted, w.paste.content),
		container.NewTabItem(tabChanges, w.changes.content),
		container.NewTabItem(tabResponses, w.responses.content),
		container.NewTabItem(tabTranscript, w.transcript.content),
	)
	w.sidebar = newSidebar(w)
	top := container.NewVBox(w.title, w.actions.content, w.status.content)
	right := container.NewBorder(top, nil, nil, nil, w.tabs)
	split := container.NewHSplit(w.sidebar.content, right)
	split.Offset = 0.18
	w.win.SetContent(split)
	w.selectDemo()
}

// started runs after the window is shown: opens the store in the
// background and, in development, runs TOKENINSPECTOR_AUTOLOGIN.
func (w *window) started() {
	w.ops.Add(1)
	go func() {
		defer w.ops.Done()
		st, err := w.d.openStore()
		w.storeMu.Lock()
		w.st, w.stErr = st, err
		w.storeMu.Unlock()
		close(w.storeDon)
		fyne.Do(func() { w.storeOpened(st, err) })
	}()
	if d := w.d.tick; d > 0 {
		go func() {
			for range time.Tick(d) {
				fyne.Do(w.tick)
			}
		}()
	}
	w.autoStart()
}

// profiles returns the store, waiting for it to open (off the UI goroutine).
func (w *window) profiles() (*store.Store, error) {
	<-w.storeDon
	w.storeMu.Lock()
	defer w.storeMu.Unlock()
	if w.st == nil && w.stErr == nil {
		return nil, errors.New("the profiles file is not open")
	}
	return w.st, w.stErr
}

// openDefaultStore opens $TOKENINSPECTOR_PROFILES or the default file.
func openDefaultStore() (*store.Store, error) {
	st, _, err := store.Open("")
	return st, err
}

func (w *window) storeOpened(st *store.Store, err error) {
	if err != nil {
		w.status.showError(err)
		return
	}
	if p := st.Problem(); p != nil {
		w.status.showError(p)
	}
	w.sidebar.reload(st.List())
	if last := w.app.Preferences().String(prefLastProfile); last != "" && w.cur != nil && w.cur.demo && w.d.auto.isZero() {
		w.sidebar.selectName(last)
	}
}

// tick refreshes the expiry countdowns.
func (w *window) tick() {
	w.access.tick()
	w.id.tick()
	w.refresh.tick()
	w.paste.view.tick()
}

func (w *window) shortcuts() {
	c := w.win.Canvas()
	add := func(k fyne.KeyName, mod fyne.KeyModifier, f func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: mod}, func(fyne.Shortcut) { f() })
	}
	ctrl := fyne.KeyModifierShortcutDefault
	add(fyne.KeyQ, ctrl, w.quit)
	add(fyne.KeyL, ctrl, w.actions.login.OnTapped)
	add(fyne.KeyR, ctrl, w.actions.refresh.OnTapped)
	add(fyne.KeyV, ctrl|fyne.KeyModifierShift, w.pasteFromClipboard)
}

// quit remembers the window size and the profile, then quits.
func (w *window) quit() {
	p := w.app.Preferences()
	sz := w.win.Canvas().Size()
	if sz.Width > 0 && sz.Height > 0 {
		p.SetFloat(prefWidth, float64(sz.Width))
		p.SetFloat(prefHeight, float64(sz.Height))
	}
	for _, s := range w.sessions {
		if s.cancel != nil {
			s.cancel()
		}
	}
	w.demo.close()
	w.app.Quit()
}

// selectDemo shows the Demo IdP profile.
func (w *window) selectDemo() {
	s := w.sessions[demoProfileName]
	if s == nil {
		s = newSession(demoProfileName, true, store.Profile{})
		w.sessions[demoProfileName] = s
	}
	w.show(s)
}

// selectProfile shows a saved profile (p is its stored version).
func (w *window) selectProfile(p store.Profile) {
	s := w.sessions[p.Name]
	if s == nil || s.profile.Revision != p.Revision || s.profile.ID != p.ID {
		s = newSession(p.Name, false, p)
		w.sessions[p.Name] = s
	}
	w.show(s)
	w.app.Preferences().SetString(prefLastProfile, p.Name)
}

// selectPaste shows the "Paste a token" panel.
func (w *window) selectPaste() {
	w.cur = nil
	w.title.SetText("Paste a token: inspect any token without a profile")
	w.render()
	w.selectTab(tabPasted)
}

func (w *window) show(s *session) {
	w.cur = s
	if s.demo {
		w.title.SetText(demoProfileName + ": the built-in demo identity provider (starts on first use)")
		w.profileTab.Content = w.demoPanel.content
		w.demoPanel.refresh()
	} else {
		w.title.SetText("Profile " + s.name)
		w.profileTab.Content = w.editor.content
		w.editor.load(s.profile, false)
	}
	w.tabs.Refresh()
	w.render()
	if s.result == nil {
		w.selectTab(tabProfile)
	} else {
		w.selectTab(tabAccess)
	}
}

func (w *window) selectTab(title string) {
	for _, t := range w.tabs.Items {
		if t.Text == title {
			w.tabs.Select(t)
			return
		}
	}
}

// render shows the current session's tokens, responses and transcript.
func (w *window) render() {
	s := w.cur
	var r *flows.Result
	if s != nil {
		r = s.result
	}
	showInspected(w.access, tokenOf(r, "access"), "No access token yet. Log in, or use Client credentials.")
	showInspected(w.id, tokenOf(r, "id"), "No ID token yet. Log in with the openid scope.")
	showInspected(w.refresh, tokenOf(r, "refresh"), "No refresh token yet. Ask for offline_access when you log in.")
	if s == nil {
		w.verdict.show(nil, nil)
		w.changes.show(nil, nil)
		w.responses.show(nil, nil, nil)
		w.transcript.show(nil)
	} else {
		w.verdict.show(tokenOf(r, "access"), s.introspection)
		w.changes.show(s.previous, s.result)
		w.responses.show(s.result, s.introspection, s.userinfo)
		w.transcript.show(s.transcript.Exchanges())
	}
	w.actions.update()
}

// run starts op off the UI goroutine for session s (nil for work that is
// not tied to a profile). The returned apply func runs on the UI goroutine.
func (w *window) run(s *session, what string, op func(ctx context.Context) (apply func(), err error)) {
	ctx, cancel := context.WithCancel(context.Background())
	if s != nil {
		if s.busy != "" {
			cancel()
			return
		}
		s.busy, s.cancel = what, cancel
	}
	w.status.start(what)
	w.actions.update()
	w.ops.Add(1)
	go func() {
		defer w.ops.Done()
		defer cancel()
		apply, err := op(ctx)
		fyne.Do(func() {
			if s != nil {
				s.busy, s.cancel = "", nil
			}
			if err != nil {
				w.status.stop("")
				w.status.showError(err)
			} else {
				w.status.stop(what + ": done.")
				if apply != nil {
					apply()
				}
			}
			if s != nil && s == w.cur {
				w.transcript.show(s.transcript.Exchanges())
			}
			if w.cur != nil && w.cur.demo {
				w.demoPanel.refresh()
			}
			w.actions.update()
			w.autoNext(err)
		})
	}()
}

// wait blocks until background operations have finished (tests).
func (w *window) wait() { w.ops.Wait() }

func (w *window) onCancel() {
	if w.cur != nil && w.cur.cancel != nil {
		w.cur.cancel()
	}
}

// onDropped inspects a dropped file as a pasted token.
func (w *window) onDropped(_ fyne.Position, uris []fyne.URI) {
	if len(uris) == 0 {
		return
	}
	w.sidebar.selectPaste()
	w.paste.loadFile(uris[0])
}

// pasteFromClipboard inspects the clipboard as a pasted token.
func (w *window) pasteFromClipboard() {
	w.sidebar.selectPaste()
	w.paste.input.SetText(w.app.Clipboard().Content())
	w.paste.inspect()
}

// showInspected shows a token of a result, or empty when there is none.
func showInspected(v *tokenView, in *flows.Inspected, empty string) {
	if in == nil {
		v.Clear(empty)
		return
	}
	v.Show(in.Raw, in.Report, in.Err)
}
