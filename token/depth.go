package token

import (
	"encoding/json"
	"strconv"
)

// MaxReportDepth is how deeply nested a header or claim value may be for
// the report to carry it. Deeper values (a token can nest thousands of
// levels) are replaced by a note, so that the report always encodes as
// JSON (encoding/json refuses 10,000 levels).
const MaxReportDepth = 64

// limitDepth replaces over-deep member values of the report's header,
// claims and JWE header by a JSON string saying so, with a warning.
func limitDepth(r *Report) {
	cut := limitObject(r.Header, "header") + limitObject(r.Claims, "claims")
	if r.JWE != nil {
		cut += limitObject(r.JWE.Header, "JWE header")
	}
	if cut > 0 {
		r.Warnings = append(r.Warnings, Warning{"deep_nesting", strconv.Itoa(cut) + " value(s) nest more than " +
			strconv.Itoa(MaxReportDepth) + " levels deep and are not shown in this report (each is replaced by a note); no real claim nests that deep", "RFC 8259 9"})
	}
}

// limitObject cuts the members of o nested deeper than MaxReportDepth and
// counts them.
func limitObject(o Object, where string) int {
	cut := 0
	for i, m := range o {
		if nesting(m.Value) > MaxReportDepth {
			note, _ := json.Marshal("(" + where + " member " + strconv.Quote(m.Name) + " nests more than " + strconv.Itoa(MaxReportDepth) + " levels deep: not shown)")
			o[i].Value = note
			cut++
		}
	}
	return cut
}

// nesting is the deepest array/object nesting of a JSON text.
func nesting(raw []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range raw {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
