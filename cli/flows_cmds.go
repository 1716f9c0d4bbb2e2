package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/termesc"
	"github.com/tokeninspector/tokeninspector/token"
)

// runDiscover is "tokeninspector discover": the metadata and its lint.
func runDiscover(env Env) int {
	c := newFlowCommand(env, "discover", "--issuer URL [flags]",
		"Fetch the issuer's OpenID Connect discovery document (or RFC 8414 metadata) and lint it.")
	_, cl, st, ok := c.start("", nil)
	if !ok {
		return st
	}
	d, err := cl.Discover(context.Background())
	if d == nil {
		return c.fail(err)
	}
	if c.f.json {
		writeJSON(env.Stdout, d)
	} else {
		writeDiscovery(env.Stdout, d)
	}
	if err != nil {
		return c.fail(err)
	}
	for _, l := range d.Lint {
		if l.Level == flows.LintFail {
			return ExitFailure
		}
	}
	return ExitOK
}

// runLogin is "tokeninspector login": authorization code + PKCE in the browser.
func runLogin(env Env) int {
	c := newFlowCommand(env, "login", "--issuer URL --client-id ID [flags]",
		"Log in through the system browser (authorization code + PKCE S256, loopback redirect on 127.0.0.1),\n"+
			"then print and check every token. $BROWSER picks the browser: a command or a ':'-separated list,\n"+
			"\"%s\" standing for the URL.")
	timeout := c.fs.Duration("login-timeout", flows.DefaultLoginTimeout, "give up when no callback arrives within this time")
	noBrowser := c.fs.Bool("no-browser", false, "do not open a browser; only print the URL")
	c.grant = flows.GrantCommand{GrantType: "authorization_code"}
	if st, ok := c.parse(); !ok {
		return st
	}
	cl, st, ok := c.clientWith(func(cfg *flows.Config) { cfg.LoginTimeout = *timeout }, flows.WithBrowser(openBrowser))
	if !ok {
		return st
	}
	ctx, stop := signalContext()
	defer stop()
	res, err := cl.Login(ctx, flows.LoginOptions{
		NoBrowser: *noBrowser,
		OnURL: func(u string) {
			fmt.Fprintf(env.Stderr, "Waiting for the login (up to %s). If no browser opens, open this URL:\n  %s\n", *timeout, termesc.String(u))
		},
		OnBrowserError: func(err error) { fmt.Fprintf(env.Stderr, "%s\n", errText(err)) },
	})
	if err != nil {
		return c.fail(err)
	}
	return c.printResult(res)
}

// runRefresh is "tokeninspector refresh --refresh-token T".
func runRefresh(env Env) int {
	c := newFlowCommand(env, "refresh", "--refresh-token T|- [flags]", "Redeem a refresh token and check the new tokens.")
	rt := c.fs.String("refresh-token", "", "the refresh token (- reads it from stdin)")
	idt := c.fs.String("id-token", "", "the ID token the refresh token came with: the new ID token must have the same iss, sub and aud (OIDC Core 12.2)")
	c.grant = flows.GrantCommand{GrantType: "refresh_token"}
	tok, cl, st, ok := c.start("--refresh-token", rt)
	if !ok {
		return st
	}
	original, err := originalResult(*idt)
	if err != nil {
		return c.usageError(err)
	}
	res, err := cl.Refresh(context.Background(), tok, original)
	if err != nil {
		return c.fail(err)
	}
	return c.printResult(res)
}

// start parses the arguments, reads the token flag name (unless name is
// "") and builds the client; ok false means exit with status.
func (c *flowCommand) start(name string, v *string) (tok string, cl *flows.Client, status int, ok bool) {
	if st, ok := c.parse(); !ok {
		return "", nil, st, false
	}
	if name != "" {
		t, err := c.tokenArg(name, *v)
		if err != nil {
			return "", nil, c.usageError(err), false
		}
		tok = t
	}
	cl, st, ok := c.client()
	if !ok {
		return "", nil, st, false
	}
	return tok, cl, 0, true
}

