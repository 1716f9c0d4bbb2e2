package termesc

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, ünïcode ✓", "plain text, ünïcode ✓"},
		{"a\x1b[31mred", `a\u001b[31mred`},
		{"title\x1b]0;pwned\x07", `title\u001b]0;pwned\u0007`},
		{"c1 \u009b2J", `c1 \u009b2J`},
		{"del\x7f", `del\u007f`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"isolate \u2066x\u2069", `isolate \u2066x\u2069`},
		{"zero\u200bwidth\ufeff", `zero\u200bwidth\ufeff`},
		{"line\u2028sep", `line\u2028sep`},
		{"tab\there", `tab\u0009here`},
		{"bad \xff byte", "bad \ufffd byte"},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if got := Lines("a\r\nb\x1bc\n"); got != "a\nb\\u001bc\n" {
		t.Errorf("Lines = %q", got)
	}
	if got := Quote("/p\"a\\th\x1b"); got != `"/p\"a\\th\u001b"` {
		t.Errorf("Quote = %q", got)
	}
}

// FuzzString: whatever the input, the output holds no control, format or
// separator character and is valid UTF-8.
func FuzzString(f *testing.F) {
	for _, s := range []string{"plain", "a\x1b[31m", "\u202e\u2066\u200b\ufeff", "\xff\xfe", "\u009b2J\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q is not valid UTF-8", s, out)
		}
		for _, r := range out {
			if hostile(r) {
				t.Fatalf("String(%q) = %q holds %U", s, out, r)
			}
		}
	})
}

// TestJSON: encoded JSON keeps its values and layout, but no C1 control,
// bidi or zero-width character reaches the terminal raw.
func TestJSON(t *testing.T) {
	in := map[string]string{"k\u202e": "EVIL\x1b[31m\u202eRTL\u200bZW\u0085C1\u2066\U000e0041tag ünï ✓\n"}
	raw, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out := JSON(raw)
	for _, r := range string(out) {
		if r >= utf8.RuneSelf && hostile(r) {
			t.Fatalf("JSON output %q holds %U", out, r)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, in) {
		t.Fatalf("JSON output %s decodes to %q (%v); want %q", out, back, err, in)
	}
	if !bytes.Contains(out, []byte("\n  \"k\\u202e\"")) || !bytes.Contains(out, []byte(`ünï ✓`)) {
		t.Errorf("JSON output %s lost its layout or plain characters", out)
	}
	if plain := []byte("{\n  \"a\": \"ünï\"\n}"); !bytes.Equal(JSON(plain), plain) {
		t.Errorf("JSON changed plain text: %s", JSON(plain))
	}
}
