package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// small is the smallest window the app is laid out for.
var small = fyne.NewSize(900, 600)

// fitsSmall fails when the window's content needs more than 900x600 (a real
// window would then grow by itself) or an action button is hidden or clipped.
func fitsSmall(t *testing.T, w *window, state string) {
	t.Helper()
	w.win.Resize(small)
	if min := w.win.Content().MinSize(); min.Width > small.Width || min.Height > small.Height {
		t.Errorf("%s: the content needs %v, more than %v: the window would resize itself", state, min, small)
	}
	c := w.win.Canvas()
	for _, b := range w.actions.buttons() {
		if !b.Visible() {
			continue
		}
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
		end := pos.Add(fyne.NewPos(b.Size().Width, b.Size().Height))
		if b.Size().Width < (&wrapLayout{}).size(b).Width || pos.X < 0 || pos.Y < 0 || end.X > c.Size().Width || end.Y > c.Size().Height {
			t.Errorf("%s: action %q at %v size %v is outside the %v window or clipped", state, b.Text, pos, b.Size(), c.Size())
		}
	}
}

// TestLayoutAt900x600: every action reachable, nothing forcing the window
// to grow, and the claims table showing at least 6 rows, in each state.
func TestLayoutAt900x600(t *testing.T) {
	w := newTestWindow(t, nil)
	fitsSmall(t, w, "start")
	test.Tap(w.actions.login)
	w.wait()
	for _, tab := range []string{tabAccess, tabID, tabRefresh, tabChanges, tabResponses, tabTranscript, tabFlow, tabProfile} {
		w.selectTab(tab)
		w.wait() // the Flow tab analyses the session in the background
		fitsSmall(t, w, "logged in, "+tab)
	}
	claimsRoom(t, w, tabAccess, w.accessView(), "logged in")
	claimsRoom(t, w, tabID, w.idView(), "logged in")
	claimsRoom(t, w, tabRefresh, w.refreshView(), "logged in")
	w.selectTab(tabAccess)
	test.Tap(w.actions.more)
	top := w.win.Canvas().Overlays().Top()
	menu := findMenu(top)
	if menu == nil {
		t.Fatalf("More shows %T; want a menu", top)
	}
	var items []string
	for _, it := range w.actions.moreItems() {
		if !it.Disabled {
			items = append(items, it.Label)
		}
	}
	if want := "Client credentials,Device login,Log out,Token exchange…,JWT bearer grant…,Copy as oauth2c"; len(menu.Items) != 6 || strings.Join(items, ",") != want {
		t.Errorf("More menu: %d items, enabled %v", len(menu.Items), items)
	}
	w.win.Canvas().Overlays().Remove(top)
	w.status.showError(errors.New(strings.Repeat("a long error message that goes on and on ", 12)))
	fitsSmall(t, w, "long error")
	idToken := tokenOf(w.result(), kindID).Raw
	w.sidebar.selectPaste()
	fitsSmall(t, w, "paste panel")
	p := w.pastePanel()
	p.input.SetText(hsToken(t, testPayload))
	p.inspect()
	w.wait()
	fitsSmall(t, w, "pasted token")
	p.input.SetText(idToken) // the ID token, verified through discovery, as in the screenshots
	p.mode.SetSelected(verifyDiscovery)
	p.inspect()
	w.wait()
	fitsSmall(t, w, "pasted ID token")
}

// claimsRoom fails when the claims table of v, on tab, shows fewer than 6
// rows at 900x600.
func claimsRoom(t *testing.T, w *window, tab string, v *tokenView, state string) {
	t.Helper()
	w.selectTab(tab)
	w.win.Resize(small)
	v.inner.SelectIndex(0)
	w.win.Resize(fyne.NewSize(900, 601))
	w.win.Resize(small)
	// a row is a cell and the separator under it; the first row is the header
	row := v.claims.CreateCell().MinSize().Height + theme.Padding()
	if rows := (v.claims.Size().Height - row) / row; rows < 6 {
		t.Errorf("%s, %s: the claims table shows %.1f rows at 900x600 (%v high); want at least 6", state, tab, rows, v.claims.Size().Height)
	}
}

