package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/flowtrace"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
	"github.com/tokeninspector/tokeninspector/version"
)

// flowHost is what the Flow tab needs from the window: a parent for its
// dialogs, the status line, and a way to run work off the UI goroutine
// that tests can wait for.
type flowHost interface {
	parent() fyne.Window
	showError(err error)
	say(msg string)
	background(f func())
}

// flowView is the Flow tab: the current session, or a HAR file, drawn as a
// sequence diagram with the findings, and the selected step explained.
type flowView struct {
	host     flowHost
	now      func() time.Time
	content  fyne.CanvasObject
	heading  *widget.Label
	diagram  *seqDiagram
	findings *widget.List
	detail   *widget.Label
	progress *widget.ProgressBar
	cancel   *widget.Button
	live     *widget.Button
	export   *widget.Button
	keys     *widget.Button // fetches the IdP's JWKS for a HAR that captured none

	a        *flowtrace.Analysis
	harPath  string             // the HAR shown ("" for the live session)
	session  []flows.Exchange   // the live session's exchanges
	owner    any                // the session they belong to
	stop     context.CancelFunc // cancels the HAR being read
	gen      int                // bumped by every new analysis; older ones are dropped
	onLoaded func(err error)    // told when a HAR has been analysed (automation)
	// afterRender, when set, runs once after the next analysis is shown
	// (automation: select a step, then say done).
	afterRender func()
}

const flowHint = "Log in (or run any action) to see the current session as a sequence diagram, or open a HAR file " +
	"recorded in a browser (drop it here, or Open HAR…). Click an arrow to see its request and response explained."

func newFlowView(host flowHost, now func() time.Time) *flowView {
	v := &flowView{host: host, now: now}
	v.heading = widget.NewLabel("")
	v.heading.Wrapping = fyne.TextWrapWord
	v.diagram = newSeqDiagram(v.selectStep)
	v.detail = readOnlyText()
	v.detail.Wrapping = fyne.TextWrapWord // findings and explanations are sentences
	v.detail.SetText(flowHint)
	v.findings = v.newFindings()
	v.progress = widget.NewProgressBar()
	v.progress.Hide()
	v.cancel = widget.NewButtonWithIcon("Stop", theme.CancelIcon(), v.stopLoading)
	v.cancel.Hide()
	open := widget.NewButtonWithIcon("Open HAR…", theme.FolderOpenIcon(), v.chooseHAR)
	v.live = widget.NewButtonWithIcon("Current session", theme.ViewRefreshIcon(), v.showSession)
	v.export = widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), v.chooseExport)
	v.keys = widget.NewButtonWithIcon("Fetch keys", theme.DownloadIcon(), v.fetchKeys)
	v.keys.Hide()
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(v.cancel, v.keys, open, v.live, v.export), v.heading)
	top := container.NewVBox(bar, v.progress)
	left := container.NewVSplit(container.NewScroll(v.diagram), v.findings)
	left.Offset = 0.72
	split := container.NewHSplit(left, container.NewVScroll(v.detail))
	split.Offset = 0.58
	v.content = container.NewBorder(top, nil, nil, nil, split)
	v.render()
	return v
}

// newFindings is the list of the flow's findings; selecting one shows its
// step (or, for the flow as a whole, the finding itself).
func (v *flowView) newFindings() *widget.List {
	l := widget.NewList(
		func() int {
			if v.a == nil {
				return 0
			}
			return len(v.a.Findings)
		},
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if v.a == nil || i >= len(v.a.Findings) {
				return
			}
			f := v.a.Findings[i]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(findingLine(f))
			c.Objects[1].(*widget.Icon).SetResource(levelIcon(f.Level))
		})
	l.OnSelected = func(i widget.ListItemID) {
		if v.a == nil || i >= len(v.a.Findings) {
			return
		}
		f := v.a.Findings[i]
		if f.Step >= 0 {
			v.showStep(f.Step)
			return
		}
		v.detail.SetText(fmt.Sprintf("%s %s\n\n%s\n\n(%s)", strings.ToUpper(string(f.Level)), f.ID, f.Message, f.Spec))
	}
	return l
}

