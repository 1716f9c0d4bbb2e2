package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// SchemaVersion is the version of profiles.json this code writes. Files
// with an older version are migrated on load (see migrations); a newer one
// is refused with a *LoadError of kind ProblemNewerSchema.
const SchemaVersion = 1

// fileKind marks a profiles file; exportKind marks an export.
const (
	fileKind   = "tokeninspector-profiles"
	exportKind = "tokeninspector-export"
)

// document is profiles.json.
type document struct {
	Schema   int       `json:"schema"`
	Kind     string    `json:"kind"`
	Saved    time.Time `json:"saved,omitzero"`
	Profiles []Profile `json:"profiles"`
}

// migrations[v] upgrades a raw document from schema v to v+1. To change
// the format: bump SchemaVersion, add the step here, add a testdata file of
// the old version, and test it. Steps see and edit the top-level members.
var migrations = map[int]func(doc map[string]json.RawMessage) error{}

// ProblemKind classifies why a file could not be loaded.
type ProblemKind string

// Kinds of load failure.
const (
	ProblemUnreadable  ProblemKind = "unreadable"   // permissions, I/O error, a folder in its place
	ProblemEmpty       ProblemKind = "empty"        // zero bytes or only white space
	ProblemSyntax      ProblemKind = "syntax"       // not JSON, truncated JSON, binary garbage
	ProblemNotProfiles ProblemKind = "not-profiles" // JSON, but not a profiles file
	ProblemNewerSchema ProblemKind = "newer-schema" // written by a newer Token Inspector
	ProblemContent     ProblemKind = "content"      // right shape, bad content (duplicate names...)
)

// LoadError says what is wrong with a profiles or export file, and where.
type LoadError struct {
	Path   string      // the file ("" when parsing bytes)
	Kind   ProblemKind // the class of failure
	Line   int         // 1-based position of a syntax error, 0 when unknown
	Column int
	Reason string // plain words
	Err    error  // underlying error, if any
}

// Error gives the file, the position when known, and the reason.
func (e *LoadError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		fmt.Fprintf(&b, "%s: ", e.Path)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *LoadError) Unwrap() error { return e.Err }

// parseDocument decodes and checks a profiles file (or an export; both
// share the envelope) and returns its profiles at the current schema.
func parseDocument(data []byte, into any) (schema int, err error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return 0, &LoadError{Kind: ProblemEmpty, Reason: "the file is empty (perhaps a save was interrupted by an older version, or the disk was full)"}
	}
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		line, col := position(data, off)
		return 0, &LoadError{Kind: ProblemSyntax, Line: line, Column: col, Reason: "the file holds binary data, not JSON text"}
	}
	var top map[string]json.RawMessage
	if err := decodeOne(data, &top); err != nil {
		return 0, syntaxError(data, err)
	}
	if top == nil {
		return 0, &LoadError{Kind: ProblemNotProfiles, Reason: "the file holds JSON null, not a profiles object"}
	}
	rawSchema, ok := top["schema"]
	if !ok {
		return 0, &LoadError{Kind: ProblemNotProfiles, Reason: `there is no "schema" member: this is not a Token Inspector profiles file`}
	}
	if err := json.Unmarshal(rawSchema, &schema); err != nil {
		return 0, &LoadError{Kind: ProblemNotProfiles, Reason: fmt.Sprintf(`"schema" must be a whole number, found %s`, clip(rawSchema)), Err: err}
	}
	switch {
	case schema > SchemaVersion:
		return schema, &LoadError{Kind: ProblemNewerSchema, Reason: fmt.Sprintf(
			"the file uses schema %d, written by a newer Token Inspector; this version reads schema %d and older. Use the newer version, or restore the backup", schema, SchemaVersion)}
	case schema < 1:
		return schema, &LoadError{Kind: ProblemNotProfiles, Reason: fmt.Sprintf("schema %d is not a valid version (the first is 1)", schema)}
	}
	if err := migrate(top, schema, SchemaVersion, migrations); err != nil {
		return schema, &LoadError{Kind: ProblemContent, Reason: fmt.Sprintf("could not upgrade it from schema %d: %v", schema, err), Err: err}
	}
	rawProfiles, ok := top["profiles"]
	if !ok || string(rawProfiles) == "null" {
		rawProfiles = []byte("[]")
	}
	if err := json.Unmarshal(rawProfiles, into); err != nil {
		return schema, &LoadError{Kind: ProblemContent, Reason: fmt.Sprintf(`"profiles" is not a list of profiles: %v`, err), Err: err}
	}
	return schema, nil
}

