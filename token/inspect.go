package token

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// headerInfo holds the header parameters Inspect acts on, read once.
type headerInfo struct {
	alg, kid, typ, cty, enc string
	crit                    []string
	critBad                 bool            // crit present but not an array of strings
	critRaw                 json.RawMessage // crit as written, for the check go-jose makes
	b64False                bool            // b64 is false: an unencoded payload (RFC 7797)
}

func readHeader(h Object) headerInfo {
	var hi headerInfo
	for _, m := range h {
		switch m.Name {
		case "alg":
			hi.alg = headerValue(m.Value)
		case "kid":
			hi.kid, _ = jsonString(m.Value)
		case "typ":
			hi.typ = headerValue(m.Value)
		case "cty":
			hi.cty = headerValue(m.Value)
		case "enc":
			hi.enc = headerValue(m.Value)
		case "b64":
			hi.b64False = string(m.Value) == "false"
		case "crit":
			hi.critRaw = m.Value
			var ok bool
			hi.crit, ok = jsonStrings(m.Value)
			hi.critBad = !ok || len(hi.crit) == 0
		}
	}
	return hi
}

// headerValue is a string header parameter's value ("" when it is not a
// string).
func headerValue(raw json.RawMessage) string {
	s, _ := jsonString(raw)
	return s
}

// Inspect decodes raw (tolerant: whitespace, quotes, "Bearer ", line
// breaks), then verifies, checks and lints it. Opaque tokens return a Report
// with Kind "opaque" and a nil error. A broken JWT returns a *DecodeError.
func Inspect(ctx context.Context, raw string, opts Options) (*Report, error) {
	s, spaced := cleanToken(raw)
	if s == "" {
		return nil, &DecodeError{Segment: "token", Index: -1, Reason: "the input is empty: paste a JWT (eyJ...) or an opaque token"}
	}
	if spaced {
		return nil, &DecodeError{Segment: "token", Index: -1, Reason: "the text contains spaces, so it is not a token: paste the token alone (quotes, \"Bearer \" and line breaks are fine)"}
	}
	now := opts.now()
	r := &Report{
		Checks:      make([]Check, 0, 11),
		Warnings:    []Warning{},
		EvaluatedAt: now,
		SkewSeconds: opts.skew().Seconds(),
	}
	dots := strings.Count(s, ".")
	if !looksLikeJWT(s, dots) {
		opaqueReport(s, r)
		normalize(r)
		return r, nil
	}
	var err error
	switch dots {
	case 2:
		r.Kind = KindJWS
		err = inspectJWS(ctx, s, &opts, r)
	case 4:
		r.Kind = KindJWE
		err = inspectJWE(ctx, s, &opts, r)
	default:
		return nil, &DecodeError{Segment: "token", Index: -1, Reason: "a JWT has 3 dot-separated segments (JWS) or 5 (JWE); this one has " +
			strconv.Itoa(dots+1) + " (truncated when copied?)"}
	}
	if err != nil {
		return nil, err
	}
	limitDepth(r)
	normalize(r)
	return r, nil
}

// normalize makes empty lists [] rather than null in JSON.
func normalize(r *Report) {
	if r.Times == nil {
		r.Times = []TimeClaim{}
	}
	if r.UnknownClaims == nil {
		r.UnknownClaims = []string{}
	}
	if r.Segments == nil {
		r.Segments = []Segment{}
	}
}

// inspectJWS decodes, verifies, checks and lints a compact JWS into r.
func inspectJWS(ctx context.Context, s string, opts *Options, r *Report) error {
	var segs [3]string
	splitSegments(s, segs[:])
	r.Segments = append(r.Segments, Segment{"header", segs[0]}, Segment{"payload", segs[1]}, Segment{"signature", segs[2]})
	// One buffer for the three decoded segments.
	buf := make([]byte, 0, decodedLen(segs[0])+decodedLen(segs[1])+decodedLen(segs[2]))
	buf, header, _, padH, err := appendJSONSegment(buf, segs[0], "header", 0)
	if err != nil {
		return err
	}
	buf, payload, padP, err := appendSegment(buf, segs[1], "payload", 1)
	if err != nil {
		return err
	}
	_, _, padS, err := appendSegment(buf, segs[2], "signature", 2)
	if err != nil {
		return err
	}
	if err := readPayload(payload, r); err != nil {
		return err
	}
	r.Header = header
	h := readHeader(header)
	compact := s
	if padH || padP || padS {
		r.Warnings = append(r.Warnings, Warning{"base64_padding", "a segment carries '=' padding, which JWS compact form forbids; some libraries reject it", "RFC 7515 2, 7.1"})
		compact = strings.ReplaceAll(s, "=", "")
	}
	verifyJWS(ctx, compact, &h, opts, r)
	finish(&h, opts, r)
	return nil
}

// finish runs what follows verification: times, checks, lint.
func finish(h *headerInfo, opts *Options, r *Report) {
	r.Times = numericDates(r.Claims, r.EvaluatedAt)
	for _, m := range r.Claims {
		if !knownClaim(m.Name) {
			r.UnknownClaims = append(r.UnknownClaims, m.Name)
		}
	}
	if r.Claims != nil {
		runChecks(h, opts, r)
	}
	lint(h, opts, r)
}

