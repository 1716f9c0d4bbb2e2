package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tokeninspector/tokeninspector/flows"
)

// openBrowser opens the authorization URL for "login"; tests replace it.
var openBrowser = flows.OpenBrowser

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// flowFlags are the flags shared by the flow commands.
type flowFlags struct {
	profile                             string
	issuer, clientID, clientSecret      string
	clientSecretFile, authMethod        string
	privateKey, privateKeyID            string
	scopes, resources, params           multiFlag
	audience                            string
	redirectHost, redirectPath          string
	redirectPort                        int
	caFile                              string
	insecure                            bool
	timeout, skew                       time.Duration
	authzEP, tokenEP, introEP, revokeEP string
	userinfoEP, deviceEP, jwksURI       string
	json, verbose                       bool
}

func (f *flowFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.profile, "profile", "", "use the saved profile `NAME` (flags given too override it)")
	fs.StringVar(&f.issuer, "issuer", "", "issuer `URL`; endpoints come from its discovery document")
	fs.StringVar(&f.clientID, "client-id", "", "client `ID`")
	fs.StringVar(&f.clientSecret, "client-secret", "", "client `SECRET` (visible to other local users; prefer --client-secret-file)")
	fs.StringVar(&f.clientSecretFile, "client-secret-file", "", "read the client secret from `FILE`")
	fs.StringVar(&f.authMethod, "auth-method", "", "client authentication: "+authMethodList()+" (default: private_key_jwt with --private-key, client_secret_basic with a secret, else none)")
	fs.StringVar(&f.privateKey, "private-key", "", "private key `FILE` (PEM or JWK) for private_key_jwt")
	fs.StringVar(&f.privateKeyID, "private-key-id", "", "kid header of client assertions")
	fs.Var(&f.scopes, "scope", "scope(s) to request, space-separated or repeated")
	fs.Var(&f.resources, "resource", "RFC 8707 resource indicator `URI` (repeatable)")
	fs.Var(&f.params, "param", "extra authorization parameter `k=v` (repeatable): prompt, login_hint, max_age, acr_values, ...")
	fs.StringVar(&f.audience, "audience", "", "audience to request; the access token's aud is then checked against it")
	fs.StringVar(&f.redirectHost, "redirect-host", "127.0.0.1", "loopback redirect host: 127.0.0.1 or [::1]")
	fs.IntVar(&f.redirectPort, "redirect-port", 0, "loopback redirect `port` (0 = random)")
	fs.StringVar(&f.redirectPath, "redirect-path", "/callback", "loopback redirect `path`")
	fs.StringVar(&f.caFile, "ca-file", "", "trust the PEM CA certificates in `FILE` as well")
	fs.BoolVar(&f.insecure, "insecure", false, "do NOT verify TLS certificates (every result is flagged)")
	fs.DurationVar(&f.timeout, "timeout", flows.DefaultTimeout, "timeout of each HTTP call")
	fs.DurationVar(&f.skew, "skew", 0, "clock skew allowed in token checks (0 = the default, 60s)")
	fs.StringVar(&f.authzEP, "authorization-endpoint", "", "authorization endpoint `URL` (without discovery)")
	fs.StringVar(&f.tokenEP, "token-endpoint", "", "token endpoint `URL`")
	fs.StringVar(&f.introEP, "introspection-endpoint", "", "introspection endpoint `URL`")
	fs.StringVar(&f.revokeEP, "revocation-endpoint", "", "revocation endpoint `URL`")
	fs.StringVar(&f.userinfoEP, "userinfo-endpoint", "", "userinfo endpoint `URL`")
	fs.StringVar(&f.deviceEP, "device-endpoint", "", "device authorization endpoint `URL`")
	fs.StringVar(&f.jwksURI, "jwks-uri", "", "JWKS `URL` for verifying tokens")
	fs.BoolVar(&f.json, "json", false, "print JSON: the response and the inspection of every token")
	fs.BoolVar(&f.verbose, "verbose", false, "print every HTTP exchange (secrets redacted) to stderr")
}

