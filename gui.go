//go:build !nogui

package main

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2/app"

	"github.com/tokeninspector/tokeninspector/ui"
)

// startGUI starts the desktop app; main calls it when there are no arguments.
var startGUI = runGUI

// runGUI opens the window, or, without a usable display (an SSH session, a
// server, a stale DISPLAY), says so in one line and returns 1 instead of
// letting the windowing library panic.
func runGUI() int {
	if err := checkDisplay(os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "tokeninspector: %v: the desktop app needs a graphical session; the command-line interface works without one: tokeninspector --help\n", err)
		return 1
	}
	ui.Run(app.NewWithID(ui.AppID))
	return 0
}
