package ui

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
	"github.com/tokeninspector/tokeninspector/token"
)

// The scale fixture: 300 saved profiles, one of them ("Big JWKS") with a
// 1,000-key JWKS fetched into the cache and a 5,000-exchange transcript; a
// 100 KB token with 2,000 claims on the Pasted token tab. Built once per
// benchmark binary; each benchmark measures what one click does on the UI
// goroutine (the handler, widget updates and layout), not the GPU's paint.
//
//	go test -run '^$' -bench Click -benchtime 100x ./ui/
var (
	scaleOnce sync.Once
	scaleWin  *window
	scaleErr  error
)

const (
	scaleProfiles  = 300
	scaleKeys      = 1000
	scaleClaims    = 2000
	scaleExchanges = 5000
)

func scaleWindow(b *testing.B) *window {
	scaleOnce.Do(func() { scaleWin, scaleErr = buildScaleWindow() })
	if scaleErr != nil {
		b.Fatal(scaleErr)
	}
	return scaleWin
}

func buildScaleWindow() (*window, error) {
	dir, err := os.MkdirTemp("", "scale")
	if err != nil {
		return nil, err
	}
	jwks := httptest.NewServer(http.HandlerFunc(serveManyKeys(scaleKeys)))
	st, _, err := store.Open(filepath.Join(dir, "profiles.json"), store.WithKeyring(&memKeyring{}))
	if err != nil {
		return nil, err
	}
	for i := range scaleProfiles {
		p := store.Profile{Name: fmt.Sprintf("Profile %03d", i), Folder: fmt.Sprintf("team %d", i%12),
			Settings: settings.Settings{Issuer: fmt.Sprintf("https://idp%d.example.com", i%17), ClientID: "client"}}
		if i == 7 {
			p.Name = "Big JWKS"
			p.Issuer = ""
			p.Endpoints = settings.Endpoints{Authorization: jwks.URL + "/authorize", Token: jwks.URL + "/token", JWKS: jwks.URL}
		}
		if _, err := st.Create(p); err != nil {
			return nil, err
		}
	}
	a := test.NewApp()
	w := newWindow(a, deps{now: time.Now, browser: func(context.Context, string) error { return nil },
		openStore: func() (*store.Store, error) { return st, nil }, demo: demoidp.Options{}})
	w.win.Resize(fyne.NewSize(1400, 900))
	w.started()
	w.wait()

	// The big JWKS, fetched into the cache the session's client uses.
	w.sidebar.selectName("Big JWKS")
	s := w.cur
	c, err := w.clientFor(s)
	if err != nil {
		return nil, err
	}
	src, err := c.KeySource(context.Background())
	if err != nil {
		return nil, err
	}
	if _, err := src.Lookup(context.Background(), ""); err != nil {
		return nil, err
	}
	for i := range scaleExchanges {
		s.transcript.Add(flows.Exchange{Endpoint: "token", Method: "POST", URL: jwks.URL + "/token", Status: 200,
			RequestBody:  "grant_type=refresh_token&refresh_token=" + flows.Redacted,
			ResponseBody: fmt.Sprintf(`{"access_token":"%s","n":%d}`, flows.Redacted, i), Duration: time.Millisecond, Started: time.Now()})
	}
	w.render()

	// The big token on the Pasted token tab.
	raw, err := bigToken()
	if err != nil {
		return nil, err
	}
	r, err := token.Inspect(context.Background(), raw, token.Options{})
	if err != nil {
		return nil, err
	}
	w.pastePanel().view.Show(raw, r, nil)
	return w, nil
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clicks runs click b.N times and reports, besides the wall time, the CPU
// time per click in ms (on a loaded machine the wall time mostly waits).
func clicks(b *testing.B, click func(i int)) {
	start := cpuTime()
	n := 0
	for ; b.Loop(); n++ {
		click(n)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(n)/1e6, "cpu-ms/click")
	b.ReportMetric(float64(b.Elapsed())/float64(n)/1e6, "wall-ms/click")
}

// serveManyKeys serves a JWKS of n EC P-256 keys.
func serveManyKeys(n int) func(http.ResponseWriter, *http.Request) {
	set := jose.JSONWebKeySet{}
	for i := range n {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: fmt.Sprintf("key-%04d", i), Algorithm: "ES256", Use: "sig"})
	}
	body, _ := json.Marshal(set)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Write(body)
	}
}

