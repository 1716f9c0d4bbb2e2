package demoidp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	josev3 "github.com/go-jose/go-jose/v3"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/ory/fosite"
	"github.com/ory/fosite/storage"
)

// The external issuer stands for someone else who mints JWTs this provider
// trusts (RFC 7523): a CI system's OIDC tokens (GitHub Actions), a
// Kubernetes service account issuer, another company's IdP. It lives under
// /external with its own key, discovery and JWKS, and mints tokens at
// POST /external/token so a class can get one without a CI system.
//
// Its tokens are trusted two ways:
//   - as client_assertion of WorkloadClientID when sub is WorkloadSubject
//     (workload identity federation, as at Entra ID or Google Cloud);
//   - as the assertion of the JWT bearer grant (RFC 7523 section 2.1) when
//     sub is a demo user's subject: the external issuer vouches for the user.
//
// JWTClientID's own key is trusted for JWT bearer grants too ("the client
// can be the issuer").

// ExternalAssertionLifetime is the lifetime of tokens minted by the external issuer.
const ExternalAssertionLifetime = 5 * time.Minute

// maxAssertionLifetime bounds exp - iat of an accepted assertion.
const maxAssertionLifetime = time.Hour

// ExternalIssuer is the iss of the external issuer's tokens.
func (s *Server) ExternalIssuer() string { return s.issuer + "/external" }

// ExternalAssertion mints a token of the external issuer for sub and aud,
// valid for ExternalAssertionLifetime, with a fresh jti.
func (s *Server) ExternalAssertion(sub, aud string) (string, error) {
	now := time.Now()
	claims := jwt.Claims{
		Issuer: s.ExternalIssuer(), Subject: sub, Audience: jwt.Audience{aud},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		Expiry: jwt.NewNumericDate(now.Add(ExternalAssertionLifetime)), ID: randomID(),
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", s.external.kid)
	sg, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: s.external.priv}, opts)
	if err != nil {
		return "", fmt.Errorf("external issuer: %w", err)
	}
	return jwt.Signed(sg).Claims(claims).Serialize()
}

func (s *Server) handleExternalDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.ExternalIssuer(),
		"jwks_uri":                              s.endpoint("/external/jwks"),
		"token_endpoint":                        s.endpoint("/external/token"),
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"subject_types_supported":               []string{"public"},
		"response_types_supported":              []string{"id_token"},
	})
}

func (s *Server) handleExternalJWKS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{s.external.publicJWK()}})
}

// handleExternalToken mints an external token: form sub (default
// WorkloadSubject) and aud (default this provider's token endpoint).
func (s *Server) handleExternalToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body is not a form: "+err.Error())
		return
	}
	sub, aud := r.PostForm.Get("sub"), r.PostForm.Get("aud")
	if sub == "" {
		sub = WorkloadSubject
	}
	if aud == "" {
		aud = s.endpoint("/token")
	}
	tok, err := s.ExternalAssertion(sub, aud)
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "expires_in": int(ExternalAssertionLifetime / time.Second)})
}

// trustAssertionIssuers registers the keys fosite's JWT bearer grant handler
// accepts: the external issuer for every demo user, and JWTClientID's key.
func (s *Server) trustAssertionIssuers(st *storage.MemoryStore) {
	scopes := slices.DeleteFunc(slices.Clone(userScopes), func(sc string) bool { return sc == "offline_access" })
	trust := func(issuer, kid string, key any) {
		bySub := map[string]storage.SubjectPublicKeys{}
		for _, u := range s.users {
			bySub[u.Subject] = storage.SubjectPublicKeys{Subject: u.Subject, Keys: map[string]storage.PublicKeyScopes{
				kid: {Key: &josev3.JSONWebKey{Key: key, KeyID: kid, Algorithm: "RS256", Use: "sig"}, Scopes: scopes},
			}}
		}
		st.IssuerPublicKeys[issuer] = storage.IssuerPublicKeys{Issuer: issuer, KeysBySub: bySub}
	}
	trust(s.ExternalIssuer(), s.external.kid, &s.external.priv.PublicKey)
	trust(JWTClientID, s.clientKid, &s.clientKey.PublicKey)
}

