package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// browserGrace is how long a browser command may take to fail before it
// counts as started (real browsers may keep running).
const browserGrace = 3 * time.Second

// OpenBrowser opens url in the system browser. When $BROWSER is set it is a
// command, or a ':'-separated list of commands tried in order; "%s" in a
// command is replaced by the URL, otherwise the URL is appended as the last
// argument. Otherwise the platform default is used (xdg-open, open,
// rundll32). A command that exits with an error within a few seconds counts
// as a failure; one still running by then counts as opened.
func OpenBrowser(ctx context.Context, url string) error {
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
