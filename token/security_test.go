package token

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// remoteSet is a KeySet whose keys came from the network (a fetched JWKS).
type remoteSet struct{ *KeySet }

func (s remoteSet) Lookup(ctx context.Context, kid string) (KeyLookup, error) {
	l, err := s.KeySet.Lookup(ctx, kid)
	l.Remote = true
	return l, err
}

// TestRemoteSymmetricKeysSkipped: an oct key from the network never
// verifies, alone or joined with local sources; the same key given locally
// does.
func TestRemoteSymmetricKeysSkipped(t *testing.T) {
	k := getKeys(t)
	tok := sign(t, "HS256", k.hmac, `{"sub":"a"}`, map[string]any{"kid": "oct-1"})
	set := NewKeySet([]jose.JSONWebKey{{Key: k.hmac, KeyID: "oct-1", Use: "sig"}, k.publicJWK("RS256", "rsa-1")}, "JWKS https://idp/jwks")
	tests := []struct {
		name  string
		keys  KeySource
		valid bool
	}{
		{"local JWKS file", set, true},
		{"fetched JWKS", remoteSet{set}, false},
		{"JWKS captured in a HAR (FromNetwork)", set.FromNetwork(), false},
		{"fetched JWKS joined with a local PEM", JoinKeySources(remoteSet{set}, NewKeySet([]jose.JSONWebKey{k.publicJWK("ES256", "")}, "PEM file")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := inspect(t, tok, Options{Keys: tt.keys})
			if (r.Signature.Status == SigValid) != tt.valid {
				t.Fatalf("status %s (%s); want valid=%v", r.Signature.Status, r.Signature.Reason, tt.valid)
			}
			if tt.valid {
				return
			}
			if !strings.Contains(strings.Join(r.Signature.Skipped, "\n"), `symmetric key (kid "oct-1")`) || !hasWarning(r, "published_secret") {
				t.Errorf("skipped %q, warnings %+v; want the published key listed and warned about", r.Signature.Skipped, r.Warnings)
			}
		})
	}
}

// TestHMACKidSelectsFirst: with 50 local HMAC keys, the kid picks the one
// key to try; a kid that none has is unknown, not 50 failed tries.
func TestHMACKidSelectsFirst(t *testing.T) {
	var list []jose.JSONWebKey
	secrets := make([][]byte, 50)
	for i := range secrets {
		secrets[i] = make([]byte, 32)
		rand.Read(secrets[i])
		list = append(list, jose.JSONWebKey{Key: secrets[i], KeyID: "k" + strconv.Itoa(i), Use: "sig"})
	}
	set := NewKeySet(list, "JWKS file keys.json")
	tok := sign(t, "HS256", secrets[49], `{"sub":"a"}`, map[string]any{"kid": "k49"})
	r := inspect(t, tok, Options{Keys: set})
	if r.Signature.Status != SigValid || r.Signature.Tried != 1 || r.Signature.Key.Chosen != "kid match" {
		t.Errorf("status %s, tried %d; want valid after one kid-matched try", r.Signature.Status, r.Signature.Tried)
	}
	tok = sign(t, "HS256", secrets[3], `{"sub":"a"}`, map[string]any{"kid": "nope"})
	r = inspect(t, tok, Options{Keys: set})
	if r.Signature.Code != CodeUnknownKid || r.Signature.Tried != 0 {
		t.Errorf("code %q, tried %d; want unknown_kid without tries", r.Signature.Code, r.Signature.Tried)
	}
}

