package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/flowtrace"
	"github.com/tokeninspector/tokeninspector/termesc"
)

const harUsage = `Usage:
  tokeninspector har FILE [--json] [--all] [--jwks FILE|URL]
  tokeninspector har sanitize FILE -o OUT [--json]

The first form reads a HAR 1.2 file (Chrome, Edge, Firefox, Safari: "Save all
as HAR") and prints the OAuth/OIDC steps with their parameters explained, every
token inspected as of the capture time, and the findings on the flow.
Exit status 1 when a finding is an error.

The second writes a copy safe to share: cookies, Set-Cookie, Authorization,
passwords, client secrets, codes, code_verifier, refresh tokens and session
identifiers become labelled placeholders; JWTs keep header and claims but
lose their signature. FILE is never modified.
`

func runHAR(env Env) int {
	if len(env.Args) > 0 && env.Args[0] == "sanitize" {
		return runHARSanitize(env)
	}
	fs := flag.NewFlagSet("har", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { io.WriteString(env.Stderr, harUsage) }
	asJSON := fs.Bool("json", false, "print the analysis as JSON")
	all := fs.Bool("all", false, "list the steps that are not part of the flow too")
	jwks := fs.String("jwks", "", "verify tokens with this JWKS (file or URL) as well as any JWKS captured in the HAR")
	args, err := parseInterleaved(fs, env.Args)
	if err != nil {
		return ExitUsage
	}
	if len(args) != 1 {
		fmt.Fprint(env.Stderr, "tokeninspector har: give one HAR file\n\n"+harUsage)
		return ExitUsage
	}
	ctx, cancel := signalContext()
	defer cancel()
	var opts flowtrace.Options
	if *jwks != "" {
		ks, err := jwksSource(ctx, *jwks)
		if err != nil {
			fmt.Fprintf(env.Stderr, "tokeninspector har: %s\n", termesc.String(err.Error()))
			return ExitUsage
		}
		opts.Keys = ks
	}
	a, err := analyzeHARFile(ctx, args[0], opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "tokeninspector har: %s\n", termesc.String(err.Error()))
		return ExitUsage
	}
	if *asJSON {
		if !*all {
			a.Steps = flowOnly(a.Steps)
		}
		writeJSON(env.Stdout, a)
	} else {
		writeAnalysis(env.Stdout, a, *all, useColor(env.Stdout))
	}
	if a.Worst() == flowtrace.LevelError {
		return ExitFailure
	}
	return ExitOK
}

func analyzeHARFile(ctx context.Context, path string, opts flowtrace.Options) (*flowtrace.Analysis, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return flowtrace.AnalyzeHAR(ctx, f, opts)
}

func flowOnly(steps []flowtrace.Step) []flowtrace.Step {
	return slices.DeleteFunc(slices.Clone(steps), func(s flowtrace.Step) bool { return s.Kind == flowtrace.KindOther })
}

