//go:build !linux

package flows

// portOwner names the process listening on a TCP port; only Linux is asked.
func portOwner(int) string { return "" }
