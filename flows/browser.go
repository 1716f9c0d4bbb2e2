package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// browserGrace is how long a browser command may take to fail before it
// counts as started (real browsers may keep running).
const browserGrace = 3 * time.Second

// CheckBrowserURL reports whether raw may be handed to the system browser:
// an absolute http or https URL with a host, without spaces or control
// characters, that cannot be read as an option (no leading '-'). Plain http
// is allowed only for a loopback host (localhost, 127.0.0.0/8, ::1) unless
// allowInsecure (the profile allows insecure connections). Anything else
// (file:, javascript:, a custom scheme, "--help") is refused: servers
// supply these URLs.
func CheckBrowserURL(raw string, allowInsecure bool) error {
	if strings.HasPrefix(raw, "-") {
		return fmt.Errorf("refusing to open %q: it starts with '-' and would be read as an option", raw)
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Errorf("refusing to open %q: a URL to open may not hold spaces or control characters", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("refusing to open %q: not a URL: %w", raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("refusing to open %q: only http and https URLs are opened, not %q", raw, u.Scheme+":")
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("refusing to open %q: the URL has no host", raw)
	case u.Scheme == "http" && !allowInsecure && !isLoopbackHost(u.Hostname()):
		return fmt.Errorf("refusing to open %q: plain http is opened only for loopback addresses; use https (or allow insecure connections in the profile)", raw)
	}
	return nil
}

// OpenInBrowser opens a server-supplied URL (the authorization request, a
// device verification page) with the client's browser after
// [CheckBrowserURL] with the profile's insecure setting. Every URL the app
// opens goes through here.
func (c *Client) OpenInBrowser(ctx context.Context, raw string) error {
	if err := CheckBrowserURL(raw, c.cfg.Insecure); err != nil {
		return err
	}
	return c.browser(ctx, raw)
}

// OpenBrowser opens url in the system browser. When $BROWSER is set it is a
// command, or a ':'-separated list of commands tried in order; "%s" in a
// command is replaced by the URL, otherwise the URL is appended as the last
// argument. Otherwise the platform default is used (xdg-open, open,
// rundll32). A command that exits with an error within a few seconds counts
// as a failure; one still running by then counts as opened. url must pass
// [CheckBrowserURL] (with http allowed to any host: the caller applies the
// profile's stricter rule through [Client.OpenInBrowser]).
func OpenBrowser(ctx context.Context, url string) error {
	if err := CheckBrowserURL(url, true); err != nil {
		return err
	}
	if env := strings.TrimSpace(os.Getenv("BROWSER")); env != "" {
		return openWithList(ctx, env, url)
	}
	name, args := platformOpener(url)
	return runBrowser(ctx, name, args)
}

func platformOpener(url string) (string, []string) {
	switch runtime.GOOS {
	case "darwin":
		return "open", []string{url}
	case "windows":
		return "rundll32", []string{"url.dll,FileProtocolHandler", url}
	}
	return "xdg-open", []string{url}
}

// openWithList tries each command of a $BROWSER list in turn.
func openWithList(ctx context.Context, list, url string) error {
	var errs []error
	for _, cmd := range strings.Split(list, ":") {
		argv := browserArgv(cmd, url)
		if len(argv) == 0 {
			continue
		}
		err := runBrowser(ctx, argv[0], argv[1:])
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return errors.New("$BROWSER holds no command")
	}
	return errors.Join(errs...)
}

// browserArgv splits one $BROWSER command into words and places the URL.
func browserArgv(cmd, url string) []string {
	words := strings.Fields(cmd)
	if len(words) == 0 {
		return nil
	}
	placed := false
	for i, w := range words {
		if strings.Contains(w, "%s") {
			words[i] = strings.ReplaceAll(w, "%s", url)
			placed = true
		}
	}
	if !placed {
		words = append(words, url)
	}
	return words
}

// runBrowser starts the command and waits up to browserGrace for a failure.
func runBrowser(ctx context.Context, name string, args []string) error {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start browser %q: %w", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("browser %q failed: %w: %s", name, err, strings.TrimSpace(stderr.String()))
		}
		return nil
	case <-time.After(browserGrace):
		return nil // still running: a real browser, or a slow one; it is reaped by the goroutine
	case <-ctx.Done():
		return nil
	}
}
