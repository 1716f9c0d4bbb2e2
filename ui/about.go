package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/version"
)

// showAbout opens the About dialog: which build this is, for bug reports. It
// shows the app version (FyneApp.toml), the Go version and the VCS revision,
// and "Copy details" copies them as "tokeninspector --version" prints them.
func showAbout(a fyne.App, win fyne.Window) {
	info := version.Current()
	d := dialog.NewCustomWithoutButtons("About Token Inspector", aboutContent(info), win)
	copyBtn := widget.NewButtonWithIcon("Copy details", theme.ContentCopyIcon(), func() {
		a.Clipboard().SetContent(info.String())
	})
	closeBtn := widget.NewButton("Close", d.Hide)
	closeBtn.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{copyBtn, closeBtn})
	d.Show()
}

func aboutContent(info version.Info) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(iconResource())
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(64))
	name := widget.NewLabelWithStyle("Token Inspector", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	about := widget.NewLabel("Inspect JWTs and run OAuth 2.0 / OpenID Connect flows.")
	about.Alignment = fyne.TextAlignCenter
	details := widget.NewForm(
		widget.NewFormItem("Version", widget.NewLabel(info.App)),
		widget.NewFormItem("Go", widget.NewLabel(info.Go)),
		widget.NewFormItem("Revision", widget.NewLabel(info.RevisionText())),
	)
	return container.NewVBox(icon, name, about, details)
}
