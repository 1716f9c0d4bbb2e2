package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/tokeninspector/tokeninspector/demoidp"
)

// autoRun is development automation for scripted screenshots and demos,
// read from the environment (see docs/app.md, "Development switches"):
//
//	TOKENINSPECTOR_AUTOLOGIN=1        select the Demo IdP and press Log in at start
//	TOKENINSPECTOR_AUTORUN=a,b,...    then press these, in order: refresh, introspect,
//	                                  userinfo, revoke, clientcreds, paste (inspect the ID token as pasted);
//	                                  "tab:step" presses on that tab (refresh:introspect), and
//	                                  "step!" goes on when the server refuses the step;
//	                                  more (open the More menu) and exchange (the token exchange
//	                                  dialog) end the steps with it open; logout presses Log out
//	TOKENINSPECTOR_TAB=name           finally show this tab: profile, access, id, refresh,
//	                                  pasted, changes, responses, transcript
//	TOKENINSPECTOR_RESPONSE=name      in Responses show: token, introspection, userinfo, compare
//	TOKENINSPECTOR_DEMO_FLAW=flaw     start the Demo IdP with a flaw (expired, bad-signature, ...)
//	TOKENINSPECTOR_PASTE=token        the paste step inspects this token (decode only) instead
//	TOKENINSPECTOR_DEMO_PROTOCOL=list comma-separated: par, dpop (the Demo IdP profile uses them),
//	                                  require-par, dpop-nonce (the Demo IdP requires them)
//	TOKENINSPECTOR_DEMO_LIFETIME=2s   the Demo IdP's access and ID token lifetime
//	TOKENINSPECTOR_AUTOREFRESH=lead   when the steps are done, turn auto-refresh on for the current
//	                                  profile, starting lead (a duration) before expiry
//	TOKENINSPECTOR_TICK=100ms         also move the lifetimes (and start due auto-refreshes) this often
//	TOKENINSPECTOR_METRICS=1          print "metrics: cycle N goroutines G heap_inuse_kb H" after each
//	                                  auto-refresh, and "metrics: failed: ..." when one fails
//	TOKENINSPECTOR_HAR=file           open this HAR in the Flow tab (after the login, if any)
//	TOKENINSPECTOR_FLOW_STEP=kind     in the Flow tab show the first step of this kind (token,
//	                                  callback, ...; "error": the first failing step)
//	TOKENINSPECTOR_DEMO_SELF_CONTAINED=1  start the Demo IdP refusing to introspect or revoke JWTs
//	TOKENINSPECTOR_STATE=file         append what the window shows after each step, one JSON line each
//	TOKENINSPECTOR_SIZE=900x600       resize the window at start
//
// When the steps are done it prints "autorun: done" (or "autorun: failed: ...")
// to standard error.
type autoRun struct {
	login         bool
	steps         []string
	protocol      []string // TOKENINSPECTOR_DEMO_PROTOCOL
	tab           string
	response      string
	flaw          demoidp.Flaw
	paste         string // the token of the paste step; "" => the ID token
	selfContained bool
	stateFile     string
	size          fyne.Size

	demoLifetime time.Duration // Demo IdP access and ID token lifetime
	autoRefresh  time.Duration // auto-refresh lead to turn on after the steps; 0 = off
	tick         time.Duration // extra lifetimes tick
	metrics      bool
	har          string // a HAR to open in the Flow tab
	flowStep     string // the kind of the Flow tab's step to show
}

func (a autoRun) isZero() bool { return !a.login && a.tab == "" && a.har == "" && len(a.steps) == 0 }

