package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/token"
)

// fieldRow is one line of a header or claims table.
type fieldRow struct {
	Name, Value, About string
	Doc                token.ClaimDoc
	Full               string    // pretty value, for the detail panel
	At                 time.Time // a NumericDate's time (zero otherwise): its relative time stays live
	Source             string    // where the claim comes from when not the token itself ("introspection")
}

// when renders a NumericDate row's time relative to now ("" for others).
func (r fieldRow) when(now time.Time) string {
	if r.At.IsZero() {
		return ""
	}
	return r.At.Local().Format("2006-01-02 15:04:05 MST") + " (" + token.Relative(r.At, now) + ")"
}

// Kinds of token a view shows: the checks that only apply to another kind
// are grouped under "not applicable".
const (
	kindAny     = ""
	kindAccess  = "access"
	kindID      = "id"
	kindRefresh = "refresh"
)

// idTokenChecks are the checks of OpenID Connect ID tokens (OIDC Core
// 3.1.3.7, 3.1.3.6, 3.3.2.11): an access or refresh token skips them.
var idTokenChecks = []string{"nonce", "at_hash", "c_hash", "azp"}

// tokenView shows one token: the verdict badge, the expiry countdown, the
// coloured raw token (one line until expanded), the key details (folded),
// and the claims, header and checks tables below a resizable split.
type tokenView struct {
	app  fyne.App
	now  func() time.Time
	kind string // kindAccess, kindID, kindRefresh or kindAny

	raw       string
	report    *token.Report
	claimRows []fieldRow
	headRows  []fieldRow
	checks    []token.Check

	message    *widget.Label // shown instead of the token when there is none, or it is broken
	sigIcon    *widget.Icon
	sigLabel   *widget.Label // the verdict: signature and checks together
	provChip   *widget.Label // the recognised provider, in a chip
	provNote   *widget.Label // its diagnosis: what the quirk means and what to do
	provPane   *container.Scroll
	provMore   *widget.Button // unfolds the note from one line to all of it
	provRow    fyne.CanvasObject
	binding    *widget.Label // DPoP: whose key the token is bound to (cnf.jkt, RFC 9449 §6)
	keyLabel   *widget.Label
	keyBox     fyne.CanvasObject // keyLabel, shown by keyToggle
	keyToggle  *widget.Button
	expiry     *widget.Label
	rawText    *widget.RichText
	rawToggle  *widget.Button
	rawScroll  *container.Scroll
	server     *serverAnswer // what the server said (access and refresh tokens)
	srvIcon    *widget.Icon
	srvLabel   *widget.Label
	srvNote    *widget.Label     // the explanation of a refusal, or of a revoked token that still verifies
	srvPane    *container.Scroll // srvNote, bounded, shown by srvToggle
	srvToggle  *widget.Button
	srvBox     *fyne.Container
	copyBtn    *widget.Button
	claims     *widget.Table
	header     *widget.Table
	checkTbl   *widget.List
	detail     *widget.Label
	inner      *container.AppTabs
	split      *container.Split
	claimCells *cellsInView[widget.TableCellID]
	headCells  *cellsInView[widget.TableCellID]
	checkCells *cellsInView[widget.ListItemID]
	summary    *fyne.Container // the rows above the tables (badge, provider, server, DPoP, raw token, key)
	body       *fyne.Container
	content    fyne.CanvasObject
}