// TestShortSecretPathCritAndB64: the short-HMAC-secret path enforces crit
// as go-jose does, and b64:false is never valid on any path.
func TestShortSecretPathCritAndB64(t *testing.T) {
	short := []byte("secret")
	long := getKeys(t).hmac
	tests := []struct {
		name, header string
		secret       []byte
		want         SigStatus
		code         string
	}{
		{"short secret, unknown crit", `{"alg":"HS256","crit":["urn:x"],"urn:x":1}`, short, SigInvalid, CodeMalformed},
		{"short secret, crit not an array", `{"alg":"HS256","crit":"urn:x"}`, short, SigInvalid, CodeMalformed},
		{"short secret, b64 false", `{"alg":"HS256","b64":false,"crit":["b64"]}`, short, SigUnsupported, CodeUnencoded},
		{"long secret, b64 false", `{"alg":"HS256","b64":false,"crit":["b64"]}`, long, SigUnsupported, CodeUnencoded},
		{"short secret, crit b64 with b64 true", `{"alg":"HS256","b64":true,"crit":["b64"]}`, short, SigValid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := unsignedHS256(t, tt.header, `{"sub":"a"}`, tt.secret)
			r := inspect(t, tok, Options{Secret: tt.secret})
			if r.Signature.Status != tt.want || r.Signature.Code != tt.code {
				t.Errorf("status %s code %q (%s); want %s %q", r.Signature.Status, r.Signature.Code, r.Signature.Reason, tt.want, tt.code)
			}
		})
	}
}

// TestWeakRSAKeys: a 512-bit RSA key, which crypto/rsa refuses, is "too weak
// / unsupported", not a bad signature; a 1024-bit key verifies with a lint.
func TestWeakRSAKeys(t *testing.T) {
	os.Setenv("GODEBUG", "rsa1024min=0") // only to make the weak key and sign with it
	weak, err := rsa.GenerateKey(rand.Reader, 512)
	var tok512 string
	if err == nil {
		tok512 = sign(t, "RS256", weak, `{"sub":"a"}`, nil)
	}
	os.Unsetenv("GODEBUG")
	if err != nil {
		t.Fatal(err)
	}
	r := inspect(t, tok512, Options{Keys: NewKeySet([]jose.JSONWebKey{{Key: &weak.PublicKey, Use: "sig"}}, "PEM file weak.pem")})
	if r.Signature.Status != SigUnsupported || r.Signature.Code != CodeWeakKey || !strings.Contains(r.Signature.Reason, "too weak / unsupported") ||
		!strings.Contains(r.Signature.Reason, "1 candidate key (the only RSA key) is an RSA key under 1024 bits") {
		t.Errorf("512-bit key: %s %q %s; want unsupported weak_key", r.Signature.Status, r.Signature.Code, r.Signature.Reason)
	}
	mid, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tok := sign(t, "RS256", mid, `{"sub":"a"}`, nil)
	r = inspect(t, tok, Options{Keys: NewKeySet([]jose.JSONWebKey{{Key: &mid.PublicKey, Use: "sig"}}, "PEM file mid.pem")})
	if r.Signature.Status != SigValid || !hasWarning(r, "weak_key") {
		t.Errorf("1024-bit key: %s, warnings %+v; want valid with a weak_key warning", r.Signature.Status, r.Warnings)
	}
}

// TestDeepNestingStillEncodes: claims nested 10,000 levels deep (and
// deeper than encoding/json goes) still give a report that encodes as JSON,
// and the report says what it left out.
func TestDeepNestingStillEncodes(t *testing.T) {
	for _, depth := range []int{9998, 10000, 10001, 20000} {
		deep := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		deepObj := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
		tok := unsigned(`{"alg":"none","x":`+deep+`}`, `{"sub":"a","deep":`+deep+`,"aud":`+deepObj+`}`, "")
		r := inspect(t, tok, Options{})
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("depth %d: the report does not encode: %v", depth, err)
		}
		if !hasWarning(r, "deep_nesting") || !strings.Contains(string(out), "nests more than") {
			t.Errorf("depth %d: no note about the cut value: %s", depth, out[:min(len(out), 400)])
		}
		if v, _ := r.Claims.String("sub"); v != "a" {
			t.Errorf("depth %d: sub = %q; shallow claims must stay", depth, v)
		}
	}
}
