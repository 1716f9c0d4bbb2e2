package flowtrace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/tokeninspector/tokeninspector/flows"
)

// manyEntries streams a HAR with n small entries without holding it.
func manyEntries(n int) io.Reader {
	var parts []io.Reader
	parts = append(parts, strings.NewReader(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`))
	for i := range n {
		sep := ","
		if i == 0 {
			sep = ""
		}
		parts = append(parts, strings.NewReader(fmt.Sprintf(`%s{"startedDateTime":"2026-11-24T09:30:%02d.000Z","time":1.5,`+
			`"request":{"method":"GET","url":"https://app.example/i/%d","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},`+
			`"response":{"status":200,"statusText":"OK","headers":[],"cookies":[],"content":{"size":2,"mimeType":"application/json","text":"{}"},"redirectURL":"","headersSize":-1,"bodySize":2},`+
			`"cache":{},"timings":{"send":0,"wait":1,"receive":0.5}}`, sep, i%60, i)))
	}
	parts = append(parts, strings.NewReader(`]}}`))
	return io.MultiReader(parts...)
}

func TestTwentyThousandEntries(t *testing.T) {
	a, err := AnalyzeHAR(context.Background(), manyEntries(20_000), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Steps) != 20_000 || a.Hidden != 20_000 || a.HAR.Entries != 20_000 {
		t.Errorf("%d steps, %d hidden, %d entries", len(a.Steps), a.Hidden, a.HAR.Entries)
	}
	var out bytes.Buffer
	sum, err := SanitizeHAR(manyEntries(20_000), &out)
	if err != nil || sum.Entries != 20_000 {
		t.Fatalf("sanitise: %v, %+v", err, sum)
	}
}

func TestTooLarge(t *testing.T) {
	old := maxHARBytes
	maxHARBytes = 64 << 10
	defer func() { maxHARBytes = old }()
	_, err := AnalyzeHAR(context.Background(), manyEntries(2000), Options{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "record only the failing login") {
		t.Fatalf("err = %v", err)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := AnalyzeHAR(ctx, manyEntries(100), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestBinaryAndOddBodies(t *testing.T) {
	b := newHARBuilder(chrome, defaultScenario().start)
	b.add(exchange{url: "https://idp.example/logo.png", status: 200, respMime: "image/png", respBody: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", base64Body: true})
	b.add(exchange{url: "https://idp.example/bad", status: 200, respMime: "application/json", respBody: "%%%not base64%%%", base64Body: true})
	b.add(exchange{url: "https://idp.example/.well-known/openid-configuration", status: 200, respMime: "application/json", respBody: `{"issuer":`})
	b.add(exchange{method: "POST", url: "https://idp.example/token", reqMime: "application/x-www-form-urlencoded", reqBody: "grant_type=authorization_code&code=%zz", status: 200, respMime: "application/json", respBody: `{"access_token":"eyJ.broken.x"}`})
	data := b.bytes(t)
	a := analyzeBytes(t, data, defaultScenario().start)
	if len(a.Steps) != 4 {
		t.Fatalf("%d steps", len(a.Steps))
	}
	var out bytes.Buffer
	if _, err := SanitizeHAR(bytes.NewReader(data), &out); err != nil {
		t.Fatal(err)
	}
	analyzeBytes(t, out.Bytes(), defaultScenario().start)
}

func FuzzAnalyzeHAR(f *testing.F) {
	sc := defaultScenario()
	f.Add(sc.har(f, newTestIdP(f)))
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://a/?code=1&state=2"},"response":{"status":302,"redirectURL":"#access_token=eyJhbGciOiJub25lIn0.e30."}}]}}`))
	f.Add([]byte(`{"log":{"entries":[]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, analyzeErr := AnalyzeHAR(context.Background(), bytes.NewReader(data), Options{})
		if analyzeErr == nil {
			a.Mermaid()
			a.PlantUML()
			a.SVG()
			for i := range a.Steps {
				a.StepDetail(i)
			}
		}
		var out bytes.Buffer
		if _, err := SanitizeHAR(bytes.NewReader(data), &out); err == nil && analyzeErr == nil {
			if _, err := AnalyzeHAR(context.Background(), bytes.NewReader(out.Bytes()), Options{}); err != nil {
				t.Errorf("sanitised output does not read back: %v\n%s", err, out.Bytes())
			}
		}
	})
}

// TestExplainedOnePeriod: an IdP description that ends with a period is not
// followed by a second one before the explanation.
func TestExplainedOnePeriod(t *testing.T) {
	e := &flows.OAuthError{Endpoint: "token", Code: "invalid_grant", Status: 400, Description: "The code verifier did not match."}
	got := explained(e)
	if strings.Contains(got, "..") || !strings.Contains(got, "did not match. ") {
		t.Errorf("explained = %q", got)
	}
}
