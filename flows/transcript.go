package flows

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Redacted replaces every secret value in a [Transcript].
const Redacted = "[redacted]"

// Exchange is one HTTP request and its response, with secrets redacted:
// Authorization and cookie headers, passwords in URLs, the client_secret and
// password fields, and (unless revealed with [Exchange.Revealed]) the
// codes, verifiers, assertions and tokens of [TokenFields].
type Exchange struct {
	Endpoint        string        `json:"endpoint"` // "token", "discovery", "jwks", ...
	Method          string        `json:"method"`
	URL             string        `json:"url"`
	RequestHeaders  http.Header   `json:"request_headers,omitempty"`
	RequestBody     string        `json:"request_body,omitempty"`
	Status          int           `json:"status,omitempty"`
	ResponseHeaders http.Header   `json:"response_headers,omitempty"`
	ResponseBody    string        `json:"response_body,omitempty"`
	Duration        time.Duration `json:"duration_ns"`
	Err             string        `json:"error,omitempty"` // transport error or size limit
	Started         time.Time     `json:"started"`

	// What the redacted bodies hide that Revealed shows, kept in memory
	// only: the TokenFields pairs and members, not a second copy of each body.
	hiddenRequest, hiddenResponse hiddenValues
}

// Revealed returns x with the values of [TokenFields] shown, for teaching
// (the GUI's "show secrets"). Client secrets, passwords and credentials in
// headers stay redacted.
func (x Exchange) Revealed() Exchange {
	x.RequestBody = x.hiddenRequest.reveal(x.RequestBody)
	x.ResponseBody = x.hiddenResponse.reveal(x.ResponseBody)
	return x
}

// setBodies records the request and response bodies, redacted, and the
// values of TokenFields the redaction hid.
func (x *Exchange) setBodies(reqType string, req []byte, respType string, resp []byte) {
	x.RequestBody, x.hiddenRequest = redactBoth(reqType, req)
	x.ResponseBody, x.hiddenResponse = redactBoth(respType, resp)
}

// redactBoth redacts the secret fields of body and keeps the values of the
// TokenFields among them (client secrets and passwords are not kept).
func redactBoth(contentType string, body []byte) (string, hiddenValues) {
	redacted := redactBody(contentType, body, secretFields)
	if redacted == string(body) {
		return redacted, hiddenValues{}
	}
	if isForm(contentType) {
		return redacted, hiddenFormValues(string(body))
	}
	return redacted, hiddenJSONValues(body)
}

// hiddenValues are the values of TokenFields a redacted form or JSON body
// hides, for [Exchange.Revealed]. The zero value hides nothing.
type hiddenValues struct {
	isJSON bool
	fields []hiddenField
}

// hiddenField is one hidden value: in a form, the original name=value pair
// at index (redactForm keeps every pair in its place); in a JSON object,
// the member name and its raw value.
type hiddenField struct {
	index int
	name  string
	value string
}

// hiddenFormValues keeps the pairs of a form body whose name is one of
// TokenFields, with their places.
func hiddenFormValues(form string) hiddenValues {
	var h hiddenValues
	for i, p := range strings.Split(form, "&") {
		if _, name, found := formPair(p); found && slices.Contains(TokenFields, name) {
			h.fields = append(h.fields, hiddenField{index: i, value: p})
		}
	}
	return h
}

// hiddenJSONValues keeps the members of a JSON object named in TokenFields.
func hiddenJSONValues(body []byte) hiddenValues {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return hiddenValues{}
	}
	h := hiddenValues{isJSON: true}
	for _, k := range TokenFields {
		if v, ok := m[k]; ok {
			h.fields = append(h.fields, hiddenField{name: k, value: string(v)})
		}
	}
	return h
}

// reveal puts the hidden values back into the redacted body. A JSON body
// comes back with its members in the order the redacted one shows them.
func (h hiddenValues) reveal(redacted string) string {
	if len(h.fields) == 0 {
		return redacted
	}
	if h.isJSON {
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(redacted), &m) != nil {
			return redacted
		}
		for _, f := range h.fields {
			m[f.name] = json.RawMessage(f.value)
		}
		return sortedJSON(m)
	}
	parts := strings.Split(redacted, "&")
	for _, f := range h.fields {
		if f.index < len(parts) {
			parts[f.index] = f.value
		}
	}
	return strings.Join(parts, "&")
}

// Transcript records exchanges in order. It is safe for concurrent use; a
// nil *Transcript records nothing.
type Transcript struct {
	mu   sync.Mutex // guards all fields
	list []Exchange
	subs map[int]func(Exchange)
	next int
}

// Add appends x and calls the subscribers (outside the lock).
func (t *Transcript) Add(x Exchange) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.list = append(t.list, x)
	subs := make([]func(Exchange), 0, len(t.subs))
	for _, f := range t.subs {
		subs = append(subs, f)
	}
	t.mu.Unlock()
	for _, f := range subs {
		f(x)
	}
}

// Exchanges returns a copy of the exchanges recorded so far, oldest first.
func (t *Transcript) Exchanges() []Exchange {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Exchange(nil), t.list...)
}

