package ui

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
)

// selectAndCopy drags across the first characters of a selectable label,
// presses Ctrl+C on it, and returns the selected text.
func selectAndCopy(t *testing.T, l *widget.Label) string {
	t.Helper()
	objs := test.WidgetRenderer(l).Objects()
	if len(objs) < 2 {
		t.Fatalf("label %q is not selectable", l.Text)
	}
	sel, ok := objs[0].(interface {
		desktop.Mouseable
		fyne.Draggable
		fyne.Shortcutable
	})
	if !ok {
		t.Fatalf("the label's selection layer is %T", objs[0])
	}
	down := &desktop.MouseEvent{Button: desktop.MouseButtonPrimary, PointEvent: fyne.PointEvent{Position: fyne.NewPos(8, 10)}}
	sel.MouseDown(down)
	sel.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 40}, PointEvent: fyne.PointEvent{Position: fyne.NewPos(48, 10)}})
	sel.DragEnd()
	sel.MouseUp(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary, PointEvent: fyne.PointEvent{Position: fyne.NewPos(48, 10)}})
	sel.TypedShortcut(&fyne.ShortcutCopy{})
	return l.SelectedText()
}

// TestResponsesReadOnlySelectable: the JSON is shown in a monospace label
// the user can select and copy but not edit; Copy copies all of it.
func TestResponsesReadOnlySelectable(t *testing.T) {
	a := test.NewTempApp(t)
	v := newResponsesView(a)
	win := test.NewTempWindow(t, v.content)
	win.Resize(fyne.NewSize(600, 400))
	v.show(nil, &flows.Introspection{Active: true, Raw: map[string]any{"active": true, "sub": "alice"}}, nil)
	v.selectSource(sourceIntro)
	if !v.text.Selectable || !v.text.TextStyle.Monospace {
		t.Fatalf("responses text: selectable %v, monospace %v", v.text.Selectable, v.text.TextStyle.Monospace)
	}
	want := "{\n  \"active\": true,\n  \"sub\": \"alice\"\n}"
	if v.text.Text != want {
		t.Fatalf("introspection text = %q; want %q", v.text.Text, want)
	}
	if sel := selectAndCopy(t, v.text); sel == "" || !strings.HasPrefix(want, sel) || a.Clipboard().Content() != sel {
		t.Errorf("selected %q, Ctrl+C copied %q; want a prefix of the JSON", sel, a.Clipboard().Content())
	}
	test.Tap(v.copyBtn)
	if got := a.Clipboard().Content(); got != want {
		t.Errorf("Copy put %q on the clipboard", got)
	}
}

// TestTranscriptDetailReadOnlySelectable: the selected exchange's details
// are a selectable label; Copy copies them, never the hint.
func TestTranscriptDetailReadOnlySelectable(t *testing.T) {
	a := test.NewTempApp(t)
	v := newTranscriptView(a)
	win := test.NewTempWindow(t, v.content)
	win.Resize(fyne.NewSize(800, 600))
	v.show([]flows.Exchange{{Endpoint: "discovery", Method: http.MethodGet, URL: "http://127.0.0.1/.well-known/openid-configuration",
		Status: 200, ResponseBody: `{"issuer":"http://127.0.0.1"}`, Started: time.Now()}})
	test.Tap(v.copyBtn)
	if got := a.Clipboard().Content(); got != "" {
		t.Errorf("Copy with nothing selected put %q on the clipboard", got)
	}
	if v.detail.Text != transcriptHint || !v.detail.Selectable {
		t.Fatalf("detail = %q, selectable %v", v.detail.Text, v.detail.Selectable)
	}
	v.list.Select(0)
	if !strings.HasPrefix(v.detail.Text, "GET http://127.0.0.1/.well-known/openid-configuration") {
		t.Fatalf("detail = %q", v.detail.Text)
	}
	if sel := selectAndCopy(t, v.detail); sel == "" || !strings.HasPrefix(v.detail.Text, sel) {
		t.Errorf("selected %q; want a prefix of the details", sel)
	}
	test.Tap(v.copyBtn)
	if got := a.Clipboard().Content(); got != v.detail.Text {
		t.Errorf("Copy put %q on the clipboard; want the details", got)
	}
}

// TestTranscriptLive: the exchanges of a login appear while it runs (the
// discovery before the browser opens), and a session left is no longer
// followed.
func TestTranscriptLive(t *testing.T) {
	w := newTestWindow(t, nil)
	v := w.transcriptView()
	seen := make(chan []string, 1)
	// The browser opener runs on the login goroutine, after the exchanges
	// so far were delivered (fyne.Do runs at once in the test driver).
	w.d.browser = func(ctx context.Context, u string) error {
		var eps []string
		for _, x := range v.items {
			eps = append(eps, x.Endpoint)
		}
		seen <- eps
		return nil
	}
	test.Tap(w.actions.login)
	var eps []string
	select {
	case eps = <-seen:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser was never opened")
	}
	w.onCancel()
	w.wait()
	if !slices.Contains(eps, "discovery") {
		t.Errorf("while waiting for the browser the transcript showed %v; want the discovery exchange", eps)
	}

	demo := w.cur
	n := len(v.items)
	v.list.Select(n - 1)
	detail := v.detail.Text
	demo.transcript.Add(flows.Exchange{Endpoint: "userinfo", Method: http.MethodGet, URL: "http://127.0.0.1/userinfo", Status: 200})
	if len(v.items) != n+1 || v.detail.Text != detail {
		t.Errorf("after a live exchange: %d items (want %d), detail kept %v", len(v.items), n+1, v.detail.Text == detail)
	}

	w.sidebar.selectPaste()
	events := w.liveEvents
	demo.transcript.Add(flows.Exchange{Endpoint: "token", Method: http.MethodPost, URL: "http://127.0.0.1/token", Status: 200})
	if w.liveEvents != events {
		t.Errorf("the Demo IdP's transcript is still followed after leaving it")
	}
	if len(v.items) != 0 {
		t.Errorf("Paste a token shows %d exchanges", len(v.items))
	}
	w.sidebar.selectDemo()
	if len(v.items) != n+2 {
		t.Errorf("back on the Demo IdP: %d exchanges; want %d", len(v.items), n+2)
	}
}
