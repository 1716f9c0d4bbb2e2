package demoidp

import (
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/token/jwt"
)

// session carries the ID token claims (openid.DefaultSession) and produces
// RFC 9068 access token claims. fosite stores it with every code and token.
type session struct {
	*openid.DefaultSession
	ClientID string
	Issuer   string
	// JKT binds the access token to a DPoP key: cnf.jkt (RFC 9449 section 6.1).
	JKT string
	// DPoPJKT is the dpop_jkt of the authorization request: the code may be
	// redeemed only with a proof by that key (RFC 9449 section 10).
	DPoPJKT string
	// Act is the actor claim of an exchanged token (RFC 8693 section 4.1).
	Act map[string]any
}

func newSession(issuer string) *session {
	return &session{
		DefaultSession: &openid.DefaultSession{Claims: &jwt.IDTokenClaims{}, Headers: &jwt.Headers{}},
		Issuer:         issuer,
	}
}

// userSession is the session for a signed-in user authorizing clientID.
func userSession(issuer string, u User, clientID string, authTime, requestedAt time.Time, scopes []string) *session {
	s := newSession(issuer)
	s.ClientID = clientID
	s.Subject = u.Subject
	s.Username = u.Username
	extra := map[string]any{"azp": clientID}
	for k, v := range u.claims(scopes) {
		extra[k] = v
	}
	s.Claims = &jwt.IDTokenClaims{
		Subject:     u.Subject,
		AuthTime:    authTime.UTC().Truncate(time.Second),
		RequestedAt: requestedAt.UTC().Truncate(time.Second),
		Extra:       extra,
	}
	return s
}

// Clone returns a deep copy (fosite clones sessions between grants).
func (s *session) Clone() fosite.Session {
	if s == nil {
		return nil
	}
	c := *s
	c.DefaultSession = s.DefaultSession.Clone().(*openid.DefaultSession)
	return &c
}

// GetJWTClaims returns fresh access token claims on every call; fosite fills
// exp, scope, aud, iat and jti. A fresh value also avoids fosite reusing the
// first token's iat after a refresh.
func (s *session) GetJWTClaims() jwt.JWTClaimsContainer {
	extra := map[string]any{"client_id": s.ClientID}
	if s.JKT != "" {
		extra["cnf"] = map[string]any{"jkt": s.JKT}
	}
	if s.Act != nil {
		extra["act"] = s.Act
	}
	return &jwt.JWTClaims{
		Subject: s.Subject,
		Issuer:  s.Issuer,
		Extra:   extra,
	}
}

// GetJWTHeader returns the access token header (the signer sets typ and kid).
func (s *session) GetJWTHeader() *jwt.Headers {
	return &jwt.Headers{Extra: map[string]any{"typ": "at+jwt"}}
}
