//go:build nogui

package main

// startGUI is nil: this command-line-only build has no desktop app, so
// running it without arguments prints the usage (see cli.Main).
var startGUI func() int
