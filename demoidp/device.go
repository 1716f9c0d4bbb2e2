package demoidp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/openid"
)

// DeviceGrantType is the grant_type of the device authorization grant (RFC 8628 section 3.4).
const DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// Device authorization timings (RFC 8628 section 3.2). Under short lifetimes
// the poll interval is ShortDeviceInterval.
const (
	DeviceCodeLifetime  = 10 * time.Minute
	DeviceInterval      = 5 * time.Second
	ShortDeviceInterval = 1 * time.Second
	slowDownStep        = 5 * time.Second // RFC 8628 section 3.5
)

// userCodeAlphabet has no vowels (no words) and no easily confused
// characters, as RFC 8628 section 6.1 suggests.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

const userCodeLen = 8

type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDenied
	deviceUsed
)

// deviceGrant is one device authorization request, from issue to redemption.
type deviceGrant struct {
	userCode string // normalized: 8 letters, no dash
	clientID string
	scopes   []string
	audience []string
	created  time.Time // Options.Clock: expiry and polling
	expires  time.Time
	// requestedAt is the wall-clock time of the request (ID token claims).
	requestedAt time.Time
	interval    time.Duration
	lastPoll    time.Time
	state       deviceState
	sess        *session // set on approval
}

// deviceStore keeps device grants in memory, keyed by the SHA-256 of the
// device_code (the code itself is not stored) and by user code.
type deviceStore struct {
	mu       sync.Mutex
	byDevice map[string]*deviceGrant
	byUser   map[string]*deviceGrant
}

func newDeviceStore() *deviceStore {
	return &deviceStore{byDevice: map[string]*deviceGrant{}, byUser: map[string]*deviceGrant{}}
}

func deviceSignature(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

// add registers g under a new device code and a new unused user code, and
// returns the device code.
func (d *deviceStore) add(g *deviceGrant) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prune(g.created)
	for range 10 {
		uc, err := newUserCode()
		if err != nil {
			return "", err
		}
		if _, taken := d.byUser[uc]; taken {
			continue
		}
		g.userCode = uc
		code := randomID()
		d.byDevice[deviceSignature(code)] = g
		d.byUser[uc] = g
		return code, nil
	}
	return "", fosite.ErrServerError.WithHint("Could not find a free user code; try again.")
}

// prune forgets grants that expired more than DeviceCodeLifetime ago (until
// then, polling gets expired_token rather than invalid_grant). d.mu must be held.
func (d *deviceStore) prune(now time.Time) {
	for sig, g := range d.byDevice {
		if now.Sub(g.expires) > DeviceCodeLifetime {
			delete(d.byDevice, sig)
			if d.byUser[g.userCode] == g {
				delete(d.byUser, g.userCode)
			}
		}
	}
}

// pending returns a copy of the pending, unexpired grant for a user code.
func (d *deviceStore) pending(userCode string, now time.Time) (deviceGrant, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g := d.byUser[userCode]
	if g == nil || g.state != devicePending || !now.Before(g.expires) {
		return deviceGrant{}, false
	}
	return *g, true
}

// decide approves (sess != nil) or denies the pending grant for a user code.
func (d *deviceStore) decide(userCode string, sess *session, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	g := d.byUser[userCode]
	if g == nil || g.state != devicePending || !now.Before(g.expires) {
		return false
	}
	if sess == nil {
		g.state = deviceDenied
	} else {
		g.state, g.sess = deviceApproved, sess
	}
	return true
}

// RFC 8628 section 3.5 token endpoint errors. fosite v0.49.0 has none of
// them; all are 400 as RFC 6749 section 5.2 requires.
var (
	errAuthorizationPending = &fosite.RFC6749Error{ErrorField: "authorization_pending", CodeField: http.StatusBadRequest,
		DescriptionField: "The user has not yet approved or denied the request. Keep polling at the interval given."}
	errSlowDown = &fosite.RFC6749Error{ErrorField: "slow_down", CodeField: http.StatusBadRequest,
		DescriptionField: "Polling too fast. The interval is now 5 seconds longer; wait that long between requests."}
	errDeviceDenied = &fosite.RFC6749Error{ErrorField: "access_denied", CodeField: http.StatusBadRequest,
		DescriptionField: "The user denied the request. Start again to ask once more."}
	errExpiredToken = &fosite.RFC6749Error{ErrorField: "expired_token", CodeField: http.StatusBadRequest,
		DescriptionField: "The device_code has expired. Start a new device authorization request."}
)

