package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
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
	tabFlow       = "Flow"
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
	handlers   *flowActions
	status     *statusBar
	title      *widget.Label
	tabs       *container.AppTabs
	profileTab *container.TabItem
	editor     *editor
	demoPanel  *demoPanel
	access     *tokenView
	id         *tokenView
	refresh    *tokenView
	paste      *pastePanel
	changes    *changesView
	responses  *responsesView
	transcript *transcriptView
	lifetimes  *lifetimesStrip
	keys       *keysView
	flow       *flowView
	flowMu     sync.Mutex  // one Flow analysis at a time: their results apply in order (the test driver runs fyne.Do in place)
	flowBuilt  atomic.Bool // the Flow tab exists (read by the transcript subscription)

	ops sync.WaitGroup // background operations (tests wait on it)

	unfollow   func() // ends the live transcript subscription of cur
	liveEvents int    // exchanges delivered live (tests)
	// stale holds the built tabs whose view shows older data than the
	// current session's: render updates only the tab in view, and a stale
	// tab is rendered when it is shown (ensureTab).
	stale map[string]bool

	storeLoaded bool // the profiles are listed (the last profile was restored)
	autoActive  bool // TOKENINSPECTOR_AUTO* steps are running
	autoPos     int
}

// newWindow builds the main window of a. Nothing slow happens here: the store
// opens and the demo IdP starts later, off the UI goroutine.
func newWindow(a fyne.App, d deps) *window {
	if d.now == nil {
		d.now = time.Now
	}
	a.Settings().SetTheme(newTheme())
	w := &window{app: a, d: d, demo: &demoState{opts: d.demo}, sessions: map[string]*session{}, storeDon: make(chan struct{}), stale: map[string]bool{}}
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
	w.handlers = &flowActions{w: w}
	w.actions = newActionBar(w.handlers, w.onCancel)
	w.status = newStatusBar(w.app, w.win, w.actions.cancel, w.openAgain)
	w.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.demoPanel = newDemoPanel(w, w.demo)
	w.demo.started = func() { fyne.Do(w.demoPanel.refresh) } // the panel follows the server as it starts
	w.lifetimes = newLifetimesStrip(w)

	// Tab contents are built on first display (see ensureTab): fewer fonts
	// and widgets before the window shows, less memory for unused tabs.
	// All items at once: each Append lays the whole tab bar out again.
	var items []*container.TabItem
	for _, t := range []string{tabProfile, tabAccess, tabID, tabRefresh, tabPasted, tabChanges, tabResponses, tabTranscript, tabKeys, tabFlow} {
		items = append(items, container.NewTabItem(t, container.NewStack()))
	}
	w.tabs = container.NewAppTabs(items...)
	w.profileTab = w.tabs.Items[0]
	w.tabs.OnSelected = func(it *container.TabItem) {
		w.ensureTab(it.Text)
		if v := w.tokenInView(); v != nil {
			v.tick()
		}
		w.updateActions() // Introspect and Revoke act on the token in view
	}
	w.sidebar = newSidebar(w)
	// The action bar is compact: when it wraps in a narrow window the claims
	// still keep their rows.
	top := container.NewVBox(w.actions.content, container.NewBorder(nil, nil, w.title, nil, w.status.content))
	right := container.NewBorder(top, nil, nil, nil, w.tabs)
	split := container.NewHSplit(container.NewBorder(nil, w.lifetimes.content, nil, nil, w.sidebar.content), right)
	split.Offset = 0.18
	w.win.SetContent(split)
}

// tabItem returns the tab with this title.
func (w *window) tabItem(title string) *container.TabItem {
	for _, t := range w.tabs.Items {
		if t.Text == title {
			return t
		}
	}
	return nil
}

// setTabContent replaces a tab's content.
func (w *window) setTabContent(title string, c fyne.CanvasObject) {
	if it := w.tabItem(title); it != nil && it.Content != c {
		delete(w.stale, title) // a view is built with the current data
		it.Content = c
		w.tabs.Refresh()
	}
}

// ensureTab builds a tab's views on first use and shows the current data.
func (w *window) ensureTab(title string) {
	switch title {
	case tabAccess:
		w.accessView()
	case tabID:
		w.idView()
	case tabRefresh:
		w.refreshView()
	case tabPasted:
		w.pastePanel()
	case tabChanges:
		w.changesView()
	case tabResponses:
		w.responsesView()
	case tabTranscript:
		w.transcriptView()
	case tabKeys:
		w.keysView()
	case tabFlow:
		w.flowView()
	}
}

// freshen renders a built tab that is stale (see render).
func (w *window) freshen(title string) {
	if w.stale[title] {
		w.renderTab(title)
	}
}

