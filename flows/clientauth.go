package flows

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tokeninspector/tokeninspector/settings"
)

// AssertionType is the client_assertion_type of RFC 7523 §2.2.
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is how long a client assertion is valid: short, since it
// is used once.
const assertionLifetime = 60 * time.Second

// clientAuth authenticates requests for one client.
type clientAuth struct {
	method   settings.AuthMethod
	id       string
	secret   string
	signer   jose.Signer        // for the JWT methods
	external *externalAssertion // private_key_jwt with an assertion issued by someone else
	issuer   func() string      // for the external assertion's aud check
	skew     time.Duration
	now      func() time.Time
}

func newClientAuth(cfg Config, now func() time.Time) (*clientAuth, error) {
	a := &clientAuth{method: cfg.AuthMethod, id: cfg.ClientID, secret: cfg.ClientSecret, now: now,
		external: newExternalAssertion(cfg), skew: cfg.Skew.D()}
	if a.skew <= 0 {
		a.skew = time.Minute
	}
	if a.method == "" {
		a.method = defaultAuthMethod(cfg)
	}
	if a.external != nil && a.method != settings.AuthPrivateKeyJWT {
		return nil, fmt.Errorf("a client assertion issued by someone else is sent with auth method private_key_jwt (RFC 7523 §2.2), not %s; choose that method or automatic", a.method)
	}
	var err error
	switch a.method {
	case settings.AuthNone:
	case settings.AuthSecretBasic, settings.AuthSecretPost:
		if a.secret == "" {
			return nil, fmt.Errorf("auth method %s needs a client secret; give one, or use auth method none for a public client", a.method)
		}
	case settings.AuthSecretJWT:
		if a.secret == "" {
			return nil, errors.New("auth method client_secret_jwt needs a client secret to sign the assertion")
		}
		a.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(a.secret)},
			(&jose.SignerOptions{}).WithType("JWT"))
	case settings.AuthPrivateKeyJWT:
		if a.external != nil {
			if len(cfg.PrivateKey) > 0 {
				return nil, errors.New("both a private key and a client assertion are given: the client signs its own assertions with the key, or sends one issued by someone else; remove one")
			}
			break
		}
		a.signer, err = newKeySigner(cfg.PrivateKey, cfg.PrivateKeyID)
	default:
		return nil, fmt.Errorf("unknown auth method %q; use one of %v", a.method, settings.AuthMethods)
	}
	if err != nil {
		return nil, fmt.Errorf("client authentication: %w", err)
	}
	return a, nil
}

// defaultAuthMethod picks private_key_jwt when a private key is given,
// client_secret_basic when a secret is, none otherwise.
func defaultAuthMethod(cfg Config) settings.AuthMethod {
	switch {
	case len(cfg.PrivateKey) > 0, strings.TrimSpace(cfg.ClientAssertion) != "", cfg.ClientAssertionFile != "":
		return settings.AuthPrivateKeyJWT
	case cfg.ClientSecret != "":
		return settings.AuthSecretBasic
	}
	return settings.AuthNone
}

// apply authenticates a form POST to an endpoint whose URL is aud.
func (a *clientAuth) apply(h http.Header, form url.Values, aud string) error {
	switch a.method {
	case settings.AuthSecretBasic:
		// RFC 6749 §2.3.1: form-urlencode both parts before Basic encoding.
		r := http.Request{Header: h}
		r.SetBasicAuth(url.QueryEscape(a.id), url.QueryEscape(a.secret))
	case settings.AuthSecretPost:
		form.Set("client_id", a.id)
		form.Set("client_secret", a.secret)
	case settings.AuthPrivateKeyJWT, settings.AuthSecretJWT:
		var jwt string
		var err error
		if a.external != nil {
			iss := ""
			if a.issuer != nil {
				iss = a.issuer()
			}
			jwt, err = a.external.get(aud, iss, a.now(), a.skew)
		} else {
			jwt, err = a.assertion(aud)
		}
		if err != nil {
			return err
		}
		form.Set("client_id", a.id)
		form.Set("client_assertion_type", AssertionType)
		form.Set("client_assertion", jwt)
	default:
		form.Set("client_id", a.id)
	}
	return nil
}

// assertion builds a fresh client assertion (RFC 7523 §3): iss and sub are the
// client ID, aud the endpoint, a short exp and a random jti (used once).
func (a *clientAuth) assertion(aud string) (string, error) {
	now := a.now()
	jti, err := randomString(16)
	if err != nil {
		return "", err
	}
	claims := jwt.Claims{
		Issuer:   a.id,
		Subject:  a.id,
		Audience: jwt.Audience{aud},
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(assertionLifetime)),
		ID:       jti,
	}
	s, err := jwt.Signed(a.signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("sign client assertion: %w", err)
	}
	return s, nil
}

// newKeySigner parses a PEM private key (PKCS#8, PKCS#1, SEC 1) or a private
// JWK and picks the algorithm from the key (or the JWK's alg).
func newKeySigner(data []byte, kid string) (jose.Signer, error) {
	if len(data) == 0 {
		return nil, errors.New("auth method private_key_jwt needs a private key (PEM or JWK)")
	}
	key, alg, jwkKid, err := parsePrivateKey(data)
	if err != nil {
		return nil, err
	}
	if kid == "" {
		kid = jwkKid
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	return jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
}

func parsePrivateKey(data []byte) (key crypto.Signer, alg jose.SignatureAlgorithm, kid string, err error) {
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, "{") {
		var jwk jose.JSONWebKey
		if err := json.Unmarshal([]byte(trimmed), &jwk); err != nil {
			return nil, "", "", fmt.Errorf("private key JWK: %w", err)
		}
		signer, ok := jwk.Key.(crypto.Signer)
		if !ok || jwk.IsPublic() {
			return nil, "", "", errors.New("the JWK is not a private signing key (it needs the private members, e.g. \"d\")")
		}
		alg, err := algFor(signer)
		if jwk.Algorithm != "" {
			alg, err = jose.SignatureAlgorithm(jwk.Algorithm), nil
		}
		return signer, alg, jwk.KeyID, err
	}
	block, _ := pem.Decode([]byte(trimmed))
	if block == nil {
		return nil, "", "", errors.New("the private key is neither PEM (-----BEGIN PRIVATE KEY-----) nor a JWK")
	}
	var parsed any
	switch block.Type {
	case "RSA PRIVATE KEY":
		parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		parsed, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, "", "", fmt.Errorf("parse %s: %w", block.Type, err)
	}
	signer, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, "", "", fmt.Errorf("unsupported private key type %T", parsed)
	}
	alg, err = algFor(signer)
	return signer, alg, "", err
}

// algFor picks the usual JWS algorithm for a key (RFC 7518 §3.1, RFC 8037).
func algFor(k crypto.Signer) (jose.SignatureAlgorithm, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return jose.RS256, nil
	case ed25519.PrivateKey:
		return jose.EdDSA, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			return jose.ES256, nil
		case elliptic.P384():
			return jose.ES384, nil
		case elliptic.P521():
			return jose.ES512, nil
		}
	}
	return "", fmt.Errorf("no JWS algorithm for key type %T", k)
}
