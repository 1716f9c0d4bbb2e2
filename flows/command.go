package flows

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tokeninspector/tokeninspector/settings"
)

// Copy as command: an exchange of the transcript, or a grant, written as a
// curl or oauth2c command line for a POSIX shell. Secrets never appear as
// literals: they are shell variables ("$CLIENT_SECRET") the user sets first,
// listed in a comment on the first line.

// secretVariables maps the form fields whose values are secrets to the shell
// variable that stands for them.
var secretVariables = map[string]string{
	"client_secret":    "CLIENT_SECRET",
	"client_assertion": "CLIENT_ASSERTION",
	"password":         "PASSWORD",
	"code":             "CODE",
	"code_verifier":    "CODE_VERIFIER",
	"refresh_token":    "REFRESH_TOKEN",
	"device_code":      "DEVICE_CODE",
	"token":            "TOKEN",
	"subject_token":    "SUBJECT_TOKEN",
	"actor_token":      "ACTOR_TOKEN",
	"assertion":        "ASSERTION",
	"id_token_hint":    "ID_TOKEN",
}

// secretDescriptions say what each variable must hold.
var secretDescriptions = map[string]string{
	"CLIENT_SECRET":    "the client secret",
	"CLIENT_ASSERTION": "a fresh client assertion (JWT)",
	"PASSWORD":         "the password",
	"CODE":             "the authorization code",
	"CODE_VERIFIER":    "the PKCE code verifier",
	"REFRESH_TOKEN":    "the refresh token",
	"DEVICE_CODE":      "the device code",
	"TOKEN":            "the token",
	"SUBJECT_TOKEN":    "the subject token",
	"ACTOR_TOKEN":      "the actor token",
	"ASSERTION":        "the assertion (JWT)",
	"ID_TOKEN":         "the ID token",
	"ACCESS_TOKEN":     "the access token",
	"DPOP_KEY":         "the DPoP private key file (PEM)",
	"SIGNING_KEY":      "the client's signing key as a JWKS file",
}

// droppedHeaders are not worth repeating (curl sets them) or are secrets
// with no sensible variable (cookies).
var droppedHeaders = []string{"Content-Length", "User-Agent", "Accept-Encoding", "Cookie", "Content-Type"}

// CurlCommand writes x as a curl command line. clientID, when known, fills
// the user name of HTTP Basic authentication; the secret is always
// $CLIENT_SECRET. A DPoP header becomes a fresh proof made by
// "tokeninspector dpop-proof" with the key in $DPOP_KEY, since a proof is
// valid once.
func CurlCommand(x Exchange, clientID string) string {
	var vars []string
	use := func(v string) string {
		if !slices.Contains(vars, v) {
			vars = append(vars, v)
		}
		return "$" + v
	}
	first := "curl -sS "
	if x.Method != "" && x.Method != "GET" && !(x.Method == "POST" && x.RequestBody != "") {
		first += "-X " + x.Method + " "
	}
	args := []string{first + shellQuote(x.URL)}
	bearer := ""
	names := make([]string, 0, len(x.RequestHeaders))
	for k := range x.RequestHeaders {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range x.RequestHeaders[name] {
			switch {
			case slices.Contains(droppedHeaders, name):
			case name == "Authorization":
				scheme, _, _ := strings.Cut(v, " ")
				if strings.EqualFold(scheme, "Basic") {
					user := clientID
					if user == "" {
						user = use("CLIENT_ID")
					}
					args = append(args, `-u "`+user+":"+use("CLIENT_SECRET")+`"`)
				} else {
					bearer = use("ACCESS_TOKEN")
					args = append(args, `-H "Authorization: `+scheme+" "+bearer+`"`)
				}
			case name == "Dpop":
				args = append(args, `-H "DPoP: $(tokeninspector dpop-proof --dpop-key "`+use("DPOP_KEY")+`" --method `+x.Method+
					" --url "+shellQuote(x.URL)+dpopTokenArg(bearer)+`)"`)
			default:
				args = append(args, "-H "+shellQuote(name+": "+v))
			}
		}
	}
	args = append(args, formArgs(x.RequestBody, use)...)
	return commandText(vars, args)
}

func dpopTokenArg(bearer string) string {
	if bearer == "" {
		return ""
	}
	return ` --access-token "` + bearer + `"`
}

