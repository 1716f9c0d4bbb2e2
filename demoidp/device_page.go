package demoidp

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"time"
)

// devicePage feeds the user-code entry page and the result page.
type devicePage struct {
	CSRF     string
	UserCode string
	Error    string
	Title    string // result page
	Message  string // result page
}

// handleDevice is the verification page (RFC 8628 section 3.3): the user
// enters the user code (pre-filled from verification_uri_complete), signs
// in with the same login form and session as /authorize, and approves or
// denies on the consent page, which shows the code to compare with the
// device (section 5.4). Consent is asked every time.
func (s *Server) handleDevice(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, http.StatusBadRequest, "The request could not be read: "+err.Error())
		return
	}
	b := s.browserFor(w, r)
	step := r.PostForm.Get("step")
	if r.Method == http.MethodPost && !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(s.mac("csrf", b.id))) {
		s.renderError(w, http.StatusBadRequest, "This form has expired. Open the verification page again and enter the code your device shows.")
		return
	}
	entry := devicePage{CSRF: s.mac("csrf", b.id), UserCode: r.Form.Get("user_code")}
	code := normalizeUserCode(entry.UserCode)
	if code == "" {
		s.renderPage(w, http.StatusOK, "device", entry)
		return
	}
	g, ok := s.devices.pending(code, s.opts.Clock())
	if !ok {
		entry.Error = "That code is not valid, has expired, or was already used. Check the code your device shows, or start again on the device."
		s.renderPage(w, http.StatusOK, "device", entry)
		return
	}
	page := pageData{Action: "/device?" + url.Values{"user_code": {formatUserCode(code)}}.Encode(), ClientID: g.clientID,
		ClientDescription: s.clientDescription(g.clientID), Scopes: scopeList(g.scopes), UserCode: formatUserCode(code)}
	if step == "login" {
		u, ok := findUser(s.users, r.PostForm.Get("username"), r.PostForm.Get("password"))
		if !ok {
			page.Error, page.Username, page.CSRF = wrongLoginMsg, r.PostForm.Get("username"), s.mac("csrf", b.id)
			s.renderPage(w, http.StatusOK, "login", page)
			return
		}
		b = s.signIn(w, b, u)
	}
	page.CSRF = s.mac("csrf", b.id)
	s.mu.Lock()
	user, authTime := b.user, b.authTime
	s.mu.Unlock()
	if user == nil {
		s.renderPage(w, http.StatusOK, "login", page)
		return
	}
	if step != "consent" {
		page.User = user.Name
		s.renderPage(w, http.StatusOK, "consent", page)
		return
	}
	s.decideDevice(w, g, *user, authTime, r.PostForm.Get("decision") == "allow")
}

// decideDevice records the user's decision and shows the result page.
func (s *Server) decideDevice(w http.ResponseWriter, g deviceGrant, u User, authTime time.Time, allow bool) {
	var sess *session
	res := devicePage{Title: "Request denied", Message: "You denied the request. The device will be told that access was denied."}
	if allow {
		sess = userSession(s.issuer, u, g.clientID, authTime, g.requestedAt, g.scopes)
		res = devicePage{Title: "Device approved", Message: "You are done here. Return to your device; it will finish signing in within a few seconds."}
	}
	if !s.devices.decide(g.userCode, sess, s.opts.Clock()) {
		s.renderError(w, http.StatusBadRequest, "This code expired or was already used while you were signing in. Start again on the device.")
		return
	}
	s.renderPage(w, http.StatusOK, "device-done", res)
}
