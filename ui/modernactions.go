package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
)

// The actions of issue 14 in the More menu: RP-initiated logout, token
// exchange (RFC 8693), the JWT bearer grant (RFC 7523), and the grant as an
// oauth2c command line.

// onLogout ends the session at the provider (OIDC RP-Initiated Logout) and
// forgets the session's tokens, whatever the provider answered.
func (f *flowActions) onLogout() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.logout.Disabled() {
		return
	}
	idToken := ""
	if in := tokenOf(s.result, "id"); in != nil {
		idToken = in.Raw
	}
	forget := func() {
		s.result, s.previous, s.introspection, s.userinfo = nil, nil, nil, nil
		s.forget() // a new DPoP key for the next login
		if s == w.cur {
			w.render()
		}
	}
	w.run(s, "Logging out (finish in your browser)", "Logged out: the provider ended the session and this session's tokens are forgotten.", func(ctx context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		_, err = c.Logout(ctx, idToken, flows.LogoutOptions{
			OnURL: func(u string) { fyne.Do(func() { w.status.showURL(u) }) },
		})
		if err != nil {
			fyne.Do(forget) // the tokens go anyway: the user asked to log out
			return nil, err
		}
		return forget, nil
	})
}

// sessionTokens are the choices of a token of the session in the dialogs.
var sessionTokens = []struct{ label, kind, typ string }{
	{"This session's access token", "access", flows.TokenTypeAccessToken},
	{"This session's ID token", "id", flows.TokenTypeIDToken},
	{"This session's refresh token", "refresh", flows.TokenTypeRefreshToken},
}

const (
	pastedToken = "A token pasted below"
	anyType     = "any (the provider's choice)"
)

// onTokenExchange asks for an RFC 8693 request and shows the new token; the
// previous result stays for the Changes tab.
func (f *flowActions) onTokenExchange() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.exchange.Disabled() {
		return
	}
	var shortTypes []string
	for _, t := range flows.TokenTypes {
		shortTypes = append(shortTypes, strings.TrimPrefix(t, "urn:ietf:params:oauth:token-type:"))
	}
	pasted := widget.NewMultiLineEntry()
	pasted.SetPlaceHolder("paste the subject token here")
	subjectType := widget.NewSelect(shortTypes, nil)
	subjectType.SetSelected("access_token")
	var choices []string
	for _, t := range sessionTokens {
		if in := tokenOf(s.result, t.kind); in != nil && in.Raw != "" {
			choices = append(choices, t.label)
		}
	}
	subject := widget.NewSelect(append(choices, pastedToken), func(label string) {
		for _, t := range sessionTokens {
			if t.label == label {
				subjectType.SetSelected(strings.TrimPrefix(t.typ, "urn:ietf:params:oauth:token-type:"))
			}
		}
	})
	subject.SetSelectedIndex(0)
	actor := widget.NewEntry()
	actor.SetPlaceHolder("optional: the token of the party acting for the subject")
	actorType := widget.NewSelect(shortTypes, nil)
	actorType.SetSelected("access_token")
	audience := widget.NewEntry()
	audience.SetPlaceHolder("e.g. " + demoidp.ReportsAudience)
	resource := widget.NewEntry()
	resource.SetPlaceHolder("optional RFC 8707 resource URI")
	scope := widget.NewEntry()
	scope.SetPlaceHolder("optional, e.g. api.read (may only narrow)")
	requested := widget.NewSelect(append([]string{anyType}, shortTypes...), nil)
	requested.SetSelected(anyType)
	items := []*widget.FormItem{
		widget.NewFormItem("Subject token", subject), widget.NewFormItem("", pasted),
		widget.NewFormItem("Subject token type", subjectType),
		widget.NewFormItem("Actor token", actor), widget.NewFormItem("Actor token type", actorType),
		widget.NewFormItem("Audience", audience), widget.NewFormItem("Resource", resource), widget.NewFormItem("Scope", scope),
		widget.NewFormItem("Requested token type", requested),
	}
	d := dialog.NewForm("Token exchange (RFC 8693)", "Exchange", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		req := flows.TokenExchangeRequest{SubjectToken: pasted.Text, SubjectTokenType: subjectType.Selected,
			RequestedTokenType: strings.TrimPrefix(requested.Selected, anyType), Scopes: strings.Fields(scope.Text)}
		for _, t := range sessionTokens {
			if t.label == subject.Selected {
				req.SubjectToken = tokenOf(s.result, t.kind).Raw
			}
		}
		if a := strings.TrimSpace(actor.Text); a != "" {
			req.ActorToken, req.ActorTokenType = a, actorType.Selected
		}
		if a := strings.TrimSpace(audience.Text); a != "" {
			req.Audience = []string{a}
		}
		if r := strings.TrimSpace(resource.Text); r != "" {
			req.Resources = []string{r}
		}
		w.run(s, "Exchanging the token", "Token exchanged: the new token is shown; Changes compares it with the one before.", func(ctx context.Context) (func(), error) {
			c, err := w.clientFor(s)
			if err != nil {
				return nil, err
			}
			res, err := c.TokenExchange(ctx, req)
			if err != nil {
				return nil, err
			}
			return func() { f.setResult(s, res, true); w.selectTab(tabAccess) }, nil
		})
	}, w.win)
	d.Resize(fyne.NewSize(640, 560))
	d.Show()
}