const (
	emptyAccess  = "No access token yet. Log in, or use Client credentials."
	emptyID      = "No ID token yet. Log in with the openid scope."
	emptyRefresh = "No refresh token yet. Ask for offline_access when you log in."
)

func (w *window) accessView() *tokenView {
	if w.access == nil {
		w.access = newTokenView(w.app, w.d.now, emptyAccess)
		w.access.kind = kindAccess
		w.setTabContent(tabAccess, w.access.content)
		w.renderAccess()
	}
	w.freshen(tabAccess)
	return w.access
}

func (w *window) idView() *tokenView { return w.tokenTab(&w.id, tabID, "id", emptyID) }

func (w *window) refreshView() *tokenView {
	return w.tokenTab(&w.refresh, tabRefresh, "refresh", emptyRefresh)
}

// tokenTab builds *v, the view of the tab showing the token of this kind,
// on first use.
func (w *window) tokenTab(v **tokenView, tab, kind, empty string) *tokenView {
	if *v == nil {
		*v = newTokenView(w.app, w.d.now, empty)
		(*v).kind = kind
		w.setTabContent(tab, (*v).content)
		showInspected(*v, tokenOf(w.result(), kind), empty)
	}
	w.freshen(tab)
	return *v
}

func (w *window) pastePanel() *pastePanel {
	if w.paste == nil {
		w.paste = newPastePanel(w, w.app, w.d.now)
		w.setTabContent(tabPasted, w.paste.content)
	}
	return w.paste
}

func (w *window) changesView() *changesView {
	if w.changes == nil {
		w.changes = newChangesView()
		w.setTabContent(tabChanges, container.NewVSplit(w.changes.content, w.lifetimes.logView()))
		w.renderChanges()
	}
	w.freshen(tabChanges)
	return w.changes
}

func (w *window) responsesView() *responsesView {
	if w.responses == nil {
		w.responses = newResponsesView(w.app)
		w.setTabContent(tabResponses, w.responses.content)
		w.renderResponses()
	}
	w.freshen(tabResponses)
	return w.responses
}

func (w *window) transcriptView() *transcriptView {
	if w.transcript == nil {
		w.transcript = newTranscriptView(w.app)
		w.setTabContent(tabTranscript, w.transcript.content)
		w.renderTranscript()
	}
	w.freshen(tabTranscript)
	return w.transcript
}

func (w *window) editorView() *editor {
	if w.editor == nil {
		w.editor = newEditor(w)
	}
	return w.editor
}

// result is the current session's token response, or nil.
func (w *window) result() *flows.Result {
	if w.cur == nil {
		return nil
	}
	return w.cur.result
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
	st, _, err := store.Open("", store.WithKeyring(store.SystemKeyring()))
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
	w.storeLoaded = true
}

// tick refreshes the expiry countdowns of the token in view (the others
// catch up when shown) and the lifetimes strip.
func (w *window) tick() {
	if v := w.tokenInView(); v != nil {
		v.tick()
	}
	w.lifetimes.tick()
}

// tokenInView is the token view of the selected tab, or nil.
func (w *window) tokenInView() *tokenView {
	switch w.tabs.Selected().Text {
	case tabAccess:
		return w.access
	case tabID:
		return w.id
	case tabRefresh:
		return w.refresh
	case tabPasted:
		if w.paste != nil {
			return w.paste.view
		}
	}
	return nil
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
	w.follow(nil)
	w.cancelAll()
	w.demo.close()
	w.app.Quit()
}

// cancelAll stops the paste panel's work and every session's operation.
func (w *window) cancelAll() {
	if w.paste != nil {
		w.paste.stop()
	}
	for _, s := range w.sessions {
		if s.cancel != nil {
			s.cancel()
		}
	}
}

// newProfile opens the editor on a new, unsaved profile.
func (w *window) newProfile() {
	w.cur = newSession("", false, store.Profile{})
	w.clearStatus()
	w.title.SetText("New profile")
	w.setTabContent(tabProfile, w.editorView().content)
	w.editor.load(store.Profile{Name: "New profile", Settings: settings.Settings{RedirectHost: settings.DefaultRedirectHost}}, true)
	w.render()
	w.selectTab(tabProfile)
}

// selectDemo shows the Demo IdP profile.
func (w *window) selectDemo() {
	s := w.sessions[demoProfileName]
	if s == nil {
		s = newSession(demoProfileName, true, store.Profile{})
		w.sessions[demoProfileName] = s
	}
	w.show(s)
	if w.storeLoaded { // a choice of the user, not the start-up default
		w.app.Preferences().SetString(prefLastProfile, demoProfileName)
	}
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
	w.follow(nil)
	w.clearStatus()
	w.title.SetText("Paste a token")
	w.render()
	w.selectTab(tabPasted)
}

