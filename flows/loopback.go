package flows

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tokeninspector/tokeninspector/assets"
)

// pages are the callback pages answered to the browser.
var pages = template.Must(template.ParseFS(assets.Callback, "callback/*.html"))

// callbackResult is what the loopback listener received.
type callbackResult struct {
	code string
	err  error
}

// loopback is the RFC 8252 §7.3 redirect listener: bound on a loopback IP
// literal before the browser opens, it serves exactly one callback with
// this login's state. A request with a wrong or missing state gets a 400
// page and is recorded; the listener keeps waiting for the genuine one.
type loopback struct {
	ln          net.Listener
	srv         *http.Server
	path        string
	redirectURI string
	results     chan callbackResult
	once        sync.Once
	transcript  *Transcript // records every request to the callback path

	// set by start, read by the handler
	state       string
	issuer      string
	issRequired bool
	logout      bool // a post-logout redirect: only state is expected
}

// listenLoopback binds host:port. host is "127.0.0.1" (default) or "[::1]";
// names such as localhost are refused (RFC 8252 §8.3).
func listenLoopback(host string, port int, path string) (*loopback, error) {
	literal, err := loopbackLiteral(host)
	if err != nil {
		return nil, err
	}
	if path == "" {
		path = "/callback"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(strings.Trim(literal, "[]"), strconv.Itoa(port)))
	if err != nil {
		if port != 0 && errors.Is(err, syscall.EADDRINUSE) {
			return nil, &PortInUseError{Host: literal, Port: port, Owner: portOwner(port), Err: err}
		}
		return nil, fmt.Errorf("listen for the login callback on %s port %d: %w (choose another redirect port, or 0 for a random one)", literal, port, err)
	}
	l := &loopback{ln: ln, path: path, results: make(chan callbackResult, 1)}
	actual := ln.Addr().(*net.TCPAddr).Port
	l.redirectURI = "http://" + literal + ":" + strconv.Itoa(actual) + path
	return l, nil
}

// PortInUseError means the fixed redirect port is taken by another
// program, so the login cannot receive its callback there.
type PortInUseError struct {
	Host  string
	Port  int
	Owner string // "name (pid N)" when the OS says, else ""
	Err   error
}

// Error names the port, who holds it when known, and what to do.
func (e *PortInUseError) Error() string {
	who := "another program"
	if e.Owner != "" {
		who = e.Owner
	}
	return fmt.Sprintf("the redirect port %d on %s is in use by %s: close it (it may be another login still waiting), or set another fixed redirect port in the profile and register that redirect URI at the provider", e.Port, e.Host, who)
}

// Unwrap returns the listen error.
func (e *PortInUseError) Unwrap() error { return e.Err }

// loopbackLiteral normalises the redirect host to a URL host literal.
func loopbackLiteral(host string) (string, error) {
	switch strings.Trim(host, "[]") {
	case "", "127.0.0.1":
		return "127.0.0.1", nil
	case "::1":
		return "[::1]", nil
	}
	return "", fmt.Errorf("redirect host %q: use 127.0.0.1 or [::1] (RFC 8252 §7.3 loopback IP literal; localhost is not recommended, §8.3)", host)
}

// start serves the callback in the background.
func (l *loopback) start(state, issuer string, issRequired bool) {
	l.state, l.issuer, l.issRequired = state, issuer, issRequired
	l.srv = &http.Server{Handler: http.HandlerFunc(l.handle), ReadHeaderTimeout: 10 * time.Second}
	go l.srv.Serve(l.ln) // returns ErrServerClosed on close
}