func newTokenView(a fyne.App, now func() time.Time, empty string) *tokenView {
	v := &tokenView{app: a, now: now}
	v.message = widget.NewLabel(empty)
	v.message.Wrapping = fyne.TextWrapWord
	v.sigIcon = widget.NewIcon(theme.QuestionIcon())
	v.sigLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.sigLabel.Truncation = fyne.TextTruncateEllipsis
	v.provMore = widget.NewButtonWithIcon("Details", theme.MenuDropDownIcon(), func() { v.foldProvider(v.provNote.Wrapping == fyne.TextWrapWord) })
	v.provMore.Importance = widget.LowImportance
	v.provChip, v.provNote, v.provPane, v.provRow = newProviderRow(v.provMore)
	v.binding = widget.NewLabel("")
	v.binding.Wrapping = fyne.TextWrapWord
	v.binding.Selectable = true
	v.binding.Hide()
	v.keyLabel = widget.NewLabel("")
	v.keyLabel.Wrapping = fyne.TextWrapWord
	v.keyLabel.Selectable = true
	v.keyBox = container.NewVBox(v.keyLabel)
	v.keyBox.Hide()
	v.keyToggle = widget.NewButtonWithIcon("Key details", theme.MenuDropDownIcon(), v.toggleKey)
	v.keyToggle.Importance = widget.LowImportance
	v.expiry = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	v.rawText = widget.NewRichText()
	v.rawText.Truncation = fyne.TextTruncateEllipsis
	v.rawScroll = container.NewVScroll(v.rawText)
	v.rawToggle = widget.NewButtonWithIcon("Expand", theme.MenuDropDownIcon(), v.toggleRaw)
	v.rawToggle.Importance = widget.LowImportance
	v.copyBtn = newCopyButton(a.Clipboard(), "Copy token", func() string { return v.raw })
	v.claims, v.claimCells = v.newFieldTable(func() []fieldRow { return v.claimRows })
	v.header, v.headCells = v.newFieldTable(func() []fieldRow { return v.headRows })
	v.checkTbl, v.checkCells = v.newChecksList()
	v.detail = widget.NewLabel(claimHint)
	v.detail.Wrapping = fyne.TextWrapWord
	v.detail.Selectable = true

	v.srvIcon = widget.NewIcon(nil)
	v.srvLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.srvLabel.Truncation = fyne.TextTruncateEllipsis
	v.srvNote = widget.NewLabel("")
	v.srvNote.Wrapping = fyne.TextWrapWord
	v.srvNote.Selectable = true
	v.srvPane = container.NewVScroll(v.srvNote)
	v.srvPane.Hide()
	v.srvToggle = widget.NewButtonWithIcon("Details", theme.MenuDropDownIcon(), v.toggleServerNote)
	v.srvToggle.Importance = widget.LowImportance
	v.srvToggle.Hide()
	// The server line stays one line; its explanation folds behind Details
	// (the status line says it too), so the claims keep their rows.
	v.srvBox = container.NewVBox(container.NewBorder(nil, nil, v.srvIcon, v.srvToggle, v.srvLabel), v.srvPane)
	v.srvBox.Hide()
	v.summary = container.New(compactRows{},
		container.NewBorder(nil, nil, v.sigIcon, v.expiry, v.sigLabel),
		v.provRow,
		v.srvBox,
		v.binding,
		container.NewBorder(nil, nil, nil, container.NewHBox(v.rawToggle, v.keyToggle, v.copyBtn), v.rawScroll),
		v.keyBox,
	)
	v.inner = container.NewAppTabs(
		container.NewTabItem("Claims", v.claims),
		container.NewTabItem("Header", v.header),
		container.NewTabItem("Checks", v.checkTbl),
	)
	detail := container.NewVScroll(v.detail)
	detail.SetMinSize(fyne.NewSize(0, 40))
	tables := container.NewVSplit(v.inner, detail)
	tables.Offset = 1 // the detail at its smallest until dragged
	v.split = container.NewVSplit(v.summary, tables)
	v.split.Offset = 0 // the summary at its smallest: the claims get the space
	v.setRawHeight()
	v.body = container.NewStack(v.split)
	v.body.Hide()
	v.content = container.NewStack(container.NewVBox(v.message), v.body)
	return v
}

const claimHint = "Select a claim to read what it means."

// toggleKey shows or folds the key details under the badge.
func (v *tokenView) toggleKey() {
	setFolded(v.keyBox, v.keyToggle, v.keyBox.Visible())
	v.relayout()
}

// toggleServerNote shows or folds the explanation of the server's answer.
func (v *tokenView) toggleServerNote() {
	setFolded(v.srvPane, v.srvToggle, v.srvPane.Visible())
	v.relayout()
}

// setFolded hides or shows a folded part and turns its toggle's arrow.
func setFolded(part fyne.CanvasObject, toggle *widget.Button, folded bool) {
	if folded {
		part.Hide()
		toggle.SetIcon(theme.MenuDropDownIcon())
	} else {
		part.Show()
		toggle.SetIcon(theme.MenuDropUpIcon())
	}
}

// toggleRaw expands the raw token to all its lines, or folds it to one.
func (v *tokenView) toggleRaw() {
	if v.rawText.Wrapping == fyne.TextWrapBreak {
		v.rawText.Wrapping, v.rawText.Truncation = fyne.TextWrapOff, fyne.TextTruncateEllipsis
		v.rawToggle.SetText("Expand")
		v.rawToggle.SetIcon(theme.MenuDropDownIcon())
	} else {
		v.rawText.Wrapping, v.rawText.Truncation = fyne.TextWrapBreak, fyne.TextTruncateOff
		v.rawToggle.SetText("Fold")
		v.rawToggle.SetIcon(theme.MenuDropUpIcon())
	}
	v.setRawSegments()
	v.setRawHeight()
	v.relayout()
}

