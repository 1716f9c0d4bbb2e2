package token

import (
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Spec references of the checks.
const (
	specIss      = "RFC 7519 4.1.1; OIDC Core 3.1.3.7 (2)"
	specAud      = "RFC 7519 4.1.3; OIDC Core 3.1.3.7 (3)"
	specAzp      = "OIDC Core 2, 3.1.3.7 (4, 5)"
	specExp      = "RFC 7519 4.1.4; OIDC Core 3.1.3.7 (9)"
	specNbf      = "RFC 7519 4.1.5"
	specIat      = "RFC 7519 4.1.6; OIDC Core 3.1.3.7 (10)"
	specNonce    = "OIDC Core 3.1.3.7 (11), 15.5.2"
	specAtHash   = "OIDC Core 3.1.3.6, 3.2.2.9, 3.3.2.11"
	specCHash    = "OIDC Core 3.3.2.11"
	specTyp      = "RFC 9068 2.1, 4; RFC 8725 3.11"
	specRequired = "OIDC Core 2; RFC 9068 2.2"
	specRefresh  = "OIDC Core 12.2"
)

// checker runs the checklist over one token.
type checker struct {
	h      headerInfo // copies, so that escape analysis keeps the caller's on the stack
	opts   Options
	claims Object
	now    time.Time
	skew   time.Duration
	out    *[]Check
	m      msgBuf

	auds           []string // aud claim, read by audiences
	audOK, audRead bool
}

func (c *checker) add(id string, st CheckStatus, msg, spec string) {
	*c.out = append(*c.out, Check{ID: id, Status: st, Message: msg, Spec: spec})
}

// runChecks appends the validation checklist to r.Checks, always in the
// order iss, aud, azp, exp, nbf, iat, nonce, at_hash, c_hash, typ, required,
// scope.
func runChecks(h *headerInfo, opts *Options, r *Report) {
	c := &checker{h: *h, opts: *opts, claims: r.Claims, now: r.EvaluatedAt, skew: opts.skew(), out: &r.Checks}
	c.m.b.Grow(msgBufSize)
	c.iss()
	c.aud()
	c.azp()
	c.exp()
	c.nbf()
	c.iat()
	c.nonce()
	c.tokenHash("at_hash", opts.AccessToken, "access token", specAtHash)
	c.tokenHash("c_hash", opts.Code, "authorization code", specCHash)
	c.typ()
	c.required()
	c.scope()
}

func (c *checker) iss() {
	iss, ok := c.claims.String("iss")
	want := c.opts.Issuer
	if want == "" && c.opts.Original != nil {
		want, _ = c.opts.Original.Claims.String("iss")
	}
	switch {
	case want == "" && ok:
		c.add("iss", Skip, c.m.w("issuer ").q(iss).w("; no expected issuer given to compare").done(), specIss)
	case want == "":
		c.add("iss", Skip, "no iss claim and no expected issuer", specIss)
	case !ok:
		c.add("iss", Fail, c.m.w("no iss claim (as a string); expected ").q(want).done(), specIss)
	case iss != want:
		c.add("iss", Fail, c.m.w("issuer is ").q(iss).w(", expected exactly ").q(want).w(issHint(iss, want)).done(), specIss)
	default:
		c.add("iss", Pass, c.m.w("issuer is ").q(iss).w(" as expected").done(), specIss)
	}
}

// issHint explains near misses people hit: a trailing slash, http vs https.
func issHint(got, want string) string {
	switch {
	case strings.TrimSuffix(got, "/") == strings.TrimSuffix(want, "/"):
		return " (only a trailing slash differs; the comparison is exact)"
	case strings.EqualFold(got, want):
		return " (only letter case differs; the comparison is exact)"
	}
	return ""
}

// audiences returns the aud claim as a list (decoded once).
func (c *checker) audiences() ([]string, bool) {
	if !c.audRead {
		c.audRead = true
		if raw, ok := c.claims.Get("aud"); ok {
			c.auds, c.audOK = jsonStrings(raw)
		}
	}
	return c.auds, c.audOK
}

func (c *checker) aud() {
	auds, ok := c.audiences()
	want := c.opts.Audience
	if want == "" && c.opts.Expect == ExpectIDToken {
		want = c.opts.ClientID
	}
	switch {
	case want == "":
		c.add("aud", Skip, "no expected audience given", specAud)
	case !ok:
		c.add("aud", Fail, c.m.w("no aud claim (string or array of strings); expected ").q(want).done(), specAud)
	case !contains(auds, want):
		c.add("aud", Fail, c.m.w("audience ").qList(auds).w(" does not contain ").q(want).w(": the token was issued for someone else").done(), specAud)
	default:
		c.add("aud", Pass, c.m.w("audience ").qList(auds).w(" contains ").q(want).done(), specAud)
	}
	if c.opts.Original != nil {
		c.sameAsOriginal("aud", "aud")
	}
}

func (c *checker) azp() {
	auds, _ := c.audiences()
	azp, has := c.claims.String("azp")
	client := c.opts.ClientID
	switch {
	case has && client != "" && azp != client:
		c.add("azp", Fail, c.m.w("authorized party (azp) is ").q(azp).w(", not this client ").q(client).done(), specAzp)
	case has && client != "":
		c.add("azp", Pass, c.m.w("authorized party (azp) is this client ").q(client).done(), specAzp)
	case len(auds) > 1 && !has:
		c.add("azp", Warn, c.m.w("several audiences ").qList(auds).w(" but no azp claim saying which client the token was issued to").done(), specAzp)
	case has:
		c.add("azp", Skip, c.m.w("azp is ").q(azp).w("; no client id given to compare").done(), specAzp)
	default:
		c.add("azp", Skip, "single audience and no azp: nothing to check", specAzp)
	}
}

// timeClaim reads a NumericDate claim; present is false when absent, ok
// false when present but not a number.
func (c *checker) timeClaim(name string) (t time.Time, present, ok bool) {
	raw, present := c.claims.Get(name)
	if !present {
		return time.Time{}, false, false
	}
	v, ok := jsonNumber(raw)
	if !ok {
		return time.Time{}, true, false
	}
	return numericTime(v), true, true
}

// skewNote writes " (now ..., skew ...)" to the message being built.
func (c *checker) skewNote() *msgBuf {
	return c.m.w(" (now ").time(c.now.UTC()).w(", skew ").w(duration(c.skew)).w(")")
}

func (c *checker) exp() {
	t, present, ok := c.timeClaim("exp")
	switch {
	case !present:
		c.add("exp", Warn, "no exp claim: the token never expires", specExp)
	case !ok:
		c.add("exp", Fail, "exp is not a NumericDate (a number of seconds since 1970)", specExp)
	case !c.now.Before(t.Add(c.skew)):
		c.m.w("expired ").rel(t, c.now).w(" at ").time(t)
		c.add("exp", Fail, c.skewNote().done(), specExp)
	case !c.now.Before(t):
		c.m.w("expired ").rel(t, c.now).w(", accepted only thanks to the clock skew")
		c.add("exp", Warn, c.skewNote().done(), specExp)
	default:
		c.add("exp", Pass, c.m.w("expires ").rel(t, c.now).w(" at ").time(t).done(), specExp)
	}
}

func (c *checker) nbf() {
	t, present, ok := c.timeClaim("nbf")
	switch {
	case !present:
		c.add("nbf", Skip, "no nbf claim", specNbf)
	case !ok:
		c.add("nbf", Fail, "nbf is not a NumericDate", specNbf)
	case c.now.Add(c.skew).Before(t):
		c.m.w("not valid yet: valid from ").time(t).w(", ").rel(t, c.now)
		c.add("nbf", Fail, c.skewNote().done(), specNbf)
	default:
		c.add("nbf", Pass, c.m.w("valid since ").time(t).w(" (").rel(t, c.now).w(")").done(), specNbf)
	}
}

func (c *checker) iat() {
	t, present, ok := c.timeClaim("iat")
	switch {
	case !present:
		c.add("iat", Skip, "no iat claim", specIat)
	case !ok:
		c.add("iat", Fail, "iat is not a NumericDate", specIat)
	case c.now.Add(c.skew).Before(t):
		c.m.w("issued in the future (").rel(t, c.now).w("): the issuer's or this machine's clock is wrong")
		c.add("iat", Fail, c.skewNote().done(), specIat)
	default:
		c.add("iat", Pass, c.m.w("issued ").rel(t, c.now).w(" at ").time(t).done(), specIat)
	}
}

func (c *checker) nonce() {
	got, has := c.claims.String("nonce")
	want := c.opts.Nonce
	if orig := c.opts.Original; orig != nil && want == "" {
		if on, ok := orig.Claims.String("nonce"); ok && has {
			want = on
		} else {
			c.add("nonce", Skip, "refreshed ID token: nonce not required", specRefresh)
			return
		}
	}
	switch {
	case want == "" && has:
		c.add("nonce", Skip, "token has a nonce; no expected nonce given to compare", specNonce)
	case want == "":
		c.add("nonce", Skip, "no nonce expected", specNonce)
	case !has:
		c.add("nonce", Fail, "no nonce claim, but the request sent one: possible replay or a mix-up", specNonce)
	case subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1:
		c.add("nonce", Fail, "nonce does not match the one sent with the request: possible replay", specNonce)
	default:
		c.add("nonce", Pass, "nonce matches the one sent with the request", specNonce)
	}
}

// tokenHash checks at_hash or c_hash: base64url of the left half of the hash
// (the one of the JWS alg) of the ASCII value.
func (c *checker) tokenHash(id, value, what, spec string) {
	got, has := c.claims.String(id)
	switch {
	case value == "" && has:
		c.add(id, Skip, c.m.w(id).w(" present; give the ").w(what).w(" to check it").done(), spec)
		return
	case value == "":
		c.add(id, Skip, c.m.w("no ").w(what).w(" given").done(), spec)
		return
	case !has:
		c.add(id, Skip, c.m.w("no ").w(id).w(" claim (optional unless the response type requires it)").done(), spec)
		return
	}
	var buf [43]byte // base64 of the left half of SHA-512
	want, ok := appendLeftHalfHash(buf[:0], c.h.alg, value)
	switch {
	case !ok:
		c.add(id, Fail, c.m.w("cannot compute ").w(id).w(" for alg ").q(c.h.alg).done(), spec)
	case subtle.ConstantTimeCompare([]byte(got), want) != 1:
		c.add(id, Fail, c.m.w(id).w(" is ").q(got).w(" but the ").w(what).w(" hashes to ").q(string(want)).w(": they were not issued together").done(), spec)
	default:
		c.add(id, Pass, c.m.w(id).w(" matches the ").w(what).done(), spec)
	}
}

// leftHalfHash computes at_hash/c_hash for alg (OIDC Core 3.1.3.6; EdDSA
// with Ed25519 uses SHA-512).
func leftHalfHash(alg, value string) (string, bool) {
	b, ok := appendLeftHalfHash(nil, alg, value)
	return string(b), ok
}

// appendLeftHalfHash appends the at_hash/c_hash of value for alg to dst.
func appendLeftHalfHash(dst []byte, alg, value string) ([]byte, bool) {
	fam, ok := families[alg]
	if !ok {
		return dst, false
	}
	var sum []byte
	var scratch [128]byte
	switch fam.hash {
	case crypto.SHA256:
		s := sha256.Sum256(stackBytes(&scratch, value))
		sum = s[:16]
	case crypto.SHA384:
		s := sha512.Sum384(stackBytes(&scratch, value))
		sum = s[:24]
	default:
		s := sha512.Sum512(stackBytes(&scratch, value))
		sum = s[:32]
	}
	return base64.RawURLEncoding.AppendEncode(dst, sum), true
}

// stackBytes returns s as bytes, copied into scratch when it fits (tokens
// usually do), which spares a heap copy.
func stackBytes(scratch *[128]byte, s string) []byte {
	if len(s) <= len(scratch) {
		return scratch[:copy(scratch[:], s)]
	}
	return []byte(s)
}

func (c *checker) typ() {
	typ := c.h.typ
	isAT := declaresAT(typ)
	switch {
	case c.opts.Expect == ExpectIDToken && isAT:
		c.add("typ", Fail, "typ \"at+jwt\": this is an access token, not an ID token", specTyp)
	case c.opts.Expect == ExpectIDToken:
		c.add("typ", Pass, fmt.Sprintf("typ is %s, acceptable for an ID token", quoteOrAbsent(typ)), specTyp)
	case isAT:
		c.add("typ", Pass, fmt.Sprintf("typ is %q: an RFC 9068 access token, checked against that profile", typ), specTyp)
	case c.opts.RFC9068:
		c.add("typ", Fail, fmt.Sprintf("typ is %s; an RFC 9068 access token must say \"at+jwt\" so it cannot be mistaken for another kind of JWT", quoteOrAbsent(typ)), specTyp)
	case c.opts.Expect == ExpectAccessToken:
		c.add("typ", Skip, fmt.Sprintf("typ is %s: a JWT access token in the provider's own format, not RFC 9068; "+
			"the RFC 9068 profile (typ \"at+jwt\", its required claims) applies only when the token declares it or you ask for it", quoteOrAbsent(typ)), specTyp)
	default:
		c.add("typ", Skip, fmt.Sprintf("typ is %s; no token type expected", quoteOrAbsent(typ)), specTyp)
	}
}

// declaresAT reports whether typ is RFC 9068's "at+jwt" (RFC 9068 2.1; the
// media type form is allowed by RFC 7515 4.1.9).
func declaresAT(typ string) bool {
	return strings.EqualFold(typ, "at+jwt") || strings.EqualFold(typ, "application/at+jwt")
}

// quoteOrAbsent quotes s, or says "absent" when it is empty.
func quoteOrAbsent(s string) string {
	if s == "" {
		return "absent"
	}
	return strconv.Quote(s)
}

var (
	idTokenRequired     = []string{"iss", "sub", "aud", "exp", "iat"}
	accessTokenRequired = []string{"iss", "exp", "aud", "sub", "client_id", "iat", "jti"}
)

func (c *checker) required() {
	var names []string
	var kind string
	rfc9068 := declaresAT(c.h.typ) || c.opts.RFC9068
	switch {
	case c.opts.Expect == ExpectIDToken:
		names, kind = idTokenRequired, "an ID token"
	case rfc9068:
		names, kind = accessTokenRequired, "an RFC 9068 access token"
	case c.opts.Expect == ExpectAccessToken:
		c.add("required", Skip, "not an RFC 9068 access token (see typ), so its required claims are not enforced", specRequired)
		return
	default:
		c.add("required", Skip, "no token type expected, so no claim is required", specRequired)
		return
	}
	var buf [7]string
	missing := buf[:0]
	for _, n := range names {
		if _, ok := c.claims.Get(n); !ok {
			missing = append(missing, n)
		}
	}
	if c.opts.Original != nil {
		if msg := c.sameSub(); msg != "" {
			c.add("required", Fail, msg, specRefresh)
			return
		}
	}
	if len(missing) > 0 {
		c.add("required", Fail, c.m.w(kind).w(" must have ").join(names).w("; missing: ").join(missing).done(), specRequired)
		return
	}
	c.add("required", Pass, c.m.w("has every claim required for ").w(kind).w(": ").join(names).done(), specRequired)
}

// sameSub compares sub with the original ID token (OIDC Core 12.2).
func (c *checker) sameSub() string {
	a, _ := c.claims.String("sub")
	b, _ := c.opts.Original.Claims.String("sub")
	if a != b {
		return "refreshed ID token has sub " + strconv.Quote(a) + ", the original had " + strconv.Quote(b) + ": it must be the same user"
	}
	return ""
}

// sameAsOriginal fails the check id when claim differs from the original.
func (c *checker) sameAsOriginal(id, claim string) {
	a, _ := c.claims.Get(claim)
	b, _ := c.opts.Original.Claims.Get(claim)
	if string(a) != string(b) {
		c.add(id, Fail, "refreshed ID token has "+claim+" "+string(a)+", the original had "+string(b)+": they must be the same", specRefresh)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// msgBufSize covers the messages of a typical checklist, so that they
// share one allocation.
const msgBufSize = 512

// msgBuf builds the checklist's messages in one buffer: each message is a
// substring of it. strings.Builder only appends, so the bytes behind a
// message already returned never change; this saves an allocation (or
// several, with quoting and time formatting) per message.
type msgBuf struct {
	b    strings.Builder
	mark int // start of the message being built
}

// w appends s.
func (m *msgBuf) w(s string) *msgBuf {
	m.b.WriteString(s)
	return m
}

// q appends s quoted as by strconv.Quote.
func (m *msgBuf) q(s string) *msgBuf {
	if plainASCII(s) { // strconv.Quote would only add the quotes
		m.b.WriteByte('"')
		m.b.WriteString(s)
		m.b.WriteByte('"')
		return m
	}
	var tmp [64]byte
	m.b.Write(strconv.AppendQuote(tmp[:0], s))
	return m
}

// plainASCII reports whether s is printable ASCII without '"' or '\\'.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// qOrNone appends s quoted, or "absent" when empty.
func (m *msgBuf) qOrNone(s string) *msgBuf {
	if s == "" {
		return m.w("absent")
	}
	return m.q(s)
}

// qList appends one quoted string, or ["a", "b"] for several.
func (m *msgBuf) qList(list []string) *msgBuf {
	if len(list) == 1 {
		return m.q(list[0])
	}
	m.w("[")
	for i, s := range list {
		if i > 0 {
			m.w(", ")
		}
		m.q(s)
	}
	return m.w("]")
}

// join appends list separated by ", ".
func (m *msgBuf) join(list []string) *msgBuf {
	for i, s := range list {
		if i > 0 {
			m.w(", ")
		}
		m.w(s)
	}
	return m
}

// time appends t as RFC 3339.
func (m *msgBuf) time(t time.Time) *msgBuf {
	var tmp [40]byte
	m.b.Write(t.AppendFormat(tmp[:0], time.RFC3339))
	return m
}

// rel appends t relative to now (see [Relative]).
func (m *msgBuf) rel(t, now time.Time) *msgBuf {
	var tmp [32]byte
	m.b.Write(appendRelative(tmp[:0], t, now))
	return m
}

// done returns the message built since the last done.
func (m *msgBuf) done() string {
	s := m.b.String()[m.mark:]
	m.mark = m.b.Len()
	return s
}