func findingLine(f flowtrace.Finding) string {
	where := ""
	if f.Step >= 0 {
		where = fmt.Sprintf(" (step %d)", f.Step+1)
	}
	return fmt.Sprintf("%s%s: %s", f.ID, where, f.Message)
}

func levelIcon(l flowtrace.Level) fyne.Resource {
	switch l {
	case flowtrace.LevelError:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case flowtrace.LevelWarning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.InfoIcon()
}

// showTranscript analyses the current session's exchanges (nil: no
// session) off the UI goroutine and shows them, unless a HAR is open. For a
// session shown anew; exchanges recorded live come through showLive.
func (v *flowView) showTranscript(owner any, xs []flows.Exchange) {
	if owner == v.owner && len(xs) == len(v.session) && (v.a != nil || len(xs) == 0) {
		return // already shown (live)
	}
	v.owner, v.session = owner, xs
	if v.harPath != "" {
		return
	}
	v.gen++
	gen := v.gen
	if len(xs) == 0 {
		v.a = nil
		v.render()
		return
	}
	v.host.background(func() {
		a := v.analyze(xs)
		fyne.Do(func() {
			if gen == v.gen {
				v.a = a
				v.render()
			}
		})
	})
}

// analyze analyses a session's exchanges; safe from any goroutine.
func (v *flowView) analyze(xs []flows.Exchange) *flowtrace.Analysis {
	return flowtrace.AnalyzeTranscript(context.Background(), xs, flowtrace.Options{Now: v.now})
}

// showLive shows a session that grew while a flow runs: xs and its
// analysis a, made off the UI goroutine by the window's transcript
// subscription.
func (v *flowView) showLive(owner any, xs []flows.Exchange, a *flowtrace.Analysis) {
	v.owner, v.session = owner, xs
	if v.harPath != "" {
		return
	}
	v.gen++
	v.a = a
	v.render()
}

// showSession leaves the HAR and shows the current session again.
func (v *flowView) showSession() {
	v.stopLoading()
	v.harPath = ""
	v.gen++
	if v.a = nil; len(v.session) == 0 {
		v.render()
		return
	}
	xs, gen := v.session, v.gen
	v.host.background(func() {
		a := v.analyze(xs)
		fyne.Do(func() {
			if gen == v.gen {
				v.a = a
				v.render()
			}
		})
	})
}

// render shows v.a: heading, diagram, findings; the detail goes back to the
// hint or the flow's summary.
func (v *flowView) render() {
	v.diagram.show(v.a)
	v.findings.UnselectAll()
	v.findings.Refresh()
	v.live.Disable()
	v.keys.Hide()
	if v.harPath != "" {
		v.live.Enable()
		if v.a != nil && v.a.Issuer != "" && slices.ContainsFunc(v.a.Findings, func(f flowtrace.Finding) bool { return f.ID == "token_unverified" }) {
			v.keys.Show()
		}
	}
	if v.a == nil {
		v.export.Disable()
		v.heading.SetText("No flow yet.")
		v.detail.SetText(flowHint)
		return
	}
	v.export.Enable()
	v.heading.SetText(v.headingText())
	v.detail.SetText(v.summary())
	if f := v.afterRender; f != nil {
		v.afterRender = nil
		f()
	}
}

// showKind shows the first step of this kind ("token", "callback", ...),
// or the first step with an error finding for "error".
func (v *flowView) showKind(kind string) bool {
	if v.a == nil {
		return false
	}
	for _, s := range v.a.FlowSteps() {
		if string(s.Kind) == kind || (kind == "error" && v.a.StepLevel(s.Index) == flowtrace.LevelError) {
			v.showStep(s.Index)
			return true
		}
	}
	return false
}

func (v *flowView) headingText() string {
	a := v.a
	if v.harPath == "" {
		return fmt.Sprintf("Current session: %d steps", len(a.FlowSteps()))
	}
	text := fmt.Sprintf("%s: %d steps of %d entries", filepath.Base(v.harPath), len(a.FlowSteps()), len(a.Steps))
	if a.HAR != nil && a.HAR.Creator != "" {
		text += ", " + a.HAR.Creator
	}
	if !a.CapturedAt.IsZero() {
		text += ", recorded " + a.CapturedAt.Local().Format("2006-01-02 15:04")
	}
	return text
}

// summary is the detail shown before a step is chosen: the verdict.
func (v *flowView) summary() string {
	var b strings.Builder
	counts := map[flowtrace.Level]int{}
	for _, f := range v.a.Findings {
		counts[f.Level]++
	}
	switch {
	case counts[flowtrace.LevelError] > 0:
		fmt.Fprintf(&b, "%d error(s), %d warning(s) in this flow: see the findings below the diagram.\n\n", counts[flowtrace.LevelError], counts[flowtrace.LevelWarning])
	case counts[flowtrace.LevelWarning] > 0:
		fmt.Fprintf(&b, "No error; %d warning(s): see the findings below the diagram.\n\n", counts[flowtrace.LevelWarning])
	default:
		b.WriteString("No error or warning in this flow.\n\n")
	}
	b.WriteString("Click an arrow to see its request and response, every parameter explained and every token inspected.")
	return b.String()
}

// selectStep shows a step tapped in the diagram.
func (v *flowView) selectStep(s *flowtrace.Step) {
	v.detail.SetText(v.a.StepDetail(s.Index))
}

// showStep selects and shows the step with this index.
func (v *flowView) showStep(index int) {
	v.diagram.selectStep(index)
	v.detail.SetText(v.a.StepDetail(index))
}

// chooseHAR asks for a HAR file and opens it.
func (v *flowView) chooseHAR() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			v.host.showError(err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		v.openHAR(r.URI())
	}, v.host.parent())
	d.SetFilter(storage.NewExtensionFileFilter([]string{".har", ".json"}))
	d.Show()
}

