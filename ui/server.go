package ui

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokeninspector/tokeninspector/flows"
)

// serverAnswer is what the server last said about one token: its
// introspection (RFC 7662), whether it accepted the token's revocation (RFC
// 7009), or the request it refused.
type serverAnswer struct {
	introspection *flows.Introspection
	revoked       bool
	revokedAt     time.Time
	err           error  // the last request about the token was refused or failed
	request       string // "introspection" or "revocation", for err
}

// serverLine is the server's verdict on a token in one line, with its icon,
// colour and, when there is more to say, a note: the explanation of a
// refusal, or why a revoked token still verifies locally.
func serverLine(a *serverAnswer, verifiesLocally bool) (line, note string, icon fyne.Resource, imp widget.Importance) {
	switch {
	case a == nil:
		return "Server: not asked yet (press Introspect)", "", theme.QuestionIcon(), widget.MediumImportance
	case a.err != nil:
		line = "Server: " + a.request + " failed"
		var oe *flows.OAuthError
		if errors.As(a.err, &oe) {
			line = fmt.Sprintf("Server: %s refused (%s", a.request, oe.Code)
			if oe.Status != 0 {
				line += fmt.Sprintf(", HTTP %d", oe.Status)
			}
			line += ")"
		}
		note = flows.Hint(a.err)
		if note == "" {
			note = plainError(a.err)
		}
		return line, note, theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance
	case a.introspection != nil && a.introspection.Active && a.revoked:
		return "Server: revocation accepted, yet introspection still says active", "The provider answered the revocation " +
				"with 200 (RFC 7009 §2.2) but still treats the token as active: it may not support revoking this kind of token.",
			theme.NewWarningThemedResource(theme.WarningIcon()), widget.WarningImportance
	case a.introspection != nil && a.introspection.Active:
		return "Server (introspection): active", "", theme.NewSuccessThemedResource(theme.ConfirmIcon()), widget.SuccessImportance
	case a.introspection != nil:
		line = "Server (introspection): NOT active"
		if a.revoked {
			line = "Server: revoked at " + a.revokedAt.Local().Format("15:04:05") + "; introspection: NOT active"
		}
		if verifiesLocally {
			note = "Revoked (or otherwise inactive at the server) but not yet expired: the token still verifies locally, " +
				"yet the server rejects it. An API that only checks signatures would still accept it."
		}
		return line, note, theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance
	}
	return "Server: revocation accepted at " + a.revokedAt.Local().Format("15:04:05") +
			" (RFC 7009 §2.2: servers answer 200 for unknown tokens too; Introspect to confirm)",
		"", theme.NewWarningThemedResource(theme.DeleteIcon()), widget.WarningImportance
}

// serverRejects is what the badge adds when the server no longer accepts
// the token ("REVOKED at the server"), or "".
func serverRejects(a *serverAnswer) string {
	switch {
	case a == nil || a.err != nil:
		return ""
	case a.introspection != nil && !a.introspection.Active && a.revoked:
		return "REVOKED at the server"
	case a.introspection != nil && !a.introspection.Active:
		return "NOT active at the server"
	}
	return ""
}

// serverState is the server's verdict in one word, for the state dump.
func serverState(a *serverAnswer) string {
	switch {
	case a == nil:
		return "not asked"
	case a.err != nil:
		return "refused"
	case a.introspection != nil && a.introspection.Active && !a.revoked:
		return "active"
	case a.revoked:
		return "revoked"
	case a.introspection != nil:
		return "inactive"
	}
	return "unknown"
}

// introspectionRows are the claims of an introspection response, marked
// with their source, for the claims table of an opaque token.
func introspectionRows(in *flows.Introspection) []fieldRow {
	if in == nil {
		return nil
	}
	var rows []fieldRow
	for _, k := range slices.Sorted(maps.Keys(in.Raw)) {
		rows = append(rows, claimRow(k, in.Raw[k], "introspection"))
	}
	return rows
}
