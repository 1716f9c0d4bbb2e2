//go:build !nogui && !(linux || freebsd || netbsd || openbsd || dragonfly)

package main

// needsDisplayServer: macOS and Windows always have a window system.
const needsDisplayServer = false

func openDisplay(x11, wayland string) error { return nil }