// openHAR reads and analyses a HAR file off the UI goroutine, with a
// progress bar and a Stop button; the window stays responsive.
func (v *flowView) openHAR(u fyne.URI) {
	if u.Scheme() != "file" {
		v.host.showError(fmt.Errorf("%s is not a local file: save the HAR on this computer and open it from there", u))
		return
	}
	v.load(u.Path(), nil)
}

// fetchKeys analyses the open HAR again with the IdP's keys, fetched from
// its discovery document (on request: a HAR is otherwise read offline).
func (v *flowView) fetchKeys() {
	issuer := v.a.Issuer
	v.load(v.harPath, func(ctx context.Context) (token.KeySource, error) {
		c, err := flows.NewClient(flows.Config{Settings: settings.Settings{Issuer: issuer}})
		if err != nil {
			return nil, err
		}
		ks, err := c.KeySource(ctx)
		if err != nil {
			return nil, fmt.Errorf("fetch the keys of %s: %w", issuer, err)
		}
		return ks, nil
	})
}

// load reads and analyses the HAR at path in the background, with the
// keys from keys when it is set.
func (v *flowView) load(path string, keys func(context.Context) (token.KeySource, error)) {
	v.stopLoading()
	ctx, cancel := context.WithCancel(context.Background())
	v.stop = cancel
	v.gen++
	gen := v.gen
	v.progress.SetValue(0)
	v.progress.Show()
	v.cancel.Show()
	v.heading.SetText("Reading " + filepath.Base(path) + "…")
	v.host.background(func() {
		opts := flowtrace.Options{Now: v.now}
		if keys != nil {
			ks, err := keys(ctx)
			if err != nil {
				fyne.Do(func() {
					if gen == v.gen {
						v.stopLoading()
						v.render()
						v.host.showError(err)
					}
				})
				return
			}
			opts.Keys = ks
		}
		a, err := analyzeHARFile(ctx, path, opts, func(p float64) {
			fyne.Do(func() {
				if gen == v.gen {
					v.progress.SetValue(p)
				}
			})
		})
		fyne.Do(func() { v.harLoaded(gen, path, a, err) })
	})
}

