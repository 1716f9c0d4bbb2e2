// Package ui is the Fyne desktop app. It is the only package besides main
// that imports Fyne; it calls token/, flows/ and store/ from goroutines and
// changes widgets with fyne.Do.
package ui

import (
	"context"
	"os"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tokeninspector/tokeninspector/assets"
	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/store"
)

// AppID is the reverse-DNS application ID (also in FyneApp.toml).
const AppID = "io.github.tokeninspector"

// Run shows the main window of a (made by main with app.NewWithID(AppID),
// so this package needs no Fyne driver to build its tests) and blocks until
// the window closes.
func Run(a fyne.App) {
	a.SetIcon(iconResource())
	d := defaultDeps()
	d.auto = autoFromEnv(os.Getenv)
	w := newWindow(a, d)
	w.win.Show()
	w.started()
	a.Run()
}

// iconResource wraps the embedded icon.
func iconResource() fyne.Resource {
	return fyne.NewStaticResource("icon.png", assets.IconPNG)
}

// deps are the window's outside world, injected so tests can replace them.
type deps struct {
	now       func() time.Time                          // clock for checks and countdowns
	tick      time.Duration                             // countdown refresh; 0 = no ticker (tests call tick)
	browser   func(ctx context.Context, u string) error // opens the authorization URL
	openStore func() (*store.Store, error)              // opens the profiles store (lazily, off the UI goroutine)
	demo      demoidp.Options                           // how the Demo IdP starts
	auto      autoRun                                   // development automation (screenshots)

	noCallbackAfter time.Duration // how long a login waits after the browser returned before it says so (0: flows' default)
	noticed         func()        // called on the login goroutine after that notice is shown (tests: no shared state read early)
}

func defaultDeps() deps {
	return deps{
		now:       time.Now,
		tick:      time.Second,
		browser:   flows.OpenBrowser,
		openStore: openDefaultStore,
	}
}
