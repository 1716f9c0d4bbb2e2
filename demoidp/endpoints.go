package demoidp

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ory/fosite"
)

const maxFormBytes = 64 << 10

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", s.handleDiscovery)
	mux.HandleFunc("GET /jwks", s.handleJWKS)
	mux.HandleFunc("/authorize", s.handleAuthorize)
	mux.HandleFunc("POST /token", s.handleToken)
	mux.HandleFunc("POST /introspect", s.handleIntrospect)
	mux.HandleFunc("POST /revoke", s.handleRevoke)
	mux.HandleFunc("POST /device_authorization", s.handleDeviceAuthorization)
	mux.HandleFunc("GET /device", s.handleDevice)
	mux.HandleFunc("POST /device", s.handleDevice)
	mux.HandleFunc("/userinfo", s.handleUserInfo)
	mux.HandleFunc("POST /par", s.handlePAR)
	mux.HandleFunc("/logout", s.handleLogout)
	mux.HandleFunc("GET /external/.well-known/openid-configuration", s.handleExternalDiscovery)
	mux.HandleFunc("GET /external/jwks", s.handleExternalJWKS)
	mux.HandleFunc("POST /external/token", s.handleExternalToken)
	mux.HandleFunc("GET /{$}", s.handleHome)
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		mux.ServeHTTP(w, r)
	})
	if s.opts.Log != nil {
		h = logRequests(s.opts.Log, h)
	}
	return h
}

// discovery is the OpenID Provider Metadata (OIDC Discovery 1.0 section 3),
// also served as RFC 8414 authorization server metadata.
func (s *Server) discovery() map[string]any {
	claims := []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "azp", "name",
		"given_name", "family_name", "preferred_username", "email", "email_verified", "groups"}
	authMethods := []string{AuthClientSecretBasic, AuthClientSecretPost, AuthPrivateKeyJWT, AuthNone}
	return map[string]any{
		"issuer":                                           s.issuer,
		"authorization_endpoint":                           s.endpoint("/authorize"),
		"token_endpoint":                                   s.endpoint("/token"),
		"userinfo_endpoint":                                s.endpoint("/userinfo"),
		"jwks_uri":                                         s.endpoint("/jwks"),
		"introspection_endpoint":                           s.endpoint("/introspect"),
		"revocation_endpoint":                              s.endpoint("/revoke"),
		"device_authorization_endpoint":                    s.endpoint("/device_authorization"),
		"pushed_authorization_request_endpoint":            s.endpoint("/par"),
		"require_pushed_authorization_requests":            s.RequirePAR(),
		"end_session_endpoint":                             s.endpoint("/logout"),
		"dpop_signing_alg_values_supported":                dpopAlgNames(),
		"scopes_supported":                                 append(slices.Clone(userScopes), "api.write"),
		"response_types_supported":                         []string{"code"},
		"response_modes_supported":                         []string{"query"},
		"grant_types_supported":                            []string{"authorization_code", "refresh_token", "client_credentials", DeviceGrantType, JWTBearerGrantType, TokenExchangeGrantType},
		"subject_types_supported":                          []string{"public"},
		"id_token_signing_alg_values_supported":            []string{"RS256"},
		"token_endpoint_auth_methods_supported":            authMethods,
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS256"},
		"introspection_endpoint_auth_methods_supported":    authMethods[:3],
		"revocation_endpoint_auth_methods_supported":       authMethods,
		"code_challenge_methods_supported":                 []string{"S256"},
		"claims_supported":                                 claims,
		"prompt_values_supported":                          []string{"none", "login", "consent"},
		"authorization_response_iss_parameter_supported":   false,
	}
}

func (s *Server) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.discovery())
}

func (s *Server) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "no-store") // rotation must show at once
	_ = json.NewEncoder(w).Encode(s.keys.jwks())
}

