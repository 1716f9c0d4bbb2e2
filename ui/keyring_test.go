package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tokeninspector/tokeninspector/store"
)

// brokenKeyring is an OS keyring that never answers.
type brokenKeyring struct{}

var errNoDBus = errors.New("no D-Bus session bus")

func (brokenKeyring) Set(string, string, string) error   { return errNoDBus }
func (brokenKeyring) Get(string, string) (string, error) { return "", errNoDBus }
func (brokenKeyring) Delete(string, string) error        { return errNoDBus }

func brokenKeyringStore(t *testing.T) *store.Store {
	t.Helper()
	st, _, err := store.Open(t.TempDir()+"/profiles.json", store.WithKeyring(brokenKeyring{}))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Saving a new profile with a secret and no keyring: the question, then the
// secret is stored without saving the profile a second time.
func TestSaveWithoutKeyringStoresSecretOnRetry(t *testing.T) {
	st := brokenKeyringStore(t)
	w := newTestWindow(t, st)
	w.sidebar.onAdd()
	e := w.editor
	e.name.SetText("NoKeyring")
	e.issuer.SetText("https://idp.example.com")
	e.clientID.SetText("app")
	e.method.SetSelected("client_secret_basic")
	e.secret.SetText("typed-s3cret")
	test.Tap(e.save)
	w.wait()
	test.Tap(overlayButton(t, w, "Store the secret"))
	w.wait()
	if e := w.status.errorText(); e != "" {
		t.Fatalf("error after choosing memory: %s", e)
	}
	if v, loc, err := st.Secret("NoKeyring", store.SecretClient); err != nil || v != "typed-s3cret" || loc != store.LocationMemory {
		t.Errorf("secret: %q at %q, %v; want it in memory", v, loc, err)
	}
	if msg := w.status.message.Text; !strings.Contains(msg, "memory") || strings.Contains(msg, "typed-s3cret") {
		t.Errorf("status = %q; want where the secret went, without it", msg)
	}
}
