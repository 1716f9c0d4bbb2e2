//go:build !nogui

package cli

// hasGUI says whether this build contains the desktop app, which main starts
// when tokeninspector runs without arguments. The -tags nogui build does not.
const hasGUI = true

// demoCommands are the Demo IdP's commands (demoidp.go).
func demoCommands() map[string]command {
	return map[string]command{
		"demo-idp":     {demoIDPSummary, runDemoIDP},
		"demo-browser": {demoBrowserSummary, runDemoBrowser},
	}
}
