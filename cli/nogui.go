//go:build nogui

package cli

// hasGUI: this is the command-line-only build (-tags nogui, no Fyne, no cgo).
const hasGUI = false
