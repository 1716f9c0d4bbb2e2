package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// copiedFor is how long a Copy button says "Copied". Tests lengthen it: the
// test driver runs fyne.Do on the calling goroutine, so the timer must not
// fire while a test still uses the button.
var copiedFor = 1500 * time.Millisecond

// newCopyButton is a button that copies text() to the clipboard and confirms
// it on itself ("Copied") for a moment.
func newCopyButton(cb fyne.Clipboard, label string, text func() string) *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(label, theme.ContentCopyIcon(), func() {
		cb.SetContent(text())
		b.SetText("Copied")
		b.SetIcon(theme.ConfirmIcon())
		time.AfterFunc(copiedFor, func() {
			fyne.Do(func() {
				b.SetText(label)
				b.SetIcon(theme.ContentCopyIcon())
			})
		})
	})
	return b
}