// originalResult wraps the --id-token of "refresh" as the result the
// refresh token came from; nil when none was given.
func originalResult(idToken string) (*flows.Result, error) {
	if idToken == "" {
		return nil, nil
	}
	r, err := token.Inspect(context.Background(), idToken, token.Options{})
	if err != nil {
		return nil, fmt.Errorf("--id-token: %w", err)
	}
	return &flows.Result{IDToken: &flows.Inspected{Raw: idToken, Report: r}}, nil
}

// runClientCredentials is "tokeninspector client-credentials".
func runClientCredentials(env Env) int {
	c := newFlowCommand(env, "client-credentials", "--issuer URL --client-id ID [flags]",
		"Request a token for the client itself (RFC 6749 §4.4) and check it.")
	c.grant = flows.GrantCommand{GrantType: "client_credentials"}
	_, cl, st, ok := c.start("", nil)
	if !ok {
		return st
	}
	res, err := cl.ClientCredentials(context.Background())
	if err != nil {
		return c.fail(err)
	}
	return c.printResult(res)
}

// runDevice is "tokeninspector device": the RFC 8628 device flow.
func runDevice(env Env) int {
	c := newFlowCommand(env, "device", "--issuer URL --client-id ID [flags]",
		"Run the device authorization grant (RFC 8628): show the user code, poll until approved, check the tokens.")
	open := c.fs.Bool("open", false, "also open the verification page in this computer's browser ($BROWSER honoured)")
	c.grant = flows.GrantCommand{GrantType: flows.DeviceGrantType}
	_, cl, st, ok := c.start("", nil)
	if !ok {
		return st
	}
	ctx, stop := signalContext()
	defer stop()
	res, err := cl.DeviceWithProgress(ctx, func(dc flows.DeviceCode) {
		fmt.Fprintf(env.Stderr, "On any device, open %s and enter the code %s\n", termesc.String(dc.VerificationURI), termesc.String(dc.UserCode))
		u := dc.VerificationURI
		if dc.VerificationURIComplete != "" {
			u = dc.VerificationURIComplete
			fmt.Fprintf(env.Stderr, "(or open %s)\n", termesc.String(u))
		}
		if *open {
			if err := cl.OpenInBrowser(ctx, u); err != nil {
				fmt.Fprintf(env.Stderr, "Could not open the browser (%s); open the page by hand.\n", errText(err))
			}
		}
	}, func(p flows.DevicePoll) {
		if p.Status == "slow_down" {
			fmt.Fprintf(env.Stderr, "The server asked to slow down: polling every %s\n", p.Interval)
		}
	})
	if err != nil {
		return c.fail(err)
	}
	return c.printResult(res)
}

// runIntrospect is "tokeninspector introspect --token T".
func runIntrospect(env Env) int {
	c := newFlowCommand(env, "introspect", "--token T|- [flags]",
		"Ask the server whether a token is active (RFC 7662). Exit status 1 when it is not.")
	tokFlag := c.fs.String("token", "", "the token (- reads it from stdin)")
	hint := c.fs.String("hint", "", "token_type_hint: access_token or refresh_token")
	tok, cl, st, ok := c.start("--token", tokFlag)
	if !ok {
		return st
	}
	in, err := cl.Introspect(context.Background(), tok, *hint)
	if err != nil {
		return c.fail(err)
	}
	if c.f.json {
		writeJSON(env.Stdout, in.Raw)
	} else {
		fmt.Fprintf(env.Stdout, "active: %v\n", in.Active)
		writeMembers(env.Stdout, in.Raw, "active")
	}
	if !in.Active {
		return ExitFailure
	}
	return ExitOK
}