// rawExpandedHeight bounds the expanded raw token (it scrolls beyond), so
// expanding never makes the window grow.
const rawExpandedHeight = 120

// setRawHeight gives the raw token one line, or more when expanded.
func (v *tokenView) setRawHeight() {
	h := v.rawToggle.MinSize().Height
	if v.rawText.Wrapping == fyne.TextWrapBreak {
		h = rawExpandedHeight
	}
	v.rawScroll.SetMinSize(fyne.NewSize(0, h))
	v.rawScroll.Refresh()
}

// Clear shows msg instead of a token.
func (v *tokenView) Clear(msg string) {
	v.raw, v.report = "", nil
	v.claimRows, v.headRows, v.checks = nil, nil, nil
	v.provRow.Hide()
	v.message.SetText(msg)
	v.message.Show()
	v.body.Hide()
}

// Show renders a token and its report; err is a decode error (report nil).
func (v *tokenView) Show(raw string, r *token.Report, err error) {
	v.raw, v.report = raw, r
	if err != nil || r == nil {
		v.claimRows, v.headRows, v.checks = nil, nil, nil
		msg := "This token could not be read."
		if err != nil {
			msg = "This token could not be read: " + err.Error()
		}
		v.message.SetText(msg)
		v.message.Show()
		v.body.Hide()
		return
	}
	v.message.Hide()
	v.body.Show()
	v.setRawSegments()
	setText(v.keyLabel, keyText(r))
	v.showProvider(r)
	oldClaims, oldHead, oldChecks := len(v.claimRows), len(v.headRows), len(v.checks)
	v.claimRows = claimRows(r)
	v.headRows = headerRows(r)
	v.checks = checkItems(r, v.kind)
	// Each Refresh of a table or list builds a template row whose renderer
	// Fyne keeps for a minute (see cellsInView): the cells in view are filled
	// again when the number of rows did not change, and the tab bar is
	// refreshed only when its title changes (that refreshes all three).
	if summary := checkSummary(r); v.inner.Items[2].Text != summary {
		v.inner.Items[2].Text = summary
		v.inner.Refresh()
	}
	refreshTable(v.claims, v.claimCells, oldClaims, len(v.claimRows))
	refreshTable(v.header, v.headCells, oldHead, len(v.headRows))
	refreshList(v.checkTbl, v.checkCells, oldChecks, len(v.checks))
	v.detail.SetText(claimHint)
	v.inner.SelectIndex(0)
	for _, c := range r.Checks {
		if c.Status == token.Fail {
			v.inner.SelectIndex(2) // a failed check is the first thing to see
			break
		}
	}
	v.tickLabels()
	v.showServer()
	v.relayout() // rows of the summary may have appeared or gone
}

// ShowBinding shows what the token's DPoP binding means ("" hides it);
// bad marks a token this app cannot use.
func (v *tokenView) ShowBinding(text string, bad bool) {
	if text == "" {
		v.binding.Hide()
		return
	}
	v.binding.SetText("DPoP: " + text)
	v.binding.Importance = widget.MediumImportance
	if bad {
		v.binding.Importance = widget.DangerImportance
	}
	v.binding.Refresh()
	v.binding.Show()
}

// ShowServer shows what the server said about the token (nil: not asked).
func (v *tokenView) ShowServer(a *serverAnswer) {
	v.server = a
	v.srvBox.Show()
	v.showServer()
	v.relayout()
}

func (v *tokenView) showServer() {
	if !v.srvBox.Visible() || v.report == nil {
		return
	}
	line, note, icon, imp := serverLine(v.server, v.report.Kind != token.KindOpaque && len(failedChecks(v.report, v.now())) == 0 &&
		v.report.Signature.Status == token.SigValid)
	if v.srvLabel.Text != line || v.srvLabel.Importance != imp {
		v.srvLabel.Importance = imp
		v.srvLabel.SetText(line)
		v.srvIcon.SetResource(icon)
	}
	v.tickLabels() // the badge follows the server's word
	if note != v.srvNote.Text {
		v.srvNote.SetText(note)
		v.srvPane.SetMinSize(fyne.NewSize(0, noteHeight(note, 3)))
		v.srvPane.ScrollToTop()
		setFolded(v.srvPane, v.srvToggle, true) // a new answer starts folded
	}
	show(v.srvToggle, note != "")
	v.relayout() // the summary's height changed
	if v.server != nil && v.server.introspection != nil && v.report.Kind == token.KindOpaque {
		old := len(v.claimRows)
		v.claimRows = introspectionRows(v.server.introspection)
		refreshTable(v.claims, v.claimCells, old, len(v.claimRows))
	}
}

