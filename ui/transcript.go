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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
)

// transcriptView lists the HTTP exchanges of the current profile (secrets
// are already redacted by flows) with the details of the selected one.
type transcriptView struct {
	app     fyne.App
	items   []flows.Exchange
	list    *widget.List
	detail  *widget.Label // read-only, selectable
	shown   string        // the selected exchange's details ("" when none)
	copyBtn *widget.Button
	content fyne.CanvasObject
}

const transcriptHint = "Select an exchange to see its request and response (secrets redacted)."

func newTranscriptView(a fyne.App) *transcriptView {
	v := &transcriptView{app: a}
	v.detail = readOnlyText()
	v.detail.SetText(transcriptHint)
	v.list = widget.NewList(
		func() int { return len(v.items) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			l.TextStyle = fyne.TextStyle{Monospace: true}
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.items) {
				o.(*widget.Label).SetText(exchangeLine(v.items[i]))
			}
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i < len(v.items) {
			v.setDetail(exchangeDetail(v.items[i]))
		}
	}
	v.copyBtn = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { v.app.Clipboard().SetContent(v.shown) })
	split := container.NewVSplit(v.list, container.NewBorder(nil, container.NewHBox(v.copyBtn), nil, nil, container.NewScroll(v.detail)))
	split.Offset = 0.4
	v.content = split
	return v
}

func (v *transcriptView) show(x []flows.Exchange) {
	v.items = x
	v.list.UnselectAll()
	v.list.Refresh()
	v.setDetail("")
}

// setDetail shows the details of the selected exchange, or the hint.
func (v *transcriptView) setDetail(text string) {
	v.shown = text
	if text == "" {
		text = transcriptHint
	}
	v.detail.SetText(text)
}

// extend shows x, which starts with the exchanges shown so far, keeping the
// selection and its details.
func (v *transcriptView) extend(x []flows.Exchange) {
	if len(x) < len(v.items) {
		v.show(x)
		return
	}
	v.items = x
	v.list.Refresh()
}

// exchangeLine is the one-line summary: time, method, status, duration, URL.
func exchangeLine(x flows.Exchange) string {
	status := fmt.Sprint(x.Status)
	if x.Err != "" {
		status = "ERR"
	}
	return fmt.Sprintf("%s  %-4s %3s  %6s  %-13s %s", x.Started.Local().Format("15:04:05"), x.Method, status,
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
