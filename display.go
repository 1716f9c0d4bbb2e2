//go:build !nogui

package main

import (
	"errors"
	"fmt"
	"strings"
)

// checkDisplay reports why the desktop app cannot open a window here, or nil.
// Without DISPLAY and WAYLAND_DISPLAY there is no graphical session to ask;
// otherwise openDisplay asks the windowing library to connect to it.
func checkDisplay(getenv func(string) string) error {
	if !needsDisplayServer {
		return nil
	}
	x11, wayland := getenv("DISPLAY"), getenv("WAYLAND_DISPLAY")
	if x11 == "" && wayland == "" {
		return errors.New("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set)")
	}
	if err := openDisplay(x11, wayland); err != nil {
		return fmt.Errorf("cannot open the display %s (%w)", displayNames(x11, wayland), err)
	}
	return nil
}

// displayNames names the display variables that are set, quoted.
func displayNames(x11, wayland string) string {
	var names []string
	if x11 != "" {
		names = append(names, fmt.Sprintf("DISPLAY=%q", x11))
	}
	if wayland != "" {
		names = append(names, fmt.Sprintf("WAYLAND_DISPLAY=%q", wayland))
	}
	return strings.Join(names, ", ")
}
