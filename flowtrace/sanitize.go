package flowtrace

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Sanitising follows the research notes' OAuth default (docs/har.md):
// credentials are replaced by labelled placeholders, JWTs keep their header
// and claims but lose their signature, and the output stays a valid HAR.

// redactNames are parameters and JSON members whose values are always
// replaced (case-insensitive): credentials and session identifiers.
var redactNames = map[string]bool{
	"code": true, "code_verifier": true, "refresh_token": true, "client_secret": true,
	"client_assertion": true, "assertion": true, "password": true, "passwd": true, "pwd": true,
	"samlresponse": true, "samlrequest": true, "device_code": true, "otp": true,
	"sessiontoken": true, "session_token": true, "statetoken": true, "api_key": true, "apikey": true,
	"jsessionid": true, "sid": true, "sessionid": true, "session_id": true,
}

// tokenNames are members holding tokens: a JWT keeps its header and claims
// without its signature; any other value is replaced.
var tokenNames = map[string]bool{
	"access_token": true, "id_token": true, "token": true, "id_token_hint": true,
	"logout_token": true, "subject_token": true, "actor_token": true,
}

// secretHeaders are replaced whole (Authorization keeps its scheme).
var secretHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true, "dpop": true,
	"x-api-key": true, "api-key": true, "x-auth-token": true, "x-csrf-token": true, "x-xsrf-token": true,
	"x-amz-security-token": true, "x-client-data": true,
}

// removedSignature replaces a JWT's signature: base64url of "signature
// removed", so the token still decodes but never verifies.
const removedSignature = "c2lnbmF0dXJlIHJlbW92ZWQ"

func placeholder(label string) string { return "[redacted-" + label + "]" }