func authMethodList() string {
	names := make([]string, len(flows.AuthMethods))
	for i, m := range flows.AuthMethods {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

// configFromFlags is the one place a flows.Config is built for the CLI: the
// saved profile (--profile), overridden by the flags given.
func configFromFlags(f *flowFlags) (flows.Config, error) {
	var cfg flows.Config
	if f.profile != "" {
		var err error
		if cfg, err = profileConfig(f.profile); err != nil {
			return cfg, fmt.Errorf("--profile %s: %w", f.profile, err)
		}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&cfg.Issuer, f.issuer)
	set(&cfg.ClientID, f.clientID)
	set(&cfg.ClientSecret, f.clientSecret)
	set(&cfg.Audience, f.audience)
	set(&cfg.PrivateKeyID, f.privateKeyID)
	set(&cfg.CAFile, f.caFile)
	set(&cfg.Endpoints.Authorization, f.authzEP)
	set(&cfg.Endpoints.Token, f.tokenEP)
	set(&cfg.Endpoints.Introspection, f.introEP)
	set(&cfg.Endpoints.Revocation, f.revokeEP)
	set(&cfg.Endpoints.UserInfo, f.userinfoEP)
	set(&cfg.Endpoints.DeviceAuthorization, f.deviceEP)
	set(&cfg.Endpoints.JWKS, f.jwksURI)
	if f.authMethod != "" {
		cfg.AuthMethod = flows.AuthMethod(f.authMethod)
	}
	if f.clientSecretFile != "" {
		data, err := readSmallFile(f.clientSecretFile, "--client-secret-file")
		if err != nil {
			return cfg, err
		}
		cfg.ClientSecret = strings.TrimRight(string(data), "\r\n")
	}
	if f.privateKey != "" {
		data, err := readSmallFile(f.privateKey, "--private-key")
		if err != nil {
			return cfg, err
		}
		cfg.PrivateKey = data
	}
	for _, s := range f.scopes {
		cfg.Scopes = append(cfg.Scopes, strings.Fields(s)...)
	}
	cfg.Resources = append(cfg.Resources, f.resources...)
	params, err := parseParams(f.params)
	if err != nil {
		return cfg, err
	}
	if len(params) > 0 && cfg.Params == nil {
		cfg.Params = url.Values{}
	}
	for k, v := range params {
		cfg.Params[k] = v
	}
	if f.redirectHost != "127.0.0.1" || cfg.RedirectHost == "" {
		cfg.RedirectHost = f.redirectHost
	}
	if f.redirectPort != 0 {
		cfg.RedirectPort = f.redirectPort
	}
	if f.redirectPath != "/callback" || cfg.RedirectPath == "" {
		cfg.RedirectPath = f.redirectPath
	}
	cfg.Insecure = cfg.Insecure || f.insecure
	// Flags left at their defaults keep the profile's values.
	if f.timeout != flows.DefaultTimeout || cfg.Timeout == 0 {
		cfg.Timeout = f.timeout
	}
	if f.skew != 0 {
		cfg.Skew = f.skew
	}
	if cfg.Issuer == "" && cfg.Endpoints.Token == "" && cfg.Endpoints.Authorization == "" {
		return cfg, errors.New("give --issuer (or --profile, or the endpoints by hand)")
	}
	return cfg, nil
}

// parseParams reads repeated --param k=v flags.
func parseParams(list []string) (url.Values, error) {
	out := url.Values{}
	for _, p := range list {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: write it as key=value", p)
		}
		out.Add(k, v)
	}
	return out, nil
}

// flowCommand is what every flow command shares: parsing, the client, the
// transcript on stderr, and exit statuses.
type flowCommand struct {
	name  string
	usage string // after "Usage: tokeninspector NAME "
	about string
	env   Env
	fs    *flag.FlagSet
	f     flowFlags
}

func newFlowCommand(env Env, name, usage, about string) *flowCommand {
	c := &flowCommand{name: name, usage: usage, about: about, env: env}
	c.fs = flag.NewFlagSet(name, flag.ContinueOnError)
	c.fs.SetOutput(env.Stderr)
	c.f.register(c.fs)
	c.fs.Usage = func() {
		fmt.Fprintf(c.fs.Output(), "Usage: tokeninspector %s %s\n\n%s\nExit status: 0 success, 1 a protocol or validation failure, 2 a usage error.\n\nFlags:\n", name, usage, about)
		c.fs.PrintDefaults()
	}
	return c
}

// parse parses the arguments; ok false means exit with status.
func (c *flowCommand) parse() (status int, ok bool) {
	args, err := parseInterleaved(c.fs, c.env.Args)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK, false
	}
	if err != nil {
		return ExitUsage, false
	}
	if len(args) > 0 {
		return c.usageError(fmt.Errorf("unexpected argument %q", args[0])), false
	}
	return 0, true
}

