package demoidp

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/storage"
)

// PAR timings: a request_uri must be used within parLifetime (its
// expires_in); once the browser has opened it, it stays valid through the
// login and consent pages for parLoginWindow, then is gone.
const (
	parLifetime    = 90 * time.Second
	parLoginWindow = 10 * time.Minute
)

// parStore is fosite's memory store with a request_uri that survives the
// sign-in pages: fosite deletes a pushed request at its first use, but our
// login and consent forms post back to the authorization endpoint with the
// same request_uri. It is deleted when the authorization response is sent
// (RFC 9126 section 4: one-time use).
type parStore struct {
	*storage.MemoryStore
	mu   sync.Mutex
	used map[string]time.Time // request_uri -> end of its login window, once opened
	// issued lists refresh tokens until they are rotated out and forgotten (prune.go).
	issued    []refreshIssued
	testGrace time.Duration // tests: a shorter rotatedGrace
}

// GetPARSession returns the pushed request while it is valid: unused and
// younger than parLifetime, or opened less than parLoginWindow ago.
func (p *parStore) GetPARSession(ctx context.Context, requestURI string) (fosite.AuthorizeRequester, error) {
	ar, err := p.MemoryStore.GetPARSession(ctx, requestURI)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	until, opened := p.used[requestURI]
	expired := opened && now.After(until)
	if !opened && ar.GetSession() != nil {
		exp := ar.GetSession().GetExpiresAt(fosite.PushedAuthorizeRequestContext)
		expired = !exp.IsZero() && now.After(exp)
	}
	if expired {
		delete(p.used, requestURI)
		_ = p.MemoryStore.DeletePARSession(ctx, requestURI)
		return nil, fosite.ErrNotFound.WithHint("The request_uri has expired; push the authorization request again.")
	}
	if !opened {
		p.used[requestURI] = now.Add(parLoginWindow)
	}
	return ar, nil
}

// DeletePARSession is a no-op: see consume.
func (p *parStore) DeletePARSession(context.Context, string) error { return nil }

// consume deletes a pushed request once the authorization response is sent.
func (p *parStore) consume(requestURI string) {
	if requestURI == "" {
		return
	}
	p.mu.Lock()
	delete(p.used, requestURI)
	p.mu.Unlock()
	_ = p.MemoryStore.DeletePARSession(context.Background(), requestURI)
}

// handlePAR is the pushed authorization request endpoint (RFC 9126 section
// 2): the client authenticates as at the token endpoint and posts the
// authorization parameters; it gets a one-time request_uri (201). A DPoP
// header binds the coming code to the proof's key like dpop_jkt (RFC 9449
// section 10.1).
func (s *Server) handlePAR(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body is not a form: "+err.Error())
		return
	}
	proof, err := s.dpop.check(r, s.endpoint("/par"), "", s.dpop.as, s.DPoPNonce())
	if de, ok := err.(*dpopError); ok {
		writeDPoPError(w, de, s.dpop.as)
		return
	}
	if proof != nil {
		if jkt := r.PostForm.Get("dpop_jkt"); jkt != "" && jkt != proof.jkt {
			writeDPoPError(w, badProof("dpop_jkt %q is not the thumbprint of the DPoP proof's key (%s); send one or make them agree (RFC 9449 section 10.1)", jkt, proof.jkt), s.dpop.as)
			return
		}
		r.PostForm.Set("dpop_jkt", proof.jkt)
		r.Form.Set("dpop_jkt", proof.jkt)
	}
	if err := s.checkExactRedirect(r.Form); err != nil {
		s.provider.WritePushedAuthorizeError(ctx, w, fosite.NewAuthorizeRequest(), err)
		return
	}
	ar, err := s.provider.NewPushedAuthorizeRequest(ctx, r)
	if err == nil {
		err = checkPKCE(ar)
	}
	if err != nil {
		s.provider.WritePushedAuthorizeError(ctx, w, ar, err)
		return
	}
	resp, err := s.provider.NewPushedAuthorizeResponse(ctx, ar, newSession(s.issuer))
	if err != nil {
		s.provider.WritePushedAuthorizeError(ctx, w, ar, err)
		return
	}
	if s.DPoPNonce() {
		w.Header().Set("DPoP-Nonce", s.dpop.as.get())
	}
	s.provider.WritePushedAuthorizeResponse(ctx, w, ar, resp)
}

// checkExactRedirect refuses a redirect_uri that is not exactly the one
// registered, for clients that allow no port variance. The wording is
// fosite's (and so Ory Hydra's) for a redirect URI that matches none.
func (s *Server) checkExactRedirect(form url.Values) error {
	for _, c := range s.clients {
		if c.ID != form.Get("client_id") || !c.ExactRedirect {
			continue
		}
		got := form.Get("redirect_uri")
		for _, u := range c.RedirectURIs {
			if got == u {
				return nil
			}
		}
		return fosite.ErrInvalidRequest.WithHint("The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's pre-registered redirect urls.")
	}
	return nil
}
