//go:build nogui

package cli

import "fmt"

// hasGUI: this is the command-line-only build (-tags nogui, no Fyne, no cgo).
const hasGUI = false

// demoCommands: the command-line-only build leaves the Demo IdP out. It is
// built on ory/fosite, which brings about 250 packages (gRPC, OpenTelemetry,
// protobuf, a validator compiling hundreds of regular expressions) whose
// package initialisation every command would pay at start-up: several times
// the start-up time of "inspect", and 8 MB more binary (docs/performance.md).
// The commands stay listed and say where to find them.
func demoCommands() map[string]command {
	return map[string]command{
		"demo-idp":     {"(desktop build only) " + demoIDPSummary, notInThisBuild("demo-idp")},
		"demo-browser": {"(desktop build only) " + demoBrowserSummary, notInThisBuild("demo-browser")},
	}
}

// notInThisBuild is the stand-in for a command this build leaves out.
func notInThisBuild(name string) func(Env) int {
	return func(env Env) int {
		fmt.Fprintf(env.Stderr, "tokeninspector: %s is not in this command-line-only build (it leaves the Demo IdP out to stay small and start fast); run it with the desktop build: tokeninspector %s\n", name, name)
		return ExitUsage
	}
}
