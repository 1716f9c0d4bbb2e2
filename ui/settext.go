package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// setText gives l the text s, and redraws it only when the text changed:
// Fyne's Label.SetText shapes, truncates and draws the text again even when
// it is the same. Table cells, the server line, the countdowns and the
// lifetime bars are set again on every refresh and every tick, mostly to
// what they already show.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// setStyledText is setText for a label whose style may change too (a table
// cell reused for another column).
func setStyledText(l *widget.Label, s string, style fyne.TextStyle) {
	if l.Text == s && l.TextStyle == style {
		return
	}
	l.TextStyle = style
	l.SetText(s)
}
