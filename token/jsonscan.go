package token

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// jsonError is a JSON syntax error at a byte offset of the decoded text.
type jsonError struct {
	Offset int
	Msg    string
}

func (e *jsonError) Error() string {
	return "invalid JSON at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// errNotObject is returned when valid JSON is not an object.
type errNotObject struct{ Got string }

func (e *errNotObject) Error() string { return "JSON is " + e.Got + ", not an object" }

// scanner is a small validating JSON scanner. It splits a top-level object
// into its members in order, duplicates included, with each value as the
// sub-slice of the input that holds it (encoding/json keeps neither the
// order nor duplicates), and reports errors at their byte offset. Its
// differential fuzzer (FuzzParseObject) holds it to encoding/json.
type scanner struct {
	data  []byte
	pos   int
	depth int
}

// maxDepth bounds nesting. It is ten times encoding/json's limit (10,000): a
// token whose claims nest 10,000 levels deep still decodes, and the report
// cuts over-deep values (see limitDepth) instead of refusing the token.
const maxDepth = 100000

// parseObject validates data as one JSON object and returns its members in
// order. Values alias data.
func parseObject(data []byte) (Object, error) {
	s := scanner{data: data}
	s.skipSpace()
	if s.pos >= len(data) {
		return nil, &jsonError{s.pos, "empty input"}
	}
	if data[s.pos] != '{' {
		start := s.pos
		if err := s.value(); err != nil {
			return nil, err
		}
		return nil, &errNotObject{Got: kindOf(data[start])}
	}
	obj, err := s.object()
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos != len(data) {
		return nil, &jsonError{s.pos, "unexpected data after the object"}
	}
	return obj, nil
}

func kindOf(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) fail(msg string) error {
	if s.pos >= len(s.data) {
		return &jsonError{len(s.data), "unexpected end of input" + msg}
	}
	return &jsonError{s.pos, "unexpected " + strconv.QuoteRune(rune(s.data[s.pos])) + msg}
}

// object scans an object and returns its members (not nil: an empty
// object is still an object).
func (s *scanner) object() (Object, error) {
	s.depth++
	if s.depth > maxDepth {
		return nil, &jsonError{s.pos, "nested too deeply"}
	}
	s.pos++ // '{'
	obj := Object{}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		return obj, nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return nil, s.fail(", expected a member name in double quotes")
		}
		nameStart := s.pos
		escaped, err := s.str()
		if err != nil {
			return nil, err
		}
		nameRaw := s.data[nameStart:s.pos]
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return nil, s.fail(", expected ':' after a member name")
		}
		s.pos++
		s.skipSpace()
		valStart := s.pos
		if err := s.value(); err != nil {
			return nil, err
		}
		obj = append(obj, Member{Name: decodeName(nameRaw, escaped), Value: s.data[valStart:s.pos:s.pos]})
		s.skipSpace()
		if s.pos >= len(s.data) {
			return nil, s.fail(", expected ',' or '}'")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			return obj, nil
		default:
			return nil, s.fail(", expected ',' or '}'")
		}
	}
}

// decodeName decodes a member name (raw holds its quotes).
func decodeName(raw []byte, escaped bool) string {
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return string(raw[1 : len(raw)-1])
	}
	return name
}

func (s *scanner) value() error {
	if s.pos >= len(s.data) {
		return s.fail(", expected a value")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		_, err := s.object()
		return err
	case c == '[':
		return s.array()
	case c == '"':
		_, err := s.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.fail(", expected a value")
}

func (s *scanner) array() error {
	s.depth++
	if s.depth > maxDepth {
		return &jsonError{s.pos, "nested too deeply"}
	}
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if err := s.value(); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail(", expected ',' or ']'")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.depth--
			return nil
		default:
			return s.fail(", expected ',' or ']'")
		}
	}
}

func (s *scanner) literal(word string) error {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return s.fail(", expected " + word)
	}
	s.pos += len(word)
	return nil
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

func (s *scanner) number() error {
	if s.data[s.pos] == '-' {
		s.pos++
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if s.digits() == 0 {
		return s.fail(" in a number, expected a digit")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			return s.fail(" in a number, expected a digit after '.'")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return s.fail(" in a number, expected an exponent digit")
		}
	}
	return nil
}

// str scans a string starting at '"' and reports whether it had escapes.
func (s *scanner) str() (escaped bool, err error) {
	s.pos++ // opening quote
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return escaped, nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return escaped, err
			}
		case c < 0x20:
			return escaped, &jsonError{s.pos, "control character in a string (escape it)"}
		case c < utf8.RuneSelf:
			s.pos++
		default:
			r, size := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && size == 1 {
				return escaped, &jsonError{s.pos, "invalid UTF-8 in a string"}
			}
			s.pos += size
		}
	}
	return escaped, &jsonError{len(s.data), "unterminated string"}
}

func (s *scanner) escape() error {
	s.pos++ // backslash
	if s.pos >= len(s.data) {
		return &jsonError{s.pos, "unterminated escape"}
	}
	switch s.data[s.pos] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos++
		return nil
	case 'u':
		s.pos++
		for i := 0; i < 4; i++ {
			if s.pos >= len(s.data) || !isHex(s.data[s.pos]) {
				return s.fail(" in a \\u escape, expected a hex digit")
			}
			s.pos++
		}
		return nil
	}
	return s.fail(" after '\\', not a JSON escape")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// jsonString decodes a raw JSON string value; ok is false for other types.
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", false
			}
			return s, true
		}
	}
	return string(inner), true
}

// jsonNumber parses a raw JSON number; ok is false for other types.
func jsonNumber(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 || !(raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	return f, err == nil
}

// jsonStrings decodes a string or an array of strings (as "aud" may be).
func jsonStrings(raw json.RawMessage) ([]string, bool) {
	if s, ok := jsonString(raw); ok {
		return []string{s}, true
	}
	var list []string
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
		return nil, false
	}
	return list, true
}