// tick updates what depends on the clock: the countdown, the badge (a token
// expires while shown) and the relative times of the claims. Only the cells
// of those times are filled again: refreshing the table every second would
// hold sixty template rows (see cellsInView).
func (v *tokenView) tick() {
	v.tickLabels()
	if v.report == nil || !v.claims.Visible() {
		return
	}
	v.claimCells.refill(func(id widget.TableCellID) bool {
		return id.Col == whenColumn && id.Row >= 0 && id.Row < len(v.claimRows) && !v.claimRows[id.Row].At.IsZero()
	})
}

// relayout lays the summary and the tables out again after the summary's
// height changed. Refreshing the split would refresh every table under it
// (a template row kept for a minute each time, see tick); the split lays
// itself out, and does nothing else, when its offset changes.
func (v *tokenView) relayout() {
	v.summary.Refresh()
	offset, nudge := v.split.Offset, 1e-6
	if offset >= 0.5 {
		nudge = -nudge
	}
	v.split.SetOffset(offset + nudge)
	v.split.SetOffset(offset)
}

// tickLabels updates the countdown and the badge.
func (v *tokenView) tickLabels() {
	if v.report == nil {
		setText(v.expiry, "")
		return
	}
	now := v.now()
	setText(v.expiry, countdown(v.report, now))
	text, icon, imp := verdict(v.report, now)
	if dead := serverRejects(v.server); dead != "" && v.srvBox.Visible() {
		// the server's word wins at a glance: a revoked token is not "Verified"
		text = strings.Replace(text, "Verified "+v.report.Signature.Alg, "Signature valid", 1) + " · " + dead
		icon, imp = theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance
	}
	if v.sigLabel.Text != text || v.sigLabel.Importance != imp {
		v.sigLabel.Importance = imp
		v.sigLabel.SetText(text)
		v.sigIcon.SetResource(icon)
	}
}

// newProviderRow builds the provider chip and the diagnosis note beside
// it, with more (a fold toggle) at the end, hidden until a token from a
// recognised provider is shown.
func newProviderRow(more fyne.CanvasObject) (chip, note *widget.Label, noteScroll *container.Scroll, row fyne.CanvasObject) {
	chip = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	bg.CornerRadius = theme.InputRadiusSize() * 2
	note = widget.NewLabel("")
	note.Wrapping = fyne.TextWrapWord
	note.Selectable = true
	noteScroll = container.NewVScroll(note)
	row = container.NewBorder(nil, nil, container.NewVBox(container.NewStack(bg, chip)), more, noteScroll)
	row.Hide()
	return chip, note, noteScroll, row
}

// noteHeight sizes a note for about as many lines as its text needs, at
// most lines: a longer note scrolls, so the claims keep their room in a small
// window.
func noteHeight(text string, most int) float32 {
	lines := min(most, 1+len(text)/80)
	return float32(lines)*theme.TextSize()*1.45 + 2*theme.InnerPadding()
}

// showProvider fills the provider chip and note, or hides them.
func (v *tokenView) showProvider(r *token.Report) {
	chip, note := providerText(r)
	if chip == "" {
		v.provRow.Hide()
		return
	}
	setText(v.provChip, chip)
	setText(v.provNote, note)
	v.foldProvider(true)
	v.provRow.Show()
}

// foldProvider shows the provider note on one line, or all of it (at most
// five lines; it scrolls beyond), so the claims keep their rows.
func (v *tokenView) foldProvider(folded bool) {
	note := v.provNote
	if folded {
		note.Wrapping, note.Truncation = fyne.TextWrapOff, fyne.TextTruncateEllipsis
		v.provPane.SetMinSize(fyne.NewSize(0, noteHeight("", 1)))
		v.provMore.SetIcon(theme.MenuDropDownIcon())
	} else {
		note.Wrapping, note.Truncation = fyne.TextWrapWord, fyne.TextTruncateOff
		v.provPane.SetMinSize(fyne.NewSize(0, noteHeight(note.Text, 5)))
		v.provMore.SetIcon(theme.MenuDropUpIcon())
	}
	note.Refresh()
	v.provPane.ScrollToTop()
	v.relayout()
}

