package flowtrace

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tokeninspector/tokeninspector/flows"
)

// maxKeptBody is the largest body kept for analysis and display; larger
// ones keep only their size.
const maxKeptBody = 1 << 20

func itoa(n int) string { return strconv.Itoa(n) }

// stepFromHAR converts a HAR entry. Bodies that cannot matter to a flow
// (images, fonts, scripts, style sheets, media) are dropped at once so a
// large HAR does not stay in memory.
func stepFromHAR(i int, e *harEntry) Step {
	s := Step{
		Index:      i,
		From:       Browser,
		Method:     strings.ToUpper(e.Request.Method),
		URL:        e.Request.URL,
		Status:     int(e.Response.Status),
		StatusText: e.Response.StatusText,
		Error:      e.Response.Error,
		Duration:   time.Duration(e.Time * float64(time.Millisecond)),
		Resource:   e.ResourceType,
	}
	if s.Resource == "" {
		s.Resource = e.FetchType
	}
	if s.Duration < 0 {
		s.Duration = 0
	}
	s.Started, _ = parseHARTime(e.StartedDateTime)
	s.Request.Headers = harHeaders(e.Request.Headers)
	if pd := e.Request.PostData; pd != nil {
		s.Request.MimeType = pd.MimeType
		s.Request.Body = pd.Text
		if s.Request.Body == "" && len(pd.Params) > 0 {
			// Firefox and Safari may give params without text.
			form := url.Values{}
			for _, p := range pd.Params {
				form.Add(p.Name, p.Value)
			}
			s.Request.Body = form.Encode()
		}
		s.Request.Size = int64(len(s.Request.Body))
		if len(s.Request.Body) > smallBody && !oauthContent(s.Request.Body) && !strings.Contains(pd.MimeType, "x-www-form-urlencoded") {
			s.Request.Body = "" // an upload: not part of a flow
		}
	}
	s.Response.Headers = harHeaders(e.Response.Headers)
	s.Response.MimeType = e.Response.Content.MimeType
	s.Response.Body, s.Response.Size = harBody(e.Response.Content)
	s.RedirectURL = resolve(s.URL, firstNonEmpty(e.Response.RedirectURL, s.Response.Header("Location")))
	if k, ok := transcriptKinds[e.Endpoint]; ok { // a session Token Inspector wrote as a HAR
		s.Kind, s.From = k, Client
		s.Unobserved = k == KindAuthorization && s.Status == 0 && s.Error == ""
	}
	return s
}

// harHeaders keeps the headers, dropping HTTP/2 pseudo-headers (Chrome
// writes :authority, :path ...).
func harHeaders(in []harNV) []Header {
	out := make([]Header, 0, len(in))
	for _, h := range in {
		if strings.HasPrefix(h.Name, ":") {
			continue
		}
		out = append(out, Header(h))
	}
	return out
}

// harBody decodes content.text (base64 when encoding says so) and keeps it
// when it is text that may matter to a flow.
func harBody(c harContent) (string, int64) {
	text := c.Text
	size := int64(len(text))
	if c.Size > 0 {
		size = int64(c.Size)
	}
	if strings.EqualFold(c.Encoding, "base64") {
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return "(base64 body that does not decode)", size
		}
		if !utf8.Valid(b) {
			return "(binary, " + strconv.Itoa(len(b)) + " bytes)", int64(len(b))
		}
		text = string(b)
		size = int64(len(b))
	}
	if text == "" {
		return "", size
	}
	if !bodyMatters(c.MimeType) || (len(text) > smallBody && !oauthContent(text)) {
		return "", size
	}
	if len(text) > maxKeptBody {
		return "(" + strconv.Itoa(len(text)) + " bytes, not kept: over 1 MiB)", size
	}
	return text, size
}

// smallBody is the size under which every text body is kept; a larger one
// is kept only when it holds OAuth content, so a HAR's page traffic does not
// stay in memory.
const smallBody = 4 << 10

// oauthMarkers are what a body that matters to a flow holds: a discovery
// document, a JWKS, a token or error response, a form_post page.
var oauthMarkers = []string{`"issuer"`, `"keys"`, `"access_token"`, `"id_token"`, `"error"`, `"refresh_token"`, `"request_uri"`, `"device_code"`, `<form`, `<FORM`}

func oauthContent(text string) bool {
	for _, m := range oauthMarkers {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}

// bodyMatters reports whether a body of this type can hold flow data:
// JSON, forms, HTML (form_post), plain text and JWTs.
func bodyMatters(mime string) bool {
	m := strings.ToLower(mime)
	for _, drop := range []string{"image/", "font/", "video/", "audio/", "javascript", "ecmascript", "text/css", "wasm"} {
		if strings.Contains(m, drop) {
			return false
		}
	}
	return true
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// resolve makes a Location absolute (it may be relative, RFC 9110 §10.2.2).
func resolve(base, ref string) string {
	if ref == "" {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

// transcriptKinds maps the endpoint names flows/ records to step kinds.
var transcriptKinds = map[string]Kind{
	"discovery":            KindDiscovery,
	"jwks":                 KindJWKS,
	"token":                KindToken,
	"userinfo":             KindUserInfo,
	"introspection":        KindIntrospection,
	"revocation":           KindRevocation,
	"device_authorization": KindDevice,
	"device":               KindDevice,
	"par":                  KindPAR,
	"authorization":        KindAuthorization,
	"callback":             KindCallback,
	"end_session":          KindLogout,
}

// stepFromExchange converts one exchange of the app's transcript: the app is
// the client and talks to the IdP directly; the login's authorization request
// and callback are the browser's legs. The codes and verifiers the
// transcript hides by default are revealed for the analysis (they stay in
// memory; every display hides credentials again).
func stepFromExchange(i int, x flows.Exchange) Step {
	x = x.Revealed()
	s := Step{
		Index:    i,
		From:     Client,
		To:       IdP,
		Method:   x.Method,
		URL:      x.URL,
		Status:   x.Status,
		Error:    x.Err,
		Started:  x.Started,
		Duration: x.Duration,
	}
	s.Request.Headers = httpHeaders(x.RequestHeaders)
	s.Request.Body = x.RequestBody
	s.Request.MimeType = s.Request.Header("Content-Type")
	s.Request.Size = int64(len(x.RequestBody))
	s.Response.Headers = httpHeaders(x.ResponseHeaders)
	s.Response.Body = x.ResponseBody
	s.Response.MimeType = s.Response.Header("Content-Type")
	s.Response.Size = int64(len(x.ResponseBody))
	s.RedirectURL = resolve(s.URL, s.Response.Header("Location"))
	if k, ok := transcriptKinds[x.Endpoint]; ok {
		s.Kind = k
	}
	s.Unobserved = s.Kind == KindAuthorization && x.Status == 0 && x.Err == ""
	return s
}

func httpHeaders(h map[string][]string) []Header {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	var out []Header
	for _, name := range names {
		for _, v := range h[name] {
			out = append(out, Header{Name: name, Value: v})
		}
	}
	return out
}
