package demoidp

import (
	"crypto"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// DPoP (RFC 9449) is checked here, around fosite, which has no support for
// it: proof validation (section 4.3), a replay cache for jti, server nonces
// (sections 8 and 9), and the binding of tokens to the proof's key through
// cnf.jkt (section 6).

// DPoP timing: how old a proof may be, how far in the future its iat may
// lie (client clocks drift), and how long a server nonce stays current.
const (
	dpopMaxAge      = 5 * time.Minute
	dpopFutureSkew  = time.Minute
	dpopNonceExpiry = 5 * time.Minute
)

// dpopAlgs are the proof algorithms accepted (asymmetric only: section 4.3
// item 5), as published in dpop_signing_alg_values_supported.
var dpopAlgs = []jose.SignatureAlgorithm{jose.ES256, jose.ES384, jose.ES512, jose.RS256, jose.PS256, jose.EdDSA}

func dpopAlgNames() []string {
	out := make([]string, len(dpopAlgs))
	for i, a := range dpopAlgs {
		out[i] = string(a)
	}
	return out
}

// dpopProof is a checked proof: the key thumbprint and the claims used later.
type dpopProof struct {
	jkt   string // RFC 7638 SHA-256 thumbprint of the proof's jwk, base64url
	ath   string
	nonce string
}

// dpopError is a refused proof: the error code (invalid_dpop_proof or
// use_dpop_nonce) and what was wrong.
type dpopError struct {
	code, desc string
}

func (e *dpopError) Error() string { return e.code + ": " + e.desc }

func badProof(format string, args ...any) *dpopError {
	return &dpopError{code: "invalid_dpop_proof", desc: fmt.Sprintf(format, args...)}
}

// dpopState holds what the provider remembers between proofs: the jti
// values seen (replay cache) and one nonce source per server role.
type dpopState struct {
	clock  func() time.Time
	jtis   *jtiCache
	as, rs *nonceSource
}

func newDPoPState(clock func() time.Time) *dpopState {
	return &dpopState{clock: clock, jtis: newJTICache(clock),
		as: &nonceSource{clock: clock}, rs: &nonceSource{clock: clock}}
}

// nonceSource issues server nonces (RFC 9449 section 8): one current value,
// replaced after dpopNonceExpiry; the previous one is still accepted so a
// proof made just before the change does not fail.
type nonceSource struct {
	clock          func() time.Time
	mu             sync.Mutex
	current, prev  string
	currentExpires time.Time
}

// get returns the nonce clients should use now.
func (n *nonceSource) get() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.clock()
	if n.current == "" || now.After(n.currentExpires) {
		n.prev, n.current = n.current, randomID()
		n.currentExpires = now.Add(dpopNonceExpiry)
	}
	return n.current
}

// valid reports whether v is the current or the previous nonce.
func (n *nonceSource) valid(v string) bool {
	cur := n.get()
	n.mu.Lock()
	defer n.mu.Unlock()
	eq := func(a string) bool { return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(v)) == 1 }
	return eq(cur) || eq(n.prev)
}

