//go:build !nogui

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/demoidp"
)

// runDemoIDP is "tokeninspector demo-idp": the demo identity provider,
// standalone, until interrupted.
func runDemoIDP(env Env) int {
	ctx, stop := signalContext()
	defer stop()
	return serveDemoIDP(ctx, env, nil)
}

// serveDemoIDP runs the provider until ctx ends; ready (tests) sees the running server.
func serveDemoIDP(ctx context.Context, env Env, ready func(*demoidp.Server)) int {
	fs := flag.NewFlagSet("demo-idp", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	port := fs.Int("port", 0, "listen on this `port` (0 = a random free port)")
	ipv6 := fs.Bool("ipv6", false, "listen on [::1] instead of 127.0.0.1")
	short := fs.Bool("short-lifetimes", false, "issue 30 s access and ID tokens and 5 min refresh tokens")
	flawName := fs.String("flaw", "none", "issue deliberately flawed tokens: "+flawNames())
	quiet := fs.Bool("quiet", false, "do not log requests")
	requirePAR := fs.Bool("require-par", false, "require pushed authorization requests (RFC 9126)")
	dpopNonce := fs.Bool("dpop-nonce", false, "require server nonces in DPoP proofs (RFC 9449 sections 8 and 9)")
	selfContained := fs.Bool("self-contained", false, "refuse to introspect or revoke JWT access tokens (unsupported_token_type), as many providers do")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: tokeninspector demo-idp [flags]\n\n"+
			"Runs the built-in OAuth 2.0 / OpenID Connect demo provider on loopback until interrupted (Ctrl+C).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(env.Args); err != nil {
		return demoUsageStatus(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "demo-idp: unexpected argument %q; see tokeninspector demo-idp --help\n", fs.Arg(0))
		return ExitUsage
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(env.Stderr, "demo-idp: --port %d is not a TCP port; give 1-65535, or 0 for a random free one\n", *port)
		return ExitUsage
	}
	flaw, err := demoidp.ParseFlaw(*flawName)
	if err != nil {
		fmt.Fprintf(env.Stderr, "demo-idp: %s\n", errText(err))
		return ExitUsage
	}
	host := "127.0.0.1"
	if *ipv6 {
		host = "::1"
	}
	opts := demoidp.Options{Addr: net.JoinHostPort(host, strconv.Itoa(*port)), ShortLifetimes: *short, Flaw: flaw,
		RequirePAR: *requirePAR, DPoPNonce: *dpopNonce, SelfContained: *selfContained}
	if !*quiet {
		opts.Log = env.Stderr
	}
	s, err := demoidp.Start(opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "demo-idp: %s\n", errText(err))
		return ExitFailure
	}
	defer s.Close()
	writeDemoIDP(env.Stdout, s)
	if ready != nil {
		ready(s)
	}
	<-ctx.Done()
	fmt.Fprintln(env.Stderr, "demo-idp: stopped")
	return ExitOK
}

func flawNames() string {
	var names []string
	for _, f := range demoidp.Flaws() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// demoUsageStatus maps a flag parse error to an exit status (--help is success).
func demoUsageStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	return ExitUsage
}

