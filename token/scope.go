package token

import (
	"encoding/json"
	"fmt"
	"strings"
)

// specScope: a resource server checks that the token grants what the call
// needs, and answers insufficient_scope otherwise.
const specScope = "RFC 9068 2.2.3, 4; RFC 6750 3.1; RFC 8693 4.2"

// grant is one claim that carries granted scopes, permissions or roles.
type grant struct {
	claim  string // where it was read: "scope", "scp", "realm_access.roles", "resource_access.api.roles", ...
	values []string
}

// grants reads every claim that can carry scopes or permissions, in the
// forms providers use: scope as a space-separated string (RFC 8693 4.2) or
// a JSON array (Spring Authorization Server); scp as a string (Entra) or an
// array (Okta, Ory Hydra); roles (Entra application permissions, RFC 9068
// 2.2.3.1); permissions (Auth0 RBAC); Keycloak's realm and client roles.
func grants(claims Object) []grant {
	var out []grant
	for _, name := range []string{"scope", "scp", "roles", "permissions"} {
		if raw, ok := claims.Get(name); ok {
			if vals, ok := scopeList(raw); ok {
				out = append(out, grant{name, vals})
			}
		}
	}
	if raw, ok := claims.Get("realm_access"); ok {
		var realm struct {
			Roles []string `json:"roles"`
		}
		if json.Unmarshal(raw, &realm) == nil && realm.Roles != nil {
			out = append(out, grant{"realm_access.roles", realm.Roles})
		}
	}
	if raw, ok := claims.Get("resource_access"); ok {
		if clients, err := parseObject(raw); err == nil {
			for _, m := range clients {
				var client struct {
					Roles []string `json:"roles"`
				}
				if json.Unmarshal(m.Value, &client) == nil && client.Roles != nil {
					out = append(out, grant{"resource_access." + m.Name + ".roles", client.Roles})
				}
			}
		}
	}
	return out
}

// scopeList reads a space-separated string or an array of strings.
func scopeList(raw json.RawMessage) ([]string, bool) {
	if s, ok := jsonString(raw); ok {
		return strings.Fields(s), true
	}
	var list []string
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
		return nil, false
	}
	return list, true
}

// scope checks that the token grants every scope or permission the caller
// requires, and says which claim each one was found in.
func (c *checker) scope() {
	want := c.opts.RequiredScopes
	if len(want) == 0 {
		c.add("scope", Skip, "no required scope or permission given", specScope)
		return
	}
	gs := grants(c.claims)
	if len(gs) == 0 {
		c.add("scope", Fail, fmt.Sprintf("no scope or permission claim (looked for scope, scp, roles, permissions, realm_access, resource_access); missing: %s",
			strings.Join(want, ", ")), specScope)
		return
	}
	var present, missing []string
	for _, w := range want {
		if where := findGrant(gs, w); where != "" {
			present = append(present, fmt.Sprintf("%s (in %s)", w, where))
		} else {
			missing = append(missing, w)
		}
	}
	read := make([]string, 0, len(gs))
	for _, g := range gs {
		read = append(read, g.claim)
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("missing: %s; read %s", strings.Join(missing, ", "), strings.Join(read, ", "))
		if len(present) > 0 {
			msg += "; present: " + strings.Join(present, ", ")
		}
		c.add("scope", Fail, msg+": the API would answer insufficient_scope", specScope)
		return
	}
	c.add("scope", Pass, "grants "+strings.Join(present, ", "), specScope)
}

// findGrant returns the claims holding value, or "".
func findGrant(gs []grant, value string) string {
	var where []string
	for _, g := range gs {
		for _, v := range g.values {
			if v == value {
				where = append(where, g.claim)
				break
			}
		}
	}
	return strings.Join(where, ", ")
}