// providerText is the chip (the provider's name) and the note (its first
// diagnosis, and how many more the Checks tab lists); both "" when the
// provider is unknown and nothing was diagnosed.
func providerText(r *token.Report) (chip, note string) {
	var diags []token.Warning
	for _, w := range r.Warnings {
		if strings.HasPrefix(w.ID, "provider.") {
			diags = append(diags, w)
		}
	}
	switch {
	case r.Provider != nil:
		chip = r.Provider.Name
	case len(diags) > 0:
		chip = "Provider note"
	default:
		return "", ""
	}
	if len(diags) == 0 {
		return chip, "No known quirk applies to this token."
	}
	first := diags[0].Message
	note = strings.ToUpper(first[:1]) + first[1:]
	if len(diags) > 1 {
		note += fmt.Sprintf(" (%s more in Checks)", plural(len(diags)-1, "provider note"))
	}
	return chip, note
}

// countdown renders the exp claim relative to now: "expires in 9:58" or
// "expired 2 min ago".
func countdown(r *token.Report, now time.Time) string {
	exp, ok := expiry(r)
	if !ok {
		return ""
	}
	left := exp.Sub(now).Truncate(time.Second)
	if left > 0 {
		return "Expires in " + clockDuration(left)
	}
	return "Expired " + token.Relative(exp, now)
}

// expiry is the token's exp time.
func expiry(r *token.Report) (time.Time, bool) {
	if r == nil {
		return time.Time{}, false
	}
	for _, tc := range r.Times {
		if tc.Claim == "exp" {
			return tc.Time, true
		}
	}
	return time.Time{}, false
}

