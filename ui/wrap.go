package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// wrapLayout places objects left to right at their compact size (see size)
// and wraps them onto more rows when the width runs out. Unlike Fyne's row wrap
// layout, its minimum width is that of its widest object, so a row laid out
// in a wide window never stops the window from getting narrower; its
// minimum height is that of the rows the last width needed.
type wrapLayout struct {
	width float32 // the width of the last layout (0: none yet, one row)
}

// size is o's minimum size less one inner padding each way: a button keeps
// half its usual padding around its icon and label, so a row of actions
// takes less room (the bar fits one row at 900 wide). It is a layout rule
// rather than a theme override, which would give the buttons a font cache
// of their own.
func (l *wrapLayout) size(o fyne.CanvasObject) fyne.Size {
	s := o.MinSize()
	in := theme.InnerPadding()
	return fyne.NewSize(fyne.Max(s.Width-in, 0), fyne.Max(s.Height-in, 0))
}

func (l *wrapLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objects {
		if o.Visible() {
			w = fyne.Max(w, l.size(o).Width)
		}
	}
	rows, h := l.rows(objects, l.width)
	pad := theme.Padding()
	return fyne.NewSize(w, float32(rows)*h+float32(rows-1)*pad)
}

// rows counts the rows the objects take at width (one row when width is
// 0) and returns the row height.
func (l *wrapLayout) rows(objects []fyne.CanvasObject, width float32) (int, float32) {
	pad := theme.Padding()
	rows, x := 1, float32(0)
	var h float32
	first := true
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		s := l.size(o)
		h = fyne.Max(h, s.Height)
		if !first && width > 0 && x+s.Width > width {
			rows++
			x = 0
		}
		x += s.Width + pad
		first = false
	}
	return rows, h
}

func (l *wrapLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	pad := theme.Padding()
	_, h := l.rows(objects, size.Width)
	pos := fyne.NewPos(0, 0)
	first := true
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		s := l.size(o)
		if !first && pos.X+s.Width > size.Width {
			pos = fyne.NewPos(0, pos.Y+h+pad)
		}
		o.Resize(fyne.NewSize(s.Width, h))
		o.Move(pos)
		pos.X += s.Width + pad
		first = false
	}
}
