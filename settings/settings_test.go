package settings

import (
	"encoding/json"
	"flag"
	"io"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// full has every setting set to a value other than its zero value.
func full() Settings {
	return Settings{
		Issuer: "https://i",
		Endpoints: Endpoints{Authorization: "https://i/a", Token: "https://i/t", Introspection: "https://i/in",
			Revocation: "https://i/r", UserInfo: "https://i/u", DeviceAuthorization: "https://i/d", JWKS: "https://i/j",
			PAR: "https://i/par", EndSession: "https://i/logout"},
		ClientID: "c", AuthMethod: AuthPrivateKeyJWT, PrivateKeyID: "k1",
		Scopes: []string{"openid", "email"}, Audience: "aud", Resources: []string{"https://api.a", "https://api.b"},
		Params:       url.Values{"acr_values": {"gold", "silver"}, "prompt": {"login"}},
		RedirectHost: "[::1]", RedirectPort: 9, RedirectPath: "/cb", CAFile: "/ca.pem", Insecure: true,
		PAR: true, DPoP: true, ClientAssertionFile: "/run/token",
		Skew: Duration(time.Minute), Timeout: Duration(5 * time.Second),
		RFC9068: true, RequiredScopes: []string{"orders:read", "admin"},
	}
}

// Every setting has a Field, and Text then SetText gives the setting back:
// the editor and the flags lose nothing.
func TestFieldsRoundTrip(t *testing.T) {
	want := full()
	var got Settings
	for _, f := range Fields {
		if err := f.SetText(&got, f.Text(&want)); err != nil {
			t.Errorf("%s: SetText(%q): %v", f.Key, f.Text(&want), err)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// Each struct field (and endpoint) must be reachable: a Settings with
	// one field reset differs in some Field's text.
	v := reflect.ValueOf(want)
	for i := range v.NumField() {
		s := want.Clone()
		reflect.ValueOf(&s).Elem().Field(i).SetZero()
		if fieldsText(s) == fieldsText(want) {
			t.Errorf("no Field shows Settings.%s", v.Type().Field(i).Name)
		}
	}
}

func fieldsText(s Settings) string {
	var b strings.Builder
	for _, f := range Fields {
		b.WriteString(f.Key + "=" + f.Text(&s) + "\n")
	}
	return b.String()
}

func TestBindFlags(t *testing.T) {
	base := full()
	tests := []struct {
		name string
		args []string
		edit func(*Settings) // what the flags should change on base
	}{
		{"none", nil, func(*Settings) {}},
		{"string", []string{"--issuer", "https://other", "--client-id", "x"}, func(s *Settings) { s.Issuer, s.ClientID = "https://other", "x" }},
		{"empty string clears", []string{"--audience", ""}, func(s *Settings) { s.Audience = "" }},
		{"scopes replace, repeated add", []string{"--scope", "a b", "--scope", "c"}, func(s *Settings) { s.Scopes = []string{"a", "b", "c"} }},
		{"resources", []string{"--resource", "https://r1", "--resource", "https://r2"}, func(s *Settings) { s.Resources = []string{"https://r1", "https://r2"} }},
		{"params", []string{"--param", "prompt=none", "--param", "max_age=0"}, func(s *Settings) { s.Params = url.Values{"prompt": {"none"}, "max_age": {"0"}} }},
		{"bool alone", []string{"--insecure=false"}, func(s *Settings) { s.Insecure = false }},
		{"durations and port", []string{"--skew", "2m", "--timeout", "0", "--redirect-port", "8765"}, func(s *Settings) {
			s.Skew, s.Timeout, s.RedirectPort = Duration(2*time.Minute), 0, 8765
		}},
		{"endpoint", []string{"--token-endpoint", "https://t", "--jwks-uri", "https://j"}, func(s *Settings) { s.Endpoints.Token, s.Endpoints.JWKS = "https://t", "https://j" }},
		{"auth method", []string{"--auth-method", "none"}, func(s *Settings) { s.AuthMethod = AuthNone }},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		f := BindFlags(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, want := base.Clone(), base.Clone()
		f.Apply(&got)
		tt.edit(&want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, want)
		}
	}

	var zero Settings
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	f := BindFlags(fs)
	if err := fs.Parse([]string{"--insecure"}); err != nil || !f.Given("insecure") || f.Given("issuer") {
		t.Fatalf("--insecure alone: %v", err)
	}
	f.Apply(&zero)
	if !zero.Insecure {
		t.Error("--insecure alone did not set Insecure")
	}
}

func TestBindFlagsRejects(t *testing.T) {
	for _, args := range [][]string{
		{"--param", "novalue"},
		{"--skew", "soon"},
		{"--redirect-port", "eighty"},
		{"--insecure=maybe"},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		BindFlags(fs)
		if err := fs.Parse(args); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

// The JSON of Settings is the profile file's: member names and duration
// strings.
func TestJSON(t *testing.T) {
	data, err := json.Marshal(Settings{Endpoints: Endpoints{Token: "https://t"}, Skew: Duration(90 * time.Second), AuthMethod: AuthNone})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"endpoints":{"token":"https://t"},"auth_method":"none","skew":"1m30s"}`; string(data) != want {
		t.Errorf("JSON = %s; want %s", data, want)
	}
	var d Duration
	if err := json.Unmarshal([]byte("2.5"), &d); err != nil || d.D() != 2500*time.Millisecond {
		t.Errorf("a number of seconds: %v %v", d, err)
	}
}

func TestEndpointsMerge(t *testing.T) {
	manual := Endpoints{Token: "https://manual/token"}
	got := manual.Merge(Endpoints{Token: "https://disc/token", JWKS: "https://disc/jwks"})
	if got.Token != "https://manual/token" || got.JWKS != "https://disc/jwks" || got.Get("jwks") != "https://disc/jwks" {
		t.Errorf("Merge = %+v", got)
	}
}
