package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/store"
)

const authAutomatic = "automatic"

// editor edits one profile: validation messages sit under each field.
type editor struct {
	h         editorHost
	orig      store.Profile
	isNew     bool
	loading   bool
	issues    map[string]*widget.Label
	name      *widget.Entry
	folder    *widget.Entry
	issuer    *widget.Entry
	lint      *widget.Label
	clientID  *widget.Entry
	method    *widget.Select
	secret    *widget.Entry
	secretAt  *widget.Label
	key       *widget.Entry
	scopes    *widget.Entry
	audience  *widget.Entry
	resource  *widget.Entry
	params    *widget.Entry
	host      *widget.Select
	port      *widget.Entry
	path      *widget.Entry
	redirect  *widget.Label
	caFile    *widget.Entry
	insecure  *widget.Check
	par       *widget.Check
	dpop      *widget.Check
	protoHelp *widget.Label
	asrtFile  *widget.Entry
	portHelp  *widget.Label
	skew      *widget.Entry
	rfc9068   *widget.Check
	required  *widget.Entry
	endpts    map[string]*widget.Entry // by settings.Endpoint.Name
	other     *widget.Label            // issues of fields without their own row (endpoints)
	pending   *widget.Label            // what a new profile still needs, before those fields are typed in
	touched   map[string]bool          // fields the user changed since load (their issues show)
	save      *widget.Button
	content   fyne.CanvasObject
	settings  map[string]textWidget // settings.Field.Key -> the widget showing it
}

func newEditor(h editorHost) *editor {
	e := &editor{h: h, issues: map[string]*widget.Label{}, endpts: map[string]*widget.Entry{}}
	entry := func(ph string) *widget.Entry {
		en := widget.NewEntry()
		en.SetPlaceHolder(ph)
		en.OnChanged = func(string) { e.changed() }
		return en
	}
	e.name = entry("A name for this profile")
	e.folder = entry("optional: groups profiles in the sidebar (e.g. staging)")
	e.issuer = entry("https://idp.example.com/realms/dev")
	e.lint = widget.NewLabel("")
	e.lint.Wrapping = fyne.TextWrapWord
	e.clientID = entry("the client_id registered at the IdP")
	methods := []string{authAutomatic}
	for _, m := range settings.AuthMethods {
		methods = append(methods, string(m))
	}
	e.method = widget.NewSelect(methods, func(string) { e.changed() })
	e.secret = widget.NewPasswordEntry()
	e.secret.OnChanged = func(string) { e.changed() }
	e.secretAt = widget.NewLabel("")
	e.secretAt.Wrapping = fyne.TextWrapWord
	e.key = widget.NewMultiLineEntry()
	e.key.SetMinRowsVisible(3)
	e.scopes = entry(flows.DefaultLoginScope + " (sent when empty; add profile email offline_access… as needed)")
	e.audience = entry("audience parameter (optional)")
	e.resource = entry("RFC 8707 resource URLs, space-separated (optional)")
	e.params = widget.NewMultiLineEntry()
	e.params.SetPlaceHolder("extra authorization parameters, one name=value a line (prompt=login, login_hint=…)")
	e.params.SetMinRowsVisible(2)
	e.params.OnChanged = func(string) { e.changed() }
	e.host = widget.NewSelect([]string{"127.0.0.1", "[::1]"}, func(string) { e.changed() })
	e.port = entry("0 = any free port")
	e.portHelp = wrapped("Port 0 picks a free port for each login; the provider must then accept any port on the " +
		"loopback address (RFC 8252 §7.3). Providers that accept only the exact registered URI (Ory Hydra, many SaaS " +
		"tenants) need a fixed port: set one, for example 53682, and register exactly the URI below. If the port is " +
		"busy, the login says which program holds it.")
	e.portHelp.Importance = widget.LowImportance
	e.par = widget.NewCheck("Use PAR (RFC 9126)", func(bool) { e.changed() })
	e.dpop = widget.NewCheck("Use DPoP (RFC 9449)", func(bool) { e.changed() })
	e.protoHelp = wrapped("PAR pushes the authorization request to the provider first; a login does so anyway when the " +
		"provider requires it. DPoP binds the tokens to a key pair this session holds: a proof goes with every token " +
		"request and every UserInfo call.")
	e.protoHelp.Importance = widget.LowImportance
	e.asrtFile = entry("a JWT file from another issuer (optional)")
	e.path = entry("/callback")
	e.redirect = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	e.redirect.Wrapping = fyne.TextWrapWord // the note after the URI wraps in a narrow window
	e.redirect.Selectable = true
	e.caFile = entry("PEM file of an extra CA to trust (optional)")
	e.insecure = widget.NewCheck("Skip TLS verification (insecure: every result will say so)", func(bool) { e.changed() })
	e.skew = entry("60s")
	e.rfc9068 = widget.NewCheck("Check access tokens as RFC 9068 JWTs, even without typ at+jwt", func(bool) { e.changed() })
	e.required = entry("scopes or permissions your API needs, e.g. orders:read, admin (optional)")
	for _, ep := range settings.EndpointList {
		e.endpts[ep.Name] = entry("from discovery")
	}
	e.bindSettings()
	discover := widget.NewButtonWithIcon("Discover", theme.SearchIcon(), e.onDiscover)
	copyRedirect := newCopyButton(h.clipboard(), "Copy", func() string { return e.redirect.Text })
	e.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), e.onSave)
	e.save.Importance = widget.HighImportance
	revert := widget.NewButtonWithIcon("Revert", theme.ContentUndoIcon(), func() { e.load(e.orig, e.isNew) })
	e.content = e.layout(discover, copyRedirect, revert)
	return e
}