func autoFromEnv(getenv func(string) string) autoRun {
	a := autoRun{login: getenv("TOKENINSPECTOR_AUTOLOGIN") == "1", tab: getenv("TOKENINSPECTOR_TAB"),
		response: getenv("TOKENINSPECTOR_RESPONSE"), paste: getenv("TOKENINSPECTOR_PASTE"),
		har: getenv("TOKENINSPECTOR_HAR"), flowStep: getenv("TOKENINSPECTOR_FLOW_STEP")}
	for _, s := range strings.Split(getenv("TOKENINSPECTOR_AUTORUN"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			a.steps = append(a.steps, s)
		}
	}
	if f, err := demoidp.ParseFlaw(getenv("TOKENINSPECTOR_DEMO_FLAW")); err == nil {
		a.flaw = f
	}
	a.demoLifetime, _ = time.ParseDuration(getenv("TOKENINSPECTOR_DEMO_LIFETIME"))
	a.autoRefresh, _ = time.ParseDuration(getenv("TOKENINSPECTOR_AUTOREFRESH"))
	a.tick, _ = time.ParseDuration(getenv("TOKENINSPECTOR_TICK"))
	a.metrics = getenv("TOKENINSPECTOR_METRICS") == "1"
	a.protocol = strings.Split(getenv("TOKENINSPECTOR_DEMO_PROTOCOL"), ",")
	a.selfContained = getenv("TOKENINSPECTOR_DEMO_SELF_CONTAINED") == "1"
	a.stateFile = getenv("TOKENINSPECTOR_STATE")
	var wd, ht float32
	if n, _ := fmt.Sscanf(getenv("TOKENINSPECTOR_SIZE"), "%fx%f", &wd, &ht); n == 2 && wd > 0 && ht > 0 {
		a.size = fyne.NewSize(wd, ht)
	}
	return a
}

var tabAliases = map[string]string{"profile": tabProfile, "access": tabAccess, "id": tabID, "refresh": tabRefresh,
	"pasted": tabPasted, "changes": tabChanges, "responses": tabResponses, "transcript": tabTranscript, "keys": tabKeys, "flow": tabFlow}

var responseAliases = map[string]string{"token": sourceToken, "introspection": sourceIntro, "userinfo": sourceUserInfo,
	"compare": sourceCompare}

// autoStart begins the automation, if any.
func (w *window) autoStart() {
	a := w.d.auto
	if a.isZero() {
		return
	}
	w.autoActive = true
	if a.flaw != "" {
		w.demo.opts.Flaw = a.flaw
	}
	if a.demoLifetime > 0 {
		w.demo.opts.AccessTokenLifetime, w.demo.opts.IDTokenLifetime = a.demoLifetime, a.demoLifetime
	}
	if a.tick > 0 {
		go func() {
			for range time.Tick(a.tick) {
				fyne.Do(w.lifetimes.tick)
			}
		}()
	}
	if a.metrics {
		w.lifetimes.onCycle = printMetrics
	}
	w.demo.opts.SelfContained = a.selfContained
	w.demo.opts.RequirePAR = slices.Contains(a.protocol, "require-par")
	w.demo.opts.DPoPNonce = slices.Contains(a.protocol, "dpop-nonce")
	w.demo.setClient(slices.Contains(a.protocol, "par"), slices.Contains(a.protocol, "dpop"))
	if !a.size.IsZero() {
		w.win.Resize(a.size)
	}
	if a.login {
		w.sidebar.selectDemo()
		w.handlers.onLogin()
		return
	}
	w.autoNext(nil)
}

// autoNext runs the next step after an operation ends.
func (w *window) autoNext(err error) {
	if !w.autoActive {
		return
	}
	a := w.d.auto
	step := "start"
	if a.login {
		step = "login"
	}
	if w.autoPos > 0 {
		step = a.steps[w.autoPos-1]
	}
	w.dumpState(step)
	if err != nil && !a.keepGoing(step) {
		w.autoActive = false
		fmt.Fprintln(os.Stderr, "autorun: failed:", plainError(err))
		return
	}
	if w.autoPos < len(a.steps) {
		step := a.steps[w.autoPos]
		w.autoPos++
		if w.autoStep(step) {
			return
		}
	}
	w.autoActive = false
	if t, ok := tabAliases[a.tab]; ok {
		w.selectTab(t)
	}
	if r, ok := responseAliases[a.response]; ok {
		w.responsesView().selectSource(r)
	}
	if a.autoRefresh > 0 && w.cur != nil {
		w.lifetimes.autoLeadOverride = a.autoRefresh
		w.lifetimes.setAuto(true)
	}
	if a.har != "" || (a.tab == "flow" && w.cur != nil) {
		w.autoFlow(a)
		return
	}
	fmt.Fprintln(os.Stderr, "autorun: done")
}

