package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tokeninspector/tokeninspector/settings"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Bundle is an export file: profiles without their store bookkeeping (ID,
// secret locations, revision) and, only when asked, secret values.
type Bundle struct {
	Schema   int             `json:"schema"`
	Kind     string          `json:"kind"`
	Exported time.Time       `json:"exported,omitzero"`
	Profiles []BundleProfile `json:"profiles"`
}

// BundleProfile is one exported profile.
type BundleProfile struct {
	Profile
	// SecretValues holds secret values, present only in an export made
	// with IncludeSecrets. Never holds remembered tokens.
	SecretValues map[SecretKind]string `json:"secret_values,omitempty"`
}

// HasSecrets reports whether any profile carries secret values.
func (b *Bundle) HasSecrets() bool {
	return slices.ContainsFunc(b.Profiles, func(p BundleProfile) bool { return len(p.SecretValues) > 0 })
}

// ExportOptions selects what Export writes.
type ExportOptions struct {
	Names          []string // profiles to export; nil means all
	IncludeSecrets bool     // add client secrets and private keys (write the file 0600)
}

// Export builds a Bundle. With IncludeSecrets, a secret that cannot be read
// fails the export (nothing half-done is returned).
func (s *Store) Export(opts ExportOptions) (*Bundle, error) {
	all := s.List()
	var chosen []Profile
	if opts.Names == nil {
		chosen = all
	} else {
		for _, n := range opts.Names {
			i := find(all, n)
			if i < 0 {
				return nil, &NameError{Name: n, Err: ErrNotFound}
			}
			chosen = append(chosen, all[i])
		}
	}
	b := &Bundle{Schema: SchemaVersion, Kind: exportKind, Exported: s.now().UTC(), Profiles: []BundleProfile{}}
	for _, p := range chosen {
		bp := BundleProfile{Profile: p.Clone()}
		if opts.IncludeSecrets {
			for kind := range p.Secrets {
				if kind == SecretTokens {
					continue
				}
				v, _, err := s.secretOf(p, kind)
				if err != nil {
					return nil, fmt.Errorf("export with secrets: %w", err)
				}
				if bp.SecretValues == nil {
					bp.SecretValues = map[SecretKind]string{}
				}
				bp.SecretValues[kind] = v
			}
		}
		bp.ID, bp.Secrets, bp.Revision = "", nil, 0
		b.Profiles = append(b.Profiles, bp)
	}
	return b, nil
}

// Marshal renders the bundle as indented JSON.
func (b *Bundle) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// ParseBundle reads an export, or a profiles.json (or its backup) — both
// share the envelope — at any supported schema version.
func ParseBundle(data []byte) (*Bundle, error) {
	b := &Bundle{Kind: exportKind}
	if _, err := parseDocument(data, &b.Profiles); err != nil {
		return nil, err
	}
	if len(b.Profiles) > MaxImportProfiles {
		return nil, fmt.Errorf("the file holds %d profiles; at most %d are imported at once: split it, or export fewer (--only NAME)", len(b.Profiles), MaxImportProfiles)
	}
	b.Schema = SchemaVersion
	seen := map[string]int{}
	for i := range b.Profiles {
		p := &b.Profiles[i]
		if err := checkName(seen, i, p.Name); err != nil {
			return nil, err
		}
		p.ID, p.Secrets, p.Revision = "", nil, 0
		delete(p.SecretValues, SecretTokens)
		normalize(&p.Profile)
	}
	return b, nil
}

// MaxImportProfiles is the most profiles one bundle may hold.
const MaxImportProfiles = 10000

// Conflict is what Import does with a profile whose name is taken.
type Conflict int

// Conflict policies. The default reports and skips: never overwrite silently.
const (
	ConflictSkip    Conflict = iota // leave the existing profile, report the name
	ConflictRename                  // import as "name (2)", "name (3)", ...
	ConflictReplace                 // replace the existing profile (it keeps its secrets unless the bundle brings new ones, or its servers changed)
)

// ImportOptions controls Import.
type ImportOptions struct {
	Names      []string // profiles to import; nil means all
	OnConflict Conflict
	// Secrets imports secret values found in the bundle (into the OS
	// keyring, or the chosen fallback).
	Secrets bool
	// KeepSecrets keeps a replaced profile's stored secrets even when the
	// issuer or an endpoint's origin changes (the user confirmed that the
	// new servers may have them). Without it such secrets are dropped.
	KeepSecrets bool
}

