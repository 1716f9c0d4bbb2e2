package provider

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tokeninspector/tokeninspector/token"
)

// recogniser looks for one provider's evidence; it returns nil when there
// is not enough. An issuer on the provider's own host is enough; otherwise
// it takes two independent shapes of the provider's tokens, so that a
// look-alike claim alone (a "tid", a "typ", a trailing slash) is not.
type recogniser struct {
	id, name string
	find     func(t *facts) []string
}

// recognisers are tried in order; the first with evidence wins.
var recognisers = []recogniser{
	{"github_actions", "GitHub Actions", githubEvidence},
	{"kubernetes", "Kubernetes", kubernetesEvidence},
	{"cognito", "Amazon Cognito", cognitoEvidence},
	{"google", "Google", googleEvidence},
	{"entra", "Microsoft Entra ID", entraEvidence},
	{"okta", "Okta", oktaEvidence},
	{"auth0", "Auth0", auth0Evidence},
	{"keycloak", "Keycloak", keycloakEvidence},
}

// recognise names the provider of a token, or returns nil.
func recognise(t *facts) *token.Provider {
	for _, rc := range recognisers {
		if ev := rc.find(t); len(ev) > 0 {
			return &token.Provider{ID: rc.id, Name: rc.name, Evidence: ev}
		}
	}
	return nil
}

// decide returns the evidence when the host matched or at least two shapes
// did.
func decide(host string, shapes []string) []string {
	if host != "" {
		return append([]string{host}, shapes...)
	}
	if len(shapes) >= 2 {
		return shapes
	}
	return nil
}

// --- Microsoft Entra ID ---

var guid = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// entraHosts are the issuer hosts of Entra's clouds (public, US
// government, China, Germany) and of Azure AD B2C / External ID.
var entraHosts = []string{"login.microsoftonline.com", "sts.windows.net", "login.windows.net",
	"login.microsoftonline.us", "login.partner.microsoftonline.cn", "login.chinacloudapi.cn",
	"sts.chinacloudapi.cn", "login.microsoftonline.de", "b2clogin.com", "ciamlogin.com"}

// hostEvidence says "issuer host H" when the issuer's host is one of the
// domains (or a subdomain of one), else "".
func hostEvidence(t *facts, domains []string) string {
	for _, d := range domains {
		if hostIs(t.issHost(), d) {
			return "issuer host " + t.issHost()
		}
	}
	return ""
}

func entraEvidence(t *facts) []string {
	host := hostEvidence(t, entraHosts)
	var shapes []string
	tid := t.str("tid")
	if guid.MatchString(tid) && t.issURL != nil && strings.Contains(t.issURL.Path, "/"+tid+"/") {
		shapes = append(shapes, "issuer path carries the tid claim")
	}
	if v := t.str("ver"); v == "1.0" || v == "2.0" {
		shapes = append(shapes, `ver "`+v+`" (Entra token version)`)
	}
	var internal []string
	for _, c := range []string{"aio", "uti", "rh"} {
		if t.has(c) {
			internal = append(internal, c)
		}
	}
	if len(internal) > 0 {
		shapes = append(shapes, "Entra internal claims "+strings.Join(internal, ", "))
	}
	if x5t := t.hdr("x5t"); x5t != "" && x5t == t.hdr("kid") {
		shapes = append(shapes, "header x5t equals kid (v1.0 tokens)")
	}
	if host == "" && !strings.HasPrefix(firstOr(shapes), "issuer path") {
		return nil // without the host, the tid in the issuer path is required
	}
	return decide(host, shapes)
}