// layout arranges the fields in a form, the endpoints in an accordion and
// the Save and Revert buttons at the bottom.
func (e *editor) layout(discover, copyRedirect, revert *widget.Button) fyne.CanvasObject {
	form := widget.NewForm(
		e.item("Name", store.FieldName, e.name),
		widget.NewFormItem("Folder", e.folder),
		e.item("Issuer", store.FieldIssuer, container.NewBorder(nil, nil, nil, discover, e.issuer)),
		widget.NewFormItem("", e.lint),
		e.item("Client ID", store.FieldClientID, e.clientID),
		e.item("Auth method", store.FieldAuthMethod, e.method),
		widget.NewFormItem("Client secret", container.NewVBox(e.secret, e.secretAt)),
		widget.NewFormItem("Private key", e.key),
		e.item("Scopes", store.FieldScopes, e.scopes),
		e.item("Audience", store.FieldAudience, e.audience),
		e.item("Resources", store.FieldResources, e.resource),
		e.item("Extra parameters", store.FieldParams, e.params),
		e.item("Redirect", store.FieldRedirectPort, container.NewVBox(container.NewGridWithColumns(3, e.host, e.port, e.path), e.portHelp)),
		widget.NewFormItem("Register this redirect URI", container.NewBorder(nil, nil, nil, copyRedirect, e.redirect)),
		e.item("Protocol", settings.KeyPAR, container.NewVBox(container.NewHBox(e.par, e.dpop), e.protoHelp)),
		e.item("Client assertion", settings.KeyAssertion, container.NewVBox(e.asrtFile, wrapped("A token issued by someone "+
			"else (GitHub Actions, Kubernetes) that authenticates this client, read before each request; the auth method "+
			"is then private_key_jwt."))),
		e.item("CA file", store.FieldCAFile, e.caFile),
		e.item("", store.FieldInsecure, e.insecure),
		e.item("Clock skew", store.FieldSkew, e.skew),
		e.item("Required scopes", settings.KeyRequired, e.required),
		e.item("", settings.KeyRFC9068, e.rfc9068),
	)
	epForm := widget.NewForm()
	for _, ep := range settings.EndpointList {
		epForm.Append(ep.Name, e.endpts[ep.Name])
	}
	endpoints := widget.NewAccordion(widget.NewAccordionItem("Endpoints (filled by Discover; set by hand when there is no discovery)", epForm))
	e.other = widget.NewLabel("")
	e.other.Importance = widget.DangerImportance
	e.other.Wrapping = fyne.TextWrapWord
	e.pending = widget.NewLabel("")
	e.pending.Wrapping = fyne.TextWrapWord
	e.pending.Importance = widget.LowImportance
	buttons := container.NewBorder(nil, nil, container.NewHBox(e.save, revert), nil, container.NewVBox(e.pending, e.other))
	return container.NewBorder(nil, buttons, nil, nil, container.NewVScroll(container.NewVBox(form, endpoints)))
}

// item is a form row with its validation message underneath.
func (e *editor) item(label, field string, obj fyne.CanvasObject) *widget.FormItem {
	msg := widget.NewLabel("")
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	msg.Hide()
	e.issues[field] = msg
	return widget.NewFormItem(label, container.NewVBox(obj, msg))
}

