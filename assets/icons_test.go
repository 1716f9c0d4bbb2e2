package assets

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestIcons: the package ships the icon at the sizes desktops ask the hicolor
// theme for; each assets/icons/N.png must be an N×N PNG (scripts/icons.sh).
func TestIcons(t *testing.T) {
	sizes := []int{16, 22, 24, 32, 48, 64, 128, 256, 512}
	for _, n := range sizes {
		path := filepath.Join("icons", strconv.Itoa(n)+".png")
		if n == 512 {
			path = "icon.png"
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("the %d px icon: %v (run scripts/icons.sh)", n, err)
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if cfg.Width != n || cfg.Height != n {
			t.Errorf("%s is %d×%d, want %d×%d", path, cfg.Width, cfg.Height, n, n)
		}
	}
}
