package token

import (
	"strconv"
	"strings"
	"time"
)

// longLifetime is the lifetime past which a token is flagged.
const longLifetime = 24 * time.Hour

// critUnderstood are the crit parameters this tool (via go-jose) processes.
var critUnderstood = map[string]bool{"b64": true}

// lint appends RFC 8725 best-practice warnings to r.Warnings.
func lint(h *headerInfo, opts *Options, r *Report) {
	w := &r.Warnings
	add := func(id, msg, spec string) { *w = append(*w, Warning{ID: id, Message: msg, Spec: spec}) }
	switch {
	case strings.EqualFold(h.alg, "none"):
		add("alg_none", "alg \"none\": the token is unsigned; anyone can forge it. Never accept it", "RFC 8725 3.1; RFC 7518 3.6")
	case r.Signature.Code == CodeAlgConfusion:
		add("alg_confusion", "an HMAC token (alg "+h.alg+") was offered public keys: the algorithm-confusion attack. Pin the algorithm per key", "RFC 8725 2.1, 3.1")
	}
	if fam, ok := families[h.alg]; ok && fam.kty == "oct" && len(opts.Secret) > 0 && len(opts.Secret) < fam.hash.Size() {
		add("short_secret", "the HMAC secret is "+strconv.Itoa(len(opts.Secret))+" bytes; "+h.alg+" needs at least "+
			strconv.Itoa(fam.hash.Size())+" random bytes, or it can be brute-forced offline", "RFC 7518 3.2; RFC 8725 3.5")
	}
	for _, name := range []string{"jku", "x5u", "jwk"} {
		if _, ok := r.Header.Get(name); ok {
			add(name, "header "+strconv.Quote(name)+" points at a key chosen by the token itself; never fetch or trust it, take keys from configuration", "RFC 8725 3.10; RFC 7515 4.1.2-4.1.5")
		}
	}
	for _, skipped := range r.Signature.Skipped {
		if strings.HasSuffix(skipped, publishedSecret) {
			add("published_secret", "the fetched JWKS publishes a symmetric (oct) key: "+publishedSecret+"; it was not used. Remove it from the JWKS and rotate that secret", "RFC 8725 3.5; RFC 7517 4")
			break
		}
	}
	if h.critBad {
		add("crit", "crit must be a non-empty array of header names", "RFC 7515 4.1.11")
	}
	for _, name := range h.crit {
		if !critUnderstood[name] {
			add("crit", "crit lists "+strconv.Quote(name)+", which this tool does not understand: a recipient must reject the token", "RFC 7515 4.1.11")
		}
	}
	if h.alg == "RSA1_5" {
		add("rsa1_5", "RSA1_5 key encryption is vulnerable to padding-oracle attacks; use RSA-OAEP", "RFC 8725 3.2")
	}
	if r.Claims != nil {
		lintClaims(r, add)
	}
	lintDuplicates("header", r.Header, add)
	lintDuplicates("claims", r.Claims, add)
}

func lintClaims(r *Report, add func(id, msg, spec string)) {
	exp, hasExp := r.Claims.Get("exp")
	if !hasExp {
		add("no_exp", "no exp claim: if stolen, the token works forever", "RFC 8725 3.10; RFC 7519 4.1.4")
		return
	}
	e, ok1 := jsonNumber(exp)
	start, ok2 := 0.0, false
	if v, ok := r.Claims.Get("iat"); ok {
		start, ok2 = jsonNumber(v)
	} else if v, ok := r.Claims.Get("nbf"); ok {
		start, ok2 = jsonNumber(v)
	}
	if ok1 && ok2 {
		if life := time.Duration((e - start) * float64(time.Second)); life > longLifetime {
			add("long_lifetime", "lifetime of "+duration(life)+" (iat to exp): a stolen token stays useful for long; prefer minutes to hours", "RFC 8725 3.10; RFC 9700 4.14")
		}
	}
}

// lintDuplicates flags member names that occur twice: parsers disagree on
// which one wins.
func lintDuplicates(where string, o Object, add func(id, msg, spec string)) {
	if len(o) < 2 {
		return
	}
	for i := 1; i < len(o); i++ {
		for j := 0; j < i; j++ {
			if o[i].Name == o[j].Name {
				add("duplicate_member", where+" has "+strconv.Quote(o[i].Name)+" more than once; this tool uses the last, other parsers may use the first or reject the token", "RFC 7515 4; RFC 7519 4")
				break
			}
		}
	}
}