// ImportResult says what Import did, profile by profile.
type ImportResult struct {
	Added     []string       `json:"added"`               // imported under their own name
	Renamed   []Renamed      `json:"renamed,omitempty"`   // imported under a new name
	Replaced  []string       `json:"replaced,omitempty"`  // replaced an existing profile
	Conflicts []string       `json:"conflicts,omitempty"` // skipped: the name is taken
	Invalid   []ImportFailed `json:"invalid,omitempty"`   // skipped: validation errors
	Secrets   int            `json:"secrets"`             // secret values stored
	SecretErr []ImportFailed `json:"secret_errors,omitempty"`
	// Dropped names the replaced profiles whose stored secrets were
	// deleted because their servers changed, and what changed.
	Dropped []ImportFailed `json:"secrets_dropped,omitempty"`
	// Warnings are the validation warnings of each imported profile (by
	// its name in the store): insecure TLS, plain-http endpoints, a CA file.
	Warnings map[string]Issues `json:"warnings,omitempty"`
}

// Renamed is a profile imported under a new name.
type Renamed struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// ImportFailed names a profile and why part of its import failed.
type ImportFailed struct {
	Name string `json:"name"`
	Err  string `json:"error"`
}

// Conflicts lists the bundle's profile names already taken in the store.
func (s *Store) Conflicts(b *Bundle) []string {
	taken := nameIndex(s.List())
	var out []string
	for _, p := range b.Profiles {
		if _, ok := taken[nameKey(p.Name)]; ok {
			out = append(out, p.Name)
		}
	}
	return out
}

// nameKey is a profile name as names are compared (case-insensitively, as
// the loader does).
func nameKey(name string) string { return strings.ToLower(name) }

// nameIndex maps each profile's name key to its index.
func nameIndex(ps []Profile) map[string]int {
	m := make(map[string]int, len(ps))
	for i, p := range ps {
		m[nameKey(p.Name)] = i
	}
	return m
}

// serverChanges says how the servers of a replaced profile changed: a new
// issuer, an endpoint on another origin, TLS verification turned off or
// another CA file. Its secrets would go there, or be readable on the way.
func serverChanges(old, p Profile) []string {
	var out []string
	if old.Issuer != p.Issuer {
		out = append(out, fmt.Sprintf("issuer %q -> %q", old.Issuer, p.Issuer))
	}
	for _, e := range settings.EndpointList { // every endpoint, PAR and end session included
		if before, after := e.Get(old.Endpoints), e.Get(p.Endpoints); endpointOrigin(old, before) != endpointOrigin(p, after) {
			out = append(out, fmt.Sprintf("%s endpoint %q -> %q", e.Name, before, after))
		}
	}
	if p.Insecure && !old.Insecure {
		out = append(out, "TLS certificate verification turned off")
	}
	if p.CAFile != old.CAFile {
		out = append(out, fmt.Sprintf("CA file %q -> %q", old.CAFile, p.CAFile))
	}
	return out
}

// endpointOrigin is the origin of an endpoint URL of p; an endpoint not
// given comes from the issuer's discovery, so it counts as the issuer's.
func endpointOrigin(p Profile, endpoint string) string {
	if endpoint == "" {
		return urlOrigin(p.Issuer)
	}
	return urlOrigin(endpoint)
}

