package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
	"github.com/tokeninspector/tokeninspector/termesc"
)

// openBrowser opens the authorization URL for "login"; tests replace it.
var openBrowser = flows.OpenBrowser

// flowFlags are the flags shared by the flow commands.
type flowFlags struct {
	profile         string
	settings        *settings.Flags
	secrets         secretFlags
	json, verbose   bool
	dpopKey         string // --dpop-key FILE
	clientAssertion string // --client-assertion TOKEN|-|@FILE
	curl, oauth2c   bool
}

func (f *flowFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.profile, "profile", "", "use the saved profile `NAME` (flags given too override it)")
	f.settings = settings.BindFlags(fs)
	f.secrets.register(fs, "")
	fs.BoolVar(&f.json, "json", false, "print JSON: the response and the inspection of every token")
	fs.BoolVar(&f.verbose, "verbose", false, "print every HTTP exchange (secrets redacted) to stderr")
	fs.StringVar(&f.dpopKey, "dpop-key", "", "DPoP: prove possession with the private key in `FILE` (created, ES256, when missing), so a later\nrefresh or userinfo in another process uses the same key; implies --dpop")
	fs.StringVar(&f.clientAssertion, "client-assertion", "", "authenticate the client with this JWT issued by someone else (RFC 7523): the `TOKEN`, - for stdin, or @FILE")
	fs.BoolVar(&f.curl, "curl", false, "print every HTTP exchange as a curl command to stderr (secrets as shell variables)")
	fs.BoolVar(&f.oauth2c, "oauth2c", false, "print the equivalent oauth2c command line to stderr (secrets as shell variables)")
}

// configFromFlags is the one place a flows.Config is built for the CLI: the
// saved profile (--profile), overridden by the flags given.
func configFromFlags(f *flowFlags, stdin io.Reader) (flows.Config, error) {
	var cfg flows.Config
	if f.profile != "" {
		var err error
		if cfg, err = profileConfig(f.profile); err != nil {
			return cfg, fmt.Errorf("--profile %s: %w", f.profile, err)
		}
	}
	f.settings.Apply(&cfg.Settings)
	secrets, err := f.secrets.read(stdin)
	if err != nil {
		return cfg, err
	}
	if v, ok := secrets[store.SecretClient]; ok {
		cfg.ClientSecret = v
	}
	if v, ok := secrets[store.SecretPrivateKey]; ok {
		cfg.PrivateKey = []byte(v)
	}
	if err := f.applyModern(&cfg, stdin); err != nil {
		return cfg, err
	}
	if cfg.Issuer == "" && cfg.Endpoints.Token == "" && cfg.Endpoints.Authorization == "" {
		return cfg, errors.New("give --issuer (or --profile, or the endpoints by hand)")
	}
	return cfg, nil
}

// flowCommand is what every flow command shares: parsing, the client, the
// transcript on stderr, and exit statuses.
type flowCommand struct {
	grant flows.GrantCommand // the grant, for --oauth2c ("" GrantType: none)
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
	fmt.Fprintf(c.env.Stderr, "tokeninspector %s: %s; see --help\n%s", c.name, errText(err), hintLines(err))
	return ExitUsage
}

// client builds the flows client; with --verbose its exchanges are printed
// to stderr as they happen.
func (c *flowCommand) client(opts ...flows.Option) (*flows.Client, int, bool) {
	return c.clientWith(nil, opts...)
}

// clientWith is client with a last change to the config (command flags).
func (c *flowCommand) clientWith(edit func(*flows.Config), opts ...flows.Option) (*flows.Client, int, bool) {
	cfg, err := configFromFlags(&c.f, c.env.Stdin)
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
	if c.f.verbose || c.f.curl {
		var mu sync.Mutex
		cl.TranscriptLog().Subscribe(func(x flows.Exchange) {
			mu.Lock()
			defer mu.Unlock()
			if c.f.verbose {
				writeExchange(c.env.Stderr, x)
			}
			if c.f.curl {
				writeCurl(c.env.Stderr, x, cfg.ClientID)
			}
		})
	}
	c.announce(cl)
	return cl, 0, true
}

// fail prints err and returns ExitFailure; with --json an OAuth error is
// also printed to stdout as {"error": ..., ...}.
func (c *flowCommand) fail(err error) int {
	fmt.Fprintf(c.env.Stderr, "tokeninspector %s: %s\n%s", c.name, errText(err), hintLines(err))
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
	fmt.Fprintf(&b, "> %s %s", x.Method, termesc.String(x.URL))
	if x.Endpoint != "" {
		fmt.Fprintf(&b, "   [%s]", x.Endpoint)
	}
	b.WriteString("\n")
	writeHeaders(&b, "> ", x.RequestHeaders)
	if x.RequestBody != "" {
		fmt.Fprintf(&b, ">\n> %s\n", termesc.String(x.RequestBody))
	}
	if x.Err == "" && x.Status == 0 {
		b.WriteString("< (opened in the browser: the answer goes to the browser, not to this program)\n\n")
		io.WriteString(w, b.String())
		return
	}
	if x.Err != "" && x.Status == 0 {
		fmt.Fprintf(&b, "! %s (%s)\n\n", termesc.String(x.Err), x.Duration.Round(time.Millisecond))
		io.WriteString(w, b.String())
		return
	}
	fmt.Fprintf(&b, "< %d (%s)\n", x.Status, x.Duration.Round(time.Microsecond*100))
	writeHeaders(&b, "< ", x.ResponseHeaders)
	if x.Err != "" {
		fmt.Fprintf(&b, "! %s\n", termesc.String(x.Err))
	}
	if x.ResponseBody != "" {
		fmt.Fprintf(&b, "<\n< %s\n", strings.ReplaceAll(termesc.Lines(strings.TrimRight(x.ResponseBody, "\r\n")), "\n", "\n< "))
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
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, termesc.String(v))
		}
	}
}
