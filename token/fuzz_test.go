package token

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzInspect feeds arbitrary text to Inspect: it must never panic, must
// return either a report or a *DecodeError, and a report must be coherent.
// Seeds live in testdata/fuzz/FuzzInspect, so plain "go test" replays them.
func FuzzInspect(f *testing.F) {
	for _, s := range []string{rfc7515A1Token, rfc7515A5Token, rfc8037Token, rfc7520Enc52, "2YotnFZFEjr1zCsicMWpAA", "Bearer eyJ"} {
		f.Add(s)
	}
	keys, err := ParseJWK([]byte(rfc7515A1Key), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := Inspect(context.Background(), in, Options{Keys: keys, At: rfcNow, Issuer: "joe", Audience: "x", Nonce: "n", AccessToken: "a", Code: "c"})
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Reason == "" {
				t.Fatalf("error %v (%T) is not a *DecodeError with a reason", err, err)
			}
			if r != nil {
				t.Fatal("both a report and an error")
			}
			return
		}
		if r.Kind != KindJWS && r.Kind != KindJWE && r.Kind != KindOpaque {
			t.Fatalf("kind %q", r.Kind)
		}
		if r.Signature.Status == "" || (r.Signature.Status != SigValid && r.Signature.Reason == "") {
			t.Fatalf("signature %+v", r.Signature)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("report does not marshal: %v", err)
		}
	})
}

// FuzzParseObject compares the hot-path JSON scanner with encoding/json:
// both must agree on what is a valid JSON object (the scanner also rejects
// invalid UTF-8, which encoding/json lets through), and members must
// re-marshal to equivalent JSON.
func FuzzParseObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":[1,{"b":null}],"c":"\u00e9\n"}`, `{"a":}`, `[1]`, `{"a":1}x`, `{"a":-0.5e+3}`, `{"a":01}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := parseObject(data)
		var v any
		stdErr := json.Unmarshal(data, &v)
		_, isMap := v.(map[string]any)
		stdOK := stdErr == nil && isMap && utf8.Valid(data)
		if !stdOK && nesting(data) > 10000 {
			return // deeper than encoding/json goes: the scanner accepts it on purpose (maxDepth)
		}
		if (err == nil) != stdOK {
			t.Fatalf("scanner err %v, encoding/json err %v (object %v) for %q", err, stdErr, isMap, data)
		}
		if err != nil {
			return
		}
		out, err := json.Marshal(obj)
		if err != nil {
			t.Fatalf("re-marshal: %v", err)
		}
		var back any
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-marshalled JSON invalid: %v\n%s", err, out)
		}
	})
}
