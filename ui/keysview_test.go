package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestKeysViewRotation: the Keys tab lists the Demo IdP's key with its
// thumbprint and the tokens it verified; after a key rotation and a new
// login, the forced re-fetch shows the new key, the rotation in the key-set
// history, and the re-fetch cooldown.
func TestKeysViewRotation(t *testing.T) {
	w := newTestWindow(t, nil)
	v := w.keysView()
	w.wait()
	if v.summary.Text != emptyKeys || len(v.snap.KeyList) != 0 {
		t.Fatalf("before a login: %q", v.summary.Text)
	}
	test.Tap(w.actions.login)
	w.wait()
	w.selectTab(tabKeys)
	if len(v.snap.KeyList) == 0 {
		t.Fatalf("no keys after a login: %q", v.summary.Text)
	}
	at := w.cur.result.IDToken.Report.Signature.Key
	if !strings.Contains(v.summary.Text, "/jwks") || !strings.Contains(v.summary.Text, "fetches this run: 1") ||
		!strings.Contains(v.rule.Text, "at most once per 0:30") || !strings.Contains(v.rule.Text, "No forced re-fetch yet") {
		t.Errorf("summary %q rule %q", v.summary.Text, v.rule.Text)
	}
	row := -1
	for i, k := range v.snap.KeyList {
		if k.Thumbprint == at.Thumbprint {
			row = i
		}
	}
	if row < 0 || v.cell(row, 0) != at.Kid || v.cell(row, 1) != "RSA 2048" || v.cell(row, 4) != at.Thumbprint ||
		!strings.Contains(v.cell(row, 6), "ID token") {
		t.Fatalf("the key that verified the ID token (%s) is not shown as such: row %d, verified %q", at.Kid, row, v.cell(max(row, 0), 6))
	}
	v.table.Select(widget.TableCellID{Row: row, Col: 0})
	if !strings.Contains(v.detail.Text, "RFC 7638 thumbprint "+at.Thumbprint) || !strings.Contains(v.detail.Text, "kid "+at.Kid) {
		t.Errorf("detail of the selected key: %q", v.detail.Text)
	}
	if len(v.snap.History) != 1 || !strings.Contains(historyText(v.snap.History, 0), "(first fetch)") {
		t.Errorf("history: %+v", v.snap.History)
	}

	srv, err := w.demo.server()
	if err != nil {
		t.Fatal(err)
	}
	newKid, err := srv.RotateKey()
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(w.actions.login)
	w.wait()
	if len(v.snap.History) != 2 {
		t.Fatalf("history after the rotation: %+v", v.snap.History)
	}
	h := historyText(v.snap.History, 1)
	if !strings.Contains(h, "(rotation); added "+newKid) || strings.Contains(h, "removed") {
		t.Errorf("rotation entry %q (the old key stays published for its grace period)", h)
	}
	if !strings.Contains(v.rule.Text, "Last forced re-fetch now; the next is allowed at") ||
		!strings.Contains(v.summary.Text, "fetches this run: 2") {
		t.Errorf("rule %q summary %q", v.rule.Text, v.summary.Text)
	}
	for i, k := range v.snap.KeyList {
		if k.Kid == newKid && !strings.HasPrefix(v.cell(i, 6), "access token, ID token") {
			t.Errorf("new key %s verified %q", newKid, v.cell(i, 6))
		}
		if k.Kid == at.Kid && v.cell(i, 6) != "" {
			t.Errorf("the rotated-out key %s still shows as verifying %q", at.Kid, v.cell(i, 6))
		}
	}
}
