// Package assets holds the files bundled into the binary: the browser
// callback pages of the loopback login, and the application icon.
package assets

import "embed"

// Callback holds callback/success.html and callback/error.html, the
// html/template pages the loopback listener answers the browser with.
//
//go:embed callback/*.html
var Callback embed.FS
