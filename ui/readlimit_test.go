package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
)

// TestReadAllLimitedRefusesLargerFiles: a file over the limit is an error
// naming the file, never silently cut short.
func TestReadAllLimitedRefusesLargerFiles(t *testing.T) {
	dir := t.TempDir()
	for name, size := range map[string]int{"fits.txt": 1024, "big.txt": 1025} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Repeat("a", size)), 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := storage.Reader(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		data, err := readAllLimited(r, 1024)
		switch name {
		case "fits.txt":
			if err != nil || len(data) != size {
				t.Errorf("%s: %d bytes, %v", name, len(data), err)
			}
		case "big.txt":
			if err == nil || !strings.Contains(err.Error(), "big.txt is larger than 1 KiB") {
				t.Errorf("%s: %d bytes, %v; want an error", name, len(data), err)
			}
		}
	}
}
