package token

import (
	"bytes"
	"encoding/json"
)

// ChangeKind is how a claim changed between two tokens.
type ChangeKind string

// Change kinds.
const (
	Added   ChangeKind = "added"
	Removed ChangeKind = "removed"
	Changed ChangeKind = "changed"
)

// Change is one claim that differs between two tokens. Old or New is empty
// when the claim was added or removed.
type Change struct {
	Claim string     `json:"claim"`
	Kind  ChangeKind `json:"kind"`
	Old   string     `json:"old,omitempty"` // compact JSON
	New   string     `json:"new,omitempty"` // compact JSON
}

// DiffClaims lists the claims added, removed or changed from old to new:
// removed and changed claims in old's order, then added ones in new's
// order. Values are compared as compact JSON text.
func DiffClaims(old, new Object) []Change {
	var out []Change
	seen := make(map[string]bool, len(old))
	for _, m := range old {
		if seen[m.Name] {
			continue
		}
		seen[m.Name] = true
		ov, _ := old.Get(m.Name)
		nv, ok := new.Get(m.Name)
		switch {
		case !ok:
			out = append(out, Change{Claim: m.Name, Kind: Removed, Old: compactJSON(ov)})
		case compactJSON(ov) != compactJSON(nv):
			out = append(out, Change{Claim: m.Name, Kind: Changed, Old: compactJSON(ov), New: compactJSON(nv)})
		}
	}
	for _, m := range new {
		if seen[m.Name] {
			continue
		}
		seen[m.Name] = true
		nv, _ := new.Get(m.Name)
		out = append(out, Change{Claim: m.Name, Kind: Added, New: compactJSON(nv)})
	}
	return out
}

// compactJSON returns raw without insignificant whitespace.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}
