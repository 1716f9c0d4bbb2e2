package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/store"
)

// sidebar lists the Demo IdP, "Paste a token" and the saved profiles
// (filtered and grouped, see sidebarfilter.go), with buttons to add,
// duplicate, delete, import and export profiles.
type sidebar struct {
	h         sidebarHost
	profiles  []store.Profile
	rows      []sideRow
	list      *widget.List
	filter    *widget.Entry
	group     *widget.Select
	selecting bool // the list selection follows the window, not the user
	top       *fyne.Container
	dup, del  *widget.Button
	about     *widget.Button // opens the About dialog
	content   fyne.CanvasObject
}

func newSidebar(h sidebarHost) *sidebar {
	s := &sidebar{h: h, rows: sideRows(nil, "", groupNone)}
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(s.rows) {
				s.fillRow(s.rows[i], o.(*fyne.Container))
			}
		})
	s.list.OnSelected = s.onSelected
	add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), s.onAdd)
	s.dup = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), s.onDuplicate)
	s.del = widget.NewButtonWithIcon("", theme.DeleteIcon(), s.onDelete)
	imp := widget.NewButton("Import…", s.onImport)
	exp := widget.NewButton("Export…", s.onExport)
	s.dup.Disable()
	s.del.Disable()
	title := widget.NewLabelWithStyle("Profiles", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.about = widget.NewButtonWithIcon("", theme.InfoIcon(), s.h.about)
	s.about.Importance = widget.LowImportance
	header := container.NewBorder(nil, nil, nil, s.about, title)
	bar := container.NewVBox(container.NewGridWithColumns(3, add, s.dup, s.del), container.NewGridWithColumns(2, imp, exp))
	s.top = container.NewVBox(header) // the filter bar joins once the profiles are listed (reload)
	s.content = container.NewBorder(s.top, bar, nil, nil, s.list)
	s.list.Select(0) // the Demo IdP
	return s
}

// fillRow shows one row in a list item.
func (s *sidebar) fillRow(r sideRow, c *fyne.Container) {
	icon, label := c.Objects[1].(*widget.Icon), c.Objects[0].(*widget.Label)
	label.TextStyle.Bold = r.kind == rowHeader
	switch r.kind {
	case rowDemo:
		icon.SetResource(theme.ComputerIcon())
		label.SetText(demoProfileName)
	case rowPaste:
		icon.SetResource(theme.ContentPasteIcon())
		label.SetText("Paste a token")
	case rowHeader:
		icon.SetResource(theme.FolderOpenIcon())
		label.SetText(r.header)
	default:
		icon.SetResource(theme.AccountIcon())
		label.SetText(s.profiles[r.profile].Name)
	}
}

// reload shows the stored profiles, keeping the selection by name.
func (s *sidebar) reload(ps []store.Profile) {
	s.profiles = ps
	if s.filter == nil { // built after the window shows: the first frame does not wait for it
		s.top.Add(s.newFilterBar())
	}
	s.relayout()
}

// selectName selects a saved profile by name, if it exists; a filter that
// hides it is cleared.
func (s *sidebar) selectName(name string) {
	find := func() int {
		for i, r := range s.rows {
			if r.kind == rowProfile && strings.EqualFold(s.profiles[r.profile].Name, name) {
				return i
			}
		}
		return -1
	}
	i := find()
	if i < 0 && s.filter != nil && s.filter.Text != "" {
		s.filter.SetText("")
		i = find()
	}
	if i >= 0 {
		s.list.Select(i)
	}
}

func (s *sidebar) selectPaste() { s.list.Select(1) }
func (s *sidebar) selectDemo()  { s.list.Select(0) }

func (s *sidebar) onSelected(i widget.ListItemID) {
	if i >= len(s.rows) {
		return
	}
	r := s.rows[i]
	if r.kind == rowHeader { // not a choice: keep what was selected
		s.reselect()
		return
	}
	if r.kind == rowProfile {
		s.dup.Enable()
		s.del.Enable()
	} else {
		s.dup.Disable()
		s.del.Disable()
	}
	if s.selecting {
		return
	}
	switch r.kind {
	case rowDemo:
		s.h.selectDemo()
	case rowPaste:
		s.h.selectPaste()
	default:
		s.h.selectProfile(s.profiles[r.profile])
	}
}

// selected returns the selected saved profile, if any.
func (s *sidebar) selected() (store.Profile, bool) {
	c := s.h.current()
	if c == nil || c.demo {
		return store.Profile{}, false
	}
	for _, p := range s.profiles {
		if p.Name == c.name {
			return p, true
		}
	}
	return store.Profile{}, false
}

// onAdd opens the editor on a new, unsaved profile.
func (s *sidebar) onAdd() {
	s.list.UnselectAll()
	s.h.newProfile()
}

func (s *sidebar) onDuplicate() {
	p, ok := s.selected()
	if !ok {
		return
	}
	name := widget.NewEntry()
	name.SetText(p.Name + " (copy)")
	dialog.ShowForm("Duplicate profile", "Duplicate", "Cancel", []*widget.FormItem{widget.NewFormItem("Name of the copy", name)}, func(ok bool) {
		if !ok {
			return
		}
		s.h.storeOp("Duplicating "+p.Name, func(st *store.Store) (string, error) {
			_, err := st.Duplicate(p.Name, name.Text)
			return name.Text, err
		})
	}, s.h.parent())
}

func (s *sidebar) onDelete() {
	p, ok := s.selected()
	if !ok {
		return
	}
	dialog.ShowConfirm("Delete profile", fmt.Sprintf("Delete the profile %q and its stored secrets?", p.Name), func(yes bool) {
		if !yes {
			return
		}
		s.h.forget(p.Name)
		s.selectDemo()
		s.h.storeOp("Deleting "+p.Name, func(st *store.Store) (string, error) { return "", st.Delete(p.Name) })
	}, s.h.parent())
}

// onExport writes all profiles, without secrets, to a file.
func (s *sidebar) onExport() {
	dialog.ShowFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		s.h.storeOp("Exporting profiles", func(st *store.Store) (string, error) {
			defer wc.Close()
			b, err := st.Export(store.ExportOptions{})
			if err != nil {
				return "", err
			}
			data, err := b.Marshal()
			if err != nil {
				return "", err
			}
			if _, err := wc.Write(data); err != nil {
				return "", fmt.Errorf("could not write %s: %w", wc.URI().Name(), err)
			}
			return "", nil
		}, func() { s.h.say("Exported the profiles (without secrets) to " + wc.URI().Path()) })
	}, s.h.parent())
}
