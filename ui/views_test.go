package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
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
	v.show(nil, answers{in: &flows.Introspection{Active: true, Raw: map[string]any{"active": true, "sub": "alice"}}})
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
	w.selectTab(tabTranscript) // a tab out of view catches up when shown
	v := w.transcriptView()
	// The browser opener runs on the login goroutine, after the exchanges
	// so far were handed to the UI: the test runs those updates and looks.
	opened, proceed := make(chan struct{}), make(chan struct{})
	w.d.browser = func(ctx context.Context, u string) error {
		opened <- struct{}{}
		<-proceed
		return nil
	}
	test.Tap(w.actions.login)
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser was never opened")
	}
	w.flush()
	var eps []string
	for _, x := range v.items {
		eps = append(eps, x.Endpoint)
	}
	close(proceed)
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
	w.flush()
	if len(v.items) != n+1 || v.detail.Text != detail {
		t.Errorf("after a live exchange: %d items (want %d), detail kept %v", len(v.items), n+1, v.detail.Text == detail)
	}

	w.sidebar.selectPaste()
	events := w.liveEvents
	demo.transcript.Add(flows.Exchange{Endpoint: "token", Method: http.MethodPost, URL: "http://127.0.0.1/token", Status: 200})
	if w.liveEvents != events {
		t.Errorf("the Demo IdP's transcript is still followed after leaving it")
	}
	if v = w.transcriptView(); len(v.items) != 0 {
		t.Errorf("Paste a token shows %d exchanges", len(v.items))
	}
	w.sidebar.selectDemo()
	if v = w.transcriptView(); len(v.items) != n+2 {
		t.Errorf("back on the Demo IdP: %d exchanges; want %d", len(v.items), n+2)
	}
}

