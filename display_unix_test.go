//go:build !nogui && (linux || freebsd || netbsd || openbsd || dragonfly)

package main

import (
	"testing"

	"github.com/go-gl/glfw/v3.4/glfw"
)

// The display check keeps GLFW's connection for Fyne only where Fyne would
// pick the same platform (its driver: internal/driver/glfw/wayland_csd_linux.go).
func TestGLFWPlatform(t *testing.T) {
	tests := []struct {
		name, x11, wayland, fyne string
		want                     glfw.Platform
		keep                     bool
	}{
		{"X11 session", ":0", "", "", glfw.PlatformX11, true},
		{"Wayland only", "", "wayland-0", "", glfw.PlatformWayland, true},
		{"Wayland with XWayland: Fyne decides", ":0", "wayland-0", "", glfw.AnyPlatform, false},
		{"FYNE_PLATFORM=x11", ":0", "wayland-0", "x11", glfw.PlatformX11, true},
		{"FYNE_PLATFORM=wayland", ":0", "wayland-0", "wayland", glfw.PlatformWayland, true},
		{"FYNE_PLATFORM unknown is ignored", ":0", "wayland-0", "mir", glfw.AnyPlatform, false},
		{"FYNE_PLATFORM unknown, X11 session", ":0", "", "mir", glfw.PlatformX11, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, keep := glfwPlatform(tt.x11, tt.wayland, tt.fyne)
			if got != int(tt.want) || keep != tt.keep {
				t.Errorf("glfwPlatform(%q, %q, %q) = %d, %v; want %d, %v", tt.x11, tt.wayland, tt.fyne, got, keep, tt.want, tt.keep)
			}
		})
	}
}