// redeem handles one poll (RFC 8628 section 3.5): it returns the approved
// grant once (the device code is then used up) or the error to send.
func (d *deviceStore) redeem(code, clientID string, now time.Time) (deviceGrant, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g := d.byDevice[deviceSignature(code)]
	switch {
	case g == nil:
		return deviceGrant{}, fosite.ErrInvalidGrant.WithHint("The device_code is unknown.")
	case g.clientID != clientID:
		return deviceGrant{}, fosite.ErrInvalidGrant.WithHint("The device_code was issued to another client.")
	case g.state == deviceUsed:
		return deviceGrant{}, fosite.ErrInvalidGrant.WithHint("The device_code has already been used; each one is good for one token response.")
	case !now.Before(g.expires):
		return deviceGrant{}, errExpiredToken
	case g.state == deviceDenied:
		return deviceGrant{}, errDeviceDenied
	case g.state == deviceApproved:
		g.state = deviceUsed
		delete(d.byUser, g.userCode)
		out := *g
		out.sess = g.sess.Clone().(*session)
		return out, nil
	}
	tooSoon := !g.lastPoll.IsZero() && now.Sub(g.lastPoll) < g.interval
	g.lastPoll = now
	if tooSoon {
		g.interval += slowDownStep
		return deviceGrant{}, errSlowDown
	}
	return deviceGrant{}, errAuthorizationPending
}

// newUserCode draws 8 letters uniformly from userCodeAlphabet (about 34.6 bits).
func newUserCode() (string, error) {
	var b strings.Builder
	n := big.NewInt(int64(len(userCodeAlphabet)))
	for range userCodeLen {
		i, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", err
		}
		b.WriteByte(userCodeAlphabet[i.Int64()])
	}
	return b.String(), nil
}

// normalizeUserCode accepts lower case, dashes and spaces (RFC 8628 section 6.1).
func normalizeUserCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == '-' || r == ' ' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// formatUserCode shows a normalized code as "WDJB-MJHT".
func formatUserCode(c string) string {
	if len(c) != userCodeLen {
		return c
	}
	return c[:4] + "-" + c[4:]
}

// DeviceInterval is the poll interval handed out with new device codes:
// DeviceInterval, or ShortDeviceInterval under short lifetimes.
func (s *Server) DeviceInterval() time.Duration {
	if s.short.Load() {
		return ShortDeviceInterval
	}
	return DeviceInterval
}

// handleDeviceAuthorization is the device authorization endpoint (RFC 8628
// sections 3.1 and 3.2). Public clients send client_id; confidential
// clients authenticate with their registered method.
func (s *Server) handleDeviceAuthorization(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	client, ok := s.authenticateClient(w, r)
	if !ok {
		return
	}
	if !client.GetGrantTypes().Has(DeviceGrantType) {
		writeOAuthError(w, http.StatusBadRequest, "unauthorized_client",
			"Client "+client.GetID()+" may not use the device authorization grant; use "+NativeClientID+" or "+JWTClientID+".")
		return
	}
	scopes := fosite.RemoveEmpty(strings.Split(r.PostForm.Get("scope"), " "))
	for _, sc := range scopes {
		if !s.provider.Config.GetScopeStrategy(ctx)(client.GetScopes(), sc) {
			writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "Client "+client.GetID()+" may not request scope "+sc+".")
			return
		}
	}
	audience := fosite.GetAudiences(r.PostForm)
	if err := s.provider.Config.GetAudienceStrategy(ctx)(client.GetAudience(), audience); err != nil {
		e := fosite.ErrorToRFC6749Error(err)
		writeOAuthError(w, http.StatusBadRequest, e.ErrorField, e.GetDescription())
		return
	}
	t := s.opts.Clock()
	g := &deviceGrant{clientID: client.GetID(), scopes: scopes, audience: audience, created: t, requestedAt: now(),
		expires: t.Add(DeviceCodeLifetime), interval: s.DeviceInterval()}
	code, err := s.devices.add(g)
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	uc := formatUserCode(g.userCode)
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code":               code,
		"user_code":                 uc,
		"verification_uri":          s.endpoint("/device"),
		"verification_uri_complete": s.endpoint("/device?user_code=" + uc),
		"expires_in":                int(DeviceCodeLifetime / time.Second),
		"interval":                  int(g.interval / time.Second),
	})
}

// deviceTokenHandler is the token endpoint handler for the device_code
// grant (RFC 8628 section 3.4), registered with fosite like its own
// handlers. fosite v0.49.0 has no device grant, so this one issues tokens
// with fosite's strategies and storage: the same JWT access tokens, ID
// tokens and rotating refresh tokens as the authorization code grant.
type deviceTokenHandler struct {
	s       *Server
	config  *config
	store   oauth2.CoreStorage
	tokens  oauth2.CoreStrategy
	idToken *openid.IDTokenHandleHelper
}

var _ fosite.TokenEndpointHandler = (*deviceTokenHandler)(nil)

// deviceTokenFactory is a compose.Factory for deviceTokenHandler.
func (s *Server) deviceTokenFactory(cfg fosite.Configurator, store any, strategy any) any {
	st := strategy.(*compose.CommonStrategy)
	return &deviceTokenHandler{s: s, config: cfg.(*config), store: store.(oauth2.CoreStorage), tokens: st.CoreStrategy,
		idToken: &openid.IDTokenHandleHelper{IDTokenStrategy: st.OpenIDConnectTokenStrategy}}
}

