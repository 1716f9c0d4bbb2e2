// Command hello is a bare Fyne window, the baseline for scripts/perf-ui.sh:
// the same toolkit, the same driver, nothing of Token Inspector.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.tokeninspector.hello")
	w := a.NewWindow("Hello")
	w.SetContent(widget.NewLabel("Hello, world"))
	w.Resize(fyne.NewSize(1180, 760))
	w.ShowAndRun()
}
