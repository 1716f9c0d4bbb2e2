//go:build !nogui

package cli

// hasGUI says whether this build contains the desktop app, which main starts
// when tokeninspector runs without arguments. The -tags nogui build does not.
const hasGUI = true
