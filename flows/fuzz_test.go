package flows

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodeObject: any body, status and content type gives a map or a
// typed error, never a panic.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{"access_token":"x"}`, `{"error":"invalid_grant"}`, `<html>`, ``, `null`, `{"a":1}{"b":2}`, `[1,2]`, `{"error":5}`} {
		f.Add(s, 200, "application/json")
		f.Add(s, 400, "text/html")
	}
	f.Fuzz(func(t *testing.T, body string, status int, ct string) {
		h := http.Header{"Content-Type": {ct}}
		obj, err := decodeObject("token", "https://idp/token", status, h, []byte(body))
		if (obj == nil) == (err == nil) {
			t.Fatalf("decodeObject(%q) = %v, %v: want exactly one", body, obj, err)
		}
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

// FuzzAuthParams: WWW-Authenticate parsing never panics or loops.
func FuzzAuthParams(f *testing.F) {
	for _, s := range []string{`Bearer error="invalid_token", error_description="expired"`, `Bearer realm=x,error=y`, `Bearer "`, `Basic`, `Bearer a="b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		authParams(h)
	})
}

// FuzzRedact: redaction never lets a secret value through.
func FuzzRedact(f *testing.F) {
	f.Add("client_secret=s3cr3t&a=b", "s3cr3t")
	f.Add(`{"client_secret":"s3cr3t"}`, "s3cr3t")
	f.Fuzz(func(t *testing.T, prefix, secret string) {
		if len(secret) < 4 || strings.ContainsAny(secret, "&=%+;\"\\") {
			return
		}
		form := prefix + "&client_secret=" + secret
		got := redactBody("application/x-www-form-urlencoded", []byte(form), secretFields)
		for _, pair := range strings.Split(got, "&") {
			if pair == "client_secret="+secret {
				t.Fatalf("form secret leaked: %q", got)
			}
		}
	})
}

// FuzzReveal: Revealed gives what the exchange gave when it kept a second
// copy of each body: a form with only client secrets and passwords
// redacted, whatever the form holds, and, for a JSON object, the same
// members as the original with only those redacted.
func FuzzReveal(f *testing.F) {
	f.Add("grant_type=refresh_token&refresh_token=rt&client_secret=s")
	f.Add("code=a&code=b&&=&%zz=1&refresh%5Ftoken=x")
	f.Add(`{"refresh_token":"rt","password":"p","n":[1,2]}`)
	f.Fuzz(func(t *testing.T, s string) {
		var x Exchange
		x.setBodies("application/x-www-form-urlencoded", []byte(s), "application/json", []byte(s))
		if got, want := x.Revealed().RequestBody, redactForm(s, alwaysSecret); got != want {
			t.Fatalf("revealed form = %q; want %q", got, want)
		}
		var got, want map[string]any
		if json.Unmarshal([]byte(x.Revealed().ResponseBody), &got) != nil {
			return
		}
		json.Unmarshal([]byte(redactJSON([]byte(s), alwaysSecret)), &want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("revealed JSON = %v; want %v", got, want)
		}
	})
}