func (h *deviceTokenHandler) CanSkipClientAuth(context.Context, fosite.AccessRequester) bool {
	return false
}

func (h *deviceTokenHandler) CanHandleTokenEndpointRequest(_ context.Context, r fosite.AccessRequester) bool {
	return r.GetGrantTypes().ExactOne(DeviceGrantType)
}

// HandleTokenEndpointRequest checks the device_code (RFC 8628 section 3.5)
// and, once the user has approved, takes over the approved session.
func (h *deviceTokenHandler) HandleTokenEndpointRequest(ctx context.Context, r fosite.AccessRequester) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	client := r.GetClient()
	if !client.GetGrantTypes().Has(DeviceGrantType) {
		return fosite.ErrUnauthorizedClient.WithHint("This client may not use the device authorization grant.")
	}
	code := r.GetRequestForm().Get("device_code")
	if code == "" {
		return fosite.ErrInvalidRequest.WithHint("The device_code parameter is missing.")
	}
	g, err := h.s.devices.redeem(code, client.GetID(), h.s.opts.Clock())
	if err != nil {
		return err
	}
	r.SetSession(g.sess)
	for _, sc := range g.scopes {
		r.GrantScope(sc)
	}
	grantAudience(r, g.audience)
	now := time.Now().UTC()
	gt := fosite.GrantType(DeviceGrantType)
	g.sess.SetExpiresAt(fosite.AccessToken, now.Add(fosite.GetEffectiveLifespan(client, gt, fosite.AccessToken, h.config.GetAccessTokenLifespan(ctx))).Round(time.Second))
	if rt := fosite.GetEffectiveLifespan(client, gt, fosite.RefreshToken, h.config.GetRefreshTokenLifespan(ctx)); rt > -1 {
		g.sess.SetExpiresAt(fosite.RefreshToken, now.Add(rt).Round(time.Second))
	}
	return nil
}

// PopulateTokenEndpointResponse issues the access token, a refresh token
// (offline_access, clients with the refresh_token grant) and an ID token
// (openid), as fosite's authorization code and OIDC handlers do.
func (h *deviceTokenHandler) PopulateTokenEndpointResponse(ctx context.Context, r fosite.AccessRequester, resp fosite.AccessResponder) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	accessSig, err := issueAccessToken(ctx, h.tokens, h.store, r, resp)
	if err != nil {
		return err
	}
	if r.GetGrantedScopes().HasOneOf(h.config.GetRefreshTokenScopes(ctx)...) && r.GetClient().GetGrantTypes().Has("refresh_token") {
		refresh, refreshSig, err := h.tokens.GenerateRefreshToken(ctx, r)
		if err != nil {
			return fosite.ErrServerError.WithWrap(err).WithDebug(err.Error())
		}
		if err := h.store.CreateRefreshTokenSession(ctx, refreshSig, accessSig, r.Sanitize(nil)); err != nil {
			return fosite.ErrServerError.WithWrap(err).WithDebug(err.Error())
		}
		resp.SetExtra("refresh_token", refresh)
	}
	if !r.GetGrantedScopes().Has("openid") {
		return nil
	}
	sess := r.GetSession().(*session)
	sess.IDTokenClaims().AccessTokenHash = h.idToken.GetAccessTokenHash(ctx, r, resp)
	lifespan := fosite.GetEffectiveLifespan(r.GetClient(), fosite.GrantType(DeviceGrantType), fosite.IDToken, h.config.GetIDTokenLifespan(ctx))
	return h.idToken.IssueExplicitIDToken(ctx, lifespan, r, resp)
}

// issueAccessToken generates and stores the access token of r and writes
// it, its type, lifetime and scopes into resp; it returns the token's
// signature (the key of its stored session).
func issueAccessToken(ctx context.Context, tokens oauth2.CoreStrategy, store oauth2.CoreStorage, r fosite.AccessRequester, resp fosite.AccessResponder) (string, error) {
	access, sig, err := tokens.GenerateAccessToken(ctx, r)
	if err != nil {
		return "", fosite.ErrServerError.WithWrap(err).WithDebug(err.Error())
	}
	if err := store.CreateAccessTokenSession(ctx, sig, r.Sanitize(nil)); err != nil {
		return "", fosite.ErrServerError.WithWrap(err).WithDebug(err.Error())
	}
	resp.SetAccessToken(access)
	resp.SetTokenType("bearer")
	if exp := r.GetSession().GetExpiresAt(fosite.AccessToken); !exp.IsZero() {
		resp.SetExpiresIn(time.Until(exp).Round(time.Second))
	}
	resp.SetScopes(r.GetGrantedScopes())
	return sig, nil
}
