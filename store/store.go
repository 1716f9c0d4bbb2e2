// Package store keeps saved IdP profiles in one JSON file and their secrets
// in the OS keyring (or, by the user's explicit choice, in memory or in a
// 0600 file). It never imports Fyne or flows/.
//
// Writes are atomic (temporary file, fsync, rename, fsync of the folder) and
// keep the previous version as profiles.json.bak; a file lock and a re-read
// before every write keep two app instances from losing each other's
// changes. A damaged file is moved aside, never deleted, and reported as a
// *Problem together with the backup on offer.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// AppID names the app's folder under os.UserConfigDir().
const AppID = "tokeninspector"

// EnvPath overrides the profiles file path (tests, portable use).
const EnvPath = "TOKENINSPECTOR_PROFILES"

// DefaultPath returns $TOKENINSPECTOR_PROFILES, or
// os.UserConfigDir()/tokeninspector/profiles.json.
func DefaultPath() (string, error) {
	if p := os.Getenv(EnvPath); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your configuration folder (%w); set %s to the path of a profiles.json", err, EnvPath)
	}
	return filepath.Join(dir, AppID, "profiles.json"), nil
}

// Errors about names.
var (
	ErrNotFound = errors.New("no such profile")
	ErrExists   = errors.New("a profile with that name exists")
	ErrChanged  = errors.New("the profile was changed elsewhere")
	ErrReadOnly = errors.New("the profiles file cannot be written")
)

// NameError reports a missing or taken profile name; it wraps ErrNotFound
// or ErrExists.
type NameError struct {
	Name string
	Err  error
}

// Error says which name is missing or taken and what to do.
func (e *NameError) Error() string {
	if errors.Is(e.Err, ErrExists) {
		return fmt.Sprintf("a profile named %q already exists; choose another name", e.Name)
	}
	return fmt.Sprintf("there is no profile named %q; list the saved profiles to see their names", e.Name)
}

// Unwrap returns ErrNotFound or ErrExists.
func (e *NameError) Unwrap() error { return e.Err }

// Problem describes a profiles file that could not be used when the store
// opened (or re-read it): what was wrong, where the file went, and the
// backup on offer. The store itself works: it starts from the backup's
// predecessor state (empty at Open) until the user restores.
type Problem struct {
	Path    string     // the profiles file
	MovedTo string     // where the damaged file now is; "" if it could not be moved
	Err     *LoadError // what was wrong

	Backup         string    // a usable backup, "" when there is none
	BackupProfiles int       // profiles in the backup
	BackupSaved    time.Time // when the backup was written (file time)
}

// Error says in plain words what happened and what to do next.
func (p *Problem) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the profiles file %s could not be used: %s", p.Path, p.Err.Reason)
	if p.Err.Line > 0 {
		fmt.Fprintf(&b, " (line %d, column %d)", p.Err.Line, p.Err.Column)
	}
	b.WriteString(".")
	if p.MovedTo != "" {
		fmt.Fprintf(&b, " It was moved to %s; nothing was deleted.", p.MovedTo)
	} else {
		b.WriteString(" It could not be moved aside, so nothing will be saved until it is fixed or removed.")
	}
	if p.Backup != "" {
		fmt.Fprintf(&b, " A backup with %d profile(s), saved %s, is available at %s: restore it to continue where you left off.",
			p.BackupProfiles, p.BackupSaved.Local().Format("2006-01-02 15:04"), p.Backup)
	} else {
		b.WriteString(" There is no usable backup; the app starts with no profiles.")
	}
	return b.String()
}

// Option configures Open.
type Option func(*Store)

// WithKeyring replaces the OS keyring (tests; keyring.MockInit also works
// with the default).
func WithKeyring(k Keyring) Option { return func(s *Store) { s.keyring = k } }

// WithFallback sets the initial choice for when no OS keyring is available.
func WithFallback(f Fallback) Option { return func(s *Store) { s.fallback = f } }

// WithSecretsFile sets the FallbackFile path (default: secrets.json next to
// profiles.json).
func WithSecretsFile(path string) Option { return func(s *Store) { s.secretsPath = path } }

// WithKeyringTimeout bounds each OS keyring call (default 30 s).
func WithKeyringTimeout(d time.Duration) Option { return func(s *Store) { s.keyringTimeout = d } }

