package ui

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/token"
)

// changesView lists what changed between the tokens before and after a
// refresh, claim by claim.
type changesView struct {
	rows    [][3]string
	intro   *widget.Label
	table   *widget.Table
	content fyne.CanvasObject
}

func newChangesView() *changesView {
	v := &changesView{intro: widget.NewLabel("")}
	v.intro.Wrapping = fyne.TextWrapWord
	v.table, _ = newLabelTable([]column{{"Token · claim", 220}, {"Before", 380}, {"After", 380}},
		func() int { return len(v.rows) },
		func(row, col int, l *widget.Label) { setText(l, v.rows[row][col]) })
	v.content = container.NewBorder(v.intro, nil, nil, nil, v.table)
	v.show(nil, nil)
	return v
}

func (v *changesView) show(old, cur *flows.Result) {
	v.rows = nil
	if old == nil || cur == nil {
		v.intro.SetText("Press Refresh to see what changes between the old and the new tokens, claim by claim.")
		v.table.Refresh()
		return
	}
	v.rows = refreshChanges(old, cur)
	v.intro.SetText(fmt.Sprintf("The last refresh, token by token and claim by claim (%d rows):", len(v.rows)))
	v.table.Refresh()
}

// refreshChanges compares two token responses, token by token.
func refreshChanges(old, cur *flows.Result) [][3]string {
	var rows [][3]string
	for _, k := range []struct{ kind, label string }{{"access", "access token"}, {"id", "ID token"}, {"refresh", "refresh token"}} {
		a, b := tokenOf(old, k.kind), tokenOf(cur, k.kind)
		switch {
		case a == nil && b == nil:
			continue
		case a == nil:
			rows = append(rows, [3]string{k.label, "(none)", "new token"})
			continue
		case b == nil:
			rows = append(rows, [3]string{k.label, "present", "(none)"})
			continue
		}
		if a.Raw == b.Raw {
			rows = append(rows, [3]string{k.label, "unchanged", "unchanged (not rotated)"})
			continue
		}
		if k.kind == "refresh" {
			rows = append(rows, [3]string{k.label, shorten(a.Raw), "rotated: " + shorten(b.Raw)})
		}
		if a.Report == nil || b.Report == nil {
			continue
		}
		for _, c := range token.DiffClaims(a.Report.Claims, b.Report.Claims) {
			rows = append(rows, [3]string{k.label + " · " + c.Claim, withTime(c.Claim, c.Old), withTime(c.Claim, c.New)})
		}
	}
	if old.Scope != cur.Scope {
		rows = append(rows, [3]string{"granted scope", orDash(old.Scope), orDash(cur.Scope)})
	}
	return rows
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func shorten(s string) string {
	if len(s) > 16 {
		return s[:8] + "…" + s[len(s)-6:]
	}
	return s
}

// column is a table column: its title and width.
type column struct {
	title string
	width float32
}

// newLabelTable is a read-only table of truncated labels under a bold
// header row; rows counts the rows and fill sets the label of one cell. The
// cellsInView it returns shows new data without a Refresh (see refreshTable).
func newLabelTable(cols []column, rows func() int, fill func(row, col int, l *widget.Label)) (*widget.Table, *cellsInView[widget.TableCellID]) {
	cells := newCellsInView(func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row >= 0 && id.Row < rows() && id.Col >= 0 && id.Col < len(cols) {
			fill(id.Row, id.Col, o.(*widget.Label))
		}
	})
	t := widget.NewTable(
		func() (int, int) { return rows(), len(cols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		cells.update)
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			o.(*widget.Label).SetText(cols[id.Col].title)
		}
	}
	for i, c := range cols {
		t.SetColumnWidth(i, c.width)
	}
	return t, cells
}

// compareSources builds the claim-by-claim comparison of the ID token,
// userinfo and introspection: which source has which claim.
func compareSources(res *flows.Result, in *flows.Introspection, ui *flows.UserInfo) [][4]string {
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	var idc token.Object
	if t := tokenOf(res, "id"); t != nil && t.Report != nil {
		idc = t.Report.Claims
		for _, m := range idc {
			add(m.Name)
		}
	}
	var uim, inm map[string]any
	if ui != nil {
		uim = ui.Raw
		for _, k := range slices.Sorted(maps.Keys(uim)) {
			add(k)
		}
	}
	if in != nil {
		inm = in.Raw
		for _, k := range slices.Sorted(maps.Keys(inm)) {
			add(k)
		}
	}
	rows := make([][4]string, 0, len(names))
	for _, n := range names {
		row := [4]string{n, "—", "—", "—"}
		if v, ok := idc.Get(n); ok {
			row[1] = compactJSON(v)
		}
		if v, ok := uim[n]; ok {
			row[2] = anyText(v)
		}
		if v, ok := inm[n]; ok {
			row[3] = anyText(v)
		}
		rows = append(rows, row)
	}
	return rows
}

// compareText renders the comparison as aligned text.
func compareText(rows [][4]string) string {
	if len(rows) == 0 {
		return "Log in, then press UserInfo and Introspect to compare what each source says."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s %-34s %-34s %s\n", "claim", "ID token", "UserInfo", "Introspection")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-18s %-34s %-34s %s\n", r[0], clip(r[1], 34), clip(r[2], 34), clip(r[3], 34))
	}
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// withTime adds the UTC time to a NumericDate claim value.
func withTime(claim, v string) string {
	if v == "" {
		return "—"
	}
	if d, ok := token.Describe(claim); ok && d.Time {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return v + "  (" + time.Unix(int64(f), 0).UTC().Format("15:04:05 UTC") + ")"
		}
	}
	return v
}