// formArgs turns a form body into --data-urlencode arguments, secret
// fields as variables; a body that is no form is passed as it is.
func formArgs(body string, use func(string) string) []string {
	if body == "" {
		return nil
	}
	var out []string
	for _, pair := range strings.Split(body, "&") {
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return []string{"--data-binary " + shellQuote(body)}
		}
		if name, secret := secretVariables[key]; secret {
			out = append(out, `--data-urlencode "`+key+"="+use(name)+`"`)
			continue
		}
		out = append(out, "--data-urlencode "+shellQuote(key+"="+val))
	}
	return out
}

// GrantCommand describes a token request for [OAuth2cCommand].
type GrantCommand struct {
	GrantType        string // "authorization_code", "refresh_token", "client_credentials", DeviceGrantType, JWTBearerGrantType, TokenExchangeGrantType
	SubjectTokenType string // token exchange
	ActorTokenType   string // token exchange, with an actor token
	PAR, DPoP        bool
}

// OAuth2cCommand writes the grant as an oauth2c command line
// (github.com/cloudentity/oauth2c), with the profile's issuer, client, auth
// method, scopes and audience; secrets are shell variables.
func OAuth2cCommand(cfg Config, g GrantCommand) string {
	var vars []string
	use := func(v string) string {
		if !slices.Contains(vars, v) {
			vars = append(vars, v)
		}
		return `"$` + v + `"`
	}
	issuer := cfg.Issuer
	if issuer == "" {
		issuer = cfg.Endpoints.Token
	}
	args := []string{"oauth2c " + shellQuote(redactURL(issuer)), "--client-id " + shellQuote(cfg.ClientID)}
	method := cfg.AuthMethod
	if method == "" {
		method = defaultAuthMethod(cfg)
	}
	args = append(args, "--auth-method "+string(method))
	switch method {
	case settings.AuthSecretBasic, settings.AuthSecretPost, settings.AuthSecretJWT:
		args = append(args, "--client-secret "+use("CLIENT_SECRET"))
	case settings.AuthPrivateKeyJWT:
		args = append(args, "--signing-key "+use("SIGNING_KEY"))
	}
	args = append(args, "--grant-type "+g.GrantType)
	switch g.GrantType {
	case "authorization_code":
		args = append(args, "--response-types code", "--pkce")
		if g.PAR {
			args = append(args, "--par")
		}
	case "refresh_token":
		args = append(args, "--refresh-token "+use("REFRESH_TOKEN"))
	case TokenExchangeGrantType:
		args = append(args, "--subject-token "+use("SUBJECT_TOKEN"), "--subject-token-type "+g.SubjectTokenType)
		if g.ActorTokenType != "" {
			args = append(args, "--actor-token "+use("ACTOR_TOKEN"), "--actor-token-type "+g.ActorTokenType)
		}
	}
	if len(cfg.Scopes) > 0 {
		args = append(args, "--scopes "+shellQuote(strings.Join(cfg.Scopes, ",")))
	}
	if cfg.Audience != "" {
		args = append(args, "--audience "+shellQuote(cfg.Audience))
	}
	if g.DPoP {
		args = append(args, "--dpop")
	}
	if cfg.Insecure {
		args = append(args, "--insecure")
	}
	if cfg.CAFile != "" {
		args = append(args, "--tls-root-ca "+shellQuote(cfg.CAFile))
	}
	return commandText(vars, args)
}

// commandText joins the arguments with line continuations under a comment
// naming the variables to set.
func commandText(vars, args []string) string {
	var b strings.Builder
	if len(vars) > 0 {
		b.WriteString("# Set first:")
		for i, v := range vars {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %s (%s)", v, secretDescriptions[v])
		}
		b.WriteString("\n")
	}
	b.WriteString(strings.Join(args, " \\\n  "))
	b.WriteString("\n")
	return b.String()
}

// shellQuote quotes s for a POSIX shell: single quotes, with each ' written
// as '\”. Control characters are kept out of the command (escaped as \xNN
// text), so a pasted command cannot hide a line break.
func shellQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			fmt.Fprintf(&b, `\x%02x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return "'" + strings.ReplaceAll(b.String(), "'", `'\''`) + "'"
}