// runRevoke is "tokeninspector revoke --token T".
func runRevoke(env Env) int {
	c := newFlowCommand(env, "revoke", "--token T|- [flags]", "Revoke a token (RFC 7009).")
	tokFlag := c.fs.String("token", "", "the token (- reads it from stdin)")
	hint := c.fs.String("hint", "", "token_type_hint: access_token or refresh_token")
	tok, cl, st, ok := c.start("--token", tokFlag)
	if !ok {
		return st
	}
	if err := cl.Revoke(context.Background(), tok, *hint); err != nil {
		return c.fail(err)
	}
	if c.f.json {
		writeJSON(env.Stdout, map[string]any{"revoked": true})
	} else {
		fmt.Fprintln(env.Stdout, "revoked (the server answered 200; RFC 7009 §2.2 gives the same answer for an unknown token)")
	}
	return ExitOK
}

// runUserInfo is "tokeninspector userinfo --token ACCESS_TOKEN".
func runUserInfo(env Env) int {
	c := newFlowCommand(env, "userinfo", "--token ACCESS_TOKEN|- [--id-token FILE] [flags]",
		"Call the userinfo endpoint with an access token. With --id-token, its sub must equal the ID token's (OIDC Core 5.3.2).")
	tokFlag := c.fs.String("token", "", "the access token (- reads it from stdin)")
	idFile := c.fs.String("id-token", "", "the ID token issued with the access token, in `FILE`: UserInfo's sub must equal its sub")
	tok, cl, st, ok := c.start("--token", tokFlag)
	if !ok {
		return st
	}
	var idToken *flows.Inspected
	if *idFile != "" {
		data, err := readSmallFile(*idFile, "--id-token")
		if err != nil {
			return c.usageError(err)
		}
		r, err := token.Inspect(context.Background(), string(data), token.Options{})
		if err != nil {
			return c.usageError(fmt.Errorf("--id-token %s: %w", *idFile, err))
		}
		idToken = &flows.Inspected{Raw: string(data), Report: r}
	}
	ui, err := cl.UserInfo(context.Background(), tok)
	if err != nil {
		return c.fail(err)
	}
	ui.CheckSubject(idToken)
	switch {
	case c.f.json && ui.JWT != nil:
		writeJSON(env.Stdout, ui)
	case c.f.json && ui.SubCheck != nil:
		writeJSON(env.Stdout, ui)
	case c.f.json:
		writeJSON(env.Stdout, ui.Raw)
	case ui.JWT != nil && ui.JWT.Err == nil:
		writeReport(env.Stdout, "Signed userinfo", ui.JWT.Report, useColor(env.Stdout))
	default:
		writeMembers(env.Stdout, ui.Raw)
	}
	if sc := ui.SubCheck; sc != nil && !c.f.json {
		fmt.Fprintf(env.Stdout, "%s  %s %s [%s]\n", strings.ToUpper(string(sc.Status)), sc.ID, termesc.String(sc.Message), sc.Spec)
	}
	if !ui.OK() {
		if sc := ui.SubCheck; sc != nil && sc.Status == token.Fail {
			fmt.Fprintf(env.Stderr, "tokeninspector userinfo: %s\n", termesc.String(sc.Message))
		}
		return ExitFailure
	}
	return ExitOK
}

// tokenArg reads a token flag; "-" reads stdin.
func (c *flowCommand) tokenArg(name, v string) (string, error) {
	if v == "" {
		return "", fmt.Errorf("%s is required", name)
	}
	tok, err := readTokenArg(v, c.env.Stdin)
	if err != nil {
		return "", err
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", fmt.Errorf("%s is empty", name)
	}
	return tok, nil
}

// printResult prints a token result and returns 0 when every JWT verified
// and passed its checks.
func (c *flowCommand) printResult(res *flows.Result) int {
	if c.f.json {
		if err := writeJSON(c.env.Stdout, res); err != nil {
			return c.fail(err)
		}
	} else {
		writeResult(c.env.Stdout, res, useColor(c.env.Stdout))
	}
	if !res.OK() {
		fmt.Fprintf(c.env.Stderr, "tokeninspector %s: %s\n", c.name, resultProblem(res))
		return ExitFailure
	}
	return ExitOK
}

