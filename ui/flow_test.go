package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/flowtrace"
)

const failingHAR = "../flowtrace/testdata/demo-failing-login.har"

func fileURI(t *testing.T, path string) fyne.URI {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return storage.NewFileURI(abs)
}

func flowKinds(v *flowView) []flowtrace.Kind {
	var out []flowtrace.Kind
	for _, s := range v.diagram.steps {
		out = append(out, s.Kind)
	}
	return out
}

// tapRow taps the diagram's arrow of the step of this kind.
func tapRow(t *testing.T, v *flowView, kind flowtrace.Kind) {
	t.Helper()
	for i, s := range v.diagram.steps {
		if s.Kind == kind {
			v.diagram.Tapped(&fyne.PointEvent{Position: fyne.NewPos(50, float32(seqHead+seqPad+i*seqRow+seqRow/2))})
			return
		}
	}
	t.Fatalf("no %s arrow in %v", kind, flowKinds(v))
}

func TestFlowTabShowsTheSessionLive(t *testing.T) {
	w := newTestWindow(t, nil)
	w.selectTab(tabFlow)
	w.wait()
	v := w.flow
	if v == nil || v.a != nil || !strings.Contains(v.detail.Text, "Open HAR") {
		t.Fatalf("before a login the Flow tab should explain itself: %+v", v)
	}
	test.Tap(w.actions.login)
	w.wait()
	for _, k := range []flowtrace.Kind{flowtrace.KindDiscovery, flowtrace.KindAuthorization, flowtrace.KindCallback, flowtrace.KindToken} {
		if !slices.Contains(flowKinds(v), k) {
			t.Errorf("no %s arrow after a login: %v", k, flowKinds(v))
		}
	}
	if !strings.HasPrefix(v.heading.Text, "Current session") || v.export.Disabled() {
		t.Errorf("heading %q, export enabled %v", v.heading.Text, !v.export.Disabled())
	}
	if v.diagram.actors[1] != flowtrace.Client || v.a.ActorLabel(flowtrace.Client) != "Token Inspector" {
		t.Errorf("lifelines %v", v.diagram.actors)
	}
	tapRow(t, v, flowtrace.KindToken)
	for _, want := range []string{"Step ", "POST ", "code_verifier", "PKCE", "Token id_token", "signature valid"} {
		if !strings.Contains(v.detail.Text, want) {
			t.Errorf("token step detail lacks %q:\n%s", want, v.detail.Text)
		}
	}
	n := len(v.diagram.steps)
	test.Tap(w.actions.userinfo)
	w.wait()
	if len(v.diagram.steps) != n+1 || v.diagram.steps[n].Kind != flowtrace.KindUserInfo {
		t.Errorf("UserInfo did not appear live: %v", flowKinds(v))
	}
}

func TestFlowOpensHAR(t *testing.T) {
	w := newTestWindow(t, nil)
	v := w.flowView()
	v.openHAR(fileURI(t, failingHAR))
	w.wait()
	if !strings.Contains(v.heading.Text, "demo-failing-login.har") || len(v.diagram.steps) != 7 {
		t.Fatalf("heading %q, %d arrows", v.heading.Text, len(v.diagram.steps))
	}
	if !strings.Contains(v.detail.Text, "2 error(s)") {
		t.Errorf("summary: %q", v.detail.Text)
	}
	if v.a.StepLevel(v.diagram.steps[6].Index) != flowtrace.LevelError {
		t.Errorf("the failed token call is not drawn as an error")
	}
	tapRow(t, v, flowtrace.KindToken)
	if !strings.HasPrefix(v.detail.Text, "Step 7") || !strings.Contains(v.detail.Text, "ERROR pkce_verifier_mismatch") {
		t.Errorf("detail of the failed step:\n%s", v.detail.Text)
	}
	// A finding selects its step.
	for i, f := range v.a.Findings {
		if f.ID == "token_error" {
			v.findings.Select(i)
		}
	}
	if v.diagram.selected != 6 {
		t.Errorf("selecting the token_error finding selected arrow %d", v.diagram.selected)
	}
	// Back to the session, and the HAR again by dropping it.
	test.Tap(v.live)
	w.wait()
	if v.harPath != "" || strings.Contains(v.heading.Text, ".har") {
		t.Errorf("Current session still shows the HAR: %q", v.heading.Text)
	}
	w.onDropped(fyne.NewPos(10, 10), []fyne.URI{fileURI(t, failingHAR)})
	w.wait()
	if w.tabs.Selected().Text != tabFlow || v.harPath == "" {
		t.Errorf("a dropped .har did not open in the Flow tab (tab %q)", w.tabs.Selected().Text)
	}
}

