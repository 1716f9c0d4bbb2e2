package demoidp

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// handleLogout is the end_session_endpoint of OpenID Connect RP-Initiated
// Logout 1.0 (GET and POST, section 2): it ends the browser's sign-in at
// this provider and, when post_logout_redirect_uri is registered for the
// client (a loopback address, any port, path PostLogoutRedirectPath), sends
// the browser back there with state (section 3). id_token_hint is checked
// (signature and issuer; an expired one is accepted, as section 2 advises).
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "use GET or POST", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, http.StatusBadRequest, "The logout request could not be read: "+err.Error())
		return
	}
	clientID := r.Form.Get("client_id")
	if hint := r.Form.Get("id_token_hint"); hint != "" {
		aud, msg := s.checkIDTokenHint(hint)
		if msg != "" {
			s.renderError(w, http.StatusBadRequest, "invalid_request: "+msg)
			return
		}
		if clientID != "" && !slices.Contains(aud, clientID) {
			s.renderError(w, http.StatusBadRequest, "invalid_request: client_id "+clientID+" is not an audience of the id_token_hint.")
			return
		}
		if clientID == "" && len(aud) > 0 {
			clientID = aud[0]
		}
	}
	redirect := r.Form.Get("post_logout_redirect_uri")
	if redirect != "" {
		if clientID == "" {
			s.renderError(w, http.StatusBadRequest, "invalid_request: post_logout_redirect_uri needs id_token_hint or client_id, to know whose redirect URI it is.")
			return
		}
		if !s.postLogoutAllowed(clientID, redirect) {
			s.renderError(w, http.StatusBadRequest, "invalid_request: post_logout_redirect_uri "+redirect+" is not registered for client "+clientID+
				"; this provider accepts http://127.0.0.1:PORT"+PostLogoutRedirectPath+" (any port) for its interactive clients.")
			return
		}
	}
	s.signOut(w, r)
	if redirect == "" {
		s.renderPage(w, http.StatusOK, "device-done", map[string]string{"Title": "Signed out",
			"Message": "You are signed out of the demo identity provider. You can close this window."})
		return
	}
	u, _ := url.Parse(redirect) // checked by postLogoutAllowed
	if st := r.Form.Get("state"); st != "" {
		q := u.Query()
		q.Set("state", st)
		u.RawQuery = q.Encode()
	}
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// checkIDTokenHint verifies an ID token this provider issued (expired or not)
// and returns its audiences, or a message saying what is wrong.
func (s *Server) checkIDTokenHint(raw string) ([]string, string) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return nil, "id_token_hint is not a signed JWT."
	}
	k := s.keys.lookup(tok.Headers[0].KeyID)
	if k == nil {
		return nil, "id_token_hint was not signed by a key of this provider (its key may have been rotated out)."
	}
	var c jwt.Claims
	if err := tok.Claims(&k.priv.PublicKey, &c); err != nil {
		return nil, "id_token_hint's signature does not verify."
	}
	if c.Issuer != s.issuer {
		return nil, "id_token_hint was issued by " + c.Issuer + ", not by this provider."
	}
	return c.Audience, ""
}

// postLogoutAllowed accepts a loopback post_logout_redirect_uri with any port
// and path PostLogoutRedirectPath for the interactive clients.
func (s *Server) postLogoutAllowed(clientID, redirect string) bool {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" || u.Path != PostLogoutRedirectPath || u.Fragment != "" {
		return false
	}
	ip := net.ParseIP(strings.Trim(u.Hostname(), "[]"))
	if ip == nil || !ip.IsLoopback() {
		return false
	}
	for _, c := range s.clients {
		if c.ID == clientID {
			return len(c.RedirectURIs) > 0
		}
	}
	return false
}

// signOut forgets the browser's sign-in session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil {
		s.mu.Lock()
		delete(s.browsers, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
