package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
	"github.com/tokeninspector/tokeninspector/termesc"
)

// profileConfig opens the default store ($TOKENINSPECTOR_PROFILES or the
// user's config folder) and returns the named profile, with its secrets,
// as a flows.Config. It is what "--profile NAME" of the flow commands uses.
func profileConfig(name string) (flows.Config, error) {
	s, prob, err := store.Open("", store.WithKeyring(store.SystemKeyring()))
	if err != nil {
		return flows.Config{}, err
	}
	p, err := s.Get(name)
	if err != nil {
		if prob != nil {
			err = fmt.Errorf("%w (and: %v)", err, prob)
		}
		return flows.Config{}, err
	}
	creds, err := s.Credentials(p)
	if err != nil {
		return flows.Config{}, err
	}
	return flows.Config{Settings: p.Settings, ClientSecret: creds.ClientSecret, PrivateKey: creds.PrivateKey}, nil
}

var profileSubcommands = []struct {
	name, summary string
	run           func(*profileCmd) int
}{
	{"list", "list saved profiles", (*profileCmd).list},
	{"show", "show one profile (never its secret values)", (*profileCmd).show},
	{"add", "save a new profile: --name plus the flow flags (--issuer, --client-id, --client-secret, ...)", (*profileCmd).add},
	{"edit", "change a profile: --name plus only the flags to change (--new-name renames)", (*profileCmd).edit},
	{"rm", "delete profiles and their secrets", (*profileCmd).rm},
	{"export", "write profiles as JSON (secrets only with --with-secrets)", (*profileCmd).export},
	{"import", "add profiles from an export or a profiles.json (conflicts are reported, never overwritten silently)", (*profileCmd).importCmd},
	{"restore", "replace the profiles with the backup (profiles.json.bak)", (*profileCmd).restore},
}

// runProfile is "tokeninspector profile SUBCOMMAND".
func runProfile(env Env) int {
	if len(env.Args) == 0 || env.Args[0] == "-h" || env.Args[0] == "--help" || env.Args[0] == "help" {
		w := env.Stderr
		status := ExitUsage
		if len(env.Args) > 0 {
			w, status = env.Stdout, ExitOK
		}
		profileUsage(w)
		return status
	}
	for _, sc := range profileSubcommands {
		if sc.name == env.Args[0] {
			c := &profileCmd{env: env, name: sc.name}
			c.fs = flag.NewFlagSet("profile "+sc.name, flag.ContinueOnError)
			c.fs.SetOutput(env.Stderr)
			c.fs.StringVar(&c.path, "profiles", "", "profiles `FILE` (default $"+store.EnvPath+", else the user config folder)")
			c.env.Args = env.Args[1:]
			return sc.run(c)
		}
	}
	fmt.Fprintf(env.Stderr, "tokeninspector profile: unknown subcommand %q\n", env.Args[0])
	profileUsage(env.Stderr)
	return ExitUsage
}

func profileUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Usage: tokeninspector profile SUBCOMMAND [flags]   (SUBCOMMAND --help for its flags)\n\n")
	for _, sc := range profileSubcommands {
		fmt.Fprintf(&b, "  %-8s %s\n", sc.name, sc.summary)
	}
	fmt.Fprintf(&b, "\nProfiles live in %s (override with --profiles FILE or $%s).\n", defaultPathForHelp(), store.EnvPath)
	b.WriteString("Secrets go to the OS keyring, never into that file.\n")
	io.WriteString(w, b.String())
}

func defaultPathForHelp() string {
	if p, err := store.DefaultPath(); err == nil {
		return p
	}
	return "<config folder>/tokeninspector/profiles.json"
}

// profileCmd is one run of a profile subcommand.
type profileCmd struct {
	env  Env
	name string
	fs   *flag.FlagSet
	path string
}

// parse parses flags (anywhere among the arguments) and returns the
// positional arguments; ok false means return status.
func (c *profileCmd) parse(usage string) (args []string, status int, ok bool) {
	c.fs.Usage = func() {
		fmt.Fprintf(c.fs.Output(), "Usage: tokeninspector profile %s %s\n\nFlags:\n", c.name, usage)
		c.fs.PrintDefaults()
	}
	args, err := parseInterleaved(c.fs, c.env.Args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, ExitOK, false
	}
	if err != nil {
		return nil, ExitUsage, false
	}
	return args, 0, true
}

