package flowtrace

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestDiagrams(t *testing.T) {
	sc := defaultScenario()
	sc.tokenStatus = 400
	a := analyzeBytes(t, sc.har(t, newTestIdP(t)), sc.start)
	// A hostile path must not break out of a label.
	a.Steps[0].URL = `https://idp.example/a;b#c<script>"x"` + "\n" + `participant Evil`

	m := a.Mermaid()
	for _, want := range []string{"sequenceDiagram\n", "participant Browser as Browser", "participant IdP as IdP (idp.example)",
		"Browser->>IdP: 6. POST /oauth/token (token)", "IdP--xBrowser: 400 Bad Request", "Note over Browser,IdP: token_error"} {
		if !strings.Contains(m, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, m)
		}
	}
	if strings.Contains(m, "<script>") || strings.Count(m, "participant ") != len(a.UsedActors()) {
		t.Errorf("Mermaid not escaped:\n%s", m)
	}

	p := a.PlantUML()
	for _, want := range []string{"@startuml\n", `participant "Client (app.example)" as Client`, "Browser -> IdP : 6. POST /oauth/token (token)",
		"IdP -[#red]-> Browser : 400 Bad Request", "@enduml\n"} {
		if !strings.Contains(p, want) {
			t.Errorf("PlantUML lacks %q:\n%s", want, p)
		}
	}

	svg := a.SVG()
	d := xml.NewDecoder(strings.NewReader(svg))
	texts := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "text" {
			texts++
		}
	}
	if texts != len(a.UsedActors())+len(a.FlowSteps()) || !strings.Contains(svg, `fill="#c62828"`) {
		t.Errorf("SVG: %d texts for %d actors and %d steps; failed step in red? \n%s", texts, len(a.UsedActors()), len(a.FlowSteps()), svg)
	}
}
