package flows

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tokeninspector/tokeninspector/settings"
)

func TestCurlCommand(t *testing.T) {
	x := Exchange{
		Method: "POST", URL: "https://idp.example/token",
		RequestHeaders: http.Header{"Authorization": {"Basic " + Redacted}, "Content-Type": {"application/x-www-form-urlencoded"},
			"Accept": {"application/json"}, "Dpop": {Redacted}},
		RequestBody: "grant_type=refresh_token&refresh_token=rt-SECRET-VALUE&client_secret=%5Bredacted%5D&scope=a+b",
	}
	got := CurlCommand(x, "my-client")
	for _, want := range []string{
		"curl -sS 'https://idp.example/token'",
		`-u "my-client:$CLIENT_SECRET"`,
		`--data-urlencode "refresh_token=$REFRESH_TOKEN"`,
		`--data-urlencode 'scope=a b'`,
		`--data-urlencode 'grant_type=refresh_token'`,
		`-H "DPoP: $(tokeninspector dpop-proof --dpop-key "$DPOP_KEY" --method POST --url 'https://idp.example/token')"`,
		"# Set first: CLIENT_SECRET (the client secret); DPOP_KEY",
		"-H 'Accept: application/json'",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("curl command lacks %q:\n%s", want, got)
		}
	}
	for _, leak := range []string{"rt-SECRET-VALUE", "redacted", "Content-Type"} {
		if strings.Contains(got, leak) {
			t.Errorf("curl command contains %q:\n%s", leak, got)
		}
	}
	bearer := CurlCommand(Exchange{Method: "GET", URL: "https://rs.example/me?a='b'", RequestHeaders: http.Header{"Authorization": {"DPoP " + Redacted}, "Dpop": {Redacted}}}, "")
	for _, want := range []string{`-H "Authorization: DPoP $ACCESS_TOKEN"`, `--access-token "$ACCESS_TOKEN"`, `'https://rs.example/me?a='\''b'\'''`, "--method GET"} {
		if !strings.Contains(bearer, want) {
			t.Errorf("lacks %q:\n%s", want, bearer)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"plain": "'plain'", "it's": `'it'\''s'`, "a\nb": `'a\x0ab'`, "$HOME": "'$HOME'"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestOAuth2cCommand(t *testing.T) {
	cfg := Config{Settings: settings.Settings{Issuer: "https://idp.example", ClientID: "c1", Scopes: []string{"openid", "api.read"}, Audience: "api"}, ClientSecret: "s3cret"}
	got := OAuth2cCommand(cfg, GrantCommand{GrantType: TokenExchangeGrantType, SubjectTokenType: TokenTypeAccessToken, ActorTokenType: TokenTypeJWT, DPoP: true})
	for _, want := range []string{"oauth2c 'https://idp.example'", "--client-id 'c1'", "--auth-method client_secret_basic", `--client-secret "$CLIENT_SECRET"`,
		"--grant-type " + TokenExchangeGrantType, `--subject-token "$SUBJECT_TOKEN"`, "--subject-token-type " + TokenTypeAccessToken,
		`--actor-token "$ACTOR_TOKEN"`, "--scopes 'openid,api.read'", "--audience 'api'", "--dpop"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "s3cret") {
		t.Errorf("secret literal in:\n%s", got)
	}
	code := OAuth2cCommand(Config{Settings: settings.Settings{Issuer: "https://idp.example", ClientID: "pub"}}, GrantCommand{GrantType: "authorization_code", PAR: true})
	for _, want := range []string{"--auth-method none", "--pkce", "--par", "--response-types code"} {
		if !strings.Contains(code, want) {
			t.Errorf("lacks %q:\n%s", want, code)
		}
	}
}