// open opens the store and reports a damaged file on stderr (the command
// still runs).
func (c *profileCmd) open(opts ...store.Option) (*store.Store, bool) {
	s, prob, err := store.Open(c.path, append([]store.Option{store.WithKeyring(store.SystemKeyring())}, opts...)...)
	if err != nil {
		c.errorf("%v", err)
		return nil, false
	}
	if prob != nil {
		fmt.Fprintf(c.env.Stderr, "WARNING: %s\n", errText(prob))
		if prob.Backup != "" {
			fmt.Fprintln(c.env.Stderr, "  To restore the backup: tokeninspector profile restore")
		}
	}
	return s, true
}

func (c *profileCmd) errorf(format string, a ...any) {
	fmt.Fprintf(c.env.Stderr, "tokeninspector profile %s: %s\n", c.name, termesc.Lines(fmt.Sprintf(format, a...)))
}

func (c *profileCmd) usageError(format string, a ...any) int {
	c.errorf(format+"; see --help", a...)
	return ExitUsage
}

// fail prints err; a missing name or invalid profile is a usage error.
func (c *profileCmd) fail(err error) int {
	c.errorf("%v", err)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrInvalid) {
		return ExitUsage
	}
	return ExitFailure
}

func (c *profileCmd) list() int {
	asJSON := c.fs.Bool("json", false, "print JSON")
	args, status, ok := c.parse("[--json]")
	if !ok {
		return status
	}
	if len(args) > 0 {
		return c.usageError("unexpected argument %q", args[0])
	}
	s, ok := c.open()
	if !ok {
		return ExitFailure
	}
	ps := s.List()
	if *asJSON {
		writeJSON(c.env.Stdout, ps)
		return ExitOK
	}
	if len(ps) == 0 {
		fmt.Fprintf(c.env.Stdout, "No saved profiles in %s. Add one with: tokeninspector profile add --name NAME --issuer URL --client-id ID\n", s.Path())
		return ExitOK
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tISSUER\tCLIENT ID\tAUTH")
	for _, p := range ps {
		issuer := p.Issuer
		if issuer == "" {
			issuer = "(manual endpoints)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", termesc.String(p.Name), termesc.String(issuer), termesc.String(p.ClientID), termesc.String(string(p.Method())))
	}
	tw.Flush()
	return ExitOK
}

func (c *profileCmd) show() int {
	asJSON := c.fs.Bool("json", false, "print JSON (no secret values)")
	args, status, ok := c.parse("NAME [--json]")
	if !ok {
		return status
	}
	if len(args) != 1 {
		return c.usageError("give one profile name")
	}
	s, ok := c.open()
	if !ok {
		return ExitFailure
	}
	p, err := s.Get(args[0])
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		writeJSON(c.env.Stdout, struct {
			store.Profile
			Issues store.Issues `json:"issues"`
		}{p, p.Validate()})
		return ExitOK
	}
	writeProfile(c.env.Stdout, s, p)
	return ExitOK
}

// endpointRowLabel is an endpoint's label with a capital letter
// ("Token endpoint", "JWKS URL").
func endpointRowLabel(ep settings.Endpoint) string {
	return strings.ToUpper(ep.Label[:1]) + ep.Label[1:]
}

