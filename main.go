// Command tokeninspector inspects JWTs and runs OAuth 2.0 / OpenID Connect
// flows. Without arguments it starts the desktop app; with a subcommand it
// runs headless (see "tokeninspector --help"). Built with -tags nogui it has
// no desktop app, no Fyne and no cgo (see gui.go and nogui.go).
package main

import (
	_ "embed"
	"fmt"
	"os"

	"github.com/tokeninspector/tokeninspector/cli"
	"github.com/tokeninspector/tokeninspector/version"
)

// fyneApp is FyneApp.toml: the version that --version and the About dialog show.
//
//go:embed FyneApp.toml
var fyneApp []byte

func main() {
	if err := version.SetApp(fyneApp); err != nil {
		fmt.Fprintln(os.Stderr, "tokeninspector: warning:", err)
	}
	if len(os.Args) < 2 && startGUI != nil {
		os.Exit(startGUI())
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