// clockDuration renders d as m:ss, h:mm:ss, or days and hours from 48 h on.
func clockDuration(d time.Duration) string {
	s := int(d / time.Second)
	if s >= 48*3600 { // days away: seconds would only flicker ("35799:40:14" read as nothing)
		return fmt.Sprintf("%d d %d h", s/86400, s/3600%24)
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// verdict is the one-line verdict on a token at now: the signature and the
// checks together ("Signature valid · EXPIRED 1 h ago"), with its icon and
// colour. A token that expires while shown turns red at once.
func verdict(r *token.Report, now time.Time) (string, fyne.Resource, widget.Importance) {
	if r.Kind == token.KindOpaque && r.Provider != nil {
		return "Opaque " + r.Provider.Name + " token: nothing to verify locally; see the note below", theme.InfoIcon(), widget.MediumImportance
	}
	if r.Kind == token.KindOpaque {
		return "Opaque token: nothing to verify locally; the server's verdict comes from Introspect", theme.InfoIcon(), widget.MediumImportance
	}
	s := r.Signature
	failed := failedChecks(r, now)
	var sig string
	switch s.Status {
	case token.SigValid:
		if len(failed) == 0 {
			text := "Verified " + s.Alg + " · checks pass"
			if n := countStatus(r, token.Warn); n > 0 {
				text += fmt.Sprintf(" · %s", plural(n, "warning"))
			}
			return text, theme.NewSuccessThemedResource(theme.ConfirmIcon()), widget.SuccessImportance
		}
		sig = "Signature valid"
	case token.SigInvalid:
		sig = "Invalid signature " + s.Alg
	case token.SigUnsupported:
		sig = "Cannot verify " + s.Alg + ": unsupported algorithm or form"
	default:
		sig = "Not verified: " + unverifiedReason(s.Code)
	}
	text := sig + failedText(r, failed, now)
	switch {
	case s.Status == token.SigInvalid || len(failed) > 0:
		return text, theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance
	}
	return text, theme.NewWarningThemedResource(theme.WarningIcon()), widget.WarningImportance
}

// failedChecks are the IDs of the failed checks, with exp added when the
// token has expired since it was checked.
func failedChecks(r *token.Report, now time.Time) []string {
	var ids []string
	for _, c := range r.Checks {
		if c.Status == token.Fail && !slices.Contains(ids, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	skew := time.Duration(r.SkewSeconds * float64(time.Second))
	if exp, ok := expiry(r); ok && !now.Before(exp.Add(skew)) && !slices.Contains(ids, "exp") {
		ids = append(ids, "exp")
	}
	return ids
}

// failedText is " · EXPIRED 1 h ago · 1 more check failed (aud)" for the
// failed checks ("" when none).
func failedText(r *token.Report, failed []string, now time.Time) string {
	var b strings.Builder
	rest := failed
	if i := slices.Index(failed, "exp"); i >= 0 {
		b.WriteString(" · EXPIRED")
		if exp, ok := expiry(r); ok {
			b.WriteString(" " + token.Relative(exp, now))
		}
		rest = slices.Delete(slices.Clone(failed), i, i+1)
		if len(rest) > 0 {
			fmt.Fprintf(&b, " · %d more %s failed (%s)", len(rest), pluralWord(len(rest), "check"), strings.Join(rest, ", "))
		}
		return b.String()
	}
	if len(rest) > 0 {
		fmt.Fprintf(&b, " · %s failed (%s)", plural(len(rest), "check"), strings.Join(rest, ", "))
	}
	return b.String()
}

// unverifiedReason is the short reason no key verified the token.
func unverifiedReason(code string) string {
	switch code {
	case token.CodeUnknownKid:
		return "unknown kid"
	case token.CodeNoMatchingKey:
		return "no key of the right type"
	case token.CodeKeySource:
		return "the keys could not be fetched"
	case token.CodeEncrypted:
		return "encrypted, no decryption key"
	case token.CodeNotSigned:
		return "not signed"
	case token.CodeKeyNotPublished:
		return "key never published (by design)"
	case token.CodeProviderFormat:
		return "Graph's own format, verifies once the nonce is hashed"
	}
	return "no key"
}

func countStatus(r *token.Report, st token.CheckStatus) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == st {
			n++
		}
	}
	return n
}

// plural is "1 check", "2 checks".
func plural(n int, word string) string { return fmt.Sprintf("%d %s", n, pluralWord(n, word)) }

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// keyText says which key verified the token, or why none did.
func keyText(r *token.Report) string {
	if r.Kind == token.KindOpaque {
		return r.Opaque
	}
	s := r.Signature
	var parts []string
	if k := s.Key; k != nil {
		p := "Key"
		if k.Kid != "" {
			p += " kid " + k.Kid
		}
		if k.Kty != "" {
			p += " (" + k.Kty + ")"
		}
		parts = append(parts, p)
		if k.Thumbprint != "" {
			parts = append(parts, "thumbprint "+k.Thumbprint)
		}
		if k.Origin != "" {
			parts = append(parts, "from "+k.Origin)
		}
		if k.Chosen != "" {
			parts = append(parts, "chosen by "+k.Chosen)
		}
	} else if s.Kid != "" {
		parts = append(parts, "kid "+s.Kid)
	}
	line := strings.Join(parts, " · ")
	if s.Reason != "" && (s.Status != token.SigValid || line == "") {
		if line != "" {
			line += "\n"
		}
		line += s.Reason
	}
	if p := r.Provider; p != nil {
		line += fmt.Sprintf("\nProvider: %s, recognised by %s", p.Name, strings.Join(p.Evidence, "; "))
	}
	if r.JWE != nil {
		line += fmt.Sprintf("\nEncrypted (JWE %s / %s): %s", r.JWE.Alg, r.JWE.Enc, r.JWE.Status)
		if r.JWE.Reason != "" {
			line += ", " + r.JWE.Reason
		}
	}
	return line
}

// checkSummary is the title of the Checks tab: the checklist outcomes
// that need attention ("Checks: 1 failed, 2 warnings").
func checkSummary(r *token.Report) string {
	if r.Kind == token.KindOpaque {
		return "Checks"
	}
	n := map[token.CheckStatus]int{}
	for _, c := range r.Checks {
		n[c.Status]++
	}
	var parts []string
	if n[token.Fail] > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", n[token.Fail]))
	}
	if w := n[token.Warn] + len(r.Warnings); w > 0 {
		parts = append(parts, plural(w, "warning"))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("Checks: %d passed", n[token.Pass])
	}
	return "Checks: " + strings.Join(parts, ", ")
}

// Characters of the raw token given to its label: Fyne shapes all of a
// label's text to truncate or wrap it, row by row, so a 100 KB token took
// most of a second to show. Folded, one line never shows more than
// rawFolded; expanded, the rest is named in a last segment (Copy copies all).
const (
	rawFolded   = 400
	rawExpanded = 16 << 10
)

// setRawSegments shows the raw token, folded or expanded.
func (v *tokenView) setRawSegments() {
	if v.report == nil {
		return
	}
	limit := rawFolded
	if v.rawText.Wrapping == fyne.TextWrapBreak {
		limit = rawExpanded
	}
	v.rawText.Segments = reuseSegments(v.rawText.Segments, clipSegments(rawSegments(v.raw, v.report), limit))
	v.rawText.Refresh()
}

// reuseSegments copies the text and style of the new segments into the old
// ones when there are as many of each: the rich text then draws the same text
// objects again. New segments would be new text objects, and Fyne keeps the
// texture of the objects they replace for a minute (a folded raw token is a
// texture of a few hundred kilobytes; an auto-refresh every second held sixty).
func reuseSegments(old, segs []widget.RichTextSegment) []widget.RichTextSegment {
	if len(old) != len(segs) {
		return segs
	}
	for i, seg := range segs {
		o, ok1 := old[i].(*widget.TextSegment)
		n, ok2 := seg.(*widget.TextSegment)
		if !ok1 || !ok2 {
			return segs
		}
		if o != n {
			*o = *n
		}
	}
	return old
}

// clipSegments keeps the first limit characters (bytes: a token is ASCII)
// of the text segments, and says how many more there are.
func clipSegments(segs []widget.RichTextSegment, limit int) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	left, cut := limit, 0
	for _, seg := range segs {
		t := seg.(*widget.TextSegment)
		switch {
		case left <= 0:
			cut += len(t.Text)
		case len(t.Text) > left:
			cut += len(t.Text) - left
			out = append(out, &widget.TextSegment{Text: t.Text[:left], Style: t.Style})
			left = 0
		default:
			out = append(out, t)
			left -= len(t.Text)
		}
	}
	if cut > 0 && limit > rawFolded {
		out = append(out, &widget.TextSegment{Text: fmt.Sprintf(" … %d more characters (Copy copies the whole token)", cut),
			Style: widget.RichTextStyle{Inline: true}})
	}
	return out
}