// bindSettings is the one mapping between the settings and the editor's
// widgets, keyed by settings.Field.Key; each setting converts itself to and
// from text (settings.Field).
func (e *editor) bindSettings() {
	e.settings = map[string]textWidget{
		settings.KeyIssuer: entryText{e.issuer}, settings.KeyClientID: entryText{e.clientID},
		settings.KeyAuthMethod: selectText{e.method, authAutomatic},
		settings.KeyScopes:     entryText{e.scopes}, settings.KeyAudience: entryText{e.audience},
		settings.KeyResources: entryText{e.resource}, settings.KeyParams: entryText{e.params},
		settings.KeyRedirectHost: selectText{e.host, settings.DefaultRedirectHost},
		settings.KeyRedirectPort: entryText{e.port}, settings.KeyRedirectPath: entryText{e.path},
		settings.KeyCAFile: entryText{e.caFile}, settings.KeyInsecure: checkText{e.insecure}, settings.KeySkew: entryText{e.skew},
		settings.KeyRequired: entryText{e.required}, settings.KeyRFC9068: checkText{e.rfc9068},
		settings.KeyPAR: checkText{e.par}, settings.KeyDPoP: checkText{e.dpop}, settings.KeyAssertion: entryText{e.asrtFile},
	}
	for name, en := range e.endpts {
		e.settings["endpoints."+name] = entryText{en}
	}
}

// load fills the fields from p.
func (e *editor) load(p store.Profile, isNew bool) {
	e.loading = true
	defer func() { e.loading = false; e.changed() }()
	e.orig, e.isNew = p.Clone(), isNew
	e.touched = map[string]bool{}
	e.name.SetText(p.Name)
	e.folder.SetText(p.Folder)
	e.lint.SetText("")
	e.secret.SetText("")
	e.key.SetText("")
	e.secretAt.SetText(secretPlace(p))
	e.secret.SetPlaceHolder("the client secret")
	e.key.SetPlaceHolder("private key (PEM or JWK) for private_key_jwt")
	if _, ok := p.Secrets[store.SecretClient]; ok {
		e.secret.SetPlaceHolder("unchanged (leave empty to keep the stored secret)")
	}
	if _, ok := p.Secrets[store.SecretPrivateKey]; ok {
		e.key.SetPlaceHolder("unchanged (leave empty to keep the stored key)")
	}
	for _, f := range settings.Fields {
		if w := e.settings[f.Key]; w != nil {
			w.setText(f.Text(&p.Settings))
		}
	}
}

// textWidget is a widget that shows one setting as text.
type textWidget interface {
	text() string
	setText(string)
}

// entryText is an entry; surrounding spaces are not part of the value.
type entryText struct{ *widget.Entry }

func (t entryText) text() string     { return strings.TrimSpace(t.Text) }
func (t entryText) setText(v string) { t.SetText(v) }

// selectText is a select whose option empty stands for "".
type selectText struct {
	*widget.Select
	empty string
}

func (t selectText) text() string {
	if t.Selected == t.empty {
		return ""
	}
	return t.Selected
}

func (t selectText) setText(v string) {
	if v == "" {
		v = t.empty
	}
	t.SetSelected(v)
}

// checkText is a check box: "true" or "false".
type checkText struct{ *widget.Check }

func (t checkText) text() string     { return strconv.FormatBool(t.Checked) }
func (t checkText) setText(v string) { t.SetChecked(v == "true") }

// secretPlace says where the profile's secrets are kept.
func secretPlace(p store.Profile) string {
	if len(p.Secrets) == 0 {
		return "No secret stored. A secret you type is saved in the OS keyring, never in the profiles file."
	}
	var parts []string
	for k, loc := range p.Secrets {
		parts = append(parts, fmt.Sprintf("%s stored in the %s", capitalize(strings.ReplaceAll(string(k), "_", " ")), locationName(loc)))
	}
	return strings.Join(parts, "; ")
}

func locationName(l store.Location) string {
	switch l {
	case store.LocationKeyring:
		return store.KeyringName() // "OS keyring (Secret Service)"
	case store.LocationMemory:
		return "memory (this run only)"
	case store.LocationFile:
		return "0600 secrets file (unencrypted)"
	}
	return string(l)
}

// profile builds a profile from the fields; a value a setting cannot read
// is returned as an issue of its field.
func (e *editor) profile() (store.Profile, store.Issues) {
	p := e.orig.Clone()
	var extra store.Issues
	p.Name = strings.TrimSpace(e.name.Text)
	p.Folder = strings.TrimSpace(e.folder.Text)
	for _, f := range settings.Fields {
		if w := e.settings[f.Key]; w != nil {
			if err := f.SetText(&p.Settings, w.text()); err != nil {
				extra = append(extra, store.Issue{Field: f.Key, Severity: store.SeverityError, Message: err.Error()})
			}
		}
	}
	return p, append(extra, p.Validate()...)
}

