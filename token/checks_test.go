package token

import (
	"fmt"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// at(d) is a NumericDate d from testNow.
func at(d time.Duration) int64 { return testNow.Add(d).Unix() }

// tok signs claims with RS256 (kid k1) and typ.
func tok(t *testing.T, typ, claims string) string {
	headers := map[string]any{"kid": "k1"}
	if typ != "" {
		headers["typ"] = typ
	}
	return sign(t, "RS256", getKeys(t).rsa, claims, headers)
}

func rsaKeys(t *testing.T) KeySource {
	return NewKeySet([]jose.JSONWebKey{getKeys(t).publicJWK("RS256", "k1")}, "test")
}

func TestChecks(t *testing.T) {
	valid := fmt.Sprintf(`{"iss":"https://idp.example.com","sub":"alice","aud":"demo-web","exp":%d,"iat":%d,"nonce":"n-1"}`, at(time.Hour), at(-time.Minute))
	multiAud := fmt.Sprintf(`{"iss":"x","sub":"a","aud":["api","demo-web"],"exp":%d,"iat":%d}`, at(time.Hour), at(0))
	tests := []struct {
		name   string
		typ    string
		claims string
		opts   Options
		id     string
		want   CheckStatus
		msg    string // substring of the message
	}{
		{"iss pass", "", valid, Options{Issuer: "https://idp.example.com"}, "iss", Pass, "as expected"},
		{"iss fail", "", valid, Options{Issuer: "https://other.example.com"}, "iss", Fail, "expected exactly"},
		{"iss trailing slash", "", valid, Options{Issuer: "https://idp.example.com/"}, "iss", Fail, "trailing slash"},
		{"iss missing", "", `{"sub":"a"}`, Options{Issuer: "x"}, "iss", Fail, "no iss"},
		{"iss skip", "", valid, Options{}, "iss", Skip, "no expected issuer"},
		{"aud pass", "", valid, Options{Audience: "demo-web"}, "aud", Pass, "contains"},
		{"aud array pass", "", multiAud, Options{Audience: "api"}, "aud", Pass, "contains"},
		{"aud fail", "", valid, Options{Audience: "api"}, "aud", Fail, "someone else"},
		{"aud missing", "", `{"iss":"x"}`, Options{Audience: "api"}, "aud", Fail, "no aud"},
		{"aud from client id for ID tokens", "", valid, Options{Expect: ExpectIDToken, ClientID: "other"}, "aud", Fail, "someone else"},
		{"aud skip", "", valid, Options{}, "aud", Skip, ""},
		{"azp warn: several audiences", "", multiAud, Options{}, "azp", Warn, "no azp"},
		{"azp fail", "", `{"aud":["a","b"],"azp":"evil"}`, Options{ClientID: "demo-web"}, "azp", Fail, "not this client"},
		{"azp pass", "", `{"aud":["a","b"],"azp":"demo-web"}`, Options{ClientID: "demo-web"}, "azp", Pass, ""},
		{"azp skip", "", valid, Options{}, "azp", Skip, ""},
		{"exp pass", "", valid, Options{}, "exp", Pass, "in 1 h"},
		{"exp fail", "", fmt.Sprintf(`{"exp":%d}`, at(-3*time.Hour)), Options{}, "exp", Fail, "3 h ago"},
		{"exp within skew", "", fmt.Sprintf(`{"exp":%d}`, at(-30*time.Second)), Options{}, "exp", Warn, "clock skew"},
		{"exp no skew", "", fmt.Sprintf(`{"exp":%d}`, at(-30*time.Second)), Options{Skew: NoSkew}, "exp", Fail, "skew 0 s"},
		{"exp custom skew", "", fmt.Sprintf(`{"exp":%d}`, at(-90*time.Second)), Options{Skew: 2 * time.Minute}, "exp", Warn, "skew 2 min"},
		{"exp missing", "", `{"iss":"x"}`, Options{}, "exp", Warn, "never expires"},
		{"exp not a number", "", `{"exp":"tomorrow"}`, Options{}, "exp", Fail, "NumericDate"},
		{"exp as of T", "", fmt.Sprintf(`{"exp":%d}`, at(-3*time.Hour)), Options{At: testNow.Add(-4 * time.Hour)}, "exp", Pass, ""},
		{"nbf fail", "", fmt.Sprintf(`{"nbf":%d}`, at(10*time.Minute)), Options{}, "nbf", Fail, "not valid yet"},
		{"nbf pass", "", fmt.Sprintf(`{"nbf":%d}`, at(-time.Minute)), Options{}, "nbf", Pass, ""},
		{"nbf skip", "", `{}`, Options{}, "nbf", Skip, ""},
		{"iat future", "", fmt.Sprintf(`{"iat":%d}`, at(time.Hour)), Options{}, "iat", Fail, "future"},
		{"iat pass", "", valid, Options{}, "iat", Pass, ""},
		{"nonce pass", "", valid, Options{Nonce: "n-1"}, "nonce", Pass, ""},
		{"nonce fail", "", valid, Options{Nonce: "n-2"}, "nonce", Fail, "replay"},
		{"nonce missing", "", `{"iss":"x"}`, Options{Nonce: "n-1"}, "nonce", Fail, "no nonce"},
		{"nonce skip", "", valid, Options{}, "nonce", Skip, ""},
		{"typ access token pass", "at+jwt", valid, Options{Expect: ExpectAccessToken}, "typ", Pass, ""},
		{"typ access token media type", "application/at+jwt", valid, Options{Expect: ExpectAccessToken}, "typ", Pass, ""},
		{"typ access token asked for RFC 9068 fail", "JWT", valid, Options{Expect: ExpectAccessToken, RFC9068: true}, "typ", Fail, "at+jwt"},
		{"typ RFC 9068 asked without expectation", "", valid, Options{RFC9068: true}, "typ", Fail, "at+jwt"},
		{"typ provider-format access token is a note", "JWT", valid, Options{Expect: ExpectAccessToken}, "typ", Skip, "provider's own format, not RFC 9068"},
		{"typ absent access token is a note", "", valid, Options{Expect: ExpectAccessToken}, "typ", Skip, "not RFC 9068"},
		{"typ at+jwt declared without expectation", "at+jwt", valid, Options{}, "typ", Pass, "RFC 9068"},
		{"typ ID token given an access token", "at+jwt", valid, Options{Expect: ExpectIDToken}, "typ", Fail, "access token"},
		{"typ skip", "JWT", valid, Options{}, "typ", Skip, ""},
		{"required ID token pass", "", valid, Options{Expect: ExpectIDToken}, "required", Pass, ""},
		{"required ID token fail", "", `{"iss":"x","aud":"y"}`, Options{Expect: ExpectIDToken}, "required", Fail, "missing: sub, exp, iat"},
		{"required access token fail", "at+jwt", valid, Options{Expect: ExpectAccessToken}, "required", Fail, "missing: client_id, jti"},
		{"required declared at+jwt without expectation", "at+jwt", valid, Options{}, "required", Fail, "missing: client_id, jti"},
		{"required asked for RFC 9068", "JWT", valid, Options{Expect: ExpectAccessToken, RFC9068: true}, "required", Fail, "missing: client_id, jti"},
		{"required provider-format access token skipped", "JWT", valid, Options{Expect: ExpectAccessToken}, "required", Skip, "not an RFC 9068"},
		{"required skip", "", valid, Options{}, "required", Skip, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Keys = rsaKeys(t)
			r := inspect(t, tok(t, tt.typ, tt.claims), tt.opts)
			c, ok := r.Check(tt.id)
			if !ok {
				t.Fatalf("no %s check in %+v", tt.id, r.Checks)
			}
			if c.Status != tt.want || !strings.Contains(c.Message, tt.msg) {
				t.Fatalf("%s = %s %q, want %s containing %q", tt.id, c.Status, c.Message, tt.want, tt.msg)
			}
			if c.Spec == "" {
				t.Error("no spec reference")
			}
			if tt.want == Fail && r.OK() {
				t.Errorf("OK() = %v with a %s check", r.OK(), tt.want)
			}
		})
	}
}

