package flows

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DPoP (RFC 9449): a key pair held by the client, a fresh signed proof for
// every HTTP request, and the server nonces to put in them.

// DPoPTokenType is the token_type of a DPoP-bound token (RFC 9449 section 5)
// and the Authorization scheme it is sent with (section 7.1).
const DPoPTokenType = "DPoP"

// DPoPKey is a client's DPoP key pair. The default is ES256 on P-256, the
// algorithm every DPoP server accepts.
type DPoPKey struct {
	priv       crypto.Signer
	alg        jose.SignatureAlgorithm
	public     jose.JSONWebKey
	thumbprint string
}

// NewDPoPKey generates an ES256 (P-256) key pair.
func NewDPoPKey() (*DPoPKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate DPoP key: %w", err)
	}
	return newDPoPKey(priv, jose.ES256)
}

// ParseDPoPKey reads a private key (PEM: PKCS#8, SEC 1, PKCS#1; or a
// private JWK) for DPoP proofs. The key must be asymmetric (RFC 9449
// section 4.2); its algorithm is taken from the key (or the JWK's alg).
func ParseDPoPKey(data []byte) (*DPoPKey, error) {
	priv, alg, _, err := parsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("DPoP key: %w", err)
	}
	return newDPoPKey(priv, alg)
}

func newDPoPKey(priv crypto.Signer, alg jose.SignatureAlgorithm) (*DPoPKey, error) {
	pub := jose.JSONWebKey{Key: priv.Public(), Algorithm: string(alg), Use: "sig"}
	if !pub.Valid() || !pub.IsPublic() {
		return nil, errors.New("DPoP key: not a usable public key")
	}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("DPoP key thumbprint: %w", err)
	}
	return &DPoPKey{priv: priv, alg: alg, public: pub, thumbprint: base64.RawURLEncoding.EncodeToString(tp)}, nil
}

// LoadOrCreateDPoPKey reads the DPoP key in path, or generates an ES256 key
// and writes it there (PKCS#8 PEM, mode 0600) when the file does not exist.
// created says which happened. A later process using the same file proves
// possession with the same key, as DPoP-bound refresh tokens of public
// clients require (RFC 9449 section 5).
func LoadOrCreateDPoPKey(path string) (key *DPoPKey, created bool, err error) {
	data, err := os.ReadFile(path)
	if err == nil {
		key, err = ParseDPoPKey(data)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("read DPoP key: %w", err)
	}
	key, err = NewDPoPKey()
	if err != nil {
		return nil, false, err
	}
	pemData, err := key.PEM()
	if err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("create DPoP key file: %w", err)
	}
	if _, err := f.Write(pemData); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("write DPoP key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("write DPoP key file: %w", err)
	}
	return key, true, nil
}

// PEM encodes the private key as PKCS#8 PEM.
func (k *DPoPKey) PEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.priv)
	if err != nil {
		return nil, fmt.Errorf("encode DPoP key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint of the public key,
// base64url: the jkt that cnf.jkt and dpop_jkt carry (RFC 9449 section 6.1).
func (k *DPoPKey) Thumbprint() string { return k.thumbprint }

// Algorithm is the JWS algorithm of the proofs.
func (k *DPoPKey) Algorithm() string { return string(k.alg) }

// PublicJWK is the public key as sent in the proofs' jwk header.
func (k *DPoPKey) PublicJWK() jose.JSONWebKey { return k.public }

// DPoPProofClaims are the claims of one proof (RFC 9449 section 4.2).
type DPoPProofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// Proof creates a DPoP proof for one request (RFC 9449 section 4.2): header
// typ "dpop+jwt", the key's alg and its public jwk; claims jti (128 random
// bits), htm, htu (target without query and fragment), iat, ath =
// base64url(SHA-256(accessToken)) when a token is presented, and the
// server's nonce when it sent one.
func (k *DPoPKey) Proof(method, target, accessToken, nonce string, now time.Time) (string, error) {
	htu, err := ProofHTU(target)
	if err != nil {
		return "", err
	}
	jti, err := randomString(16)
	if err != nil {
		return "", err
	}
	c := DPoPProofClaims{JTI: jti, HTM: method, HTU: htu, IAT: now.Unix(), Nonce: nonce}
	if accessToken != "" {
		c.ATH = AccessTokenHash(accessToken)
	}
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt")
	sg, err := jose.NewSigner(jose.SigningKey{Algorithm: k.alg, Key: k.priv}, opts)
	if err != nil {
		return "", fmt.Errorf("DPoP proof signer: %w", err)
	}
	proof, err := jwt.Signed(sg).Claims(c).Serialize()
	if err != nil {
		return "", fmt.Errorf("sign DPoP proof: %w", err)
	}
	return proof, nil
}

// ProofHTU is the htu of a proof for target: the URL without query and
// fragment (RFC 9449 section 4.2).
func ProofHTU(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("DPoP proof: %q is not an absolute URL", target)
	}
	u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = "", "", "", false
	return u.String(), nil
}

// AccessTokenHash is the ath claim: base64url(SHA-256(access token)) (RFC
// 9449 section 4.2).
func AccessTokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// dpopNonces remembers the last DPoP-Nonce of each server (scheme and
// host): the authorization server and each resource server have their own
// (RFC 9449 sections 8 and 9).
type dpopNonces struct {
	mu sync.Mutex
	m  map[string]string
}

func nonceOrigin(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

func (n *dpopNonces) get(target string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.m[nonceOrigin(target)]
}

// set records a DPoP-Nonce answer header ("" leaves the nonce unchanged).
func (n *dpopNonces) set(target, nonce string) {
	if nonce == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil {
		n.m = map[string]string{}
	}
	n.m[nonceOrigin(target)] = nonce
}