func (c *flowCommand) usageError(err error) int {
	fmt.Fprintf(c.env.Stderr, "tokeninspector %s: %v; see --help\n", c.name, err)
	return ExitUsage
}

// client builds the flows client; with --verbose its exchanges are printed
// to stderr as they happen.
func (c *flowCommand) client(opts ...flows.Option) (*flows.Client, int, bool) {
	return c.clientWith(nil, opts...)
}

// clientWith is client with a last change to the config (command flags).
func (c *flowCommand) clientWith(edit func(*flows.Config), opts ...flows.Option) (*flows.Client, int, bool) {
	cfg, err := configFromFlags(&c.f)
	if err != nil {
		return nil, c.usageError(err), false
	}
	if edit != nil {
		edit(&cfg)
	}
	cl, err := flows.NewClient(cfg, append([]flows.Option{flows.WithBrowser(openBrowser)}, opts...)...)
	if err != nil {
		return nil, c.usageError(err), false
	}
	if cl.Insecure() {
		fmt.Fprintln(c.env.Stderr, "WARNING: TLS certificate verification is OFF (--insecure): anyone on the network path can read and alter these exchanges.")
	}
	if c.f.verbose {
		var mu sync.Mutex
		cl.TranscriptLog().Subscribe(func(x flows.Exchange) {
			mu.Lock()
			defer mu.Unlock()
			writeExchange(c.env.Stderr, x)
		})
	}
	return cl, 0, true
}

// fail prints err and returns ExitFailure; with --json an OAuth error is
// also printed to stdout as {"error": ..., ...}.
func (c *flowCommand) fail(err error) int {
	fmt.Fprintf(c.env.Stderr, "tokeninspector %s: %v\n", c.name, err)
	var oe *flows.OAuthError
	if c.f.json && errors.As(err, &oe) {
		writeJSON(c.env.Stdout, oe)
	}
	return ExitFailure
}

// signalContext ends on Ctrl+C, for the commands that wait on the user.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// writeExchange prints one transcript entry, curl -v style.
func writeExchange(w io.Writer, x flows.Exchange) {
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s", x.Method, x.URL)
	if x.Endpoint != "" {
		fmt.Fprintf(&b, "   [%s]", x.Endpoint)
	}
	b.WriteString("\n")
	writeHeaders(&b, "> ", x.RequestHeaders)
	if x.RequestBody != "" {
		fmt.Fprintf(&b, ">\n> %s\n", x.RequestBody)
	}
	if x.Err != "" && x.Status == 0 {
		fmt.Fprintf(&b, "! %s (%s)\n\n", x.Err, x.Duration.Round(time.Millisecond))
		io.WriteString(w, b.String())
		return
	}
	fmt.Fprintf(&b, "< %d (%s)\n", x.Status, x.Duration.Round(time.Microsecond*100))
	writeHeaders(&b, "< ", x.ResponseHeaders)
	if x.Err != "" {
		fmt.Fprintf(&b, "! %s\n", x.Err)
	}
	if x.ResponseBody != "" {
		fmt.Fprintf(&b, "<\n< %s\n", strings.ReplaceAll(safeLines(strings.TrimRight(x.ResponseBody, "\r\n")), "\n", "\n< "))
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

func writeHeaders(b *strings.Builder, prefix string, h map[string][]string) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, safeText(v))
		}
	}
}
