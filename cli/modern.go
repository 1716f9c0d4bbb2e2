package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/termesc"
)

// applyModern applies --dpop-key and --client-assertion to cfg.
func (f *flowFlags) applyModern(cfg *flows.Config, stdin io.Reader) error {
	if f.dpopKey != "" {
		key, _, err := flows.LoadOrCreateDPoPKey(f.dpopKey)
		if err != nil {
			return fmt.Errorf("--dpop-key: %w", err)
		}
		cfg.DPoP, cfg.DPoPKey = true, key
	}
	switch a := f.clientAssertion; {
	case a == "":
	case strings.HasPrefix(a, "@"):
		cfg.ClientAssertionFile = a[1:]
	default:
		tok, err := readTokenArg(a, stdin)
		if err != nil {
			return fmt.Errorf("--client-assertion: %w", err)
		}
		if cfg.ClientAssertion = strings.TrimSpace(tok); cfg.ClientAssertion == "" {
			return errors.New("--client-assertion is empty")
		}
	}
	return nil
}

// announce prints, before the command runs, the DPoP key in use and, with
// --oauth2c, the oauth2c command line of the grant.
func (c *flowCommand) announce(cl *flows.Client) {
	if k := cl.DPoPKey(); k != nil {
		where := "a new key for this run; give --dpop-key FILE to keep it"
		if c.f.dpopKey != "" {
			where = "from " + c.f.dpopKey
		}
		fmt.Fprintf(c.env.Stderr, "DPoP key: %s, JWK thumbprint %s (%s)\n", k.Algorithm(), k.Thumbprint(), termesc.String(where))
	}
	if c.f.oauth2c && c.grant.GrantType != "" {
		g := c.grant
		cfg := cl.Config()
		g.DPoP = cfg.DPoP
		g.PAR = g.PAR || cfg.PAR
		fmt.Fprintf(c.env.Stderr, "Equivalent oauth2c command:\n%s\n", termesc.Lines(flows.OAuth2cCommand(cfg, g)))
	}
}

// writeCurl prints one exchange as a curl command (not the browser's visits).
func writeCurl(w io.Writer, x flows.Exchange, clientID string) {
	if x.Status == 0 && x.Err == "" {
		return
	}
	fmt.Fprintf(w, "# %s: %s %s\n%s\n", x.Endpoint, x.Method, termesc.String(x.URL), termesc.Lines(flows.CurlCommand(x, clientID)))
}

// writeModern prints what a result says about PAR, DPoP, an external client
// assertion and delegation (act).
func writeModern(b *strings.Builder, res *flows.Result) {
	if res.PAR {
		b.WriteString("Authorization request: pushed (PAR, RFC 9126)\n")
	}
	if d := res.DPoP; d != nil {
		fmt.Fprintf(b, "DPoP key: %s, thumbprint %s\nDPoP binding: %s\n", d.Algorithm, d.KeyThumbprint, termesc.String(d.Verdict))
	}
	if a := res.ClientAssertion; a != nil {
		fmt.Fprintf(b, "Client assertion: %s\n", termesc.String(a.String()))
	}
	if res.AccessToken != nil && res.AccessToken.Report != nil {
		claims := map[string]json.RawMessage{}
		for _, cl := range res.AccessToken.Report.Claims {
			claims[cl.Name] = cl.Value
		}
		for _, line := range flows.Delegation(claims) {
			fmt.Fprintf(b, "Delegation (act, RFC 8693 §4.1): %s\n", termesc.String(line))
		}
		if _, ok := claims["may_act"]; ok {
			fmt.Fprintf(b, "may_act (RFC 8693 §4.4): %s may act for the subject\n", termesc.String(string(claims["may_act"])))
		}
	}
}

// runTokenExchange is "tokeninspector token-exchange" (RFC 8693).
func runTokenExchange(env Env) int {
	c := newFlowCommand(env, "token-exchange", "--subject-token T|- --subject-token-type TYPE [flags]",
		"Exchange a token for another (RFC 8693): the subject token (and an actor token when someone acts for the\n"+
			"subject) for a token with the --audience, --resource and --scope asked for. TYPE is access_token,\n"+
			"refresh_token, id_token, jwt, saml1, saml2 or a full urn:ietf:params:oauth:token-type: URI.")
	subject := c.fs.String("subject-token", "", "the token to exchange (- reads it from stdin)")
	subjectType := c.fs.String("subject-token-type", "access_token", "its type")
	actor := c.fs.String("actor-token", "", "the token of the party that will act for the subject (optional)")
	actorType := c.fs.String("actor-token-type", "", "its type (required with --actor-token)")
	requested := c.fs.String("requested-token-type", "", "the type of token wanted (optional)")
	if st, ok := c.parse(); !ok {
		return st
	}
	tok, err := c.tokenArg("--subject-token", *subject)
	if err != nil {
		return c.usageError(err)
	}
	c.grant = flows.GrantCommand{GrantType: flows.TokenExchangeGrantType, SubjectTokenType: flows.ShortTokenType(*subjectType)}
	if *actor != "" {
		c.grant.ActorTokenType = flows.ShortTokenType(*actorType)
	}
	cl, st, ok := c.client()
	if !ok {
		return st
	}
	cfg := cl.Config()
	req := flows.TokenExchangeRequest{SubjectToken: tok, SubjectTokenType: *subjectType, ActorToken: *actor,
		ActorTokenType: *actorType, RequestedTokenType: *requested, Resources: cfg.Resources, Scopes: cfg.Scopes}
	if cfg.Audience != "" {
		req.Audience = []string{cfg.Audience}
	}
	res, err := cl.TokenExchange(context.Background(), req)
	if err != nil {
		return c.fail(err)
	}
	return c.printResult(res)
}

