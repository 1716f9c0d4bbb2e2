package flowtrace

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// This file builds HAR 1.2 files the way the browsers write them, for
// tests: Chrome/Edge (UTC times, _initiator, _resourceType, _priority,
// HTTP/2 pseudo-headers, postData text and params) and Firefox (local time
// with an offset, creator and browser "Firefox", postData params [] for
// non-form bodies, no _resourceType) and Safari (creator "WebKit Web
// Inspector", one page "page_0", _fetchType, params always present).

type browserFormat int

const (
	chrome browserFormat = iota
	firefox
	safari
)

// harBuilder collects entries.
type harBuilder struct {
	format  browserFormat
	entries []map[string]any
	clock   time.Time
}

func newHARBuilder(format browserFormat, start time.Time) *harBuilder {
	return &harBuilder{format: format, clock: start}
}

// exchange describes one entry to add.
type exchange struct {
	method, url   string
	reqHeaders    [][2]string
	reqMime       string
	reqBody       string
	status        int
	respHeaders   [][2]string
	respMime      string
	respBody      string
	base64Body    bool
	resource      string // Chrome's _resourceType
	chromeError   string // response._error
	ms            float64
	dateSkew      time.Duration // the server's Date header minus the client's clock
	noDate        bool
	setCookie     []string
	requestCookie string
	at            time.Time // when recorded: the real start (else the builder's clock)
	rawHeaders    bool      // reqHeaders and respHeaders are complete: add nothing
}

func nv(pairs [][2]string) []map[string]any {
	out := []map[string]any{}
	for _, p := range pairs {
		out = append(out, map[string]any{"name": p[0], "value": p[1]})
	}
	return out
}