// blockingJWKS is a JWKS URL that answers only when released (or when the
// request is cancelled); hits receives each request.
func blockingJWKS(t *testing.T) (srv *httptest.Server, hits chan struct{}, cancelled chan struct{}, release chan struct{}) {
	hits, cancelled, release = make(chan struct{}, 4), make(chan struct{}, 4), make(chan struct{})
	srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hits <- struct{}{}
		select {
		case <-r.Context().Done():
			cancelled <- struct{}{}
		case <-release:
			rw.Header().Set("Content-Type", "application/json")
			_, _ = rw.Write([]byte(`{"keys":[]}`))
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv, hits, cancelled, release
}

func waitFor(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// TestPasteInspectAgainReplacesRun: a second Inspect cancels the first
// (stuck fetching a JWKS) and the first's outcome never shows.
func TestPasteInspectAgainReplacesRun(t *testing.T) {
	w := newTestWindow(t, nil)
	srv, hits, cancelled, _ := blockingJWKS(t)
	w.sidebar.selectPaste()
	p := w.pastePanel()
	p.input.SetText(hsToken(t, testPayload))
	p.mode.SetSelected(verifyJWKSURL)
	p.key.SetText(srv.URL + "/jwks")
	p.inspect()
	waitFor(t, hits, "the JWKS request")
	if !enabled(w.actions.cancel) {
		t.Errorf("Cancel is disabled while the pasted token is inspected")
	}

	p.mode.SetSelected(verifySecret)
	p.key.SetText(string(testSecret))
	p.inspect()
	waitFor(t, cancelled, "the first run's JWKS request to be cancelled")
	w.wait()
	if got := p.view.sigLabel.Text; !strings.HasPrefix(got, "Signature valid") {
		t.Errorf("badge = %q; want the second run's result", got)
	}
	if e := w.status.errorText(); e != "" {
		t.Errorf("the replaced run's outcome shows: %q", e)
	}
	if enabled(w.actions.cancel) || p.running() {
		t.Errorf("after the run: cancel enabled %v, running %v", enabled(w.actions.cancel), p.running())
	}
}

// TestPasteCancel: Cancel in the action bar ends a pasted-token run stuck
// fetching a JWKS, says so, and leaves the view as it was.
func TestPasteCancel(t *testing.T) {
	w := newTestWindow(t, nil)
	srv, hits, cancelled, _ := blockingJWKS(t)
	w.sidebar.selectPaste()
	p := w.pastePanel()
	p.input.SetText(hsToken(t, testPayload))
	p.mode.SetSelected(verifyJWKSURL)
	p.key.SetText(srv.URL + "/jwks")
	before := p.view.sigLabel.Text
	p.inspect()
	waitFor(t, hits, "the JWKS request")
	test.Tap(w.actions.cancel)
	waitFor(t, cancelled, "the JWKS request to be cancelled")
	w.wait()
	if got := w.status.message.Text; got != cancelledText || w.status.errorText() != "" {
		t.Errorf("after Cancel the status says %q (error %q); want a neutral %q", got, w.status.errorText(), cancelledText)
	}
	if got := p.view.sigLabel.Text; got != before {
		t.Errorf("badge = %q after Cancel; want it unchanged (%q)", got, before)
	}
	if enabled(w.actions.cancel) {
		t.Errorf("Cancel still enabled after the run ended")
	}
}

// slowFile is a file from the open dialog whose reading blocks until
// release is closed.
type slowFile struct {
	uri     fyne.URI
	data    *strings.Reader
	release chan struct{}
}

func newSlowFile(name, data string) *slowFile {
	return &slowFile{uri: storage.NewFileURI("/tmp/" + name), data: strings.NewReader(data), release: make(chan struct{})}
}

func (f *slowFile) Read(b []byte) (int, error) { <-f.release; return f.data.Read(b) }
func (f *slowFile) Close() error               { return nil }
func (f *slowFile) URI() fyne.URI              { return f.uri }

// returnsAtOnce fails when call blocks (a file read on the UI goroutine).
func returnsAtOnce(t *testing.T, what string, call func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { call(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s blocked the UI goroutine reading the file", what)
	}
}

// TestFilesReadOffUIGoroutine: the key file and the token file chosen in
// the dialogs are read in the background, then shown (and the token
// inspected).
func TestFilesReadOffUIGoroutine(t *testing.T) {
	w := newTestWindow(t, nil)
	w.sidebar.selectPaste()
	p := w.pastePanel()
	p.mode.SetSelected(verifySecret)

	key := newSlowFile("secret.txt", string(testSecret))
	returnsAtOnce(t, "the key file", func() { p.loadKey(key) })
	close(key.release)
	w.wait()
	if p.key.Text != string(testSecret) || p.keyFrom != "secret.txt" || p.mode.Selected != verifySecret {
		t.Errorf("after the key file: key %q, from %q, mode %q", p.key.Text, p.keyFrom, p.mode.Selected)
	}

	raw := hsToken(t, testPayload)
	tok := newSlowFile("token.jwt", raw+"\n")
	returnsAtOnce(t, "the token file", func() { p.loadReader(tok) })
	close(tok.release)
	w.wait()
	if strings.TrimSpace(p.input.Text) != raw {
		t.Errorf("token box = %q", p.input.Text)
	}
	if got := p.view.sigLabel.Text; !strings.HasPrefix(got, "Signature valid") {
		t.Errorf("badge = %q; status error %q", got, w.status.errorText())
	}

	pem := newSlowFile("key.pem", "-----BEGIN PUBLIC KEY-----\n")
	p.mode.SetSelected(verifyJWKSURL)
	returnsAtOnce(t, "a PEM key file", func() { p.loadKey(pem) })
	close(pem.release)
	w.wait()
	if p.mode.Selected != verifyKey || p.keyFrom != "key.pem" {
		t.Errorf("after a key file in JWKS URL mode: mode %q, from %q", p.mode.Selected, p.keyFrom)
	}
}

// TestTranscriptColoursAndFilter: refused and failed exchanges are red, the
// filter shows one endpoint, and new exchanges scroll into view.
func TestTranscriptColoursAndFilter(t *testing.T) {
	a := test.NewTempApp(t)
	v := newTranscriptView(a)
	win := test.NewTempWindow(t, v.content)
	win.Resize(fyne.NewSize(900, 300))
	now := time.Now()
	x := []flows.Exchange{
		{Endpoint: "discovery", Method: http.MethodGet, URL: "http://127.0.0.1/.well-known/openid-configuration", Status: 200, Started: now},
		{Endpoint: "token", Method: http.MethodPost, URL: "http://127.0.0.1/token", Status: 200, Started: now},
		{Endpoint: "introspection", Method: http.MethodPost, URL: "http://127.0.0.1/introspect", Status: 400, Started: now},
		{Endpoint: "userinfo", Method: http.MethodGet, URL: "http://127.0.0.1/userinfo", Err: "connection refused", Started: now},
	}
	v.show(x)
	for i, want := range []widget.Importance{widget.SuccessImportance, widget.SuccessImportance, widget.DangerImportance, widget.DangerImportance} {
		row := v.list.CreateItem()
		v.list.UpdateItem(i, row)
		status := row.(*fyne.Container).Objects[1].(*widget.Label)
		if status.Importance != want {
			t.Errorf("row %d (%s, status %s): importance %v; want %v", i, x[i].Endpoint, status.Text, status.Importance, want)
		}
	}
	if !slices.Equal(v.filter.Options, []string{allEndpoints, "discovery", "token", "introspection", "userinfo"}) {
		t.Errorf("filter options = %v", v.filter.Options)
	}
	v.filter.SetSelected("introspection")
	if len(v.items) != 1 || v.items[0].Status != 400 {
		t.Errorf("filtered to introspection: %+v", v.items)
	}
	v.filter.SetSelected(allEndpoints)
	var more []flows.Exchange
	for i := 0; i < 30; i++ {
		more = append(more, flows.Exchange{Endpoint: "jwks", Method: http.MethodGet, URL: "http://127.0.0.1/jwks", Status: 200, Started: now})
	}
	v.extend(append(x, more...))
	if v.list.GetScrollOffset() <= 0 {
		t.Errorf("the list did not scroll to the new exchanges")
	}
}

// TestTranscriptShowSecretsToggle: the token sent to introspection is
// redacted in the details until "Show secrets" is ticked; a new view (a
// restart) starts with it off.
func TestTranscriptShowSecretsToggle(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"active":false}`))
	}))
	defer srv.Close()
	c, err := flows.NewClient(flows.Config{Settings: settings.Settings{ClientID: "cli", Endpoints: settings.Endpoints{Introspection: srv.URL + "/introspect"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Introspect(context.Background(), "tok-SECRET-123", ""); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	v := newTranscriptView(a)
	test.NewTempWindow(t, v.content)
	v.show(c.Transcript())
	v.list.Select(0)
	if strings.Contains(v.detail.Text, "tok-SECRET-123") || v.reveal.Checked {
		t.Fatalf("secrets shown by default: %q", v.detail.Text)
	}
	test.Tap(v.reveal)
	if !strings.Contains(v.detail.Text, "tok-SECRET-123") {
		t.Errorf("Show secrets did not reveal the token: %q", v.detail.Text)
	}
	if again := newTranscriptView(a); again.reveal.Checked {
		t.Error("Show secrets is on in a new view")
	}
}

// TestPasteRefusesTextAndBrokenTokens: text with spaces is an error, never
// an "opaque token", and a broken segment is an error on the status line,
// not "done".
func TestPasteRefusesTextAndBrokenTokens(t *testing.T) {
	w := newTestWindow(t, nil)
	w.sidebar.selectPaste()
	p := w.pastePanel()
	p.mode.SetSelected(verifyNone)
	for name, tt := range map[string]struct{ in, want string }{
		"words":          {"this is not a token", "contains spaces"},
		"broken segment": {"eyJhbGciOiJIUzI1NiJ9.!!!.x", "payload"},
	} {
		p.input.SetText(tt.in)
		p.inspect()
		w.wait()
		if e := w.status.errorText(); !strings.Contains(e, tt.want) || strings.Contains(w.status.message.Text, "done") {
			t.Errorf("%s: status %q, error %q; want an error about %q", name, w.status.message.Text, e, tt.want)
		}
		if p.view.report != nil || !p.view.message.Visible() {
			t.Errorf("%s: the view shows a token", name)
		}
	}
}