// harLoaded shows the analysis of a HAR, or says why there is none.
func (v *flowView) harLoaded(gen int, path string, a *flowtrace.Analysis, err error) {
	if gen != v.gen {
		return
	}
	v.progress.Hide()
	v.cancel.Hide()
	v.stop = nil
	if err != nil {
		v.render()
		if !errors.Is(err, context.Canceled) {
			v.host.showError(fmt.Errorf("cannot open %s: %w", filepath.Base(path), err))
		}
	} else {
		v.harPath, v.a = path, a
		v.render()
		v.host.say(fmt.Sprintf("Opened %s: %d steps, %d findings.", filepath.Base(path), len(a.FlowSteps()), len(a.Findings)))
	}
	if v.onLoaded != nil {
		v.onLoaded(err)
	}
}

// analyzeHARFile analyses the HAR at path, telling progress (0 to 1).
func analyzeHARFile(ctx context.Context, path string, opts flowtrace.Options, progress func(float64)) (*flowtrace.Analysis, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := float64(1)
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		size = float64(st.Size())
	}
	var last time.Time
	opts.Progress = func(read int64) {
		if time.Since(last) > 100*time.Millisecond {
			last = time.Now()
			progress(float64(read) / size)
		}
	}
	return flowtrace.AnalyzeHAR(ctx, f, opts)
}

// stopLoading cancels the HAR being read, if any.
func (v *flowView) stopLoading() {
	if v.stop != nil {
		v.stop()
		v.stop = nil
	}
	v.progress.Hide()
	v.cancel.Hide()
}

// Export formats.
const (
	exportSVG      = "Diagram as SVG"
	exportMermaid  = "Mermaid sequenceDiagram"
	exportPlantUML = "PlantUML"
	exportHAR      = "Sanitised HAR (safe to share)"
)

// chooseExport asks what to export, then where.
func (v *flowView) chooseExport() {
	if v.a == nil {
		return
	}
	choice := widget.NewRadioGroup([]string{exportSVG, exportMermaid, exportPlantUML, exportHAR}, nil)
	choice.SetSelected(exportSVG)
	note := widget.NewLabel("The sanitised HAR replaces cookies, Authorization headers, passwords, client secrets, codes, " +
		"verifiers and refresh tokens with labelled placeholders; JWTs keep their claims but lose their signature.")
	note.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Export the flow", "Export…", "Cancel", container.NewVBox(choice, note), func(ok bool) {
		if ok {
			v.saveAs(choice.Selected)
		}
	}, v.host.parent())
	d.Resize(fyne.NewSize(520, 280))
	d.Show()
}

// exportName is the file name proposed for a format.
func (v *flowView) exportName(format string) string {
	base := "session"
	if v.harPath != "" {
		base = strings.TrimSuffix(filepath.Base(v.harPath), filepath.Ext(v.harPath))
	}
	switch format {
	case exportSVG:
		return base + "-flow.svg"
	case exportMermaid:
		return base + "-flow.mmd"
	case exportPlantUML:
		return base + "-flow.puml"
	}
	return base + "-sanitised.har"
}

// saveAs asks where to write the export and writes it there, off the UI
// goroutine. The sanitised HAR asks for a folder, not a file: a file dialog
// empties the file it is given before the export starts, and the input
// must never be touched; the output gets a new name in that folder.
func (v *flowView) saveAs(format string) {
	a, harPath, session := v.a, v.harPath, v.session
	write := func(open func() (fyne.URIWriteCloser, error)) {
		v.host.background(func() {
			msg, err := writeExport(open, format, a, harPath, session)
			fyne.Do(func() {
				if err != nil {
					v.host.showError(err)
					return
				}
				v.host.say(msg)
			})
		})
	}
	if format == exportHAR {
		d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err != nil {
				v.host.showError(err)
				return
			}
			if dir == nil {
				return
			}
			write(func() (fyne.URIWriteCloser, error) { return newFileIn(dir, v.exportName(format)) })
		}, v.host.parent())
		d.SetConfirmText("Save here")
		d.Show()
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.host.showError(err)
			return
		}
		if w != nil {
			write(func() (fyne.URIWriteCloser, error) { return w, nil })
		}
	}, v.host.parent())
	d.SetFileName(v.exportName(format))
	d.Show()
}