func (b *harBuilder) add(x exchange) {
	if x.ms == 0 {
		x.ms = 42.5
	}
	if x.method == "" {
		x.method = "GET"
	}
	if x.resource == "" {
		x.resource = "document"
	}
	started := b.clock
	b.clock = b.clock.Add(time.Duration(x.ms*float64(time.Millisecond)) + 300*time.Millisecond)
	if !x.at.IsZero() {
		started = x.at
	}
	u, _ := url.Parse(x.url)
	query := [][2]string{}
	for k, vs := range u.Query() {
		for _, v := range vs {
			query = append(query, [2]string{k, v})
		}
	}
	reqHeaders := append([][2]string{{"Host", u.Host}, {"User-Agent", "Mozilla/5.0"}, {"Accept", "*/*"}}, x.reqHeaders...)
	if x.rawHeaders {
		reqHeaders = x.reqHeaders
	}
	if x.requestCookie != "" {
		reqHeaders = append(reqHeaders, [2]string{"Cookie", x.requestCookie})
	}
	respHeaders := append([][2]string{}, x.respHeaders...)
	if x.respMime != "" && !x.rawHeaders {
		respHeaders = append(respHeaders, [2]string{"Content-Type", x.respMime})
	}
	if !x.noDate && !x.rawHeaders {
		respHeaders = append(respHeaders, [2]string{"Date", started.Add(x.dateSkew).UTC().Format(http.TimeFormat)})
	}
	for _, c := range x.setCookie {
		respHeaders = append(respHeaders, [2]string{"Set-Cookie", c})
	}
	redirect := ""
	for _, h := range respHeaders {
		if strings.EqualFold(h[0], "Location") {
			redirect = h[1]
		}
	}
	req := map[string]any{
		"method": x.method, "url": x.url, "httpVersion": "HTTP/1.1",
		"headers": nv(reqHeaders), "queryString": nv(query), "cookies": []any{},
		"headersSize": -1, "bodySize": len(x.reqBody),
	}
	if x.requestCookie != "" {
		var cs []map[string]any
		for _, c := range cookies(x.requestCookie) {
			cs = append(cs, map[string]any{"name": c.Name, "value": c.Value})
		}
		req["cookies"] = cs
	}
	if x.reqBody != "" {
		pd := map[string]any{"mimeType": x.reqMime, "text": x.reqBody}
		if strings.Contains(x.reqMime, "x-www-form-urlencoded") {
			form, _ := url.ParseQuery(x.reqBody)
			var params [][2]string
			for k, vs := range form {
				for _, v := range vs {
					params = append(params, [2]string{k, v})
				}
			}
			pd["params"] = nv(params)
		} else if b.format != chrome {
			pd["params"] = []any{}
		}
		req["postData"] = pd
	}
	content := map[string]any{"size": len(x.respBody), "mimeType": orDefault(x.respMime, "x-unknown")}
	if x.respBody != "" {
		content["text"] = x.respBody
		if x.base64Body {
			content["encoding"] = "base64"
		}
	}
	resp := map[string]any{
		"status": x.status, "statusText": http.StatusText(x.status), "httpVersion": "HTTP/1.1",
		"headers": nv(respHeaders), "cookies": []any{}, "content": content,
		"redirectURL": redirect, "headersSize": -1, "bodySize": len(x.respBody),
	}
	e := map[string]any{
		"startedDateTime": b.timeText(started),
		"time":            x.ms,
		"request":         req,
		"response":        resp,
		"cache":           map[string]any{},
		"timings":         map[string]any{"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": x.ms - 0.2, "receive": 0.1},
		"pageref":         "page_1",
	}
	if b.format == chrome {
		e["_resourceType"] = x.resource
		e["_priority"] = "High"
		e["_initiator"] = map[string]any{"type": "script", "stack": map[string]any{"callFrames": []any{
			map[string]any{"functionName": "login", "scriptId": "17", "url": "https://app.example/app.js", "lineNumber": 10, "columnNumber": 4}}}}
		e["serverIPAddress"] = "127.0.0.1"
		e["connection"] = "4711"
		resp["_transferSize"] = len(x.respBody) + 200
		resp["_error"] = nil
		if x.chromeError != "" {
			resp["_error"] = x.chromeError
		}
		// Chrome lists HTTP/2 pseudo-headers first.
		req["headers"] = append([]map[string]any{{"name": ":authority", "value": u.Host}, {"name": ":method", "value": x.method}}, nv(reqHeaders)...)
	} else if b.format == firefox {
		e["_securityState"] = "insecure"
	} else {
		e["_fetchType"] = "Network Load"
		e["pageref"] = "page_0"
	}
	b.entries = append(b.entries, e)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// timeText writes startedDateTime as the browser does: Chrome in UTC with
// milliseconds and Z, Firefox in local time with an offset.
func (b *harBuilder) timeText(t time.Time) string {
	if b.format == firefox {
		return t.In(time.FixedZone("CEST", 2*3600)).Format("2006-01-02T15:04:05.000-07:00")
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func (b *harBuilder) bytes(t testing.TB) []byte {
	t.Helper()
	log := map[string]any{
		"version": "1.2",
		"pages": []any{map[string]any{"startedDateTime": b.entries[0]["startedDateTime"],
			"id": "page_1", "title": "https://app.example/", "pageTimings": map[string]any{"onContentLoad": 100, "onLoad": 200}}},
		"entries": b.entries,
	}
	switch b.format {
	case firefox:
		log["creator"] = map[string]any{"name": "Firefox", "version": "133.0"}
		log["browser"] = map[string]any{"name": "Firefox", "version": "133.0"}
	case safari:
		log["creator"] = map[string]any{"name": "WebKit Web Inspector", "version": "1.0"}
		log["pages"].([]any)[0].(map[string]any)["id"] = "page_0"
	default:
		log["creator"] = map[string]any{"name": "WebInspector", "version": "537.36"}
	}
	data, err := json.MarshalIndent(map[string]any{"log": log}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testIdP signs tokens for synthetic HARs and publishes its JWKS.
type testIdP struct {
	issuer string
	key    *rsa.PrivateKey
	signer jose.Signer
}

func newTestIdP(t testing.TB) *testIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	return &testIdP{issuer: "https://idp.example", key: key, signer: signer}
}

func (p *testIdP) sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	payload, _ := json.Marshal(claims)
	jws, err := p.signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (p *testIdP) jwks() string {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}
	data, _ := json.Marshal(set)
	return string(data)
}

func (p *testIdP) discovery(issParam bool) string {
	d := map[string]any{
		"issuer":                 p.issuer,
		"authorization_endpoint": p.issuer + "/authorize",
		"token_endpoint":         p.issuer + "/oauth/token",
		"userinfo_endpoint":      p.issuer + "/userinfo",
		"jwks_uri":               p.issuer + "/.well-known/jwks.json",
		"end_session_endpoint":   p.issuer + "/logout",
		"authorization_response_iss_parameter_supported": issParam,
	}
	data, _ := json.Marshal(d)
	return string(data)
}
