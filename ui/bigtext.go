package ui

import (
	"fmt"
	"strings"
)

// Limits of the text shown in a read-only label. Fyne lays a label out row
// by row and converts its whole text for each row, so the cost grows with
// lines × length: a 1,000-key JWKS (9,000 lines, 200 KB) took seconds to
// show. Copy still copies the whole text.
const (
	maxShownLines = 400
	maxShownBytes = 32 << 10
)

// clipForDisplay returns text cut to maxShownLines lines and about
// maxShownBytes bytes, with a last line saying how much was left out.
func clipForDisplay(text string) string {
	cut := len(text)
	if n := strings.Count(text, "\n"); n > maxShownLines {
		cut = 0
		for range maxShownLines {
			cut += strings.IndexByte(text[cut:], '\n') + 1
		}
	}
	cut = min(cut, maxShownBytes)
	if cut >= len(text) {
		return text
	}
	for cut > 0 && !isRuneStart(text[cut]) { // never split a UTF-8 sequence
		cut--
	}
	rest := text[cut:]
	return fmt.Sprintf("%s\n… %d more lines (%d bytes) not shown here; Copy copies everything.",
		text[:cut], strings.Count(rest, "\n")+1, len(rest))
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
