package token

import (
	"strconv"
	"testing"
	"time"
)

// The checklist's messages quote and format exactly as strconv and time
// do (they used to be built by a hand-made buffer that had to match them).
func TestMessagesMatchStrconv(t *testing.T) {
	for _, s := range []string{"", "plain", "https://idp.example.com/", `quo"te`, `back\slash`, "tab\t", "é", "\x7f", "\x00", "日本", "\xff"} {
		if got, want := quoteList([]string{s}), strconv.Quote(s); got != want {
			t.Errorf("quoteList(%q) = %s, want %s", s, got, want)
		}
	}
	if got := quoteList([]string{"x", "y"}); got != `["x", "y"]` {
		t.Errorf("quoteList: %s", got)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, d := range []time.Duration{2 * time.Second, 59 * time.Second, 90 * time.Minute, 30 * time.Hour, 800 * 24 * time.Hour} {
		exp := now.Add(d).Truncate(time.Second)
		c := &checker{claims: Object{{Name: "exp", Value: []byte(strconv.FormatInt(exp.Unix(), 10))}}, now: now, out: &[]Check{}}
		c.exp()
		if got, want := (*c.out)[0].Message, "expires "+Relative(exp, now)+" at "+exp.Format(time.RFC3339); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}

// jsonNumber must agree with strconv.ParseFloat.
func TestJSONNumberMatchesStrconv(t *testing.T) {
	for _, s := range []string{"0", "7", "1772370000", "999999999999999", "9999999999999999", "12345678901234567890", "-5", "1.5", "1e3", "1772370000.25"} {
		want, _ := strconv.ParseFloat(s, 64)
		if got, ok := jsonNumber([]byte(s)); !ok || got != want {
			t.Errorf("jsonNumber(%s) = %v, %v; want %v", s, got, ok, want)
		}
	}
}
