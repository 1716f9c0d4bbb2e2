package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/store"
)

// The window's glue to the profiles store: saving from the editor, the
// sidebar's duplicate, delete and export, and the no-keyring question.

// saveProfile creates (isNew) or updates the profile called oldName, then
// stores a typed secret and key.
func (w *window) saveProfile(p store.Profile, oldName string, isNew bool, secret, key string) {
	var where string
	saved := false // a retry after the no-keyring question only stores the secrets
	w.storeOp("Saving "+p.Name, func(st *store.Store) (string, error) {
		if !saved {
			var err error
			if isNew {
				p, err = st.Create(p)
			} else {
				p, err = st.Update(oldName, p)
			}
			if err != nil {
				return "", err
			}
			saved = true
		}
		var err error
		where, err = storeSecrets(st, p.Name, secret, key)
		return p.Name, err
	}, func() {
		w.status.say("Saved " + p.Name + ". " + where)
	})
}

// storeSecrets saves the typed secret and key and says where they went.
func storeSecrets(st *store.Store, name, secret, key string) (string, error) {
	var where []string
	for _, s := range []struct {
		kind  store.SecretKind
		value string
	}{{store.SecretClient, secret}, {store.SecretPrivateKey, key}} {
		if s.value == "" {
			continue
		}
		loc, err := st.SetSecret(name, s.kind, s.value)
		if err != nil {
			return "", err
		}
		where = append(where, fmt.Sprintf("The %s went to the %s.", strings.ReplaceAll(string(s.kind), "_", " "), st.Secrets().Describe(loc)))
	}
	return strings.Join(where, " "), nil
}

// storeOp runs a store operation off the UI goroutine, then reloads the
// profile list and selects the named profile. A keyring that is missing
// leads to a question: keep the secret in memory, in a 0600 file, or not.
func (w *window) storeOp(what string, op func(st *store.Store) (string, error), after ...func()) {
	w.run(nil, what, what+": done.", func(ctx context.Context) (func(), error) {
		st, err := w.profiles()
		if err != nil {
			return nil, err
		}
		name, err := op(st)
		var ku *store.KeyringUnavailableError
		if errors.As(err, &ku) {
			return func() {
				w.reloadProfiles(st, name)
				w.askFallback(st, ku, func() { w.storeOp(what, op, after...) }, func() {
					w.status.say(what + ": the secret was not stored. Type it again in the profile editor once a keyring is available.")
				})
			}, nil
		}
		if err != nil {
			return func() { w.reloadProfiles(st, "") }, err
		}
		return func() {
			w.reloadProfiles(st, name)
			for _, f := range after {
				f()
			}
		}, nil
	})
}

func (w *window) reloadProfiles(st *store.Store, name string) {
	w.sidebar.reload(st.List())
	if name != "" {
		w.sidebar.selectName(name)
	}
}

// askFallback asks where secrets go when there is no OS keyring; chosen
// runs after the choice is recorded, declined when the user says no.
func (w *window) askFallback(st *store.Store, ku *store.KeyringUnavailableError, chosen, declined func()) {
	choice := widget.NewRadioGroup([]string{fallbackMemory, fallbackFile}, nil)
	choice.Required = true
	choice.SetSelected(fallbackMemory)
	msg := widget.NewLabel(plainError(ku) + "\nWhere should secrets go in the meantime?")
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("No OS keyring", "Store the secret", "Don't store it", container.NewVBox(msg, choice), func(ok bool) {
		if !ok {
			declined()
			return
		}
		if choice.Selected == fallbackFile {
			st.Secrets().SetFallback(store.FallbackFile)
		} else {
			st.Secrets().SetFallback(store.FallbackMemory)
		}
		chosen()
	}, w.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
}

// Choices of the no-keyring question.
const (
	fallbackMemory = "Keep it in memory for this run only"
	fallbackFile   = "Save it in a file only I can read (0600, NOT encrypted)"
)

// transcriptOf is the transcript of s, or a throwaway one.
func transcriptOf(s *session) *flows.Transcript {
	if s == nil {
		return &flows.Transcript{}
	}
	return s.transcript
}