// WithClock injects the clock used for timestamps.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Store is an open profiles file. Safe for concurrent use, and for use by
// several processes at once.
type Store struct {
	path    string
	now     func() time.Time
	secrets *Secrets

	keyring        Keyring
	fallback       Fallback
	secretsPath    string
	keyringTimeout time.Duration

	mu       sync.Mutex
	profiles []Profile // sorted by name; the last good state
	stamp    os.FileInfo
	problem  *Problem
	readOnly bool
}

// Open opens the profiles file at path ("" means DefaultPath()), creating
// its folder (0700) when needed; a missing file is an empty store. When
// the file is damaged, Open still succeeds: it moves the file aside and
// returns a *Problem (also available later from Store.Problem). The error
// is for failures that leave no store at all (no config folder).
func Open(path string, opts ...Option) (*Store, *Problem, error) {
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, nil, err
		}
		path = p
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("profiles file %q: %w", path, err)
	}
	s := &Store{path: abs, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if s.secretsPath == "" {
		s.secretsPath = filepath.Join(filepath.Dir(abs), "secrets.json")
	}
	s.secrets = newSecrets(s.keyring, s.secretsPath, s.fallback, s.keyringTimeout)
	if err := makeConfigDir(filepath.Dir(abs)); err != nil {
		return nil, nil, fmt.Errorf("the folder for %s: %w", abs, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if unlock, err := lockPath(s.lockFile()); err == nil {
		removeLeftovers(abs)
		s.syncLocked(true, true)
		unlock()
	} else {
		s.syncLocked(true, false)
	}
	return s, s.problem, nil
}

// Path is the profiles file.
func (s *Store) Path() string { return s.path }

// BackupPath is where the previous version is kept.
func (s *Store) BackupPath() string { return s.path + ".bak" }

func (s *Store) lockFile() string { return s.path + ".lock" }

// Secrets returns the secret backends, to set the fallback choice or to
// describe a Location.
func (s *Store) Secrets() *Secrets { return s.secrets }

// Problem returns the most recent problem with the file (nil if none).
func (s *Store) Problem() *Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.problem
}

// DismissProblem forgets the current problem (the user has seen it).
func (s *Store) DismissProblem() {
	s.mu.Lock()
	s.problem = nil
	s.mu.Unlock()
}

// readFile is os.ReadFile; tests replace it to simulate unreadable files.
var readFile = os.ReadFile

// syncLocked re-reads the file if it changed since the last read (always
// when force). A damaged file is moved aside under the file lock (taken
// here unless haveLock) and s.problem is set; the last good state is kept.
// It returns whether the file on disk is valid (a save may then keep it as
// the backup).
func (s *Store) syncLocked(force, haveLock bool) (valid bool) {
	fi, statErr := os.Stat(s.path)
	if errors.Is(statErr, os.ErrNotExist) {
		s.stamp, s.readOnly = nil, false
		if force {
			s.profiles = nil
		}
		return false
	}
	if !force && statErr == nil && s.stamp != nil && sameVersion(fi, s.stamp) {
		return true
	}
	ps, lerr := s.load(fi, statErr)
	if lerr == nil {
		s.profiles, s.stamp, s.readOnly = ps, fi, false
		return true
	}
	if !haveLock {
		unlock, err := lockPath(s.lockFile())
		if err == nil {
			defer unlock()
			return s.syncLocked(force, true)
		}
		// Without the lock another instance may be saving: report the
		// problem but move nothing, and refuse writes.
		lerr.Reason += fmt.Sprintf("; it was left in place because the lock could not be taken (%v)", err)
		s.problem, s.readOnly, s.stamp = &Problem{Path: s.path, Err: lerr}, true, nil
		return false
	}
	s.quarantine(lerr)
	return false
}

// load reads and parses the file, returning a *LoadError on failure.
func (s *Store) load(fi os.FileInfo, statErr error) ([]Profile, *LoadError) {
	data, err := readFile(s.path)
	if err == nil && statErr == nil && fi.IsDir() {
		err = errors.New("it is a folder")
	}
	if err = firstErr(err, statErr); err != nil {
		return nil, &LoadError{Path: s.path, Kind: ProblemUnreadable, Reason: fmt.Sprintf("it cannot be read (%v)", err), Err: err}
	}
	ps, err := parseProfiles(data)
	if err != nil {
		var lerr *LoadError
		if !errors.As(err, &lerr) {
			lerr = &LoadError{Kind: ProblemContent, Reason: err.Error(), Err: err}
		}
		lerr.Path = s.path
		return nil, lerr
	}
	return ps, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func sameVersion(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// quarantine moves the damaged file aside (lock held) and records the
// Problem with the backup on offer.
func (s *Store) quarantine(lerr *LoadError) {
	p := &Problem{Path: s.path, Err: lerr}
	moved, err := moveAside(s.path, s.now())
	if err != nil {
		s.readOnly = true
		lerr.Reason += fmt.Sprintf("; moving it aside failed (%v)", err)
	} else {
		p.MovedTo, s.readOnly = moved, false
	}
	s.stamp = nil
	if fi, err := os.Stat(s.BackupPath()); err == nil {
		if data, err := readFile(s.BackupPath()); err == nil {
			if ps, err := parseProfiles(data); err == nil {
				p.Backup, p.BackupProfiles, p.BackupSaved = s.BackupPath(), len(ps), fi.ModTime()
			}
		}
	}
	s.problem = p
}

// Reload re-reads the file now (List and Get do so by themselves when it
// changed) and returns the current problem, if any.
func (s *Store) Reload() *Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncLocked(true, false)
	return s.problem
}

// List returns copies of all profiles, sorted by name, re-reading the file
// first if another instance changed it.
func (s *Store) List() []Profile {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncLocked(false, false)
	return cloneAll(s.profiles)
}

// Get returns a copy of the profile with this name (case-insensitive), or
// a *NameError wrapping ErrNotFound.
func (s *Store) Get(name string) (Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncLocked(false, false)
	i := find(s.profiles, name)
	if i < 0 {
		return Profile{}, &NameError{Name: name, Err: ErrNotFound}
	}
	return s.profiles[i].Clone(), nil
}

// cloneAll returns deep copies of ps, which the caller may change.
func cloneAll(ps []Profile) []Profile {
	out := make([]Profile, len(ps))
	for i, p := range ps {
		out[i] = p.Clone()
	}
	return out
}

func find(ps []Profile, name string) int {
	for i, p := range ps {
		if p.Name == name {
			return i
		}
	}
	for i, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return i
		}
	}
	return -1
}

