package flowtrace

import (
	"fmt"
	"html"
	"slices"
	"strings"
)

// ActorLabel names a lifeline for people: the IdP and the client with
// their hosts, the client as "Token Inspector" in the app's own session.
func (a *Analysis) ActorLabel(actor Actor) string {
	switch actor {
	case Client:
		if a.Source == "transcript" {
			return "Token Inspector"
		}
		if h := a.hostOf(Client); h != "" {
			return "Client (" + h + ")"
		}
		return "Client"
	case IdP:
		if h := hostOf(a.Issuer); h != "" {
			return "IdP (" + h + ")"
		}
		if h := a.hostOf(IdP); h != "" {
			return "IdP (" + h + ")"
		}
	case API:
		if h := a.hostOf(API); h != "" {
			return "API (" + h + ")"
		}
	}
	return string(actor)
}

// hostOf returns the host of the first flow step that goes to actor.
func (a *Analysis) hostOf(actor Actor) string {
	for _, s := range a.FlowSteps() {
		if s.To == actor {
			return s.Host()
		}
	}
	return ""
}

// UsedActors lists the lifelines the flow steps use, in diagram order.
func (a *Analysis) UsedActors() []Actor {
	used := map[Actor]bool{}
	for _, s := range a.FlowSteps() {
		used[s.From], used[s.To] = true, true
	}
	var out []Actor
	for _, actor := range Actors {
		if used[actor] {
			out = append(out, actor)
		}
	}
	return out
}

// Arrow is the text on a step's arrow: number, method, path and kind.
func (s *Step) Arrow() string {
	return fmt.Sprintf("%d. %s %s (%s)", s.Index+1, s.Method, shortPath(s.Path()), s.Kind)
}

// Answer is the text on a step's answer: the status, or why there is none.
func (s *Step) Answer() string {
	if s.Unobserved && s.Status == 0 {
		return "(answered in the browser)"
	}
	if s.Status == 0 {
		if s.Error != "" {
			return "no response: " + s.Error
		}
		return "no response"
	}
	text := itoa(s.Status)
	if s.StatusText != "" {
		text += " " + s.StatusText
	}
	if code, ok := s.Param("error"); ok {
		text += " error=" + code
	}
	return text
}

// shortPath keeps a long path readable on an arrow.
func shortPath(p string) string {
	const max = 40
	if len(p) <= max {
		return p
	}
	return "…" + p[len(p)-max+1:]
}

// bad reports a step that failed or has an error finding: drawn in red.
func (a *Analysis) bad(s *Step) bool {
	if s.Failed() {
		return true
	}
	return slices.ContainsFunc(a.StepFindings(s.Index), func(f Finding) bool { return f.Level == LevelError })
}

// notation is how a text diagram language writes a sequence diagram.
type notation struct {
	head, tail  string
	participant func(actor Actor, label string) string
	request     string // format: from, to, text
	answer      string // format: from, to, text
	failed      string // answer of a failed step
	note        string // format: from, to, text
	text        func(string) string
}

// sequence writes the flow steps: one request and one answer arrow each,
// failures marked, error findings as notes.
func (a *Analysis) sequence(n notation) string {
	var b strings.Builder
	b.WriteString(n.head)
	for _, actor := range a.UsedActors() {
		b.WriteString(n.participant(actor, n.text(a.ActorLabel(actor))))
	}
	for _, s := range a.FlowSteps() {
		fmt.Fprintf(&b, n.request, s.From, s.To, n.text(s.Arrow()))
		answer := n.answer
		if a.bad(s) {
			answer = n.failed
		}
		fmt.Fprintf(&b, answer, s.To, s.From, n.text(s.Answer()))
		for _, f := range a.StepFindings(s.Index) {
			if f.Level == LevelError {
				fmt.Fprintf(&b, n.note, s.From, s.To, n.text(f.ID+": "+f.Message))
			}
		}
	}
	b.WriteString(n.tail)
	return b.String()
}

// Mermaid writes the flow as a Mermaid sequenceDiagram: failures as crossed
// arrows, error findings as notes.
func (a *Analysis) Mermaid() string {
	return a.sequence(notation{
		head:        "sequenceDiagram\n",
		participant: func(actor Actor, label string) string { return fmt.Sprintf("    participant %s as %s\n", actor, label) },
		request:     "    %s->>%s: %s\n",
		answer:      "    %s-->>%s: %s\n",
		failed:      "    %s--x%s: %s\n",
		note:        "    Note over %s,%s: %s\n",
		text:        mermaidText,
	})
}

// mermaidText makes text safe in a Mermaid message: one line, and the
// characters Mermaid reads as syntax as entity codes.
func mermaidText(s string) string {
	r := strings.NewReplacer("#", "#35;", ";", "#59;", "<", "#lt;", ">", "#gt;", "%", "#37;")
	return r.Replace(oneLine(s))
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

// PlantUML writes the flow as a PlantUML sequence diagram (the notation of
// the course material): failures in red, error findings as notes.
func (a *Analysis) PlantUML() string {
	return a.sequence(notation{
		head:        "@startuml\n",
		tail:        "@enduml\n",
		participant: func(actor Actor, label string) string { return fmt.Sprintf("participant %q as %s\n", label, actor) },
		request:     "%s -> %s : %s\n",
		answer:      "%s --> %s : %s\n",
		failed:      "%s -[#red]-> %s : %s\n",
		note:        "note over %s, %s #FFDDDD : %s\n",
		text:        plantText,
	})
}

// plantText keeps a PlantUML label on one line without quotes.
func plantText(s string) string {
	return strings.ReplaceAll(oneLine(s), `"`, "'")
}

// SVG geometry.
const (
	svgLane   = 220 // distance between lifelines
	svgMargin = 40
	svgHead   = 60 // height of the lifeline heads
	svgRow    = 34 // height of one step
)

// SVG draws the flow as a standalone SVG sequence diagram: one arrow per
// step with its method, path, kind and answer; failures in red.
func (a *Analysis) SVG() string {
	actors := a.UsedActors()
	steps := a.FlowSteps()
	x := map[Actor]int{}
	for i, actor := range actors {
		x[actor] = svgMargin + svgLane/2 + i*svgLane
	}
	width := 2*svgMargin + len(actors)*svgLane
	height := svgHead + svgMargin + (len(steps)+1)*svgRow
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>` + "\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	for _, actor := range actors {
		cx := x[actor]
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="30" rx="4" fill="#eef3fb" stroke="#345"/>`+"\n", cx-svgLane/2+10, svgMargin/2, svgLane-20)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-weight="bold">%s</text>`+"\n", cx, svgMargin/2+19, html.EscapeString(a.ActorLabel(actor)))
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999" stroke-dasharray="4 4"/>`+"\n", cx, svgMargin/2+30, cx, height-10)
	}
	for i, s := range steps {
		y := svgHead + svgMargin/2 + i*svgRow + svgRow/2
		color := "#234"
		if a.bad(s) {
			color = "#c62828"
		}
		x1, x2 := x[s.From], x[s.To]
		if x1 == x2 {
			x2 = x1 + 40 // a call to itself
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1.5" marker-end="url(#arrow)"/>`+"\n", x1, y, x2, y, color)
		label := s.Arrow() + " → " + s.Answer()
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="%s">%s</text>`+"\n", (x1+x2)/2, y-5, color, html.EscapeString(oneLine(label)))
	}
	b.WriteString("</svg>\n")
	return b.String()
}
