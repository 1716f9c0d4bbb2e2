package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Grant types beyond RFC 6749's.
const (
	// JWTBearerGrantType is the JWT bearer authorization grant (RFC 7523 section 2.1).
	JWTBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// TokenExchangeGrantType is token exchange (RFC 8693 section 2.1).
	TokenExchangeGrantType = "urn:ietf:params:oauth:grant-type:token-exchange"
)

// Token type identifiers (RFC 8693 section 3).
const (
	TokenTypeAccessToken  = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeRefreshToken = "urn:ietf:params:oauth:token-type:refresh_token"
	TokenTypeIDToken      = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeJWT          = "urn:ietf:params:oauth:token-type:jwt"
	TokenTypeSAML1        = "urn:ietf:params:oauth:token-type:saml1"
	TokenTypeSAML2        = "urn:ietf:params:oauth:token-type:saml2"
)

// TokenTypes lists the RFC 8693 token type identifiers, for pickers and flag help.
var TokenTypes = []string{TokenTypeAccessToken, TokenTypeRefreshToken, TokenTypeIDToken, TokenTypeJWT, TokenTypeSAML1, TokenTypeSAML2}

// TokenExchangeRequest is an RFC 8693 section 2.1 request.
type TokenExchangeRequest struct {
	SubjectToken, SubjectTokenType string // required
	ActorToken, ActorTokenType     string // optional; the type is required with a token
	RequestedTokenType             string
	Audience                       []string
	Resources                      []string
	Scopes                         []string
}

// ShortTokenType expands "access_token", "id_token", "jwt"... to the
// RFC 8693 URI; anything else is returned unchanged.
func ShortTokenType(s string) string {
	for _, t := range TokenTypes {
		if s == strings.TrimPrefix(t, "urn:ietf:params:oauth:token-type:") {
			return t
		}
	}
	return s
}

// TokenExchange trades a token for another (RFC 8693): the subject token
// (and an actor token, when someone acts for the subject) for a token with
// the audience, resource, scope and type asked for. The result's access
// token is inspected like any other; its act claim names the actor.
func (c *Client) TokenExchange(ctx context.Context, req TokenExchangeRequest) (*Result, error) {
	req.SubjectToken = strings.TrimSpace(req.SubjectToken)
	req.ActorToken = strings.TrimSpace(req.ActorToken)
	switch {
	case req.SubjectToken == "":
		return nil, errors.New("token exchange: no subject token: give the token to exchange")
	case req.SubjectTokenType == "":
		return nil, errors.New("token exchange: no subject token type: say what the subject token is (access_token, id_token, jwt, ...)")
	case req.ActorToken != "" && req.ActorTokenType == "":
		return nil, errors.New("token exchange: the actor token needs its type too (RFC 8693 section 2.1)")
	case req.ActorToken == "" && req.ActorTokenType != "":
		return nil, errors.New("token exchange: an actor token type without an actor token; give both or neither")
	}
	form := url.Values{
		"grant_type":         {TokenExchangeGrantType},
		"subject_token":      {req.SubjectToken},
		"subject_token_type": {ShortTokenType(req.SubjectTokenType)},
	}
	if req.ActorToken != "" {
		form.Set("actor_token", req.ActorToken)
		form.Set("actor_token_type", ShortTokenType(req.ActorTokenType))
	}
	if req.RequestedTokenType != "" {
		form.Set("requested_token_type", ShortTokenType(req.RequestedTokenType))
	}
	if len(req.Audience) > 0 {
		form["audience"] = req.Audience
	}
	if len(req.Resources) > 0 {
		form["resource"] = req.Resources
	}
	if len(req.Scopes) > 0 {
		form.Set("scope", strings.Join(req.Scopes, " "))
	}
	return c.grant(ctx, "token_exchange", form)
}

// JWTBearer redeems an assertion with the JWT bearer authorization grant
// (RFC 7523 section 2.1): a JWT, issued by the client itself or by someone
// the server trusts, stands for the user or workload named in its sub.
// The profile's scopes and audience are asked for.
func (c *Client) JWTBearer(ctx context.Context, assertion string) (*Result, error) {
	assertion = strings.TrimSpace(assertion)
	if assertion == "" {
		return nil, errors.New("JWT bearer grant: no assertion: give the JWT to present")
	}
	form := c.accessRequest(url.Values{"grant_type": {JWTBearerGrantType}, "assertion": {assertion}})
	return c.grant(ctx, "jwt_bearer", form)
}

// accessRequest adds the profile's scopes, audience and resource indicators
// (RFC 8707) to form and returns it.
func (c *Client) accessRequest(form url.Values) url.Values {
	if len(c.cfg.Scopes) > 0 {
		form.Set("scope", strings.Join(c.cfg.Scopes, " "))
	}
	if c.cfg.Audience != "" {
		form.Set("audience", c.cfg.Audience)
	}
	if len(c.cfg.Resources) > 0 {
		form["resource"] = c.cfg.Resources
	}
	return form
}

// grant posts form to the token endpoint and inspects the answer.
func (c *Client) grant(ctx context.Context, name string, form url.Values) (*Result, error) {
	tokenURL, err := c.endpoint(ctx, "token")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", grantLabel(name), err)
	}
	raw, err := c.tokenRequest(ctx, tokenURL, form)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", grantLabel(name), err)
	}
	return c.result(ctx, name, raw, resultExtra{}), nil
}

func grantLabel(name string) string {
	switch name {
	case "token_exchange":
		return "token exchange"
	case "jwt_bearer":
		return "JWT bearer grant"
	}
	return name
}

// Delegation explains an act claim (RFC 8693 section 4.1): who acts for
// the subject, then who acted for them, outermost (current) actor first.
// It returns nil when claims has no act.
func Delegation(claims map[string]json.RawMessage) []string {
	raw, ok := claims["act"]
	if !ok {
		return nil
	}
	var chain []string
	for depth := 0; len(raw) > 0 && depth < 10; depth++ {
		var act map[string]json.RawMessage
		if json.Unmarshal(raw, &act) != nil {
			break
		}
		var sub, iss string
		_ = json.Unmarshal(act["sub"], &sub)
		_ = json.Unmarshal(act["iss"], &iss)
		who := sub
		if iss != "" {
			who += " (issuer " + iss + ")"
		}
		if depth == 0 {
			chain = append(chain, "acting now: "+who)
		} else {
			chain = append(chain, "acted before: "+who)
		}
		raw = act["act"]
	}
	return chain
}
