package flows

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// MaxResponseBytes caps every response body read from the network.
const MaxResponseBytes = 1 << 20

// DefaultTimeout bounds each HTTP call when [Config.Timeout] is zero.
const DefaultTimeout = 30 * time.Second

// newHTTPClient builds the profile's client: verified TLS (plus an optional CA
// file), or no verification when insecure is asked for; a timeout on every
// call; and the recording transport.
func newHTTPClient(cfg Config, rec *recorder) (*http.Client, error) {
	base := http.DefaultTransport.(*http.Transport).Clone()
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pool, err := loadCAFile(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	}
	if cfg.Insecure {
		tc.InsecureSkipVerify = true // the user's explicit choice; every Result says Insecure
	}
	base.TLSClientConfig = tc
	rec.base = base
	timeout := cfg.Timeout.D()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{Transport: rec, Timeout: timeout, CheckRedirect: checkRedirect}, nil
}

// MaxRedirects is how many same-origin redirects a discovery or JWKS GET
// may follow.
const MaxRedirects = 5

// checkRedirect is the redirect policy of every profile client. A request
// that carries credentials (a POST form with a secret, assertion, code,
// verifier, refresh or device code; an Authorization header) is never
// re-sent anywhere: its redirect is an error. A plain GET (discovery, JWKS)
// follows at most MaxRedirects redirects within its origin (same scheme,
// host and port, so never https to http).
func checkRedirect(next *http.Request, via []*http.Request) error {
	first := via[0]
	var reason string
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		reason = "a " + first.Method + " request carries credentials in its body and is never re-sent to another URL"
	case carriesCredentials(first.Header):
		reason = "the request carries credentials (an Authorization header) and is never re-sent to another URL"
	case len(via) > MaxRedirects:
		reason = fmt.Sprintf("more than %d redirects", MaxRedirects)
	case first.URL.Scheme == "https" && next.URL.Scheme != "https":
		reason = "it leads from https to plain http"
	case origin(next.URL) != origin(first.URL):
		reason = "it leads to another origin (" + origin(next.URL) + " instead of " + origin(first.URL) + "); only same-origin redirects are followed"
	default:
		return nil
	}
	err := &RedirectError{Endpoint: endpointOf(first), URL: redactURL(via[len(via)-1].URL.String()), Location: redactURL(next.URL.String()), Reason: reason}
	if next.Response != nil {
		err.Status = next.Response.StatusCode
	}
	return err
}

// carriesCredentials reports whether a request header holds a credential.
func carriesCredentials(h http.Header) bool {
	for _, name := range []string{"Authorization", "Proxy-Authorization", "Cookie", "Dpop"} {
		if h.Get(name) != "" {
			return true
		}
	}
	return false
}

// origin is scheme://host:port of u (RFC 6454), with the default port filled in.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// endpointOf names the endpoint a request was made for ("" if unnamed).
func endpointOf(req *http.Request) string {
	name, _ := req.Context().Value(endpointKey).(string)
	return name
}

// finalURL is the URL a response came from after any redirects (redacted).
func finalURL(resp *http.Response) string {
	if resp.Request == nil {
		return ""
	}
	return redactURL(resp.Request.URL.String())
}

// loadCAFile returns the system roots plus the PEM certificates in path.
func loadCAFile(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate; give a file with -----BEGIN CERTIFICATE----- blocks", path)
	}
	return pool, nil
}

// recorder is the transport of every profile client: it reads each response
// body eagerly up to MaxResponseBytes (failing past that), records the
// exchange, and hands the body on.
type recorder struct {
	base       http.RoundTripper
	transcript *Transcript
	name       func(u *url.URL) string // endpoint name from the URL
}

type ctxKey int

const endpointKey ctxKey = 0

