//go:build windows

package store

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// lockPath takes an exclusive lock (LockFileEx) on the file at path,
// creating it if needed, and returns the function that releases it. Windows
// drops the lock when the process dies. It waits up to lockWait.
func lockPath(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	h := windows.Handle(f.Fd())
	deadline := time.Now().Add(lockWait)
	for {
		ol := new(windows.Overlapped)
		err = windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
		if err == nil {
			break
		}
		if !errors.Is(err, windows.ERROR_LOCK_VIOLATION) && !errors.Is(err, windows.ERROR_IO_PENDING) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("%w: %s is held by another Token Inspector for more than %s; close it or try again", ErrLocked, path, lockWait)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return func() {
		windows.UnlockFileEx(h, 0, 1, 0, new(windows.Overlapped))
		f.Close()
	}, nil
}

// syncDir is a no-op: Windows cannot fsync a directory, and MoveFileEx
// (os.Rename) replaces the file in one step.
func syncDir(string) error { return nil }

// checkPrivate is a no-op: the secrets file sits in the user's profile
// folder, whose ACL already excludes other users.
func checkPrivate(string) error { return nil }
