//go:build windows

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockPath takes an exclusive lock (LockFileEx) on the file at path,
// creating it if needed, and returns the function that releases it. Windows
// drops the lock when the process dies. It waits up to lockWait.
func lockPath(path string) (unlock func(), err error) {
	f, err := waitLock(path,
		func(f *os.File) error {
			flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK | windows.LOCKFILE_FAIL_IMMEDIATELY)
			return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, new(windows.Overlapped))
		},
		func(err error) bool {
			return errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING)
		})
	if err != nil {
		return nil, err
	}
	return func() {
		windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
		f.Close()
	}, nil
}

// syncDir is a no-op: Windows cannot fsync a directory, and MoveFileEx
// (os.Rename) replaces the file in one step.
func syncDir(string) error { return nil }

// checkPrivate is a no-op: the secrets file sits in the user's profile
// folder, whose ACL already excludes other users.
func checkPrivate(string) error { return nil }
