package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/demoidp"
)

// demoPanel explains the Demo IdP and holds its teaching switches: rotate
// the signing key, short lifetimes, issue a flawed token.
type demoPanel struct {
	h      host
	demo   *demoState
	info   *widget.Label
	short  *widget.Check
	self   *widget.Check
	flaw   *widget.RadioGroup
	rotate *widget.Button
	// protocol switches: the server's requirements, and what this profile's client does
	requirePAR, dpopNonce *widget.Check
	clientPAR, clientDPoP *widget.Check
	syncing               bool // refresh is setting the checks: not a user's change
	content               fyne.CanvasObject
}

func newDemoPanel(h host, demo *demoState) *demoPanel {
	p := &demoPanel{h: h, demo: demo}
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	p.info.Selectable = true
	p.short = widget.NewCheck("Short token lifetimes (30 s access and ID tokens, 5 min refresh tokens)", p.onShort)
	p.self = widget.NewCheck("Refuse to introspect or revoke JWT access tokens (unsupported_token_type), as many providers do", p.onSelfContained)
	var names []string
	for _, f := range demoidp.Flaws() {
		names = append(names, flawLabel(f))
	}
	p.flaw = widget.NewRadioGroup(names, p.onFlaw)
	p.flaw.Required = true
	p.rotate = widget.NewButton("Rotate the signing key", p.onRotate)
	p.requirePAR = widget.NewCheck("Server requires PAR", p.onRequirePAR)
	p.dpopNonce = widget.NewCheck("Server requires DPoP nonces", p.onDPoPNonce)
	p.clientPAR = widget.NewCheck("Use PAR (RFC 9126)", func(bool) { p.onClient() })
	p.clientDPoP = widget.NewCheck("Use DPoP (RFC 9449)", func(bool) { p.onClient() })
	intro := widget.NewLabel("The Demo IdP runs inside Token Inspector on 127.0.0.1, offline. Press Log in: " +
		"your browser shows its login page (user alice, password secret). The switches below change the tokens it " +
		"issues from then on, so a class can watch each check fail.")
	intro.Wrapping = fyne.TextWrapWord
	p.content = container.NewVScroll(container.NewVBox(
		intro,
		widget.NewCard("Teaching switches", "", container.NewVBox(p.rotate, p.short, p.self,
			widget.NewLabelWithStyle("Issue flawed tokens:", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), p.flaw)),
		widget.NewCard("Protocol", "", container.NewVBox(wrapped("The server's requirements, then what this profile's "+
			"client does. More also offers Log out, Token exchange (try the demo-reports audience) and the JWT bearer "+
			"grant with an assertion of the demo's external issuer."), p.requirePAR, p.dpopNonce, p.clientPAR, p.clientDPoP)),
		widget.NewCard("Server", "", p.info),
	))
	p.refresh()
	return p
}

func flawLabel(f demoidp.Flaw) string {
	if f == demoidp.FlawNone {
		return "none: correct tokens"
	}
	return string(f) + ": " + f.Description()
}

// refresh shows the server's state (or that it has not started).
func (p *demoPanel) refresh() {
	p.syncing = true
	p.clientPAR.SetChecked(p.demo.usePAR())
	p.clientDPoP.SetChecked(p.demo.useDPoP())
	p.syncing = false
	srv := p.demo.running()
	if srv == nil {
		p.info.SetText("Not started yet: it starts on first use (Log in, or a switch above).")
		flaw := p.demo.opts.Flaw
		if flaw == "" {
			flaw = demoidp.FlawNone
		}
		p.flaw.SetSelected(flawLabel(flaw))
		p.short.SetChecked(p.demo.opts.ShortLifetimes)
		p.self.SetChecked(p.demo.opts.SelfContained)
		return
	}
	lt := srv.Lifetimes()
	p.short.SetChecked(lt.AccessToken == demoidp.ShortAccessTokenLifetime)
	p.self.SetChecked(srv.SelfContained())
	var users []string
	for _, u := range srv.Users() {
		users = append(users, u.Username+"/"+u.Password)
	}
	p.info.SetText(fmt.Sprintf("Issuer %s\nSigning key kid %s (published: %s)\nLifetimes: access %s, ID %s, refresh %s\n"+
		"Users: %s. Client used by this profile: %s (client_secret_basic); client credentials use %s; device login uses %s (public).",
		srv.Issuer(), srv.SigningKeyID(), strings.Join(srv.KeyIDs(), ", "), lt.AccessToken, lt.IDToken, lt.RefreshToken,
		strings.Join(users, ", "), demoidp.WebClientID, demoidp.M2MClientID, demoidp.NativeClientID))
	p.flaw.SetSelected(flawLabel(srv.Flaw()))
	p.requirePAR.SetChecked(srv.RequirePAR())
	p.dpopNonce.SetChecked(srv.DPoPNonce())
}

