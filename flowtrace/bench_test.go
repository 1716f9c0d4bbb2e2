package flowtrace

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// writeBigHAR writes a Chrome HAR of about size bytes with n entries: a
// login's steps, then page traffic of the mix a single-page app produces
// (scripts, JSON API calls with a bearer token, images as base64, HTML).
func writeBigHAR(tb testing.TB, w io.Writer, n, size int) {
	tb.Helper()
	idp := newTestIdP(tb)
	sc := defaultScenario()
	var head struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(sc.har(tb, idp), &head); err != nil {
		tb.Fatal(err)
	}
	b := newHARBuilder(chrome, sc.start.Add(time.Minute))
	per := size / n * 10 / 13 // JSON escaping and base64 add about 30 %
	at := idp.sign(tb, map[string]any{"iss": idp.issuer, "sub": "alice", "aud": "https://api.example", "exp": sc.start.Add(time.Hour).Unix()})
	for i := len(head.Log.Entries); i < n; i++ {
		switch i % 4 {
		case 0:
			b.add(exchange{url: fmt.Sprintf("https://app.example/static/chunk-%d.js", i), resource: "script", status: 200,
				respMime: "application/javascript", respBody: "var x=" + strings.Repeat("'abcdefghij',", per/13) + "0;"})
		case 1:
			b.add(exchange{url: fmt.Sprintf("https://api.example/v1/items?page=%d", i), resource: "fetch", status: 200,
				reqHeaders: [][2]string{{"Authorization", "Bearer " + at}}, respMime: "application/json",
				respBody: `{"items":[` + strings.Repeat(`{"id":12345,"name":"item name","tags":["a","b"]},`, per/50) + `{}]}`})
		case 2:
			img := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}, per/11))
			b.add(exchange{url: fmt.Sprintf("https://cdn.example/img/%d.png", i), resource: "image", status: 200,
				respMime: "image/png", respBody: img, base64Body: true})
		default:
			b.add(exchange{url: fmt.Sprintf("https://app.example/page/%d", i), resource: "document", status: 200,
				respMime: "text/html", respBody: "<html><body>" + strings.Repeat("<p>Lorem ipsum dolor sit amet</p>", per/34) + "</body></html>"})
		}
	}
	var doc map[string]any
	json.Unmarshal(b.bytes(tb), &doc)
	entries := doc["log"].(map[string]any)["entries"].([]any)
	all := make([]any, 0, n)
	for _, e := range head.Log.Entries {
		all = append(all, e)
	}
	doc["log"].(map[string]any)["entries"] = append(all, entries...)
	enc := json.NewEncoder(w)
	if err := enc.Encode(doc); err != nil {
		tb.Fatal(err)
	}
}

var (
	bigOnce sync.Once
	bigPath string
)

// bigHARFile is a 50 MB HAR with 2,000 entries, written once per run.
func bigHARFile(b *testing.B) string {
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "flowtrace-bench")
		if err != nil {
			b.Fatal(err)
		}
		bigPath = filepath.Join(dir, "big.har")
		f, err := os.Create(bigPath)
		if err != nil {
			b.Fatal(err)
		}
		writeBigHAR(b, f, 2000, 50<<20)
		f.Close()
	})
	return bigPath
}

// peakHeap samples the live heap while f runs and returns its peak.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

// BenchmarkHAR50MB analyses a 50 MB, 2,000-entry HAR from its file, beside
// the naive peer: reading the file and json.Unmarshal into any (what a
// script would do before looking at a single entry). peak-heap/file is the
// highest live heap seen while analysing, divided by the file size.
func BenchmarkHAR50MB(b *testing.B) {
	path := bigHARFile(b)
	st, _ := os.Stat(path)
	size := float64(st.Size())
	b.Logf("%s: %.1f MB, 2,000 entries", path, size/(1<<20))
	b.Run("flowtrace", func(b *testing.B) {
		b.SetBytes(st.Size())
		var peak uint64
		for b.Loop() {
			p := peakHeap(func() {
				f, _ := os.Open(path)
				a, err := AnalyzeHAR(context.Background(), f, Options{})
				f.Close()
				if err != nil || len(a.Steps) != 2000 {
					b.Fatalf("%v, %d steps", err, len(a.Steps))
				}
				runtime.KeepAlive(a)
			})
			peak = max(peak, p)
		}
		b.ReportMetric(float64(peak)/size, "peak-heap/file")
	})
	b.Run("json-unmarshal-any", func(b *testing.B) {
		b.SetBytes(st.Size())
		var peak uint64
		for b.Loop() {
			p := peakHeap(func() {
				data, _ := os.ReadFile(path)
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					b.Fatal(err)
				}
				runtime.KeepAlive(v)
			})
			peak = max(peak, p)
		}
		b.ReportMetric(float64(peak)/size, "peak-heap/file")
	})
	b.Run("sanitize", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			f, _ := os.Open(path)
			if _, err := SanitizeHAR(f, io.Discard); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
}

var (
	bigOut     = flag.String("bighar", "", "TestWriteBigHAR writes a large HAR here (scripts/perf-har.sh)")
	bigMB      = flag.Int("bighar.mb", 50, "its size in MB")
	bigEntries = flag.Int("bighar.entries", 2000, "its number of entries")
)

// TestWriteBigHAR writes the benchmark's kind of HAR at any size, for
// scripts/perf-har.sh; it does nothing without -bighar.
func TestWriteBigHAR(t *testing.T) {
	if *bigOut == "" {
		t.Skip("no -bighar")
	}
	f, err := os.Create(*bigOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	writeBigHAR(t, w, *bigEntries, *bigMB<<20)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}
