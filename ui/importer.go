package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/store"
)

// Choices of the import dialog.
const (
	importWithoutSecrets = "Import without the secrets (type them in the editor later)"
	importWithSecrets    = "Import the secrets into the OS keyring"
	conflictRename       = "Import them as copies (\"name (2)\")"
	conflictSkip         = "Skip them (keep the profiles you have)"
	conflictReplace      = "Replace the profiles you have (stored secrets are deleted where a server changed)"
	conflictReplaceKeep  = "Replace them and keep their stored secrets, even for new servers"
)

// onImport reads an export file chosen by the user and imports it: when the
// file holds secrets or names already taken, it asks first (importDialog).
func (s *sidebar) onImport() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		s.h.readImport(r)
	}, s.h.parent())
}

// readImport reads and parses the export file off the UI goroutine, then
// asks how to import it.
func (w *window) readImport(r fyne.URIReadCloser) {
	name := r.URI().Name()
	w.run(nil, "Reading "+name, "Reading "+name+": done.", func(context.Context) (func(), error) {
		data, err := readAllLimited(r, 4<<20)
		if err != nil {
			return nil, err
		}
		b, err := store.ParseBundle(data)
		if err != nil {
			return nil, fmt.Errorf("%s is not a Token Inspector export: %w", name, err)
		}
		st, err := w.profiles()
		if err != nil {
			return nil, err
		}
		conflicts := st.Conflicts(b)
		return func() { w.confirmImport(name, b, conflicts) }, nil
	})
}

// confirmImport imports at once when there is nothing to decide, else shows
// the import dialog.
func (w *window) confirmImport(file string, b *store.Bundle, conflicts []string) {
	if !b.HasSecrets() && len(conflicts) == 0 {
		w.importBundle(b, store.ImportOptions{OnConflict: store.ConflictRename})
		return
	}
	d := newImportDialog(file, b, conflicts, w.importBundle, w.win)
	d.dlg.Show()
}

// importDialog asks whether to store the secrets an export file carries
// and what to do with names already taken.
type importDialog struct {
	secrets   *widget.RadioGroup // nil when the file has no secrets
	conflicts *widget.RadioGroup // nil when no name is taken
	dlg       *dialog.ConfirmDialog
}

func newImportDialog(file string, b *store.Bundle, conflicts []string, do func(*store.Bundle, store.ImportOptions), win fyne.Window) *importDialog {
	d := &importDialog{}
	var parts []fyne.CanvasObject
	parts = append(parts, wrapped(fmt.Sprintf("%s holds %d profiles.", file, len(b.Profiles))))
	if len(conflicts) > 0 {
		parts = append(parts, wrapped("You already have profiles named "+quoteList(conflicts)+"."))
		d.conflicts = widget.NewRadioGroup([]string{conflictRename, conflictSkip, conflictReplace, conflictReplaceKeep}, nil)
		d.conflicts.Required = true
		d.conflicts.SetSelected(conflictRename)
		parts = append(parts, d.conflicts)
	}
	if b.HasSecrets() {
		parts = append(parts, wrapped("It also holds client secrets or private keys, for "+quoteList(secretHolders(b))+
			". Whoever made the file could read them; import them only if you trust it."))
		d.secrets = widget.NewRadioGroup([]string{importWithoutSecrets, importWithSecrets}, nil)
		d.secrets.Required = true
		d.secrets.SetSelected(importWithoutSecrets)
		parts = append(parts, d.secrets)
	}
	d.dlg = dialog.NewCustomConfirm("Import profiles", "Import", "Cancel", container.NewVBox(parts...), func(ok bool) {
		if ok {
			do(b, d.options())
		}
	}, win)
	d.dlg.Resize(fyne.NewSize(640, 360))
	return d
}

// options are the import options chosen in the dialog.
func (d *importDialog) options() store.ImportOptions {
	o := store.ImportOptions{OnConflict: store.ConflictRename}
	if d.conflicts != nil {
		switch d.conflicts.Selected {
		case conflictSkip:
			o.OnConflict = store.ConflictSkip
		case conflictReplace:
			o.OnConflict = store.ConflictReplace
		case conflictReplaceKeep:
			o.OnConflict, o.KeepSecrets = store.ConflictReplace, true
		}
	}
	o.Secrets = d.secrets != nil && d.secrets.Selected == importWithSecrets
	return o
}

// importBundle imports b off the UI goroutine and reports what it did.
// When the secrets are wanted and there is no OS keyring, it first asks
// where they go (nothing is imported before the answer).
func (w *window) importBundle(b *store.Bundle, opts store.ImportOptions) {
	w.run(nil, "Importing profiles", "Importing profiles: done.", func(context.Context) (func(), error) {
		st, err := w.profiles()
		if err != nil {
			return nil, err
		}
		if opts.Secrets && st.Secrets().Fallback() == store.FallbackAsk {
			var ku *store.KeyringUnavailableError
			if err := st.Secrets().Probe(); errors.As(err, &ku) {
				return func() {
					w.status.say("Nothing imported yet: choose where the secrets go.")
					w.askFallback(st, ku, func() { w.importBundle(b, opts) }, func() {
						w.status.say("Nothing was imported. Import again and leave the secrets out, or unlock the OS keyring first.")
					})
				}, nil
			}
		}
		res, err := st.Import(b, opts)
		if res == nil {
			return nil, err
		}
		// A keyring that failed half-way is not retried (that would import
		// the profiles twice): the summary names the secrets left out.
		if err != nil && !errors.Is(err, store.ErrKeyringUnavailable) {
			return func() { w.reloadProfiles(st, "") }, err
		}
		summary := importSummary(res, opts, b.HasSecrets())
		return func() { w.reloadProfiles(st, ""); w.status.say(summary) }, nil
	})
}

// importSummary says, profile by profile, what an import did.
func importSummary(r *store.ImportResult, opts store.ImportOptions, hadSecrets bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Imported %d profiles", len(r.Added)+len(r.Renamed)+len(r.Replaced))
	for _, rn := range r.Renamed {
		fmt.Fprintf(&b, "; %q as %q (the name was taken)", rn.From, rn.To)
	}
	for _, n := range r.Replaced {
		fmt.Fprintf(&b, "; replaced %q", n)
	}
	if len(r.Conflicts) > 0 {
		fmt.Fprintf(&b, "; skipped %s (the name is taken)", quoteList(r.Conflicts))
	}
	for _, f := range r.Invalid {
		fmt.Fprintf(&b, "; skipped %q: %s", f.Name, f.Err)
	}
	switch {
	case opts.Secrets && r.Secrets > 0:
		fmt.Fprintf(&b, "; %d secrets stored", r.Secrets)
	case hadSecrets && !opts.Secrets:
		b.WriteString("; the secrets in the file were left out: type them in each profile's editor")
	}
	for _, f := range r.SecretErr {
		fmt.Fprintf(&b, "; the secret of %q was not stored (%s): type it in the editor", f.Name, f.Err)
	}
	for _, f := range r.Dropped {
		fmt.Fprintf(&b, "; %q: %s", f.Name, f.Err)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Warnings)) {
		for _, i := range r.Warnings[name] {
			fmt.Fprintf(&b, "; %q warning: %s", name, i.Message)
		}
	}
	return b.String() + "."
}

// secretHolders names the profiles of b that carry secret values.
func secretHolders(b *store.Bundle) []string {
	var names []string
	for _, p := range b.Profiles {
		if len(p.SecretValues) > 0 {
			names = append(names, p.Name)
		}
	}
	return names
}

// quoteList renders names as "a", "b" and "c".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// wrapped is a word-wrapped label.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