// TestClaimsRoomWithServerAnswers: at 900x600 the claims keep at least 6
// rows on a tab whose server line reports a refused introspection with its
// explanation, and on the Refresh token tab after an introspection.
func TestClaimsRoomWithServerAnswers(t *testing.T) {
	at := hsToken(t, testPayload)
	f := newRefusingIdP(t, at)
	w := loggedInAt(t, f, at)
	w.win.Resize(small)
	w.selectTab(tabRefresh)
	test.Tap(w.actions.introspect)
	w.wait()
	claimsRoom(t, w, tabRefresh, w.refreshView(), "refresh token introspected")
	fitsSmall(t, w, "refresh token introspected")
	w.selectTab(tabAccess)
	test.Tap(w.actions.introspect)
	w.wait()
	v := w.accessView()
	if !strings.Contains(v.srvLabel.Text, "introspection refused (unsupported_token_type, HTTP 400)") || v.srvNote.Text == "" {
		t.Fatalf("server line %q / %q; want the refusal and its explanation", v.srvLabel.Text, v.srvNote.Text)
	}
	claimsRoom(t, w, tabAccess, v, "introspection refused")
	fitsSmall(t, w, "introspection refused")
}

// TestPasteFormFitsAt900x600: the paste form fits its side of the split at
// 900x600, without scrolling sideways, and its hint is not cut.
func TestPasteFormFitsAt900x600(t *testing.T) {
	w := newTestWindow(t, nil)
	w.win.Resize(small)
	w.sidebar.selectPaste()
	w.win.Resize(fyne.NewSize(900, 601))
	w.win.Resize(small)
	fitsSmall(t, w, "paste panel")
	p := w.pastePanel()
	if need, have := p.form.MinSize().Width, p.formPane.Size().Width; need > have {
		t.Errorf("the paste form needs %v wide, has %v: it scrolls sideways at 900x600", need, have)
	}
	if p.hint.Size().Width > p.formPane.Size().Width || p.hint.Size().Height < p.hint.MinSize().Height {
		t.Errorf("the hint is %v in a %v pane (needs %v): clipped", p.hint.Size(), p.formPane.Size(), p.hint.MinSize())
	}
}

// TestClaimsRoomWithProviderNote: a provider's diagnosis (Keycloak's
// refresh token, a long note) folds to one line, so a pasted token keeps 6
// claims rows at 900x600.
func TestClaimsRoomWithProviderNote(t *testing.T) {
	w := newTestWindow(t, nil)
	w.win.Resize(small)
	w.sidebar.selectPaste()
	p := w.pastePanel()
	p.input.SetText(hsToken(t, `{"exp":1772368200,"iat":1772366400,"jti":"j","iss":"https://sso.example.org/realms/shop",`+
		`"aud":"https://sso.example.org/realms/shop","sub":"u","typ":"Refresh","azp":"web","sid":"s","scope":"openid"}`))
	p.mode.SetSelected(verifyNone)
	p.inspect()
	w.wait()
	if !p.view.provRow.Visible() || !strings.Contains(p.view.provNote.Text, "Keycloak refresh token") {
		t.Fatalf("no Keycloak note: %q", p.view.provNote.Text)
	}
	claimsRoom(t, w, tabPasted, p.view, "Keycloak note")
	test.Tap(p.view.provMore)
	if p.view.provPane.MinSize().Height <= noteHeight("", 1) {
		t.Errorf("Details leaves the note %v high", p.view.provPane.MinSize().Height)
	}
}

// findMenu finds the menu in an overlay.
func findMenu(o fyne.CanvasObject) *widget.Menu {
	switch x := o.(type) {
	case *widget.Menu:
		return x
	case *widget.PopUpMenu:
		return x.Menu
	case *fyne.Container:
		for _, c := range x.Objects {
			if m := findMenu(c); m != nil {
				return m
			}
		}
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(w).Objects() {
			if m := findMenu(c); m != nil {
				return m
			}
		}
	}
	return nil
}
