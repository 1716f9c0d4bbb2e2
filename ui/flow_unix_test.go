//go:build unix

package ui

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestFlowReadsOffTheUIGoroutine opens a HAR that cannot be read yet (a
// named pipe nobody writes to): openHAR must return at once, showing
// progress and Stop, and the file is analysed once it arrives.
func TestFlowReadsOffTheUIGoroutine(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "slow.har")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("no named pipes: %v", err)
	}
	w := newTestWindow(t, nil)
	v := w.flowView()
	returned := make(chan struct{})
	go func() {
		v.openHAR(fileURI(t, pipe))
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("openHAR blocked on a file that is not there yet")
	}
	if v.progress.Hidden || v.cancel.Hidden || v.a != nil {
		t.Errorf("while reading: progress shown %v, Stop shown %v", !v.progress.Hidden, !v.cancel.Hidden)
	}
	// The data arrives; the analysis is shown.
	f, err := os.OpenFile(pipe, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bigHAR(3))
	f.Close()
	w.wait()
	if v.a == nil || len(v.a.Steps) != 3 || !v.progress.Hidden || !v.cancel.Hidden {
		t.Fatalf("after the data came: %+v", v.a)
	}
	// Stop while waiting: nothing is shown, no error.
	v.openHAR(fileURI(t, pipe))
	test := v.a
	v.stopLoading()
	f, err = os.OpenFile(pipe, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bigHAR(3))
	f.Close()
	w.wait()
	if e := w.status.errorText(); e != "" || v.a != test {
		t.Errorf("a stopped read: error %q, analysis replaced %v", e, v.a != test)
	}
}
