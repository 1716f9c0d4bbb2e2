package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// compactRows stacks objects top to bottom like a VBox, but closer: each
// visible row overlaps its neighbours by half an inner padding on either
// side (the empty margin every label and button keeps around its text) and
// rows are half a padding apart. The summary above a token's tables uses
// it so the claims keep their room in a 900x600 window.
//
// It is a layout rule rather than a theme override with smaller paddings:
// Fyne caches fonts and text textures per theme override, so an override
// costs a font copy and, each time its content is shown again after a
// minute hidden, a fresh set of textures.
type compactRows struct{}

// overlap is how much of a row's height the rows around it may cover.
func (compactRows) overlap(s fyne.Size) float32 {
	return fyne.Min(theme.InnerPadding(), s.Height) / 2
}

func (r compactRows) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	rows := 0
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		size.Width = fyne.Max(size.Width, s.Width)
		size.Height += s.Height - 2*r.overlap(s)
		rows++
	}
	if rows > 1 {
		size.Height += float32(rows-1) * theme.Padding() / 2
	}
	return size
}

func (r compactRows) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		cut := r.overlap(s)
		o.Move(fyne.NewPos(0, y-cut))
		o.Resize(fyne.NewSize(size.Width, s.Height))
		y += s.Height - 2*cut + theme.Padding()/2
	}
}
