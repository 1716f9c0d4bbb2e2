package demoidp

import (
	"context"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/oauth2"
)

// Token type URIs (RFC 8693 section 3).
const (
	TokenTypeAccessToken  = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeRefreshToken = "urn:ietf:params:oauth:token-type:refresh_token"
	TokenTypeIDToken      = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeJWT          = "urn:ietf:params:oauth:token-type:jwt"
)

// exchangeHandler is a simple RFC 8693 token exchange: a client with the
// grant trades a token of this provider (access, refresh or ID token) for
// an access token for the same user with the same or fewer scopes, for an
// audience the client may request (for example ReportsAudience instead of
// APIAudience). With an actor token the new token says who acts for the
// user in an act claim (section 4.1), nesting any act the subject token
// had. fosite v0.49.0 has no token exchange handler.
type exchangeHandler struct {
	s      *Server
	config *config
	store  oauth2.CoreStorage
	tokens oauth2.CoreStrategy
}

var _ fosite.TokenEndpointHandler = (*exchangeHandler)(nil)

// exchangeTokenFactory is a compose.Factory for exchangeHandler.
func (s *Server) exchangeTokenFactory(cfg fosite.Configurator, store any, strategy any) any {
	st := strategy.(*compose.CommonStrategy)
	return &exchangeHandler{s: s, config: cfg.(*config), store: store.(oauth2.CoreStorage), tokens: st.CoreStrategy}
}

func (h *exchangeHandler) CanSkipClientAuth(context.Context, fosite.AccessRequester) bool {
	return false
}

func (h *exchangeHandler) CanHandleTokenEndpointRequest(_ context.Context, r fosite.AccessRequester) bool {
	return r.GetGrantTypes().ExactOne(TokenExchangeGrantType)
}

// exchanged is what the handler learned about a presented token.
type exchanged struct {
	sub, username string
	scopes        []string
	audience      []string
	act           map[string]any
}

// HandleTokenEndpointRequest checks the subject and actor tokens (RFC 8693
// section 2.1) and prepares the session of the new token.
func (h *exchangeHandler) HandleTokenEndpointRequest(ctx context.Context, r fosite.AccessRequester) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	client := r.GetClient()
	if !client.GetGrantTypes().Has(TokenExchangeGrantType) {
		return fosite.ErrUnauthorizedClient.WithHintf("Client %s may not use token exchange; use %s, %s or %s.", client.GetID(), WebClientID, JWTClientID, WorkloadClientID)
	}
	form := r.GetRequestForm()
	subject, err := h.inspect(ctx, "subject_token", form.Get("subject_token"), form.Get("subject_token_type"))
	if err != nil {
		return err
	}
	switch rt := form.Get("requested_token_type"); rt {
	case "", TokenTypeAccessToken, TokenTypeJWT:
	default:
		return fosite.ErrInvalidRequest.WithHintf("requested_token_type %s is not offered here: this provider exchanges for access tokens (%s) only.", rt, TokenTypeAccessToken)
	}
	sess := newSession(h.s.issuer)
	sess.Subject, sess.Username, sess.ClientID = subject.sub, subject.username, client.GetID()
	sess.Act = subject.act
	if actorToken := form.Get("actor_token"); actorToken != "" {
		actor, err := h.inspect(ctx, "actor_token", actorToken, form.Get("actor_token_type"))
		if err != nil {
			return err
		}
		sess.Act = map[string]any{"sub": actor.sub}
		if subject.act != nil {
			sess.Act["act"] = subject.act // section 4.1: the earlier actors, nested
		}
	} else if form.Get("actor_token_type") != "" {
		return fosite.ErrInvalidRequest.WithHint("actor_token_type was sent without actor_token (RFC 8693 section 2.1).")
	}
	if err := h.grantScopes(r, subject.scopes); err != nil {
		return err
	}
	if err := h.grantAudience(ctx, r, form.Get("resource"), subject.audience); err != nil {
		return err
	}
	r.SetSession(sess)
	lifespan := fosite.GetEffectiveLifespan(client, fosite.GrantType(TokenExchangeGrantType), fosite.AccessToken, h.config.GetAccessTokenLifespan(ctx))
	sess.SetExpiresAt(fosite.AccessToken, time.Now().UTC().Add(lifespan).Round(time.Second))
	return nil
}

// grantScopes grants the requested scopes when the subject token has them
// all (an exchange never widens), or the subject token's scopes.
func (h *exchangeHandler) grantScopes(r fosite.AccessRequester, have []string) error {
	want := r.GetRequestedScopes()
	if len(want) == 0 {
		want = slices.DeleteFunc(slices.Clone(have), func(s string) bool { return s == "offline_access" })
	}
	for _, sc := range want {
		if !slices.Contains(have, sc) {
			return fosite.ErrInvalidScope.WithHintf("Scope %s is not among the subject token's scopes (%s): token exchange may narrow, never widen.", sc, strings.Join(have, " "))
		}
		r.GrantScope(sc)
	}
	return nil
}