// writeProfile prints a profile for people; secrets show where they are
// kept, never their values.
func writeProfile(w io.Writer, s *store.Store, p store.Profile) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, termesc.String(v))
		}
	}
	row("Name", p.Name)
	row("Issuer", p.Issuer)
	for _, ep := range settings.EndpointList { // every endpoint, PAR and end session included
		row(endpointRowLabel(ep), ep.Get(p.Endpoints))
	}
	row("Client ID", p.ClientID)
	method := p.Method()
	if p.AuthMethod == "" {
		method += " (automatic)"
	}
	row("Authentication", string(method))
	row("Assertion kid", p.PrivateKeyID)
	for _, kind := range []store.SecretKind{store.SecretClient, store.SecretPrivateKey, store.SecretTokens} {
		if loc, ok := p.Secrets[kind]; ok {
			row(secretLabel(kind), "stored in "+s.Secrets().Describe(loc))
		} else if slices.Contains(p.SecretKinds(), kind) {
			row(secretLabel(kind), "MISSING: set it with tokeninspector profile edit --name "+quoteArg(p.Name)+" "+secretFlag(kind))
		}
	}
	row("Scopes", strings.Join(p.Scopes, " "))
	row("Audience", p.Audience)
	row("Resources", strings.Join(p.Resources, " "))
	if len(p.Params) > 0 {
		row("Parameters", p.Params.Encode())
	}
	host, port, path := p.RedirectHost, "random port", p.RedirectPath
	if host == "" {
		host = settings.DefaultRedirectHost
	}
	if p.RedirectPort != 0 {
		port = fmt.Sprint(p.RedirectPort)
	}
	if path == "" {
		path = settings.DefaultRedirectPath
	}
	row("Redirect", fmt.Sprintf("http://%s:%s%s", host, port, path))
	row("CA file", p.CAFile)
	if p.Insecure {
		row("TLS", "NOT VERIFIED (insecure)")
	}
	if p.Skew != 0 {
		row("Clock skew", p.Skew.String())
	}
	if p.Timeout != 0 {
		row("Timeout", p.Timeout.String())
	}
	if p.RememberTokens {
		row("Remember tokens", "yes (OS keyring only)")
	}
	row("Notes", p.Notes)
	if !p.Updated.IsZero() {
		row("Updated", p.Updated.Local().Format(time.DateTime))
	}
	tw.Flush()
	for _, is := range p.Validate() {
		fmt.Fprintf(w, "%s: %s: %s\n", strings.ToUpper(string(is.Severity)), is.Field, termesc.String(is.Message))
	}
}

func secretLabel(k store.SecretKind) string {
	switch k {
	case store.SecretClient:
		return "Client secret"
	case store.SecretPrivateKey:
		return "Private key"
	}
	return "Remembered tokens"
}

func secretFlag(k store.SecretKind) string {
	if k == store.SecretPrivateKey {
		return "--private-key FILE"
	}
	return "--client-secret-file FILE"
}

func quoteArg(s string) string {
	if strings.ContainsAny(s, " \t'\"$\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

func (c *profileCmd) rm() int {
	args, status, ok := c.parse("NAME...")
	if !ok {
		return status
	}
	if len(args) == 0 {
		return c.usageError("give the name(s) of the profile(s) to delete")
	}
	s, ok := c.open()
	if !ok {
		return ExitFailure
	}
	status = ExitOK
	for _, name := range args {
		if err := s.Delete(name); err != nil {
			status = max(status, c.fail(err))
			continue
		}
		fmt.Fprintf(c.env.Stdout, "Deleted profile %q and its secrets.\n", name)
	}
	return status
}

func (c *profileCmd) restore() int {
	args, status, ok := c.parse("")
	if !ok {
		return status
	}
	if len(args) > 0 {
		return c.usageError("unexpected argument %q", args[0])
	}
	s, ok := c.open()
	if !ok {
		return ExitFailure
	}
	n, err := s.RestoreBackup()
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.env.Stdout, "Restored %d profile(s) from %s; the replaced file is now the backup.\n", n, s.BackupPath())
	return ExitOK
}

func (c *profileCmd) export() int {
	out := c.fs.String("out", "", "write to `FILE` (created 0600) instead of standard output")
	withSecrets := c.fs.Bool("with-secrets", false, "include client secrets and private keys in plain text")
	args, status, ok := c.parse("[--out FILE] [--with-secrets] [NAME...]")
	if !ok {
		return status
	}
	s, ok := c.open()
	if !ok {
		return ExitFailure
	}
	opts := store.ExportOptions{IncludeSecrets: *withSecrets}
	if len(args) > 0 {
		opts.Names = args
	}
	b, err := s.Export(opts)
	if err != nil {
		return c.fail(err)
	}
	data, err := b.Marshal()
	if err != nil {
		return c.fail(err)
	}
	if b.HasSecrets() {
		fmt.Fprintln(c.env.Stderr, "WARNING: this export holds secrets in plain text; keep it private and delete it after use.")
	}
	if *out == "" {
		c.env.Stdout.Write(data)
		return ExitOK
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return c.fail(fmt.Errorf("--out: %w (an existing file is never overwritten)", err))
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return c.fail(err)
	}
	if err := f.Close(); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.env.Stderr, "Exported %d profile(s) to %s.\n", len(b.Profiles), termesc.String(*out))
	return ExitOK
}

