package token

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// TimeClaim is a NumericDate claim (RFC 7519 2) with its renderings.
type TimeClaim struct {
	Claim string    // claim name: exp, nbf, iat, auth_time, updated_at, ...
	Value float64   // seconds since the epoch, as in the token
	Time  time.Time // the same instant, UTC
	now   time.Time // the evaluation time, for Relative
}

// UTC renders the time as RFC 3339 in UTC.
func (t TimeClaim) UTC() string { return t.Time.UTC().Format(time.RFC3339) }

// Local renders the time in the local zone, with the zone's name.
func (t TimeClaim) Local() string { return t.Time.Local().Format("2006-01-02 15:04:05 MST") }

// Relative renders the time relative to the evaluation time.
func (t TimeClaim) Relative() string { return Relative(t.Time, t.now) }

// MarshalJSON writes {"claim","unix","utc","local","relative"}.
func (t TimeClaim) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Claim    string  `json:"claim"`
		Unix     float64 `json:"unix"`
		UTC      string  `json:"utc"`
		Local    string  `json:"local"`
		Relative string  `json:"relative"`
	}{t.Claim, t.Value, t.UTC(), t.Local(), t.Relative()})
}

// numericDates collects the NumericDate claims of claims, in token order.
func numericDates(claims Object, now time.Time) []TimeClaim {
	var out []TimeClaim
	for _, m := range claims {
		if !isTimeClaim(m.Name) {
			continue
		}
		v, ok := jsonNumber(m.Value)
		if !ok {
			continue
		}
		if out == nil {
			out = make([]TimeClaim, 0, 4)
		}
		out = append(out, TimeClaim{Claim: m.Name, Value: v, Time: numericTime(v), now: now})
	}
	return out
}

// numericTime converts a NumericDate (may have a fraction) to a time.
func numericTime(v float64) time.Time {
	if v > 1e12 || v < -1e12 {
		v = math.Copysign(1e12, v)
	}
	sec, frac := math.Modf(v)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// Relative renders t relative to now: "in 23 min", "3 h ago", "just now".
func Relative(t, now time.Time) string {
	d := t.Sub(now)
	future := d > 0
	if d < 0 {
		d = -d
	}
	if d < time.Second {
		return "now"
	}
	var s string
	switch {
	case d < time.Minute:
		s = fmt.Sprintf("%d s", d/time.Second)
	case d < time.Hour:
		s = fmt.Sprintf("%d min", d/time.Minute)
	case d < 48*time.Hour:
		h, m := d/time.Hour, d%time.Hour/time.Minute
		s = fmt.Sprintf("%d h", h)
		if h < 10 && m > 0 {
			s += fmt.Sprintf(" %d min", m)
		}
	case d < 730*24*time.Hour:
		s = fmt.Sprintf("%d days", d/(24*time.Hour))
	default:
		s = fmt.Sprintf("%d years", d/(8766*time.Hour))
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// duration renders a length of time plainly: "90 s", "1 h 30 min", "400 days".
func duration(d time.Duration) string {
	if d < time.Second {
		return "0 s"
	}
	r := Relative(time.Unix(0, 0).Add(d), time.Unix(0, 0))
	if len(r) > 3 && r[:3] == "in " {
		return r[3:]
	}
	return r
}