// withEndpoint names the endpoint of the requests made with ctx.
func withEndpoint(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, endpointKey, name)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	reqBody, err := readRequestBody(req)
	if err != nil {
		return nil, err
	}
	x := Exchange{
		Endpoint:       r.endpoint(req),
		Method:         req.Method,
		URL:            redactQuery(req.URL),
		RequestHeaders: redactHeaders(req.Header),
		Started:        start,
	}
	x.setBodies(req.Header.Get("Content-Type"), reqBody, "", nil)
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		x.Err, x.Duration = err.Error(), time.Since(start)
		r.transcript.Add(x)
		return nil, err
	}
	body, err := readCapped(resp.Body, MaxResponseBytes)
	resp.Body.Close()
	x.Status, x.ResponseHeaders, x.Duration = resp.StatusCode, redactHeaders(resp.Header), time.Since(start)
	if err != nil {
		x.Err = err.Error()
		r.transcript.Add(x)
		return nil, err
	}
	x.setBodies(req.Header.Get("Content-Type"), reqBody, resp.Header.Get("Content-Type"), body)
	r.transcript.Add(x)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

func (r *recorder) endpoint(req *http.Request) string {
	if name, ok := req.Context().Value(endpointKey).(string); ok {
		return name
	}
	if r.name != nil {
		return r.name(req.URL)
	}
	return ""
}

func readRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// readCapped reads at most limit bytes and fails with ErrResponseTooLarge
// when there are more.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes (%d KiB); the URL probably points at the wrong resource",
			ErrResponseTooLarge, limit, limit/1024)
	}
	return body, nil
}

// send performs req (already carrying ctx) and returns status, header and body.
func (c *Client) send(ctx context.Context, endpoint string, req *http.Request) (*http.Response, []byte, error) {
	req = req.WithContext(withEndpoint(ctx, endpoint))
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, transportError(endpoint, req.URL.String(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body) // already capped by the recorder
	if err != nil {
		return nil, nil, transportError(endpoint, req.URL.String(), err)
	}
	return resp, body, nil
}

// transportError wraps a failed call with the endpoint (Hint says what to
// do next).
func transportError(endpoint, u string, err error) error {
	var re *RedirectError
	switch {
	case errors.As(err, &re):
		return re
	case errors.Is(err, ErrResponseTooLarge):
		return &ResponseError{Endpoint: endpoint, URL: u, Err: err}
	}
	return &TransportError{Endpoint: endpoint, URL: redactURL(u), Err: err}
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Timeout())
}

// decodeObject turns a response into a JSON object: an OAuth error body
// becomes *OAuthError; any other non-2xx, non-JSON or malformed answer a
// *ResponseError naming the endpoint.
func decodeObject(endpoint, u string, status int, header http.Header, body []byte) (map[string]any, error) {
	ct := header.Get("Content-Type")
	obj, jerr := parseObject(body)
	if jerr == nil {
		if oe := oauthErrorFrom(obj, endpoint, status); oe != nil {
			return nil, oe
		}
	}
	rerr := &ResponseError{Endpoint: endpoint, URL: u, Status: status, ContentType: ct, Snippet: snippet(body)}
	if status < 200 || status > 299 {
		rerr.Err = fmt.Errorf("HTTP %d %s without an OAuth error body", status, http.StatusText(status))
		return nil, rerr
	}
	if jerr != nil {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "" && !strings.Contains(mt, "json") {
			rerr.Err = fmt.Errorf("expected JSON, got %s", mt)
		} else {
			rerr.Err = fmt.Errorf("malformed JSON: %w", jerr)
		}
		return nil, rerr
	}
	return obj, nil
}

// parseObject decodes a JSON object, keeping numbers exact.
func parseObject(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errors.New("null instead of an object")
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	return obj, nil
}

// oauthErrorFrom returns the OAuth error carried by obj, if any (RFC 6749 §5.2;
// some servers send it with 200).
func oauthErrorFrom(obj map[string]any, endpoint string, status int) *OAuthError {
	code, _ := obj["error"].(string)
	if code == "" {
		return nil
	}
	desc, _ := obj["error_description"].(string)
	uri, _ := obj["error_uri"].(string)
	return &OAuthError{Code: code, Description: desc, URI: uri, Status: status, Endpoint: endpoint}
}
