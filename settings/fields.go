package settings

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Field is one setting in text form. The CLI's flags (BindFlags) and the
// profile editor's entries both read a setting with Text and write it with
// SetText, so each setting is converted in one place.
type Field struct {
	Flag  string // CLI flag: "client-id"
	Key   string // JSON member and validation key: "client_id", "endpoints.token"
	Usage string // flag help
	// Sep joins the values of a repeatable flag (--scope a --scope b) into
	// one text; "" for a flag given once.
	Sep     string
	Bool    bool // a boolean flag: --insecure alone means true
	Text    func(s *Settings) string
	SetText func(s *Settings, text string) error
}

// Validation keys of the settings (Field.Key), for messages shown next to
// their entry.
const (
	KeyIssuer       = "issuer"
	KeyClientID     = "client_id"
	KeyAuthMethod   = "auth_method"
	KeyPrivateKeyID = "private_key_id"
	KeyScopes       = "scopes"
	KeyAudience     = "audience"
	KeyResources    = "resources"
	KeyParams       = "params"
	KeyRedirectHost = "redirect_host"
	KeyRedirectPort = "redirect_port"
	KeyRedirectPath = "redirect_path"
	KeyPAR          = "par"
	KeyDPoP         = "dpop"
	KeyAssertion    = "client_assertion_file"
	KeyCAFile       = "ca_file"
	KeyInsecure     = "insecure"
	KeySkew         = "skew"
	KeyTimeout      = "timeout"
	KeyRFC9068      = "rfc9068"
	KeyRequired     = "required_scopes"
)

// Fields lists every setting, endpoints last.
var Fields = append([]Field{
	stringField("issuer", KeyIssuer, "issuer `URL`; endpoints come from its discovery document", func(s *Settings) *string { return &s.Issuer }),
	stringField("client-id", KeyClientID, "client `ID`", func(s *Settings) *string { return &s.ClientID }),
	{Flag: "auth-method", Key: KeyAuthMethod, Usage: "client authentication: " + MethodList() +
		" (default: private_key_jwt with a private key, client_secret_basic with a client secret, else none)",
		Text:    func(s *Settings) string { return string(s.AuthMethod) },
		SetText: func(s *Settings, t string) error { s.AuthMethod = AuthMethod(t); return nil }},
	stringField("private-key-id", KeyPrivateKeyID, "kid header of client assertions", func(s *Settings) *string { return &s.PrivateKeyID }),
	{Flag: "scope", Key: KeyScopes, Sep: " ", Usage: "scope(s) to request, space-separated or repeated",
		Text:    func(s *Settings) string { return strings.Join(s.Scopes, " ") },
		SetText: func(s *Settings, t string) error { s.Scopes = strings.Fields(t); return nil }},
	stringField("audience", KeyAudience, "audience to request; the access token's aud is then checked against it", func(s *Settings) *string { return &s.Audience }),
	{Flag: "resource", Key: KeyResources, Sep: " ", Usage: "RFC 8707 resource indicator `URI` (repeatable)",
		Text:    func(s *Settings) string { return strings.Join(s.Resources, " ") },
		SetText: func(s *Settings, t string) error { s.Resources = strings.Fields(t); return nil }},
	{Flag: "param", Key: KeyParams, Sep: "\n", Usage: "extra authorization parameter `k=v` (repeatable): prompt, login_hint, max_age, acr_values, ...",
		Text: paramsText, SetText: setParams},
	stringField("redirect-host", KeyRedirectHost, "loopback redirect host: 127.0.0.1 (default) or [::1]", func(s *Settings) *string { return &s.RedirectHost }),
	{Flag: "redirect-port", Key: KeyRedirectPort, Usage: "loopback redirect `port` (0 = random)",
		Text: func(s *Settings) string { return strconv.Itoa(s.RedirectPort) }, SetText: setPort},
	stringField("redirect-path", KeyRedirectPath, "loopback redirect `path` (default /callback)", func(s *Settings) *string { return &s.RedirectPath }),
	boolField("par", KeyPAR, "push the authorization request first (RFC 9126 PAR); automatic when the provider requires it", func(s *Settings) *bool { return &s.PAR }),
	boolField("dpop", KeyDPoP, "bind the tokens to a DPoP key (RFC 9449): a proof with every token request and every call presenting a token", func(s *Settings) *bool { return &s.DPoP }),
	stringField("client-assertion-file", KeyAssertion, "authenticate the client with the JWT in `FILE`, issued by someone else (RFC 7523; workload identity), read before each request", func(s *Settings) *string { return &s.ClientAssertionFile }),
	stringField("ca-file", KeyCAFile, "trust the PEM CA certificates in `FILE` as well", func(s *Settings) *string { return &s.CAFile }),
	boolField("insecure", KeyInsecure, "do NOT verify TLS certificates (every result is flagged)", func(s *Settings) *bool { return &s.Insecure }),
	durationField("timeout", KeyTimeout, "timeout of each HTTP call (0 = the default, 30s)", func(s *Settings) *Duration { return &s.Timeout }),
	durationField("skew", KeySkew, "clock skew allowed in token checks (0 = the default, 60s)", func(s *Settings) *Duration { return &s.Skew }),
	boolField("rfc9068", KeyRFC9068, "check access tokens against the RFC 9068 profile even when they do not declare typ at+jwt", func(s *Settings) *bool { return &s.RFC9068 }),
	{Flag: "require-scope", Key: KeyRequired, Sep: ",", Usage: "scopes or permissions the access token must grant, comma-separated or repeated (`a,b`)",
		Text:    func(s *Settings) string { return strings.Join(s.RequiredScopes, ",") },
		SetText: func(s *Settings, t string) error { s.RequiredScopes = SplitList(t); return nil }},
}, endpointFields()...)

