package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/provider"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// How a pasted token is verified.
const (
	verifyNone      = "Don't verify (decode only)"
	verifyDiscovery = "Issuer discovery"
	verifyJWKSURL   = "JWKS URL"
	verifyKey       = "Key text (JWKS, JWK, PEM)"
	verifySecret    = "HMAC secret"
	verifyDecrypt   = "JWE decryption key"
)

// pasteHint is shown where the token will be, until one is inspected.
const pasteHint = "Paste a token on the left and press Inspect."

// pastePanel inspects any token without a profile.
type pastePanel struct {
	h        pasteHost
	now      func() time.Time
	input    *widget.Entry
	mode     *widget.Select
	key      *widget.Entry
	keyFrom  string // file name the key text came from
	issuer   *widget.Entry
	audience *widget.Entry
	nonce    *widget.Entry
	scopes   *widget.Entry // scopes or permissions the API needs
	rfc9068  *widget.Check
	view     *tokenView
	hint     *widget.Label
	form     *widget.Form
	formPane *container.Scroll // the form, scrolling up and down only
	content  fyne.CanvasObject

	gen    int                // the number of the latest Inspect
	cancel context.CancelFunc // cancels the running Inspect, nil when none
}

func newPastePanel(h pasteHost, a fyne.App, now func() time.Time) *pastePanel {
	p := &pastePanel{h: h, now: now}
	p.input = widget.NewMultiLineEntry()
	p.input.SetPlaceHolder("eyJ…")
	p.input.Wrapping = fyne.TextWrapBreak // a token has no spaces to wrap at
	p.input.SetMinRowsVisible(5)
	p.hint = widget.NewLabel("A JWT, JWE or opaque token; quotes, \"Bearer \" and line breaks are fine. Or drop a file on the window.")
	hint := p.hint
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	p.key = widget.NewMultiLineEntry()
	p.key.SetMinRowsVisible(2)
	p.key.Wrapping = fyne.TextWrapWord
	p.mode = widget.NewSelect([]string{verifyNone, verifyDiscovery, verifyJWKSURL, verifyKey, verifySecret, verifyDecrypt}, p.onMode)
	p.issuer = widget.NewEntry()
	p.issuer.SetPlaceHolder("optional")
	p.audience = widget.NewEntry()
	p.audience.SetPlaceHolder("optional")
	p.nonce = widget.NewEntry()
	p.nonce.SetPlaceHolder("optional")
	p.scopes = widget.NewEntry()
	p.scopes.SetPlaceHolder("optional: orders:read, admin (scope, scp, roles…)")
	p.rfc9068 = widget.NewCheck("RFC 9068 access token", nil) // typ at+jwt and its claims: the Checks tab lists them
	inspect := widget.NewButtonWithIcon("Inspect", theme.SearchIcon(), p.inspect)
	inspect.Importance = widget.HighImportance
	openFile := widget.NewButtonWithIcon("Key file…", theme.FolderOpenIcon(), p.onKeyFile)
	openToken := widget.NewButtonWithIcon("Token file…", theme.FolderOpenIcon(), p.onTokenFile)
	p.view = newTokenView(a, now, pasteHint)
	p.form = widget.NewForm(
		widget.NewFormItem("Token", container.NewVBox(p.input, hint, container.NewHBox(openToken))),
		widget.NewFormItem("Verify with", p.mode),
		widget.NewFormItem("Key, URL or secret", container.NewBorder(nil, container.NewHBox(openFile), nil, nil, p.key)),
		widget.NewFormItem("Expected issuer (iss)", p.issuer),
		widget.NewFormItem("Expected audience (aud)", p.audience),
		widget.NewFormItem("Expected nonce", p.nonce),
		widget.NewFormItem("Required scopes", p.scopes),
		widget.NewFormItem("", p.rfc9068),
	)
	p.form.Orientation = widget.Vertical
	p.formPane = container.NewVScroll(p.form) // never sideways: the form fits its side of the split
	left := container.NewBorder(nil, container.NewHBox(inspect), nil, nil, p.formPane)
	split := container.NewHSplit(left, p.view.content)
	split.Offset = 0.3
	p.content = split
	p.mode.SetSelected(verifyDiscovery)
	return p
}

