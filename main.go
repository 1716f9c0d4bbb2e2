// Command tokeninspector inspects JWTs and runs OAuth 2.0 / OpenID Connect
// flows. Without arguments it starts the desktop app; with a subcommand it
// runs headless (see "tokeninspector --help").
package main

import (
	"os"

	"github.com/tokeninspector/tokeninspector/cli"
	"github.com/tokeninspector/tokeninspector/ui"
)

func main() {
	if len(os.Args) < 2 {
		ui.Run()
		return
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
