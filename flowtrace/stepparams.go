package flowtrace

import (
	"encoding/json"
	"html"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// stepParams collects a step's parameters: the URL query, the form or JSON
// request body, the JSON response members of the OAuth endpoints, the
// parameters of a redirect's Location (query and fragment) and the hidden
// fields of a form_post response.
func stepParams(s *Step) []Param {
	var out []Param
	add := func(vals url.Values, in string) {
		for _, name := range slices.Sorted(maps.Keys(vals)) {
			for _, v := range vals[name] {
				out = append(out, explain(name, v, in))
			}
		}
	}
	if s.Kind != KindLogin { // a login form posted back to the authorization URL repeats its query
		add(queryOf(s.URL), "query")
	}
	add(formOf(s), "form")
	if strings.Contains(strings.ToLower(s.Request.MimeType), "json") {
		add(jsonMembers(s.Request.Body), "json")
	}
	switch s.Kind {
	case KindToken, KindIntrospection, KindRevocation, KindPAR, KindDevice, KindUserInfo:
		add(jsonMembers(s.Response.Body), "response")
	}
	if s.RedirectURL != "" {
		loc, frag := locationParams(s.RedirectURL)
		add(loc, "location")
		add(frag, "fragment")
	}
	add(formPostParams(s.Response.Body), "form_post")
	return out
}

// locationParams returns the query and fragment parameters of a redirect
// target, when it carries an authorization response or tokens.
func locationParams(loc string) (query, fragment url.Values) {
	u, err := url.Parse(loc)
	if err != nil {
		return nil, nil
	}
	q, _ := url.ParseQuery(u.RawQuery)
	f, _ := url.ParseQuery(u.Fragment)
	if !isAuthResponse(q) {
		q = nil
	}
	if !isAuthResponse(f) {
		f = nil
	}
	return q, f
}

// isAuthResponse reports parameters of an authorization response
// (RFC 6749 §4.1.2, §4.1.2.1, §4.2.2).
func isAuthResponse(v url.Values) bool {
	return v.Has("code") || v.Has("error") || v.Has("access_token") || v.Has("id_token")
}

// jsonMembers returns the top-level members of a JSON object, strings as
// they are and other values as JSON text.
func jsonMembers(body string) url.Values {
	body = strings.TrimSpace(body)
	if !strings.HasPrefix(body, "{") {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &m) != nil {
		return nil
	}
	out := url.Values{}
	for k, raw := range m {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out.Set(k, s)
		} else {
			out.Set(k, string(raw))
		}
	}
	return out
}

var (
	formTag   = regexp.MustCompile(`(?is)<form\b[^>]*method=["']?post`)
	inputTag  = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	nameAttr  = regexp.MustCompile(`(?is)\bname\s*=\s*["']([^"']*)["']`)
	valueAttr = regexp.MustCompile(`(?is)\bvalue\s*=\s*["']([^"']*)["']`)
)

// formPostParams reads the hidden fields of an OAuth 2.0 Form Post
// Response Mode page: an auto-submitting form that carries code, state,
// id_token ... to the redirect_uri.
func formPostParams(body string) url.Values {
	if !strings.Contains(body, "<") || !formTag.MatchString(body) {
		return nil
	}
	out := url.Values{}
	for _, tag := range inputTag.FindAllString(body, -1) {
		n := nameAttr.FindStringSubmatch(tag)
		v := valueAttr.FindStringSubmatch(tag)
		if n == nil || v == nil {
			continue
		}
		out.Add(html.UnescapeString(n[1]), html.UnescapeString(v[1]))
	}
	if !isAuthResponse(out) {
		return nil
	}
	return out
}