// readPayload sets Claims, or Payload when the JWS payload is not a JSON
// object (a JWS need not carry a JWT). Broken JSON that starts like an
// object is a decode error.
func readPayload(payload []byte, r *Report) error {
	claims, err := parseObject(payload)
	if err == nil {
		r.Claims = claims
		return nil
	}
	if t := strings.TrimLeft(string(payload), " \t\r\n"); strings.HasPrefix(t, "{") {
		return jsonDecodeError(err, "payload", 1)
	}
	r.Payload = payloadText(payload)
	r.Warnings = append(r.Warnings, Warning{"payload_not_json", "the payload is not a JSON object, so this is a JWS but not a JWT: no claims to check", "RFC 7519 7.2"})
	return nil
}

// payloadText is a payload that is not a JSON object, as shown in the
// report: the text itself, or its size when it is binary.
func payloadText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return "(" + strconv.Itoa(len(b)) + " bytes of binary data)"
}

// opaqueReport describes a token that is not a JWT.
func opaqueReport(s string, r *Report) {
	r.Kind = KindOpaque
	r.Signature = Signature{Status: SigUnverified, Code: "opaque",
		Reason: "opaque token: not a JWT, so it has no readable claims or signature; only its issuer can tell what it means (token introspection, RFC 7662)"}
	r.Opaque = describeOpaque(s)
}

// describeOpaque says what can be told from an opaque token's shape.
func describeOpaque(s string) string {
	d := strconv.Itoa(len(s)) + " characters"
	prefixes := []struct{ p, what string }{
		{"ghp_", "GitHub personal access token"}, {"gho_", "GitHub OAuth access token"},
		{"ghu_", "GitHub user-to-server token"}, {"ghr_", "GitHub refresh token"},
		{"github_pat_", "GitHub fine-grained personal access token"},
		{"ya29.", "Google OAuth access token"}, {"1//", "Google refresh token"},
		{"xoxb-", "Slack bot token"}, {"xoxp-", "Slack user token"},
		{"glpat-", "GitLab personal access token"}, {"ory_at_", "Ory access token"}, {"ory_rt_", "Ory refresh token"},
	}
	for _, p := range prefixes {
		if strings.HasPrefix(s, p.p) {
			return d + "; the prefix " + strconv.Quote(p.p) + " suggests a " + p.what
		}
	}
	if dots := strings.Count(s, "."); dots > 0 {
		d += ", " + strconv.Itoa(dots+1) + " dot-separated parts (a JWT has 3 or 5, starting with \"eyJ\")"
	}
	return d
}

// inspectJWE shows a compact JWE's protected header and, given a key,
// decrypts it and inspects the content (a nested JWT or claims).
func inspectJWE(ctx context.Context, s string, opts *Options, r *Report) error {
	var segs [5]string
	splitSegments(s, segs[:])
	for i, seg := range segs {
		r.Segments = append(r.Segments, Segment{jweNames[i], seg})
	}
	header, _, _, err := decodeJSONSegment(segs[0], "header", 0)
	if err != nil {
		return err
	}
	for i := 1; i < 5; i++ {
		if _, _, err := decodeSegment(segs[i], jweNames[i], i); err != nil {
			return err
		}
	}
	h := readHeader(header)
	r.Header = header
	r.JWE = &JWEInfo{Header: header, Alg: h.alg, Enc: h.enc, Kid: h.kid}
	r.Signature = Signature{Status: SigUnverified, Code: CodeEncrypted}
	plain, ok := decryptJWE(s, &h, opts, r)
	if !ok {
		r.Signature.Reason = "encrypted: the content (and any signature inside) is unknown until decrypted; " + r.JWE.Reason
		lint(&h, opts, r)
		return nil
	}
	return inspectPlaintext(ctx, plain, &h, opts, r)
}

// inspectPlaintext inspects decrypted JWE content.
func inspectPlaintext(ctx context.Context, plain []byte, outer *headerInfo, opts *Options, r *Report) error {
	text := strings.TrimSpace(string(plain))
	if strings.EqualFold(outer.cty, "JWT") || (strings.Count(text, ".") == 2 && strings.HasPrefix(text, "ey")) {
		r.JWE.Nested = "jws"
		outerSegs, outerWarn := r.Segments, r.Warnings
		r.Segments, r.Warnings = nil, nil
		if err := inspectJWS(ctx, text, opts, r); err != nil {
			return nestedError(err)
		}
		r.Segments, r.Warnings = outerSegs, append(outerWarn, r.Warnings...)
		return nil
	}
	r.Signature.Code = CodeNotSigned
	r.Signature.Reason = "the JWE holds its content directly, not a signed JWT: encryption hides it, but anyone with the public key could have made it"
	claims, err := parseObject(plain)
	if err == nil {
		r.JWE.Nested = "claims"
		r.Claims = claims
	} else {
		r.JWE.Nested = "data"
		r.Payload = payloadText(plain)
	}
	finish(outer, opts, r)
	return nil
}

// nestedError marks a decode error as coming from inside a JWE.
func nestedError(err error) error {
	var de *DecodeError
	if !errors.As(err, &de) {
		return err
	}
	return &DecodeError{Segment: "nested " + de.Segment, Index: de.Index, Offset: de.Offset,
		Reason: "inside the decrypted JWE: " + de.Reason, Err: err}
}
