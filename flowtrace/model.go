// Package flowtrace turns a list of HTTP exchanges (the app's own transcript,
// or the entries of a HAR 1.2 file from Chrome, Edge, Firefox or Safari)
// into an OAuth 2.0 / OpenID Connect flow: the steps recognised (discovery,
// authorization request, callback, token call, ...), every parameter
// explained, every token inspected with token/, and findings on the flow
// (state, PKCE, nonce, redirect_uri, RFC 9207 iss, errors, clocks). It also
// sanitises HAR files for sharing and draws the flow as a sequence diagram
// (SVG, Mermaid, PlantUML). It never imports Fyne.
package flowtrace

import (
	"net/url"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

// Actor is a lifeline of the sequence diagram.
type Actor string

// Actors, left to right.
const (
	Browser Actor = "Browser"
	Client  Actor = "Client" // the OAuth client: Token Inspector itself, or the app a HAR was recorded against
	IdP     Actor = "IdP"
	API     Actor = "API"
)

// Actors lists the lifelines in diagram order.
var Actors = []Actor{Browser, Client, IdP, API}

// Kind is what an exchange is in the flow.
type Kind string

// Step kinds.
const (
	KindDiscovery     Kind = "discovery"     // OIDC Discovery 4 / RFC 8414 metadata
	KindJWKS          Kind = "jwks"          // the IdP's keys (RFC 7517 §5)
	KindPAR           Kind = "par"           // pushed authorization request (RFC 9126)
	KindAuthorization Kind = "authorization" // authorization request (RFC 6749 §4.1.1)
	KindLogin         Kind = "login"         // the IdP's own sign-in pages and forms
	KindCallback      Kind = "callback"      // the redirect back to the client (RFC 6749 §4.1.2)
	KindToken         Kind = "token"         // token endpoint (RFC 6749 §3.2)
	KindUserInfo      Kind = "userinfo"      // OIDC Core 5.3
	KindIntrospection Kind = "introspection" // RFC 7662
	KindRevocation    Kind = "revocation"    // RFC 7009
	KindLogout        Kind = "logout"        // OIDC RP-Initiated Logout
	KindDevice        Kind = "device"        // device authorization (RFC 8628)
	KindAPI           Kind = "api"           // a resource call with a bearer token
	KindPreflight     Kind = "preflight"     // CORS preflight (Fetch standard)
	KindOther         Kind = "other"         // not part of the flow
)

// Header is one HTTP header, in the order received.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Message is a request or a response.
type Message struct {
	Headers  []Header `json:"headers,omitempty"`
	Body     string   `json:"body,omitempty"`      // text; a note like "(binary, 1234 bytes)" for binary bodies
	MimeType string   `json:"mime_type,omitempty"` // from Content-Type or the HAR
	Size     int64    `json:"size"`                // body bytes; kept when the body itself was dropped
}

// Header returns the first value of the named header (case-insensitive).
func (m Message) Header(name string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// Param is one parameter of a step, decoded and explained.
type Param struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	In      string `json:"in"` // "query", "fragment", "form", "json", "form_post", "location"
	Meaning string `json:"meaning,omitempty"`
	Spec    string `json:"spec,omitempty"`
	Secret  bool   `json:"secret,omitempty"` // a credential: shown shortened
}

// Step is one exchange of the flow.
type Step struct {
	Index       int           `json:"index"` // position in the input, from 0
	Kind        Kind          `json:"kind"`
	From        Actor         `json:"from"`
	To          Actor         `json:"to"`
	Method      string        `json:"method"`
	URL         string        `json:"url"`
	Status      int           `json:"status"` // 0: no response (blocked, failed, cancelled)
	StatusText  string        `json:"status_text,omitempty"`
	Error       string        `json:"error,omitempty"` // transport error, or the OAuth error explained
	Started     time.Time     `json:"started"`
	Duration    time.Duration `json:"duration_ns"`
	Request     Message       `json:"request"`
	Response    Message       `json:"response"`
	RedirectURL string        `json:"redirect_url,omitempty"` // Location, resolved against URL
	Params      []Param       `json:"params,omitempty"`
	Tokens      []int         `json:"tokens,omitempty"` // indexes into Analysis.Tokens
	// Unobserved marks a leg the recorder did not see the answer of: the
	// browser's authorization request in the app's own transcript.
	Unobserved bool `json:"unobserved,omitempty"`
	// Resource is the browser's resource type (document, fetch, xhr,
	// script...) when the HAR says.
	Resource string `json:"resource,omitempty"`
}

// Failed reports an error status, no response, or a transport error.
func (s *Step) Failed() bool {
	return (s.Status == 0 && !s.Unobserved) || s.Status >= 400 || s.Error != ""
}

// Host is the step's URL host.
func (s *Step) Host() string {
	u, err := url.Parse(s.URL)
	if err != nil {
		return ""
	}
	return u.Host
}

// Path is the step's URL path ("/" when empty).
func (s *Step) Path() string {
	u, err := url.Parse(s.URL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// Param returns the first value of the named parameter.
func (s *Step) Param(name string) (string, bool) {
	for _, p := range s.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// FoundToken is a token found in the flow, and its inspection.
type FoundToken struct {
	Name   string        `json:"name"`  // id_token, access_token, refresh_token, logout_token, bearer, cookie NAME...
	Where  string        `json:"where"` // "response body of step 7 (token)"
	Step   int           `json:"step"`
	Raw    string        `json:"-"`
	At     time.Time     `json:"judged_at"` // the capture time the checks used
	Report *token.Report `json:"report,omitempty"`
	Err    string        `json:"error,omitempty"` // a JWT that does not decode
}

// Level is a finding's severity.
type Level string

// Finding levels.
const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelInfo    Level = "info"
)

// Finding is one thing the analysis found about the flow.
type Finding struct {
	ID      string `json:"id"`
	Level   Level  `json:"level"`
	Message string `json:"message"`
	Spec    string `json:"spec"`
	Step    int    `json:"step"` // the step it is about; -1 for the flow as a whole
}

// Analysis is the flow found in a list of exchanges.
type Analysis struct {
	Source   string       `json:"source"` // "har" or "transcript"
	HAR      *HARInfo     `json:"har,omitempty"`
	Issuer   string       `json:"issuer,omitempty"`
	Steps    []Step       `json:"steps"`
	Tokens   []FoundToken `json:"tokens"`
	Findings []Finding    `json:"findings"`
	// CapturedAt is the first step's start: tokens are judged as of then.
	CapturedAt time.Time `json:"captured_at,omitzero"`
	// ClockOffset is the IdP's Date headers minus the client's clock
	// (positive: the IdP is ahead); valid when ClockSamples > 0.
	ClockOffset  time.Duration `json:"clock_offset_ns"`
	ClockSamples int           `json:"clock_samples"`
	// Hidden counts the steps that are not part of the flow (scripts,
	// images, other pages); Steps holds them too, with Kind "other".
	Hidden int `json:"hidden"`
}

// FlowSteps returns the steps of the flow, without those of Kind "other".
func (a *Analysis) FlowSteps() []*Step {
	var out []*Step
	for i := range a.Steps {
		if a.Steps[i].Kind != KindOther {
			out = append(out, &a.Steps[i])
		}
	}
	return out
}

// Worst returns the highest finding level, or "" without findings.
func (a *Analysis) Worst() Level {
	worst := Level("")
	for _, f := range a.Findings {
		switch {
		case f.Level == LevelError:
			return LevelError
		case f.Level == LevelWarning:
			worst = LevelWarning
		case worst == "":
			worst = LevelInfo
		}
	}
	return worst
}

// StepFindings returns the findings about step i.
func (a *Analysis) StepFindings(i int) []Finding {
	var out []Finding
	for _, f := range a.Findings {
		if f.Step == i {
			out = append(out, f)
		}
	}
	return out
}
