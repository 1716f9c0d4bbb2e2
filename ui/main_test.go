package ui

import (
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	copiedFor = time.Hour // see copiedFor
	os.Exit(m.Run())
}
