package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tokeninspector/tokeninspector/demoidp"
)

// TestMain lets the test binary act as the tokeninspector CLI when
// TOKENINSPECTOR_TEST_AS_CLI=1, so tests can point $BROWSER at
// "<test binary> demo-browser" exactly as users point it at the real binary.
// The command-line-only build has no demo-browser command; there
// TOKENINSPECTOR_TEST_BROWSER_USER=NAME makes the test binary the browser.
func TestMain(m *testing.M) {
	if user := os.Getenv("TOKENINSPECTOR_TEST_BROWSER_USER"); user != "" {
		if err := demoidp.LoginBrowser(context.Background(), os.Args[len(os.Args)-1], user, "secret"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(ExitFailure)
		}
		os.Exit(ExitOK)
	}
	if os.Getenv("TOKENINSPECTOR_TEST_AS_CLI") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	// The tests use keyring.MockInit; a bus address (never dialled) gets
	// them past store.SystemKeyring's no-session-bus guard.
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tokeninspector-test-bus")
	}
	os.Exit(m.Run())
}

// TestLoginWithBrowserEnv: login completes unattended through
// BROWSER="tokeninspector demo-browser" (here the test binary), a real
// child process opened the way a system browser is.
func TestLoginWithBrowserEnv(t *testing.T) {
	s := startDemo(t)
	t.Setenv("TOKENINSPECTOR_TEST_AS_CLI", "1")
	t.Setenv("BROWSER", "false:"+os.Args[0]+" demo-browser --user bob")
	if !hasGUI {
		t.Setenv("TOKENINSPECTOR_TEST_BROWSER_USER", "bob")
		t.Setenv("BROWSER", "false:"+os.Args[0])
	}
	st, out, errs := runCLI(t, "", "login", "--issuer", s.Issuer(), "--client-id", "demo-native", "--scope", "openid profile", "--login-timeout", "30s")
	if st != ExitOK || !strings.Contains(out, "== ID token ==") || !strings.Contains(out, "Bob Brown") {
		t.Fatalf("login via $BROWSER = %d\n%s\n%s", st, out, errs)
	}
	if !strings.Contains(errs, "If no browser opens, open this URL") {
		t.Errorf("login did not show the URL: %s", errs)
	}
}