// rawSegments colours the token's parts as jwt.io does.
func rawSegments(raw string, r *token.Report) []widget.RichTextSegment {
	mono := fyne.TextStyle{} // the regular font: a monospace face would load a second font family (memory, see docs/performance.md)
	if len(r.Segments) == 0 {
		return []widget.RichTextSegment{&widget.TextSegment{Text: strings.TrimSpace(raw), Style: widget.RichTextStyle{Inline: true, TextStyle: mono}}}
	}
	var segs []widget.RichTextSegment
	for i, s := range r.Segments {
		if i > 0 {
			segs = append(segs, &widget.TextSegment{Text: ".", Style: widget.RichTextStyle{Inline: true, TextStyle: mono}})
		}
		segs = append(segs, &widget.TextSegment{Text: s.Text, Style: widget.RichTextStyle{
			Inline: true, TextStyle: mono, ColorName: segmentColor(s.Name),
		}})
	}
	return segs
}

func segmentColor(name string) fyne.ThemeColorName {
	switch name {
	case "header":
		return colorHeader
	case "payload", "ciphertext":
		return colorPayload
	case "signature", "tag":
		return colorSignature
	}
	return colorJWEExtra
}

// claimRows builds the claims table in token order.
func claimRows(r *token.Report) []fieldRow {
	times := map[string]token.TimeClaim{}
	for _, tc := range r.Times {
		times[tc.Claim] = tc
	}
	rows := make([]fieldRow, 0, len(r.Claims))
	for _, m := range r.Claims {
		row := fieldRow{Name: m.Name, Value: compactJSON(m.Value), Full: prettyJSON(m.Value)}
		if tc, ok := times[m.Name]; ok {
			row.At = tc.Time
		}
		describe(&row)
		rows = append(rows, row)
	}
	if len(rows) == 0 && r.Payload != "" {
		rows = append(rows, fieldRow{Name: "(payload)", Value: r.Payload, Full: r.Payload, About: "The payload is not a JSON object."})
	}
	return rows
}

// describe fills a claim row's description from the claim dictionary.
func describe(row *fieldRow) {
	if d, ok := token.Describe(row.Name); ok {
		row.Doc, row.About = d, d.Description
		if d.Vendor != "" {
			row.About += " [" + d.Vendor + "]"
		}
		return
	}
	row.About = "(private claim: not in the dictionary)"
}

// claimRow is a claim learnt from source (a server's JSON answer) rather
// than from the token.
func claimRow(name string, v any, source string) fieldRow {
	b, _ := json.Marshal(v)
	row := fieldRow{Name: name, Value: anyText(v), Full: prettyJSON(b), Source: source}
	if d, ok := token.Describe(name); ok && d.Time {
		if f, err := strconv.ParseFloat(fmt.Sprint(v), 64); err == nil {
			row.At = time.Unix(int64(f), 0).UTC()
		}
	}
	describe(&row)
	return row
}

// headerRows builds the header table; a JWE shows its outer header first.
func headerRows(r *token.Report) []fieldRow {
	var rows []fieldRow
	add := func(prefix string, o token.Object) {
		for _, m := range o {
			row := fieldRow{Name: prefix + m.Name, Value: compactJSON(m.Value), Full: prettyJSON(m.Value)}
			if d, ok := token.DescribeHeader(m.Name); ok {
				row.Doc, row.About = d, d.Description
			}
			rows = append(rows, row)
		}
	}
	if r.JWE != nil {
		add("JWE ", r.JWE.Header)
	}
	add("", r.Header)
	return rows
}