func (p *pastePanel) onMode(m string) {
	p.keyFrom = ""
	switch m {
	case verifyNone:
		p.key.SetPlaceHolder("not needed")
	case verifyDiscovery:
		p.key.SetPlaceHolder("issuer URL (empty: the token's iss claim)")
	case verifyJWKSURL:
		p.key.SetPlaceHolder("https://idp.example.com/.well-known/jwks.json")
	case verifySecret:
		p.key.SetPlaceHolder("the shared secret (HS256/384/512)")
	case verifyDecrypt:
		p.key.SetPlaceHolder("-----BEGIN PRIVATE KEY----- … or a private JWK")
	default:
		p.key.SetPlaceHolder("{\"keys\":[…]} or -----BEGIN PUBLIC KEY----- …")
	}
}

func (p *pastePanel) onKeyFile() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			p.loadKey(r)
		}
	}, p.h.parent())
}

// loadKey reads a key file off the UI goroutine into the key box and, when
// the mode takes no key text, switches to key text.
func (p *pastePanel) loadKey(r fyne.URIReadCloser) {
	name := r.URI().Name()
	p.h.run(nil, "Reading the key file "+name, "Reading the key file "+name+": done.", func(context.Context) (func(), error) {
		data, err := readAllLimited(r, 1<<20)
		if err != nil {
			return nil, err
		}
		return func() {
			p.key.SetText(string(data))
			if p.mode.Selected == verifyNone || p.mode.Selected == verifyDiscovery || p.mode.Selected == verifyJWKSURL {
				p.mode.SetSelected(verifyKey) // clears keyFrom
			}
			p.keyFrom = name
		}, nil
	})
}

func (p *pastePanel) onTokenFile() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			p.loadReader(r)
		}
	}, p.h.parent())
}

// loadFile reads a dropped file into the token box and inspects it.
func (p *pastePanel) loadFile(u fyne.URI) {
	p.start("Reading and inspecting "+u.Name(), true, func() (string, error) {
		r, err := storage.Reader(u)
		if err != nil {
			return "", fmt.Errorf("could not open %s: %w", u.Name(), err)
		}
		return readToken(r)
	})
}

// loadReader reads a token file into the token box and inspects it, off
// the UI goroutine.
func (p *pastePanel) loadReader(r fyne.URIReadCloser) {
	p.start("Reading and inspecting "+r.URI().Name(), true, func() (string, error) { return readToken(r) })
}

// readToken reads a token file; an empty one is an error.
func readToken(r fyne.URIReadCloser) (string, error) {
	data, err := readAllLimited(r, 1<<20)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(string(data)) == "" {
		return "", fmt.Errorf("%s is empty: choose a file that holds a token", r.URI().Name())
	}
	return string(data), nil
}

// readAllLimited reads r, which may hold at most limit bytes (a larger file
// is an error, not cut short), then closes it.
func readAllLimited(r fyne.URIReadCloser, limit int64) ([]byte, error) {
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w; check that the file is readable and try again", r.URI().Name(), err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d KiB, too big for a token, key or profiles file; choose the right file", r.URI().Name(), limit>>10)
	}
	return data, nil
}

// running says whether an Inspect is under way.
func (p *pastePanel) running() bool { return p.cancel != nil }

// stop cancels the running Inspect, if any (its outcome still shows, as
// "Cancelled").
func (p *pastePanel) stop() {
	if p.cancel != nil {
		p.cancel()
	}
}

// replace starts a new Inspect: the running one is cancelled and its
// outcome dropped. It returns the new run's context and number.
func (p *pastePanel) replace() (context.Context, int) {
	old := p.cancel
	p.gen++
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	if old != nil {
		old()
	}
	return ctx, p.gen
}

// finish says whether run gen is still the latest as it ends (then nothing
// runs any more); a replaced run's outcome is dropped.
func (p *pastePanel) finish(gen int) bool {
	if gen != p.gen {
		return false
	}
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	return true
}

// inspect verifies the pasted token off the UI goroutine. A second Inspect
// replaces the first: its network calls are cancelled and its result is
// never shown.
func (p *pastePanel) inspect() {
	raw := p.input.Text
	if strings.TrimSpace(raw) == "" {
		if p.running() {
			_, gen := p.replace()
			p.finish(gen)
			p.h.idle()
		}
		p.view.Clear(pasteHint)
		return
	}
	p.start("Inspecting the pasted token", false, func() (string, error) { return raw, nil })
}