// check validates the DPoP header of r against RFC 9449 section 4.3: one
// header; typ dpop+jwt; an asymmetric alg; a public jwk that verifies the
// signature; htm and htu matching this request (htu without query and
// fragment); a recent iat; an unused jti; ath when accessToken is given;
// and the nonce when nonces is set. It returns nil, nil when there is no
// header. The URL compared with htu is the endpoint on this issuer.
func (d *dpopState) check(r *http.Request, endpoint, accessToken string, nonces *nonceSource, requireNonce bool) (*dpopProof, error) {
	values := r.Header.Values("DPoP")
	if len(values) == 0 {
		return nil, nil
	}
	if len(values) != 1 {
		return nil, badProof("send exactly one DPoP header (RFC 9449 section 4.3), not %d", len(values))
	}
	jws, err := jose.ParseSignedCompact(values[0], dpopAlgs)
	if err != nil {
		return nil, badProof("the DPoP proof is not a JWS signed with one of %s: %v", strings.Join(dpopAlgNames(), ", "), err)
	}
	if len(jws.Signatures) != 1 {
		return nil, badProof("the DPoP proof must have exactly one signature")
	}
	h := jws.Signatures[0].Header
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != "dpop+jwt" {
		return nil, badProof(`the DPoP proof's typ header is %q; it must be "dpop+jwt"`, typ)
	}
	jwk := h.JSONWebKey
	if jwk == nil || !jwk.Valid() {
		return nil, badProof("the DPoP proof has no jwk header with the public key")
	}
	if !jwk.IsPublic() {
		return nil, badProof("the DPoP proof's jwk header holds a private key; send only the public key (RFC 9449 section 4.2)")
	}
	payload, err := jws.Verify(jwk)
	if err != nil {
		return nil, badProof("the DPoP proof's signature does not verify with its jwk: %v", err)
	}
	var c struct {
		JTI   string          `json:"jti"`
		HTM   string          `json:"htm"`
		HTU   string          `json:"htu"`
		IAT   json.Number     `json:"iat"`
		ATH   string          `json:"ath"`
		Nonce json.RawMessage `json:"nonce"`
	}
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return nil, badProof("the DPoP proof's payload is not a JSON object: %v", err)
	}
	if c.JTI == "" || c.HTM == "" || c.HTU == "" || c.IAT == "" {
		return nil, badProof("the DPoP proof lacks one of jti, htm, htu, iat (RFC 9449 section 4.2)")
	}
	if c.HTM != r.Method {
		return nil, badProof("the DPoP proof's htm is %q but the request is %s", c.HTM, r.Method)
	}
	if !sameHTU(c.HTU, endpoint) {
		return nil, badProof("the DPoP proof's htu is %q but the request went to %s (compare without query and fragment)", c.HTU, endpoint)
	}
	iat, err := c.IAT.Int64()
	if err != nil {
		return nil, badProof("the DPoP proof's iat is not an integer")
	}
	now := d.clock()
	issued := time.Unix(iat, 0)
	if issued.After(now.Add(dpopFutureSkew)) || now.Sub(issued) > dpopMaxAge {
		return nil, badProof("the DPoP proof's iat %s is outside the accepted window (at most %s old); create a fresh proof for every request", issued.UTC().Format(time.RFC3339), dpopMaxAge)
	}
	if accessToken != "" {
		if c.ATH == "" {
			return nil, badProof("the DPoP proof has no ath claim; with an access token it must carry ath = base64url(SHA-256(token))")
		}
		if subtle.ConstantTimeCompare([]byte(c.ATH), []byte(accessTokenHash(accessToken))) != 1 {
			return nil, badProof("the DPoP proof's ath does not match the access token sent with it")
		}
	}
	nonce := ""
	if len(c.Nonce) > 0 {
		if json.Unmarshal(c.Nonce, &nonce) != nil {
			return nil, badProof("the DPoP proof's nonce is not a string")
		}
	}
	if requireNonce && !nonces.valid(nonce) {
		desc := "this server requires a DPoP nonce: use the DPoP-Nonce header of this response in a new proof"
		if nonce != "" {
			desc = "the DPoP proof's nonce is not (or no longer) valid: use the DPoP-Nonce header of this response in a new proof"
		}
		return nil, &dpopError{code: "use_dpop_nonce", desc: desc}
	}
	if !d.remember(c.JTI, issued) {
		return nil, badProof("the DPoP proof was already used (its jti was seen before): create a new proof for every request")
	}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, badProof("cannot compute the jwk thumbprint: %v", err)
	}
	return &dpopProof{jkt: base64.RawURLEncoding.EncodeToString(tp), ath: c.ATH, nonce: nonce}, nil
}

// remember records jti; false when it was already used. Entries are kept
// while a proof with that iat would still be accepted.
func (d *dpopState) remember(jti string, issued time.Time) bool {
	until := issued.Add(dpopMaxAge)
	if now := d.clock(); until.Before(now) {
		until = now
	}
	return d.jtis.use(jti, until.Add(dpopFutureSkew))
}

// sameHTU compares a proof's htu with the endpoint URL after RFC 3986
// section 6.2.2-6.2.3 normalization (scheme and host case, default port),
// ignoring query and fragment (RFC 9449 section 4.3 item 9).
func sameHTU(htu, endpoint string) bool {
	a, err1 := normalizeHTU(htu)
	b, err2 := normalizeHTU(endpoint)
	return err1 == nil && err2 == nil && a == b
}

func normalizeHTU(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", errors.New("not an absolute URL")
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if (scheme == "http" && strings.HasSuffix(host, ":80")) || (scheme == "https" && strings.HasSuffix(host, ":443")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path, nil
}

// accessTokenHash is the ath value: base64url(SHA-256(ASCII access token)).
func accessTokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// writeDPoPError answers a refused proof at the authorization server
// (RFC 9449 sections 5 and 8): 400 with the error code, and a fresh nonce in
// DPoP-Nonce when the proof lacked a valid one.
func writeDPoPError(w http.ResponseWriter, err *dpopError, nonces *nonceSource) {
	if err.code == "use_dpop_nonce" {
		w.Header().Set("DPoP-Nonce", nonces.get())
	}
	writeOAuthError(w, http.StatusBadRequest, err.code, err.desc)
}

// writeDPoPChallenge answers a refused request at a resource (RFC 9449
// sections 7.1 and 9): 401 with a DPoP WWW-Authenticate challenge listing
// the algorithms, and a nonce when one is needed.
func writeDPoPChallenge(w http.ResponseWriter, code, desc string, nonces *nonceSource) {
	if code == "use_dpop_nonce" {
		w.Header().Set("DPoP-Nonce", nonces.get())
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`DPoP algs="%s", error="%s", error_description="%s"`,
		strings.Join(dpopAlgNames(), " "), code, strings.ReplaceAll(desc, `"`, "'")))
	writeOAuthError(w, http.StatusUnauthorized, code, desc)
}
