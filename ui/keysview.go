package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/token"
)

const tabKeys = "Keys"

const emptyKeys = "No keys yet. The issuer's JWKS is fetched when a token's signature is first checked: log in, or refresh."

// keysView shows the current issuer's JWKS: every key, the cache's age and
// Cache-Control, the re-fetch rule, and the key sets seen this session.
type keysView struct {
	summary *widget.Label
	rule    *widget.Label
	table   *widget.Table
	history *widget.List
	detail  *widget.Label // the selected key in full, selectable

	snap     flows.JWKSSnapshot
	verified map[string]string // thumbprint -> the session's tokens it verified
	now      time.Time
	content  fyne.CanvasObject
}

var keyColumns = []column{{"kid", 170}, {"Type", 110}, {"alg", 70}, {"use", 50}, {"RFC 7638 thumbprint", 220},
	{"Certificate (x5c)", 330}, {"Verified", 160}}

func newKeysView() *keysView {
	v := &keysView{summary: widget.NewLabel(emptyKeys), rule: widget.NewLabel("")}
	v.summary.Wrapping = fyne.TextWrapWord
	v.rule.Wrapping = fyne.TextWrapWord
	v.table, _ = newLabelTable(keyColumns, func() int { return len(v.snap.KeyList) },
		func(row, col int, l *widget.Label) { l.SetText(v.cell(row, col)) })
	v.history = widget.NewList(func() int { return len(v.snap.History) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.snap.History) {
				o.(*widget.Label).SetText(historyText(v.snap.History, i))
			}
		})
	v.detail = widget.NewLabel("Select a key to see it in full.")
	v.detail.Selectable = true
	v.detail.Wrapping = fyne.TextWrapWord
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(v.snap.KeyList) {
			v.detail.SetText(keyDetail(v.snap.KeyList[id.Row], v.verified, v.now))
		}
	}
	histTitle := widget.NewLabelWithStyle("Key sets seen this session", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	split := container.NewVSplit(container.NewBorder(nil, v.detail, nil, nil, v.table), container.NewBorder(histTitle, nil, nil, nil, v.history))
	split.Offset = 0.7
	v.content = container.NewBorder(container.NewVBox(v.summary, v.rule), nil, nil, nil, split)
	return v
}

// show displays a JWKS snapshot (ok false: the JWKS is not known yet).
// verified maps key thumbprints to the tokens of the session they verified.
func (v *keysView) show(snap flows.JWKSSnapshot, ok bool, verified map[string]string, now time.Time) {
	v.snap, v.verified, v.now = snap, verified, now
	if !ok || snap.Fetches == 0 {
		v.snap = flows.JWKSSnapshot{}
		v.summary.SetText(emptyKeys)
		v.rule.SetText("")
	} else {
		v.summary.SetText(keysSummary(snap, now))
		v.rule.SetText(refetchRule(snap, now))
	}
	v.table.UnselectAll()
	v.detail.SetText("Select a key to see it in full.")
	v.table.Refresh()
	v.history.Refresh()
}

// keysSummary is the JWKS line: where, how many keys, how fresh.
func keysSummary(s flows.JWKSSnapshot, now time.Time) string {
	src := s.URL
	if s.FinalURL != "" {
		src = s.FinalURL + " (redirected from " + s.URL + ")"
	}
	cc := s.CacheControl
	if cc == "" {
		cc = "none, so the keys are kept for the default hour"
	}
	text := fmt.Sprintf("JWKS %s: %s, fetched %s (%s; fetches this run: %d). Cache-Control: %s; cached until %s.",
		src, plural(s.Keys, "key"), s.FetchedAt.UTC().Format("15:04:05 UTC"), token.Relative(s.FetchedAt, now),
		s.Fetches, cc, s.Expires.UTC().Format("15:04:05 UTC"))
	if len(s.Skipped) > 0 {
		text += " Skipped: " + strings.Join(s.Skipped, "; ") + "."
	}
	return text
}

// refetchRule explains when the keys are fetched again.
func refetchRule(s flows.JWKSSnapshot, now time.Time) string {
	text := fmt.Sprintf("A token whose kid is not among these keys makes the app fetch the JWKS again at once, since that is how a "+
		"rotated key appears; at most once per %s, so a flood of unknown kids cannot hammer the provider. ", clockDuration(s.Cooldown))
	switch next := s.NextForcedRefetch(); {
	case s.LastForced.IsZero():
		text += "No forced re-fetch yet."
	case next.After(now):
		text += fmt.Sprintf("Last forced re-fetch %s; the next is allowed at %s.", token.Relative(s.LastForced, now), next.UTC().Format("15:04:05 UTC"))
	default:
		text += fmt.Sprintf("Last forced re-fetch %s; another is allowed now.", token.Relative(s.LastForced, now))
	}
	return text
}

