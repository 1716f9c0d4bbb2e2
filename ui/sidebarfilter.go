package ui

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/store"
)

// Sidebar grouping choices.
const (
	groupNone   = "All profiles"
	groupFolder = "By folder"
	groupIssuer = "By issuer"
)

// prefGroup remembers the sidebar grouping.
const prefGroup = "sidebar.group"

// Kinds of sidebar rows.
const (
	rowDemo = iota
	rowPaste
	rowHeader
	rowProfile
)

// sideRow is one row of the sidebar list: a fixed entry, a group header or
// a saved profile (index into sidebar.profiles).
type sideRow struct {
	kind    int
	header  string
	profile int
}

// sideRows lays out the sidebar: the Demo IdP and "Paste a token", then the
// profiles that match filter (name, folder, issuer or client ID, any case),
// grouped as chosen. Groups are sorted by name, "(no folder)" and
// "(no issuer)" last; profiles keep the store's order within a group.
func sideRows(ps []store.Profile, filter, group string) []sideRow {
	rows := []sideRow{{kind: rowDemo}, {kind: rowPaste}}
	filter = strings.ToLower(strings.TrimSpace(filter))
	var match []int
	for i, p := range ps {
		if filter == "" || matchesFilter(p, filter) {
			match = append(match, i)
		}
	}
	key := groupKey(group)
	if key == nil {
		for _, i := range match {
			rows = append(rows, sideRow{kind: rowProfile, profile: i})
		}
		return rows
	}
	byGroup := map[string][]int{}
	for _, i := range match {
		g := key(ps[i])
		byGroup[g] = append(byGroup[g], i)
	}
	names := make([]string, 0, len(byGroup))
	for g := range byGroup {
		names = append(names, g)
	}
	slices.SortFunc(names, func(a, b string) int {
		if na, nb := strings.HasPrefix(a, "("), strings.HasPrefix(b, "("); na != nb {
			return cmp.Compare(fmt.Sprint(na), fmt.Sprint(nb)) // "(no …)" last
		}
		return cmp.Compare(strings.ToLower(a), strings.ToLower(b))
	})
	for _, g := range names {
		rows = append(rows, sideRow{kind: rowHeader, header: fmt.Sprintf("%s (%d)", g, len(byGroup[g]))})
		for _, i := range byGroup[g] {
			rows = append(rows, sideRow{kind: rowProfile, profile: i})
		}
	}
	return rows
}

func matchesFilter(p store.Profile, filter string) bool {
	for _, s := range []string{p.Name, p.Folder, p.Issuer, p.ClientID} {
		if strings.Contains(strings.ToLower(s), filter) {
			return true
		}
	}
	return false
}

// groupKey returns how a grouping names a profile's group (nil: no grouping).
func groupKey(group string) func(store.Profile) string {
	switch group {
	case groupFolder:
		return func(p store.Profile) string { return cmp.Or(strings.TrimSpace(p.Folder), "(no folder)") }
	case groupIssuer:
		return issuerGroup
	}
	return nil
}

// issuerGroup is the issuer's host and path ("login.example.com/realms/dev").
func issuerGroup(p store.Profile) string {
	iss := strings.TrimSpace(p.Issuer)
	if u, err := url.Parse(iss); err == nil && u.Host != "" {
		return u.Host + strings.TrimSuffix(u.Path, "/")
	}
	return cmp.Or(iss, "(no issuer)")
}

// newFilterBar builds the filter box and the grouping choice above the list.
func (s *sidebar) newFilterBar() fyne.CanvasObject {
	s.filter = widget.NewEntry()
	s.filter.SetPlaceHolder("Filter profiles")
	s.filter.OnChanged = func(string) { s.relayout() }
	s.group = widget.NewSelect([]string{groupNone, groupFolder, groupIssuer}, func(g string) {
		s.h.prefs().SetString(prefGroup, g)
		s.relayout()
	})
	s.group.SetSelected(s.h.prefs().StringWithFallback(prefGroup, groupNone))
	return widget.NewForm(widget.NewFormItem("", s.filter), widget.NewFormItem("", s.group))
}

// relayout rebuilds the rows after the profiles, the filter or the grouping
// changed, keeping the selection.
func (s *sidebar) relayout() {
	filter, group := "", groupNone
	if s.filter != nil {
		filter, group = s.filter.Text, s.group.Selected
	}
	s.rows = sideRows(s.profiles, filter, group)
	s.list.Refresh()
	s.reselect()
}

// reselect selects the row of the current session, if it is listed.
func (s *sidebar) reselect() {
	i := s.rowOfCurrent()
	if i < 0 {
		s.list.UnselectAll()
		return
	}
	s.selecting = true
	s.list.Select(i)
	s.selecting = false
}

// rowOfCurrent is the row showing the current session, or -1.
func (s *sidebar) rowOfCurrent() int {
	cur := s.h.current()
	for i, r := range s.rows {
		switch {
		case r.kind == rowDemo && cur != nil && cur.demo,
			r.kind == rowPaste && cur == nil,
			r.kind == rowProfile && cur != nil && !cur.demo && s.profiles[r.profile].Name == cur.name:
			return i
		}
	}
	return -1
}
