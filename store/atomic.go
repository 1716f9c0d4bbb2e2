package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// lockWait bounds how long a writer waits for another instance's lock.
var lockWait = 10 * time.Second

// ErrLocked means another process kept the store locked for too long.
var ErrLocked = errors.New("the profiles file is locked")

// waitLock opens (creating) the lock file at path and calls try until it
// takes the lock, fails with an error busy does not recognise, or lockWait
// passes. The platform's lockPath supplies try and busy.
func waitLock(path string, try func(*os.File) error, busy func(error) bool) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := try(f)
		if err == nil {
			return f, nil
		}
		if !busy(err) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("%w: %s is held by another Token Inspector for more than %s; close it or try again", ErrLocked, path, lockWait)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// tmpPrefix is the name prefix of temporary files next to path; they are
// only created while the lock is held, so any found under the lock are
// leftovers of a crash.
func tmpPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// writeAtomic replaces path with data so that a crash at any moment leaves
// either the old or the new file: write a temporary file in the same folder,
// fsync it, (optionally) keep the current file as path+".bak", rename the
// temporary file over path, fsync the folder. The new file has mode 0600.
func writeAtomic(path string, data []byte, backup bool) error {
	dir := filepath.Dir(path)
	if err := makeConfigDir(dir); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, tmpPrefix(path)+"*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: flush to disk: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if backup {
		if err := keepBackup(path); err != nil {
			return fmt.Errorf("save %s: keep the previous version: %w", path, err)
		}
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	ok = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("save %s: flush the folder to disk: %w", path, err)
	}
	return nil
}

// keepBackup makes path+".bak" a copy of path, atomically: a hard link (or
// a synced copy where links are unsupported) under a temporary name, then a
// rename over the old backup.
func keepBackup(path string) error {
	bak := path + ".bak"
	tmp := filepath.Join(filepath.Dir(path), tmpPrefix(path)+"bak")
	os.Remove(tmp)
	if err := os.Link(path, tmp); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err := copyFile(path, tmp); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, bak); err != nil {
		os.Remove(tmp)
		return err
	}
	// A hard link keeps the old file's mode, which an older version or
	// the user may have left readable by others.
	return chmodPrivate(bak)
}

// chmodPrivate makes a file readable and writable by its owner only.
func chmodPrivate(path string) error {
	if err := os.Chmod(path, 0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("make %s private (0600): %w", path, err)
	}
	return nil
}

// makeConfigDir creates dir (0700) when missing, and tightens the app's own
// configuration folder (named AppID) to 0700 when others may read it. A
// folder the user chose for the file (with another name) is left as it is.
func makeConfigDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the folder %s: %w", dir, err)
	}
	if filepath.Base(dir) != AppID {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("make the folder %s private (0700): %w", dir, err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// moveAside renames a damaged file to path+".corrupt-<time>" (with a
// counter if taken), never overwriting anything, and returns the new name.
func moveAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.Format("20060102-150405")
	for i := 1; i < 1000; i++ {
		dst := base
		if i > 1 {
			dst = fmt.Sprintf("%s-%d", base, i)
		}
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		// A hard link fails if dst exists, so nothing is ever overwritten.
		if err := os.Link(path, dst); err == nil {
			if err := os.Remove(path); err != nil {
				return dst, fmt.Errorf("copied to %s but could not remove the original: %w", dst, err)
			}
			return dst, chmodPrivate(dst)
		} else if errors.Is(err, os.ErrExist) {
			continue
		}
		// No hard links here (or path is a directory): rename, dst was free.
		if err := os.Rename(path, dst); err != nil {
			return "", err
		}
		if fi, err := os.Stat(dst); err == nil && fi.Mode().IsRegular() {
			return dst, chmodPrivate(dst)
		}
		return dst, nil
	}
	return "", fmt.Errorf("too many damaged copies of %s already", path)
}

// removeLeftovers deletes temporary files a crashed writer left next to
// path. Call it with the lock held.
func removeLeftovers(path string) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	prefix := tmpPrefix(path)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			os.Remove(filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
}