// urlOrigin is scheme://host of a URL (the text itself if it does not parse).
func urlOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// Import adds the bundle's profiles in one save (so it is all or nothing
// for the profiles file), then stores their secrets when asked. Name
// conflicts follow opts.OnConflict; nothing is ever overwritten unless
// ConflictReplace is given.
func (s *Store) Import(b *Bundle, opts ImportOptions) (*ImportResult, error) {
	type pending struct {
		id     string
		name   string
		values map[SecretKind]string
	}
	var res ImportResult
	var todo []pending
	var drop []pending // replaced profiles whose secrets go: their servers changed
	wanted := map[string]bool{}
	for _, n := range opts.Names {
		wanted[nameKey(n)] = true
	}
	err := s.mutate(func(ps []Profile) ([]Profile, error) {
		res, todo, drop = ImportResult{}, nil, nil
		now := s.now().UTC()
		index := nameIndex(ps)
		add := func(p Profile) {
			index[nameKey(p.Name)] = len(ps)
			ps = append(ps, p)
		}
		for _, bp := range b.Profiles {
			if opts.Names != nil && !wanted[nameKey(bp.Name)] {
				continue
			}
			p := bp.Profile.Clone()
			p.ID, p.Secrets, p.Revision = "", nil, 0
			if is := p.Validate(); is.HasErrors() {
				res.Invalid = append(res.Invalid, ImportFailed{p.Name, (&ValidationError{Name: p.Name, Issues: is}).Error()})
				continue
			}
			p.Updated = now
			if p.Created.IsZero() {
				p.Created = now
			}
			i, taken := index[nameKey(p.Name)]
			switch {
			case !taken:
				p.ID, p.Revision = newID(), 1
				add(p)
				res.Added = append(res.Added, p.Name)
			case opts.OnConflict == ConflictRename:
				from := p.Name
				p.Name = freeName(index, p.Name)
				p.ID, p.Revision = newID(), 1
				add(p)
				res.Renamed = append(res.Renamed, Renamed{from, p.Name})
			case opts.OnConflict == ConflictReplace:
				old := ps[i]
				p.ID, p.Secrets, p.Created, p.Revision = old.ID, maps.Clone(old.Secrets), old.Created, old.Revision+1
				if !p.RememberTokens {
					delete(p.Secrets, SecretTokens)
				}
				if changes := serverChanges(old, p); len(changes) > 0 && len(p.Secrets) > 0 && !opts.KeepSecrets {
					// Secrets are kept only for the servers they were given for.
					drop = append(drop, pending{id: p.ID, name: p.Name, values: map[SecretKind]string{}})
					res.Dropped = append(res.Dropped, ImportFailed{p.Name, "its servers changed (" + strings.Join(changes, "; ") +
						"), so its stored secrets were deleted; type them again, or import with the option to keep them"})
					for kind := range p.Secrets {
						drop[len(drop)-1].values[kind] = ""
					}
				}
				ps[i] = p
				res.Replaced = append(res.Replaced, p.Name)
			default:
				res.Conflicts = append(res.Conflicts, p.Name)
				continue
			}
			if ws := importWarnings(p); len(ws) > 0 {
				if res.Warnings == nil {
					res.Warnings = map[string]Issues{}
				}
				res.Warnings[p.Name] = ws
			}
			if opts.Secrets && len(bp.SecretValues) > 0 {
				todo = append(todo, pending{p.ID, p.Name, bp.SecretValues})
			}
		}
		return ps, nil
	})
	if err != nil {
		return nil, err
	}
	for _, d := range drop {
		for kind := range d.values {
			if err := s.DeleteSecret(d.name, kind); err != nil {
				res.SecretErr = append(res.SecretErr, ImportFailed{d.name, "could not delete its old " + string(kind) + ": " + err.Error()})
			}
		}
	}
	var keyringErr error
	for _, t := range todo {
		for kind, v := range t.values {
			if kind != SecretClient && kind != SecretPrivateKey || v == "" {
				continue
			}
			if _, err := s.SetSecret(t.name, kind, v); err != nil {
				res.SecretErr = append(res.SecretErr, ImportFailed{t.name, err.Error()})
				if errors.Is(err, ErrKeyringUnavailable) && keyringErr == nil {
					keyringErr = err
				}
				continue
			}
			res.Secrets++
		}
	}
	// The profiles are imported either way; a missing keyring is returned
	// so the caller can ask the user (or call Secrets().Probe() first).
	return &res, keyringErr
}

// freeName returns "name (2)", "name (3)", ... whichever is free.
func freeName(taken map[string]int, name string) string {
	for n := 2; ; n++ {
		c := fmt.Sprintf("%s (%d)", name, n)
		if _, ok := taken[nameKey(c)]; !ok {
			return c
		}
	}
}

// importWarnings are the validation warnings of an imported profile, plus
// one for a CA file: a bundle from someone else that names one makes the
// app trust whatever that file holds for the profile's servers.
func importWarnings(p Profile) Issues {
	ws := p.Validate()
	if p.CAFile != "" {
		ws = append(ws, Issue{Field: FieldCAFile, Severity: SeverityWarning,
			Message: "TLS to this profile's servers also trusts the CA certificates in " + p.CAFile + ": check that you expect that file, or remove it from the profile"})
	}
	return ws
}
