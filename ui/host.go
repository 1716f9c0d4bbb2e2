package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/tokeninspector/tokeninspector/store"
)

// host is what a screen may ask of the window: run work off the UI
// goroutine, report status, the current session, show a tab, and the
// window to put dialogs on. Screens get this (or one of the interfaces
// below, which add what that screen alone needs), never the *window.
type host interface {
	// run starts op off the UI goroutine for session s (nil for work not
	// tied to a profile), showing what while it runs and done after it
	// succeeded; apply runs on the UI goroutine.
	run(s *session, what, done string, op func(ctx context.Context) (apply func(), err error))
	say(msg string)         // a message in the status bar
	current() *session      // the shown session; nil on "Paste a token"
	selectTab(title string) // shows a tab of the main area
	parent() fyne.Window    // for dialogs
}

// editorHost is the profile editor's host.
type editorHost interface {
	host
	saveProfile(p store.Profile, oldName string, isNew bool, secret, key string)
	clipboard() fyne.Clipboard
	setTitle(title string) // the header above the tabs
}

// sidebarHost is the profile list's host.
type sidebarHost interface {
	host
	selectDemo()
	selectPaste()
	selectProfile(p store.Profile)
	newProfile()        // opens the editor on a new, unsaved profile
	forget(name string) // drops the session of a deleted profile
	storeOp(what string, op func(st *store.Store) (string, error), after ...func())
	readImport(r fyne.URIReadCloser)
	about() // shows the About dialog
	prefs() fyne.Preferences
}

// pasteHost is the paste panel's host: its runs are cancelled when a newer
// one replaces them.
type pasteHost interface {
	host
	runIn(parent context.Context, s *session, what, done string, op func(ctx context.Context) (apply func(), err error), current func() bool)
	idle()               // the status bar and buttons after a run was dropped
	showError(err error) // a failure after a run that otherwise succeeded
}

func (w *window) say(msg string)            { w.status.say(msg) }
func (w *window) current() *session         { return w.cur }
func (w *window) parent() fyne.Window       { return w.win }
func (w *window) clipboard() fyne.Clipboard { return w.app.Clipboard() }
func (w *window) forget(name string)        { delete(w.sessions, name) }
func (w *window) idle()                     { w.status.stop(""); w.updateActions() }
func (w *window) setTitle(title string)     { w.title.SetText(title) }
func (w *window) about()                    { showAbout(w.app, w.win) }
func (w *window) showError(err error)       { w.status.stop(""); w.status.showError(err) }