func TestCheckOrderAndIDs(t *testing.T) {
	r := inspect(t, tok(t, "", `{}`), Options{})
	var ids []string
	for _, c := range r.Checks {
		ids = append(ids, c.ID)
	}
	want := "iss aud azp exp nbf iat nonce at_hash c_hash typ required scope"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("check ids %q, want %q", got, want)
	}
}

// OIDC Core A.4 (c_hash) and A.5 (at_hash) examples, signed with RS256.
func TestTokenHashes(t *testing.T) {
	const (
		accessToken = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
		atHash      = "77QmUPtjPfzWtF2AnpK9RQ"
		code        = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"
		cHash       = "LDktKdoQak3Pk0cnXxCltA"
	)
	if got, _ := leftHalfHash("RS256", accessToken); got != atHash {
		t.Fatalf("at_hash %s, want %s", got, atHash)
	}
	if got, _ := leftHalfHash("RS256", code); got != cHash {
		t.Fatalf("c_hash %s, want %s", got, cHash)
	}
	claims := `{"at_hash":"` + atHash + `","c_hash":"` + cHash + `"}`
	tests := []struct {
		name       string
		opts       Options
		at, c      CheckStatus
		claimsJSON string
	}{
		{"both pass", Options{AccessToken: accessToken, Code: code}, Pass, Pass, claims},
		{"both fail", Options{AccessToken: "other", Code: "other"}, Fail, Fail, claims},
		{"not given", Options{}, Skip, Skip, claims},
		{"claims absent", Options{AccessToken: accessToken, Code: code}, Skip, Skip, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Keys = rsaKeys(t)
			r := inspect(t, tok(t, "", tt.claimsJSON), tt.opts)
			a, _ := r.Check("at_hash")
			c, _ := r.Check("c_hash")
			if a.Status != tt.at || c.Status != tt.c {
				t.Fatalf("at_hash %s (%s), c_hash %s (%s)", a.Status, a.Message, c.Status, c.Message)
			}
		})
	}
	// The hash follows the alg: SHA-384 for ES384, SHA-512 for EdDSA.
	for alg, n := range map[string]int{"ES384": 32, "EdDSA": 43, "HS256": 22} {
		if h, ok := leftHalfHash(alg, accessToken); !ok || len(h) != n {
			t.Errorf("%s: %q, want %d characters", alg, h, n)
		}
	}
}

