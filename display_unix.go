//go:build !nogui && (linux || freebsd || netbsd || openbsd || dragonfly)

package main

import (
	"errors"
	"io"
	"log"
	"os"

	"github.com/go-gl/glfw/v3.4/glfw"
)

// needsDisplayServer: on Linux and the BSDs a window needs an X11 or Wayland
// server named by the environment (macOS and Windows always have one).
const needsDisplayServer = true

// openDisplay connects GLFW (the library Fyne draws with) to the display
// server the environment names, then disconnects so Fyne starts afresh. It
// must run on the main thread, before Fyne starts; main does that.
func openDisplay(x11, wayland string) error {
	// Ask only for the server that is named: an X11-only session must not
	// try Wayland (libwayland prints its own complaint on the way).
	platform := glfw.AnyPlatform
	switch {
	case wayland == "":
		platform = glfw.PlatformX11
	case x11 == "":
		platform = glfw.PlatformWayland
	}
	glfw.InitHint(glfw.PlatformHint, int(platform))
	defer glfw.InitHint(glfw.PlatformHint, int(glfw.AnyPlatform))

	// go-gl/glfw logs platform errors itself; the caller prints one line.
	log.SetOutput(io.Discard)
	defer log.SetOutput(os.Stderr)
	err := glfw.Init()
	if code, desc := glfw.GetError(); err == nil && code != glfw.NoError {
		err = errors.New(desc)
	}
	if err != nil {
		return err
	}
	glfw.Terminate()
	return nil
}