// checkItems is the checklist followed by the lint warnings. For an access
// or refresh token the skipped ID-token checks are folded into one "not
// applicable" line at the end (a failed one always shows).
func checkItems(r *token.Report, kind string) []token.Check {
	var items []token.Check
	var na []string
	for _, c := range r.Checks {
		if kind != kindAny && kind != kindID && c.Status == token.Skip && slices.Contains(idTokenChecks, c.ID) {
			na = append(na, c.ID)
			continue
		}
		items = append(items, c)
	}
	for _, w := range r.Warnings {
		items = append(items, token.Check{ID: w.ID, Status: token.Warn, Message: w.Message, Spec: w.Spec})
	}
	if len(na) > 0 {
		items = append(items, token.Check{ID: notApplicable, Status: token.Skip,
			Message: "ID-token checks, not applicable to " + kindName(kind) + ": " + strings.Join(na, ", "), Spec: "OIDC Core 3.1.3.7"})
	}
	return items
}

// notApplicable is the ID of the checklist line that folds the checks of
// another kind of token.
const notApplicable = "not applicable"

func kindName(kind string) string {
	if kind == kindRefresh {
		return "a refresh token"
	}
	return "an access token"
}

func compactJSON(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return string(v)
	}
	return b.String()
}

func prettyJSON(v []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, v, "", "  ") != nil {
		return string(v)
	}
	return b.String()
}

var fieldColumns = []column{{"Name", 130}, {"Value", 250}, {"Time", 265}, {"Description", 520}}

// whenColumn is the column of fieldColumns that moves with the clock.
const whenColumn = 2

func (v *tokenView) newFieldTable(rows func() []fieldRow) (*widget.Table, *cellsInView[widget.TableCellID]) {
	t, cells := newLabelTable(fieldColumns, func() int { return len(rows()) }, func(row, col int, l *widget.Label) {
		r := rows()[row]
		about := r.About
		if r.Source != "" {
			about = "[from " + r.Source + "] " + about
		}
		setStyledText(l, []string{r.Name, r.Value, r.when(v.now()), about}[col], fyne.TextStyle{Bold: col == 0})
	})
	t.OnSelected = func(id widget.TableCellID) {
		rs := rows()
		if id.Row >= 0 && id.Row < len(rs) {
			v.detail.SetText(rowDetail(rs[id.Row], v.now()))
		}
	}
	return t, cells
}

// rowDetail is the side panel text for one claim or header member.
func rowDetail(r fieldRow, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s = %s", r.Name, r.Full)
	if w := r.when(now); w != "" {
		fmt.Fprintf(&b, "\n%s", w)
	}
	if r.Source != "" {
		fmt.Fprintf(&b, "\nFrom the %s response, not from the token itself.", r.Source)
	}
	if r.Doc.Description != "" {
		fmt.Fprintf(&b, "\n%s", r.Doc.Description)
	} else {
		b.WriteString("\nNot in the claim dictionary: a private or vendor-specific claim.")
	}
	if r.Doc.Spec != "" {
		fmt.Fprintf(&b, " (%s)", r.Doc.Spec)
	}
	if r.Doc.Vendor != "" {
		fmt.Fprintf(&b, " [%s]", r.Doc.Vendor)
	}
	return b.String()
}

func (v *tokenView) newChecksList() (*widget.List, *cellsInView[widget.ListItemID]) {
	cells := newCellsInView(v.fillCheck)
	l := widget.NewList(
		func() int { return len(v.checks) },
		func() fyne.CanvasObject {
			id := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			spec := widget.NewLabel("")
			msg := widget.NewLabel("")
			msg.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(nil), id), spec, msg)
		},
		cells.update)
	return l, cells
}

// fillCheck shows check i in a row of the checks list.
func (v *tokenView) fillCheck(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(v.checks) {
		return
	}
	c := v.checks[i]
	b := o.(*fyne.Container)
	msg, left, spec := b.Objects[0].(*widget.Label), b.Objects[1].(*fyne.Container), b.Objects[2].(*widget.Label)
	left.Objects[0].(*widget.Icon).SetResource(checkIcon(c.Status))
	left.Objects[1].(*widget.Label).SetText(c.ID)
	msg.SetText(c.Message)
	spec.SetText(c.Spec)
}

// checkIcon is the pass/fail/warn/skip icon.
func checkIcon(s token.CheckStatus) fyne.Resource {
	switch s {
	case token.Pass:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case token.Fail:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case token.Warn:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.NewDisabledResource(theme.MediaSkipNextIcon())
}