// close shuts the listener down, giving an answer in flight half a second.
func (l *loopback) close() {
	if l.srv == nil {
		l.ln.Close()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if l.srv.Shutdown(ctx) != nil {
		l.srv.Close()
	}
}

func (l *loopback) handle(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the URL holds the code
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	switch {
	case r.URL.Path != l.path:
		// Nothing else is served: not even the authorization URL (with its
		// state) at "/", which any local process could read.
		http.NotFound(w, r)
		return
	case r.Method != http.MethodGet:
		http.Error(w, "the callback takes GET", http.StatusMethodNotAllowed)
		return
	}
	start := time.Now()
	res := l.check(r)
	if errors.Is(res.err, ErrStateMismatch) {
		// Not this login's callback (RFC 6749 §10.12): refuse it, keep waiting.
		writePage(w, http.StatusBadRequest, res, "")
		l.record(r, start, http.StatusBadRequest, res.err.Error()+"; still waiting for the genuine callback")
		return
	}
	handled := false
	l.once.Do(func() {
		handled = true
		if l.logout && res.err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			pages.ExecuteTemplate(w, "success.html", pageData{Issuer: l.issuer, SignedOut: true})
		} else {
			writePage(w, http.StatusOK, res, l.issuer)
		}
		l.record(r, start, http.StatusOK, "")
		l.results <- res
	})
	if !handled {
		writePage(w, http.StatusGone, callbackResult{err: errors.New("this login has already received its callback")}, "")
		l.record(r, start, http.StatusGone, "a second callback with this login's state")
	}
}

// record adds a callback request to the transcript, its code redacted.
func (l *loopback) record(r *http.Request, start time.Time, status int, problem string) {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	l.transcript.Add(Exchange{Endpoint: "callback", Method: r.Method, URL: redactQuery(&u), Status: status,
		Err: problem, Started: start, Duration: time.Since(start)})
}

// check validates the callback (RFC 6749 §4.1.2, RFC 9207 §2.4).
func (l *loopback) check(r *http.Request) callbackResult {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(l.state)) != 1 {
		return callbackResult{err: ErrStateMismatch}
	}
	if l.logout {
		return callbackResult{} // OIDC RP-Initiated Logout §3: state is all that comes back
	}
	if iss, ok := q["iss"]; ok {
		if l.issuer == "" {
			return callbackResult{err: fmt.Errorf("%w: the callback names issuer %q, but the profile has no issuer to compare it with; set the profile's issuer to the IdP's issuer identifier and log in again",
				ErrIssuerMismatch, q.Get("iss"))}
		}
		if len(iss) != 1 || iss[0] != l.issuer {
			return callbackResult{err: fmt.Errorf("%w: got %q, expected %q", ErrIssuerMismatch, q.Get("iss"), l.issuer)}
		}
	} else if l.issRequired {
		return callbackResult{err: fmt.Errorf("%w: the IdP announces authorization_response_iss_parameter_supported but the callback has no iss", ErrIssuerMismatch)}
	}
	if code := q.Get("error"); code != "" {
		return callbackResult{err: &OAuthError{Code: code, Description: q.Get("error_description"), URI: q.Get("error_uri"), Endpoint: "authorization"}}
	}
	code := q.Get("code")
	if code == "" {
		return callbackResult{err: errors.New("the callback has neither code nor error; the IdP's redirect is malformed")}
	}
	return callbackResult{code: code}
}

// pageData fills the callback templates; html/template escapes every field.
type pageData struct {
	Issuer, Code, Description, URI, Message string
	SignedOut                               bool // the post-logout redirect, not a login callback
}

func writePage(w http.ResponseWriter, status int, res callbackResult, issuer string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if res.err == nil {
		pages.ExecuteTemplate(w, "success.html", pageData{Issuer: issuer})
		return
	}
	var d pageData
	var oe *OAuthError
	if errors.As(res.err, &oe) {
		d.Code, d.Description, d.URI = oe.Code, oe.Description, oe.URI
	} else {
		d.Message = res.err.Error()
	}
	pages.ExecuteTemplate(w, "error.html", d)
}

// randomString returns n random bytes from crypto/rand, base64url-encoded.
func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("crypto/rand: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
