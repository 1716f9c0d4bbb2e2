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
// server the environment names. It must run on the main thread, before Fyne
// starts; main does that. When Fyne would connect to the same server the
// connection stays open: Fyne's own glfw.Init then returns at once instead of
// connecting a second time (about a fifth of a bare window's start-up).
func openDisplay(x11, wayland string) error {
	platform, keep := glfwPlatform(x11, wayland, os.Getenv("FYNE_PLATFORM"))
	glfw.InitHint(glfw.PlatformHint, platform)
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
	if !keep {
		glfw.Terminate()
	}
	return nil
}

// glfwPlatform returns the platform GLFW is asked for, given DISPLAY,
// WAYLAND_DISPLAY and FYNE_PLATFORM, and whether the connection may stay
// open for Fyne. Only the server that is named is asked for: an X11-only
// session must not try Wayland (libwayland prints its own complaint). Fyne
// picks the platform itself: FYNE_PLATFORM when it says x11 or wayland,
// otherwise GLFW's choice, except that in a Wayland session that also has
// XWayland it prefers X11 when the compositor draws no window decorations.
// The connection is kept only where that choice is known to be the same;
// with both servers named it is closed again and Fyne chooses.
func glfwPlatform(x11, wayland, fynePlatform string) (platform int, keep bool) {
	switch {
	case fynePlatform == "x11":
		return int(glfw.PlatformX11), true
	case fynePlatform == "wayland":
		return int(glfw.PlatformWayland), true
	case wayland == "":
		return int(glfw.PlatformX11), true
	case x11 == "":
		return int(glfw.PlatformWayland), true
	}
	return int(glfw.AnyPlatform), false
}
