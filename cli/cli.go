// Package cli is the headless command-line interface over token/, flows/
// and store/. Every command prints human output by default and a stable
// JSON document with --json.
package cli

import (
	"fmt"
	"io"
	"maps"
	"sort"
	"strings"

	"github.com/tokeninspector/tokeninspector/version"
)

// Exit statuses shared by every command.
const (
	ExitOK      = 0 // success: signature valid and no check failed
	ExitFailure = 1 // decoded, but a protocol or validation failure
	ExitUsage   = 2 // usage error, or input that cannot be decoded
)

// Env is what a command may touch: its arguments and standard streams.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	summary string
	run     func(env Env) int
}

// commands lists every subcommand. Each lives in its own file; the Demo
// IdP's come from demoCommands (gui.go, nogui.go).
func commands() map[string]command {
	cmds := map[string]command{
		"version":            {"print the version", runVersion},
		"profile":            {"list, show, add, edit, remove, export and import saved IdP profiles", runProfile},
		"inspect":            {"decode, verify and check a JWT (JWS or JWE)", runInspect},
		"har":                {"analyse a browser HAR file: OAuth/OIDC steps, tokens, findings; \"har sanitize\" makes it safe to share", runHAR},
		"discover":           {"fetch and lint an issuer's discovery metadata", runDiscover},
		"login":              {"log in through the system browser (authorization code + PKCE) and check the tokens", runLogin},
		"refresh":            {"redeem a refresh token and check the new tokens", runRefresh},
		"introspect":         {"ask the server whether a token is active (RFC 7662)", runIntrospect},
		"revoke":             {"revoke a token (RFC 7009)", runRevoke},
		"userinfo":           {"call the userinfo endpoint with an access token", runUserInfo},
		"client-credentials": {"get a token for the client itself and check it", runClientCredentials},
		"device":             {"run the device authorization flow (RFC 8628)", runDevice},
		"logout":             {"end the session at the provider (OIDC RP-initiated logout)", runLogout},
		"token-exchange":     {"exchange a token for another (RFC 8693) and check it", runTokenExchange},
		"jwt-bearer":         {"redeem a JWT with the JWT bearer grant (RFC 7523) and check the token", runJWTBearer},
		"dpop-proof":         {"print a DPoP proof for one request (RFC 9449), for scripts", runDPoPProof},
	}
	maps.Copy(cmds, demoCommands())
	return cmds
}

// Summaries of the Demo IdP's commands.
const (
	demoIDPSummary     = "run the built-in demo OAuth 2.0 / OpenID Connect provider on loopback"
	demoBrowserSummary = "(helper) sign in to the demo provider like a browser: BROWSER=\"tokeninspector demo-browser\""
)

// Main runs the command named by args[0] and returns the exit status. In the
// full build main starts the desktop app instead when there are no arguments;
// in the -tags nogui build it comes here and says there is no GUI.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr, hasGUI)
		if !hasGUI {
			fmt.Fprintln(stderr, "\n"+noGUINote)
		}
		return ExitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(stdout, hasGUI)
		return ExitOK
	case "-v", "--version":
		return runVersion(Env{Stdout: stdout})
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "tokeninspector: unknown command %q; run \"tokeninspector --help\" for the list\n", args[0])
		return ExitUsage
	}
	return cmd.run(Env{Args: args[1:], Stdin: stdin, Stdout: stdout, Stderr: stderr})
}

// noGUINote ends the usage when the command-line-only build runs without a command.
const noGUINote = "This build has no GUI (a command-line-only build): give a command, or install the desktop build to get the app."

func runVersion(env Env) int {
	io.WriteString(env.Stdout, version.Current().String())
	if !hasGUI {
		fmt.Fprintln(env.Stdout, "build:    command-line only (no GUI)")
	}
	return ExitOK
}

// usage lists the commands; gui says whether this build has the desktop app.
func usage(w io.Writer, gui bool) {
	var b strings.Builder
	b.WriteString("Token Inspector: inspect JWTs and run OAuth 2.0 / OpenID Connect flows.\n\n")
	b.WriteString("Usage:\n")
	if gui {
		b.WriteString("  tokeninspector                 start the desktop app\n")
	}
	b.WriteString("  tokeninspector COMMAND [flags] run a command (COMMAND --help for its flags)\n\nCommands:\n")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "  %-20s %s\n", name, cmds[name].summary)
	}
	b.WriteString("\nExit status: 0 success, 1 a verification, validation or protocol failure, 2 a usage error.\n")
	io.WriteString(w, b.String())
}