// authenticateClientStrategy authenticates WorkloadClientID with an
// assertion from its federated issuer; every other client (and any request
// whose assertion comes from elsewhere) goes to fosite's default strategy.
func (s *Server) authenticateClientStrategy(ctx context.Context, r *http.Request, form url.Values) (fosite.Client, error) {
	assertion := form.Get("client_assertion")
	if assertion == "" || form.Get("client_assertion_type") != clientAssertionType {
		return s.provider.DefaultClientAuthenticationStrategy(ctx, r, form)
	}
	fed := s.federatedClient(form.Get("client_id"))
	if fed == nil {
		return s.provider.DefaultClientAuthenticationStrategy(ctx, r, form)
	}
	if err := s.checkFederatedAssertion(*fed, assertion); err != nil {
		return nil, fosite.ErrInvalidClient.WithHint(err.Error())
	}
	return s.provider.Store.GetClient(ctx, fed.ID)
}

// clientAssertionType is the client_assertion_type of RFC 7523 section 2.2.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

func (s *Server) federatedClient(id string) *Client {
	for i := range s.clients {
		if s.clients[i].ID == id && s.clients[i].FederatedIssuer != "" {
			return &s.clients[i]
		}
	}
	return nil
}

// checkFederatedAssertion checks a client assertion issued by someone else
// (RFC 7523 section 3): signed by the federated issuer's key, its iss and
// sub those of the client's federated credential, aud this provider's token
// endpoint or issuer, unexpired, with iat and a jti not seen before.
func (s *Server) checkFederatedAssertion(c Client, raw string) error {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return fmt.Errorf("the client assertion is not a JWS signed with RS256 (%v)", err)
	}
	var c0 jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&c0); err != nil {
		return fmt.Errorf("the client assertion has no readable claims: %v", err)
	}
	if c0.Issuer != c.FederatedIssuer {
		return fmt.Errorf("the client assertion was issued by %q, but client %s trusts assertions from %q only", c0.Issuer, c.ID, c.FederatedIssuer)
	}
	var claims jwt.Claims
	if err := tok.Claims(&s.external.priv.PublicKey, &claims); err != nil {
		return fmt.Errorf("the client assertion's signature does not verify with the key of %s: %v", c.FederatedIssuer, err)
	}
	if claims.Subject != c.FederatedSubject {
		return fmt.Errorf("the client assertion's sub is %q, but client %s's federated credential is for sub %q", claims.Subject, c.ID, c.FederatedSubject)
	}
	tokenURLs := []string{s.endpoint("/token"), s.issuer}
	if !slices.ContainsFunc(claims.Audience, func(a string) bool { return slices.Contains(tokenURLs, a) }) {
		return fmt.Errorf("the client assertion's aud %v names neither this token endpoint nor this issuer (%s)", []string(claims.Audience), strings.Join(tokenURLs, " or "))
	}
	if claims.IssuedAt == nil || claims.Expiry == nil || claims.ID == "" {
		return fmt.Errorf("the client assertion must carry iat, exp and jti (RFC 7523 section 3)")
	}
	if err := claims.ValidateWithLeeway(jwt.Expected{Time: time.Now()}, time.Minute); err != nil {
		return fmt.Errorf("the client assertion is not valid now (exp %s): %v", claims.Expiry.Time().UTC().Format(time.RFC3339), err)
	}
	if claims.Expiry.Time().Sub(claims.IssuedAt.Time()) > maxAssertionLifetime {
		return fmt.Errorf("the client assertion lives longer than %s (exp - iat); ask the issuer for a shorter-lived token", maxAssertionLifetime)
	}
	if !s.usedJTIs.use(claims.ID, claims.Expiry.Time().Add(time.Minute)) {
		return fmt.Errorf("the client assertion was already used (jti %q seen before); get a fresh one from the issuer", claims.ID)
	}
	return nil
}

// jtiCache remembers used jti values (of DPoP proofs, of client
// assertions) until they could no longer be accepted anyway.
type jtiCache struct {
	clock func() time.Time
	mu    sync.Mutex
	seen  map[string]time.Time // jti -> when it may be forgotten
}

func newJTICache(clock func() time.Time) *jtiCache {
	return &jtiCache{clock: clock, seen: map[string]time.Time{}}
}

// use records jti until the given time; false when it was seen before.
func (j *jtiCache) use(jti string, until time.Time) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.clock()
	for k, t := range j.seen {
		if now.After(t) {
			delete(j.seen, k)
		}
	}
	if _, ok := j.seen[jti]; ok {
		return false
	}
	j.seen[jti] = until
	return true
}
