package token

import (
	"strconv"
	"testing"
	"time"
)

// The checklist's message buffer must render exactly what strconv and
// time would.
func TestMsgBufMatchesStrconv(t *testing.T) {
	var m msgBuf
	for _, s := range []string{"", "plain", "https://idp.example.com/", `quo"te`, `back\slash`, "tab\t", "é", "\x7f", "\x00", "日本", "\xff"} {
		if got, want := m.q(s).done(), strconv.Quote(s); got != want {
			t.Errorf("q(%q) = %s, want %s", s, got, want)
		}
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, d := range []time.Duration{0, 500 * time.Millisecond, -time.Second, 59 * time.Second, -5 * time.Minute, 90 * time.Minute, -9*time.Hour - 59*time.Minute, 30 * time.Hour, 800 * 24 * time.Hour} {
		tt := now.Add(d)
		if got, want := m.w("a ").rel(tt, now).w(" at ").time(tt).done(), "a "+Relative(tt, now)+" at "+tt.Format(time.RFC3339); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
	if got := m.w("[").join([]string{"a", "b"}).w("] ").qList([]string{"x"}).w(" ").qList([]string{"x", "y"}).done(); got != `[a, b] "x" ["x", "y"]` {
		t.Errorf("join/qList: %s", got)
	}
}

// The integer fast path of jsonNumber must agree with strconv.ParseFloat.
func TestJSONNumberFastPath(t *testing.T) {
	for _, s := range []string{"0", "7", "1772370000", "999999999999999", "9999999999999999", "12345678901234567890", "-5", "1.5", "1e3", "1772370000.25"} {
		want, _ := strconv.ParseFloat(s, 64)
		if got, ok := jsonNumber([]byte(s)); !ok || got != want {
			t.Errorf("jsonNumber(%s) = %v, %v; want %v", s, got, ok, want)
		}
	}
}