// resultProblem says which token failed, for the exit-1 message.
func resultProblem(res *flows.Result) string {
	var bad []string
	for _, t := range []struct {
		name string
		in   *flows.Inspected
	}{{"access token", res.AccessToken}, {"ID token", res.IDToken}} {
		if t.in != nil && !t.in.OK() {
			bad = append(bad, t.name)
		}
	}
	var parts []string
	if len(bad) > 0 {
		parts = append(parts, "tokens received, but the "+strings.Join(bad, " and ")+" failed verification or a check (see above)")
	}
	return strings.Join(append(parts, res.Failures...), "; ")
}

// writeResult prints the response summary, then each token's report.
func writeResult(w io.Writer, res *flows.Result, color bool) {
	var b strings.Builder
	if res.Insecure {
		b.WriteString("WARNING: obtained with TLS verification OFF (--insecure)\n")
	}
	for _, f := range res.Failures {
		fmt.Fprintf(&b, "FAILED: %s\n", f)
	}
	fmt.Fprintf(&b, "Grant: %s\n", res.Grant)
	if res.TokenType != "" {
		fmt.Fprintf(&b, "Token type: %s\n", termesc.String(res.TokenType))
	}
	if res.ExpiresIn > 0 {
		fmt.Fprintf(&b, "Expires in: %d s (at %s)\n", res.ExpiresIn, res.Expiry.Format(time.RFC3339))
	}
	if res.Scope != "" {
		fmt.Fprintf(&b, "Scope: %s\n", termesc.String(res.Scope))
	}
	writeModern(&b, res)
	extra := extraMembers(res.Raw)
	for _, k := range extra {
		fmt.Fprintf(&b, "%s: %s\n", termesc.String(k), termesc.String(fmt.Sprint(res.Raw[k])))
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
	for _, t := range []struct {
		title string
		in    *flows.Inspected
	}{{"Access token", res.AccessToken}, {"ID token", res.IDToken}, {"Refresh token", res.RefreshToken}} {
		if t.in == nil {
			continue
		}
		fmt.Fprintf(w, "%s:\n%s\n\n", t.title, termesc.String(t.in.Raw))
		if t.in.Err != nil {
			fmt.Fprintf(w, "== %s ==\ncannot decode: %s\n\n", t.title, errText(t.in.Err))
			continue
		}
		writeReport(w, t.title, t.in.Report, color)
		fmt.Fprintln(w)
	}
}

// extraMembers lists the token response members beyond the usual ones.
func extraMembers(raw map[string]any) []string {
	known := map[string]bool{"access_token": true, "id_token": true, "refresh_token": true, "token_type": true, "expires_in": true, "scope": true}
	var out []string
	for k := range raw {
		if !known[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// writeMembers prints a JSON object's members, one per line, sorted.
func writeMembers(w io.Writer, obj map[string]any, skip ...string) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(skip, k) {
			fmt.Fprintf(w, "%s: %s\n", termesc.String(k), termesc.String(fmt.Sprint(obj[k])))
		}
	}
}

// writeDiscovery prints the metadata summary and the lint.
func writeDiscovery(w io.Writer, d *flows.Discovery) {
	var b strings.Builder
	fmt.Fprintf(&b, "Issuer: %s\nDocument: %s (%s)\n", termesc.String(d.Issuer), termesc.String(d.URL), d.Kind)
	if d.RedirectedFrom != "" {
		fmt.Fprintf(&b, "  (redirected from %s)\n", termesc.String(d.RedirectedFrom))
	}
	if d.Insecure {
		b.WriteString("WARNING: fetched with TLS verification OFF (--insecure)\n")
	}
	b.WriteString("Endpoints:\n")
	for _, ep := range settings.EndpointList { // every endpoint, PAR and end session included
		if u := ep.Get(d.Endpoints); u != "" {
			fmt.Fprintf(&b, "  %-29s %s\n", strings.TrimSuffix(ep.Metadata, "_endpoint"), termesc.String(u))
		}
	}
	b.WriteString("Lint:\n")
	for _, l := range d.Lint {
		fmt.Fprintf(&b, "  %-4s %s", l.Level, termesc.String(l.Message))
		if l.Spec != "" {
			fmt.Fprintf(&b, " [%s]", l.Spec)
		}
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}
