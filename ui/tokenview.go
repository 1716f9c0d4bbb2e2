package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/token"
)

// fieldRow is one line of a header or claims table.
type fieldRow struct {
	Name, Value, When, About string
	Doc                      token.ClaimDoc
	Full                     string // pretty value, for the detail panel
}

// tokenView shows one token: the coloured raw token, the signature badge,
// the expiry countdown, the header and claims tables and the checklist.
type tokenView struct {
	app fyne.App
	now func() time.Time

	raw       string
	report    *token.Report
	claimRows []fieldRow
	headRows  []fieldRow
	checks    []token.Check

	message  *widget.Label // shown instead of the token when there is none, or it is broken
	sigIcon  *widget.Icon
	sigLabel *widget.Label
	keyLabel *widget.Label
	expiry   *widget.Label
	summary  *widget.Label
	rawText  *widget.RichText
	copyBtn  *widget.Button
	claims   *widget.Table
	header   *widget.Table
	checkTbl *widget.List
	detail   *widget.Label
	inner    *container.AppTabs
	body     *fyne.Container
	content  fyne.CanvasObject
}

func newTokenView(a fyne.App, now func() time.Time, empty string) *tokenView {
	v := &tokenView{app: a, now: now}
	v.message = widget.NewLabel(empty)
	v.message.Wrapping = fyne.TextWrapWord
	v.sigIcon = widget.NewIcon(theme.QuestionIcon())
	v.sigLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.keyLabel = widget.NewLabel("")
	v.keyLabel.Wrapping = fyne.TextWrapWord
	v.keyLabel.Selectable = true
	v.expiry = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	v.summary = widget.NewLabel("")
	v.rawText = widget.NewRichText()
	v.rawText.Wrapping = fyne.TextWrapBreak
	v.copyBtn = widget.NewButtonWithIcon("Copy token", theme.ContentCopyIcon(), func() {
		v.app.Clipboard().SetContent(v.raw)
	})
	v.claims = v.newFieldTable(func() []fieldRow { return v.claimRows })
	v.header = v.newFieldTable(func() []fieldRow { return v.headRows })
	v.checkTbl = v.newChecksList()
	v.detail = widget.NewLabel("Select a claim to read what it means.")
	v.detail.Wrapping = fyne.TextWrapWord
	v.detail.Selectable = true

	rawScroll := container.NewVScroll(v.rawText)
	rawScroll.SetMinSize(fyne.NewSize(200, 64))
	top := container.NewVBox(
		container.NewBorder(nil, nil, v.sigIcon, v.expiry, v.sigLabel),
		v.keyLabel,
		v.summary,
		container.NewBorder(nil, nil, nil, container.NewVBox(v.copyBtn), rawScroll),
	)
	v.inner = container.NewAppTabs(
		container.NewTabItem("Claims", v.claims),
		container.NewTabItem("Header", v.header),
		container.NewTabItem("Checks", v.checkTbl),
	)
	detail := container.NewVScroll(v.detail)
	detail.SetMinSize(fyne.NewSize(0, 64))
	v.body = container.NewBorder(top, detail, nil, nil, v.inner)
	v.body.Hide()
	v.content = container.NewStack(container.NewVBox(v.message), v.body)
	return v
}

// Clear shows msg instead of a token.
func (v *tokenView) Clear(msg string) {
	v.raw, v.report = "", nil
	v.claimRows, v.headRows, v.checks = nil, nil, nil
	v.message.SetText(msg)
	v.message.Show()
	v.body.Hide()
}

// Show renders a token and its report; err is a decode error (report nil).
func (v *tokenView) Show(raw string, r *token.Report, err error) {
	v.raw, v.report = raw, r
	if err != nil || r == nil {
		v.claimRows, v.headRows, v.checks = nil, nil, nil
		msg := "This token could not be read."
		if err != nil {
			msg = "This token could not be read: " + err.Error()
		}
		v.message.SetText(msg)
		v.message.Show()
		v.body.Hide()
		return
	}
	v.message.Hide()
	v.body.Show()
	v.rawText.Segments = rawSegments(raw, r)
	v.rawText.Refresh()
	v.showSignature(r)
	v.claimRows = claimRows(r)
	v.headRows = headerRows(r)
	v.checks = checkItems(r)
	v.summary.SetText(checkSummary(r))
	v.claims.Refresh()
	v.header.Refresh()
	v.checkTbl.Refresh()
	v.detail.SetText("Select a claim to read what it means.")
	v.inner.SelectIndex(0)
	for _, c := range r.Checks {
		if c.Status == token.Fail {
			v.inner.SelectIndex(2) // a failed check is the first thing to see
			break
		}
	}
	v.tick()
}