func (w *window) show(s *session) {
	w.cur = s
	w.follow(s)
	w.clearStatus()
	if s.demo {
		w.title.SetText(demoProfileName)
		w.setTabContent(tabProfile, w.demoPanel.content)
		w.demoPanel.refresh()
	} else {
		w.title.SetText(s.name)
		w.setTabContent(tabProfile, w.editorView().content)
		w.editor.load(s.profile, false)
	}
	w.render()
	if s.result == nil {
		w.selectTab(tabProfile)
	} else {
		w.selectTab(tabAccess)
	}
}

// clearStatus empties the status line when another profile is shown, so
// the last one's outcome does not linger (a running operation keeps it).
func (w *window) clearStatus() {
	if !w.status.activity.Visible() {
		w.status.clear()
	}
}

func (w *window) selectTab(title string) {
	if t := w.tabItem(title); t != nil {
		w.tabs.Select(t)
	}
}

// render shows the current session in the tab in view and marks the other
// built tabs stale: they are rendered when shown, so an auto-refresh does
// not redraw (and Fyne does not cache the text of) views nobody sees.
func (w *window) render() {
	for _, t := range []string{tabAccess, tabID, tabRefresh, tabChanges, tabResponses, tabTranscript, tabKeys, tabFlow} {
		w.stale[t] = true
	}
	if it := w.tabs.Selected(); it != nil {
		w.renderTab(it.Text)
	}
	w.lifetimes.show(w.cur)
	w.lifetimes.showLog(w.cur)
	w.updateActions()
}

// renderTab shows the current session in one tab's views (built so far).
func (w *window) renderTab(title string) {
	delete(w.stale, title)
	r := w.result()
	switch title {
	case tabAccess:
		w.renderAccess()
	case tabID:
		if w.id != nil {
			showInspected(w.id, tokenOf(r, "id"), emptyID)
		}
	case tabRefresh:
		if w.refresh != nil {
			showInspected(w.refresh, tokenOf(r, kindRefresh), emptyRefresh)
			w.refresh.ShowServer(w.cur.answer(kindRefresh))
		}
	case tabChanges:
		w.renderChanges()
	case tabResponses:
		w.renderResponses()
	case tabTranscript:
		w.renderTranscript()
	case tabKeys:
		w.renderKeys()
	case tabFlow:
		w.renderFlow()
	}
}

func (w *window) renderAccess() {
	if w.access == nil {
		return
	}
	showInspected(w.access, tokenOf(w.result(), kindAccess), emptyAccess)
	w.access.ShowServer(w.cur.answer(kindAccess))
	w.access.ShowBinding(bindingText(w.cur, w.result(), tokenOf(w.result(), kindAccess)))
}

func (w *window) renderChanges() {
	if w.changes == nil {
		return
	}
	if w.cur == nil {
		w.changes.show(nil, nil)
		return
	}
	w.changes.show(w.cur.previous, w.cur.result)
}

func (w *window) renderResponses() {
	if w.responses == nil {
		return
	}
	if w.cur == nil {
		w.responses.show(nil, answers{})
		return
	}
	w.responses.show(w.cur.result, answers{w.cur.introspection, w.cur.introspectionErr, w.cur.userinfo, w.cur.userinfoErr})
}

func (w *window) renderTranscript() {
	if w.transcript == nil {
		return
	}
	if w.cur == nil {
		w.transcript.show(nil)
		return
	}
	w.transcript.show(w.cur.transcript.Exchanges())
}

// renderFlow shows the current session in the Flow tab (built so far).
func (w *window) renderFlow() {
	if w.flow == nil {
		return
	}
	if w.cur == nil {
		w.flow.showTranscript(nil, nil)
		return
	}
	w.flow.showTranscript(w.cur, w.cur.transcript.Exchanges())
}

// follow subscribes to the live transcript of s (nil: none), ending the
// previous subscription, so exchanges appear while a flow runs. Only the
// current session is followed: a session left or replaced is unsubscribed.
func (w *window) follow(s *session) {
	if w.unfollow != nil {
		w.unfollow()
		w.unfollow = nil
	}
	if s == nil {
		return
	}
	w.unfollow = s.transcript.Subscribe(func(flows.Exchange) {
		fyne.Do(func() {
			w.liveEvents++
			if s == w.cur {
				w.updateTranscript()
			}
		})
		w.followFlow(s)
	})
}

