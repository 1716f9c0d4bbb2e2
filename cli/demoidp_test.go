//go:build !nogui

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/demoidp"
)

// syncBuffer is a bytes.Buffer safe for the server's request log goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDemoIDPCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- serveDemoIDP(ctx, Env{Args: []string{"--short-lifetimes", "--flaw", "expired"}, Stdout: &stdout, Stderr: &stderr},
			func(s *demoidp.Server) { ready <- s.Issuer() })
	}()
	var issuer string
	select {
	case issuer = <-ready:
	case code := <-done:
		t.Fatalf("demo-idp exited with %d: %s", code, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("demo-idp did not start")
	}
	resp, err := http.Get(issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out := stdout.String()
	for _, want := range []string{"Issuer     " + issuer, demoidp.NativeClientID, demoidp.WebClientSecret, demoidp.M2MClientSecret,
		"alice", "bob", "BEGIN PRIVATE KEY", "access 30s", "Flaw       expired",
		"Device     " + issuer + "/device (RFC 8628", "poll every 1s"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("exit status %d", code)
	}
	if log := stderr.String(); !strings.Contains(log, `GET "/.well-known/openid-configuration" 200`) {
		t.Errorf("request log lacks the discovery request:\n%s", log)
	}
}

func TestDemoIDPCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"--flaw", "bogus"}, {"extra"}, {"--port", "70000"}} {
		var stderr bytes.Buffer
		if code := serveDemoIDP(context.Background(), Env{Args: args, Stdout: io.Discard, Stderr: &stderr}, nil); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}

func TestDemoBrowserCommand(t *testing.T) {
	s, err := demoidp.Start(demoidp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan url.Values, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query()
	})}
	go srv.Serve(ln)
	defer srv.Close()
	q := url.Values{"response_type": {"code"}, "client_id": {demoidp.WebClientID}, "scope": {"openid"},
		"redirect_uri": {"http://" + ln.Addr().String() + "/callback"}, "state": {"state-12345678"}}
	authURL := s.Issuer() + "/authorize?" + q.Encode()

	var stderr bytes.Buffer
	if code := runDemoBrowser(Env{Args: []string{"--user", "bob", authURL}, Stdout: io.Discard, Stderr: &stderr}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	select {
	case cb := <-got:
		if cb.Get("code") == "" || cb.Get("state") != "state-12345678" {
			t.Fatalf("callback %v", cb)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no callback")
	}
	stderr.Reset()
	if code := runDemoBrowser(Env{Args: []string{"--password", "nope", authURL}, Stdout: io.Discard, Stderr: &stderr}); code != ExitFailure {
		t.Fatalf("wrong password: exit %d", code)
	}
	if !strings.Contains(stderr.String(), "Wrong username or password") {
		t.Errorf("stderr = %q", stderr.String())
	}
	if code := runDemoBrowser(Env{Args: nil, Stdout: io.Discard, Stderr: io.Discard}); code != ExitUsage {
		t.Errorf("no URL: exit %d", code)
	}
}

// TestDemoBrowserDevice: given a verification_uri_complete, demo-browser
// approves (or with --deny denies) the device; the token endpoint agrees.
func TestDemoBrowserDevice(t *testing.T) {
	s, err := demoidp.Start(demoidp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		args       []string
		wantStatus int
		wantError  string
	}{
		{nil, http.StatusOK, ""},
		{[]string{"--deny"}, http.StatusBadRequest, "access_denied"},
	} {
		dc := postJSON(t, s.Issuer()+"/device_authorization", url.Values{"client_id": {demoidp.NativeClientID}, "scope": {"openid"}})
		var stderr bytes.Buffer
		args := append(c.args, "--user", "bob", dc["verification_uri_complete"].(string))
		if code := runDemoBrowser(Env{Args: args, Stdout: io.Discard, Stderr: &stderr}); code != ExitOK {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr.String())
		}
		resp, err := http.PostForm(s.Issuer()+"/token", url.Values{"grant_type": {demoidp.DeviceGrantType},
			"device_code": {dc["device_code"].(string)}, "client_id": {demoidp.NativeClientID}})
		if err != nil {
			t.Fatal(err)
		}
		var tok map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&tok)
		resp.Body.Close()
		if resp.StatusCode != c.wantStatus || (c.wantError == "" && tok["access_token"] == nil) || (c.wantError != "" && tok["error"] != c.wantError) {
			t.Errorf("%v: token endpoint %d %v", c.args, resp.StatusCode, tok)
		}
	}
}

func postJSON(t *testing.T, u string, form url.Values) map[string]any {
	t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d %v %v", u, resp.StatusCode, m, err)
	}
	return m
}
