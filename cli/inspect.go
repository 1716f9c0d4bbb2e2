package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/provider"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/termesc"
	"github.com/tokeninspector/tokeninspector/token"
)

// maxTokenInput bounds what inspect reads from stdin or a file.
const maxTokenInput = 1 << 20

// inspectFlags are the flags of "tokeninspector inspect".
type inspectFlags struct {
	jwks, jwk, key             string
	secret, secretFile         string
	decryptKey                 string
	issuer, audience, clientID string
	nonce, accessTokenFile     string
	code, expect, at           string
	skew                       time.Duration
	json                       bool
	discover                   bool // fetch the JWKS of --issuer through discovery
	rfc9068                    bool
	requireScopes              multiFlag
}

func (f *inspectFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.jwks, "jwks", "", "verify with the keys of a JWK Set `FILE`")
	fs.StringVar(&f.jwk, "jwk", "", "verify with one JWK from `FILE`")
	fs.StringVar(&f.key, "key", "", "verify with a PEM public key or certificate from `FILE`")
	fs.StringVar(&f.secret, "secret", "", "HMAC secret `S` for HS256/384/512 (visible to other local users; prefer --secret-file)")
	fs.StringVar(&f.secretFile, "secret-file", "", "read the HMAC secret from `FILE` (trailing newline removed)")
	fs.StringVar(&f.decryptKey, "decrypt-key", "", "decrypt a JWE with the private key in `FILE` (PEM or JWK)")
	fs.StringVar(&f.issuer, "issuer", "", "expected iss, compared exactly")
	fs.StringVar(&f.audience, "audience", "", "expected member of aud")
	fs.StringVar(&f.clientID, "client-id", "", "your client id (azp check; aud for ID tokens when --audience is not given)")
	fs.StringVar(&f.nonce, "nonce", "", "expected nonce (ID tokens)")
	fs.StringVar(&f.accessTokenFile, "access-token-file", "", "access token in `FILE`, to check at_hash")
	fs.StringVar(&f.code, "code", "", "authorization code, to check c_hash")
	fs.StringVar(&f.expect, "expect", "any", "token type: any, id_token or access_token (RFC 9068)")
	fs.DurationVar(&f.skew, "skew", token.DefaultSkew, "clock skew allowed for exp/nbf/iat (0 for none)")
	fs.StringVar(&f.at, "at", "", "evaluate as of this RFC 3339 `time` instead of now")
	fs.BoolVar(&f.rfc9068, "rfc9068", false, "check an access token against the RFC 9068 profile even if it does not declare typ at+jwt")
	fs.Var(&f.requireScopes, "require-scope", "scopes or permissions the token must grant, comma-separated or repeated (`a,b`); read from scope, scp, roles, permissions or Keycloak roles")
	fs.BoolVar(&f.json, "json", false, "print the report as JSON")
	fs.BoolVar(&f.discover, "discover", false, "verify with the JWKS of --issuer, found through its discovery document")
}

func runInspect(env Env) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f inspectFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: tokeninspector inspect [flags] TOKEN|-\n\n"+
			"Decode, verify and check a JWT (JWS or JWE); \"-\" reads the token from stdin.\n"+
			"Exit status: 0 signature valid and no check failed; 1 not verified, a check failed, or opaque; 2 usage error or undecodable token.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	args, err := parseInterleaved(fs, env.Args)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		return ExitUsage
	}
	if len(args) != 1 {
		fmt.Fprintln(env.Stderr, "tokeninspector inspect: give exactly one TOKEN (or - to read it from stdin); see --help")
		return ExitUsage
	}
	ctx := context.Background()
	raw, err := readTokenArg(args[0], env.Stdin)
	if err == nil {
		var opts token.Options
		if opts, err = optionsFromFlags(ctx, &f); err == nil {
			if opts.Issuer != f.issuer {
				fmt.Fprintf(env.Stderr, "tokeninspector inspect: warning: the discovery document writes the issuer as %s, not %s: checking the token against that exact issuer\n",
					termesc.Quote(opts.Issuer), termesc.Quote(f.issuer))
			}
			return inspectAndPrint(ctx, env, raw, opts, f.json)
		}
	}
	fmt.Fprintf(env.Stderr, "tokeninspector inspect: %s\n%s", errText(err), hintLines(err))
	return ExitUsage
}

func inspectAndPrint(ctx context.Context, env Env, raw string, opts token.Options, asJSON bool) int {
	r, err := provider.Inspect(ctx, raw, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "tokeninspector inspect: %s\n%s", errText(err), hintLines(err))
		return ExitUsage
	}
	if asJSON {
		if err := writeJSON(env.Stdout, r); err != nil {
			fmt.Fprintf(env.Stderr, "tokeninspector inspect: %s\n%s", errText(err), hintLines(err))
			return ExitFailure
		}
	} else {
		writeReport(env.Stdout, "", r, useColor(env.Stdout))
	}
	if r.OK() {
		return ExitOK
	}
	return ExitFailure
}

// parseInterleaved parses flags that may come before or after positional
// arguments ("inspect TOKEN --json").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// readTokenArg returns the token argument, or stdin for "-".
func readTokenArg(arg string, stdin io.Reader) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	data, err := io.ReadAll(io.LimitReader(stdin, maxTokenInput+1))
	if err != nil {
		return "", fmt.Errorf("reading the token from stdin: %w", err)
	}
	if len(data) > maxTokenInput {
		return "", fmt.Errorf("stdin holds more than %d bytes: not a token", maxTokenInput)
	}
	return string(data), nil
}

