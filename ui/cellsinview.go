package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// cellsInView remembers which item each cell widget of a widget.List or
// widget.Table was last filled with, so that new data with the same number of
// rows is shown by filling those cells again.
//
// Refreshing the list or table shows it too, but Fyne then also builds a
// template row (and, for a table, a header cell) to measure, and keeps their
// renderers for a minute: a token refreshed every few seconds, with its
// claims, header and checks, held hundreds of them (docs/performance.md,
// "Memory over 500 auto-refresh cycles").
type cellsInView[ID comparable] struct {
	fill  func(ID, fyne.CanvasObject) // the list's or table's update function
	bound map[fyne.CanvasObject]ID
}

func newCellsInView[ID comparable](fill func(ID, fyne.CanvasObject)) *cellsInView[ID] {
	return &cellsInView[ID]{fill: fill, bound: map[fyne.CanvasObject]ID{}}
}

// update is the list's or table's update function: it fills the cell and
// remembers what it shows.
func (c *cellsInView[ID]) update(id ID, o fyne.CanvasObject) {
	c.bound[o] = id
	c.fill(id, o)
}

// refill fills every cell again with the same item's new data. Cells Fyne
// keeps out of view are filled too; the fill functions ignore items past the
// end.
func (c *cellsInView[ID]) refill(keep func(ID) bool) {
	for o, id := range c.bound {
		if keep == nil || keep(id) {
			c.fill(id, o)
		}
	}
}

// refreshTable shows new rows in t: a full Refresh when the number of rows
// changed (the table's size changes), otherwise the cells in view are filled
// again.
func refreshTable(t *widget.Table, cells *cellsInView[widget.TableCellID], oldRows, newRows int) {
	if oldRows != newRows {
		t.Refresh()
		return
	}
	cells.refill(nil)
}

// refreshList is refreshTable for a list.
func refreshList(l *widget.List, cells *cellsInView[widget.ListItemID], oldRows, newRows int) {
	if oldRows != newRows {
		l.Refresh()
		return
	}
	cells.refill(nil)
}