// bigToken is an unsigned-looking HS256 JWT of about 100 KB with 2,000 claims.
func bigToken() (string, error) {
	var b strings.Builder
	b.WriteString(`{"iss":"https://idp.example.com","sub":"alice","exp":` + fmt.Sprint(time.Now().Add(time.Hour).Unix()))
	for i := range scaleClaims - 3 {
		fmt.Fprintf(&b, `,"group_%04d":"team-%04d-members"`, i, i)
	}
	b.WriteString("}")
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: testSecret}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	obj, err := sig.Sign([]byte(b.String()))
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// BenchmarkClickSelectProfile: a click on a profile among 300.
func BenchmarkClickSelectProfile(b *testing.B) {
	w := scaleWindow(b)
	names := []string{"Profile 010", "Profile 250", "Big JWKS"}
	clicks(b, func(i int) { w.sidebar.selectName(names[i%len(names)]) })
}

// BenchmarkClickFilterProfiles: typing into the filter box over 300
// profiles grouped by folder.
func BenchmarkClickFilterProfiles(b *testing.B) {
	w := scaleWindow(b)
	w.sidebar.group.SetSelected(groupFolder)
	defer w.sidebar.group.SetSelected(groupNone)
	texts := []string{"profile 1", "profile 12", ""}
	clicks(b, func(i int) { w.sidebar.filter.SetText(texts[i%len(texts)]) })
}

// BenchmarkClickSwitchTab: switching between the tabs of the profile with
// the 1,000-key JWKS and the 5,000-exchange transcript.
func BenchmarkClickSwitchTab(b *testing.B) {
	w := scaleWindow(b)
	w.sidebar.selectName("Big JWKS")
	tabs := []string{tabKeys, tabTranscript, tabProfile, tabPasted}
	clicks(b, func(i int) { w.selectTab(tabs[i%len(tabs)]) })
	if w.keys == nil || len(w.keys.snap.KeyList) != scaleKeys || w.transcript.list.Length() < scaleExchanges {
		b.Fatalf("keys %d, exchanges %d", len(w.keys.snap.KeyList), w.transcript.list.Length())
	}
}

// BenchmarkClickSelectClaim: selecting claims of the 2,000-claim token.
func BenchmarkClickSelectClaim(b *testing.B) {
	w := scaleWindow(b)
	w.sidebar.selectPaste()
	v := w.paste.view
	if len(v.claimRows) < scaleClaims {
		b.Fatalf("%d claims shown", len(v.claimRows))
	}
	clicks(b, func(i int) {
		row := (i * 397) % scaleClaims
		v.claims.ScrollTo(widget.TableCellID{Row: row, Col: 0})
		v.claims.Select(widget.TableCellID{Row: row, Col: 1})
	})
}

// BenchmarkClickScrollTranscript: scrolling to and selecting exchanges of
// the 5,000-exchange transcript.
func BenchmarkClickScrollTranscript(b *testing.B) {
	w := scaleWindow(b)
	w.sidebar.selectName("Big JWKS")
	w.selectTab(tabTranscript)
	clicks(b, func(i int) {
		row := (i * 743) % scaleExchanges
		w.transcript.list.ScrollTo(row)
		w.transcript.list.Select(row)
	})
}

// BenchmarkClickScrollKeys: scrolling the 1,000-key table.
func BenchmarkClickScrollKeys(b *testing.B) {
	w := scaleWindow(b)
	w.sidebar.selectName("Big JWKS")
	w.selectTab(tabKeys)
	clicks(b, func(i int) { w.keys.table.ScrollTo(widget.TableCellID{Row: (i * 211) % scaleKeys, Col: 0}) })
}
