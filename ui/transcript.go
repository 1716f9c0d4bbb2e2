package ui

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
)

// transcriptView lists the HTTP exchanges of the current profile (secrets
// are already redacted by flows) above the details of the selected one.
// Refused and failed exchanges are red; a filter shows one endpoint.
type transcriptView struct {
	app     fyne.App
	all     []flows.Exchange
	items   []flows.Exchange // all, filtered by endpoint
	filter  *widget.Select
	list    *widget.List
	detail  *widget.Label // read-only, selectable
	shown   string        // the selected exchange's details ("" when none)
	copyBtn *widget.Button
	curlBtn *widget.Button // the selected exchange as a curl command, secrets as shell variables
	// reveal shows the codes, verifiers, refresh tokens and assertions that
	// are redacted by default (for teaching). Off at every start.
	reveal   *widget.Check
	selected int // index in items of the selected exchange, -1 when none
	content  fyne.CanvasObject
}

const (
	transcriptHint = "Select an exchange to see its request and response (secrets redacted)."
	allEndpoints   = "All endpoints"
)

func newTranscriptView(a fyne.App) *transcriptView {
	v := &transcriptView{app: a, selected: -1}
	v.detail = readOnlyText()
	v.detail.SetText(transcriptHint)
	v.list = widget.NewList(
		func() int { return len(v.items) },
		func() fyne.CanvasObject {
			status := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			l.TextStyle = fyne.TextStyle{Monospace: true}
			return container.NewBorder(nil, nil, status, nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.items) {
				c := o.(*fyne.Container)
				x := v.items[i]
				status := c.Objects[1].(*widget.Label)
				status.Importance = statusImportance(x)
				status.SetText(statusText(x))
				c.Objects[0].(*widget.Label).SetText(exchangeLine(x))
			}
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		v.selected = i
		v.showSelected()
	}
	v.reveal = widget.NewCheck("Show secrets", func(bool) { v.showSelected() })
	v.filter = widget.NewSelect([]string{allEndpoints}, func(string) { v.apply(false) })
	v.filter.SetSelected(allEndpoints)
	v.copyBtn = newCopyButton(a.Clipboard(), "Copy", func() string { return v.shown })
	v.curlBtn = newCopyButton(a.Clipboard(), "Copy as curl", v.curl)
	top := container.NewBorder(nil, nil, widget.NewLabel("Show"), nil, v.filter)
	split := container.NewVSplit(container.NewBorder(top, nil, nil, nil, v.list),
		container.NewBorder(nil, container.NewHBox(v.copyBtn, v.curlBtn, v.reveal), nil, nil, container.NewScroll(v.detail)))
	split.Offset = 0.45
	v.content = split
	return v
}

// show replaces the exchanges (another profile's transcript).
func (v *transcriptView) show(x []flows.Exchange) {
	v.all = x
	v.apply(false)
}

// extend shows x, which starts with the exchanges shown so far, keeping the
// selection and its details, and scrolls to the new ones.
func (v *transcriptView) extend(x []flows.Exchange) {
	if len(x) < len(v.all) {
		v.show(x)
		return
	}
	grew := len(x) > len(v.all)
	v.all = x
	v.updateFilter()
	v.items = v.filtered()
	v.list.Refresh()
	if grew {
		v.list.ScrollToBottom()
	}
}

// apply filters the exchanges by the chosen endpoint and clears the selection.
func (v *transcriptView) apply(scroll bool) {
	v.updateFilter()
	v.items = v.filtered()
	v.selected = -1
	v.list.UnselectAll()
	v.list.Refresh()
	v.setDetail("")
	if scroll {
		v.list.ScrollToBottom()
	}
}

// updateFilter offers the endpoints seen so far.
func (v *transcriptView) updateFilter() {
	opts := []string{allEndpoints}
	for _, x := range v.all {
		if x.Endpoint != "" && !slices.Contains(opts, x.Endpoint) {
			opts = append(opts, x.Endpoint)
		}
	}
	if !slices.Equal(opts, v.filter.Options) {
		v.filter.SetOptions(opts)
	}
}

func (v *transcriptView) filtered() []flows.Exchange {
	f := v.filter.Selected
	if f == "" || f == allEndpoints {
		return v.all
	}
	var out []flows.Exchange
	for _, x := range v.all {
		if x.Endpoint == f {
			out = append(out, x)
		}
	}
	return out
}

// showSelected shows the selected exchange's details, with the codes and
// tokens revealed when "Show secrets" is ticked.
func (v *transcriptView) showSelected() {
	if v.selected < 0 || v.selected >= len(v.items) {
		return
	}
	x := v.items[v.selected]
	if v.reveal.Checked {
		x = x.Revealed()
	}
	v.setDetail(exchangeDetail(x))
}

// curl is the selected exchange as a curl command ("" when none, or for
// the browser's visits, which are not requests of this app). It is built
// from the redacted exchange: secrets are always shell variables.
func (v *transcriptView) curl() string {
	if v.selected < 0 || v.selected >= len(v.items) || inBrowser(v.items[v.selected]) {
		return ""
	}
	return flows.CurlCommand(v.items[v.selected], "")
}

// setDetail shows the details of the selected exchange, or the hint.
func (v *transcriptView) setDetail(text string) {
	v.shown = text
	if text == "" {
		text = transcriptHint
	}
	v.detail.SetText(clipForDisplay(text))
}

// statusText is the HTTP status, "---" for the authorization request
// the browser sends (its answer goes to the browser), or ERR when no answer
// came.
func statusText(x flows.Exchange) string {
	if inBrowser(x) {
		return "---"
	}
	if x.Err != "" || x.Status == 0 {
		return "ERR"
	}
	return fmt.Sprint(x.Status)
}

// statusImportance colours refused (4xx), failed (5xx) and unanswered
// exchanges red, and successful ones green.
func statusImportance(x flows.Exchange) widget.Importance {
	switch {
	case inBrowser(x):
		return widget.MediumImportance
	case x.Err != "" || x.Status == 0 || x.Status >= 400:
		return widget.DangerImportance
	case x.Status < 300:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// inBrowser reports the login's authorization request: recorded when the
// browser opens it, without an answer (the IdP answers the browser).
func inBrowser(x flows.Exchange) bool {
	return x.Status == 0 && x.Err == "" && x.Endpoint == "authorization"
}

// exchangeLine is the one-line summary after the status: time, method,
// duration, endpoint, URL.
func exchangeLine(x flows.Exchange) string {
	return fmt.Sprintf("%s  %-4s %6s  %-13s %s", x.Started.Local().Format("15:04:05"), x.Method,
		x.Duration.Round(time.Millisecond), x.Endpoint, x.URL)
}

// exchangeDetail renders the request and response.
func exchangeDetail(x flows.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", x.Method, x.URL)
	writeHeaders(&b, x.RequestHeaders)
	if x.RequestBody != "" {
		fmt.Fprintf(&b, "\n%s\n", x.RequestBody)
	}
	b.WriteString("\n────────\n")
	if x.Err != "" {
		fmt.Fprintf(&b, "error: %s\n", x.Err)
	}
	if inBrowser(x) {
		b.WriteString("Opened in the system browser: the identity provider answers the browser, not the app.\n")
	}
	if x.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d (%s)\n", x.Status, x.Duration.Round(time.Millisecond))
	}
	writeHeaders(&b, x.ResponseHeaders)
	if x.ResponseBody != "" {
		body := x.ResponseBody
		if p := prettyJSON([]byte(body)); p != "" {
			body = p
		}
		fmt.Fprintf(&b, "\n%s\n", body)
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, h http.Header) {
	for _, k := range slices.Sorted(maps.Keys(h)) {
		fmt.Fprintf(b, "%s: %s\n", k, strings.Join(h[k], ", "))
	}
}
