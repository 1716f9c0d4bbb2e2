package flowtrace

import (
	"encoding/json"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tokeninspector/tokeninspector/flows"
)

// StepLevel is how a step is drawn: "error" when it failed or has an error
// finding, "warning" with a warning finding, "" otherwise.
func (a *Analysis) StepLevel(i int) Level {
	if i < 0 || i >= len(a.Steps) {
		return ""
	}
	if a.bad(&a.Steps[i]) {
		return LevelError
	}
	if slices.ContainsFunc(a.StepFindings(i), func(f Finding) bool { return f.Level == LevelWarning }) {
		return LevelWarning
	}
	return ""
}

// WriteTranscriptHAR writes the app's transcript as a HAR 1.2 file (creator
// "Token Inspector"), so a session can be shared like a browser recording;
// pass it through [SanitizeHAR] first. The transcript is already redacted.
func WriteTranscriptHAR(w io.Writer, xs []flows.Exchange, version string) error {
	entries := make([]map[string]any, 0, len(xs))
	for _, x := range xs {
		entries = append(entries, harEntryOf(x))
	}
	doc := map[string]any{"log": map[string]any{
		"version": "1.2",
		"creator": map[string]any{"name": "Token Inspector", "version": version},
		"pages":   []any{},
		"entries": entries,
	}}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func harEntryOf(x flows.Exchange) map[string]any {
	ms := float64(x.Duration) / float64(time.Millisecond)
	req := map[string]any{
		"method": x.Method, "url": x.URL, "httpVersion": "HTTP/1.1",
		"headers": harPairs(x.RequestHeaders), "queryString": queryPairs(x.URL), "cookies": []any{},
		"headersSize": -1, "bodySize": len(x.RequestBody),
	}
	if x.RequestBody != "" {
		req["postData"] = map[string]any{"mimeType": firstHeader(x.RequestHeaders, "Content-Type"), "text": x.RequestBody}
	}
	resp := map[string]any{
		"status": x.Status, "statusText": "", "httpVersion": "HTTP/1.1",
		"headers": harPairs(x.ResponseHeaders), "cookies": []any{},
		"content":     map[string]any{"size": len(x.ResponseBody), "mimeType": firstHeader(x.ResponseHeaders, "Content-Type"), "text": x.ResponseBody},
		"redirectURL": firstHeader(x.ResponseHeaders, "Location"), "headersSize": -1, "bodySize": len(x.ResponseBody),
	}
	if x.Err != "" {
		resp["_error"] = x.Err
	}
	return map[string]any{
		"startedDateTime": x.Started.UTC().Format("2006-01-02T15:04:05.000Z"),
		"time":            ms,
		"request":         req,
		"response":        resp,
		"cache":           map[string]any{},
		"timings":         map[string]any{"send": 0, "wait": ms, "receive": 0},
		"_endpoint":       x.Endpoint,
	}
}

func harPairs(h map[string][]string) []map[string]string {
	out := []map[string]string{}
	for _, hd := range httpHeaders(h) {
		out = append(out, map[string]string{"name": hd.Name, "value": hd.Value})
	}
	return out
}

func queryPairs(raw string) []map[string]string {
	out := []map[string]string{}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	q, _ := url.ParseQuery(u.RawQuery)
	for _, k := range slices.Sorted(maps.Keys(q)) {
		for _, v := range q[k] {
			out = append(out, map[string]string{"name": k, "value": v})
		}
	}
	return out
}

func firstHeader(h map[string][]string, name string) string {
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}
