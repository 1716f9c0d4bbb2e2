package cli

import (
	"runtime"
	"strings"
	"testing"
)

const desktopLine = "  tokeninspector                 start the desktop app\n"

func TestUsageNamesTheDesktopAppOnlyWithAGUI(t *testing.T) {
	for _, gui := range []bool{true, false} {
		var b strings.Builder
		usage(&b, gui)
		if got := strings.Contains(b.String(), desktopLine); got != gui {
			t.Errorf("usage(gui=%v) lists the desktop app: %v, want %v:\n%s", gui, got, gui, b.String())
		}
		if !strings.Contains(b.String(), "\n  inspect ") {
			t.Errorf("usage(gui=%v) lacks the inspect command:\n%s", gui, b.String())
		}
	}
}

type topLevelCase struct {
	name       string
	args       []string
	wantStatus int
	wantOut    []string // in stdout
	wantErr    []string // in stderr
	notErr     []string // not in stderr
}

// TestTopLevel checks this build's variant: "go test ./cli" the full build,
// "go test -tags nogui ./cli" the command-line-only one (make test runs both).
func TestTopLevel(t *testing.T) {
	tests := []topLevelCase{
		{"version flag", []string{"--version"}, ExitOK,
			[]string{"tokeninspector ", "\ngo:       " + runtime.Version() + "\n", "\nrevision: "}, nil, nil},
		{"version command", []string{"version"}, ExitOK,
			[]string{"\ngo:       " + runtime.Version() + "\n", "\nrevision: "}, nil, nil},
		{"help", []string{"--help"}, ExitOK, []string{"Usage:", "\n  inspect "}, nil, nil},
	}
	const leftOut = "demo-idp is not in this command-line-only build"
	if hasGUI {
		// main starts the app instead; Main itself still answers with the usage.
		tests = append(tests,
			topLevelCase{"no arguments", nil, ExitUsage, nil, []string{"Usage:", desktopLine}, []string{noGUINote}},
			topLevelCase{"demo-idp is here", []string{"demo-idp", "--help"}, ExitOK, nil,
				[]string{"Usage: tokeninspector demo-idp"}, []string{leftOut}})
	} else {
		tests = append(tests,
			topLevelCase{"no arguments, no GUI", nil, ExitUsage, nil,
				[]string{"Usage:", "\n  inspect ", "(desktop build only) run the built-in demo", noGUINote}, []string{desktopLine}},
			topLevelCase{"demo-idp is left out", []string{"demo-idp", "--port", "0"}, ExitUsage, nil,
				[]string{leftOut, "run it with the desktop build"}, nil})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb strings.Builder
			status := Main(tt.args, strings.NewReader(""), &out, &errb)
			if status != tt.wantStatus {
				t.Errorf("status %d, want %d; stderr:\n%s", status, tt.wantStatus, errb.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
			for _, w := range tt.notErr {
				if strings.Contains(errb.String(), w) {
					t.Errorf("stderr has %q:\n%s", w, errb.String())
				}
			}
		})
	}
}
