package flows

import (
	"time"
)

// Lifetime is how long one token of a result lives.
type Lifetime struct {
	Token   string    `json:"token"`   // "access", "id", "refresh"
	Start   time.Time `json:"start"`   // iat, or when the response arrived
	Expires time.Time `json:"expires"` // exp, or from expires_in / refresh_expires_in
	Source  string    `json:"source"`  // where Expires came from: "exp claim", "expires_in", "refresh_expires_in"
}

// Remaining is the time left at now (negative once expired).
func (l Lifetime) Remaining(now time.Time) time.Duration { return l.Expires.Sub(now) }

// Fraction is the share of the lifetime left at now, from 1 (just issued)
// to 0 (expired).
func (l Lifetime) Fraction(now time.Time) float64 {
	total := l.Expires.Sub(l.Start)
	if total <= 0 {
		return 0
	}
	f := float64(l.Expires.Sub(now)) / float64(total)
	return min(max(f, 0), 1)
}

// Lifetimes returns the lifetimes known for the tokens of r, in the order
// access, ID, refresh. A JWT's exp claim wins (RFC 7519 §4.1.4); an access
// token without one uses expires_in (RFC 6749 §5.1), a refresh token the
// refresh_expires_in some servers (Keycloak) send. Tokens whose expiry is
// not known are left out.
func Lifetimes(r *Result) []Lifetime {
	if r == nil {
		return nil
	}
	var out []Lifetime
	add := func(kind string, in *Inspected, fallback time.Time, secs int64, field string) {
		if l, ok := jwtLifetime(in); ok {
			l.Token = kind
			out = append(out, l)
			return
		}
		if in != nil && !fallback.IsZero() {
			out = append(out, Lifetime{Token: kind, Start: fallback.Add(-time.Duration(secs) * time.Second), Expires: fallback, Source: field})
		}
	}
	add("access", r.AccessToken, r.Expiry, r.ExpiresIn, "expires_in")
	add("id", r.IDToken, time.Time{}, 0, "")
	add("refresh", r.RefreshToken, r.RefreshExpiry, r.RefreshExpiresIn, "refresh_expires_in")
	return out
}

// jwtLifetime reads exp and iat of a decoded JWT.
func jwtLifetime(in *Inspected) (Lifetime, bool) {
	if in == nil || in.Err != nil || in.Report == nil {
		return Lifetime{}, false
	}
	var l Lifetime
	for _, t := range in.Report.Times {
		switch t.Claim {
		case "exp":
			l.Expires = t.Time
		case "iat":
			l.Start = t.Time
		}
	}
	if l.Expires.IsZero() {
		return Lifetime{}, false
	}
	if l.Start.IsZero() || !l.Start.Before(l.Expires) {
		l.Start = in.Report.EvaluatedAt
	}
	l.Source = "exp claim"
	return l, true
}
