package token

import (
	"bytes"
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
// into ordered members whose values are sub-slices of the input, in one pass
// and without decoding values: the hot path of Inspect.
type scanner struct {
	data  []byte
	pos   int
	depth int
}

// maxDepth matches encoding/json's nesting limit.
const maxDepth = 10000

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
	obj, err := s.object(true)
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

// object scans an object; when collect is set it returns the members.
func (s *scanner) object(collect bool) (Object, error) {
	s.depth++
	if s.depth > maxDepth {
		return nil, &jsonError{s.pos, "nested too deeply"}
	}
	s.pos++ // '{'
	var obj Object
	if collect {
		obj = make(Object, 0, memberHint(s.data[s.pos:]))
	}
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
		if collect {
			obj = append(obj, Member{Name: decodeName(nameRaw, escaped), Value: s.data[valStart:s.pos:s.pos]})
		}
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

// memberHint bounds the member count of an object by its colons (one per
// member, plus any in values such as URLs), so that a 3-member header does
// not get room for 12. Counting one byte is fast (vectorised).
func memberHint(data []byte) int {
	return min(bytes.Count(data, []byte{':'}), 64)
}

// internName returns common member names without allocating (a switch on
// string(b) does not allocate, and is cheaper than a map lookup here).
func internName(b []byte) string {
	switch string(b) {
	case "alg":
		return "alg"
	case "kid":
		return "kid"
	case "typ":
		return "typ"
	case "cty":
		return "cty"
	case "enc":
		return "enc"
	case "crit":
		return "crit"
	case "jku":
		return "jku"
	case "jwk":
		return "jwk"
	case "x5u":
		return "x5u"
	case "x5c":
		return "x5c"
	case "x5t":
		return "x5t"
	case "iss":
		return "iss"
	case "sub":
		return "sub"
	case "aud":
		return "aud"
	case "exp":
		return "exp"
	case "nbf":
		return "nbf"
	case "iat":
		return "iat"
	case "jti":
		return "jti"
	case "azp":
		return "azp"
	case "nonce":
		return "nonce"
	case "auth_time":
		return "auth_time"
	case "at_hash":
		return "at_hash"
	case "c_hash":
		return "c_hash"
	case "sid":
		return "sid"
	case "acr":
		return "acr"
	case "amr":
		return "amr"
	case "scope":
		return "scope"
	case "scp":
		return "scp"
	case "client_id":
		return "client_id"
	case "name":
		return "name"
	case "email":
		return "email"
	case "email_verified":
		return "email_verified"
	case "preferred_username":
		return "preferred_username"
	case "given_name":
		return "given_name"
	case "family_name":
		return "family_name"
	case "roles":
		return "roles"
	case "groups":
		return "groups"
	case "tid":
		return "tid"
	case "oid":
		return "oid"
	case "ver":
		return "ver"
	case "cnf":
		return "cnf"
	case "act":
		return "act"
	}
	return string(b)
}

func decodeName(raw []byte, escaped bool) string {
	if !escaped {
		inner := raw[1 : len(raw)-1]
		return internName(inner)
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
		_, err := s.object(false)
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
		if plainStringByte[c] {
			s.pos++
			continue
		}
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

// plainStringByte marks the bytes a string may hold as they are: ASCII
// other than '"', '\\' and control characters.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

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
	if n, ok := smallInt(raw); ok {
		return float64(n), true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	return f, err == nil
}

// smallInt parses a non-negative integer of at most 15 digits (exact as a
// float64): the usual NumericDate, without strconv.ParseFloat.
func smallInt(raw []byte) (int64, bool) {
	if len(raw) == 0 || len(raw) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
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