// writeDemoIDP prints the issuer, endpoints, clients, users and the
// private_key_jwt client's key. Every secret here is a public demo value.
func writeDemoIDP(w io.Writer, s *demoidp.Server) {
	iss := s.Issuer()
	fmt.Fprintf(w, "Token Inspector demo identity provider (loopback only; demo secrets, not for real use)\n\n")
	fmt.Fprintf(w, "Issuer     %s\nDiscovery  %s/.well-known/openid-configuration\nJWKS       %s/jwks\n", iss, iss, iss)
	fmt.Fprintf(w, "Device     %s/device (RFC 8628: device authorization at %s/device_authorization, codes last %s, poll every %s)\n",
		iss, iss, demoidp.DeviceCodeLifetime, s.DeviceInterval())
	fmt.Fprintf(w, "PAR        %s/par (required: %v)\nDPoP       nonces required: %v\nLogout     %s/logout (post-logout redirect http://127.0.0.1:PORT%s)\n",
		iss, s.RequirePAR(), s.DPoPNonce(), iss, demoidp.PostLogoutRedirectPath)
	fmt.Fprintf(w, "External   %s (mint a token: curl -s -d sub=%s %s/external/token)\n", s.ExternalIssuer(), demoidp.WorkloadSubject, iss)
	l := s.Lifetimes()
	fmt.Fprintf(w, "Lifetimes  access %s, ID %s, refresh %s\nFlaw       %s (%s)\n\n", l.AccessToken, l.IDToken, l.RefreshToken, s.Flaw(), s.Flaw().Description())
	fmt.Fprintln(w, "Clients")
	for _, c := range s.Clients() {
		fmt.Fprintf(w, "  %-12s %s\n", c.ID, c.Description)
		fmt.Fprintf(w, "  %-12s auth %s", "", c.AuthMethod)
		if c.Secret != "" {
			fmt.Fprintf(w, ", secret %s", c.Secret)
		}
		if c.KeyID != "" {
			fmt.Fprintf(w, ", key id %s", c.KeyID)
		}
		fmt.Fprintf(w, "\n  %-12s grants %s; scopes %s\n", "", strings.Join(c.GrantTypes, " "), strings.Join(c.Scopes, " "))
		if len(c.RedirectURIs) > 0 {
			fmt.Fprintf(w, "  %-12s redirect %s (any port)\n", "", strings.Join(c.RedirectURIs, " "))
		}
	}
	fmt.Fprintln(w, "\nUsers (password secret)")
	for _, u := range s.Users() {
		fmt.Fprintf(w, "  %-6s %s <%s> sub %s, groups %s\n", u.Username, u.Name, u.Email, u.Subject, strings.Join(u.Groups, ", "))
	}
	fmt.Fprintf(w, "\nPrivate key of %s (private_key_jwt, RS256, kid %s):\n%s\n", demoidp.JWTClientID, s.ClientKeyID(), s.ClientKeyPEM())
	fmt.Fprintln(w, "Press Ctrl+C to stop.")
}

// runDemoBrowser is the hidden "tokeninspector demo-browser URL" helper: a
// stand-in browser that signs in to the demo provider, approves consent and
// delivers the callback. Use it as BROWSER="tokeninspector demo-browser".
func runDemoBrowser(env Env) int {
	fs := flag.NewFlagSet("demo-browser", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	user := fs.String("user", "alice", "demo user to sign in as")
	password := fs.String("password", "secret", "the user's password")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	deny := fs.Bool("deny", false, "with a device verification URL: deny instead of approve")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: tokeninspector demo-browser [--user alice] [--password secret] URL\n\n"+
			"Signs in to the demo identity provider at the authorization URL, approves consent and\n"+
			"delivers the redirect to the app's loopback listener. For BROWSER=\"tokeninspector demo-browser\".\n"+
			"Given a device verification URL with the code (verification_uri_complete, ISSUER/device?user_code=...),\n"+
			"it signs in and approves the device instead (or denies it, with --deny).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(env.Args); err != nil {
		return demoUsageStatus(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "demo-browser: give exactly one authorization URL; see tokeninspector demo-browser --help")
		return ExitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	run := demoidp.LoginBrowser
	if isDeviceURL(fs.Arg(0)) {
		run = demoidp.ApproveDevice
		if *deny {
			run = demoidp.DenyDevice
		}
	}
	if err := run(ctx, fs.Arg(0), *user, *password); err != nil {
		fmt.Fprintf(env.Stderr, "%s\n", errText(err))
		return ExitFailure
	}
	return ExitOK
}

// isDeviceURL reports whether u is the demo provider's device verification page.
func isDeviceURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Path == "/device"
}
