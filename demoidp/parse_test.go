package demoidp

import (
	"strings"
	"testing"
)

func TestParseFlaw(t *testing.T) {
	for _, f := range Flaws() {
		got, err := ParseFlaw(string(f))
		if err != nil || got != f {
			t.Errorf("ParseFlaw(%q) = %q, %v", f, got, err)
		}
		if d := f.Description(); d == "" || d == "unknown flaw" {
			t.Errorf("%s has no description", f)
		}
	}
	if got, err := ParseFlaw(""); err != nil || got != FlawNone {
		t.Errorf(`ParseFlaw("") = %q, %v`, got, err)
	}
	if _, err := ParseFlaw("sloppy"); err == nil || !strings.Contains(err.Error(), "wrong-audience") {
		t.Errorf("ParseFlaw(sloppy) error = %v, want one listing the flaws", err)
	}
}

func TestParseForm(t *testing.T) {
	page := `<html><body><p class="note error">Wrong <b>password</b></p>
<form method="post" action="/authorize?a=1&amp;b=2"><input type="hidden" name="csrf" value="x&amp;y">
<input name="username"><input type="password" name="password"><button name="decision" value="allow">OK</button></form>
<form action="/second"></form></body></html>`
	f, msg := parseForm([]byte(page))
	if f == nil {
		t.Fatal("no form")
	}
	if f.action != "/authorize?a=1&b=2" || f.values.Get("csrf") != "x&y" || !f.hasField("password") || f.buttons["decision"][0] != "allow" {
		t.Errorf("form = %+v", f)
	}
	if msg != "Wrong password" {
		t.Errorf("message = %q", msg)
	}
	if f, _ := parseForm([]byte("<p>no form here")); f != nil {
		t.Errorf("found a form in a page without one: %+v", f)
	}
}

func FuzzParseForm(f *testing.F) {
	f.Add([]byte(`<form action="/x"><input type="hidden" name="a" value="b"><button name="decision" value="allow"></button></form>`))
	f.Add([]byte(`<p class="error">bad<form><input name=password>`))
	f.Add([]byte("<<<>>>\x00<form action='\xff'>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		form, _ := parseForm(page)
		if form != nil && form.values == nil {
			t.Fatal("form without values map")
		}
	})
}
