package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
)

// statusBar shows what is running (with the URL to open by hand and Cancel),
// the last outcome, and errors in plain language.
type statusBar struct {
	app      fyne.App
	activity *widget.Activity
	message  *widget.Label
	url      *widget.Entry
	copyURL  *widget.Button
	urlRow   *fyne.Container
	errIcon  *widget.Icon
	errText  *widget.Label
	errRow   *fyne.Container
	content  fyne.CanvasObject
}

func newStatusBar(a fyne.App, onCancel func()) *statusBar {
	s := &statusBar{app: a}
	s.activity = widget.NewActivity()
	s.activity.Hide()
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.url = widget.NewEntry()
	s.copyURL = newCopyButton(a, "Copy URL", func() string { return s.url.Text })
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), onCancel)
	s.urlRow = container.NewBorder(nil, nil, widget.NewLabel("If the browser did not open, open this URL:"),
		container.NewHBox(s.copyURL, cancel), s.url)
	s.urlRow.Hide()
	s.errIcon = widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	s.errText = widget.NewLabel("")
	s.errText.Wrapping = fyne.TextWrapWord
	s.errText.Importance = widget.DangerImportance
	s.errText.Selectable = true
	dismiss := widget.NewButtonWithIcon("", theme.WindowCloseIcon(), s.clearError)
	dismiss.Importance = widget.LowImportance
	s.errRow = container.NewBorder(nil, nil, s.errIcon, dismiss, s.errText)
	s.errRow.Hide()
	s.content = container.NewVBox(
		container.NewBorder(nil, nil, s.activity, nil, s.message),
		s.urlRow,
		s.errRow,
	)
	return s
}

// start shows the activity indicator with what is going on.
func (s *statusBar) start(what string) {
	s.clearError()
	s.message.SetText(what + "…")
	s.activity.Show()
	s.activity.Start()
}

// stop hides the indicator and the URL row and shows done.
func (s *statusBar) stop(done string) {
	s.activity.Stop()
	s.activity.Hide()
	s.urlRow.Hide()
	s.message.SetText(done)
}

// showURL shows the authorization URL while the login waits.
func (s *statusBar) showURL(u string) {
	s.url.SetText(u)
	s.urlRow.Show()
}

func (s *statusBar) say(msg string) { s.message.SetText(msg) }

// showError shows err in plain language.
func (s *statusBar) showError(err error) {
	s.errText.SetText(plainError(err))
	s.errRow.Show()
}

func (s *statusBar) clearError() {
	s.errText.SetText("")
	s.errRow.Hide()
}

// errorText is the current error, "" when none (tests).
func (s *statusBar) errorText() string {
	if !s.errRow.Visible() {
		return ""
	}
	return s.errText.Text
}

// plainError renders an error for people: the IdP's error code and
// description when there is one, and what to do next.
func plainError(err error) string {
	var oe *flows.OAuthError
	switch {
	case errors.Is(err, flows.ErrLoginCancelled), errors.Is(err, context.Canceled):
		return "Cancelled. Nothing was changed."
	case errors.As(err, &oe):
		msg := fmt.Sprintf("The identity provider refused the %s request: %s", oe.Endpoint, oe.Code)
		if oe.Description != "" {
			msg += " (" + oe.Description + ")"
		}
		if oe.Status != 0 {
			msg += fmt.Sprintf(", HTTP %d", oe.Status)
		}
		return strings.TrimSpace(msg + ".\n" + nextStep(err.Error()))
	}
	return capitalize(err.Error())
}

// nextStep keeps the advice part of an OAuthError message (after its last
// "; "), which says what to do next.
func nextStep(full string) string {
	if i := strings.LastIndex(full, "; "); i >= 0 {
		return capitalize(strings.TrimSpace(full[i+2:])) + "."
	}
	return ""
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
