// Package version describes the running build: the app version from
// FyneApp.toml, the Go version, and the VCS revision the Go toolchain stamped
// into the binary (debug.ReadBuildInfo).
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/BurntSushi/toml"
)

// Info is what "tokeninspector --version" and the About dialog show.
type Info struct {
	App      string // [Details] Version in FyneApp.toml, e.g. "0.1.0"
	Go       string // the Go version the binary was built with, e.g. "go1.26.8"
	Revision string // VCS commit; empty when built without VCS information
	Time     string // commit time (RFC 3339); empty when unknown
	Modified bool   // the tree had uncommitted changes when it was built
}

// app is set once by the main package from its embedded FyneApp.toml.
var app = "unknown"

// SetApp records the app version from the contents of FyneApp.toml. The main
// package calls it at start-up with its embedded copy of the file.
func SetApp(fyneAppTOML []byte) error {
	v, err := AppVersion(fyneAppTOML)
	if err != nil {
		return err
	}
	app = v
	return nil
}

// AppVersion returns [Details] Version from the contents of a FyneApp.toml.
func AppVersion(fyneAppTOML []byte) (string, error) {
	var meta struct {
		Details struct{ Version string }
	}
	if err := toml.Unmarshal(fyneAppTOML, &meta); err != nil {
		return "", fmt.Errorf("reading FyneApp.toml: %w", err)
	}
	if meta.Details.Version == "" {
		return "", fmt.Errorf("FyneApp.toml has no [Details] Version")
	}
	return meta.Details.Version, nil
}

// Current describes the running binary.
func Current() Info {
	info := Info{App: app, Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// RevisionText is the revision as people read it: the short commit, "+ local
// changes" when the tree was modified, or "unknown" without VCS information.
func (i Info) RevisionText() string {
	if i.Revision == "" {
		return "unknown (built without VCS information)"
	}
	rev := i.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if i.Time != "" {
		rev += " (" + i.Time + ")"
	}
	if i.Modified {
		rev += " + local changes"
	}
	return rev
}

// String is what "tokeninspector --version" prints: the app version on the
// first line, then the Go version and the revision.
func (i Info) String() string {
	return fmt.Sprintf("tokeninspector %s\ngo:       %s\nrevision: %s\n", i.App, i.Go, i.RevisionText())
}
