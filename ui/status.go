package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
)

// statusBar is one line under the actions: what is running (with Cancel,
// and while a login waits, Copy URL and Open again), the last outcome, or an
// error in plain language. A long message is cut to the line; Details shows
// all of it. The line never grows, so the tables below never move.
type statusBar struct {
	app       fyne.App
	win       fyne.Window // parent of the Details dialog
	activity  *widget.Activity
	icon      *widget.Icon
	message   *widget.Label // one line
	full      string        // the whole message (Details)
	isError   bool
	url       *widget.Entry // the URL a login or device flow waits on (Copy URL copies it)
	copyURL   *widget.Button
	openAgain *widget.Button
	urlRow    *fyne.Container // Copy URL and Open again, while a flow waits on the browser
	details   *widget.Button
	dismiss   *widget.Button
	content   fyne.CanvasObject
}

// longMessage is the length past which a message offers Details (the line
// may cut it).
const longMessage = 90

// newStatusBar builds the line; cancel is the one Cancel button (the action
// bar enables it), onOpenAgain opens the waiting URL in the browser again.
func newStatusBar(a fyne.App, win fyne.Window, cancel *widget.Button, onOpenAgain func(string)) *statusBar {
	s := &statusBar{app: a, win: win}
	s.activity = widget.NewActivity()
	s.activity.Hide()
	s.icon = widget.NewIcon(nil)
	s.icon.Hide()
	s.message = widget.NewLabel("")
	s.message.Truncation = fyne.TextTruncateEllipsis
	s.url = widget.NewEntry()
	s.copyURL = newCopyButton(a.Clipboard(), "Copy URL", func() string { return s.url.Text })
	s.openAgain = widget.NewButtonWithIcon("Open again", theme.ComputerIcon(), func() { onOpenAgain(s.url.Text) })
	s.urlRow = container.NewHBox(s.copyURL, s.openAgain)
	s.urlRow.Hide()
	s.details = widget.NewButton("Details", s.showDetails)
	s.details.Importance = widget.LowImportance
	s.details.Hide()
	s.dismiss = widget.NewButtonWithIcon("", theme.WindowCloseIcon(), s.clear)
	s.dismiss.Importance = widget.LowImportance
	s.dismiss.Hide()
	s.content = container.NewBorder(nil, nil, container.NewHBox(s.activity, s.icon),
		container.NewHBox(s.details, s.urlRow, cancel, s.dismiss), s.message)
	return s
}

// set shows msg on the line: an error, a notice with an icon, or plain.
func (s *statusBar) set(msg string, icon fyne.Resource, isError bool) {
	s.full, s.isError = msg, isError
	s.message.Importance = widget.MediumImportance
	if isError {
		s.message.Importance = widget.DangerImportance
	}
	s.message.SetText(strings.Join(strings.Fields(msg), " "))
	if icon == nil {
		s.icon.Hide()
	} else {
		s.icon.SetResource(icon)
		s.icon.Show()
	}
	show(s.details, len(msg) > longMessage || strings.Contains(msg, "\n"))
	show(s.dismiss, msg != "" && !s.activity.Visible())
}

// start shows the activity indicator with what is going on.
func (s *statusBar) start(what string) {
	s.activity.Show()
	s.activity.Start()
	s.set(what+"…", nil, false)
}

// stop hides the indicator and the URL buttons and shows done.
func (s *statusBar) stop(done string) {
	s.activity.Stop()
	s.activity.Hide()
	s.urlRow.Hide()
	s.set(done, nil, false)
}

// showURL keeps the URL a flow waits on, for Copy URL and Open again.
func (s *statusBar) showURL(u string) {
	s.url.SetText(u)
	s.urlRow.Show()
}

// say shows a plain message.
func (s *statusBar) say(msg string) { s.set(msg, nil, false) }

// notice shows a message that needs the user's eye (not an error).
func (s *statusBar) notice(msg string) {
	s.set(msg, theme.NewWarningThemedResource(theme.WarningIcon()), false)
}

// showError shows err in plain language.
func (s *statusBar) showError(err error) {
	s.set(plainError(err), theme.NewErrorThemedResource(theme.ErrorIcon()), true)
}

// clear empties the line (the dismiss button).
func (s *statusBar) clear() { s.set("", nil, false) }

// errorText is the current error, "" when none (tests).
func (s *statusBar) errorText() string {
	if !s.isError {
		return ""
	}
	return s.full
}

// showDetails shows the whole message, selectable.
func (s *statusBar) showDetails() {
	l := widget.NewLabel(s.full)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	d := dialog.NewCustom("Details", "Close", container.NewVScroll(l), s.win)
	d.Resize(fyne.NewSize(560, 280))
	d.Show()
}

// show shows or hides o.
func show(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}

// plainError renders an error for people: the IdP's error code and
// description when there is one, and what to do next.
func plainError(err error) string {
	var oe *flows.OAuthError
	switch {
	case cancelled(err):
		return cancelledText
	case errors.As(err, &oe):
		msg := fmt.Sprintf("The identity provider refused the %s request: %s", oe.Endpoint, oe.Code)
		if oe.Description != "" {
			msg += " (" + oe.Description + ")"
		}
		if oe.Status != 0 {
			msg += fmt.Sprintf(", HTTP %d", oe.Status)
		}
		return strings.TrimSpace(msg + ".\n" + flows.Hint(err))
	}
	msg := capitalize(err.Error())
	if next := flows.Hint(err); next != "" {
		msg += "\n" + next
	}
	return msg
}

// cancelledText is the neutral outcome of a Cancel.
const cancelledText = "Cancelled. Nothing was changed."

// cancelled says whether err is the user's Cancel (not a failure).
func cancelled(err error) bool {
	return errors.Is(err, flows.ErrLoginCancelled) || errors.Is(err, context.Canceled)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
