package token

import (
	"context"
	"testing"
)

func mustJWK(t testing.TB, jwk string) *KeySet {
	t.Helper()
	ks, err := ParseJWK([]byte(jwk), "test key")
	if err != nil {
		t.Fatalf("ParseJWK: %v", err)
	}
	return ks
}

func TestRFCVectorsVerify(t *testing.T) {
	tests := []struct {
		name, token, key string
		payload          string // non-JSON payload expected, if any
	}{
		{"RFC 7515 A.1 HS256", rfc7515A1Token, rfc7515A1Key, ""},
		{"RFC 7515 A.2 RS256", rfc7515A2Token, rfc7515A2Key, ""},
		{"RFC 7515 A.3 ES256", rfc7515A3Token, rfc7515A3Key, ""},
		{"RFC 7515 A.4 ES512", rfc7515A4Token, rfc7515A4Key, "Payload"},
		{"RFC 7520 4.1 RS256", rfc7520Sig41, rfc7520RSAKey, rfc7520Payload},
		{"RFC 7520 4.3 ES512", rfc7520Sig43, rfc7520ECKey, rfc7520Payload},
		{"RFC 7520 4.4 HS256", rfc7520Sig44, rfc7520HMACKey, rfc7520Payload},
		{"RFC 8037 A.4 EdDSA", rfc8037Token, rfc8037Key, "Example of Ed25519 signing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Inspect(context.Background(), tt.token, Options{Keys: mustJWK(t, tt.key), At: rfcNow})
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if r.Signature.Status != SigValid {
				t.Fatalf("signature %s (%s): %s", r.Signature.Status, r.Signature.Code, r.Signature.Reason)
			}
			if r.Kind != KindJWS {
				t.Errorf("kind %q", r.Kind)
			}
			if r.Payload != tt.payload {
				t.Errorf("payload %q, want %q", r.Payload, tt.payload)
			}
			if !r.OK() {
				t.Errorf("OK() false; checks %+v", r.Checks)
			}
		})
	}
}
