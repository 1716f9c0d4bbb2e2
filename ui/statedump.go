package ui

import (
	"encoding/json"
	"fmt"
	"os"
)

// windowState is what the window shows, as the end-to-end test reads it
// (TOKENINSPECTOR_STATE, see docs/app.md): one JSON line after each step.
type windowState struct {
	Step    string                `json:"step"`
	Title   string                `json:"title"`
	Tab     string                `json:"tab"`
	Status  string                `json:"status"`
	Error   string                `json:"error,omitempty"`
	Tokens  map[string]tokenState `json:"tokens"`
	Actions map[string]action     `json:"actions"`
}

// tokenState is one token tab: its badge and countdown, or its message.
type tokenState struct {
	Badge   string `json:"badge,omitempty"`
	Expiry  string `json:"expiry,omitempty"`
	Message string `json:"message,omitempty"`
	Checks  string `json:"checks,omitempty"`
	Server  string `json:"server,omitempty"` // what the server said: active, inactive, revoked, refused, not asked
	Note    string `json:"note,omitempty"`   // its explanation
}

// action is one action button: its label and whether it can be pressed.
type action struct {
	Label   string `json:"label"`
	Enabled bool   `json:"enabled"`
}

// state collects what the window shows now; it builds the token views
// that were not shown yet.
func (w *window) state(step string) windowState {
	st := windowState{Step: step, Title: w.title.Text, Status: w.status.message.Text, Error: w.status.errorText(),
		Tokens: map[string]tokenState{}, Actions: map[string]action{}}
	if t := w.tabs.Selected(); t != nil {
		st.Tab = t.Text
	}
	for kind, v := range map[string]*tokenView{kindAccess: w.accessView(), kindID: w.idView(), kindRefresh: w.refreshView()} {
		ts := tokenState{Message: v.message.Text}
		if v.report != nil {
			ts = tokenState{Badge: v.sigLabel.Text, Expiry: v.expiry.Text, Checks: v.inner.Items[2].Text}
		}
		if kind != kindID && w.cur != nil {
			ts.Server = serverState(w.cur.answer(kind))
			ts.Note = v.srvNote.Text
		}
		st.Tokens[kind] = ts
	}
	b := w.actions
	st.Actions["login"] = action{b.login.Text, !b.login.Disabled()}
	st.Actions["refresh"] = action{b.refresh.Text, !b.refresh.Disabled()}
	st.Actions["introspect"] = action{b.introspect.Text, !b.introspect.Disabled()}
	st.Actions["revoke"] = action{b.revoke.Text, !b.revoke.Disabled()}
	st.Actions["userinfo"] = action{b.userinfo.Text, !b.userinfo.Disabled()}
	return st
}

// dumpState appends the window's state after step to the file named by
// TOKENINSPECTOR_STATE (development automation only).
func (w *window) dumpState(step string) {
	path := w.d.auto.stateFile
	if path == "" {
		return
	}
	line, err := json.Marshal(w.state(step))
	if err == nil {
		var f *os.File
		f, err = os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err == nil {
			_, err = fmt.Fprintf(f, "%s\n", line)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "autorun: state dump:", err)
	}
}
