//go:build !linux

package store

// sessionBusMissing is Linux-only: other systems' keyrings need no D-Bus.
func sessionBusMissing() string { return "" }