// changed re-validates and updates the redirect URI preview.
func (e *editor) changed() {
	if e.loading {
		return
	}
	p, issues := e.profile()
	var other []string
	for _, is := range issues {
		if e.issues[is.Field] == nil {
			other = append(other, is.Field+": "+issueText(is))
		}
	}
	e.other.SetText(strings.Join(other, "\n"))
	var pending []string
	for field, l := range e.issues {
		var msgs []string
		for _, is := range issues.Field(field) {
			msgs = append(msgs, issueText(is))
		}
		touched := e.touch(field, p)
		if len(msgs) == 0 {
			l.Hide()
			continue
		}
		if e.isNew && !touched { // no red before the user typed there
			pending = append(pending, msgs...)
			l.Hide()
			continue
		}
		l.SetText(strings.Join(msgs, "\n"))
		l.Show()
	}
	slices.Sort(pending)
	e.pending.SetText("")
	if len(pending) > 0 {
		e.pending.SetText("To save: " + strings.Join(pending, " "))
	}
	if name := strings.TrimSpace(e.name.Text); name != "" {
		e.h.setTitle(name) // the header follows a rename at once
	}
	if issues.HasErrors() {
		e.save.Disable()
	} else {
		e.save.Enable()
	}
	e.redirect.SetText(redirectURI(p))
}

// touch says whether the user has changed field since the profile was
// loaded (it stays touched).
func (e *editor) touch(field string, p store.Profile) bool {
	if e.touched[field] {
		return true
	}
	var now, was string
	switch {
	case field == store.FieldName:
		now, was = p.Name, e.orig.Name
	case e.settings[field] != nil:
		now = e.settings[field].text()
		for _, f := range settings.Fields {
			if f.Key == field {
				was = f.Text(&e.orig.Settings)
			}
		}
	default:
		return true
	}
	e.touched[field] = now != was
	return e.touched[field]
}

// issueText is a validation message as shown next to its field.
func issueText(is store.Issue) string {
	if is.Severity == store.SeverityWarning {
		return "Warning: " + is.Message
	}
	return capitalize(is.Message)
}

// redirectURI is the exact redirect URI to register at the IdP.
func redirectURI(p store.Profile) string {
	host := p.RedirectHost
	if host == "" {
		host = settings.DefaultRedirectHost
	}
	path := p.RedirectPath
	if path == "" {
		path = settings.DefaultRedirectPath
	}
	if p.RedirectPort == 0 {
		return "http://" + host + path + "   (any port: RFC 8252 §7.3)"
	}
	return fmt.Sprintf("http://%s:%d%s", host, p.RedirectPort, path)
}

// validationText is the shown messages (tests).
func (e *editor) validationText(field string) string {
	if l := e.issues[field]; l != nil && l.Visible() {
		return l.Text
	}
	return ""
}

// onSave creates or updates the profile, then stores a typed secret.
func (e *editor) onSave() {
	p, issues := e.profile()
	if issues.HasErrors() {
		return
	}
	secret, key, isNew, oldName := e.secret.Text, e.key.Text, e.isNew, e.orig.Name
	e.h.saveProfile(p, oldName, isNew, secret, key)
}

// onDiscover fetches the issuer's metadata, fills the empty endpoints and
// shows the lint.
func (e *editor) onDiscover() {
	p, _ := e.profile()
	if p.Issuer == "" {
		e.lint.SetText("Type the issuer URL first.")
		return
	}
	cfg := flows.Config{Settings: p.Settings}
	cfg.Endpoints = settings.Endpoints{}
	e.lint.SetText("Discovering…")
	tr := transcriptOf(e.h.current())
	e.h.run(nil, "Discovering "+p.Issuer, "Discovery done.", func(ctx context.Context) (func(), error) {
		c, err := flows.NewClient(cfg, flows.WithTranscript(tr))
		if err != nil {
			return nil, err
		}
		d, err := c.Discover(ctx)
		var mismatch *flows.IssuerMismatchError
		if err != nil && !(errors.As(err, &mismatch) && d != nil) {
			return func() { e.lint.SetText("") }, err
		}
		return func() { e.fillDiscovery(d, err) }, nil
	})
}

func (e *editor) fillDiscovery(d *flows.Discovery, mismatch error) {
	if mismatch == nil {
		for _, ep := range settings.EndpointList {
			if en := e.endpts[ep.Name]; en.Text == "" {
				en.SetText(ep.Get(d.Endpoints))
			}
		}
	}
	var lines []string
	if mismatch != nil {
		lines = append(lines, "Error: "+capitalize(mismatch.Error())+".")
	} else {
		lines = append(lines, "Found "+d.URL+".")
	}
	for _, l := range d.Lint {
		lines = append(lines, lintLine(l))
	}
	e.lint.SetText(strings.Join(lines, "\n"))
}

// lintLine is a discovery lint finding as a sentence with its level:
// "Warning: the issuer does not publish … (RFC 8414 §2)."
func lintLine(l flows.LintItem) string {
	level := map[flows.LintLevel]string{flows.LintFail: "Error", flows.LintWarn: "Warning", flows.LintInfo: "Note"}[l.Level]
	if level == "" {
		level = "Note"
	}
	line := level + ": " + capitalize(strings.TrimSuffix(l.Message, "."))
	if l.Spec != "" {
		line += " (" + l.Spec + ")"
	}
	return line + "."
}
