package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flowtrace"
)

// Geometry of the sequence diagram.
const (
	seqLaneMin = 170 // narrowest distance between lifelines
	seqHead    = 44  // height of the lifeline heads
	seqRow     = 38  // height of one arrow
	seqPad     = 10
)

// seqDiagram draws a flow as a sequence diagram: one lifeline per actor,
// one arrow per step with its method, path, kind and answer; failures in
// the error colour, warnings in the warning colour. Tapping an arrow
// selects its step.
type seqDiagram struct {
	widget.BaseWidget
	a        *flowtrace.Analysis
	steps    []*flowtrace.Step
	actors   []flowtrace.Actor
	selected int // index into steps, -1 for none
	onSelect func(step *flowtrace.Step)
}

func newSeqDiagram(onSelect func(*flowtrace.Step)) *seqDiagram {
	d := &seqDiagram{selected: -1, onSelect: onSelect}
	d.ExtendBaseWidget(d)
	return d
}

// show draws a (nil: nothing).
func (d *seqDiagram) show(a *flowtrace.Analysis) {
	d.a, d.steps, d.actors, d.selected = a, nil, nil, -1
	if a != nil {
		d.steps, d.actors = a.FlowSteps(), a.UsedActors()
	}
	d.Refresh()
}

// selectStep highlights the step with this index in the analysis (-1:
// none) without calling onSelect.
func (d *seqDiagram) selectStep(index int) {
	d.selected = -1
	for i, s := range d.steps {
		if s.Index == index {
			d.selected = i
		}
	}
	d.Refresh()
}

// Tapped selects the arrow under the pointer.
func (d *seqDiagram) Tapped(ev *fyne.PointEvent) {
	row := int((ev.Position.Y - seqHead - seqPad) / seqRow)
	if row < 0 || row >= len(d.steps) {
		return
	}
	d.selected = row
	d.Refresh()
	if d.onSelect != nil {
		d.onSelect(d.steps[row])
	}
}

func (d *seqDiagram) CreateRenderer() fyne.WidgetRenderer {
	return &seqRenderer{d: d}
}

type seqRenderer struct {
	d       *seqDiagram
	objects []fyne.CanvasObject
	size    fyne.Size
}

// MinSize leaves room for every lane and for the longest label (a label
// that would pass the right edge slides left, over the free lanes).
func (r *seqRenderer) MinSize() fyne.Size {
	width := float32(max(len(r.d.actors), 1) * seqLaneMin)
	for _, s := range r.d.steps {
		width = max(width, labelWidth(s)+2*seqPad)
	}
	return fyne.NewSize(width, float32(seqHead+2*seqPad+len(r.d.steps)*seqRow))
}

func labelWidth(s *flowtrace.Step) float32 {
	return fyne.MeasureText(arrowText(s), theme.TextSize()-1, fyne.TextStyle{}).Width
}

// arrowText is the label of a step's arrow.
func arrowText(s *flowtrace.Step) string {
	return s.Arrow() + "  ·  " + s.Answer()
}

func (r *seqRenderer) Layout(size fyne.Size) {
	r.size = size
	r.build()
}

func (r *seqRenderer) Refresh() {
	r.build()
	canvas.Refresh(r.d)
}

func (r *seqRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *seqRenderer) Destroy()                     {}

// laneX is the x of each actor's lifeline, spread over the width.
func (r *seqRenderer) laneX() map[flowtrace.Actor]float32 {
	lane := float32(seqLaneMin)
	if n := len(r.d.actors); n > 0 && r.size.Width/float32(n) > lane {
		lane = r.size.Width / float32(n)
	}
	return r.lanes(lane)
}

// lanes places the lifelines lane apart.
func (r *seqRenderer) lanes(lane float32) map[flowtrace.Actor]float32 {
	x := map[flowtrace.Actor]float32{}
	for i, a := range r.d.actors {
		x[a] = lane*float32(i) + lane/2
	}
	return x
}

// build makes the canvas objects for the current analysis and size.
func (r *seqRenderer) build() {
	d := r.d
	r.objects = r.objects[:0]
	if d.a == nil {
		return
	}
	x := r.laneX()
	bottom := float32(seqHead + seqPad + len(d.steps)*seqRow + seqPad)
	fg := theme.Color(theme.ColorNameForeground)
	for _, a := range d.actors {
		line := canvas.NewLine(theme.Color(theme.ColorNameDisabled))
		line.StrokeWidth = 1
		line.Position1, line.Position2 = fyne.NewPos(x[a], seqHead-8), fyne.NewPos(x[a], bottom)
		box := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		box.StrokeColor, box.StrokeWidth, box.CornerRadius = theme.Color(theme.ColorNamePrimary), 1, 4
		label := canvas.NewText(d.a.ActorLabel(a), fg)
		label.TextStyle.Bold = true
		label.Alignment = fyne.TextAlignCenter
		bw := max(seqLaneMin-24, fyne.MeasureText(label.Text, label.TextSize, label.TextStyle).Width+16)
		box.Resize(fyne.NewSize(bw, 30))
		box.Move(fyne.NewPos(max(2, x[a]-bw/2), 4))
		label.Resize(box.Size())
		label.Move(box.Position())
		r.objects = append(r.objects, line, box, label)
	}
	for i, s := range d.steps {
		r.arrow(i, s, x)
	}
}

// arrow draws step s in row i.
func (r *seqRenderer) arrow(i int, s *flowtrace.Step, x map[flowtrace.Actor]float32) {
	d := r.d
	y := float32(seqHead+seqPad+i*seqRow) + seqRow - 8
	col := stepColor(d.a.StepLevel(s.Index))
	if i == d.selected {
		hl := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
		hl.Resize(fyne.NewSize(r.size.Width, seqRow))
		hl.Move(fyne.NewPos(0, float32(seqHead+seqPad+i*seqRow)))
		r.objects = append(r.objects, hl)
	}
	x1, x2 := x[s.From], x[s.To]
	if x1 == x2 {
		x2 = x1 + 40
	}
	line := canvas.NewLine(col)
	line.StrokeWidth = 1.5
	line.Position1, line.Position2 = fyne.NewPos(x1, y), fyne.NewPos(x2, y)
	dir := float32(1)
	if x2 < x1 {
		dir = -1
	}
	head1, head2 := canvas.NewLine(col), canvas.NewLine(col)
	head1.StrokeWidth, head2.StrokeWidth = 1.5, 1.5
	head1.Position1, head1.Position2 = fyne.NewPos(x2-dir*8, y-5), fyne.NewPos(x2, y)
	head2.Position1, head2.Position2 = fyne.NewPos(x2-dir*8, y+5), fyne.NewPos(x2, y)
	text := canvas.NewText(arrowText(s), col)
	text.TextSize = theme.TextSize() - 1
	w := labelWidth(s)
	tx := min(x1, x2) + 6
	if tx+w > r.size.Width-seqPad {
		tx = max(seqPad/2, r.size.Width-seqPad-w)
	}
	text.Move(fyne.NewPos(tx, y-text.TextSize-8))
	text.Resize(fyne.NewSize(w, text.TextSize+4))
	r.objects = append(r.objects, line, head1, head2, text)
}

// stepColor is the colour of an arrow of this level.
func stepColor(l flowtrace.Level) color.Color {
	switch l {
	case flowtrace.LevelError:
		return theme.Color(theme.ColorNameError)
	case flowtrace.LevelWarning:
		return theme.Color(theme.ColorNameWarning)
	}
	return theme.Color(theme.ColorNameForeground)
}