// tick updates the expiry countdown.
func (v *tokenView) tick() {
	v.expiry.SetText(countdown(v.report, v.now()))
}

// countdown renders the exp claim relative to now: "expires in 9:58" or
// "expired 2 min ago".
func countdown(r *token.Report, now time.Time) string {
	if r == nil {
		return ""
	}
	for _, tc := range r.Times {
		if tc.Claim != "exp" {
			continue
		}
		left := tc.Time.Sub(now).Truncate(time.Second)
		if left > 0 {
			return "Expires in " + clockDuration(left)
		}
		return "Expired " + token.Relative(tc.Time, now)
	}
	return ""
}

// clockDuration renders d as h:mm:ss or m:ss.
func clockDuration(d time.Duration) string {
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func (v *tokenView) showSignature(r *token.Report) {
	text, icon := sigBadge(r)
	v.sigLabel.SetText(text)
	v.sigIcon.SetResource(icon)
	v.keyLabel.SetText(keyText(r))
}

// sigBadge is the badge text and icon for a report.
func sigBadge(r *token.Report) (string, fyne.Resource) {
	s := r.Signature
	switch {
	case r.Kind == token.KindOpaque:
		return "Opaque token: nothing to verify locally (use Introspect)", theme.InfoIcon()
	case s.Status == token.SigValid:
		return "Verified  " + s.Alg, theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case s.Status == token.SigInvalid:
		return "Invalid signature  " + s.Alg, theme.NewErrorThemedResource(theme.ErrorIcon())
	case s.Status == token.SigUnsupported:
		return "Cannot verify: unsupported algorithm or form  " + s.Alg, theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return "Not verified  " + s.Alg, theme.NewWarningThemedResource(theme.QuestionIcon())
}

// keyText says which key verified the token, or why none did.
func keyText(r *token.Report) string {
	if r.Kind == token.KindOpaque {
		return r.Opaque
	}
	s := r.Signature
	var parts []string
	if k := s.Key; k != nil {
		p := "Key"
		if k.Kid != "" {
			p += " kid " + k.Kid
		}
		if k.Kty != "" {
			p += " (" + k.Kty + ")"
		}
		parts = append(parts, p)
		if k.Thumbprint != "" {
			parts = append(parts, "thumbprint "+k.Thumbprint)
		}
		if k.Origin != "" {
			parts = append(parts, "from "+k.Origin)
		}
		if k.Chosen != "" {
			parts = append(parts, "chosen by "+k.Chosen)
		}
	} else if s.Kid != "" {
		parts = append(parts, "kid "+s.Kid)
	}
	line := strings.Join(parts, " · ")
	if s.Reason != "" && (s.Status != token.SigValid || line == "") {
		if line != "" {
			line += "\n"
		}
		line += s.Reason
	}
	if r.JWE != nil {
		line += fmt.Sprintf("\nEncrypted (JWE %s / %s): %s", r.JWE.Alg, r.JWE.Enc, r.JWE.Status)
		if r.JWE.Reason != "" {
			line += ", " + r.JWE.Reason
		}
	}
	return line
}

// checkSummary counts the checklist outcomes.
func checkSummary(r *token.Report) string {
	if r.Kind == token.KindOpaque {
		return ""
	}
	n := map[token.CheckStatus]int{}
	for _, c := range r.Checks {
		n[c.Status]++
	}
	s := fmt.Sprintf("Checks: %d passed, %d failed, %d warnings, %d skipped", n[token.Pass], n[token.Fail], n[token.Warn], n[token.Skip])
	if len(r.Warnings) > 0 {
		s += fmt.Sprintf(" · %d lint findings", len(r.Warnings))
	}
	return s
}

// rawSegments colours the token's parts as jwt.io does.
func rawSegments(raw string, r *token.Report) []widget.RichTextSegment {
	mono := fyne.TextStyle{} // the regular font: a monospace face would load a second font family (memory, see docs/performance.md)
	if len(r.Segments) == 0 {
		return []widget.RichTextSegment{&widget.TextSegment{Text: strings.TrimSpace(raw), Style: widget.RichTextStyle{Inline: true, TextStyle: mono}}}
	}
	var segs []widget.RichTextSegment
	for i, s := range r.Segments {
		if i > 0 {
			segs = append(segs, &widget.TextSegment{Text: ".", Style: widget.RichTextStyle{Inline: true, TextStyle: mono}})
		}
		segs = append(segs, &widget.TextSegment{Text: s.Text, Style: widget.RichTextStyle{
			Inline: true, TextStyle: mono, ColorName: segmentColor(s.Name),
		}})
	}
	return segs
}

func segmentColor(name string) fyne.ThemeColorName {
	switch name {
	case "header":
		return colorHeader
	case "payload", "ciphertext":
		return colorPayload
	case "signature", "tag":
		return colorSignature
	}
	return colorJWEExtra
}

// claimRows builds the claims table in token order.
func claimRows(r *token.Report) []fieldRow {
	times := map[string]token.TimeClaim{}
	for _, tc := range r.Times {
		times[tc.Claim] = tc
	}
	rows := make([]fieldRow, 0, len(r.Claims))
	for _, m := range r.Claims {
		row := fieldRow{Name: m.Name, Value: compactJSON(m.Value), Full: prettyJSON(m.Value)}
		if tc, ok := times[m.Name]; ok {
			row.When = tc.Local() + " (" + tc.Relative() + ")"
		}
		if d, ok := token.Describe(m.Name); ok {
			row.Doc, row.About = d, d.Description
			if d.Vendor != "" {
				row.About += " [" + d.Vendor + "]"
			}
		} else {
			row.About = "(private claim: not in the dictionary)"
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && r.Payload != "" {
		rows = append(rows, fieldRow{Name: "(payload)", Value: r.Payload, Full: r.Payload, About: "The payload is not a JSON object."})
	}
	return rows
}

// headerRows builds the header table; a JWE shows its outer header first.
func headerRows(r *token.Report) []fieldRow {
	var rows []fieldRow
	add := func(prefix string, o token.Object) {
		for _, m := range o {
			row := fieldRow{Name: prefix + m.Name, Value: compactJSON(m.Value), Full: prettyJSON(m.Value)}
			if d, ok := token.DescribeHeader(m.Name); ok {
				row.Doc, row.About = d, d.Description
			}
			rows = append(rows, row)
		}
	}
	if r.JWE != nil {
		add("JWE ", r.JWE.Header)
	}
	add("", r.Header)
	return rows
}

// checkItems is the checklist followed by the lint warnings.
func checkItems(r *token.Report) []token.Check {
	items := append([]token.Check(nil), r.Checks...)
	for _, w := range r.Warnings {
		items = append(items, token.Check{ID: w.ID, Status: token.Warn, Message: w.Message, Spec: w.Spec})
	}
	return items
}

func compactJSON(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return string(v)
	}
	return b.String()
}

func prettyJSON(v []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, v, "", "  ") != nil {
		return string(v)
	}
	return b.String()
}

var fieldColumns = []column{{"Name", 130}, {"Value", 250}, {"Time", 265}, {"Description", 520}}

func (v *tokenView) newFieldTable(rows func() []fieldRow) *widget.Table {
	t := newLabelTable(fieldColumns, func() int { return len(rows()) }, func(row, col int, l *widget.Label) {
		r := rows()[row]
		l.TextStyle = fyne.TextStyle{Bold: col == 0}
		l.SetText([]string{r.Name, r.Value, r.When, r.About}[col])
	})
	t.OnSelected = func(id widget.TableCellID) {
		rs := rows()
		if id.Row >= 0 && id.Row < len(rs) {
			v.detail.SetText(rowDetail(rs[id.Row]))
		}
	}
	return t
}

// rowDetail is the side panel text for one claim or header member.
func rowDetail(r fieldRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s = %s", r.Name, r.Full)
	if r.When != "" {
		fmt.Fprintf(&b, "\n%s", r.When)
	}
	if r.Doc.Description != "" {
		fmt.Fprintf(&b, "\n%s", r.Doc.Description)
	} else {
		b.WriteString("\nNot in the claim dictionary: a private or vendor-specific claim.")
	}
	if r.Doc.Spec != "" {
		fmt.Fprintf(&b, " (%s)", r.Doc.Spec)
	}
	if r.Doc.Vendor != "" {
		fmt.Fprintf(&b, " [%s]", r.Doc.Vendor)
	}
	return b.String()
}

func (v *tokenView) newChecksList() *widget.List {
	return widget.NewList(
		func() int { return len(v.checks) },
		func() fyne.CanvasObject {
			id := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			spec := widget.NewLabel("")
			msg := widget.NewLabel("")
			msg.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(nil), id), spec, msg)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.checks) {
				return
			}
			c := v.checks[i]
			b := o.(*fyne.Container)
			msg, left, spec := b.Objects[0].(*widget.Label), b.Objects[1].(*fyne.Container), b.Objects[2].(*widget.Label)
			left.Objects[0].(*widget.Icon).SetResource(checkIcon(c.Status))
			left.Objects[1].(*widget.Label).SetText(c.ID)
			msg.SetText(c.Message)
			spec.SetText(c.Spec)
		})
}

// checkIcon is the pass/fail/warn/skip icon.
func checkIcon(s token.CheckStatus) fyne.Resource {
	switch s {
	case token.Pass:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case token.Fail:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case token.Warn:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.NewDisabledResource(theme.MediaSkipNextIcon())
}
