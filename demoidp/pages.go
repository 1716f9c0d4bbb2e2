package demoidp

import (
	"bytes"
	"html/template"
	"net/http"
)

type scopeItem struct{ Name, Description string }

// pageData feeds the login and consent pages.
type pageData struct {
	Action            string // form target: /authorize with the original query
	ClientID          string
	ClientDescription string
	Scopes            []scopeItem
	Error             string
	Username          string // echoed after a failed login
	User              string // signed-in user's name (consent page)
	CSRF              string
	Login             string // marks a sign-in that happened in this authorization
	UserCode          string // device flow: the code to compare with the device (RFC 8628 section 5.4)
}

type homeData struct {
	Issuer    string
	Clients   []Client
	Users     []User
	Flaw      Flaw
	Lifetimes Lifetimes
}

const pageStyle = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d1f23;margin:0;line-height:1.5}
main{max-width:30rem;margin:3rem auto;background:#fff;border:1px solid #d8dbe0;border-radius:8px;padding:1.5rem 2rem}
main.wide{max-width:48rem}
h1{font-size:1.4rem;margin:0 0 .25rem}
p.sub{color:#555;margin-top:0}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #9aa0a8;border-radius:4px}
button{font-size:1rem;padding:.5rem 1.2rem;margin:1rem .5rem 0 0;border-radius:4px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8}
.error{background:#fdecec;border:1px solid #e0a0a0;color:#8a1c1c;padding:.5rem .75rem;border-radius:4px}
.note{background:#f0f4ff;border:1px solid #c7d4f5;padding:.5rem .75rem;border-radius:4px;font-size:.9rem;margin-top:1.5rem}
code{background:#eef0f3;padding:0 .25rem;border-radius:3px}
ul.scopes li{margin:.3rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #e3e5e8;padding:.3rem;text-align:left;vertical-align:top}
`

var pages = template.Must(template.New("layout").Parse(`{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.}} · Token Inspector demo IdP</title><style>` + pageStyle + `</style></head><body>{{end}}

{{define "login"}}{{template "head" "Sign in"}}<main>
<h1>Sign in</h1>
<p class="sub">to <strong>{{.ClientID}}</strong>{{if .ClientDescription}}: {{.ClientDescription}}{{end}}</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="step" value="login"><input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="username">Username</label><input type="text" id="username" name="username" value="{{.Username}}" autocomplete="username" required autofocus>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="note">Token Inspector demo identity provider, running only on this computer.
Users: <code>alice</code> and <code>bob</code>, password <code>secret</code>.</p>
</main></body></html>{{end}}

{{define "consent"}}{{template "head" "Allow access"}}<main>
<h1>Allow access?</h1>
<p class="sub">Signed in as <strong>{{.User}}</strong>. <strong>{{.ClientID}}</strong> asks to:</p>
<ul class="scopes">{{range .Scopes}}<li>{{.Description}} <code>{{.Name}}</code></li>{{end}}</ul>
{{if .UserCode}}<p>Allow only if your device shows the code <strong><code>{{.UserCode}}</code></strong>. If you did not start this on a device of yours, deny.</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="step" value="consent"><input type="hidden" name="csrf" value="{{.CSRF}}">{{if .Login}}<input type="hidden" name="login" value="{{.Login}}">{{end}}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>
<p class="note">{{if .UserCode}}Deny makes the device's next poll get <code>access_denied</code>.{{else}}Deny sends <code>error=access_denied</code> back to the application.{{end}}</p>
</main></body></html>{{end}}

{{define "device"}}{{template "head" "Connect a device"}}<main>
<h1>Connect a device</h1>
<p class="sub">Enter the code your device shows.</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/device">
<input type="hidden" name="step" value="code"><input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="user_code">Code</label><input type="text" id="user_code" name="user_code" value="{{.UserCode}}" placeholder="WDJB-MJHT" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
<button type="submit">Continue</button>
</form>
<p class="note">Device authorization (RFC 8628). Letters only; case and dashes do not matter.</p>
</main></body></html>{{end}}

{{define "device-done"}}{{template "head" .Title}}<main>
<h1>{{.Title}}</h1><p>{{.Message}}</p>
</main></body></html>{{end}}

{{define "error"}}{{template "head" "Error"}}<main>
<h1>Something went wrong</h1><p class="error" role="alert">{{.}}</p>
</main></body></html>{{end}}

{{define "home"}}{{template "head" "Demo identity provider"}}<main class="wide">
<h1>Token Inspector demo identity provider</h1>
<p class="sub">Issuer <code>{{.Issuer}}</code> · discovery <a href="/.well-known/openid-configuration">/.well-known/openid-configuration</a> · <a href="/jwks">JWKS</a></p>
<p>Token flaw: <strong>{{.Flaw}}</strong> ({{.Flaw.Description}}). Lifetimes: access {{.Lifetimes.AccessToken}}, ID {{.Lifetimes.IDToken}}, refresh {{.Lifetimes.RefreshToken}}.</p>
<h2>Clients</h2><table><tr><th>client_id</th><th>secret</th><th>auth method</th><th>grants</th></tr>
{{range .Clients}}<tr><td><code>{{.ID}}</code><br>{{.Description}}</td><td>{{if .Secret}}<code>{{.Secret}}</code>{{else}}none{{end}}</td><td>{{.AuthMethod}}</td><td>{{range .GrantTypes}}{{.}} {{end}}</td></tr>{{end}}
</table>
<h2>Users</h2><table><tr><th>username</th><th>password</th><th>name</th><th>email</th><th>groups</th></tr>
{{range .Users}}<tr><td><code>{{.Username}}</code></td><td><code>{{.Password}}</code></td><td>{{.Name}}</td><td>{{.Email}}</td><td>{{range .Groups}}{{.}} {{end}}</td></tr>{{end}}
</table></main></body></html>{{end}}
`))

// renderPage executes a page template into a buffer first, so a template
// error never leaves a half-written page.
func (s *Server) renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "demo IdP: page "+name+" failed to render", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) renderError(w http.ResponseWriter, status int, msg string) {
	s.renderPage(w, status, "error", msg)
}