func TestFlowBadHAR(t *testing.T) {
	w := newTestWindow(t, nil)
	dir := t.TempDir()
	for name, data := range map[string]string{"x.json": `{"hello":"world"}`, "cut.har": `{"log":{"entries":[`, "bin.har": "\x00\x01\x02"} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(data), 0o600)
		w.status.clear()
		w.flowView().openHAR(fileURI(t, path))
		w.wait()
		if e := w.status.errorText(); !strings.Contains(e, "open "+name) || w.flow.a != nil {
			t.Errorf("%s: status %q, analysis %v", name, e, w.flow.a != nil)
		}
		if !w.flow.progress.Hidden {
			t.Errorf("%s: the progress bar stays", name)
		}
	}
}

// bigHAR writes a HAR of n small entries.
func bigHAR(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"startedDateTime":"2026-11-24T09:30:00.000Z","time":1,"request":{"method":"GET","url":"https://app.example/%d","headers":[]},"response":{"status":200,"headers":[],"content":{"size":0,"mimeType":"text/plain"}}}`, i)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

func TestFlowOpensTwentyThousandEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.har")
	os.WriteFile(path, bigHAR(20_000), 0o600)
	w := newTestWindow(t, nil)
	v := w.flowView()
	v.openHAR(fileURI(t, path))
	w.wait()
	if v.a == nil || len(v.a.Steps) != 20_000 || v.a.Hidden != 20_000 || !v.progress.Hidden {
		t.Fatalf("analysis %+v", v.a)
	}
	if !strings.Contains(v.heading.Text, "0 steps of 20000 entries") {
		t.Errorf("heading %q", v.heading.Text)
	}
}

func TestFlowExport(t *testing.T) {
	a, err := flowtrace.AnalyzeHAR(context.Background(), bytes.NewReader(mustReadFile(t, failingHAR)), flowtrace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	folder, _ := storage.ListerForURI(storage.NewFileURI(dir))
	in, _ := filepath.Abs(failingHAR)
	for format, want := range map[string]string{exportSVG: "<svg", exportMermaid: "sequenceDiagram", exportPlantUML: "@startuml", exportHAR: `"log"`} {
		open := func() (fyne.URIWriteCloser, error) { return newFileIn(folder, "flow.out") }
		msg, err := writeExport(open, format, a, in, nil)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !strings.HasPrefix(msg, "Exported flow.out") {
			t.Errorf("%s: message %q", format, msg)
		}
		got := mustReadFile(t, filepath.Join(dir, "flow.out"))
		if !strings.Contains(string(got), want) {
			t.Errorf("%s: output lacks %q", format, want)
		}
		if format == exportHAR {
			if _, err := flowtrace.AnalyzeHAR(context.Background(), bytes.NewReader(got), flowtrace.Options{}); err != nil {
				t.Errorf("the sanitised HAR does not open: %v", err)
			}
			if bytes.Contains(got, []byte("Vx7-another-verifier")) {
				t.Error("the sanitised HAR holds the code_verifier")
			}
		}
		os.Remove(filepath.Join(dir, "flow.out"))
	}
	// Never an existing file: the second export gets another name.
	os.WriteFile(filepath.Join(dir, "x.har"), []byte("keep"), 0o600)
	wc, err := newFileIn(folder, "x.har")
	if err != nil {
		t.Fatal(err)
	}
	wc.Close()
	if wc.URI().Name() != "x-2.har" || string(mustReadFile(t, filepath.Join(dir, "x.har"))) != "keep" {
		t.Errorf("newFileIn wrote %s over an existing file", wc.URI().Name())
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestFlowFetchesKeysOnRequest: a HAR without the IdP's JWKS leaves the
// signatures unverified until Fetch keys gets them from the issuer.
func TestFlowFetchesKeysOnRequest(t *testing.T) {
	w := newTestWindow(t, nil)
	test.Tap(w.actions.login)
	w.wait()
	var xs []flows.Exchange
	for _, x := range w.cur.transcript.Exchanges() {
		if x.Endpoint != "jwks" {
			xs = append(xs, x)
		}
	}
	var har bytes.Buffer
	if err := flowtrace.WriteTranscriptHAR(&har, xs, "test"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nokeys.har")
	os.WriteFile(path, har.Bytes(), 0o600)
	v := w.flowView()
	w.wait()
	v.openHAR(fileURI(t, path))
	w.wait()
	unverified := func() bool {
		return slices.ContainsFunc(v.a.Findings, func(f flowtrace.Finding) bool { return f.ID == "token_unverified" })
	}
	if !unverified() || v.keys.Hidden {
		t.Fatalf("without a JWKS: unverified %v, Fetch keys shown %v", unverified(), !v.keys.Hidden)
	}
	test.Tap(v.keys)
	w.wait()
	if e := w.status.errorText(); e != "" || unverified() || !v.keys.Hidden {
		t.Errorf("after Fetch keys: error %q, still unverified %v", e, unverified())
	}
}