// start inspects the token read by source, off the UI goroutine (source may
// read a file). With fromFile the token read is shown in the token box.
func (p *pastePanel) start(what string, fromFile bool, source func() (string, error)) {
	mode, key, from := p.mode.Selected, strings.TrimSpace(p.key.Text), p.keyFrom
	opts := token.Options{Issuer: strings.TrimSpace(p.issuer.Text), Audience: strings.TrimSpace(p.audience.Text),
		Nonce: strings.TrimSpace(p.nonce.Text), Clock: p.now,
		RequiredScopes: settings.SplitList(p.scopes.Text), RFC9068: p.rfc9068.Checked}
	ctx, gen := p.replace()
	p.h.runIn(ctx, nil, what, what+": done.", func(ctx context.Context) (func(), error) {
		raw, err := source()
		if err != nil {
			return nil, err
		}
		if fromFile {
			fyne.Do(func() {
				if gen == p.gen {
					p.input.SetText(raw)
				}
			})
		}
		if err := p.keyOptions(ctx, &opts, raw, mode, key, from); err != nil {
			return nil, err
		}
		r, err := provider.Inspect(ctx, raw, opts)
		if ctx.Err() != nil { // cancelled: the key fetch failed for that, show nothing
			return nil, ctx.Err()
		}
		var de *token.DecodeError
		if err != nil && !errors.As(err, &de) {
			return nil, err
		}
		return func() {
			p.view.Show(raw, r, err)
			p.view.ShowBinding(pastedBinding(flows.TokenJKT(&flows.Inspected{Raw: raw, Report: r})), false)
			if err != nil { // a broken token is an error, not "done"
				p.h.showError(err)
			}
		}, nil
	}, func() bool { return p.finish(gen) })
}

// keyOptions fills the verification options for the chosen mode.
func (p *pastePanel) keyOptions(ctx context.Context, opts *token.Options, raw, mode, key, from string) error {
	if from == "" {
		from = "pasted text"
	}
	switch mode {
	case verifyDiscovery:
		iss := key
		if iss == "" {
			r, err := token.Inspect(ctx, raw, token.Options{})
			if err != nil {
				return nil // the decode error shows in the view
			}
			iss, _ = r.Claims.String("iss")
		}
		if iss == "" {
			return errors.New("the token has no iss claim: type the issuer URL in the key box, or choose another way to verify")
		}
		return p.remoteKeys(ctx, opts, flows.Config{Settings: settings.Settings{Issuer: iss}})
	case verifyJWKSURL:
		if key == "" {
			return errors.New("type the JWKS URL in the key box")
		}
		return p.remoteKeys(ctx, opts, flows.Config{Settings: settings.Settings{Endpoints: settings.Endpoints{JWKS: key}}})
	case verifyKey:
		ks, err := parseKeyText([]byte(key), from)
		if err != nil {
			return err
		}
		opts.Keys = ks
	case verifySecret:
		if key == "" {
			return errors.New("type the HMAC secret in the key box")
		}
		opts.Secret = []byte(key)
	case verifyDecrypt:
		k, err := token.ParseDecryptKey([]byte(key))
		if err != nil {
			return fmt.Errorf("could not read the decryption key: %w", err)
		}
		opts.DecryptKey = k
	}
	return nil
}

// remoteKeys sets the verification keys to the JWKS of cfg (its JWKS URL,
// or the one its issuer's discovery names).
func (p *pastePanel) remoteKeys(ctx context.Context, opts *token.Options, cfg flows.Config) error {
	c, err := flows.NewClient(cfg, flows.WithClock(p.now))
	if err != nil {
		return err
	}
	ks, err := c.KeySource(ctx)
	if err != nil {
		return err
	}
	opts.Keys = ks
	return nil
}

// parseKeyText reads a JWKS, a JWK or PEM public keys / certificates.
func parseKeyText(data []byte, origin string) (*token.KeySet, error) {
	text := strings.TrimSpace(string(data))
	switch {
	case text == "":
		return nil, errors.New("paste a JWKS, a JWK or a PEM public key in the key box, or choose a key file")
	case strings.HasPrefix(text, "-----BEGIN"):
		return token.ParsePEM(data, origin)
	case strings.Contains(text, `"keys"`):
		return token.ParseJWKS(data, origin)
	}
	return token.ParseJWK(data, origin)
}

// pastedBinding says what a pasted token's cnf.jkt means ("" without one).
func pastedBinding(jkt string) string {
	if jkt == "" {
		return ""
	}
	return "bound to the key with thumbprint " + jkt + " (cnf.jkt, RFC 9449 §6): only a client holding that key can use this token, " +
		"with Authorization: DPoP and a proof"
}
