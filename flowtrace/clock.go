package flowtrace

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

// Clock offsets below this are Date-header noise (one-second resolution
// plus the time a response takes).
const clockNoise = 5 * time.Second

// clock estimates the IdP's clock against the client's: each IdP response's
// Date header (RFC 9110 §6.6.1) against the middle of the exchange on the
// client's clock (the HAR's startedDateTime, the transcript's start), and
// each token's iat against the time the client received it. The median is
// kept: one slow response does not skew it.
func (an *analyzer) clock() {
	var dates, iats []time.Duration
	for i := range an.a.Steps {
		s := &an.a.Steps[i]
		if s.To != IdP || s.Status == 0 || s.Started.IsZero() {
			continue
		}
		d, err := http.ParseTime(s.Response.Header("Date"))
		if err != nil {
			continue
		}
		dates = append(dates, d.Sub(s.Started.Add(s.Duration/2)))
	}
	for _, t := range an.a.Tokens {
		if t.Report == nil || t.At.IsZero() || t.Step < 0 || an.a.Steps[t.Step].Kind != KindToken {
			continue
		}
		for _, tc := range t.Report.Times {
			if tc.Claim == "iat" {
				iats = append(iats, tc.Time.Sub(t.At))
			}
		}
	}
	source, samples := "Date headers", dates
	if len(dates) == 0 {
		source, samples = "tokens' iat", iats
	}
	if len(samples) == 0 {
		return
	}
	off := median(samples)
	an.a.ClockOffset, an.a.ClockSamples = off, len(samples)
	abs := off.Abs()
	if abs < clockNoise {
		return
	}
	dir := "ahead of"
	if off < 0 {
		dir = "behind"
	}
	msg := fmt.Sprintf("the IdP's clock is %s %s the client's (median of %d %s)", abs.Round(time.Second), dir, len(samples), source)
	lvl := LevelInfo
	if abs > token.DefaultSkew {
		lvl = LevelWarning
		if off > 0 {
			msg += ": its tokens look issued in the future (iat, nbf) to the client by that much, beyond the usual 60 s skew"
		} else {
			msg += ": its tokens look older to the client by that much and expire early, beyond the usual 60 s skew"
		}
		if explained := an.timeFailures(); explained != "" {
			msg += "; this explains " + explained
		}
		msg += "; synchronise the clocks (NTP)"
	}
	an.a.addFinding(-1, "clock_offset", lvl, "RFC 9110 §6.6.1; RFC 7519 §4.1.4-6", msg)
}

// timeFailures names the tokens whose exp, nbf or iat check failed.
func (an *analyzer) timeFailures() string {
	var out []string
	for _, t := range an.a.Tokens {
		if t.Report == nil {
			continue
		}
		for _, c := range t.Report.Checks {
			if c.Status == token.Fail && (c.ID == "exp" || c.ID == "nbf" || c.ID == "iat") {
				out = append(out, fmt.Sprintf("the %s check of the %s at step %d", c.ID, t.Name, t.Step+1))
			}
		}
	}
	return strings.Join(out, ", ")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// timing reports the time the flow took: in total, at the IdP's pages
// (authorization request to callback), and the slowest step.
func (an *analyzer) timing(fl *flowLinks) {
	steps := an.a.FlowSteps()
	if len(steps) < 2 || steps[0].Started.IsZero() {
		return
	}
	first, last := steps[0], steps[len(steps)-1]
	total := last.Started.Add(last.Duration).Sub(first.Started)
	slowest := slices.MaxFunc(steps, func(a, b *Step) int { return int(a.Duration - b.Duration) })
	msg := fmt.Sprintf("the flow took %s over %d steps", round(total), len(steps))
	for _, l := range fl.logins {
		if len(l.resps) == 0 {
			continue
		}
		r := &an.a.Steps[l.resps[0].step]
		req := &an.a.Steps[l.req]
		msg += fmt.Sprintf("; authorization request (step %d) to response (step %d): %s at the IdP", l.req+1, r.Index+1, round(r.Started.Sub(req.Started)))
		for _, t := range l.tokens {
			msg += fmt.Sprintf("; code redeemed at step %d in %s", t+1, round(an.a.Steps[t].Duration))
		}
	}
	msg += fmt.Sprintf("; slowest step: %d (%s) %s", slowest.Index+1, slowest.Kind, round(slowest.Duration))
	an.a.addFinding(-1, "timing", LevelInfo, "HAR 1.2 §timings", msg)
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(100 * time.Millisecond)
	}
	if d > time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}