// newFileIn creates name in dir, or name-2, name-3... when it exists:
// never an existing file.
func newFileIn(dir fyne.ListableURI, name string) (fyne.URIWriteCloser, error) {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		candidate := name
		if i > 1 {
			candidate = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		u, err := storage.Child(dir, candidate)
		if err != nil {
			return nil, err
		}
		if exists, err := storage.Exists(u); err != nil || exists {
			continue
		}
		return storage.Writer(u)
	}
	return nil, fmt.Errorf("%s: too many files named %s; choose another folder", dir.Name(), name)
}

// writeExport writes one export format to w and closes it (off the UI
// goroutine: a sanitised HAR of a large file takes seconds).
func writeExport(open func() (fyne.URIWriteCloser, error), format string, a *flowtrace.Analysis, harPath string, session []flows.Exchange) (string, error) {
	w, err := open()
	if err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	name := w.URI().Name()
	msg := "Exported " + name + "."
	switch format {
	case exportSVG:
		_, err = io.WriteString(w, a.SVG())
	case exportMermaid:
		_, err = io.WriteString(w, a.Mermaid())
	case exportPlantUML:
		_, err = io.WriteString(w, a.PlantUML())
	default:
		var sum *flowtrace.SanitizeSummary
		sum, err = writeSanitised(w, harPath, session)
		if sum != nil {
			msg = fmt.Sprintf("Exported %s: %d values replaced (cookies, credentials, codes, JWT signatures).", name, sum.Total())
		}
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("export %s: %w", name, err)
	}
	return msg, nil
}

// writeSanitised writes the sanitised HAR: of the open file, or of the
// session written as a HAR.
func writeSanitised(w io.Writer, harPath string, session []flows.Exchange) (*flowtrace.SanitizeSummary, error) {
	if harPath == "" {
		var har bytes.Buffer
		if err := flowtrace.WriteTranscriptHAR(&har, session, version.Current().App); err != nil {
			return nil, err
		}
		return flowtrace.SanitizeHAR(&har, w)
	}
	f, err := os.Open(harPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return flowtrace.SanitizeHAR(f, w)
}

// flowWindow is the window as the Flow tab sees it.
type flowWindow struct{ w *window }

func (f flowWindow) parent() fyne.Window { return f.w.win }
func (f flowWindow) showError(err error) { f.w.status.showError(err) }
func (f flowWindow) say(msg string)      { f.w.status.say(msg) }

// background runs fn off the UI goroutine; tests wait for it (window.wait).
func (f flowWindow) background(fn func()) {
	f.w.ops.Add(1)
	go func() {
		defer f.w.ops.Done()
		f.w.flowMu.Lock()
		defer f.w.flowMu.Unlock()
		fn()
	}()
}

// flowView builds the Flow tab on first use.
func (w *window) flowView() *flowView {
	if w.flow == nil {
		w.flow = newFlowView(flowWindow{w}, w.d.now)
		w.setTabContent(tabFlow, w.flow.content)
		w.flowBuilt.Store(true)
		w.renderFlow()
	}
	w.freshen(tabFlow)
	return w.flow
}

// followFlow runs on the goroutine that recorded an exchange of session s:
// the Flow tab's analysis of the grown session is made there, off the UI
// goroutine, then shown.
func (w *window) followFlow(s *session) {
	if !w.flowBuilt.Load() {
		return
	}
	xs := s.transcript.Exchanges()
	a := w.flow.analyze(xs)
	fyne.Do(func() {
		if s == w.cur && !w.stale[tabFlow] {
			w.flow.showLive(s, xs, a)
		}
	})
}