// writeAnalysis prints the steps with their parameters, the tokens and the
// findings. Every string from the file is escaped.
func writeAnalysis(w io.Writer, a *flowtrace.Analysis, all bool, color bool) {
	p := newPalette(color)
	var b strings.Builder
	if h := a.HAR; h != nil {
		fmt.Fprintf(&b, "%sHAR%s %s, version %s, %d entries (%d not part of the flow), %s\n", p.bold, p.reset,
			termesc.String(h.Creator), termesc.String(h.Version), h.Entries, a.Hidden, byteSize(h.Bytes))
	}
	if !a.CapturedAt.IsZero() {
		fmt.Fprintf(&b, "Recorded %s\n", a.CapturedAt.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	if a.Issuer != "" {
		fmt.Fprintf(&b, "Issuer %s\n", termesc.String(a.Issuer))
	}
	fmt.Fprintf(&b, "\n%sSteps%s\n", p.bold, p.reset)
	for i := range a.Steps {
		s := &a.Steps[i]
		if s.Kind == flowtrace.KindOther && !all {
			continue
		}
		writeStep(&b, a, s, p)
	}
	if len(a.Tokens) > 0 {
		fmt.Fprintf(&b, "\n%sTokens%s\n", p.bold, p.reset)
		for i := range a.Tokens {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(termesc.Lines(a.Tokens[i].Summary()), "\n", "\n  "))
		}
	}
	fmt.Fprintf(&b, "\n%sFindings%s\n", p.bold, p.reset)
	if len(a.Findings) == 0 {
		b.WriteString("  none\n")
	}
	for _, f := range a.Findings {
		where := ""
		if f.Step >= 0 {
			where = fmt.Sprintf(" (step %d)", f.Step+1)
		}
		fmt.Fprintf(&b, "  %s%-7s%s %s%s: %s [%s]\n", levelColor(f.Level, p), f.Level, p.reset, f.ID, where, termesc.String(f.Message), f.Spec)
	}
	io.WriteString(w, b.String())
}

func writeStep(b *strings.Builder, a *flowtrace.Analysis, s *flowtrace.Step, p palette) {
	color := ""
	if s.Failed() {
		color = p.red
	}
	fmt.Fprintf(b, "  %s%3d. %-8s → %-8s %s → %s%s  %s\n", color, s.Index+1, s.From, s.To,
		termesc.String(s.Method+" "+s.ShownURL()), termesc.String(s.Answer()), p.reset, s.Duration.Round(time.Millisecond))
	if s.Kind == flowtrace.KindOther {
		return
	}
	fmt.Fprintf(b, "        %s%s%s\n", p.cyan, s.Kind, p.reset)
	for _, prm := range s.Params {
		fmt.Fprintf(b, "        %s = %s %s[%s]%s\n", termesc.String(prm.Name), termesc.String(prm.Shown()), p.dim, prm.In, p.reset)
		if prm.Meaning != "" {
			fmt.Fprintf(b, "          %s%s%s\n", p.dim, termesc.String(prm.Meaning), p.reset)
		}
	}
	for _, f := range a.StepFindings(s.Index) {
		fmt.Fprintf(b, "        %s%s%s %s\n", levelColor(f.Level, p), f.Level, p.reset, f.ID)
	}
}

func levelColor(l flowtrace.Level, p palette) string {
	switch l {
	case flowtrace.LevelError:
		return p.red
	case flowtrace.LevelWarning:
		return p.yellow
	}
	return p.dim
}

// runHARSanitize writes a sanitised copy of a HAR and says what it removed.
func runHARSanitize(env Env) int {
	fs := flag.NewFlagSet("har sanitize", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { io.WriteString(env.Stderr, harUsage) }
	out := fs.String("o", "", "write the sanitised HAR to this file (required; never the input)")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	args, err := parseInterleaved(fs, env.Args[1:])
	if err != nil {
		return ExitUsage
	}
	if len(args) != 1 || *out == "" {
		fmt.Fprint(env.Stderr, "tokeninspector har sanitize: give one HAR file and -o OUT\n\n"+harUsage)
		return ExitUsage
	}
	sum, err := flowtrace.SanitizeHARFile(args[0], *out)
	if err != nil {
		fmt.Fprintf(env.Stderr, "tokeninspector har sanitize: %s\n", termesc.String(err.Error()))
		return ExitUsage
	}
	if *asJSON {
		writeJSON(env.Stdout, sum)
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "Wrote %s: %d entries, %d values replaced\n", termesc.String(*out), sum.Entries, sum.Total())
	for _, k := range slices.Sorted(maps.Keys(sum.Removed)) {
		fmt.Fprintf(env.Stdout, "  %-28s %d\n", termesc.String(k), sum.Removed[k])
	}
	fmt.Fprintln(env.Stdout, "Kept: URLs, parameter and header names, state, nonce, token claims (JWT signatures removed). Check the file before you share it: claims may hold personal data.")
	return ExitOK
}

// byteSize is a file size for people: "812 KB", "48.3 MB".
func byteSize(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
