// Package termesc makes text from outside (servers, tokens, files) safe to
// print on a terminal: control characters (C0, DEL, C1, so ESC sequences
// too), Unicode format characters (bidi overrides and isolates, zero-width
// characters, the BOM) and line/paragraph separators are shown as visible
// escapes such as \u202e instead of being emitted. Invalid UTF-8 bytes become
// U+FFFD. It is the one escaping function every terminal path uses.
package termesc

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// String escapes s for one line of terminal output.
func String(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hostile(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Lines is String for multi-line text such as a response body: line breaks
// stay (CRLF becomes LF); everything else String escapes is escaped.
func Lines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = String(l)
	}
	return strings.Join(lines, "\n")
}

// Quote is String wrapped in double quotes, with quotes and backslashes
// escaped: for values whose edges matter (a path, a name).
func Quote(s string) string {
	return `"` + String(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)) + `"`
}

// JSON escapes, inside encoded JSON text, the characters String escapes that
// encoding/json leaves as they are (C1 controls, bidi and zero-width format
// characters): each becomes a \u escape of four hex digits (a UTF-16 surrogate pair beyond
// the BMP), so the text decodes to the same values but shows them visibly on
// a terminal. Outside strings JSON holds only ASCII, so every such
// character is inside a string.
func JSON(data []byte) []byte {
	if utf8.Valid(data) && !bytes.ContainsFunc(data, hostileNonASCII) {
		return data
	}
	var b bytes.Buffer
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		data = data[size:]
		if !hostileNonASCII(r) {
			b.WriteRune(r) // an invalid byte becomes U+FFFD, as encoding/json does
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			fmt.Fprintf(&b, "\\u%04x\\u%04x", r1, r2)
			continue
		}
		fmt.Fprintf(&b, "\\u%04x", r)
	}
	return b.Bytes()
}

// hostileNonASCII is hostile for the runes encoding/json does not escape
// (it escapes every ASCII control; JSON's own layout is ASCII).
func hostileNonASCII(r rune) bool {
	return r >= utf8.RuneSelf && hostile(r)
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if hostile(r) {
			return true
		}
	}
	return false
}

// hostile reports the runes a terminal would act on or that change how the
// text around them is shown.
func hostile(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}
