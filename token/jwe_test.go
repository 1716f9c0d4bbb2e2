package token

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func encrypt(t *testing.T, alg jose.KeyAlgorithm, enc jose.ContentEncryption, key any, plaintext string, cty string) string {
	t.Helper()
	opts := &jose.EncrypterOptions{}
	if cty != "" {
		opts = opts.WithContentType(jose.ContentType(cty))
	}
	e, err := jose.NewEncrypter(enc, jose.Recipient{Algorithm: alg, Key: key, KeyID: "enc-1"}, opts)
	if err != nil {
		t.Fatalf("NewEncrypter: %v", err)
	}
	obj, err := e.Encrypt([]byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestJWERFC7520(t *testing.T) {
	key, err := ParseDecryptKey([]byte(rfc7520EncKey))
	if err != nil {
		t.Fatal(err)
	}
	r := inspect(t, rfc7520Enc52, Options{DecryptKey: key})
	if r.Kind != KindJWE || r.JWE.Status != "decrypted" || r.JWE.Alg != "RSA-OAEP" || r.JWE.Enc != "A256GCM" {
		t.Fatalf("JWE %+v", r.JWE)
	}
	if r.Payload != rfc7520Plaintext || r.JWE.Nested != "data" {
		t.Fatalf("payload %q nested %q", r.Payload, r.JWE.Nested)
	}
	if r.Signature.Code != CodeNotSigned || r.OK() {
		t.Errorf("signature %+v", r.Signature)
	}
	if kid, _ := r.JWE.Header.String("kid"); kid != "samwise.gamgee@hobbiton.example" {
		t.Errorf("kid %q", kid)
	}
}

func TestJWEWithoutKeyShowsHeader(t *testing.T) {
	r := inspect(t, rfc7520Enc52, Options{})
	if r.JWE.Status != "encrypted" || r.Signature.Status != SigUnverified || r.Signature.Code != CodeEncrypted {
		t.Fatalf("JWE %+v signature %+v", r.JWE, r.Signature)
	}
	if alg, _ := r.Header.String("alg"); alg != "RSA-OAEP" {
		t.Errorf("header %v", r.Header)
	}
	if len(r.Segments) != 5 || r.Segments[4].Name != "tag" {
		t.Errorf("segments %+v", r.Segments)
	}
}

func TestJWEWrongKey(t *testing.T) {
	r := inspect(t, rfc7520Enc52, Options{DecryptKey: getKeys(t).rsa})
	if r.JWE.Status != "failed" || r.OK() {
		t.Fatalf("JWE %+v", r.JWE)
	}
}

func TestJWENested(t *testing.T) {
	k := getKeys(t)
	claims := fmt.Sprintf(`{"iss":"https://idp","sub":"alice","aud":"c","exp":%d,"iat":%d}`, at(time.Hour), at(0))
	inner := sign(t, "RS256", k.rsa, claims, map[string]any{"kid": "k1", "typ": "JWT"})
	aes := []byte("0123456789abcdef")
	dirKey := []byte("0123456789abcdef0123456789abcdef")
	tests := []struct {
		name   string
		alg    jose.KeyAlgorithm
		enc    jose.ContentEncryption
		encKey any
		decKey any
	}{
		{"RSA-OAEP", jose.RSA_OAEP, jose.A128GCM, &k.rsa2.PublicKey, k.rsa2},
		{"RSA-OAEP-256", jose.RSA_OAEP_256, jose.A256GCM, &k.rsa2.PublicKey, k.rsa2},
		{"ECDH-ES", jose.ECDH_ES, jose.A128CBC_HS256, &k.ec256.PublicKey, k.ec256},
		{"ECDH-ES+A128KW", jose.ECDH_ES_A128KW, jose.A128GCM, &k.ec384.PublicKey, k.ec384},
		{"ECDH-ES+A256KW", jose.ECDH_ES_A256KW, jose.A256GCM, &k.ec256.PublicKey, k.ec256},
		{"A128KW", jose.A128KW, jose.A128GCM, aes, aes},
		{"dir", jose.DIRECT, jose.A256GCM, dirKey, dirKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := encrypt(t, tt.alg, tt.enc, tt.encKey, inner, "JWT")
			r := inspect(t, tok, Options{DecryptKey: tt.decKey, Keys: rsaKeys(t), Issuer: "https://idp"})
			if r.JWE.Status != "decrypted" || r.JWE.Nested != "jws" {
				t.Fatalf("JWE %+v", r.JWE)
			}
			if r.Signature.Status != SigValid || !r.OK() {
				t.Fatalf("nested signature %+v checks %+v", r.Signature, r.Checks)
			}
			if alg, _ := r.Header.String("alg"); alg != "RS256" {
				t.Errorf("header should be the nested one, got %v", r.Header)
			}
			if c, _ := r.Check("iss"); c.Status != Pass {
				t.Errorf("iss %+v", c)
			}
		})
	}
}

func TestJWEClaimsDirectly(t *testing.T) {
	k := getKeys(t)
	tok := encrypt(t, jose.RSA_OAEP_256, jose.A128GCM, &k.rsa2.PublicKey, `{"sub":"alice","exp":1}`, "")
	der, err := x509.MarshalPKCS8PrivateKey(k.rsa2)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParseDecryptKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	r := inspect(t, tok, Options{DecryptKey: key})
	if r.JWE.Nested != "claims" || r.Signature.Code != CodeNotSigned {
		t.Fatalf("JWE %+v signature %+v", r.JWE, r.Signature)
	}
	if c, _ := r.Check("exp"); c.Status != Fail {
		t.Errorf("exp %+v", c)
	}
}

func TestParseDecryptKeyRejectsPublic(t *testing.T) {
	if _, err := ParseDecryptKey(pemPublic(t, getKeys(t).rsa.Public())); err == nil {
		t.Error("PEM public key accepted as a decryption key")
	}
	if _, err := ParseDecryptKey([]byte(rfc8037Key)); err == nil {
		t.Error("public JWK accepted as a decryption key")
	}
	if _, err := ParseDecryptKey([]byte("junk")); err == nil {
		t.Error("junk accepted")
	}
}