var (
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?`)
	// pairPattern finds name=value pairs of a secret name in any text:
	// URLs, form bodies, scripts (the values stop at a delimiter).
	pairPattern = regexp.MustCompile(`(?i)(^|[?&#;,\s"'])(` + alternation(redactNames, tokenNames) + `)=([^&#;\s"'<>]*)`)
	// memberPattern finds "name": "value" JSON members in text that is not
	// JSON on its own (a script, an HTML page).
	memberPattern = regexp.MustCompile(`(?i)"(` + alternation(redactNames, tokenNames) + `)"\s*:\s*"((?:[^"\\]|\\.)*)"`)
	inputPattern  = regexp.MustCompile(`(?is)<input\b[^>]*>`)
)

func alternation(sets ...map[string]bool) string {
	var names []string
	for _, s := range sets {
		names = append(names, slices.Collect(maps.Keys(s))...)
	}
	slices.Sort(names)
	for i, n := range names {
		names[i] = regexp.QuoteMeta(n)
	}
	return strings.Join(names, "|")
}

// SanitizeSummary says what [SanitizeHAR] replaced, by kind.
type SanitizeSummary struct {
	Entries int            `json:"entries"`
	Removed map[string]int `json:"removed"` // "Authorization header", "cookie value", "code", "JWT signature", ...
}

// Total is the number of values replaced.
func (s *SanitizeSummary) Total() int {
	n := 0
	for _, c := range s.Removed {
		n += c
	}
	return n
}

type sanitizer struct{ sum *SanitizeSummary }

func (z *sanitizer) count(label string) { z.sum.Removed[label]++ }

// SanitizeHAR copies a HAR from r to w with every credential replaced:
// Authorization, Cookie and Set-Cookie headers, cookies, codes, PKCE
// verifiers, refresh tokens, client secrets, passwords and session
// identifiers become labelled placeholders; JWTs keep their header and
// claims but lose their signature. Names, numbers and structure are kept, so
// the output is a valid HAR that browsers' devtools open. The input is read
// as a stream.
func SanitizeHAR(r io.Reader, w io.Writer) (*SanitizeSummary, error) {
	z := &sanitizer{sum: &SanitizeSummary{Removed: map[string]int{}}}
	out := &harWriter{w: bufio.NewWriterSize(w, 64<<10)}
	_, err := readHAR(r, harVisitor{
		rawEntry: func(raw json.RawMessage) error {
			z.sum.Entries++
			return out.entry(z.chunk(raw))
		},
		member: func(name string, raw json.RawMessage) error {
			return out.member(name, z.chunk(raw))
		},
		open:  out.open,
		close: out.close,
	})
	if err != nil {
		return z.sum, err
	}
	if out.err != nil {
		return z.sum, out.err
	}
	return z.sum, out.w.Flush()
}

// chunk sanitises one JSON value (an entry, or a member of log).
func (z *sanitizer) chunk(raw json.RawMessage) []byte {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // numbers stay exactly as written
	var v any
	if d.Decode(&v) != nil {
		return raw
	}
	v = z.walk("", v)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return raw
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// walk sanitises v, found under the member key.
func (z *sanitizer) walk(key string, v any) any {
	switch t := v.(type) {
	case map[string]any:
		z.object(key, t)
	case []any:
		for i := range t {
			t[i] = z.walk(key, t[i])
		}
	case string:
		return z.text(t)
	}
	return v
}

// object sanitises a JSON object; key is the member that holds it
// ("headers", "cookies", "queryString", "params", ...).
func (z *sanitizer) object(key string, m map[string]any) {
	name, hasName := m["name"].(string)
	value, hasValue := m["value"].(string)
	if hasName && hasValue {
		switch key {
		case "headers":
			m["value"] = z.header(name, value)
		case "cookies":
			m["value"] = placeholder("cookie")
			z.count("cookie value")
		default:
			m["value"] = z.param(name, value)
		}
	}
	if text, ok := m["text"].(string); ok {
		mime, _ := m["mimeType"].(string)
		enc, _ := m["encoding"].(string)
		m["text"] = z.body(mime, text, enc)
	}
	for k, v := range m {
		if (hasName && hasValue && (k == "name" || k == "value")) || k == "text" {
			continue
		}
		if s, ok := v.(string); ok {
			m[k] = z.param(k, s)
			continue
		}
		m[k] = z.walk(k, v)
	}
}

// param sanitises the value of a parameter or member called name.
func (z *sanitizer) param(name, value string) string {
	lower := strings.ToLower(name)
	switch {
	case value == "" || strings.HasPrefix(value, "[redacted-"):
		return value
	case redactNames[lower]:
		z.count(lower)
		return placeholder(lower)
	case tokenNames[lower] && !looksLikeJWT(value):
		z.count(lower)
		return placeholder(lower)
	}
	return z.text(value)
}

// header sanitises a header value.
func (z *sanitizer) header(name, value string) string {
	lower := strings.ToLower(name)
	if !secretHeaders[lower] {
		return z.text(value)
	}
	switch lower {
	case "authorization", "proxy-authorization":
		scheme, cred, ok := strings.Cut(value, " ")
		z.count(http.CanonicalHeaderKey(lower) + " header")
		if ok && looksLikeJWT(strings.TrimSpace(cred)) {
			return scheme + " " + z.text(strings.TrimSpace(cred))
		}
		if ok {
			return scheme + " " + placeholder("credentials")
		}
		return placeholder("credentials")
	case "cookie":
		return z.cookieHeader(value)
	case "set-cookie":
		return z.setCookies(value)
	case "dpop":
		if looksLikeJWT(value) {
			return z.text(value)
		}
	}
	z.count(http.CanonicalHeaderKey(lower) + " header")
	return placeholder(lower)
}

// cookieHeader replaces each cookie's value, keeping the names.
func (z *sanitizer) cookieHeader(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		name, _, ok := strings.Cut(p, "=")
		if ok {
			parts[i] = name + "=" + placeholder("cookie")
			z.count("cookie value")
		}
	}
	return strings.Join(parts, ";")
}

// setCookies replaces the value of each Set-Cookie line (chrome-har joins
// several with newlines), keeping name and attributes.
func (z *sanitizer) setCookies(v string) string {
	lines := strings.Split(v, "\n")
	for i, line := range lines {
		pair, attrs, _ := strings.Cut(line, ";")
		name, _, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		lines[i] = name + "=" + placeholder("cookie")
		if attrs != "" {
			lines[i] += ";" + attrs
		}
		z.count("Set-Cookie value")
	}
	return strings.Join(lines, "\n")
}

// body sanitises a request or response body by its type: JSON member by
// member, forms pair by pair, anything else as text. Base64 text bodies are
// decoded, sanitised and encoded again; binary ones are kept.
func (z *sanitizer) body(mime, text, encoding string) string {
	if strings.EqualFold(encoding, "base64") {
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil || !utf8.Valid(b) {
			return text
		}
		clean := z.body(mime, string(b), "")
		if clean == string(b) {
			return text
		}
		return base64.StdEncoding.EncodeToString([]byte(clean))
	}
	m := strings.ToLower(mime)
	trimmed := strings.TrimSpace(text)
	switch {
	case strings.Contains(m, "json") || strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["):
		if clean, ok := z.jsonBody(text); ok {
			return clean
		}
	case strings.Contains(m, "x-www-form-urlencoded"):
		return z.pairs(text)
	}
	return z.text(text)
}

func (z *sanitizer) jsonBody(text string) (string, bool) {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil || d.More() {
		return "", false
	}
	v = z.walk("", v)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return "", false
	}
	return strings.TrimRight(b.String(), "\n"), true
}

// pairs sanitises name=value&... text (a form body, a query or a
// fragment) pair by pair, keeping order and encoding of untouched pairs.
func (z *sanitizer) pairs(s string) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			parts[i] = z.text(p)
			continue
		}
		if clean := z.param(name, value); clean != value {
			parts[i] = k + "=" + url.QueryEscape(clean)
		}
	}
	return strings.Join(parts, "&")
}

// text sanitises free text: URLs (query and fragment pair by pair), pairs
// and JSON members of secret names, HTML inputs, and JWT signatures.
func (z *sanitizer) text(s string) string {
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && !strings.ContainsAny(s, " \n\"<") {
		return z.url(s)
	}
	return z.plain(s)
}

