package demoidp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ory/fosite"
)

const cookieName = "demoidp_session"

// wrongLoginMsg is the sign-in page's error, on the authorize and device pages.
const wrongLoginMsg = "Wrong username or password. The demo users are alice and bob, password secret."

// browser is one browser's sign-in state, keyed by a random cookie value.
type browser struct {
	id       string
	created  time.Time
	user     *User
	authTime time.Time
	consents map[string][]string // client ID -> approved scopes
}

// authStep holds the fields our pages post; they are removed from the
// request before fosite sees it, so passwords never reach fosite's storage.
type authStep struct {
	step, csrf, username, password, decision, login string
}

// handleAuthorize is the authorization endpoint (RFC 6749 section 3.1, OIDC
// Core 3.1.2). It shows the login page, then the consent page, then lets
// fosite issue the code (PKCE and redirect checks are fosite's).
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	step, err := takeStep(r)
	if err != nil {
		s.renderError(w, http.StatusBadRequest, "The request could not be read: "+err.Error())
		return
	}
	if r.Form.Get("request_uri") == "" {
		if err := s.checkExactRedirect(r.Form); err != nil {
			// Like Ory Hydra: an error page in the browser, no redirect.
			s.renderError(w, http.StatusBadRequest, "invalid_request: "+fosite.ErrorToRFC6749Error(err).GetDescription())
			return
		}
	}
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	if err := checkPKCE(ar); err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	b := s.browserFor(w, r)
	if step.step != "" && !hmac.Equal([]byte(step.csrf), []byte(s.mac("csrf", b.id))) {
		s.renderError(w, http.StatusBadRequest, "This form has expired. Go back to the application and start signing in again.")
		return
	}
	prompt := fosite.Arguments(fosite.RemoveEmpty(strings.Split(ar.GetRequestForm().Get("prompt"), " ")))
	page := pageData{Action: "/authorize?" + pageQuery(ar.GetRequestForm()), ClientID: ar.GetClient().GetID(), Scopes: scopeList(ar.GetRequestedScopes())}
	page.ClientDescription = s.clientDescription(page.ClientID)

	fresh := false
	switch step.step {
	case "login":
		u, ok := findUser(s.users, step.username, step.password)
		if !ok {
			page.Error, page.Username, page.CSRF = wrongLoginMsg, step.username, s.mac("csrf", b.id)
			s.renderPage(w, http.StatusOK, "login", page)
			return
		}
		b = s.signIn(w, b, u)
		fresh = true
	case "consent":
		fresh = hmac.Equal([]byte(step.login), []byte(s.mac("login", b.id)))
	}
	page.CSRF = s.mac("csrf", b.id)
	if fresh {
		page.Login = s.mac("login", b.id)
	}

	s.mu.Lock()
	user, authTime := b.user, b.authTime
	approved := slices.Clone(b.consents[page.ClientID])
	s.mu.Unlock()

	if user == nil || (prompt.Has("login") && !fresh) || maxAgeExceeded(ar, authTime) {
		if prompt.Has("none") {
			s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrLoginRequired.WithHint("No one is signed in and prompt=none forbids showing the login page."))
			return
		}
		s.renderPage(w, http.StatusOK, "login", page)
		return
	}
	page.User = user.Name
	if step.step == "consent" {
		if step.decision != "allow" {
			s.store.consume(ar.GetRequestForm().Get("request_uri"))
			s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrAccessDenied.WithHint("The user denied the request on the consent page."))
			return
		}
		s.remember(b, page.ClientID, ar.GetRequestedScopes())
		approved = ar.GetRequestedScopes()
	}
	if (prompt.Has("consent") && step.step != "consent") || !covers(approved, ar.GetRequestedScopes()) {
		if prompt.Has("none") {
			s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrConsentRequired.WithHint("The user has not approved these scopes and prompt=none forbids showing the consent page."))
			return
		}
		s.renderPage(w, http.StatusOK, "consent", page)
		return
	}
	s.issue(w, r, ar, *user, authTime, fresh)
}

