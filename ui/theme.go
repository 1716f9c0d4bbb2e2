package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Colour names for the token segments, as jwt.io colours them.
const (
	colorHeader    fyne.ThemeColorName = "tokenHeader"
	colorPayload   fyne.ThemeColorName = "tokenPayload"
	colorSignature fyne.ThemeColorName = "tokenSignature"
	colorJWEExtra  fyne.ThemeColorName = "tokenJWEExtra"
)

// appTheme is the default Fyne theme (so it follows the system light/dark
// setting) plus the segment colours.
type appTheme struct{ fyne.Theme }

func newTheme() fyne.Theme { return appTheme{theme.DefaultTheme()} }

// Color returns the segment colours, darker on a light background.
func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	light := v == theme.VariantLight
	pick := func(dark, lite color.NRGBA) color.Color {
		if light {
			return lite
		}
		return dark
	}
	switch n {
	case colorHeader:
		return pick(color.NRGBA{0xff, 0x4d, 0x7d, 0xff}, color.NRGBA{0xd1, 0x00, 0x48, 0xff})
	case colorPayload:
		return pick(color.NRGBA{0xd8, 0x6b, 0xff, 0xff}, color.NRGBA{0x9b, 0x1f, 0xc4, 0xff})
	case colorSignature:
		return pick(color.NRGBA{0x29, 0xc4, 0xf6, 0xff}, color.NRGBA{0x00, 0x7a, 0xa6, 0xff})
	case colorJWEExtra:
		return pick(color.NRGBA{0x4c, 0xd9, 0x64, 0xff}, color.NRGBA{0x1a, 0x8a, 0x35, 0xff})
	}
	return t.Theme.Color(n, v)
}
