package ui

import (
	"runtime"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/version"
)

func TestAboutShowsVersionGoAndRevision(t *testing.T) {
	w := newTestWindow(t, nil)
	test.Tap(w.sidebar.about)
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("the About button opened no dialog")
	}
	info := version.Current()
	want := map[string]bool{"Token Inspector": false, info.App: false, runtime.Version(): false, info.RevisionText(): false}
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			if _, ok := want[l.Text]; ok {
				want[l.Text] = true
			}
		}
	}
	for text, seen := range want {
		if !seen {
			t.Errorf("the About dialog does not show %q", text)
		}
	}
	test.Tap(overlayButton(t, w, "Copy details"))
	if got := w.app.Clipboard().Content(); got != info.String() {
		t.Errorf("Copy details put %q on the clipboard, want %q", got, info.String())
	}
	test.Tap(overlayButton(t, w, "Close"))
	if w.win.Canvas().Overlays().Top() != nil {
		t.Error("Close left the About dialog open")
	}
}
