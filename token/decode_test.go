package token

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTolerantInput(t *testing.T) {
	wrapped := rfc7515A1Token[:30] + "\n" + rfc7515A1Token[30:90] + "\r\n  " + rfc7515A1Token[90:]
	for name, in := range map[string]string{
		"plain":        rfc7515A1Token,
		"spaces":       "  \t" + rfc7515A1Token + " \n",
		"double quote": `"` + rfc7515A1Token + `"`,
		"single quote": "'" + rfc7515A1Token + "'",
		"bearer":       "Bearer " + rfc7515A1Token,
		"BEARER quote": `"bearer  ` + rfc7515A1Token + `"`,
		"line breaks":  wrapped,
	} {
		t.Run(name, func(t *testing.T) {
			r := inspect(t, in, Options{Keys: mustJWK(t, rfc7515A1Key), At: rfcNow})
			if r.Signature.Status != SigValid {
				t.Fatalf("%s: %s", r.Signature.Status, r.Signature.Reason)
			}
		})
	}
}

func TestOrderKept(t *testing.T) {
	r := inspect(t, rfc7515A1Token, Options{})
	var h, c []string
	for _, m := range r.Header {
		h = append(h, m.Name)
	}
	for _, m := range r.Claims {
		c = append(c, m.Name)
	}
	if strings.Join(h, ",") != "typ,alg" || strings.Join(c, ",") != "iss,exp,http://example.com/is_root" {
		t.Fatalf("header %v claims %v", h, c)
	}
	out, err := json.Marshal(r.Claims)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"iss":"joe","exp":1300819380,"http://example.com/is_root":true}`; string(out) != want {
		t.Fatalf("claims JSON %s, want %s", out, want)
	}
	if len(r.Segments) != 3 || r.Segments[1].Name != "payload" {
		t.Errorf("segments %+v", r.Segments)
	}
}

func TestOpaque(t *testing.T) {
	tests := map[string]string{
		"RFC 6749 example":  "2YotnFZFEjr1zCsicMWpAA",
		"GitHub":            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
		"two dots, not b64": "abc.d!f.ghi",
		"Google":            "ya29.a0AfH6SMBx",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := Inspect(context.Background(), in, Options{})
			if err != nil {
				t.Fatalf("error for an opaque token: %v", err)
			}
			if r.Kind != KindOpaque || r.Opaque == "" || r.OK() {
				t.Fatalf("report %+v", r)
			}
		})
	}
	r, _ := Inspect(context.Background(), tests["GitHub"], Options{})
	if !strings.Contains(r.Opaque, "GitHub") {
		t.Errorf("opaque note %q", r.Opaque)
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestBrokenJWT(t *testing.T) {
	hdr := b64(`{"alg":"HS256"}`)
	tests := []struct {
		name    string
		in      string
		segment string
		offset  int
		reason  string
	}{
		{"empty", "  ", "token", 0, "empty"},
		{"two segments", hdr + "." + b64(`{}`), "token", 0, "has 2"},
		{"four segments", hdr + ".a.b.c", "token", 0, "has 4"},
		{"header bad char", hdr[:7] + "!" + hdr[8:] + ".e30.", "header", 7, "bad base64url at offset 7"},
		{"standard base64", hdr + ".e30+.", "payload", 3, "standard base64"},
		{"impossible length", hdr + ".e30AB.", "payload", 4, "impossible"},
		{"header not JSON", b64("hello") + ".e30.", "header", 0, "invalid JSON at offset 0"},
		{"header not an object", b64(`["alg"]`) + ".e30.", "header", 0, "not a JSON object"},
		{"payload invalid JSON", hdr + "." + b64(`{"a":}`) + ".", "payload", 5, "invalid JSON at offset 5"},
		{"payload truncated", hdr + "." + b64(`{"sub":"alice"`) + ".", "payload", 14, "expected ',' or '}'"},
		{"signature bad", hdr + ".e30.a$b", "signature", 1, "bad base64url at offset 1"},
		{"JWE bad iv", b64(`{"alg":"dir","enc":"A128GCM"}`) + "..a*b..", "iv", 1, "bad base64url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Inspect(context.Background(), tt.in, Options{})
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got report %+v, err %v; want *DecodeError", r, err)
			}
			if de.Segment != tt.segment || de.Offset != tt.offset || !strings.Contains(de.Error(), tt.reason) {
				t.Fatalf("got %s@%d %q, want %s@%d containing %q", de.Segment, de.Offset, de.Error(), tt.segment, tt.offset, tt.reason)
			}
		})
	}
}

func TestNonJSONPayloadIsAJWS(t *testing.T) {
	r := inspect(t, rfc8037Token, Options{})
	if r.Payload != "Example of Ed25519 signing" || len(r.Claims) != 0 || len(r.Checks) != 0 {
		t.Fatalf("payload %q claims %v checks %v", r.Payload, r.Claims, r.Checks)
	}
	if !hasWarning(r, "payload_not_json") {
		t.Error("no payload_not_json warning")
	}
}

func TestTimes(t *testing.T) {
	now := time.Unix(1700000000, 0)
	r := inspect(t, unsigned(`{"alg":"none"}`, `{"iat":1699999000,"exp":1700001380.5,"auth_time":1699990000,"name":"x","updated_at":"bad"}`, ""), Options{At: now})
	var names []string
	for _, tc := range r.Times {
		names = append(names, tc.Claim)
	}
	if strings.Join(names, ",") != "iat,exp,auth_time" {
		t.Fatalf("times %v", names)
	}
	exp := r.Times[1]
	if exp.UTC() != "2023-11-14T22:36:20Z" || exp.Relative() != "in 23 min" {
		t.Errorf("exp rendered %q %q", exp.UTC(), exp.Relative())
	}
	out, err := json.Marshal(exp)
	if err != nil || !strings.Contains(string(out), `"relative":"in 23 min"`) || !strings.Contains(string(out), `"local":`) {
		t.Errorf("JSON %s %v", out, err)
	}
}

func TestRelative(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "now"},
		{23 * time.Minute, "in 23 min"},
		{-3 * time.Hour, "3 h ago"},
		{-(3*time.Hour + 10*time.Minute), "3 h 10 min ago"},
		{45 * time.Second, "in 45 s"},
		{30 * time.Hour, "in 30 h"},
		{-10 * 24 * time.Hour, "10 days ago"},
		{5 * 8766 * time.Hour, "in 5 years"},
	}
	for _, tt := range tests {
		if got := Relative(now.Add(tt.d), now); got != tt.want {
			t.Errorf("Relative(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	for claim, vendor := range map[string]string{"exp": "", "email": "", "cnf": "", "act": "", "may_act": "", "oid": "Microsoft Entra ID", "realm_access": "Keycloak", "hd": "Google", "cid": "Okta", "https://example.com/roles": "custom"} {
		d, ok := Describe(claim)
		if !ok || d.Description == "" || d.Spec == "" || d.Vendor != vendor || d.Name != claim {
			t.Errorf("Describe(%q) = %+v, %v", claim, d, ok)
		}
	}
	if _, ok := Describe("favourite_colour"); ok {
		t.Error("unknown claim described")
	}
	if d, ok := DescribeHeader("kid"); !ok || d.Spec != "RFC 7515 4.1.4" {
		t.Errorf("DescribeHeader(kid) = %+v", d)
	}
}

func TestDiffClaims(t *testing.T) {
	old := mustObject(t, `{"sub":"a","exp":1,"nonce":"n","roles":["x"]}`)
	nw := mustObject(t, `{"sub":"a","exp":2,"roles":[ "x" ],"sid":"s"}`)
	got := DiffClaims(old, nw)
	want := []Change{{"exp", Changed, "1", "2"}, {"nonce", Removed, `"n"`, ""}, {"sid", Added, "", `"s"`}}
	if len(got) != len(want) {
		t.Fatalf("diff %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestDuplicateMembers(t *testing.T) {
	r := inspect(t, unsigned(`{"alg":"none","alg":"HS256"}`, `{"sub":"a","sub":"b"}`, ""), Options{})
	if sub, _ := r.Claims.String("sub"); sub != "b" {
		t.Errorf("last duplicate should win, got %q", sub)
	}
	if !hasWarning(r, "duplicate_member") {
		t.Errorf("no duplicate_member warning: %+v", r.Warnings)
	}
}

func mustObject(t *testing.T, s string) Object {
	t.Helper()
	var o Object
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestTimeClaimsMatchDictionary(t *testing.T) {
	for name, d := range dictionary {
		if d.Time != isTimeClaim(name) {
			t.Errorf("%s: dictionary Time %v, isTimeClaim %v", name, d.Time, isTimeClaim(name))
		}
	}
}

func TestUnknownClaims(t *testing.T) {
	r := inspect(t, unsigned(`{"alg":"none"}`, `{"sub":"a","favourite_colour":"blue","https://example.com/tier":"gold"}`, ""), Options{})
	if len(r.UnknownClaims) != 1 || r.UnknownClaims[0] != "favourite_colour" {
		t.Fatalf("unknown claims %v", r.UnknownClaims)
	}
}

// TestTextWithSpacesIsNotAToken: words are an error, never squeezed into
// an opaque token or a JWT.
func TestTextWithSpacesIsNotAToken(t *testing.T) {
	for name, in := range map[string]string{
		"sentence":           "this is not a token",
		"spaced JWT":         rfc7515A1Token[:40] + " " + rfc7515A1Token[40:],
		"two tokens":         rfc7515A1Token + " " + rfc7515A1Token,
		"tab inside a line":  "abc\tdef",
		"quoted with spaces": `"hello world"`,
	} {
		t.Run(name, func(t *testing.T) {
			r, err := Inspect(context.Background(), in, Options{})
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(de.Reason, "contains spaces") {
				t.Fatalf("Inspect(%q) = %+v, %v; want a decode error about spaces", in, r, err)
			}
		})
	}
}
