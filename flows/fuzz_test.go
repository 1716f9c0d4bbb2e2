package flows

import (
	"net/http"
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
