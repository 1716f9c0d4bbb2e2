//go:build !unix && !windows

package store

// lockPath is a no-op on systems without flock or LockFileEx (js/wasm,
// plan9): two app instances there may lose each other's changes.
func lockPath(string) (func(), error) { return func() {}, nil }

// syncDir is a no-op here.
func syncDir(string) error { return nil }

// checkPrivate is a no-op here.
func checkPrivate(string) error { return nil }
