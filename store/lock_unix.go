//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockPath takes an exclusive advisory lock (flock(2)) on the file at path,
// creating it if needed, and returns the function that releases it. The
// kernel drops the lock when the process dies, so a crash never leaves the
// store locked. It waits up to lockWait for another process to finish.
func lockPath(path string) (unlock func(), err error) {
	f, err := waitLock(path,
		func(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) },
		func(err error) bool { return errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR) })
	if err != nil {
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// syncDir makes a rename in dir durable (fsync on the directory).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// checkPrivate refuses a secrets file that others can read or write.
func checkPrivate(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("secrets file %s can be read by other users (mode %04o); run \"chmod 600 %s\" and try again", path, perm, path)
	}
	return nil
}
