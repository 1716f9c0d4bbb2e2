package ui

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/go-jose/go-jose/v4"

	"github.com/tokeninspector/tokeninspector/provider"
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

	if got := v.sigLabel.Text; got != "Verified HS256 · checks pass" {
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
		"wrong aud":  {token.Options{Secret: testSecret, Audience: "other"}, hsToken(t, testPayload), "Signature valid · 1 check failed (aud)", 2},
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
	if got := p.view.sigLabel.Text; !strings.HasPrefix(got, "Signature valid · EXPIRED") {
		t.Errorf("pasted token badge = %q; want the valid signature and the expiry; status error %q", got, w.status.errorText())
	}
	if w.tabs.Selected().Text != tabPasted {
		t.Errorf("tab = %q", w.tabs.Selected().Text)
	}
}

// TestVerdictCombinesSignatureAndChecks: the badge never says Verified for
// a token that fails a check, and says how it fails.
func TestVerdictCombinesSignatureAndChecks(t *testing.T) {
	a := test.NewTempApp(t)
	later := testNow.Add(70 * time.Minute) // exp is testNow+10 min
	tests := map[string]struct {
		opts token.Options
		now  time.Time
		want string
		imp  widget.Importance
	}{
		"valid":           {token.Options{Secret: testSecret}, testNow, "Verified HS256 · checks pass", widget.SuccessImportance},
		"expired":         {token.Options{Secret: testSecret}, later, "Signature valid · EXPIRED 1 h ago", widget.DangerImportance},
		"expired + aud":   {token.Options{Secret: testSecret, Audience: "other"}, later, "Signature valid · EXPIRED 1 h ago · 1 more check failed (aud)", widget.DangerImportance},
		"two failed":      {token.Options{Secret: testSecret, Audience: "other", Issuer: "https://other.example"}, testNow, "Signature valid · 2 checks failed (iss, aud)", widget.DangerImportance},
		"no key":          {token.Options{}, testNow, "Not verified: no key", widget.WarningImportance},
		"no key, expired": {token.Options{}, later, "Not verified: no key · EXPIRED 1 h ago", widget.DangerImportance},
		"invalid":         {token.Options{Secret: []byte("another-secret-of-at-least-32-bytes!")}, testNow, "Invalid signature HS256", widget.DangerImportance},
	}
	raw := hsToken(t, testPayload)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			tt.opts.Clock = func() time.Time { return tt.now }
			r, err := token.Inspect(context.Background(), raw, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			v := newTokenView(a, func() time.Time { return tt.now }, "")
			v.Show(raw, r, nil)
			if v.sigLabel.Text != tt.want || v.sigLabel.Importance != tt.imp {
				t.Errorf("badge = %q (importance %v); want %q (%v)", v.sigLabel.Text, v.sigLabel.Importance, tt.want, tt.imp)
			}
		})
	}
}

// TestBadgeTurnsRedWhenTheTokenExpires: a token checked while valid is
// shown as expired once its exp passes, without being inspected again;
// the relative times of the claims move with the clock too.
func TestBadgeTurnsRedWhenTheTokenExpires(t *testing.T) {
	a := test.NewTempApp(t)
	now := testNow
	raw := hsToken(t, testPayload)
	r := inspectTest(t, raw, token.Options{Secret: testSecret})
	v := newTokenView(a, func() time.Time { return now }, "")
	w := test.NewTempWindow(t, v.content)
	w.Resize(fyne.NewSize(1100, 640))
	v.Show(raw, r, nil)
	if !strings.HasPrefix(v.sigLabel.Text, "Verified") {
		t.Fatalf("badge = %q", v.sigLabel.Text)
	}
	iat := cellText(t, v.claims, "iat", 2)
	now = testNow.Add(11 * time.Minute)
	v.tick()
	if got := v.sigLabel.Text; got != "Signature valid · EXPIRED 1 min ago" || v.sigLabel.Importance != widget.DangerImportance {
		t.Errorf("after exp, badge = %q", got)
	}
	if got := cellText(t, v.claims, "iat", 2); got == iat || !strings.Contains(got, "11 min ago") {
		t.Errorf("iat time cell = %q, was %q; want it live (11 min ago)", got, iat)
	}
}

// cellText is the text of column col in the row of claim name, as drawn.
func cellText(t *testing.T, tbl *widget.Table, name string, col int) string {
	t.Helper()
	var found string
	row := -1
	test.WidgetRenderer(tbl) // make sure cells exist
	for r := 0; r < 20 && row < 0; r++ {
		if l := tableLabel(tbl, r, 0); l != nil && l.Text == name {
			row = r
		}
	}
	if row < 0 {
		t.Fatalf("no row %q in the table", name)
	}
	if l := tableLabel(tbl, row, col); l != nil {
		found = l.Text
	}
	return found
}

