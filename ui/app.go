// Package ui is the Fyne desktop app. It is the only package besides main
// that imports Fyne; it calls token/, flows/ and store/ from goroutines and
// changes widgets with fyne.Do.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// AppID is the reverse-DNS application ID (also in FyneApp.toml).
const AppID = "io.github.tokeninspector"

// Run starts the desktop app and blocks until its window closes.
func Run() {
	a := app.NewWithID(AppID)
	w := a.NewWindow("Token Inspector")
	w.SetContent(widget.NewLabel("Token Inspector"))
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { a.Quit() })
	w.Resize(fyne.NewSize(1100, 720))
	w.ShowAndRun()
}
