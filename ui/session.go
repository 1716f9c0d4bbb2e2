package ui

import (
	"context"
	"fmt"
	"sync"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
)

// demoProfileName is the built-in profile that runs the embedded demo IdP.
const demoProfileName = "Demo IdP"

// demoScopes are asked for by the Demo IdP profile (offline_access brings a
// refresh token).
var demoScopes = []string{"openid", "profile", "email", "groups", "offline_access", "api.read"}

// session is the state of one profile in this run: its client, the last
// token response and what the server said about it. Fields other than
// client are used on the UI goroutine only.
type session struct {
	name    string
	demo    bool
	profile store.Profile // the saved profile (zero for the demo)

	mu      sync.Mutex     // guards client and dpopKey
	client  *flows.Client  // built on first use, off the UI goroutine
	dpopKey *flows.DPoPKey // the session's one DPoP key (RFC 9449), made with the client

	transcript       *flows.Transcript
	result           *flows.Result
	previous         *flows.Result            // before the last refresh
	introspection    *flows.Introspection     // the last introspection response, of any token (Responses)
	answers          map[string]*serverAnswer // what the server said about each token, by kind
	userinfo         *flows.UserInfo
	userinfoErr      error // the last UserInfo call's refusal or failure
	introspectionErr error // the last introspection's refusal or failure
	busy             string
	cancel           context.CancelFunc
	life             lifetimeState // auto-refresh and expiry notifications (lifetimes.go)
}

func newSession(name string, demo bool, p store.Profile) *session {
	return &session{name: name, demo: demo, profile: p, transcript: &flows.Transcript{}}
}

// demoState runs the embedded demo IdP, started on first use, and holds
// the Demo IdP profile's client switches (PAR, DPoP).
type demoState struct {
	opts      demoidp.Options // how it starts
	started   func()          // told, off the UI goroutine, that the server has just started (set before first use)
	mu        sync.Mutex      // guards srv, par and dpop
	srv       *demoidp.Server
	par, dpop bool
}

// usePAR and useDPoP are the Demo IdP profile's PAR and DPoP switches.
func (d *demoState) usePAR() bool { d.mu.Lock(); defer d.mu.Unlock(); return d.par }

func (d *demoState) useDPoP() bool { d.mu.Lock(); defer d.mu.Unlock(); return d.dpop }

// setClient changes the Demo IdP profile's PAR and DPoP switches.
func (d *demoState) setClient(par, dpop bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.par, d.dpop = par, dpop
}

// server returns the running demo IdP, starting it if needed.
func (d *demoState) server() (*demoidp.Server, error) {
	srv, fresh, err := d.start()
	if fresh && d.started != nil {
		d.started()
	}
	return srv, err
}

// start starts the server unless it runs; fresh says it just started.
func (d *demoState) start() (srv *demoidp.Server, fresh bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.srv != nil {
		return d.srv, false, nil
	}
	srv, err = demoidp.Start(d.opts)
	if err != nil {
		return nil, false, fmt.Errorf("could not start the demo identity provider: %w", err)
	}
	d.srv = srv
	return srv, true, nil
}

// running returns the server if it has started, else nil.
func (d *demoState) running() *demoidp.Server {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.srv
}

func (d *demoState) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.srv != nil {
		d.srv.Close()
		d.srv = nil
	}
}

// clientFor returns the session's flows client, building it on first use
// (reading the secrets from the store and starting the demo IdP may block,
// so call it off the UI goroutine).
func (w *window) clientFor(s *session) (*flows.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != nil {
		return s.client, nil
	}
	cfg, err := w.configFor(s)
	if err != nil {
		return nil, err
	}
	c, err := flows.NewClient(cfg, w.clientOptions(s)...)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", s.name, err)
	}
	s.client, s.dpopKey = c, c.DPoPKey()
	return c, nil
}

// sessionKey is the session's DPoP key, for the clients of the other grants
// (nil until the main client exists, or without DPoP).
func (s *session) sessionKey() *flows.DPoPKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dpopKey
}

// forget drops the session's client (and so its DPoP key) so the next
// action builds a fresh one: after a logout, or when settings change.
func (s *session) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.client, s.dpopKey = nil, nil
}

func (w *window) clientOptions(s *session) []flows.Option {
	return []flows.Option{flows.WithBrowser(w.d.browser), flows.WithClock(w.d.now), flows.WithTranscript(s.transcript)}
}

// m2mClientFor is the client for the client credentials grant: the demo
// profile uses the demo's machine client, other profiles their own client.
func (w *window) m2mClientFor(s *session) (*flows.Client, error) {
	if !s.demo {
		return w.clientFor(s)
	}
	srv, err := w.demo.server()
	if err != nil {
		return nil, err
	}
	cfg := flows.Config{Settings: settings.Settings{Issuer: srv.Issuer(), ClientID: demoidp.M2MClientID, AuthMethod: settings.AuthSecretBasic, Scopes: []string{"api.read"},
		DPoP: w.demo.useDPoP()}, ClientSecret: demoidp.M2MClientSecret, DPoPKey: s.sessionKey()}
	return flows.NewClient(cfg, w.clientOptions(s)...)
}

// deviceClientFor is the client for the device grant (RFC 8628): the demo
// profile uses the demo's public native client, other profiles their own.
func (w *window) deviceClientFor(s *session) (*flows.Client, error) {
	if !s.demo {
		return w.clientFor(s)
	}
	srv, err := w.demo.server()
	if err != nil {
		return nil, err
	}
	cfg := flows.Config{Settings: settings.Settings{Issuer: srv.Issuer(), ClientID: demoidp.NativeClientID, AuthMethod: settings.AuthNone, Scopes: demoScopes,
		DPoP: w.demo.useDPoP()}, DPoPKey: s.sessionKey()}
	return flows.NewClient(cfg, w.clientOptions(s)...)
}

func (w *window) configFor(s *session) (flows.Config, error) {
	if s.demo {
		srv, err := w.demo.server()
		if err != nil {
			return flows.Config{}, err
		}
		return flows.Config{Settings: settings.Settings{Issuer: srv.Issuer(), ClientID: demoidp.WebClientID, AuthMethod: settings.AuthSecretBasic, Scopes: demoScopes,
			PAR: w.demo.usePAR(), DPoP: w.demo.useDPoP()}, ClientSecret: demoidp.WebClientSecret}, nil
	}
	st, err := w.profiles()
	if err != nil {
		return flows.Config{}, err
	}
	creds, err := st.Credentials(s.profile)
	if err != nil {
		return flows.Config{}, fmt.Errorf("could not read the secrets of profile %q: %w", s.name, err)
	}
	return flows.Config{Settings: s.profile.Settings, ClientSecret: creds.ClientSecret, PrivateKey: creds.PrivateKey}, nil
}

// tokenOf returns the inspected token of a result, nil-safe.
func tokenOf(r *flows.Result, kind string) *flows.Inspected {
	if r == nil {
		return nil
	}
	switch kind {
	case "access":
		return r.AccessToken
	case "id":
		return r.IDToken
	case "refresh":
		return r.RefreshToken
	}
	return nil
}

// answer is what the server said about the token of this kind (nil: not asked).
func (s *session) answer(kind string) *serverAnswer {
	if s == nil {
		return nil
	}
	return s.answers[kind]
}