// optionsFromFlags turns flags into token.Options.
func optionsFromFlags(ctx context.Context, f *inspectFlags) (token.Options, error) {
	opts := token.Options{Issuer: f.issuer, Audience: f.audience, ClientID: f.clientID, Nonce: f.nonce, Code: f.code, Skew: f.skew,
		RFC9068: f.rfc9068, RequiredScopes: settings.SplitList(strings.Join(f.requireScopes, ","))}
	if f.skew == 0 {
		opts.Skew = token.NoSkew
	}
	if f.skew < 0 {
		return opts, fmt.Errorf("--skew %s: must not be negative", f.skew)
	}
	var err error
	if opts.Expect, err = parseExpect(f.expect); err != nil {
		return opts, err
	}
	if f.at != "" {
		if opts.At, err = time.Parse(time.RFC3339, f.at); err != nil {
			return opts, fmt.Errorf("--at %q: not an RFC 3339 time such as 2026-01-02T15:04:05Z", f.at)
		}
	}
	var discovered string
	if opts.Keys, discovered, err = keySourceFromFlags(ctx, f); err != nil {
		return opts, err
	}
	if discovered != "" {
		opts.Issuer = discovered // a variant discovery accepted: a trailing slash, Entra's {tenantid}
	}
	if opts.Secret, err = secretFromFlags(f); err != nil {
		return opts, err
	}
	if f.accessTokenFile != "" {
		data, err := readSmallFile(f.accessTokenFile, "--access-token-file")
		if err != nil {
			return opts, err
		}
		opts.AccessToken = strings.TrimSpace(string(data))
	}
	if f.decryptKey != "" {
		data, err := readSmallFile(f.decryptKey, "--decrypt-key")
		if err != nil {
			return opts, err
		}
		if opts.DecryptKey, err = token.ParseDecryptKey(data); err != nil {
			return opts, fmt.Errorf("--decrypt-key %s: %w", f.decryptKey, err)
		}
	}
	return opts, nil
}

func parseExpect(s string) (token.Expect, error) {
	switch strings.ReplaceAll(strings.ToLower(s), "-", "_") {
	case "", "any":
		return token.ExpectAny, nil
	case "id_token", "id":
		return token.ExpectIDToken, nil
	case "access_token", "at", "access":
		return token.ExpectAccessToken, nil
	}
	return token.ExpectAny, fmt.Errorf("--expect %q: use any, id_token or access_token", s)
}

// keySourceFromFlags builds the verification keys from --jwks, --jwk and
// --key; several may be combined. A --jwks URL is fetched through the
// flows JWKS cache. With --discover it also returns the issuer exactly as
// the discovery document writes it.
func keySourceFromFlags(ctx context.Context, f *inspectFlags) (token.KeySource, string, error) {
	var sources []token.KeySource
	if f.jwks != "" {
		s, err := jwksSource(ctx, f.jwks)
		if err != nil {
			return nil, "", err
		}
		sources = append(sources, s)
	}
	var issuer string
	if f.discover {
		s, iss, err := jwksFromDiscovery(ctx, f.issuer)
		if err != nil {
			return nil, "", fmt.Errorf("--discover: %w", err)
		}
		sources = append(sources, s)
		issuer = iss
	}
	type fileSource struct {
		path, flag, what string
		parse            func([]byte, string) (*token.KeySet, error)
	}
	for _, fsrc := range []fileSource{{f.jwk, "--jwk", "JWK", token.ParseJWK}, {f.key, "--key", "PEM", token.ParsePEM}} {
		if fsrc.path == "" {
			continue
		}
		data, err := readSmallFile(fsrc.path, fsrc.flag)
		if err != nil {
			return nil, "", err
		}
		ks, err := fsrc.parse(data, fsrc.what+" file "+fsrc.path)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", fsrc.flag, err)
		}
		sources = append(sources, ks)
	}
	return token.JoinKeySources(sources...), issuer, nil
}

// jwksSource reads --jwks: a file, or a URL.
func jwksSource(ctx context.Context, arg string) (token.KeySource, error) {
	if strings.HasPrefix(arg, "https://") || strings.HasPrefix(arg, "http://") {
		return jwksFromURL(ctx, arg)
	}
	data, err := readSmallFile(arg, "--jwks")
	if err != nil {
		return nil, err
	}
	ks, err := token.ParseJWKS(data, "JWKS file "+arg)
	if err != nil {
		return nil, fmt.Errorf("--jwks: %w", err)
	}
	return ks, nil
}

func secretFromFlags(f *inspectFlags) ([]byte, error) {
	switch {
	case f.secret != "" && f.secretFile != "":
		return nil, errors.New("give --secret or --secret-file, not both")
	case f.secretFile != "":
		data, err := readSmallFile(f.secretFile, "--secret-file")
		if err != nil {
			return nil, err
		}
		return []byte(strings.TrimRight(string(data), "\r\n")), nil
	case f.secret != "":
		return []byte(f.secret), nil
	}
	return nil, nil
}

// readSmallFile reads a key or token file, refusing anything huge.
func readSmallFile(path, flagName string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxTokenInput+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flagName, path, err)
	}
	if len(data) > maxTokenInput {
		return nil, fmt.Errorf("%s %s: larger than %d bytes; not a key or token file", flagName, path, maxTokenInput)
	}
	return data, nil
}
