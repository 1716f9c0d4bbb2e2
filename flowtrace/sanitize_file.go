package flowtrace

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SanitizeHARFile writes a sanitised copy of the HAR at in to out, through
// a temporary file renamed into place, then re-reads the output to make sure
// it is a valid HAR. It refuses to write over the input.
func SanitizeHARFile(in, out string) (*SanitizeSummary, error) {
	if same, err := sameFile(in, out); err != nil || same {
		if err != nil {
			return nil, err
		}
		return nil, errors.New("the output is the input file: the input is never modified; choose another output name")
	}
	src, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(out), ".har-sanitize-*")
	if err != nil {
		return nil, fmt.Errorf("create the output: %w", err)
	}
	defer os.Remove(tmp.Name())
	sum, err := SanitizeHAR(src, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := checkHAR(tmp.Name()); err != nil {
		return nil, fmt.Errorf("the sanitised output does not read back as a HAR (nothing written): %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, fmt.Errorf("write %s: %w", out, err)
	}
	return sum, nil
}

func sameFile(a, b string) (bool, error) {
	ia, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	ib, err := os.Stat(b)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(ia, ib), nil
}

func checkHAR(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = readHAR(f, harVisitor{rawEntry: func(json.RawMessage) error { return nil }})
	return err
}