func (c *profileCmd) importCmd() int {
	rename := c.fs.Bool("rename", false, "import a profile whose name is taken as \"NAME (2)\"")
	replace := c.fs.Bool("replace", false, "replace a profile whose name is taken (it keeps its secrets unless the file brings new ones, or its issuer or an endpoint's origin changes)")
	keepSecrets := c.fs.Bool("keep-secrets", false, "with --replace: keep the stored secrets even when the issuer or an endpoint's origin changes (you trust the new servers with them)")
	withSecrets := c.fs.Bool("with-secrets", false, "store the secrets found in the file (in the OS keyring)")
	secretFile := c.fs.Bool("secret-in-file", false, "with no OS keyring, keep secrets unencrypted in a 0600 file next to the profiles")
	var only multiFlag
	c.fs.Var(&only, "only", "import only the profile `NAME` (repeatable)")
	args, status, ok := c.parse("FILE|- [--rename|--replace] [--with-secrets] [--only NAME]")
	if !ok {
		return status
	}
	if len(args) != 1 {
		return c.usageError("give one file to import (- for standard input)")
	}
	if *rename && *replace {
		return c.usageError("--rename and --replace exclude each other")
	}
	data, err := readInput(args[0], c.env.Stdin, "import")
	if err != nil {
		return c.fail(err)
	}
	b, err := store.ParseBundle(data)
	if err != nil {
		return c.fail(fmt.Errorf("%s: %w", args[0], err))
	}
	s, ok := c.open(secretOptions(*secretFile)...)
	if !ok {
		return ExitFailure
	}
	opts := store.ImportOptions{Secrets: *withSecrets, Names: only, KeepSecrets: *keepSecrets}
	switch {
	case *rename:
		opts.OnConflict = store.ConflictRename
	case *replace:
		opts.OnConflict = store.ConflictReplace
	}
	if b.HasSecrets() && !*withSecrets {
		fmt.Fprintln(c.env.Stderr, "Note: the file holds secrets; they were not imported (add --with-secrets).")
	}
	res, err := s.Import(b, opts)
	if res != nil {
		writeImportResult(c.env.Stdout, res)
	}
	if err != nil {
		c.errorf("%v", err)
		if errors.Is(err, store.ErrKeyringUnavailable) {
			fmt.Fprintln(c.env.Stderr, "  Run again with --replace --with-secrets --secret-in-file to keep the secrets in a 0600 file instead.")
		}
		return ExitFailure
	}
	if len(res.Conflicts) > 0 || len(res.Invalid) > 0 || len(res.SecretErr) > 0 {
		return ExitFailure
	}
	return ExitOK
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func writeImportResult(w io.Writer, r *store.ImportResult) {
	warnings := func(name string) {
		for _, i := range r.Warnings[name] {
			fmt.Fprintf(w, "          %s: %s: %s\n", strings.ToUpper(string(i.Severity)), i.Field, termesc.String(i.Message))
		}
	}
	for _, n := range r.Added {
		fmt.Fprintf(w, "added     %s\n", termesc.String(n))
		warnings(n)
	}
	for _, rn := range r.Renamed {
		fmt.Fprintf(w, "renamed   %s -> %s (the name was taken)\n", termesc.String(rn.From), termesc.String(rn.To))
		warnings(rn.To)
	}
	for _, n := range r.Replaced {
		fmt.Fprintf(w, "replaced  %s\n", termesc.String(n))
		warnings(n)
	}
	for _, n := range r.Conflicts {
		fmt.Fprintf(w, "SKIPPED   %s: a profile with this name exists (use --rename or --replace)\n", termesc.String(n))
	}
	for _, f := range r.Invalid {
		fmt.Fprintf(w, "INVALID   %s: %s\n", termesc.String(f.Name), termesc.String(f.Err))
	}
	for _, f := range r.Dropped {
		fmt.Fprintf(w, "SECRETS DELETED %s: %s (--keep-secrets keeps them)\n", termesc.String(f.Name), termesc.String(f.Err))
	}
	for _, f := range r.SecretErr {
		fmt.Fprintf(w, "NO SECRET %s: %s\n", termesc.String(f.Name), termesc.String(f.Err))
	}
	if r.Secrets > 0 {
		fmt.Fprintf(w, "%d secret(s) stored.\n", r.Secrets)
	}
}

// readInput reads a small file, or standard input for "-".
func readInput(arg string, stdin io.Reader, what string) ([]byte, error) {
	const limit = 16 << 20
	var r io.Reader
	if arg == "-" {
		r = stdin
	} else {
		f, err := os.Open(arg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%s: larger than %d MiB", what, limit>>20)
	}
	return data, nil
}

func secretOptions(toFile bool) []store.Option {
	if toFile {
		return []store.Option{store.WithFallback(store.FallbackFile)}
	}
	return nil
}

// profileFlags are the flags of "profile add" and "profile edit": the
// settings flags of the flow commands, the secrets, and the profile's own.
// A flag not given leaves the profile's value alone.
type profileFlags struct {
	name, newName  string
	settings       *settings.Flags
	secrets        secretFlags
	notes          *string // nil when not given
	rememberTokens *bool
	toFile         bool
}

func (f *profileFlags) register(fs *flag.FlagSet, edit bool) {
	fs.StringVar(&f.name, "name", "", "profile `NAME` (required)")
	if edit {
		fs.StringVar(&f.newName, "new-name", "", "rename the profile to `NAME`")
	}
	f.settings = settings.BindFlags(fs)
	f.secrets.register(fs, "; stored in the OS keyring, \"\" deletes it")
	fs.Func("notes", "free-form notes", func(v string) error { f.notes = &v; return nil })
	fs.BoolFunc("remember-tokens", "keep this profile's tokens between runs (OS keyring only)", func(v string) error {
		b, err := strconv.ParseBool(v)
		f.rememberTokens = &b
		return err
	})
	fs.BoolVar(&f.toFile, "secret-in-file", false, "with no OS keyring, keep secrets UNENCRYPTED in a 0600 file next to the profiles")
}

// apply copies the flags that were given onto p.
func (f *profileFlags) apply(p *store.Profile) {
	f.settings.Apply(&p.Settings)
	if f.notes != nil {
		p.Notes = *f.notes
	}
	if f.rememberTokens != nil {
		p.RememberTokens = *f.rememberTokens
	}
}

// secretFlags are the flags that carry a client's secrets, shared by the
// flow commands and "profile add/edit"; nil means not given.
type secretFlags struct {
	clientSecret, clientSecretFile, privateKey *string
}

func (f *secretFlags) register(fs *flag.FlagSet, note string) {
	given := func(dst **string) func(string) error {
		return func(v string) error { *dst = &v; return nil }
	}
	fs.Func("client-secret", "client `SECRET`, - reads it from standard input (visible to other local users; prefer --client-secret-file"+note+")", given(&f.clientSecret))
	fs.Func("client-secret-file", "read the client secret from `FILE`", given(&f.clientSecretFile))
	fs.Func("private-key", "private key `FILE` (PEM or JWK; - for standard input) for private_key_jwt"+note, given(&f.privateKey))
}

// read returns the secret values given (an empty string means delete),
// reading files and standard input.
func (f *secretFlags) read(stdin io.Reader) (map[store.SecretKind]string, error) {
	out := map[store.SecretKind]string{}
	if f.clientSecret != nil && f.clientSecretFile != nil {
		return nil, errors.New("give --client-secret or --client-secret-file, not both")
	}
	switch {
	case f.clientSecret != nil && *f.clientSecret == "-":
		data, err := readInput("-", stdin, "--client-secret -")
		if err != nil {
			return nil, err
		}
		out[store.SecretClient] = strings.TrimRight(string(data), "\r\n")
	case f.clientSecret != nil:
		out[store.SecretClient] = *f.clientSecret
	case f.clientSecretFile != nil:
		data, err := readSmallFile(*f.clientSecretFile, "--client-secret-file")
		if err != nil {
			return nil, err
		}
		out[store.SecretClient] = strings.TrimRight(string(data), "\r\n")
	}
	if f.privateKey != nil {
		out[store.SecretPrivateKey] = ""
		if *f.privateKey != "" {
			data, err := readInput(*f.privateKey, stdin, "--private-key")
			if err != nil {
				return nil, err
			}
			out[store.SecretPrivateKey] = string(data)
		}
	}
	return out, nil
}

func (c *profileCmd) add() int  { return c.save(false) }
func (c *profileCmd) edit() int { return c.save(true) }

// save is add and edit: build the profile from flags, save it, then store
// its secrets; warnings go to stderr.
func (c *profileCmd) save(edit bool) int {
	var f profileFlags
	f.register(c.fs, edit)
	args, status, ok := c.parse("--name NAME [flags]")
	if !ok {
		return status
	}
	if len(args) > 0 {
		return c.usageError("unexpected argument %q", args[0])
	}
	if f.name == "" {
		return c.usageError("--name is required")
	}
	secrets, err := f.secrets.read(c.env.Stdin)
	if err != nil {
		return c.usageError("%v", err)
	}
	s, ok := c.open(secretOptions(f.toFile)...)
	if !ok {
		return ExitFailure
	}
	var p store.Profile
	if edit {
		if p, err = s.Get(f.name); err != nil {
			return c.fail(err)
		}
	} else {
		p.Name = f.name
	}
	f.apply(&p)
	var saved store.Profile
	if edit {
		oldName := p.Name
		if f.newName != "" {
			p.Name = f.newName
		}
		saved, err = s.Update(oldName, p)
	} else {
		saved, err = s.Create(p)
	}
	if err != nil {
		var ve *store.ValidationError
		if errors.As(err, &ve) {
			c.errorf("profile %q was not saved:", ve.Name)
			writeIssues(c.env.Stderr, ve.Issues)
			return ExitUsage
		}
		return c.fail(err)
	}
	writeIssues(c.env.Stderr, saved.Validate())
	verb := "Saved"
	if edit {
		verb = "Updated"
	}
	fmt.Fprintf(c.env.Stdout, "%s profile %q in %s.\n", verb, saved.Name, s.Path())
	return c.storeSecrets(s, saved.Name, secrets)
}

func writeIssues(w io.Writer, is store.Issues) {
	for _, i := range is {
		fmt.Fprintf(w, "  %s: %s: %s\n", strings.ToUpper(string(i.Severity)), i.Field, termesc.String(i.Message))
	}
}

// storeSecrets saves the secrets given on the command line and says where
// each went; with no keyring it explains the choice instead of falling back.
func (c *profileCmd) storeSecrets(s *store.Store, name string, secrets map[store.SecretKind]string) int {
	kinds := make([]string, 0, len(secrets))
	for k := range secrets {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	status := ExitOK
	for _, k := range kinds {
		kind := store.SecretKind(k)
		loc, err := s.SetSecret(name, kind, secrets[kind])
		switch {
		case errors.Is(err, store.ErrKeyringUnavailable):
			c.errorf("the %s was NOT saved: %v", strings.ToLower(secretLabel(kind)), err)
			fmt.Fprintf(c.env.Stderr, "  Either pass it to each command (--client-secret-file / --private-key), or run this again with\n"+
				"  --secret-in-file to store it UNENCRYPTED in %s (readable only by you, 0600).\n", tildeHome(s.Secrets().FilePath()))
			status = ExitFailure
		case err != nil:
			c.errorf("the %s was NOT saved: %v", strings.ToLower(secretLabel(kind)), err)
			status = ExitFailure
		case secrets[kind] == "":
			fmt.Fprintf(c.env.Stdout, "%s deleted.\n", secretLabel(kind))
		default:
			if loc == store.LocationFile {
				fmt.Fprintf(c.env.Stderr, "WARNING: no OS keyring; the %s is stored UNENCRYPTED in %s, protected only by file permissions.\n",
					strings.ToLower(secretLabel(kind)), s.Secrets().FilePath())
			}
			fmt.Fprintf(c.env.Stdout, "%s stored in %s.\n", secretLabel(kind), s.Secrets().Describe(loc))
		}
	}
	return status
}

func tildeHome(p string) string {
	if home, err := os.UserHomeDir(); err == nil && home != "" && strings.HasPrefix(p, home+string(os.PathSeparator)) {
		return "~" + p[len(home):]
	}
	return p
}
