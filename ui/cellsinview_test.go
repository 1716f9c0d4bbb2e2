package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/token"
)

// A refreshed token (the same claims with new values) is shown by filling
// the cells in view again, and the raw token by the same text objects: a
// table or list Refresh builds template rows that Fyne keeps for a minute,
// and replaced text objects keep their textures as long, which over a long
// session of auto-refreshes held hundreds of each.
func TestRefreshedTokenReusesCells(t *testing.T) {
	now := testNow
	v := shownTokenView(t, &now)
	segs := slices.Clone(v.rawText.Segments)

	created := 0
	counted := func(create func() fyne.CanvasObject) func() fyne.CanvasObject {
		return func() fyne.CanvasObject { created++; return create() }
	}
	v.claims.CreateCell = counted(v.claims.CreateCell)
	v.header.CreateCell = counted(v.header.CreateCell)
	v.checkTbl.CreateItem = counted(v.checkTbl.CreateItem)

	second := hsToken(t, strings.Replace(testPayload, `"tenant":"blue"`, `"tenant":"green"`, 1))
	v.Show(second, inspectTest(t, second, shownOptions), nil)
	v.ShowServer(nil)
	now = now.Add(time.Second)
	v.tick()

	if created != 0 {
		t.Errorf("showing the refreshed token built %d rows; want 0 (the cells in view filled again)", created)
	}
	if got := boundCellText(v.claimCells, widget.TableCellID{Row: 6, Col: 1}); got != "green" {
		t.Errorf("tenant value cell = %q; want the new token's \"green\"", got)
	}
	if got := boundCellText(v.claimCells, widget.TableCellID{Row: 3, Col: whenColumn}); !strings.Contains(got, "9 min") {
		t.Errorf("exp time cell after a tick = %q; want it to move with the clock", got)
	}
	if len(v.rawText.Segments) != len(segs) {
		t.Fatalf("raw token has %d segments, was %d", len(v.rawText.Segments), len(segs))
	}
	var raw strings.Builder
	for i, s := range v.rawText.Segments {
		if s != segs[i] {
			t.Errorf("raw token segment %d is a new object; want the old one with the new text", i)
		}
		raw.WriteString(s.(*widget.TextSegment).Text)
	}
	if !strings.HasPrefix(second, raw.String()) || raw.String() == "" {
		t.Errorf("raw token shows %q; want the start of the new token", raw.String())
	}
}

// shownOptions verify the test token (testPayload) in shownTokenView.
var shownOptions = token.Options{Secret: testSecret, Issuer: "https://idp.example.com", Audience: "api"}

// shownTokenView is a token view in a 1100x640 window, whose clock reads
// *now, showing the test token verified with shownOptions.
func shownTokenView(t *testing.T, now *time.Time) *tokenView {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	v := newTokenView(a, func() time.Time { return *now }, "")
	w := test.NewTempWindow(t, v.content)
	w.Resize(fyne.NewSize(1100, 640))
	first := hsToken(t, testPayload)
	v.Show(first, inspectTest(t, first, shownOptions), nil)
	return v
}

// A token with another number of claims refreshes the table (its size changes).
func TestTokenWithMoreClaimsRefreshesTable(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	v := newTokenView(a, func() time.Time { return testNow }, "")
	w := test.NewTempWindow(t, v.content)
	w.Resize(fyne.NewSize(1100, 640))
	first := hsToken(t, testPayload)
	v.Show(first, inspectTest(t, first, token.Options{}), nil)
	second := hsToken(t, strings.Replace(testPayload, `"tenant":"blue"`, `"tenant":"blue","team":"red"`, 1))
	v.Show(second, inspectTest(t, second, token.Options{}), nil)
	if got := boundCellText(v.claimCells, widget.TableCellID{Row: 7, Col: 0}); got != "team" {
		t.Errorf("row 8 name = %q; want the new claim team", got)
	}
}

// boundCellText is the text of the label in view that shows cell id ("" when none).
func boundCellText(c *cellsInView[widget.TableCellID], id widget.TableCellID) string {
	if l := boundCell(c, id); l != nil {
		return l.Text
	}
	return ""
}

// No screen sits in a theme override: Fyne gives each override its own
// font and text-texture caches, so every one cost a copy of the fonts and,
// each time its content was shown again after a minute hidden, a fresh set
// of textures (resident memory grew with every tab switch in a long day).
func TestNoThemeOverride(t *testing.T) {
	w := loggedInWindow(t, &testClock{t: time.Now()})
	for _, tab := range w.tabs.Items {
		w.selectTab(tab.Text)
		if path := findOverride(w.win.Content(), nil); path != nil {
			t.Errorf("tab %q: a theme override at %s; use a layout rule instead", tab.Text, strings.Join(path, " > "))
		}
	}
}

// findOverride returns the path of types down to the first theme override
// under o, or nil when there is none.
func findOverride(o fyne.CanvasObject, path []string) []string {
	if o == nil || !o.Visible() {
		return nil
	}
	path = append(path, fmt.Sprintf("%T", o))
	var children []fyne.CanvasObject
	switch x := o.(type) {
	case *container.ThemeOverride:
		return path
	case *fyne.Container:
		children = x.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(x).Objects()
	}
	for _, c := range children {
		if found := findOverride(c, path); found != nil {
			return found
		}
	}
	return nil
}

// A refreshed token with the same claims leaves the cells that show the same
// text alone, and so does a tick for the countdown when it reads the same:
// Fyne's SetText shapes, truncates and draws a text again even when it is
// the same (about 40% of what an auto-refresh allocated).
func TestSameTextIsNotDrawnAgain(t *testing.T) {
	now := testNow
	v := shownTokenView(t, &now)

	name, value := boundCell(v.claimCells, widget.TableCellID{Row: 6, Col: 0}), boundCell(v.claimCells, widget.TableCellID{Row: 6, Col: 1})
	for _, l := range []*widget.Label{name, value} {
		drawnText(t, l).Text = "marker" // what Fyne draws; SetText writes the label's text over it
	}
	second := hsToken(t, strings.Replace(testPayload, `"tenant":"blue"`, `"tenant":"green"`, 1))
	v.Show(second, inspectTest(t, second, shownOptions), nil)
	drawnText(t, v.expiry).Text = "marker"
	v.tick() // the same instant: the countdown reads the same

	if got := drawnText(t, name).Text; got != "marker" {
		t.Errorf("the tenant name cell was drawn again (%q) though its text did not change", got)
	}
	if got := drawnText(t, v.expiry).Text; got != "marker" {
		t.Errorf("the countdown was drawn again (%q) within the same second", got)
	}
	if got := drawnText(t, value).Text; got != "green" {
		t.Errorf("the tenant value cell draws %q; want the new value", got)
	}
}

// boundCell is the label in view that shows cell id (nil when none).
func boundCell(c *cellsInView[widget.TableCellID], id widget.TableCellID) *widget.Label {
	for o, at := range c.bound {
		if at == id {
			return o.(*widget.Label)
		}
	}
	return nil
}

// drawnText is the text object Fyne draws for a one-line label.
func drawnText(t *testing.T, l *widget.Label) *canvas.Text {
	t.Helper()
	if l == nil {
		t.Fatal("no label")
	}
	for _, o := range test.WidgetRenderer(l).Objects() {
		if rt, ok := o.(*widget.RichText); ok {
			for _, x := range test.WidgetRenderer(rt).Objects() {
				if txt, ok := x.(*canvas.Text); ok {
					return txt
				}
			}
		}
	}
	t.Fatal("the label draws no text object")
	return nil
}