// issue grants the requested scopes and audience and writes fosite's redirect.
func (s *Server) issue(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, u User, authTime time.Time, fresh bool) {
	ctx := r.Context()
	for _, scope := range ar.GetRequestedScopes() {
		ar.GrantScope(scope)
	}
	grantAudience(ar, ar.GetRequestedAudience())
	requestedAt := ar.GetRequestedAt()
	if fresh {
		// The sign-in was part of this authorization: it started no later than the login.
		requestedAt = authTime
	}
	sess := userSession(s.issuer, u, ar.GetClient().GetID(), authTime, requestedAt, ar.GetGrantedScopes())
	// RFC 9449 section 10: the code may be redeemed only with this key.
	sess.DPoPJKT = ar.GetRequestForm().Get("dpop_jkt")
	resp, err := s.provider.NewAuthorizeResponse(ctx, ar, sess)
	s.store.consume(ar.GetRequestForm().Get("request_uri"))
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

// pageQuery is the query our login and consent forms post back to: for a
// pushed request only client_id and request_uri (the parameters stay off the
// front channel, RFC 9126 section 4), otherwise the request as received.
func pageQuery(form url.Values) string {
	if uri := form.Get("request_uri"); uri != "" {
		return url.Values{"client_id": {form.Get("client_id")}, "request_uri": {uri}}.Encode()
	}
	return form.Encode()
}

// checkPKCE reports PKCE errors before the login page rather than after it
// (fosite checks PKCE only when it issues the code). RFC 7636 section 4.4.1.
func checkPKCE(ar fosite.AuthorizeRequester) error {
	form := ar.GetRequestForm()
	challenge, method := form.Get("code_challenge"), form.Get("code_challenge_method")
	switch {
	case challenge == "" && ar.GetClient().IsPublic():
		return fosite.ErrInvalidRequest.WithHint("Public clients must use PKCE: send code_challenge and code_challenge_method=S256 (RFC 7636).")
	case challenge != "" && method != "S256":
		return fosite.ErrInvalidRequest.WithHintf("code_challenge_method %q is not supported; use S256.", method)
	}
	return nil
}

// takeStep parses the form and removes our page fields from it.
func takeStep(r *http.Request) (authStep, error) {
	if err := r.ParseForm(); err != nil {
		return authStep{}, err
	}
	var st authStep
	if r.Method != http.MethodPost {
		return st, nil
	}
	fields := map[string]*string{"step": &st.step, "csrf": &st.csrf, "username": &st.username,
		"password": &st.password, "decision": &st.decision, "login": &st.login}
	for name, dst := range fields {
		*dst = r.PostForm.Get(name)
		r.PostForm.Del(name)
		r.Form.Del(name)
	}
	// Query values removed too, and restored from the query string, so a
	// posted field never shadows an authorization parameter.
	for k, v := range r.URL.Query() {
		if _, ours := fields[k]; !ours {
			r.Form[k] = v
		}
	}
	return st, nil
}

func maxAgeExceeded(ar fosite.AuthorizeRequester, authTime time.Time) bool {
	maxAge, err := strconv.ParseInt(ar.GetRequestForm().Get("max_age"), 10, 64)
	if err != nil || maxAge <= 0 || authTime.IsZero() {
		return false
	}
	return time.Since(authTime) > time.Duration(maxAge)*time.Second
}

func covers(approved, requested []string) bool {
	for _, s := range requested {
		if !slices.Contains(approved, s) {
			return false
		}
	}
	return true
}

// browserFor returns the caller's browser state, creating it (and the cookie) if needed.
func (s *Server) browserFor(w http.ResponseWriter, r *http.Request) *browser {
	if c, err := r.Cookie(cookieName); err == nil {
		s.mu.Lock()
		b := s.browsers[c.Value]
		s.mu.Unlock()
		if b != nil {
			return b
		}
	}
	return s.newBrowser(w, nil)
}

// signIn replaces the browser session old with a new one for u (a new id,
// against session fixation).
func (s *Server) signIn(w http.ResponseWriter, old *browser, u User) *browser {
	s.mu.Lock()
	delete(s.browsers, old.id)
	s.mu.Unlock()
	return s.newBrowser(w, &u)
}

// maxBrowsers bounds the sign-in sessions kept; beyond it, stale ones are dropped.
const maxBrowsers = 1000

func (s *Server) newBrowser(w http.ResponseWriter, u *User) *browser {
	b := &browser{id: randomID(), created: now(), user: u, consents: map[string][]string{}}
	if u != nil {
		b.authTime = b.created.Truncate(time.Second)
	}
	s.mu.Lock()
	if len(s.browsers) >= maxBrowsers {
		s.pruneBrowsers(b.created)
	}
	s.browsers[b.id] = b
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: b.id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return b
}

// pruneBrowsers drops sessions nobody signed in to after 10 minutes, and
// every session after 24 hours. s.mu must be held.
func (s *Server) pruneBrowsers(t time.Time) {
	for id, b := range s.browsers {
		age := t.Sub(b.created)
		if age > 24*time.Hour || (b.user == nil && age > 10*time.Minute) {
			delete(s.browsers, id)
		}
	}
}

func (s *Server) remember(b *browser, clientID string, scopes []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sc := range scopes {
		if !slices.Contains(b.consents[clientID], sc) {
			b.consents[clientID] = append(b.consents[clientID], sc)
		}
	}
}

// mac binds a form token to a browser session: HMAC-SHA256(key, purpose|id).
func (s *Server) mac(purpose, id string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(purpose + "|" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func randomID() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) clientDescription(id string) string {
	for _, c := range s.clients {
		if c.ID == id {
			return c.Description
		}
	}
	return ""
}

func scopeList(scopes []string) []scopeItem {
	out := make([]scopeItem, 0, len(scopes))
	for _, sc := range scopes {
		d := ScopeDescriptions[sc]
		if d == "" {
			d = "Custom scope"
		}
		out = append(out, scopeItem{Name: sc, Description: d})
	}
	return out
}
