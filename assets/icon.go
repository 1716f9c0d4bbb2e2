package assets

import _ "embed"

// IconPNG is the application icon, a 512×512 PNG. It is plain bytes so that
// assets stays free of Fyne (flows/ imports this package for its callback
// pages); ui/ wraps it in a fyne.Resource.
//
//go:embed icon.png
var IconPNG []byte