// runJWTBearer is "tokeninspector jwt-bearer" (RFC 7523 §2.1).
func runJWTBearer(env Env) int {
	c := newFlowCommand(env, "jwt-bearer", "--assertion JWT|-|@FILE [flags]",
		"Redeem a JWT with the JWT bearer authorization grant (RFC 7523 §2.1): the assertion, issued by the client\n"+
			"or by someone the provider trusts, stands for the user or workload in its sub.")
	assertion := c.fs.String("assertion", "", "the JWT (- reads it from stdin, @FILE reads a file)")
	c.grant = flows.GrantCommand{GrantType: flows.JWTBearerGrantType}
	if st, ok := c.parse(); !ok {
		return st
	}
	a := *assertion
	if strings.HasPrefix(a, "@") {
		data, err := readSmallFile(a[1:], "--assertion")
		if err != nil {
			return c.usageError(err)
		}
		a = string(data)
	}
	tok, err := c.tokenArg("--assertion", a)
	if err != nil {
		return c.usageError(err)
	}
	cl, st, ok := c.client()
	if !ok {
		return st
	}
	res, err := cl.JWTBearer(context.Background(), tok)
	if err != nil {
		return c.fail(err)
	}
	return c.printResult(res)
}

// runLogout is "tokeninspector logout" (OIDC RP-Initiated Logout 1.0).
func runLogout(env Env) int {
	c := newFlowCommand(env, "logout", "[--id-token T|-] [flags]",
		"End the session at the provider (OpenID Connect RP-Initiated Logout 1.0): open its end_session_endpoint\n"+
			"in the browser with id_token_hint, client_id, state and post_logout_redirect_uri\n"+
			"http://127.0.0.1:PORT"+flows.PostLogoutRedirectPath+" (register it at the provider), and wait until the browser comes back.")
	idt := c.fs.String("id-token", "", "the ID token of the session, sent as id_token_hint (- reads it from stdin)")
	timeout := c.fs.Duration("login-timeout", flows.DefaultLoginTimeout, "give up when the browser does not come back within this time")
	noBrowser := c.fs.Bool("no-browser", false, "do not open a browser; only print the URL")
	if st, ok := c.parse(); !ok {
		return st
	}
	var hint string
	if *idt != "" {
		var err error
		if hint, err = c.tokenArg("--id-token", *idt); err != nil {
			return c.usageError(err)
		}
	}
	cl, st, ok := c.clientWith(func(cfg *flows.Config) { cfg.LoginTimeout = *timeout })
	if !ok {
		return st
	}
	ctx, stop := signalContext()
	defer stop()
	res, err := cl.Logout(ctx, hint, flows.LogoutOptions{
		NoBrowser: *noBrowser,
		OnURL: func(u string) {
			fmt.Fprintf(env.Stderr, "Logging out (up to %s). If no browser opens, open this URL:\n  %s\n", *timeout, termesc.String(u))
		},
		OnBrowserError: func(err error) { fmt.Fprintf(env.Stderr, "%s\n", errText(err)) },
	})
	if err != nil {
		return c.fail(err)
	}
	if c.f.json {
		writeJSON(env.Stdout, res)
	} else {
		fmt.Fprintf(env.Stdout, "Signed out at the provider; it sent the browser back to %s with the right state.\nForget this session's tokens.\n", termesc.String(res.PostLogoutRedirectURI))
	}
	return ExitOK
}

// runDPoPProof is "tokeninspector dpop-proof": one DPoP proof (RFC 9449
// §4.2) for a request, for scripts (the curl commands of --curl use it).
func runDPoPProof(env Env) int {
	fs := flag.NewFlagSet("dpop-proof", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	keyFile := fs.String("dpop-key", "", "the private key `FILE` (created, ES256, when missing)")
	method := fs.String("method", "POST", "the HTTP method of the request")
	target := fs.String("url", "", "the `URL` of the request (query and fragment are left out of htu)")
	accessToken := fs.String("access-token", "", "the access token sent with the request: adds ath")
	nonce := fs.String("nonce", "", "the server's DPoP-Nonce, when it asked for one")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: tokeninspector dpop-proof --dpop-key FILE --url URL [--method POST] [--access-token T] [--nonce N]\n\n"+
			"Print a fresh DPoP proof (RFC 9449) for one request: typ dpop+jwt, the public jwk, jti, htm, htu, iat.\n"+
			"A proof is good for one request.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(env.Args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *keyFile == "" || *target == "" {
		fmt.Fprintln(env.Stderr, "tokeninspector dpop-proof: give --dpop-key FILE and --url URL; see --help")
		return ExitUsage
	}
	key, created, err := flows.LoadOrCreateDPoPKey(*keyFile)
	if err != nil {
		fmt.Fprintf(env.Stderr, "tokeninspector dpop-proof: %s\n", errText(err))
		return ExitFailure
	}
	if created {
		fmt.Fprintf(env.Stderr, "Created DPoP key %s (thumbprint %s)\n", termesc.String(*keyFile), key.Thumbprint())
	}
	proof, err := key.Proof(strings.ToUpper(*method), *target, *accessToken, *nonce, time.Now())
	if err != nil {
		fmt.Fprintf(env.Stderr, "tokeninspector dpop-proof: %s\n", errText(err))
		return ExitUsage
	}
	fmt.Fprintln(env.Stdout, proof)
	return ExitOK
}