// handleToken is the token endpoint (RFC 6749 section 3.2) for the
// authorization_code, refresh_token, client_credentials, device_code,
// jwt-bearer (RFC 7523) and token-exchange (RFC 8693) grants. A DPoP proof
// (RFC 9449 section 5) is checked first and binds the tokens to its key.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body is not a form: "+err.Error())
		return
	}
	proof, err := s.dpop.check(r, s.endpoint("/token"), "", s.dpop.as, s.DPoPNonce())
	if de, ok := err.(*dpopError); ok {
		writeDPoPError(w, de, s.dpop.as)
		return
	}
	sess := newSession(s.issuer)
	ar, err := s.provider.NewAccessRequest(ctx, r, sess)
	if err != nil {
		if errors.Is(err, fosite.ErrJTIKnown) {
			// fosite's own code; RFC 7523 section 3.1 says invalid_grant.
			err = fosite.ErrInvalidGrant.WithHint("The assertion's jti was already used: an assertion is good for one token request; get a fresh one.")
		}
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	if de := s.bindDPoP(ar, proof); de != nil {
		writeDPoPError(w, de, s.dpop.as)
		return
	}
	id := ar.GetClient().GetID()
	switch {
	case ar.GetGrantTypes().ExactOne("client_credentials"):
		// No user: the client is the subject (RFC 9068 section 2.2).
		sess.ClientID, sess.Subject = id, id
		for _, scope := range ar.GetRequestedScopes() {
			ar.GrantScope(scope)
		}
		grantAudience(ar, ar.GetRequestedAudience())
	case ar.GetGrantTypes().ExactOne(JWTBearerGrantType):
		// fosite grants the assertion's aud (this server) as the token's
		// audience; the token is for the API, like every other grant's.
		sess.ClientID = id
		if req, ok := ar.(*fosite.AccessRequest); ok {
			req.GrantedAudience = nil
		}
		grantAudience(ar, ar.GetRequestedAudience())
		if u, ok := userBySubject(s.users, sess.GetSubject()); ok {
			sess.Username = u.Username
		}
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	if proof != nil {
		resp.SetTokenType("DPoP") // RFC 9449 section 5
	}
	if s.DPoPNonce() {
		w.Header().Set("DPoP-Nonce", s.dpop.as.get())
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

// bindDPoP applies RFC 9449 to a token request whose grant fosite has
// checked: clients registered with dpop_bound_access_tokens must send a
// proof; a code issued for dpop_jkt needs a proof by that key (section 10);
// a public client's bound refresh token needs a proof by its key (section
// 5). The tokens issued are then bound to the proof's key, or to none.
func (s *Server) bindDPoP(ar fosite.AccessRequester, proof *dpopProof) *dpopError {
	sess, ok := ar.GetSession().(*session)
	if !ok {
		return nil
	}
	client := ar.GetClient()
	refresh := ar.GetGrantTypes().ExactOne("refresh_token")
	boundRefresh := refresh && client.IsPublic() && sess.JKT != ""
	codeJKT := ""
	if ar.GetGrantTypes().ExactOne("authorization_code") {
		codeJKT = sess.DPoPJKT
	}
	if proof == nil {
		switch {
		case s.requiresDPoP(client.GetID()):
			return badProof("client %s is registered with dpop_bound_access_tokens: send a DPoP proof with every token request", client.GetID())
		case codeJKT != "":
			return badProof("the authorization request carried dpop_jkt: redeem the code with a DPoP proof made with that key")
		case boundRefresh:
			return badProof("this refresh token is bound to a DPoP key (public client): send a DPoP proof made with that key")
		}
		sess.JKT = ""
		return nil
	}
	switch {
	case codeJKT != "" && codeJKT != proof.jkt:
		return badProof("the DPoP proof's key (thumbprint %s) is not the key named by dpop_jkt in the authorization request (%s)", proof.jkt, codeJKT)
	case boundRefresh && sess.JKT != proof.jkt:
		return badProof("this refresh token is bound to the DPoP key with thumbprint %s, but the proof was made with %s: use the same key", sess.JKT, proof.jkt)
	}
	sess.JKT = proof.jkt
	return nil
}

// requiresDPoP reports whether the client is registered with dpop_bound_access_tokens.
func (s *Server) requiresDPoP(id string) bool {
	for _, c := range s.clients {
		if c.ID == id {
			return c.DPoPBound
		}
	}
	return false
}

// grantAudience grants aud (requested and already validated), or APIAudience
// when none was requested.
func grantAudience(ar fosite.Requester, aud []string) {
	if len(aud) == 0 {
		aud = fosite.Arguments{APIAudience}
	}
	for _, a := range aud {
		ar.GrantAudience(a)
	}
}

// handleRevoke is RFC 7009 token revocation.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if s.refuseSelfContained(w, r, "revoke") {
		return
	}
	err := s.provider.NewRevocationRequest(r.Context(), r)
	s.provider.WriteRevocationResponse(r.Context(), w, err)
}

// refuseSelfContained answers unsupported_token_type for a JWT when the
// SetSelfContained switch is on, and says whether it did.
func (s *Server) refuseSelfContained(w http.ResponseWriter, r *http.Request, what string) bool {
	if !s.selfContained.Load() {
		return false
	}
	if err := r.ParseForm(); err != nil {
		return false // fosite answers the malformed request
	}
	tok := r.PostForm.Get("token")
	if strings.Count(tok, ".") != 2 || !strings.HasPrefix(tok, "eyJ") {
		return false
	}
	writeOAuthError(w, http.StatusBadRequest, "unsupported_token_type",
		"This provider issues self-contained JWT access tokens and does not "+what+" them (teaching switch).")
	return true
}

// handleIntrospect is RFC 7662 token introspection. Callers authenticate as
// a confidential client (client_secret_basic, client_secret_post or
// private_key_jwt); public clients may not introspect.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	client, ok := s.authenticateClient(w, r)
	if !ok {
		return
	}
	if client.IsPublic() {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client",
			"Public clients may not introspect tokens; use a confidential client such as "+WebClientID+".")
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The token parameter is missing.")
		return
	}
	if s.refuseSelfContained(w, r, "introspect") {
		return
	}
	use, ar, err := s.provider.IntrospectToken(ctx, tok, fosite.TokenUse(r.PostForm.Get("token_type_hint")), newSession(s.issuer))
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	writeJSON(w, http.StatusOK, s.introspection(use, ar))
}

