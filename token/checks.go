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
	h      *headerInfo
	opts   *Options
	claims Object
	now    time.Time
	skew   time.Duration
	out    *[]Check

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
	c := &checker{h: h, opts: opts, claims: r.Claims, now: r.EvaluatedAt, skew: opts.skew(), out: &r.Checks}
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
		c.add("iss", Skip, fmt.Sprintf("issuer %q; no expected issuer given to compare", iss), specIss)
	case want == "":
		c.add("iss", Skip, "no iss claim and no expected issuer", specIss)
	case !ok:
		c.add("iss", Fail, fmt.Sprintf("no iss claim (as a string); expected %q", want), specIss)
	case iss != want:
		c.add("iss", Fail, fmt.Sprintf("issuer is %q, expected exactly %q%s", iss, want, issHint(iss, want)), specIss)
	default:
		c.add("iss", Pass, fmt.Sprintf("issuer is %q as expected", iss), specIss)
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
		c.add("aud", Fail, fmt.Sprintf("no aud claim (string or array of strings); expected %q", want), specAud)
	case !contains(auds, want):
		c.add("aud", Fail, fmt.Sprintf("audience %s does not contain %q: the token was issued for someone else", quoteList(auds), want), specAud)
	default:
		c.add("aud", Pass, fmt.Sprintf("audience %s contains %q", quoteList(auds), want), specAud)
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
		c.add("azp", Fail, fmt.Sprintf("authorized party (azp) is %q, not this client %q", azp, client), specAzp)
	case has && client != "":
		c.add("azp", Pass, fmt.Sprintf("authorized party (azp) is this client %q", client), specAzp)
	case len(auds) > 1 && !has:
		c.add("azp", Warn, fmt.Sprintf("several audiences %s but no azp claim saying which client the token was issued to", quoteList(auds)), specAzp)
	case has:
		c.add("azp", Skip, fmt.Sprintf("azp is %q; no client id given to compare", azp), specAzp)
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

// skewNote is " (now ..., skew ...)", the end of a time check's failure.
func (c *checker) skewNote() string {
	return " (now " + c.now.UTC().Format(time.RFC3339) + ", skew " + duration(c.skew) + ")"
}

func (c *checker) exp() {
	t, present, ok := c.timeClaim("exp")
	switch {
	case !present:
		c.add("exp", Warn, "no exp claim: the token never expires", specExp)
	case !ok:
		c.add("exp", Fail, "exp is not a NumericDate (a number of seconds since 1970)", specExp)
	case !c.now.Before(t.Add(c.skew)):
		c.add("exp", Fail, "expired "+Relative(t, c.now)+" at "+t.Format(time.RFC3339)+c.skewNote(), specExp)
	case !c.now.Before(t):
		c.add("exp", Warn, "expired "+Relative(t, c.now)+", accepted only thanks to the clock skew"+c.skewNote(), specExp)
	default:
		c.add("exp", Pass, "expires "+Relative(t, c.now)+" at "+t.Format(time.RFC3339), specExp)
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
		c.add("nbf", Fail, "not valid yet: valid from "+t.Format(time.RFC3339)+", "+Relative(t, c.now)+c.skewNote(), specNbf)
	default:
		c.add("nbf", Pass, "valid since "+t.Format(time.RFC3339)+" ("+Relative(t, c.now)+")", specNbf)
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
		c.add("iat", Fail, "issued in the future ("+Relative(t, c.now)+"): the issuer's or this machine's clock is wrong"+c.skewNote(), specIat)
	default:
		c.add("iat", Pass, "issued "+Relative(t, c.now)+" at "+t.Format(time.RFC3339), specIat)
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
		c.add(id, Skip, id+" present; give the "+what+" to check it", spec)
		return
	case value == "":
		c.add(id, Skip, "no "+what+" given", spec)
		return
	case !has:
		c.add(id, Skip, "no "+id+" claim (optional unless the response type requires it)", spec)
		return
	}
	want, ok := leftHalfHash(c.h.alg, value)
	switch {
	case !ok:
		c.add(id, Fail, fmt.Sprintf("cannot compute %s for alg %q", id, c.h.alg), spec)
	case subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1:
		c.add(id, Fail, fmt.Sprintf("%s is %q but the %s hashes to %q: they were not issued together", id, got, what, want), spec)
	default:
		c.add(id, Pass, id+" matches the "+what, spec)
	}
}

// leftHalfHash computes at_hash/c_hash for alg: base64url of the left half
// of the hash of the ASCII value (OIDC Core 3.1.3.6; EdDSA with Ed25519 uses
// SHA-512).
func leftHalfHash(alg, value string) (string, bool) {
	fam, ok := families[alg]
	if !ok {
		return "", false
	}
	var sum []byte
	switch fam.hash {
	case crypto.SHA256:
		s := sha256.Sum256([]byte(value))
		sum = s[:]
	case crypto.SHA384:
		s := sha512.Sum384([]byte(value))
		sum = s[:]
	default:
		s := sha512.Sum512([]byte(value))
		sum = s[:]
	}
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]), true
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
	var missing []string
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
		c.add("required", Fail, kind+" must have "+strings.Join(names, ", ")+"; missing: "+strings.Join(missing, ", "), specRequired)
		return
	}
	c.add("required", Pass, "has every claim required for "+kind+": "+strings.Join(names, ", "), specRequired)
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

// quoteList quotes one string, or writes ["a", "b"] for several.
func quoteList(list []string) string {
	if len(list) == 1 {
		return strconv.Quote(list[0])
	}
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
