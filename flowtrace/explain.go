package flowtrace

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/token"
)

// maxShownBody is how much of a body the step details show.
const maxShownBody = 4000

// StepDetail explains a step in plain text: the request with its parameters
// explained, the response, the tokens found and their verdicts, and the
// findings about it. Credentials are hidden as the sanitiser hides them
// (placeholders, JWTs without signature) and shortened in parameters. The
// text is not escaped: a terminal caller must escape control characters.
func (a *Analysis) StepDetail(i int) string {
	if i < 0 || i >= len(a.Steps) {
		return ""
	}
	s := &a.Steps[i]
	var b strings.Builder
	fmt.Fprintf(&b, "Step %d: %s → %s, %s\n", s.Index+1, a.ActorLabel(s.From), a.ActorLabel(s.To), s.Kind)
	if !s.Started.IsZero() {
		fmt.Fprintf(&b, "Started %s, took %s\n", s.Started.UTC().Format("2006-01-02 15:04:05.000 MST"), round(s.Duration))
	}
	for _, f := range a.StepFindings(i) { // first: people read the top
		fmt.Fprintf(&b, "\n%s %s: %s (%s)\n", strings.ToUpper(string(f.Level)), f.ID, f.Message, f.Spec)
	}
	z := &sanitizer{sum: &SanitizeSummary{Removed: map[string]int{}}}
	fmt.Fprintf(&b, "\n%s %s\n← %s\n", s.Method, z.text(s.URL), s.Answer())
	if len(s.Params) > 0 {
		b.WriteString("\nParameters\n")
		for _, p := range s.Params {
			fmt.Fprintf(&b, "  %s = %s  [%s]\n", p.Name, p.Shown(), p.In)
			if p.Meaning != "" {
				fmt.Fprintf(&b, "      %s", p.Meaning)
				if p.Spec != "" {
					fmt.Fprintf(&b, " (%s)", p.Spec)
				}
				b.WriteString("\n")
			}
		}
	}
	for _, ti := range s.Tokens {
		b.WriteString("\n" + a.Tokens[ti].Summary() + "\n")
	}
	b.WriteString("\nRequest (credentials hidden)\n")
	writeHeaders(&b, z, s.Request.Headers)
	writeBody(&b, z, s.Request)
	b.WriteString("\nResponse (credentials hidden)\n")
	writeHeaders(&b, z, s.Response.Headers)
	writeBody(&b, z, s.Response)
	return b.String()
}

func writeHeaders(b *strings.Builder, z *sanitizer, hs []Header) {
	for _, h := range hs {
		fmt.Fprintf(b, "  %s: %s\n", h.Name, z.header(h.Name, h.Value))
	}
}

func writeBody(b *strings.Builder, z *sanitizer, m Message) {
	if m.Body == "" {
		if m.Size > 0 {
			fmt.Fprintf(b, "  (body of %d bytes not kept)\n", m.Size)
		}
		return
	}
	body := z.body(m.MimeType, m.Body, "")
	if len(body) > maxShownBody {
		body = body[:maxShownBody] + fmt.Sprintf("… (%d bytes in all)", len(m.Body))
	}
	fmt.Fprintf(b, "\n%s\n", body)
}

// ShownURL is the step's URL with credentials hidden as in StepDetail.
func (s *Step) ShownURL() string {
	z := &sanitizer{sum: &SanitizeSummary{Removed: map[string]int{}}}
	return z.text(s.URL)
}

// Summary is a token's verdict on a few lines: kind, algorithm, signature,
// failed checks, as of the capture time.
func (t *FoundToken) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Token %s (%s)", t.Name, t.Where)
	if t.Err != "" {
		fmt.Fprintf(&b, ": does not decode: %s", t.Err)
		return b.String()
	}
	r := t.Report
	if r.Kind == token.KindOpaque {
		b.WriteString(": opaque (not a JWT): " + r.Opaque)
		return b.String()
	}
	fmt.Fprintf(&b, ": %s %s, signature %s", strings.ToUpper(string(r.Kind)), r.Signature.Alg, r.Signature.Status)
	if r.Signature.Reason != "" && r.Signature.Status != token.SigValid {
		b.WriteString(" (" + r.Signature.Reason + ")")
	}
	if !t.At.IsZero() {
		fmt.Fprintf(&b, "\n  judged as of %s", t.At.UTC().Format(time.RFC3339))
	}
	for _, name := range []string{"iss", "sub", "aud", "nonce"} {
		if raw, ok := r.Claims.Get(name); ok {
			fmt.Fprintf(&b, "\n  %s: %s", name, strings.Trim(string(raw), `"`))
		}
	}
	for _, c := range r.Checks {
		if c.Status == token.Fail || c.Status == token.Warn {
			fmt.Fprintf(&b, "\n  %s %s: %s", strings.ToUpper(string(c.Status)), c.ID, c.Message)
		}
	}
	return b.String()
}