// Len reports how many exchanges were recorded.
func (t *Transcript) Len() int {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.list)
}

// Subscribe calls f with each exchange added from now on, from the goroutine
// that made the request (a GUI must hop to its own thread). The returned
// function unsubscribes.
func (t *Transcript) Subscribe(f func(Exchange)) (unsubscribe func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.subs == nil {
		t.subs = make(map[int]func(Exchange))
	}
	id := t.next
	t.next++
	t.subs[id] = f
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		delete(t.subs, id)
	}
}

// alwaysSecret are form and JSON members whose values never enter a
// transcript, not even revealed.
var alwaysSecret = map[string]bool{
	"client_secret": true,
	"password":      true,
}

// TokenFields are form and JSON members redacted by default: codes,
// verifiers, assertions, refresh and device codes, and the tokens sent to be
// introspected, revoked or exchanged. [Exchange.Revealed] shows them.
var TokenFields = []string{"refresh_token", "code", "code_verifier", "device_code", "assertion", "client_assertion",
	"subject_token", "actor_token", "token"}

// secretFields is what the transcript redacts by default.
var secretFields = func() map[string]bool {
	m := map[string]bool{}
	for k := range alwaysSecret {
		m[k] = true
	}
	for _, k := range TokenFields {
		m[k] = true
	}
	return m
}()

// redactURL hides the password of a URL with userinfo (url.URL.Redacted);
// text that does not parse is returned as it is.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// redactHeaders copies h, keeping the scheme of Authorization ("Basic",
// "Bearer") and replacing credentials and cookies.
func redactHeaders(h http.Header) http.Header {
	out := h.Clone()
	for name, vals := range out {
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "Proxy-Authorization", "Dpop":
			for i, v := range vals {
				scheme, _, found := strings.Cut(v, " ")
				if found {
					vals[i] = scheme + " " + Redacted
				} else {
					vals[i] = Redacted
				}
			}
		case "Cookie", "Set-Cookie":
			for i := range vals {
				vals[i] = Redacted
			}
		}
	}
	return out
}

// redactBody redacts the secret fields of a form or JSON body; other
// bodies are kept as they are.
func redactBody(contentType string, body []byte, secret map[string]bool) string {
	switch {
	case isForm(contentType):
		return redactForm(string(body), secret)
	case strings.Contains(strings.ToLower(contentType), "json"):
		return redactJSON(body, secret)
	}
	return string(body)
}

// isForm reports an application/x-www-form-urlencoded content type.
func isForm(contentType string) bool {
	return strings.HasPrefix(strings.ToLower(contentType), "application/x-www-form-urlencoded")
}

// redactQuery redacts the secret parameters of a URL's query (the code of
// a login callback) and any password in it.
func redactQuery(u *url.URL) string {
	c := *u
	c.RawQuery = redactForm(u.RawQuery, secretFields)
	return redactURL(c.String())
}

// redactForm replaces secret values pair by pair, keeping the order and
// working on malformed forms too (a parse failure must not leak a secret).
func redactForm(s string, secretFields map[string]bool) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		if raw, name, found := formPair(p); found && secretFields[name] {
			parts[i] = raw + "=" + url.QueryEscape(Redacted)
		}
	}
	return strings.Join(parts, "&")
}

// formPair splits one name=value pair of a form into the name as written,
// the name unescaped (as written when it does not unescape), and whether
// the pair has a value.
func formPair(p string) (raw, name string, hasValue bool) {
	raw, _, hasValue = strings.Cut(p, "=")
	name, err := url.QueryUnescape(raw)
	if err != nil {
		name = raw
	}
	return raw, name, hasValue
}

// redactJSON redacts the secret members of a JSON object, and sorts its
// members when it does. A body that is not one JSON object (trailing data,
// a byte-order mark, a cut-off answer) has the string values of secret
// names replaced in its text instead: a parse failure must not leak a
// secret (and Revealed cannot show those values).
func redactJSON(body []byte, secretFields map[string]bool) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return redactJSONText(string(body), secretFields)
	}
	changed := false
	for k := range m {
		if secretFields[k] {
			m[k] = json.RawMessage(`"` + Redacted + `"`)
			changed = true
		}
	}
	if !changed {
		return string(body)
	}
	return sortedJSON(m)
}

// sortedJSON writes a JSON object with its members sorted by name.
func sortedJSON(m map[string]json.RawMessage) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(m[k])
	}
	b.WriteByte('}')
	return b.String()
}

// jsonMember matches a "name": "string value" pair in JSON text.
var jsonMember = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"(\s*:\s*)"(?:[^"\\]|\\.)*"`)

// redactJSONText replaces the string values of secret names wherever they
// appear in text that does not parse as a JSON object.
func redactJSONText(text string, secretFields map[string]bool) string {
	return jsonMember.ReplaceAllStringFunc(text, func(pair string) string {
		sub := jsonMember.FindStringSubmatch(pair)
		if !secretFields[sub[1]] {
			return pair
		}
		return `"` + sub[1] + `"` + sub[2] + `"` + Redacted + `"`
	})
}