// introspection builds the RFC 7662 section 2.2 response for an active token.
func (s *Server) introspection(use fosite.TokenUse, ar fosite.AccessRequester) map[string]any {
	out := map[string]any{
		"active":    true,
		"iss":       s.issuer,
		"client_id": ar.GetClient().GetID(),
		"scope":     strings.Join(ar.GetGrantedScopes(), " "),
		"iat":       ar.GetRequestedAt().Unix(),
	}
	sess, _ := ar.GetSession().(*session)
	if sess != nil {
		if sub := sess.GetSubject(); sub != "" {
			out["sub"] = sub
		}
		if name := sess.GetUsername(); name != "" {
			out["username"] = name
		}
		var tt fosite.TokenType = fosite.AccessToken
		if use == fosite.RefreshToken {
			tt = fosite.RefreshToken
		}
		if exp := sess.GetExpiresAt(tt); !exp.IsZero() {
			out["exp"] = exp.Unix()
		}
	}
	if aud := ar.GetGrantedAudience(); len(aud) > 0 {
		out["aud"] = []string(aud)
	}
	switch {
	case use != fosite.AccessToken:
		out["token_type"] = "refresh_token"
	case sess != nil && sess.JKT != "":
		out["token_type"] = "DPoP"
	default:
		out["token_type"] = "Bearer"
	}
	if sess != nil && sess.JKT != "" && use == fosite.AccessToken {
		out["cnf"] = map[string]any{"jkt": sess.JKT} // RFC 9449 section 6.2
	}
	if sess != nil && sess.Act != nil {
		out["act"] = sess.Act
	}
	return out
}

