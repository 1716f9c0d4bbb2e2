package flowtrace

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/token"
)

// Options control an analysis.
type Options struct {
	// Keys are extra verification keys (for example the IdP's JWKS fetched
	// on request). Keys from a JWKS captured in the input are always used.
	Keys token.KeySource
	// Now is the clock for "captured N days ago"; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is told how many bytes of a HAR were read so far.
	Progress func(read int64)
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// AnalyzeHAR reads a HAR 1.2 file as a stream and analyses its flow. A file
// cut short after some entries is analysed as far as it goes, with a
// "har_truncated" finding; a file that is not a HAR, or too large, is an
// error ([ErrNotHAR], [ErrTooLarge], *[HARError]).
func AnalyzeHAR(ctx context.Context, r io.Reader, opts Options) (*Analysis, error) {
	var steps []Step
	info, err := readHAR(r, harVisitor{
		entry: func(e *harEntry) error {
			steps = append(steps, stepFromHAR(len(steps), e))
			return ctx.Err()
		},
		progress: opts.Progress,
	})
	var he *HARError
	if err != nil && (!errors.As(err, &he) || len(steps) == 0 || ctx.Err() != nil) {
		return nil, err
	}
	a := analyze(ctx, "har", steps, opts)
	a.HAR = &info
	if err != nil {
		a.addFinding(-1, "har_truncated", LevelError, "HAR 1.2", err.Error()+"; the steps before that point are shown")
	}
	if !a.CapturedAt.IsZero() {
		a.addFinding(-1, "capture_age", LevelInfo, "HAR 1.2 §entries (startedDateTime)",
			"recorded "+a.CapturedAt.UTC().Format("2006-01-02 15:04:05 MST")+", "+token.Relative(a.CapturedAt, opts.now())+
				": tokens are judged as of that time, not now")
	}
	return a, nil
}

// AnalyzeTranscript analyses the app's own transcript of a session.
func AnalyzeTranscript(ctx context.Context, xs []flows.Exchange, opts Options) *Analysis {
	steps := make([]Step, len(xs))
	for i, x := range xs {
		steps[i] = stepFromExchange(i, x)
	}
	return analyze(ctx, "transcript", steps, opts)
}

// analyzer holds what one analysis learns as it goes.
type analyzer struct {
	a            *Analysis
	opts         Options
	idpHosts     map[string]bool
	endpoints    map[string]Kind // endpoint URL (no query) from discovery => kind
	redirectURIs map[string]bool // redirect_uri values sent (no query)
	issSupported bool            // discovery: authorization_response_iss_parameter_supported
}

func analyze(ctx context.Context, source string, steps []Step, opts Options) *Analysis {
	an := &analyzer{
		a:            &Analysis{Source: source, Steps: steps, Tokens: []FoundToken{}, Findings: []Finding{}},
		opts:         opts,
		idpHosts:     map[string]bool{},
		endpoints:    map[string]Kind{},
		redirectURIs: map[string]bool{},
	}
	if len(steps) > 0 {
		an.a.CapturedAt = steps[0].Started
	}
	for i := range steps {
		an.learn(&steps[i])
	}
	for i := range steps {
		s := &steps[i]
		an.classify(s)
		if s.Kind == KindOther {
			an.a.Hidden++
			s.Request.Body, s.Response.Body = "", "" // not shown: free the memory
			continue
		}
		s.Params = stepParams(s)
	}
	flow := an.link()
	an.inspectTokens(ctx, flow)
	an.flowFindings(flow)
	an.clock()
	an.timing(flow)
	return an.a
}

// urlKey is a URL without query and fragment, for matching endpoints.
func urlKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.ToLower(u.Scheme+"://"+u.Host) + strings.TrimSuffix(u.Path, "/")
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// discoveryEndpoints maps discovery members to the kind of their endpoint.
var discoveryEndpoints = map[string]Kind{
	"authorization_endpoint":                KindAuthorization,
	"token_endpoint":                        KindToken,
	"userinfo_endpoint":                     KindUserInfo,
	"jwks_uri":                              KindJWKS,
	"introspection_endpoint":                KindIntrospection,
	"revocation_endpoint":                   KindRevocation,
	"end_session_endpoint":                  KindLogout,
	"pushed_authorization_request_endpoint": KindPAR,
	"device_authorization_endpoint":         KindDevice,
}

func isDiscoveryPath(p string) bool {
	return strings.HasSuffix(p, "/.well-known/openid-configuration") || strings.Contains(p, "/.well-known/oauth-authorization-server")
}

// learn notes the IdP's hosts and endpoints, and the redirect URIs, from
// discovery documents and authorization and token requests.
func (an *analyzer) learn(s *Step) {
	if isDiscoveryPath(s.Path()) && s.Status == 200 {
		an.learnDiscovery(s)
	}
	q := queryOf(s.URL)
	form := formOf(s)
	switch {
	case q.Get("client_id") != "" && (q.Has("response_type") || q.Has("request_uri")):
		an.idpHosts[s.Host()] = true
		an.noteRedirect(q.Get("redirect_uri"))
	case s.Method == "POST" && form.Has("response_type") && form.Has("client_id"):
		an.idpHosts[s.Host()] = true
		an.noteRedirect(form.Get("redirect_uri"))
	case s.Method == "POST" && form.Has("grant_type"):
		an.idpHosts[s.Host()] = true
		an.noteRedirect(form.Get("redirect_uri"))
	case s.Kind != "" && s.Kind != KindCallback:
		an.idpHosts[s.Host()] = true
	}
	if s.Kind == KindCallback {
		an.noteRedirect(s.URL)
	}
}

func (an *analyzer) noteRedirect(u string) {
	if u != "" {
		an.redirectURIs[urlKey(u)] = true
	}
}

func (an *analyzer) learnDiscovery(s *Step) {
	var d map[string]any
	if json.Unmarshal([]byte(s.Response.Body), &d) != nil {
		return
	}
	iss, _ := d["issuer"].(string)
	if iss == "" {
		return
	}
	if an.a.Issuer == "" {
		an.a.Issuer = iss
	}
	an.idpHosts[hostOf(iss)] = true
	an.idpHosts[s.Host()] = true
	for member, kind := range discoveryEndpoints {
		if u, ok := d[member].(string); ok && u != "" {
			an.endpoints[urlKey(u)] = kind
			an.idpHosts[hostOf(u)] = true
		}
	}
	if b, ok := d["authorization_response_iss_parameter_supported"].(bool); ok && b {
		an.issSupported = true
	}
}

// classify sets the step's kind and its arrow's ends.
func (an *analyzer) classify(s *Step) {
	if s.Kind == "" {
		s.Kind = an.kindOf(s)
	}
	idp := an.idpHosts[s.Host()]
	switch s.Kind {
	case KindCallback:
		s.To = Client
	case KindAPI:
		s.To = API
	case KindOther, KindPreflight:
		if idp {
			s.To = IdP
		} else {
			s.To = Client
		}
	default:
		s.To = IdP
	}
	if s.From == Client {
		// The app's own calls (its transcript, or a HAR it wrote) come from
		// the app; the login's browser legs come from the browser (the app
		// may also send the authorization request itself, to check it
		// before the browser opens: that one has an answer).
		if s.Unobserved || s.Kind == KindCallback || s.Kind == KindLogin {
			s.From = Browser
		}
	}
}

func (an *analyzer) kindOf(s *Step) Kind {
	q := queryOf(s.URL)
	form := formOf(s)
	idp := an.idpHosts[s.Host()]
	key := urlKey(s.URL)
	switch {
	case s.Method == "OPTIONS":
		if idp || an.endpoints[key] != "" {
			return KindPreflight
		}
		return KindOther
	case q.Get("client_id") != "" && (q.Has("response_type") || q.Has("request_uri")):
		if s.Method == "POST" && !form.Has("response_type") {
			return KindLogin // the IdP's own sign-in or consent form, posted back to the authorization URL
		}
		return KindAuthorization
	case an.endpoints[key] == KindAuthorization && s.Method == "POST":
		return KindLogin
	case an.endpoints[key] != "":
		return an.endpoints[key]
	case isDiscoveryPath(s.Path()):
		return KindDiscovery
	case s.Method == "POST" && form.Has("grant_type"):
		return KindToken
	case s.Method == "POST" && form.Has("response_type") && form.Has("client_id"):
		return KindPAR
	case an.redirectURIs[key] && !idp:
		return KindCallback
	case !idp && (q.Has("code") || q.Has("error") || form.Has("code") || form.Has("error") || form.Has("id_token")) && (q.Has("state") || form.Has("state")):
		return KindCallback
	case q.Has("id_token_hint") || q.Has("post_logout_redirect_uri"):
		return KindLogout
	case idp && pathHas(s, "logout", "end_session", "endsession", "signout"):
		return KindLogout
	case isJWKSBody(s.Response.Body):
		return KindJWKS
	case idp && pathHas(s, "userinfo"):
		return KindUserInfo
	case idp && pathHas(s, "introspect"):
		return KindIntrospection
	case idp && pathHas(s, "revoke", "revocation"):
		return KindRevocation
	case idp && pageLike(s):
		return KindLogin
	case bearerOf(s) != "":
		return KindAPI
	}
	return KindOther
}

func pathHas(s *Step, words ...string) bool {
	p := strings.ToLower(s.Path())
	for _, w := range words {
		if strings.Contains(p, w) {
			return true
		}
	}
	return false
}

// pageLike reports a page or form of the IdP (not a script or an image):
// a document, a POST, a redirect, or HTML. Chrome's _resourceType says what
// it is; without it (Firefox), or with another vocabulary (Safari's
// _fetchType), the method, status and type decide.
func pageLike(s *Step) bool {
	switch strings.ToLower(s.Resource) {
	case "document":
		return true
	case "xhr", "fetch":
		return s.Method == "POST"
	case "script", "stylesheet", "image", "font", "media", "manifest", "texttrack", "ping", "websocket", "eventsource", "prefetch":
		return false
	}
	return s.Method == "POST" || (s.Status >= 300 && s.Status < 400) || strings.Contains(s.Response.MimeType, "html")
}

func isJWKSBody(body string) bool {
	if !strings.Contains(body, `"keys"`) {
		return false
	}
	var d struct {
		Keys []json.RawMessage `json:"keys"`
	}
	return json.Unmarshal([]byte(body), &d) == nil && len(d.Keys) > 0
}

// bearerOf returns the credential of an Authorization: Bearer or DPoP
// header.
func bearerOf(s *Step) string {
	v := s.Request.Header("Authorization")
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok || (!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "DPoP")) {
		return ""
	}
	return strings.TrimSpace(cred)
}

func queryOf(raw string) url.Values {
	u, err := url.Parse(raw)
	if err != nil {
		return url.Values{}
	}
	q, _ := url.ParseQuery(u.RawQuery)
	return q
}

// formOf parses an application/x-www-form-urlencoded request body.
func formOf(s *Step) url.Values {
	if s.Request.Body == "" || !strings.Contains(strings.ToLower(s.Request.MimeType), "x-www-form-urlencoded") {
		return url.Values{}
	}
	f, _ := url.ParseQuery(s.Request.Body)
	return f
}

func (a *Analysis) addFinding(step int, id string, lvl Level, spec, msg string) {
	a.Findings = append(a.Findings, Finding{ID: id, Level: lvl, Message: msg, Spec: spec, Step: step})
}
