package demoidp

import (
	"encoding/json"
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
		"scopes_supported":                                 append(slices.Clone(userScopes), "api.write"),
		"response_types_supported":                         []string{"code"},
		"response_modes_supported":                         []string{"query"},
		"grant_types_supported":                            []string{"authorization_code", "refresh_token", "client_credentials", DeviceGrantType},
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
// authorization_code, refresh_token, client_credentials and device_code grants.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sess := newSession(s.issuer)
	ar, err := s.provider.NewAccessRequest(ctx, r, sess)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	if ar.GetGrantTypes().ExactOne("client_credentials") {
		// No user: the client is the subject (RFC 9068 section 2.2).
		id := ar.GetClient().GetID()
		sess.ClientID, sess.Subject = id, id
		for _, scope := range ar.GetRequestedScopes() {
			ar.GrantScope(scope)
		}
		grantAudience(ar, ar.GetRequestedAudience())
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
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
	err := s.provider.NewRevocationRequest(r.Context(), r)
	s.provider.WriteRevocationResponse(r.Context(), w, err)
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
	if use == fosite.AccessToken {
		out["token_type"] = "Bearer"
	} else {
		out["token_type"] = "refresh_token"
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
	tok := fosite.AccessTokenFromRequest(r)
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="demo IdP"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_request", "Send the access token in the Authorization: Bearer header.")
		return
	}
	_, ar, err := s.provider.IntrospectToken(r.Context(), tok, fosite.AccessToken, newSession(s.issuer))
	if err != nil {
		desc := "The access token is invalid, expired or revoked: " + fosite.ErrorToRFC6749Error(err).GetDescription()
		w.Header().Set("WWW-Authenticate", `Bearer realm="demo IdP", error="invalid_token", error_description="The access token is invalid, expired or revoked"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_token", desc)
		return
	}
	sess, _ := ar.GetSession().(*session)
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
