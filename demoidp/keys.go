package demoidp

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// signingKey is one RSA key pair the provider signs tokens with.
type signingKey struct {
	kid     string
	priv    *rsa.PrivateKey
	retired time.Time // zero while the key is the current one
}

// newRSAKey generates a 2048-bit RSA key whose kid is its RFC 7638 thumbprint,
// so a new key always gets a new kid.
func newRSAKey() (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate RSA key: %w", err)
	}
	jwk := jose.JSONWebKey{Key: &priv.PublicKey}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("key thumbprint: %w", err)
	}
	return &signingKey{kid: base64.RawURLEncoding.EncodeToString(tp), priv: priv}, nil
}

// publicJWK is the key as published in the JWKS.
func (k *signingKey) publicJWK() jose.JSONWebKey {
	return jose.JSONWebKey{Key: &k.priv.PublicKey, KeyID: k.kid, Algorithm: string(jose.RS256), Use: "sig"}
}

// keyRing holds the current signing key and the retired keys that stay
// published (and accepted) for a grace period after a rotation.
type keyRing struct {
	mu      sync.RWMutex
	current *signingKey
	retired []*signingKey
	grace   time.Duration
	now     func() time.Time
}

func newKeyRing(grace time.Duration, now func() time.Time) (*keyRing, error) {
	k, err := newRSAKey()
	if err != nil {
		return nil, err
	}
	return &keyRing{current: k, grace: grace, now: now}, nil
}

// signer returns the key new tokens are signed with.
func (r *keyRing) signer() *signingKey {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.current
}

// rotate makes a fresh key current; the old one stays published for the grace period.
func (r *keyRing) rotate() (string, error) {
	k, err := newRSAKey()
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.current
	old.retired = r.now()
	r.retired = append([]*signingKey{old}, r.retired...)
	r.current = k
	return k.kid, nil
}

// published lists the current key first, then retired keys still in their grace period.
func (r *keyRing) published() []*signingKey {
	r.mu.RLock()
	defer r.mu.RUnlock()
	now := r.now()
	keys := []*signingKey{r.current}
	for _, k := range r.retired {
		if now.Sub(k.retired) < r.grace {
			keys = append(keys, k)
		}
	}
	return keys
}

// lookup finds a published key by kid; nil when there is none.
func (r *keyRing) lookup(kid string) *signingKey {
	for _, k := range r.published() {
		if k.kid == kid {
			return k
		}
	}
	return nil
}

// jwks is the public JSON Web Key Set (RFC 7517 section 5).
func (r *keyRing) jwks() jose.JSONWebKeySet {
	var set jose.JSONWebKeySet
	for _, k := range r.published() {
		set.Keys = append(set.Keys, k.publicJWK())
	}
	return set
}

// pkcs8PEM encodes a private key as a PKCS#8 PEM block.
func pkcs8PEM(priv *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