// tableLabel fills a fresh cell the way the table does and returns it.
func tableLabel(tbl *widget.Table, row, col int) *widget.Label {
	rows, cols := tbl.Length()
	if row >= rows || col >= cols {
		return nil
	}
	o := tbl.CreateCell()
	tbl.UpdateCell(widget.TableCellID{Row: row, Col: col}, o)
	l, _ := o.(*widget.Label)
	return l
}

// TestChecksOfTheTokenKind: an access token's checklist folds the ID-token
// checks into one "not applicable" line; an ID token lists them.
func TestChecksOfTheTokenKind(t *testing.T) {
	a := test.NewTempApp(t)
	raw := hsToken(t, testPayload)
	r := inspectTest(t, raw, token.Options{Secret: testSecret})
	for _, tt := range []struct {
		kind    string
		listed  bool
		foldNum int
	}{{kindAccess, false, 1}, {kindRefresh, false, 1}, {kindID, true, 0}} {
		v := newTokenView(a, func() time.Time { return testNow }, "")
		v.kind = tt.kind
		v.Show(raw, r, nil)
		var ids []string
		folded := 0
		for _, c := range v.checks {
			ids = append(ids, c.ID)
			if c.ID == notApplicable {
				folded++
				if !strings.Contains(c.Message, "nonce") || !strings.Contains(c.Message, "at_hash") {
					t.Errorf("%s: folded line = %q", tt.kind, c.Message)
				}
			}
		}
		if got := slices.Contains(ids, "at_hash"); got != tt.listed || folded != tt.foldNum {
			t.Errorf("%s token checks = %v; want at_hash listed %v, %d folded line", tt.kind, ids, tt.listed, tt.foldNum)
		}
	}
}

// TestRawTokenFoldsToOneLine: the raw token takes one line until expanded,
// so the claims get the space; the key details are folded too.
func TestRawTokenFoldsToOneLine(t *testing.T) {
	a := test.NewTempApp(t)
	raw := hsToken(t, testPayload)
	v := newTokenView(a, func() time.Time { return testNow }, "")
	w := test.NewTempWindow(t, v.content)
	w.Resize(fyne.NewSize(900, 500))
	v.Show(raw, inspectTest(t, raw, token.Options{Secret: testSecret}), nil)
	one := v.rawScroll.Size().Height
	if v.keyBox.Visible() {
		t.Error("key details shown before asked")
	}
	test.Tap(v.rawToggle)
	w.Resize(fyne.NewSize(900, 501))
	if got := v.rawScroll.Size().Height; got < 2*one || v.rawText.Wrapping != fyne.TextWrapBreak {
		t.Errorf("expanded raw token is %v high, folded %v; want several lines", got, one)
	}
	test.Tap(v.keyToggle)
	if !v.keyBox.Visible() || !strings.Contains(v.keyLabel.Text, "Key") {
		t.Errorf("key details: visible %v, %q", v.keyBox.Visible(), v.keyLabel.Text)
	}
}

// TestCopyConfirms: a Copy button says it copied.
func TestCopyConfirms(t *testing.T) {
	a := test.NewTempApp(t)
	raw := hsToken(t, testPayload)
	v := newTokenView(a, func() time.Time { return testNow }, "")
	v.Show(raw, inspectTest(t, raw, token.Options{}), nil)
	test.Tap(v.copyBtn)
	if a.Clipboard().Content() != raw || v.copyBtn.Text != "Copied" {
		t.Errorf("after Copy: clipboard %d bytes, button %q", len(a.Clipboard().Content()), v.copyBtn.Text)
	}
}

