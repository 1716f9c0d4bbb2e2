package store

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the profiles loader. It must never
// panic; a rejection must be a *LoadError; an accepted file must survive a
// save and load unchanged (encode(load(x)) is a fixed point). The seed
// corpus is in testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	good, err := encodeProfiles([]Profile{sample("a"), sample("b")}, testNow)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := parseProfiles(data)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || le.Reason == "" {
				t.Fatalf("rejection is not a *LoadError with a reason: %T %v", err, err)
			}
			if le.Line < 0 || le.Column < 0 {
				t.Fatalf("bad position %d:%d", le.Line, le.Column)
			}
			return
		}
		once, err := encodeProfiles(ps, testNow)
		if err != nil {
			t.Fatalf("accepted profiles cannot be saved: %v", err)
		}
		again, err := parseProfiles(once)
		if err != nil {
			t.Fatalf("a saved file does not load: %v\n%s", err, once)
		}
		twice, _ := encodeProfiles(again, testNow)
		if !bytes.Equal(once, twice) {
			t.Fatalf("save/load is not stable:\n%s\n---\n%s", once, twice)
		}
		for _, p := range ps {
			p.Validate() // must not panic either
		}
		if _, err := ParseBundle(data); err != nil {
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("ParseBundle rejection is not a *LoadError: %v", err)
			}
		}
	})
}