// keepGoing says whether the automation goes on after step failed: a step
// written "name!" expects the server to refuse (screenshots of the
// explanation).
func (a autoRun) keepGoing(step string) bool { return strings.HasSuffix(step, "!") }

// autoFlow shows the Flow tab: a HAR file or the session, then the step
// asked for, and says done once the analysis is on screen.
func (w *window) autoFlow(a autoRun) {
	w.selectTab(tabFlow)
	v := w.flowView()
	done := func() {
		if a.flowStep != "" && !v.showKind(a.flowStep) {
			fmt.Fprintf(os.Stderr, "autorun: no %s step in the flow\n", a.flowStep)
		}
		fmt.Fprintln(os.Stderr, "autorun: done")
	}
	if a.har == "" {
		v.afterRender = done
		w.renderFlow()
		return
	}
	v.onLoaded = func(err error) {
		v.onLoaded = nil
		if err != nil {
			fmt.Fprintln(os.Stderr, "autorun: failed:", plainError(err))
			return
		}
		done()
	}
	path, err := filepath.Abs(a.har)
	if err != nil {
		path = a.har
	}
	v.openHAR(storage.NewFileURI(path))
}

// autoPaste inspects raw in the paste panel, decode only; with raw empty,
// the ID token of the session, verified through discovery.
func (w *window) autoPaste(raw string) bool {
	mode := verifyNone
	if raw == "" {
		id := tokenOf(w.cur.result, "id")
		if id == nil {
			return false
		}
		raw, mode = id.Raw, verifyDiscovery
	}
	w.sidebar.selectPaste()
	p := w.pastePanel()
	p.input.SetText(raw)
	p.mode.SetSelected(mode)
	p.inspect()
	return true
}

// autoStep starts one step; false when it could not start.
func (w *window) autoStep(step string) bool {
	b := w.actions
	h := w.handlers
	press := map[string]func(){"refresh": h.onRefresh, "introspect": h.onIntrospect, "userinfo": h.onUserInfo,
		"revoke": h.onRevoke, "clientcreds": h.onClientCredentials, "login": h.onLogin}
	btn := map[string]interface{ Disabled() bool }{"refresh": b.refresh, "introspect": b.introspect, "userinfo": b.userinfo,
		"revoke": b.revoke, "clientcreds": b.clientCreds, "login": b.login}
	switch step {
	case "paste":
		return w.autoPaste(w.d.auto.paste)
	case "more", "exchange":
		// A menu or dialog stays open for the screenshot; the steps end here.
		if step == "more" {
			b.showMore()
		} else {
			h.onTokenExchange()
		}
		w.autoPos = len(w.d.auto.steps)
		w.autoNext(nil)
		return true
	}
	press["logout"], btn["logout"] = h.onLogout, b.logout
	name := strings.TrimSuffix(step, "!")
	if tab, act, ok := strings.Cut(name, ":"); ok { // "refresh:introspect": on the Refresh token tab
		if t, ok := tabAliases[tab]; ok {
			w.selectTab(t)
		}
		name = act
	}
	f, ok := press[name]
	if !ok || btn[name].Disabled() {
		fmt.Fprintf(os.Stderr, "autorun: step %q is not available now; skipped\n", step)
		w.autoNext(nil)
		return true
	}
	f()
	return true
}

// printMetrics reports an auto-refresh cycle for scripts/perf-soak.sh: the
// goroutine count and the live heap (resident memory is read from /proc).
func printMetrics(s *session, err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "metrics: failed:", plainError(err))
		return
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(os.Stderr, "metrics: cycle %d goroutines %d heap_inuse_kb %d\n", s.life.cycles, runtime.NumGoroutine(), m.HeapInuse/1024)
}
