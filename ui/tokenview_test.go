package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/go-jose/go-jose/v4"

	"github.com/tokeninspector/tokeninspector/token"
)

var (
	testSecret = []byte("a-test-secret-of-at-least-32-bytes!!")
	testNow    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

// hsToken signs payload (JSON, kept as written) with HS256.
func hsToken(t *testing.T, payload string) string {
	t.Helper()
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: testSecret},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := sig.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

const testPayload = `{"iss":"https://idp.example.com","sub":"alice","aud":"api","exp":1772367000,"iat":1772366400,"scope":"openid email","tenant":"blue"}`

func inspectTest(t *testing.T, raw string, opts token.Options) *token.Report {
	t.Helper()
	opts.Clock = func() time.Time { return testNow }
	r, err := token.Inspect(context.Background(), raw, opts)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return r
}

// TestTokenViewGolden renders an inspected token into the token view and
// compares it with testdata/tokenview.xml.
func TestTokenViewGolden(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	raw := hsToken(t, testPayload)
	r := inspectTest(t, raw, token.Options{Secret: testSecret, Issuer: "https://idp.example.com", Audience: "api"})
	v := newTokenView(a, func() time.Time { return testNow }, "empty")
	v.Show(raw, r, nil)
	w := test.NewTempWindow(t, v.content)
	w.Resize(fyne.NewSize(1100, 640))
	test.AssertRendersToMarkup(t, "tokenview.xml", w.Canvas())

	if got := v.sigLabel.Text; got != "Verified  HS256" {
		t.Errorf("badge = %q", got)
	}
	if got := v.expiry.Text; got != "Expires in 10:00" {
		t.Errorf("countdown = %q", got)
	}
	var names []string
	for _, row := range v.claimRows {
		names = append(names, row.Name)
	}
	if got, want := strings.Join(names, ","), "iss,sub,aud,exp,iat,scope,tenant"; got != want {
		t.Errorf("claims order = %s; want token order %s", got, want)
	}
}

// TestCountdown uses an injected clock.
func TestCountdown(t *testing.T) {
	a := test.NewTempApp(t)
	now := testNow
	raw := hsToken(t, testPayload)
	r := inspectTest(t, raw, token.Options{})
	v := newTokenView(a, func() time.Time { return now }, "")
	v.Show(raw, r, nil)
	for _, tt := range []struct {
		at   time.Duration
		want string
	}{{0, "Expires in 10:00"}, {9*time.Minute + 59*time.Second, "Expires in 0:01"}, {12 * time.Minute, "Expired 2 min ago"}} {
		now = testNow.Add(tt.at)
		v.tick()
		if !strings.HasPrefix(v.expiry.Text, tt.want) {
			t.Errorf("at +%s: countdown = %q; want %q", tt.at, v.expiry.Text, tt.want)
		}
	}
}

func TestTokenViewStates(t *testing.T) {
	a := test.NewTempApp(t)
	tests := map[string]struct {
		opts      token.Options
		raw       string
		wantBadge string
		wantTab   int
	}{
		"unverified": {token.Options{}, hsToken(t, testPayload), "Not verified", 0},
		"bad secret": {token.Options{Secret: []byte("another-secret-of-at-least-32-bytes!")}, hsToken(t, testPayload), "Invalid signature", 0},
		"wrong aud":  {token.Options{Secret: testSecret, Audience: "other"}, hsToken(t, testPayload), "Verified", 2},
		"opaque":     {token.Options{}, "ory_at_abcdef0123456789", "Opaque token", 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := inspectTest(t, tt.raw, tt.opts)
			v := newTokenView(a, func() time.Time { return testNow }, "")
			v.Show(tt.raw, r, nil)
			if !strings.HasPrefix(v.sigLabel.Text, tt.wantBadge) {
				t.Errorf("badge = %q; want %q", v.sigLabel.Text, tt.wantBadge)
			}
			if got := v.inner.SelectedIndex(); got != tt.wantTab {
				t.Errorf("inner tab = %d; want %d (Checks when a check fails)", got, tt.wantTab)
			}
		})
	}
	t.Run("broken", func(t *testing.T) {
		_, err := token.Inspect(context.Background(), "eyJhbGciOiJIUzI1NiJ9.!!!.x", token.Options{})
		if err == nil {
			t.Fatal("want a decode error")
		}
		v := newTokenView(a, time.Now, "")
		v.Show("eyJhbGciOiJIUzI1NiJ9.!!!.x", nil, err)
		if !v.message.Visible() || !strings.Contains(v.message.Text, "could not be read") {
			t.Errorf("message = %q (visible %v)", v.message.Text, v.message.Visible())
		}
	})
}

func TestPasteInspectsWithHMACSecret(t *testing.T) {
	w := newTestWindow(t, nil)
	w.sidebar.selectPaste()
	p := w.pastePanel()
	raw := hsToken(t, testPayload)
	p.input.SetText("Bearer " + raw)
	p.mode.SetSelected(verifySecret)
	p.key.SetText(string(testSecret))
	p.inspect()
	w.wait()
	if got := p.view.sigLabel.Text; got != "Verified  HS256" {
		t.Errorf("pasted token badge = %q; status error %q", got, w.status.errorText())
	}
	if w.tabs.Selected().Text != tabPasted {
		t.Errorf("tab = %q", w.tabs.Selected().Text)
	}
}
