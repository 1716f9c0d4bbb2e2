package token

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// DecodeError says which part of a JWT is broken, where and why.
type DecodeError struct {
	Segment string // "token", "header", "payload", "signature", "encrypted_key", "iv", "ciphertext", "tag"
	Index   int    // 0-based segment number; -1 for the whole token
	Offset  int    // byte offset inside the segment text (base64) or its decoded bytes (JSON)
	Reason  string // plain words
	Err     error  // underlying error, if any
}

// Error says it all in plain words.
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("cannot decode token: ")
	if e.Index >= 0 {
		b.WriteString(e.Segment)
		b.WriteString(" (segment ")
		b.WriteString(strconv.Itoa(e.Index + 1))
		b.WriteString(") is broken: ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

var jweNames = []string{"header", "encrypted_key", "iv", "ciphertext", "tag"}

// Clean returns the token Inspect reads from raw: without surrounding
// whitespace, quotes, a "Bearer " prefix or line breaks.
func Clean(raw string) string {
	s, _ := cleanToken(raw)
	return s
}

// cleanToken strips what people paste around a token: surrounding
// whitespace, quotes, a "Bearer " prefix and line breaks inside (with the
// indentation around them). spaced is true when spaces remain inside a line:
// that is text, not a token, and is never squeezed into one.
func cleanToken(raw string) (s string, spaced bool) {
	if isCompactClean(raw) {
		return raw, false
	}
	s = strings.TrimSpace(raw)
	for {
		before := s
		if len(s) >= 2 && (s[0] == '"' || s[0] == '\'' || s[0] == '`') && s[len(s)-1] == s[0] {
			s = strings.TrimSpace(s[1 : len(s)-1])
		}
		if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
			s = strings.TrimSpace(s[7:])
		}
		if s == before {
			break
		}
	}
	if !strings.ContainsAny(s, " \t\r\n\\") {
		return s, false
	}
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i, l := range lines {
		l = strings.TrimSpace(l)
		spaced = spaced || strings.ContainsAny(l, " \t")
		lines[i] = strings.ReplaceAll(l, "\\", "")
	}
	return strings.Join(lines, ""), spaced
}

// isCompactClean reports whether raw holds only base64url characters and
// dots: the fast path that needs no cleaning.
func isCompactClean(raw string) bool {
	if raw == "" {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if !compactAlphabet[raw[i]] {
			return false
		}
	}
	return true
}

// compactAlphabet is b64urlAlphabet plus '.': one lookup per byte.
var compactAlphabet = func() [256]bool {
	t := b64urlAlphabet
	t['.'] = true
	return t
}()

func isB64URL(c byte) bool { return b64urlAlphabet[c] }

// b64urlAlphabet marks the base64url characters (RFC 4648 section 5).
var b64urlAlphabet = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
		t[c] = true
	}
	return t
}()

// looksLikeJWT decides between a (possibly broken) JWT and an opaque token:
// a JWT starts like a base64url JSON object ("ey", or "ew" when the JSON
// starts with a line break), or has 3 or 5 segments of base64url text.
func looksLikeJWT(s string, dots int) bool {
	if strings.HasPrefix(s, "ey") || strings.HasPrefix(s, "ew") {
		return true
	}
	if dots != 2 && dots != 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isB64URL(s[i]) && s[i] != '.' && s[i] != '=' && s[i] != '+' && s[i] != '/' {
			return false
		}
	}
	return true
}

// splitSegments splits s on dots into segs, which has one more element
// than s has dots (3 or 5).
func splitSegments(s string, segs []string) {
	for k := range len(segs) - 1 {
		i := strings.IndexByte(s, '.')
		segs[k] = s[:i]
		s = s[i+1:]
	}
	segs[len(segs)-1] = s
}

// decodedLen is an upper bound of the decoded size of seg.
func decodedLen(seg string) int {
	return base64.RawURLEncoding.DecodedLen(len(seg))
}

// decodeSegment base64url-decodes one segment, explaining failures. Padding
// is tolerated (and reported through padded).
func decodeSegment(seg string, name string, index int) (data []byte, padded bool, err error) {
	_, data, padded, err = appendSegment(nil, seg, name, index)
	return data, padded, err
}

// appendSegment is decodeSegment appending to buf (so that the segments of a
// token can share one allocation); data is the decoded part of out.
func appendSegment(buf []byte, seg string, name string, index int) (out, data []byte, padded bool, err error) {
	text := seg
	if strings.HasSuffix(text, "=") {
		text = strings.TrimRight(text, "=")
		padded = true
	}
	start := len(buf)
	out, err = base64.RawURLEncoding.AppendDecode(buf, []byte(text))
	if err != nil {
		return buf, nil, padded, explainBase64(text, name, index, err)
	}
	return out, out[start:len(out):len(out)], padded, nil
}

// explainBase64 turns a base64 failure into a precise DecodeError. It runs
// only on the error path, so the hot path decodes each segment once.
func explainBase64(text, name string, index int, err error) *DecodeError {
	for i := 0; i < len(text); i++ {
		if c := text[i]; !isB64URL(c) {
			reason := "bad base64url at offset " + strconv.Itoa(i) + ": " + strconv.QuoteRune(rune(c)) + " is not in the base64url alphabet"
			switch c {
			case '+', '/':
				reason += " (it is standard base64; JWTs use '-' and '_')"
			case '=':
				reason += " (padding in the middle)"
			}
			return &DecodeError{Segment: name, Index: index, Offset: i, Reason: reason, Err: err}
		}
	}
	if len(text)%4 == 1 {
		return &DecodeError{Segment: name, Index: index, Offset: len(text) - 1, Err: err,
			Reason: "bad base64url at offset " + strconv.Itoa(len(text)-1) + ": length " + strconv.Itoa(len(text)) + " is impossible (truncated or one character too many)"}
	}
	var ce base64.CorruptInputError
	off := 0
	if errors.As(err, &ce) {
		off = int(ce)
	}
	return &DecodeError{Segment: name, Index: index, Offset: off, Err: err,
		Reason: "bad base64url at offset " + strconv.Itoa(off) + " (non-zero trailing bits: truncated or altered)"}
}

// decodeJSONSegment decodes a segment that must hold a JSON object.
func decodeJSONSegment(seg, name string, index int) (Object, []byte, bool, error) {
	_, obj, data, padded, err := appendJSONSegment(nil, seg, name, index)
	return obj, data, padded, err
}

// appendJSONSegment is decodeJSONSegment appending to buf.
func appendJSONSegment(buf []byte, seg, name string, index int) (out []byte, obj Object, data []byte, padded bool, err error) {
	out, data, padded, err = appendSegment(buf, seg, name, index)
	if err != nil {
		return out, nil, nil, padded, err
	}
	obj, err = parseObject(data)
	if err != nil {
		return out, nil, data, padded, jsonDecodeError(err, name, index)
	}
	return out, obj, data, padded, nil
}

func jsonDecodeError(err error, name string, index int) *DecodeError {
	var je *jsonError
	if errors.As(err, &je) {
		return &DecodeError{Segment: name, Index: index, Offset: je.Offset, Reason: err.Error() + " of the decoded " + name, Err: err}
	}
	var no *errNotObject
	if errors.As(err, &no) {
		return &DecodeError{Segment: name, Index: index, Reason: name + " is not a JSON object: " + no.Error(), Err: err}
	}
	return &DecodeError{Segment: name, Index: index, Reason: err.Error(), Err: err}
}