// updateTranscript shows the exchanges recorded since the last update,
// keeping the selection (a transcript only grows). Out of view, the tab is
// marked stale instead and catches up when shown.
func (w *window) updateTranscript() {
	if w.transcript == nil || w.cur == nil || w.stale[tabTranscript] {
		return
	}
	if it := w.tabs.Selected(); it == nil || it.Text != tabTranscript {
		w.stale[tabTranscript] = true
		return
	}
	w.transcript.extend(w.cur.transcript.Exchanges())
}

// run starts op off the UI goroutine for session s (nil for work that is
// not tied to a profile), with what in the status bar while it runs and
// done after it succeeded. The returned apply func runs on the UI goroutine.
func (w *window) run(s *session, what, done string, op func(ctx context.Context) (apply func(), err error)) {
	w.runIn(context.Background(), s, what, done, op, nil)
}

// runIn is run under parent (cancelling it cancels op). When current is not
// nil it is called on the UI goroutine as op ends: false means a newer run
// replaced this one, whose outcome is then dropped.
func (w *window) runIn(parent context.Context, s *session, what, done string, op func(ctx context.Context) (apply func(), err error), current func() bool) {
	ctx, cancel := context.WithCancel(parent)
	if s != nil {
		if s.busy != "" {
			cancel()
			return
		}
		s.busy, s.cancel = what, cancel
	}
	w.status.start(what)
	w.updateActions()
	w.ops.Add(1)
	go func() {
		defer w.ops.Done()
		defer cancel()
		apply, err := op(ctx)
		fyne.Do(func() {
			if current != nil && !current() {
				return
			}
			if s != nil {
				s.busy, s.cancel = "", nil
			}
			switch {
			case cancelled(err): // the user's choice, not a failure
				w.status.stop(cancelledText)
			case err != nil:
				w.status.stop("")
				if apply != nil { // the op records what the server refused
					apply()
				}
				w.status.showError(err)
			default:
				w.status.stop(done)
				if apply != nil {
					apply()
				}
			}
			if s != nil && s == w.cur {
				w.updateTranscript()
			}
			if w.cur != nil && w.cur.demo {
				w.demoPanel.refresh()
			}
			w.updateActions()
			w.autoNext(err)
		})
	}()
}

// updateActions enables the flow buttons that can work now.
func (w *window) updateActions() {
	w.actions.update(w.cur, w.result(), w.paste != nil && w.paste.running(), w.inView())
}

func (w *window) onCancel() {
	if w.cur != nil && w.cur.cancel != nil {
		w.cur.cancel()
	}
	if w.cur == nil && w.paste != nil {
		w.paste.stop()
	}
}

// onDropped opens a dropped HAR file (a .har, or any file dropped on the
// Flow tab) in the Flow tab, and inspects any other file as a pasted token.
func (w *window) onDropped(_ fyne.Position, uris []fyne.URI) {
	if len(uris) == 0 {
		return
	}
	if strings.EqualFold(uris[0].Extension(), ".har") || w.tabs.Selected().Text == tabFlow {
		w.selectTab(tabFlow)
		w.flowView().openHAR(uris[0])
		return
	}
	w.sidebar.selectPaste()
	w.pastePanel().loadFile(uris[0])
}

// pasteFromClipboard inspects the clipboard as a pasted token.
func (w *window) pasteFromClipboard() {
	w.sidebar.selectPaste()
	p := w.pastePanel()
	p.input.SetText(w.app.Clipboard().Content())
	p.inspect()
}

// showInspected shows a token of a result, or empty when there is none.
// bindingText says whose DPoP key the access token is bound to: the
// result's verdict (token_type and cnf.jkt against the session's key), or,
// for a token with cnf.jkt, the comparison with the session's key.
func bindingText(s *session, r *flows.Result, at *flows.Inspected) (string, bool) {
	if r != nil && r.DPoP != nil {
		text := r.DPoP.Verdict
		if !strings.Contains(text, r.DPoP.KeyThumbprint) {
			text += " (this session's key: " + r.DPoP.Algorithm + ", thumbprint " + r.DPoP.KeyThumbprint + ")"
		}
		return text, !r.DPoP.Bound
	}
	jkt := flows.TokenJKT(at)
	if jkt == "" {
		return "", false
	}
	var key *flows.DPoPKey
	if s != nil {
		key = s.sessionKey()
	}
	return flows.BindingVerdict(jkt, key), key == nil || key.Thumbprint() != jkt
}

func showInspected(v *tokenView, in *flows.Inspected, empty string) {
	if in == nil {
		v.Clear(empty)
		return
	}
	v.Show(in.Raw, in.Report, in.Err)
}
