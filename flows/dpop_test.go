package flows

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func TestDPoPProof(t *testing.T) {
	k, err := NewDPoPKey()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	seen := map[string]bool{}
	for _, c := range []struct{ target, token, nonce, htu string }{
		{"https://as.example/token?x=1#frag", "", "", "https://as.example/token"},
		{"https://rs.example/api/me", "tok-123", "n-1", "https://rs.example/api/me"},
	} {
		proof, err := k.Proof("POST", c.target, c.token, c.nonce, now)
		if err != nil {
			t.Fatal(err)
		}
		jws, err := jose.ParseSignedCompact(proof, []jose.SignatureAlgorithm{jose.ES256})
		if err != nil {
			t.Fatal(err)
		}
		h := jws.Signatures[0].Header
		if h.ExtraHeaders["typ"] != "dpop+jwt" || h.Algorithm != "ES256" || h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() || h.KeyID != "" {
			t.Fatalf("header %+v", h)
		}
		if strings.Contains(string(mustDecode(t, strings.Split(proof, ".")[0])), `"d"`) {
			t.Fatal("the proof header carries the private key")
		}
		payload, err := jws.Verify(h.JSONWebKey)
		if err != nil {
			t.Fatal(err)
		}
		var got DPoPProofClaims
		json.Unmarshal(payload, &got)
		wantATH := ""
		if c.token != "" {
			wantATH = AccessTokenHash(c.token)
		}
		if got.HTM != "POST" || got.HTU != c.htu || got.IAT != now.Unix() || got.ATH != wantATH || got.Nonce != c.nonce || len(got.JTI) < 16 || seen[got.JTI] {
			t.Fatalf("claims %+v", got)
		}
		seen[got.JTI] = true
	}
	// RFC 9449 section 7.1's example: ath of "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
	if got := AccessTokenHash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"); got != "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo" {
		t.Errorf("ath = %s", got)
	}
}

func mustDecode(t *testing.T, s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadOrCreateDPoPKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dpop.pem")
	k1, created, err := LoadOrCreateDPoPKey(path)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	k2, created, err := LoadOrCreateDPoPKey(path)
	if err != nil || created || k2.Thumbprint() != k1.Thumbprint() || k1.Algorithm() != "ES256" {
		t.Fatalf("load: %v %v %s %s", created, err, k2.Thumbprint(), k1.Thumbprint())
	}
	os.WriteFile(path+".bad", []byte("not a key"), 0o600)
	if _, _, err := LoadOrCreateDPoPKey(path + ".bad"); err == nil || !strings.Contains(err.Error(), "dpop.pem.bad") {
		t.Errorf("bad key file: %v", err)
	}
}