func TestRefreshedIDToken(t *testing.T) {
	orig := inspect(t, tok(t, "", `{"iss":"https://idp","sub":"alice","aud":"c","nonce":"n-1"}`), Options{})
	tests := []struct {
		name, claims string
		id           string
		want         CheckStatus
	}{
		{"same subject", `{"iss":"https://idp","sub":"alice","aud":"c","exp":1,"iat":1}`, "required", Pass},
		{"other subject", `{"iss":"https://idp","sub":"bob","aud":"c","exp":1,"iat":1}`, "required", Fail},
		{"other issuer", `{"iss":"https://evil","sub":"alice","aud":"c"}`, "iss", Fail},
		{"other audience", `{"iss":"https://idp","sub":"alice","aud":"d"}`, "aud", Fail},
		{"nonce not required", `{"iss":"https://idp","sub":"alice","aud":"c"}`, "nonce", Skip},
		{"nonce must match when present", `{"iss":"https://idp","sub":"alice","aud":"c","nonce":"n-2"}`, "nonce", Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := inspect(t, tok(t, "", tt.claims), Options{Expect: ExpectIDToken, Original: orig, At: time.Unix(0, 0)})
			var got []Check
			for _, c := range r.Checks {
				if c.ID == tt.id {
					got = append(got, c)
				}
			}
			for _, c := range got {
				if c.Status == tt.want {
					return
				}
			}
			t.Fatalf("%s checks %+v, want one %s", tt.id, got, tt.want)
		})
	}
}

func TestInjectedClock(t *testing.T) {
	claims := fmt.Sprintf(`{"exp":%d}`, at(time.Hour))
	later := func() time.Time { return testNow.Add(2 * time.Hour) }
	r := inspect(t, tok(t, "", claims), Options{Clock: later})
	if c, _ := r.Check("exp"); c.Status != Fail {
		t.Fatalf("exp %s with a clock 2 h later", c.Status)
	}
	if !r.EvaluatedAt.Equal(later()) || r.SkewSeconds != 60 {
		t.Errorf("evaluated at %v skew %v", r.EvaluatedAt, r.SkewSeconds)
	}
	// At wins over Clock.
	r = inspect(t, tok(t, "", claims), Options{Clock: later, At: testNow})
	if c, _ := r.Check("exp"); c.Status != Pass {
		t.Fatalf("exp %s as of testNow", c.Status)
	}
}

