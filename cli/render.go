package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/termesc"
	"github.com/tokeninspector/tokeninspector/token"
)

// ANSI styles; empty when colour is off.
type palette struct{ bold, dim, red, green, yellow, cyan, reset string }

func newPalette(color bool) palette {
	if !color {
		return palette{}
	}
	return palette{bold: "\x1b[1m", dim: "\x1b[2m", red: "\x1b[31m", green: "\x1b[32m", yellow: "\x1b[33m", cyan: "\x1b[36m", reset: "\x1b[0m"}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// useColor reports whether to colour output to w: a terminal, NO_COLOR
// unset (https://no-color.org) and TERM not "dumb".
func useColor(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// writeJSON writes v as indented JSON with a final newline. HTML characters
// are not escaped, so URLs stay readable; C1 controls and bidi or zero-width
// characters from outside are (termesc.JSON), so the output is safe on a
// terminal and decodes to the same values. A document nesting deeper than
// maxIndentDepth (only a hostile server sends one) is written on one line:
// indented, 60 KB nesting 9,000 levels deep would print 160 MB.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := buf.Bytes()
	if !nestsDeeper(out, maxIndentDepth) {
		var indented bytes.Buffer
		if err := json.Indent(&indented, out, "", "  "); err != nil {
			return err
		}
		out = indented.Bytes()
	}
	_, err := w.Write(termesc.JSON(out))
	return err
}

// maxIndentDepth is the deepest nesting writeJSON indents.
const maxIndentDepth = 100

// nestsDeeper reports whether the JSON text data nests objects and arrays
// more than limit levels deep.
func nestsDeeper(data []byte, limit int) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
			if depth > limit {
				return true
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

// writeReport writes a human-readable report: header, claims with times and
// descriptions, signature, checks and warnings.
func writeReport(w io.Writer, title string, r *token.Report, color bool) {
	p := newPalette(color)
	var b strings.Builder
	if title != "" {
		fmt.Fprintf(&b, "%s== %s ==%s\n", p.bold, title, p.reset)
	}
	fmt.Fprintf(&b, "%sKind:%s %s\n", p.bold, p.reset, kindLabel(r))
	writeProvider(&b, r, p)
	if r.Kind == token.KindOpaque {
		fmt.Fprintf(&b, "  %s\n  %s\n", termesc.String(r.Opaque), termesc.String(r.Signature.Reason))
		writeWarnings(&b, r.Warnings, p)
		io.WriteString(w, b.String())
		return
	}
	if r.JWE != nil {
		writeJWE(&b, r.JWE, p)
	}
	if r.JWE == nil || r.JWE.Nested == "jws" || r.JWE.Status != "decrypted" {
		writeObject(&b, "Header", r.Header, nil, p, token.DescribeHeader)
	}
	if len(r.Claims) > 0 {
		writeObject(&b, "Claims", r.Claims, r.Times, p, token.Describe)
	}
	if r.Payload != "" {
		fmt.Fprintf(&b, "%sPayload%s (not a JSON object)\n  %s\n", p.bold, p.reset, termesc.String(r.Payload))
	}
	writeSignature(&b, r.Signature, p)
	writeChecks(&b, r, p)
	writeWarnings(&b, r.Warnings, p)
	io.WriteString(w, b.String())
}

// writeProvider names the recognised provider, its evidence and the
// provider quirks found (explained under Warnings).
func writeProvider(b *strings.Builder, r *token.Report, p palette) {
	if r.Provider != nil {
		fmt.Fprintf(b, "%sProvider:%s %s  %s(evidence: %s)%s\n", p.bold, p.reset, termesc.String(r.Provider.Name), p.dim,
			termesc.String(strings.Join(r.Provider.Evidence, "; ")), p.reset)
	}
	var quirks []string
	for _, w := range r.Warnings {
		if strings.HasPrefix(w.ID, "provider.") {
			quirks = append(quirks, w.ID)
		}
	}
	if len(quirks) > 0 {
		fmt.Fprintf(b, "  %sknown quirk:%s %s (explained under Warnings)\n", p.yellow, p.reset, strings.Join(quirks, ", "))
	}
}

func kindLabel(r *token.Report) string {
	switch r.Kind {
	case token.KindJWS:
		if len(r.Claims) > 0 {
			return "JWS (signed JWT)"
		}
		return "JWS (signed, payload is not a JWT claims set)"
	case token.KindJWE:
		return "JWE (encrypted)"
	}
	return "opaque (not a JWT)"
}

func writeJWE(b *strings.Builder, j *token.JWEInfo, p palette) {
	writeObject(b, "Encryption header (JWE)", j.Header, nil, p, token.DescribeHeader)
	st := j.Status
	col := p.yellow
	if st == "decrypted" {
		col = p.green
	} else if st == "failed" {
		col = p.red
	}
	fmt.Fprintf(b, "%sEncryption:%s %s%s%s  %s\n", p.bold, p.reset, col, strings.ToUpper(st), p.reset, termesc.String(j.Reason))
	if j.Nested != "" {
		fmt.Fprintf(b, "  content: %s\n", j.Nested)
	}
}

// writeObject lists members in token order with their description.
func writeObject(b *strings.Builder, name string, o token.Object, times []token.TimeClaim, p palette, describe func(string) (token.ClaimDoc, bool)) {
	fmt.Fprintf(b, "%s%s%s\n", p.bold, name, p.reset)
	if len(o) == 0 {
		b.WriteString("  (empty)\n")
		return
	}
	width := 0
	for _, m := range o {
		width = max(width, len(m.Name))
	}
	width = min(width, 12)
	for _, m := range o {
		fmt.Fprintf(b, "  %s%-*s%s  %s\n", p.cyan, width, termesc.String(m.Name), p.reset, termesc.String(compact(m.Value)))
		pad := strings.Repeat(" ", 4)
		for _, t := range times {
			if t.Claim == m.Name {
				fmt.Fprintf(b, "%s%s UTC: %s  local: %s  (%s)\n", pad, p.dim+"·"+p.reset, t.UTC(), t.Local(), t.Relative())
			}
		}
		if d, ok := describe(m.Name); ok {
			vendor := ""
			if d.Vendor != "" {
				vendor = d.Vendor + ": "
			}
			fmt.Fprintf(b, "%s%s%s%s [%s]%s\n", pad, p.dim, vendor, d.Description, d.Spec, p.reset)
		} else {
			fmt.Fprintf(b, "%s%s(unknown: not in the claim dictionary)%s\n", pad, p.dim, p.reset)
		}
	}
}

// errText is an error's text, escaped for the terminal: errors quote what
// servers, tokens and files said.
func errText(err error) string {
	return termesc.Lines(err.Error())
}

// hintLines is flows.Hint(err) indented on its own line, or "": what to do
// next, kept out of the (one-line) error itself.
func hintLines(err error) string {
	if h := flows.Hint(err); h != "" {
		return "  " + termesc.Lines(h) + "\n"
	}
	return ""
}

// compact renders a raw JSON value on one line.
func compact(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}

func writeSignature(b *strings.Builder, s token.Signature, p palette) {
	col := p.yellow
	switch s.Status {
	case token.SigValid:
		col = p.green
	case token.SigInvalid:
		col = p.red
	}
	fmt.Fprintf(b, "%sSignature:%s %s%s%s", p.bold, p.reset, col+p.bold, strings.ToUpper(string(s.Status)), p.reset)
	if s.Alg != "" {
		fmt.Fprintf(b, "  alg %s", termesc.String(s.Alg))
	}
	if s.Kid != "" {
		fmt.Fprintf(b, "  kid %q", s.Kid)
	}
	fmt.Fprintf(b, "\n  %s\n", termesc.String(s.Reason))
	if k := s.Key; k != nil {
		fmt.Fprintf(b, "  key: %s", k.Kty)
		if k.Kid != "" {
			fmt.Fprintf(b, " kid %q", k.Kid)
		}
		if k.Thumbprint != "" {
			fmt.Fprintf(b, ", thumbprint (RFC 7638) %s", k.Thumbprint)
		}
		fmt.Fprintf(b, "\n  chosen by: %s; from %s\n", termesc.String(k.Chosen), termesc.String(k.Origin))
	}
	for _, sk := range s.Skipped {
		fmt.Fprintf(b, "  %sskipped key: %s%s\n", p.dim, termesc.String(sk), p.reset)
	}
}

func writeChecks(b *strings.Builder, r *token.Report, p palette) {
	if len(r.Checks) == 0 {
		return
	}
	fmt.Fprintf(b, "%sChecks%s (as of %s, clock skew %g s)\n", p.bold, p.reset,
		r.EvaluatedAt.UTC().Format(time.RFC3339), r.SkewSeconds)
	for _, c := range r.Checks {
		col := p.dim
		switch c.Status {
		case token.Pass:
			col = p.green
		case token.Fail:
			col = p.red
		case token.Warn:
			col = p.yellow
		}
		fmt.Fprintf(b, "  %s%-4s%s  %-8s %s %s[%s]%s\n", col, strings.ToUpper(string(c.Status)), p.reset, c.ID, termesc.String(c.Message), p.dim, c.Spec, p.reset)
	}
}

func writeWarnings(b *strings.Builder, ws []token.Warning, p palette) {
	if len(ws) == 0 {
		return
	}
	fmt.Fprintf(b, "%sWarnings%s\n", p.bold, p.reset)
	for _, w := range ws {
		fmt.Fprintf(b, "  %s!%s %-16s %s %s[%s]%s\n", p.yellow, p.reset, w.ID, termesc.String(w.Message), p.dim, termesc.String(w.Spec), p.reset)
	}
}