// TestProviderChipAndNote: a token from a recognised provider shows the
// provider's chip and its diagnosis at the top, and the verdict says why
// the signature cannot be verified instead of crying "attack"; a token
// from an unknown provider shows neither.
func TestProviderChipAndNote(t *testing.T) {
	a := test.NewTempApp(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	realmKeys := token.NewKeySet([]jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "rsa-1", Algorithm: "RS256", Use: "sig"}}, "the realm's JWKS")
	refresh := hsToken(t, `{"exp":1772368200,"iat":1772366400,"jti":"j","iss":"https://sso.example.org/realms/shop","aud":"https://sso.example.org/realms/shop",`+
		`"sub":"u","typ":"Refresh","azp":"web","sid":"s","scope":"openid"}`)
	opts := token.Options{Keys: realmKeys, Clock: func() time.Time { return testNow }}
	r, err := provider.Inspect(context.Background(), refresh, opts)
	if err != nil {
		t.Fatal(err)
	}
	v := newTokenView(a, func() time.Time { return testNow }, "")
	v.Show(refresh, r, nil)
	if !v.provRow.Visible() || v.provChip.Text != "Keycloak" || !strings.Contains(v.provNote.Text, "Keycloak refresh token") {
		t.Errorf("chip %q note %q (visible %v)", v.provChip.Text, v.provNote.Text, v.provRow.Visible())
	}
	if want := "Not verified: key never published (by design)"; v.sigLabel.Text != want {
		t.Errorf("badge = %q; want %q", v.sigLabel.Text, want)
	}
	for _, c := range v.checks {
		if c.ID == "alg_confusion" {
			t.Error("alg_confusion in the checklist")
		}
	}
	if !strings.Contains(v.keyLabel.Text, "Provider: Keycloak, recognised by issuer path /realms/shop") {
		t.Errorf("key details %q", v.keyLabel.Text)
	}

	plain := hsToken(t, testPayload)
	r, err = provider.Inspect(context.Background(), plain, opts)
	if err != nil {
		t.Fatal(err)
	}
	v.Show(plain, r, nil)
	if v.provRow.Visible() || !strings.Contains(v.sigLabel.Text, "Invalid signature") {
		t.Errorf("unknown provider: chip visible %v, badge %q (an HS256 token offered public keys stays algorithm confusion)", v.provRow.Visible(), v.sigLabel.Text)
	}
}

// TestPasteRequiredScopesAndRFC9068: the paste panel's required scopes and
// RFC 9068 settings reach the checklist.
func TestPasteRequiredScopesAndRFC9068(t *testing.T) {
	w := newTestWindow(t, nil)
	w.sidebar.selectPaste()
	p := w.pastePanel()
	p.input.SetText(hsToken(t, testPayload))
	p.mode.SetSelected(verifySecret)
	p.key.SetText(string(testSecret))
	p.scopes.SetText("email, orders:read")
	p.rfc9068.SetChecked(true)
	p.inspect()
	w.wait()
	r := p.view.report
	if r == nil {
		t.Fatalf("no report; status %q", w.status.errorText())
	}
	scope, _ := r.Check("scope")
	typ, _ := r.Check("typ")
	if scope.Status != token.Fail || !strings.Contains(scope.Message, "missing: orders:read") || !strings.Contains(scope.Message, "email (in scope)") {
		t.Errorf("scope check %+v", scope)
	}
	if typ.Status != token.Fail {
		t.Errorf("typ check %+v", typ)
	}
}

// TestGraphTokenVerdict: a Microsoft Graph token that verifies once its
// header nonce is hashed is "Not verified: Graph's own format", never an
// invalid signature, and the note explains it.
func TestGraphTokenVerdict(t *testing.T) {
	a := test.NewTempApp(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	nonce := "x7lV3nUnUBWB4xD1RJvJ8d7C9DvVL_4EaWzqcHsRsJk"
	sum := sha256.Sum256([]byte(nonce))
	header := `{"typ":"JWT","nonce":"%s","alg":"RS256","x5t":"k1","kid":"k1"}`
	claims := `{"aud":"00000003-0000-0000-c000-000000000000","iss":"https://sts.windows.net/9b1f8e2a-4c3d-4e5f-8a6b-7c8d9e0f1a2b/",` +
		`"iat":1772366400,"exp":1772370000,"tid":"9b1f8e2a-4c3d-4e5f-8a6b-7c8d9e0f1a2b","ver":"1.0","scp":"User.Read"}`
	signed := b64([]byte(fmt.Sprintf(header, b64(sum[:])))) + "." + b64([]byte(claims))
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	raw := b64([]byte(fmt.Sprintf(header, nonce))) + "." + b64([]byte(claims)) + "." + b64(sig)
	keys := token.NewKeySet([]jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}, "the tenant's JWKS")
	r, err := provider.Inspect(context.Background(), raw, token.Options{Keys: keys, Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	v := newTokenView(a, func() time.Time { return testNow }, "")
	v.Show(raw, r, nil)
	if want := "Not verified: Graph's own format, verifies once the nonce is hashed"; v.sigLabel.Text != want {
		t.Errorf("badge = %q; want %q", v.sigLabel.Text, want)
	}
	if v.provChip.Text != "Microsoft Entra ID" || !strings.Contains(v.provNote.Text, "Microsoft Graph access token") {
		t.Errorf("chip %q note %q", v.provChip.Text, v.provNote.Text)
	}
}

// TestClockDuration: a countdown days away reads in days and hours, not in
// tens of thousands of hours.
func TestClockDuration(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{{90 * time.Second, "1:30"}, {time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"}, {47 * time.Hour, "47:00:00"},
		{48 * time.Hour, "2 d 0 h"}, {35799*time.Hour + 40*time.Minute, "1491 d 15 h"}} {
		if got := clockDuration(tt.d); got != tt.want {
			t.Errorf("clockDuration(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}