// The scope check reads every form providers write scopes and permissions
// in, and names the claim it read.
func TestScopeCheck(t *testing.T) {
	tests := []struct {
		name   string
		claims string
		want   []string
		status CheckStatus
		msgs   []string // substrings of the message
	}{
		{"space-separated scope", `{"scope":"openid orders:read orders:write"}`, []string{"orders:read", "orders:write"}, Pass, []string{"orders:read (in scope)", "orders:write (in scope)"}},
		{"scope as a JSON array (Spring Authorization Server)", `{"scope":["message.read","message.write"]}`, []string{"message.read"}, Pass, []string{"message.read (in scope)"}},
		{"Entra scp string", `{"scp":"User.Read Mail.Send","ver":"2.0"}`, []string{"Mail.Send"}, Pass, []string{"Mail.Send (in scp)"}},
		{"Okta scp array", `{"scp":["openid","api.read"],"cid":"0oa1"}`, []string{"api.read"}, Pass, []string{"api.read (in scp)"}},
		{"Entra application roles", `{"roles":["Orders.ReadWrite.All"],"idtyp":"app"}`, []string{"Orders.ReadWrite.All"}, Pass, []string{"(in roles)"}},
		{"Auth0 permissions", `{"scope":"openid","permissions":["read:reports","write:reports"]}`, []string{"read:reports", "openid"}, Pass, []string{"read:reports (in permissions)", "openid (in scope)"}},
		{"Keycloak realm role", `{"realm_access":{"roles":["offline_access","admin"]},"scope":"openid"}`, []string{"admin"}, Pass, []string{"admin (in realm_access.roles)"}},
		{"Keycloak client role", `{"resource_access":{"account":{"roles":["view-profile"]},"orders":{"roles":["editor"]}}}`, []string{"editor"}, Pass, []string{"editor (in resource_access.orders.roles)"}},
		{"one missing", `{"scp":"User.Read"}`, []string{"User.Read", "Mail.Send"}, Fail, []string{"missing: Mail.Send", "read scp", "present: User.Read (in scp)"}},
		{"case matters", `{"scope":"orders:READ"}`, []string{"orders:read"}, Fail, []string{"missing: orders:read"}},
		{"no scope claim at all", `{"sub":"a"}`, []string{"orders:read"}, Fail, []string{"no scope or permission claim", "missing: orders:read"}},
		{"not a substring match", `{"scope":"orders:read-only"}`, []string{"orders:read"}, Fail, []string{"missing: orders:read"}},
		{"nothing required", `{"scope":"a"}`, nil, Skip, []string{"no required scope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := inspect(t, tok(t, "", tt.claims), Options{Keys: rsaKeys(t), RequiredScopes: tt.want})
			c, ok := r.Check("scope")
			if !ok {
				t.Fatal("no scope check")
			}
			if c.Status != tt.status {
				t.Fatalf("scope = %s %q, want %s", c.Status, c.Message, tt.status)
			}
			for _, m := range tt.msgs {
				if !strings.Contains(c.Message, m) {
					t.Errorf("scope message %q lacks %q", c.Message, m)
				}
			}
			if tt.status == Fail && r.OK() {
				t.Error("OK() with a failed scope check")
			}
		})
	}
}

// Provider claims are described, not "unknown": Cognito custom attributes
// and Keycloak service-account claims among them.
func TestProviderClaimsKnown(t *testing.T) {
	for _, c := range []string{"custom:tenant", "clientHost", "clientAddress", "kubernetes.io", "job_workflow_ref", "token_use", "version",
		"app_displayname", "xms_tpl", "gty", "permissions", "cid", "uid", "scp", "appid", "azp", "kubernetes.io/serviceaccount/namespace"} {
		if d, ok := Describe(c); !ok || d.Description == "" || !knownClaim(c) {
			t.Errorf("%s is not described", c)
		}
	}
	if _, ok := Describe("custom:"); ok {
		t.Error("a bare custom: prefix is described")
	}
}
