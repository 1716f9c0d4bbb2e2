package flowtrace

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/demoidp"
)

var record = flag.Bool("record", false, "write the HARs recorded against the demo IdP to testdata/")

// harRecorder is an http.RoundTripper that records every exchange as a
// Chrome HAR entry, the way DevTools' "Save all as HAR" writes it.
type harRecorder struct {
	base     http.RoundTripper
	mu       sync.Mutex
	b        *harBuilder
	resource string // _resourceType of the requests from now on: "document" or "fetch"
}

func (r *harRecorder) setResource(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resource = kind
}

func (r *harRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := r.base.RoundTrip(req)
	x := exchange{method: req.Method, url: req.URL.String(), reqMime: req.Header.Get("Content-Type"), reqBody: string(body),
		at: start, rawHeaders: true, reqHeaders: headerPairs(req.Header)}
	x.reqHeaders = append([][2]string{{"Host", req.URL.Host}}, x.reqHeaders...)
	r.mu.Lock()
	defer r.mu.Unlock()
	x.resource = r.resource
	if err != nil {
		x.ms, x.chromeError = float64(time.Since(start).Microseconds())/1000, "net::ERR_CONNECTION_REFUSED"
		r.b.add(x)
		return nil, err
	}
	respBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	x.status, x.respHeaders, x.respBody = resp.StatusCode, headerPairs(resp.Header), string(respBody)
	x.respMime = resp.Header.Get("Content-Type")
	x.ms = float64(time.Since(start).Microseconds()) / 1000
	r.b.add(x)
	return resp, nil
}

func headerPairs(h http.Header) [][2]string {
	var out [][2]string
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// demoSPA is a single-page app on loopback: it serves the callback page
// and remembers the code it received.
type demoSPA struct {
	redirect string
	got      chan url.Values
}

func startSPA(t *testing.T) *demoSPA {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback: %v", err)
	}
	spa := &demoSPA{redirect: "http://" + ln.Addr().String() + "/callback", got: make(chan url.Values, 1)}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case spa.got <- r.URL.Query():
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>Signed in</body></html>")
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return spa
}

// recordDemoLogin drives a public client's login against the demo IdP the
// way a single-page app does in a browser, and returns the HAR: discovery
// and JWKS by fetch, the authorization request and the IdP's sign-in and
// consent pages as documents (demoidp.LoginBrowser), the callback, then the
// token and userinfo calls by fetch. wrongVerifier breaks the PKCE proof.
func recordDemoLogin(t *testing.T, wrongVerifier bool) []byte {
	t.Helper()
	idp, err := demoidp.Start(demoidp.Options{})
	if err != nil {
		t.Fatalf("demo IdP: %v", err)
	}
	t.Cleanup(func() { idp.Close() })
	spa := startSPA(t)
	rec := &harRecorder{base: http.DefaultTransport, b: newHARBuilder(chrome, time.Now()), resource: "fetch"}
	orig := http.DefaultTransport
	http.DefaultTransport = rec // demoidp.LoginBrowser uses the default transport
	t.Cleanup(func() { http.DefaultTransport = orig })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := &http.Client{Transport: rec}

	var disco struct {
		Authorization string `json:"authorization_endpoint"`
		Token         string `json:"token_endpoint"`
		UserInfo      string `json:"userinfo_endpoint"`
		JWKS          string `json:"jwks_uri"`
	}
	getJSON(t, c, idp.Issuer()+"/.well-known/openid-configuration", &disco)
	getJSON(t, c, disco.JWKS, &map[string]any{})

	verifier := "Vx7-demo-verifier-0123456789-abcdefghijklmnopqrstuv"
	q := url.Values{"client_id": {demoidp.NativeClientID}, "response_type": {"code"}, "scope": {"openid profile email offline_access"},
		"redirect_uri": {spa.redirect}, "state": {"demo-state-4f1c2a"}, "nonce": {"demo-nonce-9b7e3d"},
		"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}
	rec.setResource("document")
	if err := demoidp.LoginBrowser(ctx, disco.Authorization+"?"+q.Encode(), "alice", "secret"); err != nil {
		t.Fatalf("login: %v", err)
	}
	got := <-spa.got
	rec.setResource("fetch")
	if wrongVerifier {
		verifier = "Vx7-another-verifier-0123456789-abcdefghijklmnopqrs"
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {got.Get("code")}, "client_id": {demoidp.NativeClientID},
		"redirect_uri": {spa.redirect}, "code_verifier": {verifier}}
	resp, err := c.PostForm(disco.Token, form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if tok.AccessToken != "" {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, disco.UserInfo, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	return rec.b.bytes(t)
}

func getJSON(t *testing.T, c *http.Client, u string, v any) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

func writeRecording(t *testing.T, name string, data []byte) {
	if !*record {
		return
	}
	if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRecordedDemoLogin(t *testing.T) {
	data := recordDemoLogin(t, false)
	writeRecording(t, "demo-login.har", data)
	a := analyzeBytes(t, data, time.Now())
	want := []Kind{KindDiscovery, KindJWKS, KindAuthorization, KindCallback, KindToken, KindUserInfo}
	got := kinds(a)
	for _, k := range want {
		if !slices.Contains(got, k) {
			t.Errorf("no %s step in %v", k, got)
		}
	}
	if errs := findingIDs(a, LevelError); len(errs) > 0 {
		t.Errorf("errors in a good login: %+v", a.Findings)
	}
	valid := verified(a)
	if valid < 2 {
		t.Errorf("%d tokens verified with the captured JWKS, want the ID and access tokens: %+v", valid, a.Tokens)
	}
}

func TestRecordedDemoLoginWrongVerifier(t *testing.T) {
	data := recordDemoLogin(t, true)
	writeRecording(t, "demo-failing-login.har", data)
	a := analyzeBytes(t, data, time.Now())
	ids := findingIDs(a, LevelError)
	for _, want := range []string{"pkce_verifier_mismatch", "token_error"} {
		if !slices.Contains(ids, want) {
			t.Errorf("no %s in %v", want, a.Findings)
		}
	}
}