// grantAudience grants the requested audience (audience parameters, or a
// resource naming one) when the client may ask for it; else the subject
// token's audience. RFC 8693 section 2.2.2: otherwise invalid_target.
func (h *exchangeHandler) grantAudience(ctx context.Context, r fosite.AccessRequester, resource string, have []string) error {
	want := r.GetRequestedAudience()
	if resource != "" {
		want = append(want, resource)
	}
	if len(want) == 0 {
		want = have
	}
	if len(want) == 0 {
		want = []string{APIAudience}
	}
	for _, a := range want {
		if !slices.Contains(r.GetClient().GetAudience(), a) {
			return &fosite.RFC6749Error{ErrorField: "invalid_target", DescriptionField: "The requested audience or resource is not offered to this client.",
				HintField: "Ask for one of: " + strings.Join(r.GetClient().GetAudience(), ", ") + ".", CodeField: 400}
		}
		r.GrantAudience(a)
	}
	return nil
}

// inspect validates a token presented for exchange and returns its subject,
// scopes, audience and act. RFC 8693 section 2.2.2: a token that is
// invalid for any reason gets invalid_request.
func (h *exchangeHandler) inspect(ctx context.Context, param, tok, typ string) (*exchanged, error) {
	if tok == "" || typ == "" {
		return nil, fosite.ErrInvalidRequest.WithHintf("%s and %s_type are both required (RFC 8693 section 2.1).", param, param)
	}
	var use fosite.TokenUse
	switch typ {
	case TokenTypeAccessToken:
		use = fosite.AccessToken
	case TokenTypeRefreshToken:
		use = fosite.RefreshToken
	case TokenTypeIDToken:
		return h.inspectIDToken(param, tok)
	case TokenTypeJWT:
		if x, err := h.inspectIDToken(param, tok); err == nil {
			return x, nil
		}
		use = fosite.AccessToken
	default:
		return nil, fosite.ErrInvalidRequest.WithHintf("%s_type %s is not accepted here; use %s, %s, %s or %s.", param, typ, TokenTypeAccessToken, TokenTypeRefreshToken, TokenTypeIDToken, TokenTypeJWT)
	}
	_, ar, err := h.s.provider.IntrospectToken(ctx, tok, use, newSession(h.s.issuer))
	if err != nil {
		return nil, fosite.ErrInvalidRequest.WithHintf("The %s is not an active %s of this provider (expired, revoked, or of another type).", param, typ)
	}
	x := &exchanged{scopes: ar.GetGrantedScopes(), audience: ar.GetGrantedAudience()}
	if sess, ok := ar.GetSession().(*session); ok {
		x.sub, x.username, x.act = sess.GetSubject(), sess.GetUsername(), sess.Act
	}
	return x, nil
}

// inspectIDToken checks an ID token of this provider (signature, issuer,
// expiry) for exchange; its scopes are those its claims stand for.
func (h *exchangeHandler) inspectIDToken(param, raw string) (*exchanged, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return nil, fosite.ErrInvalidRequest.WithHintf("The %s is not a signed JWT.", param)
	}
	k := h.s.keys.lookup(tok.Headers[0].KeyID)
	var c jwt.Claims
	if k == nil || tok.Claims(&k.priv.PublicKey, &c) != nil {
		return nil, fosite.ErrInvalidRequest.WithHintf("The %s's signature does not verify with this provider's keys.", param)
	}
	if c.Issuer != h.s.issuer || c.ValidateWithLeeway(jwt.Expected{Time: time.Now()}, time.Minute) != nil {
		return nil, fosite.ErrInvalidRequest.WithHintf("The %s was issued by another issuer or has expired.", param)
	}
	x := &exchanged{sub: c.Subject, scopes: []string{"openid", "profile", "email"}}
	if u, ok := userBySubject(h.s.users, c.Subject); ok {
		x.username = u.Username
	}
	return x, nil
}

// PopulateTokenEndpointResponse issues the access token (no refresh token:
// exchanged tokens are short-lived delegations) and says its type.
func (h *exchangeHandler) PopulateTokenEndpointResponse(ctx context.Context, r fosite.AccessRequester, resp fosite.AccessResponder) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	if _, err := issueAccessToken(ctx, h.tokens, h.store, r, resp); err != nil {
		return err
	}
	issued := TokenTypeAccessToken
	if r.GetRequestForm().Get("requested_token_type") == TokenTypeJWT {
		issued = TokenTypeJWT
	}
	resp.SetExtra("issued_token_type", issued) // RFC 8693 section 2.2.1
	return nil
}