// cell is the text of one key table cell.
func (v *keysView) cell(row, col int) string {
	if row >= len(v.snap.KeyList) {
		return ""
	}
	k := v.snap.KeyList[row]
	switch col {
	case 0:
		if k.Kid == "" {
			return "(no kid)"
		}
		return k.Kid
	case 1:
		return keyType(k)
	case 2:
		return k.Alg
	case 3:
		return k.Use
	case 4:
		return k.Thumbprint
	case 5:
		return certText(k.Cert, v.now)
	case 6:
		return v.verified[k.Thumbprint]
	}
	return ""
}

// keyDetail is one key in full, for reading and copying.
func keyDetail(k flows.JWKSKey, verified map[string]string, now time.Time) string {
	kid := k.Kid
	if kid == "" {
		kid = "(no kid)"
	}
	text := fmt.Sprintf("kid %s · %s · alg %s · use %s · RFC 7638 thumbprint %s", kid, keyType(k), k.Alg, k.Use, k.Thumbprint)
	if c := certText(k.Cert, now); c != "" {
		text += " · certificate: " + c
	}
	if v := verified[k.Thumbprint]; v != "" {
		text += " · verified: " + v
	}
	return text
}

// keyType is "RSA 2048", "EC P-256" or "OKP Ed25519".
func keyType(k flows.JWKSKey) string {
	switch {
	case k.Crv != "":
		return k.Kty + " " + k.Crv
	case k.Size > 0:
		return k.Kty + " " + strconv.Itoa(k.Size)
	}
	return k.Kty
}

// certText describes a key's certificate, flagging an expired or soon
// expiring one.
func certText(c *flows.CertInfo, now time.Time) string {
	if c == nil {
		return ""
	}
	text := fmt.Sprintf("%s, issued by %s, until %s", c.Subject, c.Issuer, c.NotAfter.UTC().Format("2006-01-02"))
	if st := c.State(now); st != "" {
		text = strings.ToUpper(st) + " (" + token.Relative(c.NotAfter, now) + "): " + text
	}
	return text
}

// historyText describes the i-th key set seen.
func historyText(h []flows.KeySetChange, i int) string {
	c := h[i]
	text := fmt.Sprintf("%s: %s", c.At.UTC().Format("15:04:05 UTC"), plural(len(c.Keys), "key"))
	switch {
	case i == 0:
		text += " (first fetch)"
	case len(c.Added)+len(c.Removed) > 0:
		text += " (rotation)"
	}
	if len(c.Added) > 0 {
		text += "; added " + strings.Join(c.Added, ", ")
	}
	if len(c.Removed) > 0 {
		text += "; removed " + strings.Join(c.Removed, ", ")
	}
	if !c.LastSeen.Equal(c.At) {
		text += "; still served at " + c.LastSeen.UTC().Format("15:04:05 UTC")
	}
	return text
}

// verifiedBy maps the thumbprint of each key that verified a token of the
// session (the last response and the one before a refresh) to their names.
func verifiedBy(s *session) map[string]string {
	out := map[string]string{}
	if s == nil {
		return out
	}
	for _, r := range []struct {
		res  *flows.Result
		when string
	}{{s.result, ""}, {s.previous, " (before the refresh)"}} {
		for _, kind := range []string{"access", "id", "refresh"} {
			in := tokenOf(r.res, kind)
			if in == nil || in.Report == nil || in.Report.Signature.Status != token.SigValid || in.Report.Signature.Key == nil {
				continue
			}
			tp := in.Report.Signature.Key.Thumbprint
			name := tokenName(kind) + r.when
			if !strings.Contains(out[tp], name) {
				out[tp] = strings.TrimPrefix(out[tp]+", "+name, ", ")
			}
		}
	}
	return out
}

// The window's side.

func (w *window) keysView() *keysView {
	if w.keys == nil {
		w.keys = newKeysView()
		w.setTabContent(tabKeys, w.keys.content)
		w.renderKeys()
	}
	w.freshen(tabKeys)
	return w.keys
}

// renderKeys shows the current session's JWKS as the cache last saw it
// (no network, no waiting).
func (w *window) renderKeys() {
	if w.keys == nil {
		return
	}
	var snap flows.JWKSSnapshot
	ok := false
	if s := w.cur; s != nil {
		s.mu.Lock()
		c := s.client
		s.mu.Unlock()
		if c != nil {
			snap, ok = c.JWKS()
		}
	}
	w.keys.show(snap, ok, verifiedBy(w.cur), w.d.now())
}