// onJWTBearer asks for an assertion and redeems it with the JWT bearer
// grant. At the demo, one can be minted by the demo's external issuer.
func (f *flowActions) onJWTBearer() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.jwtBearer.Disabled() {
		return
	}
	assertion := widget.NewMultiLineEntry()
	assertion.SetPlaceHolder("the JWT (issued by this client, or by an issuer the provider trusts)")
	assertion.SetMinRowsVisible(5)
	assertion.Wrapping = fyne.TextWrapBreak
	content := []fyne.CanvasObject{assertion}
	if s.demo {
		mint := widget.NewButton("Mint one for alice at the demo's external issuer", func() {
			w.run(nil, "Minting an assertion", "Assertion minted by the external issuer.", func(context.Context) (func(), error) {
				srv, err := w.demo.server()
				if err != nil {
					return nil, err
				}
				a, err := srv.ExternalAssertion("u-1001", srv.Issuer()+"/token")
				if err != nil {
					return nil, err
				}
				return func() { assertion.SetText(a) }, nil
			})
		})
		content = append(content, mint)
	}
	d := dialog.NewCustomConfirm("JWT bearer grant (RFC 7523)", "Redeem", "Cancel", container.NewVBox(content...), func(ok bool) {
		if !ok {
			return
		}
		jwt := assertion.Text
		w.run(s, "Redeeming the assertion", "Token received (JWT bearer grant).", func(ctx context.Context) (func(), error) {
			c, err := w.clientFor(s)
			if err != nil {
				return nil, err
			}
			res, err := c.JWTBearer(ctx, jwt)
			if err != nil {
				return nil, err
			}
			return func() { f.setResult(s, res, false) }, nil
		})
	}, w.win)
	d.Resize(fyne.NewSize(640, 360))
	d.Show()
}

// onCopyOAuth2c copies the session's last grant (or a login) as an oauth2c
// command line; secrets are shell variables.
func (f *flowActions) onCopyOAuth2c() {
	w := f.w
	s := w.cur
	if s == nil || w.actions.oauth2c.Disabled() {
		return
	}
	g := flows.GrantCommand{GrantType: "authorization_code"}
	if s.result != nil {
		switch s.result.Grant {
		case "token_exchange":
			g.GrantType, g.SubjectTokenType = flows.TokenExchangeGrantType, flows.TokenTypeAccessToken
		case "jwt_bearer":
			g.GrantType = flows.JWTBearerGrantType
		case "device_code":
			g.GrantType = flows.DeviceGrantType
		case "refresh_token", "client_credentials":
			g.GrantType = s.result.Grant
		}
		g.PAR = s.result.PAR
	}
	w.run(s, "Writing the oauth2c command", "Copied the oauth2c command line (secrets are shell variables: set them first).", func(context.Context) (func(), error) {
		c, err := w.clientFor(s)
		if err != nil {
			return nil, err
		}
		cfg := c.Config()
		g.DPoP = cfg.DPoP
		g.PAR = g.PAR || cfg.PAR
		text := flows.OAuth2cCommand(cfg, g)
		return func() { w.app.Clipboard().SetContent(text) }, nil
	})
}