// handleUserInfo is the OIDC Core 5.3 UserInfo endpoint (Bearer token, RFC 6750).
func (s *Server) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "use GET or POST", http.StatusMethodNotAllowed)
		return
	}
	scheme, tok := accessTokenFrom(r)
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="demo IdP"`)
		w.Header().Add("WWW-Authenticate", `DPoP algs="`+strings.Join(dpopAlgNames(), " ")+`"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_request", "Send the access token in the Authorization header (Bearer, or DPoP for a DPoP-bound token).")
		return
	}
	_, ar, err := s.provider.IntrospectToken(r.Context(), tok, fosite.AccessToken, newSession(s.issuer))
	if err != nil {
		desc := "The access token is invalid, expired or revoked: " + fosite.ErrorToRFC6749Error(err).GetDescription()
		w.Header().Set("WWW-Authenticate", scheme+` realm="demo IdP", error="invalid_token", error_description="The access token is invalid, expired or revoked"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_token", desc)
		return
	}
	sess, _ := ar.GetSession().(*session)
	if !s.checkResourceDPoP(w, r, scheme, tok, sess) {
		return
	}
	user, ok := User{}, false
	if sess != nil {
		user, ok = userBySubject(s.users, sess.GetSubject())
	}
	if !ar.GetGrantedScopes().Has("openid") || !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="demo IdP", error="insufficient_scope", scope="openid"`)
		writeOAuthError(w, http.StatusForbidden, "insufficient_scope", "UserInfo needs an access token issued to a user with the openid scope.")
		return
	}
	claims := user.claims(ar.GetGrantedScopes())
	claims["sub"] = user.Subject
	writeJSON(w, http.StatusOK, claims)
}

// accessTokenFrom reads "Authorization: Bearer|DPoP <token>" (RFC 6750
// section 2.1, RFC 9449 section 7.1), or a Bearer token in the form.
func accessTokenFrom(r *http.Request) (scheme, tok string) {
	if s, t, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(s, "DPoP") {
		return "DPoP", strings.TrimSpace(t)
	}
	return "Bearer", fosite.AccessTokenFromRequest(r)
}

// checkResourceDPoP applies RFC 9449 section 7 at a protected resource: a
// DPoP-bound token must come with the DPoP scheme and a proof (with ath) by
// its key; a proof must carry the server nonce when nonces are on. On
// refusal it writes the 401 challenge and returns false.
func (s *Server) checkResourceDPoP(w http.ResponseWriter, r *http.Request, scheme, tok string, sess *session) bool {
	bound := sess != nil && sess.JKT != ""
	if scheme != "DPoP" {
		if bound {
			writeDPoPChallenge(w, "invalid_token", "This access token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof, not as a Bearer token.", s.dpop.rs)
			return false
		}
		return true
	}
	proof, err := s.dpop.check(r, s.endpoint(r.URL.Path), tok, s.dpop.rs, s.DPoPNonce())
	if de, ok := err.(*dpopError); ok {
		writeDPoPChallenge(w, de.code, de.desc, s.dpop.rs)
		return false
	}
	switch {
	case proof == nil:
		writeDPoPChallenge(w, "invalid_dpop_proof", "The DPoP scheme needs a DPoP header with a proof.", s.dpop.rs)
		return false
	case !bound:
		writeDPoPChallenge(w, "invalid_token", "This access token is not DPoP-bound (it has no cnf.jkt): send it as a Bearer token.", s.dpop.rs)
		return false
	case proof.jkt != sess.JKT:
		writeDPoPChallenge(w, "invalid_token", "The DPoP proof was made with key "+proof.jkt+", but the access token is bound to "+sess.JKT+" (cnf.jkt).", s.dpop.rs)
		return false
	}
	if s.DPoPNonce() {
		w.Header().Set("DPoP-Nonce", s.dpop.rs.get())
	}
	return true
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, http.StatusOK, "home", homeData{Issuer: s.issuer, Clients: s.Clients(), Users: s.Users(),
		Flaw: s.Flaw(), Lifetimes: s.Lifetimes()})
}

// authenticateClient parses the form and authenticates the client with its
// registered method; on failure it writes the OAuth error and returns false.
func (s *Server) authenticateClient(w http.ResponseWriter, r *http.Request) (fosite.Client, bool) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body is not a form: "+err.Error())
		return nil, false
	}
	client, err := s.provider.AuthenticateClient(r.Context(), r, r.PostForm)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="demo IdP"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed: "+fosite.ErrorToRFC6749Error(err).GetDescription())
		return nil, false
	}
	return client, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// now is the provider's wall clock for sign-in times (fosite uses time.Now too).
func now() time.Time { return time.Now().UTC() }