// migrate applies steps[from], steps[from+1], ... up to version to.
func migrate(top map[string]json.RawMessage, from, to int, steps map[int]func(map[string]json.RawMessage) error) error {
	for v := from; v < to; v++ {
		step, ok := steps[v]
		if !ok {
			return fmt.Errorf("no upgrade from schema %d to %d", v, v+1)
		}
		if err := step(top); err != nil {
			return fmt.Errorf("schema %d to %d: %w", v, v+1, err)
		}
		top["schema"] = json.RawMessage(fmt.Sprint(v + 1))
	}
	return nil
}

// decodeOne decodes exactly one JSON value; trailing data is an error.
func decodeOne(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	off := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return &trailingError{offset: off}
	}
	return nil
}

// trailingError is data after the one JSON value.
type trailingError struct{ offset int64 }

func (e *trailingError) Error() string {
	return fmt.Sprintf("unexpected data after the JSON document at byte %d", e.offset)
}

func syntaxError(data []byte, err error) *LoadError {
	le := &LoadError{Kind: ProblemSyntax, Err: err}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var tr *trailingError
	switch {
	case errors.As(err, &tr):
		le.Line, le.Column = position(data, int(tr.offset))
		le.Reason = "unexpected data after the end of the JSON document"
	case errors.As(err, &se):
		// Offset counts the bytes read, the bad one included.
		le.Line, le.Column = position(data, int(se.Offset)-1)
		le.Reason = "not valid JSON: " + se.Error()
	case errors.Is(err, io.ErrUnexpectedEOF):
		le.Line, le.Column = position(data, len(data))
		le.Reason = "the JSON ends too early: the file is truncated"
	case errors.As(err, &te):
		le.Kind = ProblemNotProfiles
		le.Reason = fmt.Sprintf("the file holds a JSON %s, not a profiles object", te.Value)
	default:
		le.Reason = "not valid JSON: " + err.Error()
	}
	return le
}

// position converts a byte offset to a 1-based line and column (in runes).
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// parseProfiles loads a profiles file: envelope, schema, then content checks.
func parseProfiles(data []byte) ([]Profile, error) {
	var ps []Profile
	if _, err := parseDocument(data, &ps); err != nil {
		return nil, err
	}
	if err := checkProfiles(ps); err != nil {
		return nil, err
	}
	return ps, nil
}

// checkProfiles enforces what the store relies on: every profile has a
// name, names are unique (ignoring case), IDs are unique. A missing ID is
// assigned. Field validity is not checked here (see Profile.Validate): a
// profile with a bad URL still loads, so it can be fixed.
func checkProfiles(ps []Profile) error {
	names := map[string]int{}
	ids := map[string]int{}
	for i := range ps {
		p := &ps[i]
		normalize(p)
		if err := checkName(names, i, p.Name); err != nil {
			return err
		}
		if p.ID == "" || ids[p.ID] > 0 {
			p.ID = newID()
		}
		ids[p.ID] = i + 1
		for k, loc := range p.Secrets {
			switch loc {
			case LocationKeyring, LocationMemory, LocationFile:
			default:
				return &LoadError{Kind: ProblemContent, Reason: fmt.Sprintf("profile %q: secret %q has an unknown location %q", p.Name, k, loc)}
			}
		}
	}
	sortProfiles(ps)
	return nil
}

// checkName refuses profile number i+1 when its name is blank or already
// in seen (lower-cased name -> index); otherwise it adds the name to seen.
func checkName(seen map[string]int, i int, name string) error {
	if strings.TrimSpace(name) == "" {
		return &LoadError{Kind: ProblemContent, Reason: fmt.Sprintf("profile number %d has no name", i+1)}
	}
	key := strings.ToLower(name)
	if j, dup := seen[key]; dup {
		return &LoadError{Kind: ProblemContent, Reason: fmt.Sprintf("profiles number %d and %d are both named %q", j+1, i+1, name)}
	}
	seen[key] = i
	return nil
}

// normalize makes empty collections nil, so a save and a load round-trip.
func normalize(p *Profile) {
	if len(p.Scopes) == 0 {
		p.Scopes = nil
	}
	if len(p.Resources) == 0 {
		p.Resources = nil
	}
	if len(p.RequiredScopes) == 0 {
		p.RequiredScopes = nil
	}
	if len(p.Params) == 0 {
		p.Params = nil
	}
	if len(p.Secrets) == 0 {
		p.Secrets = nil
	}
}

func sortProfiles(ps []Profile) {
	slices.SortStableFunc(ps, func(a, b Profile) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// encodeProfiles renders profiles.json.
func encodeProfiles(ps []Profile, saved time.Time) ([]byte, error) {
	doc := document{Schema: SchemaVersion, Kind: fileKind, Saved: saved.UTC(), Profiles: ps}
	if doc.Profiles == nil {
		doc.Profiles = []Profile{}
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode profiles: %w", err)
	}
	return append(data, '\n'), nil
}

// newID returns a random profile ID such as "p-9f86d081884c7d65".
func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return "p-" + hex.EncodeToString(b[:])
}
