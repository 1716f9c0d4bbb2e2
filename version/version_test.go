package version

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestAppVersion(t *testing.T) {
	repo, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		toml    string
		want    string
		wantErr string
	}{
		{"details version", "[Details]\n  Name = \"X\"\n  Version = \"1.2.3\"\n  Build = 4\n", "1.2.3", ""},
		{"no version", "[Details]\n  Name = \"X\"\n", "", "no [Details] Version"},
		{"version outside Details", "Version = \"9.9.9\"\n", "", "no [Details] Version"},
		{"not TOML", "[Details\nVersion = ", "", "reading FyneApp.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppVersion([]byte(tt.toml))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("AppVersion error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("AppVersion = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("the repository's FyneApp.toml", func(t *testing.T) {
		v, err := AppVersion(repo)
		if err != nil || v == "" {
			t.Fatalf("AppVersion(FyneApp.toml) = %q, %v", v, err)
		}
	})
}

func TestSetAppAndCurrent(t *testing.T) {
	defer func(old string) { app = old }(app)
	if err := SetApp([]byte("[Details]\nVersion = \"7.8.9\"\n")); err != nil {
		t.Fatal(err)
	}
	got := Current()
	if got.App != "7.8.9" || got.Go != runtime.Version() {
		t.Fatalf("Current() = %+v, want App 7.8.9 and Go %s", got, runtime.Version())
	}
	if err := SetApp([]byte("[Details]\n")); err == nil || Current().App != "7.8.9" {
		t.Fatalf("SetApp without a version: err %v, App %q; want an error and the old version kept", err, Current().App)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		name string
		info Info
		want string
	}{
		{"no VCS", Info{App: "0.1.0", Go: "go1.26.8"},
			"tokeninspector 0.1.0\ngo:       go1.26.8\nrevision: unknown (built without VCS information)\n"},
		{"clean commit", Info{App: "0.1.0", Go: "go1.26.8", Revision: "c5fdda6e0123456789abcdef", Time: "2026-12-01T05:50:00Z"},
			"tokeninspector 0.1.0\ngo:       go1.26.8\nrevision: c5fdda6e0123 (2026-12-01T05:50:00Z)\n"},
		{"local changes", Info{App: "0.1.0", Go: "go1.26.8", Revision: "c5fdda6", Modified: true},
			"tokeninspector 0.1.0\ngo:       go1.26.8\nrevision: c5fdda6 + local changes\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.info.String(); got != tt.want {
				t.Errorf("String() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