// SplitList reads a list written with commas, spaces or line breaks
// between its items ("a,b c"); nil when there is none.
func SplitList(t string) []string {
	list := strings.FieldsFunc(t, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(list) == 0 {
		return nil
	}
	return list
}

func stringField(flag, key, usage string, field func(*Settings) *string) Field {
	return Field{Flag: flag, Key: key, Usage: usage,
		Text:    func(s *Settings) string { return *field(s) },
		SetText: func(s *Settings, t string) error { *field(s) = t; return nil }}
}

func durationField(flag, key, usage string, field func(*Settings) *Duration) Field {
	return Field{Flag: flag, Key: key, Usage: usage,
		Text: func(s *Settings) string {
			if *field(s) == 0 {
				return ""
			}
			return field(s).String()
		},
		SetText: func(s *Settings, t string) error {
			var d time.Duration
			if t = strings.TrimSpace(t); t != "" {
				var err error
				if d, err = time.ParseDuration(t); err != nil {
					return errors.New("write it as a duration such as 60s or 2m")
				}
			}
			*field(s) = Duration(d)
			return nil
		}}
}

func endpointFields() []Field {
	out := make([]Field, len(EndpointList))
	for i, ep := range EndpointList {
		out[i] = Field{Flag: ep.Flag, Key: "endpoints." + ep.Name, Usage: ep.Label + " `URL` (instead of discovery)",
			Text:    func(s *Settings) string { return ep.Get(s.Endpoints) },
			SetText: func(s *Settings, t string) error { ep.Set(&s.Endpoints, t); return nil }}
	}
	return out
}

// MethodList is AuthMethods as "none, client_secret_basic, ...".
func MethodList() string {
	names := make([]string, len(AuthMethods))
	for i, m := range AuthMethods {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

// paramsText writes the extra parameters one name=value a line, sorted by name.
func paramsText(s *Settings) string {
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(s.Params)) {
		for _, v := range s.Params[k] {
			lines = append(lines, k+"="+v)
		}
	}
	return strings.Join(lines, "\n")
}

// setParams reads name=value lines (blank lines are skipped). The values
// are plain text, not URL-encoded.
func setParams(s *Settings, t string) error {
	s.Params = nil
	for _, line := range strings.Split(t, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if k = strings.TrimSpace(k); !ok || k == "" {
			return fmt.Errorf("%q is not name=value", line)
		}
		if s.Params == nil {
			s.Params = map[string][]string{}
		}
		s.Params.Add(k, strings.TrimSpace(v))
	}
	return nil
}

func setPort(s *Settings, t string) error {
	s.RedirectPort = 0
	if t = strings.TrimSpace(t); t == "" {
		return nil
	}
	n, err := strconv.Atoi(t)
	if err != nil {
		return errors.New("the port must be a number (0 picks a free port)")
	}
	s.RedirectPort = n
	return nil
}

// boolSetter reads "true"/"false" ("" is false) into a boolean setting.
func boolSetter(field func(*Settings) *bool) func(*Settings, string) error {
	return func(s *Settings, t string) error {
		if t == "" {
			*field(s) = false
			return nil
		}
		b, err := strconv.ParseBool(t)
		if err != nil {
			return fmt.Errorf("%q is not true or false", t)
		}
		*field(s) = b
		return nil
	}
}

// boolField is a boolean setting: --flag alone means true.
func boolField(flag, key, usage string, field func(*Settings) *bool) Field {
	return Field{Flag: flag, Key: key, Usage: usage, Bool: true,
		Text:    func(s *Settings) string { return strconv.FormatBool(*field(s)) },
		SetText: boolSetter(field)}
}

// FieldByKey returns the setting with this Field.Key.
func FieldByKey(key string) (Field, bool) {
	for _, f := range Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// Flags are the settings given on a command line; Apply lays them over a
// base (a saved profile, or the zero Settings).
type Flags struct {
	given map[string][]string // flag name -> the values given, in order
}

// BindFlags defines a flag for every setting on fs (--issuer, --client-id,
// ..., --jwks-uri) and returns what parsing records. A flag given replaces
// the base's value; a repeatable flag (--scope, --resource, --param) given
// several times makes one list. The flow commands and "profile add/edit"
// all bind their settings flags here.
func BindFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{given: map[string][]string{}}
	for _, fd := range Fields {
		fs.Var(&flagValue{flags: f, field: fd}, fd.Flag, fd.Usage)
	}
	return f
}

// Apply sets on s every setting given as a flag.
func (f *Flags) Apply(s *Settings) {
	for _, fd := range Fields {
		if vals, ok := f.given[fd.Flag]; ok {
			fd.SetText(s, strings.Join(vals, fd.Sep)) // checked when the flag was parsed
		}
	}
}

// Given reports whether the flag was given.
func (f *Flags) Given(flag string) bool {
	_, ok := f.given[flag]
	return ok
}

// flagValue is the flag.Value of one setting.
type flagValue struct {
	flags *Flags
	field Field
}

// String is "": the settings' defaults are described in the usage text.
func (v *flagValue) String() string { return "" }

// Set checks the value and records it.
func (v *flagValue) Set(text string) error {
	vals := []string{text}
	if v.field.Sep != "" {
		vals = append(v.flags.given[v.field.Flag], text)
	}
	var probe Settings
	if err := v.field.SetText(&probe, strings.Join(vals, v.field.Sep)); err != nil {
		return err
	}
	v.flags.given[v.field.Flag] = vals
	return nil
}

// IsBoolFlag makes --insecure work without a value.
func (v *flagValue) IsBoolFlag() bool { return v.field.Bool }