// mutate is the one write path: lock the file, re-read it (another
// instance may have saved), apply f to a copy, write atomically keeping
// the old file as the backup, and adopt the result.
func (s *Store) mutate(f func(ps []Profile) ([]Profile, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := lockPath(s.lockFile())
	if err != nil {
		return err
	}
	defer unlock()
	valid := s.syncLocked(true, true)
	if s.readOnly {
		return fmt.Errorf("%w: %s is damaged and could not be moved aside; move or fix it, then try again", ErrReadOnly, s.path)
	}
	next, err := f(cloneAll(s.profiles))
	if err != nil {
		return err
	}
	sortProfiles(next)
	data, err := encodeProfiles(next, s.now())
	if err != nil {
		return err
	}
	if err := writeAtomic(s.path, data, valid); err != nil {
		return err
	}
	s.profiles = next
	s.stamp, _ = os.Stat(s.path)
	return nil
}

// RestoreBackup replaces the current profiles with the backup's (the
// current file becomes the new backup) and returns how many it restored.
func (s *Store) RestoreBackup() (int, error) {
	data, err := readFile(s.BackupPath())
	if err != nil {
		return 0, fmt.Errorf("read the backup: %w", err)
	}
	ps, err := parseProfiles(data)
	if err != nil {
		return 0, fmt.Errorf("the backup %s is damaged too: %w", s.BackupPath(), err)
	}
	err = s.mutate(func([]Profile) ([]Profile, error) { return ps, nil })
	if err != nil {
		return 0, err
	}
	s.DismissProblem()
	return len(ps), nil
}

// Create adds a new profile and returns it as saved (with ID, timestamps,
// revision 1). It fails with a *ValidationError (errors.Is ErrInvalid) when
// Validate finds errors, and a *NameError (ErrExists) when the name is
// taken. p.ID and p.Secrets are ignored.
func (s *Store) Create(p Profile) (Profile, error) {
	p = p.Clone()
	normalize(&p)
	if is := p.Validate(); is.HasErrors() {
		return Profile{}, &ValidationError{Name: p.Name, Issues: is}
	}
	now := s.now().UTC()
	p.ID, p.Secrets, p.Created, p.Updated, p.Revision = newID(), nil, now, now, 1
	err := s.mutate(func(ps []Profile) ([]Profile, error) {
		if find(ps, p.Name) >= 0 {
			return nil, &NameError{Name: p.Name, Err: ErrExists}
		}
		return append(ps, p), nil
	})
	if err != nil {
		return Profile{}, err
	}
	return p.Clone(), nil
}

// Update replaces the profile called name with p (p.Name may differ: that
// renames it). ID, Created and the secret locations are kept. When
// p.Revision is non-zero and differs from the stored one, it fails with
// ErrChanged: another window or instance saved the profile since p was
// read; Get it again and reapply the edit.
func (s *Store) Update(name string, p Profile) (Profile, error) {
	p = p.Clone()
	normalize(&p)
	if is := p.Validate(); is.HasErrors() {
		return Profile{}, &ValidationError{Name: p.Name, Issues: is}
	}
	var old Profile
	err := s.mutate(func(ps []Profile) ([]Profile, error) {
		i := find(ps, name)
		if i < 0 {
			return nil, &NameError{Name: name, Err: ErrNotFound}
		}
		old = ps[i]
		if p.Revision != 0 && p.Revision != old.Revision {
			return nil, fmt.Errorf("profile %q: %w since it was opened (revision %d, now %d); reopen it and make the change again",
				name, ErrChanged, p.Revision, old.Revision)
		}
		if j := find(ps, p.Name); j >= 0 && j != i {
			return nil, &NameError{Name: p.Name, Err: ErrExists}
		}
		p.ID, p.Secrets, p.Created = old.ID, old.Secrets, old.Created
		if !p.RememberTokens {
			delete(p.Secrets, SecretTokens)
			normalize(&p)
		}
		p.Updated, p.Revision = s.now().UTC(), old.Revision+1
		ps[i] = p
		return ps, nil
	})
	if err != nil {
		return Profile{}, err
	}
	if old.RememberTokens && !p.RememberTokens {
		s.secrets.remove(LocationKeyring, account(p.ID, SecretTokens))
	}
	return p.Clone(), nil
}

// Rename changes a profile's name; its secrets follow (they are filed
// under the profile's ID).
func (s *Store) Rename(oldName, newName string) error {
	var v validator
	v.name(newName)
	if len(v.issues) > 0 {
		return &ValidationError{Name: newName, Issues: v.issues}
	}
	return s.mutate(func(ps []Profile) ([]Profile, error) {
		i := find(ps, oldName)
		if i < 0 {
			return nil, &NameError{Name: oldName, Err: ErrNotFound}
		}
		if j := find(ps, newName); j >= 0 && j != i {
			return nil, &NameError{Name: newName, Err: ErrExists}
		}
		ps[i].Name = newName
		ps[i].Updated, ps[i].Revision = s.now().UTC(), ps[i].Revision+1
		return ps, nil
	})
}

// Duplicate copies a profile, and its secrets into the same backends, under
// a new name. If the copy is saved but a secret cannot be copied, it
// returns the copy and an error saying which secret is missing.
func (s *Store) Duplicate(name, newName string) (Profile, error) {
	src, err := s.Get(name)
	if err != nil {
		return Profile{}, err
	}
	dup := src.Clone()
	dup.Name, dup.RememberTokens, dup.Revision = newName, false, 0
	created, err := s.Create(dup)
	if err != nil {
		return Profile{}, err
	}
	var errs []error
	for kind, loc := range src.Secrets {
		if kind == SecretTokens {
			continue
		}
		v, err := s.secrets.get(loc, account(src.ID, kind))
		if err == nil {
			err = s.secrets.putAt(loc, account(created.ID, kind), v)
		}
		if err == nil {
			err = s.recordSecret(created.ID, kind, loc)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("the %s was not copied: %w", kind, err))
		}
	}
	if len(errs) > 0 {
		return created, fmt.Errorf("profile %q was created, but: %w", newName, errors.Join(errs...))
	}
	return s.Get(newName)
}

// Delete removes a profile and its secrets. If the profile is removed but
// a secret cannot be, the error says where it was left.
func (s *Store) Delete(name string) error {
	var gone Profile
	err := s.mutate(func(ps []Profile) ([]Profile, error) {
		i := find(ps, name)
		if i < 0 {
			return nil, &NameError{Name: name, Err: ErrNotFound}
		}
		gone = ps[i]
		return append(ps[:i], ps[i+1:]...), nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for kind, loc := range gone.Secrets {
		if err := s.secrets.remove(loc, account(gone.ID, kind)); err != nil {
			errs = append(errs, fmt.Errorf("its %s is still in the %s: %w", kind, s.secrets.Describe(loc), err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("profile %q was deleted, but %w", name, errors.Join(errs...))
	}
	return nil
}