// plain sanitises text that is not a URL on its own.
func (z *sanitizer) plain(s string) string {
	if strings.Contains(s, "<input") || strings.Contains(s, "<INPUT") {
		s = inputPattern.ReplaceAllStringFunc(s, z.input)
	}
	if strings.Contains(s, "=") && mentions(s, pairNeedles) {
		s = pairPattern.ReplaceAllStringFunc(s, func(m string) string {
			sub := pairPattern.FindStringSubmatch(m)
			return sub[1] + sub[2] + "=" + z.param(sub[2], sub[3])
		})
	}
	if strings.Contains(s, `"`) && mentions(s, memberNeedles) {
		s = memberPattern.ReplaceAllStringFunc(s, func(m string) string {
			sub := memberPattern.FindStringSubmatch(m)
			return `"` + sub[1] + `":"` + z.param(sub[1], sub[2]) + `"`
		})
	}
	if strings.Contains(s, "eyJ") {
		s = jwtPattern.ReplaceAllStringFunc(s, z.jwt)
	}
	return s
}

// Needles for mentions: "name=" and "\"name\"" of every secret name.
var pairNeedles, memberNeedles = needles("", "="), needles(`"`, `"`)

func needles(before, after string) []string {
	var out []string
	for _, set := range []map[string]bool{redactNames, tokenNames} {
		for name := range set {
			out = append(out, before+name+after)
		}
	}
	return out
}

// mentions reports whether s may hold one of the needles (ignoring case):
// a cheap test that spares most long text the regular expressions.
func mentions(s string, needles []string) bool {
	if len(s) < 256 {
		return true
	}
	lower := strings.ToLower(s)
	for _, n := range needles {
		if strings.Contains(lower, n) {
			return true
		}
	}
	return false
}

// url sanitises a URL's query and fragment pair by pair, and a
// ;jsessionid= path parameter.
func (z *sanitizer) url(s string) string {
	base, frag, hasFrag := strings.Cut(s, "#")
	path, query, hasQuery := strings.Cut(base, "?")
	out := z.plain(path) // ;jsessionid=..., a JWT in the path
	if hasQuery {
		out += "?" + z.pairs(query)
	}
	if hasFrag {
		out += "#" + z.pairs(frag)
	}
	return out
}

// input replaces the value of an HTML input whose name is a secret (a
// form_post page's code, a login form's password).
func (z *sanitizer) input(tag string) string {
	n := nameAttr.FindStringSubmatch(tag)
	if n == nil {
		return tag
	}
	return valueAttr.ReplaceAllStringFunc(tag, func(attr string) string {
		v := valueAttr.FindStringSubmatch(attr)
		clean := z.param(n[1], v[1])
		if clean == v[1] {
			return attr
		}
		return `value="` + clean + `"`
	})
}

// jwt drops a JWS's signature (header and claims stay readable) and
// replaces a JWE whole (its content is unreadable anyway).
func (z *sanitizer) jwt(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) == 5 {
		z.count("encrypted token (JWE)")
		return placeholder("jwe")
	}
	if parts[2] == removedSignature {
		return tok
	}
	z.count("JWT signature")
	return parts[0] + "." + parts[1] + "." + removedSignature
}

// harWriter writes the sanitised HAR as readHAR walks the input.
type harWriter struct {
	w     *bufio.Writer
	first []bool // per open object or array: nothing written in it yet
	err   error
}

func (h *harWriter) write(s string) {
	if h.err == nil {
		_, h.err = h.w.WriteString(s)
	}
}

// sep writes a comma unless this is the first item of the innermost
// object or array.
func (h *harWriter) sep() {
	top := len(h.first) - 1
	if top < 0 {
		return
	}
	if !h.first[top] {
		h.write(",")
	}
	h.first[top] = false
}

func (h *harWriter) key(name string) {
	k, _ := json.Marshal(name)
	h.write(string(k) + ":")
}

// open starts the document (""), log or entries.
func (h *harWriter) open(path string) error {
	switch path {
	case "":
		h.write("{")
	case "log":
		h.sep()
		h.key("log")
		h.write("{")
	case "log.entries":
		h.sep()
		h.key("entries")
		h.write("[")
	}
	h.first = append(h.first, true)
	return h.err
}

func (h *harWriter) close(path string) error {
	h.first = h.first[:len(h.first)-1]
	if path == "log.entries" {
		h.write("]")
	} else {
		h.write("}")
	}
	return h.err
}

func (h *harWriter) member(name string, v []byte) error {
	h.sep()
	h.key(strings.TrimPrefix(name, "log."))
	h.write(string(v))
	return h.err
}

func (h *harWriter) entry(v []byte) error {
	h.sep()
	h.write(string(v))
	if h.err != nil {
		return fmt.Errorf("write the sanitised HAR: %w", h.err)
	}
	return nil
}
