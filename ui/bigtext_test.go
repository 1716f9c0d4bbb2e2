package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
)

func TestClipForDisplay(t *testing.T) {
	many := strings.Repeat("line\n", 1000)
	long := strings.Repeat("é", 40<<10) // 80 KB on one line
	tests := []struct {
		name, in  string
		wantShown int // bytes kept before the note; -1 = unchanged
		note      string
	}{
		{"short", "a\nb\n", -1, ""},
		{"many lines", many, 400 * 5, "… 601 more lines (3000 bytes) not shown here; Copy copies everything."},
		{"one long line", long, maxShownBytes, "… 1 more lines (49152 bytes) not shown here"},
	}
	for _, tt := range tests {
		got := clipForDisplay(tt.in)
		if tt.wantShown < 0 {
			if got != tt.in {
				t.Errorf("%s: changed", tt.name)
			}
			continue
		}
		if !strings.HasPrefix(got, tt.in[:tt.wantShown]+"\n… ") || !strings.Contains(got, tt.note) || len(got) > tt.wantShown+120 {
			t.Errorf("%s: %d bytes, ends %q", tt.name, len(got), got[max(0, len(got)-100):])
		}
	}
}

func TestClipSegments(t *testing.T) {
	seg := func(s string) *widget.TextSegment { return &widget.TextSegment{Text: s} }
	segs := []widget.RichTextSegment{seg(strings.Repeat("h", 300)), seg("."), seg(strings.Repeat("p", 30000))}
	text := func(ss []widget.RichTextSegment) string {
		var b strings.Builder
		for _, s := range ss {
			b.WriteString(s.Textual())
		}
		return b.String()
	}
	if got := text(clipSegments(segs, rawFolded)); len(got) != rawFolded || !strings.HasPrefix(got, strings.Repeat("h", 300)+".pp") {
		t.Errorf("folded: %d characters", len(got))
	}
	got := text(clipSegments(segs, rawExpanded))
	if want := " … " + fmt.Sprint(30301-rawExpanded) + " more characters (Copy copies the whole token)"; !strings.HasSuffix(got, want) || len(got) != rawExpanded+len(want) {
		t.Errorf("expanded: %d characters, ends %q", len(got), got[len(got)-60:])
	}
	if got := text(clipSegments(segs[:1], rawFolded)); got != strings.Repeat("h", 300) {
		t.Errorf("short: %q", got)
	}
}