// change applies f to the demo server (starting it if needed).
func (p *demoPanel) change(what string, f func(*demoidp.Server) (string, error)) {
	p.h.run(nil, what, what+": done.", func(context.Context) (func(), error) {
		srv, err := p.demo.server()
		if err != nil {
			return nil, err
		}
		msg, err := f(srv)
		if err != nil {
			return nil, err
		}
		return func() { p.refresh(); p.h.say(msg) }, nil
	})
}

func (p *demoPanel) onRotate() {
	p.change("Rotating the signing key", func(s *demoidp.Server) (string, error) {
		kid, err := s.RotateKey()
		return "New signing key " + kid + ": tokens issued from now on use it; the JWKS cache must re-fetch to verify them.", err
	})
}

func (p *demoPanel) onShort(on bool) {
	srv := p.demo.running()
	if (srv == nil && !on) || (srv != nil && (srv.Lifetimes().AccessToken == demoidp.ShortAccessTokenLifetime) == on) {
		return
	}
	p.change("Changing token lifetimes", func(s *demoidp.Server) (string, error) {
		s.SetShortLifetimes(on)
		return "Lifetimes changed: log in again to get tokens with the new lifetimes.", nil
	})
}

func (p *demoPanel) onSelfContained(on bool) {
	if srv := p.demo.running(); (srv == nil && !on) || (srv != nil && srv.SelfContained() == on) {
		return
	}
	p.change("Changing what the Demo IdP introspects", func(s *demoidp.Server) (string, error) {
		s.SetSelfContained(on)
		if on {
			return "The Demo IdP now refuses to introspect or revoke JWT access tokens: press Introspect or Revoke to see the refusal explained.", nil
		}
		return "The Demo IdP introspects and revokes every token again.", nil
	})
}

func (p *demoPanel) onFlaw(label string) {
	var flaw demoidp.Flaw
	for _, f := range demoidp.Flaws() {
		if flawLabel(f) == label {
			flaw = f
		}
	}
	srv := p.demo.running()
	if flaw == "" || (srv == nil && flaw == demoidp.FlawNone) || (srv != nil && srv.Flaw() == flaw) {
		return
	}
	p.change("Setting the flaw", func(s *demoidp.Server) (string, error) {
		s.SetFlaw(flaw)
		return "Flaw " + string(flaw) + " set: log in again to get a flawed token and watch its check fail.", nil
	})
}

func (p *demoPanel) onRequirePAR(on bool) {
	if srv := p.demo.running(); (srv == nil && !on) || (srv != nil && srv.RequirePAR() == on) {
		return
	}
	p.change("Changing the PAR requirement", func(s *demoidp.Server) (string, error) {
		s.SetRequirePAR(on)
		if on {
			return "PAR required: the metadata says require_pushed_authorization_requests, and a login pushes its request first.", nil
		}
		return "PAR no longer required.", nil
	})
}

func (p *demoPanel) onDPoPNonce(on bool) {
	if srv := p.demo.running(); (srv == nil && !on) || (srv != nil && srv.DPoPNonce() == on) {
		return
	}
	p.change("Changing the DPoP nonce requirement", func(s *demoidp.Server) (string, error) {
		s.SetDPoPNonce(on)
		if on {
			return "DPoP nonces required: the first proof gets use_dpop_nonce and the client retries with the server's nonce (see the Transcript).", nil
		}
		return "DPoP nonces no longer required.", nil
	})
}

// onClient applies the profile's PAR and DPoP switches; the next action
// builds a new client (with a new DPoP key).
func (p *demoPanel) onClient() {
	par, dpop := p.clientPAR.Checked, p.clientDPoP.Checked
	if p.syncing || par == p.demo.usePAR() && dpop == p.demo.useDPoP() {
		return
	}
	p.demo.setClient(par, dpop)
	if s := p.h.current(); s != nil && s.demo {
		s.forget()
	}
	p.h.say("Log in again to use the new PAR and DPoP settings.")
}
