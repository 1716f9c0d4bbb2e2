package ui

import (
	"encoding/json"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
)

// Sources of the Responses tab.
const (
	sourceToken    = "Token response"
	sourceIntro    = "Introspection"
	sourceUserInfo = "UserInfo"
	sourceCompare  = "Compare claims: ID token · UserInfo · Introspection"
)

// responsesView shows the raw JSON responses, pretty-printed and copyable,
// and the claim-by-claim comparison of the sources.
type responsesView struct {
	app     fyne.App
	texts   map[string]string
	pick    *widget.Select
	text    *widget.Label // read-only, selectable
	copyBtn *widget.Button
	content fyne.CanvasObject
}

func newResponsesView(a fyne.App) *responsesView {
	v := &responsesView{app: a, texts: map[string]string{}}
	v.text = readOnlyText()
	v.pick = widget.NewSelect([]string{sourceToken, sourceIntro, sourceUserInfo, sourceCompare}, func(s string) {
		v.text.SetText(clipForDisplay(v.texts[s]))
	})
	v.copyBtn = newCopyButton(a.Clipboard(), "Copy", func() string { return v.texts[v.pick.Selected] })
	v.content = container.NewBorder(container.NewBorder(nil, nil, nil, v.copyBtn, v.pick), nil, nil, nil, container.NewScroll(v.text))
	v.pick.SetSelected(sourceToken)
	return v
}

// answers are the server's last introspection and userinfo answers: the
// response, or the error (a refusal is kept too).
type answers struct {
	in    *flows.Introspection
	inErr error
	ui    *flows.UserInfo
	uiErr error
}

func (v *responsesView) show(res *flows.Result, a answers) {
	v.texts = map[string]string{
		sourceToken:    "No token response yet.",
		sourceIntro:    "Press Introspect to ask the server about the token in view (RFC 7662).",
		sourceUserInfo: "Press UserInfo to call the userinfo endpoint (OIDC Core §5.3).",
	}
	if res != nil {
		v.texts[sourceToken] = jsonText(res.Raw)
	}
	switch {
	case a.inErr != nil:
		v.texts[sourceIntro] = errorAnswer(a.inErr)
	case a.in != nil:
		v.texts[sourceIntro] = jsonText(a.in.Raw)
	}
	switch {
	case a.uiErr != nil:
		v.texts[sourceUserInfo] = errorAnswer(a.uiErr)
	case a.ui != nil:
		v.texts[sourceUserInfo] = jsonText(a.ui.Raw)
	}
	v.texts[sourceCompare] = compareText(compareSources(res, a.in, a.ui))
	v.text.SetText(clipForDisplay(v.texts[v.pick.Selected]))
}

func (v *responsesView) selectSource(s string) { v.pick.SetSelected(s) }

// errorAnswer shows a refused or failed request: the server's error as
// received, then what it means.
func errorAnswer(err error) string {
	var oe *flows.OAuthError
	if errors.As(err, &oe) {
		b, _ := json.MarshalIndent(oe, "", "  ")
		return "The server refused the request:\n" + string(b) + "\n\n" + plainError(err)
	}
	return "The request failed:\n" + plainError(err)
}

// readOnlyText is a monospace label the user can select and copy (Ctrl+C)
// but not edit; put it in a scroll container.
func readOnlyText() *widget.Label {
	l := widget.NewLabel("")
	l.TextStyle = fyne.TextStyle{Monospace: true}
	l.Wrapping = fyne.TextWrapOff
	l.Selectable = true
	return l
}

// jsonText pretty-prints a decoded JSON object with sorted keys.
func jsonText(m map[string]any) string {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Sprint(m)
	}
	return string(b)
}

func anyText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
