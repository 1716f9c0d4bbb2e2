package demoidp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// LoginBrowser is a stand-in system browser for tests and demos: it GETs the
// authorization URL with a cookie jar, submits the login form as
// user/password, approves consent, and follows redirects until it reaches the
// redirect URI on another host (the app's loopback listener), which it GETs
// too so the app receives the callback. It works with this package's pages.
func LoginBrowser(ctx context.Context, authURL, user, password string) error {
	u, err := url.Parse(authURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("demo browser: %q is not an http(s) authorization URL", authURL)
	}
	return newLoginBrowser(u, user, password, "allow", false).run(ctx, u)
}

// ApproveDevice completes a device authorization (RFC 8628) unattended, for
// tests and demos: it opens verificationURIComplete (the page with the user
// code filled in), signs in as user/password and approves. Like
// LoginBrowser, it posts the password only to the host of that URL.
func ApproveDevice(ctx context.Context, verificationURIComplete, user, password string) error {
	return driveDevice(ctx, verificationURIComplete, user, password, "allow")
}

// DenyDevice is ApproveDevice with a click on Deny: the device then gets access_denied.
func DenyDevice(ctx context.Context, verificationURIComplete, user, password string) error {
	return driveDevice(ctx, verificationURIComplete, user, password, "deny")
}

func driveDevice(ctx context.Context, uri, user, password, decision string) error {
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("demo browser: %q is not an http(s) verification URI", uri)
	}
	if u.Query().Get("user_code") == "" {
		return fmt.Errorf("demo browser: %s has no user_code; pass verification_uri_complete", u.Redacted())
	}
	return newLoginBrowser(u, user, password, decision, true).run(ctx, u)
}

// newLoginBrowser returns a browser with its own cookie jar that stops at
// every redirect, for the identity provider at start's host.
func newLoginBrowser(start *url.URL, user, password, decision string, device bool) *loginBrowser {
	jar, _ := cookiejar.New(nil) // never fails without options
	c := &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &loginBrowser{c: c, idpHost: start.Host, user: user, password: password, decision: decision, device: device}
}

type loginBrowser struct {
	c              *http.Client
	idpHost        string
	user, password string
	loggedIn       bool
	decision       string // "allow" (or "") or "deny" on the consent page
	decided        bool
	device         bool // device verification page: done when a page without a form follows consent
}

// errDeviceDone ends a device approval: the result page was reached.
var errDeviceDone = errors.New("device decision recorded")

const maxPageBytes = 1 << 20

func (b *loginBrowser) run(ctx context.Context, start *url.URL) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, start.String(), nil)
	if err != nil {
		return err
	}
	for range 12 {
		resp, err := b.c.Do(req)
		if err != nil {
			return fmt.Errorf("demo browser: %s %s: %w", req.Method, req.URL.Redacted(), err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("demo browser: read %s: %w", req.URL.Redacted(), err)
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			next, err := resp.Request.URL.Parse(loc)
			if err != nil {
				return fmt.Errorf("demo browser: bad redirect %q: %w", loc, err)
			}
			if next.Host != b.idpHost {
				return b.deliver(ctx, next)
			}
			if req, err = http.NewRequestWithContext(ctx, http.MethodGet, next.String(), nil); err != nil {
				return err
			}
			continue
		}
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			return fmt.Errorf("demo browser: the identity provider answered %s: %s", resp.Status, snippet(body))
		}
		if req, err = b.submit(ctx, resp.Request.URL, body); errors.Is(err, errDeviceDone) {
			return nil
		} else if err != nil {
			return err
		}
	}
	return errors.New("demo browser: too many steps without reaching the redirect URI")
}

// submit fills in the page's form: the login form, or the consent form (allow).
func (b *loginBrowser) submit(ctx context.Context, page *url.URL, body []byte) (*http.Request, error) {
	f, msg := parseForm(body)
	if f == nil && b.device && b.decided && msg == "" {
		return nil, errDeviceDone
	}
	if f == nil {
		if msg != "" {
			return nil, fmt.Errorf("demo browser: the identity provider says: %s", msg)
		}
		return nil, fmt.Errorf("demo browser: no form on %s", page.Redacted())
	}
	switch {
	case f.hasField("password"):
		if b.loggedIn {
			return nil, fmt.Errorf("demo browser: sign-in as %q failed: %s", b.user, msg)
		}
		f.values.Set("username", b.user)
		f.values.Set("password", b.password)
		b.loggedIn = true
	case f.buttons["decision"] != nil:
		d := b.decision
		if d == "" {
			d = "allow"
		}
		f.values.Set("decision", d)
		b.decided = true
	case f.hasField("user_code") && msg != "":
		return nil, fmt.Errorf("demo browser: the identity provider says: %s", msg)
	default:
		return nil, fmt.Errorf("demo browser: unexpected form on %s", page.Redacted())
	}
	action, err := page.Parse(f.action)
	if err != nil {
		return nil, fmt.Errorf("demo browser: bad form action %q: %w", f.action, err)
	}
	if action.Host != b.idpHost {
		return nil, fmt.Errorf("demo browser: the form on %s posts to %s, not to the identity provider %s; refusing to send the password there",
			page.Redacted(), action.Host, b.idpHost)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(f.values.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// deliver GETs the redirect URI, as a browser would, so the app gets the callback.
func (b *loginBrowser) deliver(ctx context.Context, u *url.URL) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("demo browser: deliver the callback to %s://%s%s: %w", u.Scheme, u.Host, u.Path, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxPageBytes))
	if resp.StatusCode >= 400 {
		return fmt.Errorf("demo browser: the redirect URI %s://%s%s answered %s", u.Scheme, u.Host, u.Path, resp.Status)
	}
	return nil
}

type htmlForm struct {
	action  string
	fields  []string
	values  url.Values          // hidden inputs
	buttons map[string][]string // submit buttons by name
}

func (f *htmlForm) hasField(name string) bool {
	for _, n := range f.fields {
		if n == name {
			return true
		}
	}
	return false
}

// parseForm returns the first form of page and the text of its error message, if any.
func parseForm(page []byte) (*htmlForm, string) {
	var f *htmlForm
	var msg strings.Builder
	inError := false
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return f, strings.TrimSpace(msg.String())
		case html.TextToken:
			if inError {
				msg.Write(z.Text())
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "p" {
				inError = false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			a := attrs(t)
			switch t.Data {
			case "p":
				inError = strings.Contains(" "+a["class"]+" ", " error ")
			case "form":
				if f == nil {
					f = &htmlForm{action: a["action"], values: url.Values{}, buttons: map[string][]string{}}
				}
			case "input":
				if f != nil && a["name"] != "" {
					f.fields = append(f.fields, a["name"])
					if a["type"] == "hidden" {
						f.values.Set(a["name"], a["value"])
					}
				}
			case "button":
				if f != nil && a["name"] != "" {
					f.buttons[a["name"]] = append(f.buttons[a["name"]], a["value"])
				}
			}
		}
	}
}

func attrs(t html.Token) map[string]string {
	m := make(map[string]string, len(t.Attr))
	for _, a := range t.Attr {
		m[a.Key] = a.Val
	}
	return m
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
