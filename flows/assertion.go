package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Client assertions issued by someone else (RFC 7523 §2.2): a CI system's
// OIDC token, a Kubernetes service-account token or another IdP's JWT is
// sent as the client_assertion, as in workload identity federation. Unlike
// private_key_jwt, Token Inspector does not sign it; it reads it (from the
// config or a file, before each request) and inspects it before sending.

// maxAssertionFile bounds the size of a client assertion file.
const maxAssertionFile = 64 << 10

// AssertionCheck is what Token Inspector saw in an external client
// assertion before sending it: its issuer, subject, audience and expiry,
// and what looks wrong (an aud that names neither the token endpoint nor
// the issuer; an expiry close by).
type AssertionCheck struct {
	Issuer   string    `json:"iss"`
	Subject  string    `json:"sub"`
	Audience []string  `json:"aud"`
	Expiry   time.Time `json:"exp,omitzero"`
	Findings []string  `json:"findings,omitempty"`
}

// String summarises the assertion in one sentence.
func (a *AssertionCheck) String() string {
	s := fmt.Sprintf("the client assertion was issued by %q for sub %q and aud %q", a.Issuer, a.Subject, strings.Join(a.Audience, " "))
	if !a.Expiry.IsZero() {
		s += ", expiring " + a.Expiry.UTC().Format(time.RFC3339)
	}
	if len(a.Findings) > 0 {
		s += "; " + strings.Join(a.Findings, "; ")
	}
	return s
}

// externalAssertion holds where the assertion comes from and the last check.
type externalAssertion struct {
	literal, file string
	mu            sync.Mutex
	last          *AssertionCheck
}

func newExternalAssertion(cfg Config) *externalAssertion {
	if strings.TrimSpace(cfg.ClientAssertion) == "" && cfg.ClientAssertionFile == "" {
		return nil
	}
	return &externalAssertion{literal: strings.TrimSpace(cfg.ClientAssertion), file: cfg.ClientAssertionFile}
}

// read returns the assertion: the literal, or the file's content now.
func (e *externalAssertion) read() (string, error) {
	if e.literal != "" {
		return e.literal, nil
	}
	f, err := os.Open(e.file)
	if err != nil {
		return "", fmt.Errorf("client assertion file: %w", err)
	}
	defer f.Close()
	b, err := readCapped(f, maxAssertionFile)
	if err != nil {
		return "", fmt.Errorf("client assertion file %s: %w", e.file, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// get reads the assertion and checks it before it is sent (RFC 7523 §3):
// it must be a JWT, not expired (beyond skew); an aud naming neither the
// token endpoint nor the issuer is noted, not refused (some providers want
// another value, e.g. Entra ID's api://AzureADTokenExchange).
func (e *externalAssertion) get(tokenURL, issuer string, now time.Time, skew time.Duration) (string, error) {
	raw, err := e.read()
	if err != nil {
		return "", err
	}
	claims, isJWT := unverifiedClaims(raw)
	if !isJWT {
		return "", errors.New("the client assertion is not a JWT (three base64url parts): give the token its issuer minted, as it was minted")
	}
	chk := &AssertionCheck{}
	_ = json.Unmarshal(claims["iss"], &chk.Issuer)
	_ = json.Unmarshal(claims["sub"], &chk.Subject)
	if json.Unmarshal(claims["aud"], &chk.Audience) != nil {
		var one string
		if json.Unmarshal(claims["aud"], &one) == nil {
			chk.Audience = []string{one}
		}
	}
	var exp float64
	if json.Unmarshal(claims["exp"], &exp) == nil && exp > 0 {
		chk.Expiry = time.Unix(int64(exp), 0)
	}
	switch {
	case chk.Expiry.IsZero():
		chk.Findings = append(chk.Findings, "it has no exp, which RFC 7523 §3 requires")
	case now.After(chk.Expiry.Add(skew)):
		return "", fmt.Errorf("the client assertion from %q expired at %s (%s ago): get a fresh one from its issuer",
			chk.Issuer, chk.Expiry.UTC().Format(time.RFC3339), now.Sub(chk.Expiry).Round(time.Second))
	case chk.Expiry.Sub(now) < time.Minute:
		chk.Findings = append(chk.Findings, "it expires within a minute")
	}
	if !slices.ContainsFunc(chk.Audience, func(a string) bool { return a == tokenURL || (issuer != "" && a == issuer) }) {
		chk.Findings = append(chk.Findings, fmt.Sprintf("its aud names neither the token endpoint %s nor the issuer %s: the provider may refuse it unless it expects this audience", tokenURL, quoteOr(issuer, "(none)")))
	}
	e.mu.Lock()
	e.last = chk
	e.mu.Unlock()
	return raw, nil
}

// lastCheck returns the check of the assertion sent last (nil before any).
func (e *externalAssertion) lastCheck() *AssertionCheck {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.last
}

// explainAssertion adds what the assertion looked like to an invalid_client
// answer, so the refusal is explained.
func (c *Client) explainAssertion(err error) error {
	var oe *OAuthError
	if chk := c.auth.external.lastCheck(); chk != nil && errors.As(err, &oe) && oe.Code == "invalid_client" {
		oe.Assertion = chk.String()
	}
	return err
}