func firstOr(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// --- Keycloak ---

// realmPath matches Keycloak's issuer path (/auth/ before Keycloak 17).
var realmPath = regexp.MustCompile(`^(?:/[^/]+)*?/realms/([^/]+)/?$`)

// keycloakTypes are the values of Keycloak's typ claim (TokenUtil.java).
var keycloakTypes = []string{"Bearer", "ID", "Refresh", "Offline", "Logout", "Serialized-ID"}

// keycloakRealm returns the realm named by an issuer URL's path, or "".
func keycloakRealm(issuer string) string {
	p := urlPath(issuer)
	if m := realmPath.FindStringSubmatch(p); m != nil {
		return m[1]
	}
	return ""
}

func keycloakEvidence(t *facts) []string {
	var shapes []string
	realm := keycloakRealm(t.iss)
	if realm != "" {
		shapes = append(shapes, "issuer path /realms/"+realm)
	}
	typ := t.str("typ")
	for _, k := range keycloakTypes {
		if typ == k {
			shapes = append(shapes, `typ claim "`+typ+`"`)
		}
	}
	var roles []string
	for _, c := range []string{"realm_access", "resource_access", "allowed-origins", "session_state"} {
		if t.has(c) {
			roles = append(roles, c)
		}
	}
	if len(roles) > 0 {
		shapes = append(shapes, "Keycloak claims "+strings.Join(roles, ", "))
	}
	if realm == "" && len(roles) == 0 {
		return nil // a typ claim alone is not Keycloak
	}
	return decide("", shapes)
}

// --- Okta ---

var oktaDomains = []string{"okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "okta.mil"}

func oktaEvidence(t *facts) []string {
	host := hostEvidence(t, oktaDomains)
	var shapes []string
	if v, ok := t.num("ver"); ok && v == 1 && !isString(t, "ver") {
		shapes = append(shapes, "ver 1 (a number, as Okta writes it)")
	}
	if jti := t.str("jti"); strings.HasPrefix(jti, "AT.") || strings.HasPrefix(jti, "ID.") {
		shapes = append(shapes, "jti "+jti[:3]+"… (Okta token id)")
	}
	for _, c := range []string{"cid", "uid"} {
		if t.has(c) {
			shapes = append(shapes, c+" claim")
		}
	}
	if host == "" && len(shapes) > 0 && !strings.HasPrefix(shapes[0], "ver 1") {
		return nil // without the host, ver 1 is required
	}
	return decide(host, shapes)
}

// isString reports whether a claim is a JSON string.
func isString(t *facts, name string) bool {
	_, ok := t.claims.String(name)
	return ok
}

// --- Auth0 ---

func auth0Evidence(t *facts) []string {
	host := hostEvidence(t, []string{"auth0.com"})
	if t.issURL == nil || !strings.HasSuffix(t.iss, "/") {
		if host == "" {
			return nil // Auth0 issuers always end in "/"
		}
	}
	var shapes []string
	if host == "" {
		shapes = append(shapes, "issuer ends in \"/\"")
	}
	if t.has("gty") {
		shapes = append(shapes, `gty claim "`+t.str("gty")+`"`)
	}
	if strings.HasSuffix(t.str("sub"), "@clients") {
		shapes = append(shapes, `sub ends in "@clients"`)
	}
	if m := auth0UserID.FindStringSubmatch(t.str("sub")); m != nil {
		shapes = append(shapes, `sub "`+m[1]+`|…" (an Auth0 user id)`)
	}
	for _, a := range t.strs("aud") {
		if t.iss != "" && a == t.iss+"userinfo" {
			shapes = append(shapes, "aud includes the tenant's /userinfo")
		}
	}
	if t.jwe != nil && hdrOf(t.jwe, "alg") == "dir" && hdrOf(t.jwe, "enc") == "A256GCM" && hdrOf(t.jwe, "iss") != "" {
		shapes = append(shapes, "JWE header dir + A256GCM with the issuer in it")
	}
	return decide(host, shapes)
}

// auth0UserID matches Auth0 user ids: the connection's strategy, "|",
// the user's id in it ("auth0|64f…", "google-oauth2|1098…").
var auth0UserID = regexp.MustCompile(`^(auth0|google-oauth2|github|windowslive|samlp|waad|adfs|email|sms|oidc|apple|facebook|linkedin|twitter)\|.`)

func hdrOf(o token.Object, name string) string {
	s, _ := o.String(name)
	return s
}

// --- Amazon Cognito ---

// cognitoIssuer matches https://cognito-idp.<region>.amazonaws.com/<pool id>.
var cognitoIssuer = regexp.MustCompile(`^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9-]+_[A-Za-z0-9]+$`)

func cognitoEvidence(t *facts) []string {
	var host string
	if cognitoIssuer.MatchString(t.iss) {
		host = "issuer host " + t.issHost() + " (user pool " + strings.TrimPrefix(t.issURL.Path, "/") + ")"
	} else if t.kind == token.KindJWE && cognitoIssuer.MatchString(t.expIss) {
		host = "the expected issuer is a Cognito user pool"
	}
	var shapes []string
	if u := t.str("token_use"); u == "id" || u == "access" {
		shapes = append(shapes, `token_use "`+u+`"`)
	}
	var own []string
	for _, m := range t.claims {
		if strings.HasPrefix(m.Name, "cognito:") || m.Name == "origin_jti" || m.Name == "event_id" {
			own = append(own, m.Name)
		}
	}
	if len(own) > 0 {
		shapes = append(shapes, "Cognito claims "+strings.Join(own, ", "))
	}
	if t.has("client_id") && t.has("username") && t.has("token_use") {
		shapes = append(shapes, "client_id and username claims")
	}
	if isCognitoRefreshHeader(t.jwe) {
		shapes = append(shapes, `JWE header exactly {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}, as Cognito refresh tokens`)
		if host == "" {
			return shapes // that exact header, and nothing else, is Cognito's alone
		}
	}
	if host == "" && (len(shapes) == 0 || !strings.HasPrefix(shapes[0], "token_use")) {
		return nil
	}
	return decide(host, shapes)
}

// isCognitoRefreshHeader reports Cognito's refresh-token JWE header: these
// three members in this order and no other (no kid, no typ).
func isCognitoRefreshHeader(h token.Object) bool {
	if len(h) != 3 {
		return false
	}
	want := [3][2]string{{"cty", "JWT"}, {"enc", "A256GCM"}, {"alg", "RSA-OAEP"}}
	for i, m := range h {
		if v, _ := h.String(m.Name); m.Name != want[i][0] || v != want[i][1] {
			return false
		}
	}
	return true
}

// --- Google ---

func googleEvidence(t *facts) []string {
	if t.kind == token.KindOpaque && strings.HasPrefix(t.raw, "ya29.") {
		return []string{`opaque token with Google's "ya29." access-token prefix`}
	}
	if t.iss != "https://accounts.google.com" && t.iss != "accounts.google.com" {
		return nil
	}
	ev := []string{"issuer " + t.iss}
	for _, a := range append(t.strs("aud"), t.str("azp")) {
		if strings.HasSuffix(a, ".apps.googleusercontent.com") {
			ev = append(ev, "Google OAuth client id in aud/azp")
			break
		}
	}
	return ev
}

// --- GitHub Actions ---

var githubClaims = []string{"repository", "repository_owner", "workflow", "job_workflow_ref", "run_id", "runner_environment", "workflow_ref", "event_name"}

func githubEvidence(t *facts) []string {
	var host string
	switch {
	case t.issHost() == "token.actions.githubusercontent.com":
		host = "issuer host token.actions.githubusercontent.com"
	case t.issURL != nil && strings.HasSuffix(t.issURL.Path, "/_services/token"):
		host = "GitHub Enterprise Server issuer " + t.iss
	}
	var shapes []string
	if strings.HasPrefix(t.str("sub"), "repo:") {
		shapes = append(shapes, `sub "repo:…"`)
	}
	var present []string
	for _, c := range githubClaims {
		if t.has(c) {
			present = append(present, c)
		}
	}
	if len(present) >= 3 {
		shapes = append(shapes, "workflow claims "+strings.Join(present, ", "))
	} else if host == "" {
		return nil
	}
	return decide(host, shapes)
}

// --- Kubernetes ---

func kubernetesEvidence(t *facts) []string {
	var shapes []string
	if raw, ok := t.claims.Get("kubernetes.io"); ok && strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		shapes = append(shapes, "kubernetes.io claim (a bound service-account token)")
	}
	if t.iss == "kubernetes/serviceaccount" {
		shapes = append(shapes, `issuer "kubernetes/serviceaccount" (legacy token)`)
	}
	for _, m := range t.claims {
		if strings.HasPrefix(m.Name, "kubernetes.io/serviceaccount/") {
			shapes = append(shapes, "kubernetes.io/serviceaccount/… claims (legacy token)")
			break
		}
	}
	if len(shapes) == 0 {
		return nil
	}
	if sub := t.str("sub"); strings.HasPrefix(sub, "system:serviceaccount:") {
		shapes = append(shapes, fmt.Sprintf("sub %q", sub))
	}
	return decide("", shapes)
}
