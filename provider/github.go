package provider

import (
	"context"
	"fmt"
	"strings"
)

const srcGitHubOIDC = "https://docs.github.com/en/actions/reference/security/oidc (github/docs content/actions/reference/security/oidc.md)"

// SubjectPart is one key/value pair of a GitHub Actions sub claim.
type SubjectPart struct {
	Key, Value string
}

// ParseGitHubSubject splits a GitHub Actions sub claim into its parts:
// "repo:O/R:environment:E", "repo:O/R:pull_request", "repo:O/R:ref:refs/heads/B",
// the immutable "repo:O@ID/R@ID:…" form and customised templates
// ("repository_owner:O:job_workflow_ref:…"). ok is false when it is not of
// that shape.
func ParseGitHubSubject(sub string) ([]SubjectPart, bool) {
	parts := strings.Split(sub, ":")
	var out []SubjectPart
	for i := 0; i < len(parts); {
		key := parts[i]
		if key == "" {
			return nil, false
		}
		if key == "pull_request" {
			out = append(out, SubjectPart{Key: key})
			i++
			continue
		}
		if i+1 >= len(parts) {
			return nil, false
		}
		out = append(out, SubjectPart{Key: key, Value: parts[i+1]})
		i += 2
	}
	return out, len(out) > 0
}

// describeSubjectPart says what one part of the sub means.
func describeSubjectPart(p SubjectPart) string {
	switch p.Key {
	case "repo":
		owner, repo, ok := strings.Cut(p.Value, "/")
		if !ok {
			return "repository " + p.Value
		}
		oName, oID, immutable := strings.Cut(owner, "@")
		rName, rID, _ := strings.Cut(repo, "@")
		if immutable {
			return fmt.Sprintf("repository %s/%s (owner id %s, repository id %s: the immutable form of repositories created after 2026-07-15 or opted in; match on the ids)", oName, rName, oID, rID)
		}
		return fmt.Sprintf("repository %s/%s", oName, rName)
	case "environment":
		return "a job that deploys to the environment " + p.Value
	case "pull_request":
		return "a workflow run for a pull_request event"
	case "ref":
		switch {
		case strings.HasPrefix(p.Value, "refs/heads/"):
			return "branch " + strings.TrimPrefix(p.Value, "refs/heads/")
		case strings.HasPrefix(p.Value, "refs/tags/"):
			return "tag " + strings.TrimPrefix(p.Value, "refs/tags/")
		}
		return "ref " + p.Value
	}
	if p.Value == "" {
		return p.Key
	}
	return p.Key + " " + p.Value
}

// githubActionsToken explains a GitHub Actions OIDC token: its sub decoded
// into parts, and the workflow claims.
func githubActionsToken(_ context.Context, d *diagnosis) {
	if !d.is("github_actions") || d.t.claims == nil {
		return
	}
	sub := d.t.str("sub")
	var b strings.Builder
	b.WriteString("a GitHub Actions OIDC token, minted for one workflow job. ")
	if parts, ok := ParseGitHubSubject(sub); ok {
		var said []string
		for _, p := range parts {
			said = append(said, describeSubjectPart(p))
		}
		fmt.Fprintf(&b, "sub %q decodes as: %s. ", sub, strings.Join(said, "; "))
		b.WriteString(subjectMismatches(d, parts))
	} else if sub != "" {
		fmt.Fprintf(&b, "sub %q is not in the repo:<owner>/<repo>:<context> form. ", sub)
	}
	var claims []string
	for _, c := range []string{"repository", "repository_id", "repository_owner_id", "workflow", "job_workflow_ref", "event_name", "ref", "environment", "runner_environment", "actor", "run_id"} {
		if v, ok := d.t.claims.Get(c); ok {
			claims = append(claims, c+" "+strings.Trim(string(v), `"`))
		}
	}
	if len(claims) > 0 {
		fmt.Fprintf(&b, "Workflow claims: %s. ", strings.Join(claims, ", "))
	}
	b.WriteString("A cloud trust policy matches sub (exactly or with wildcards) and aud (by default https://github.com/<owner>, often customised, e.g. sts.amazonaws.com); " +
		"pin it to repository_id, repository_owner_id or job_workflow_ref to survive renames and reusable workflows. The token lives 5 minutes (exp = iat + 5 min).")
	d.add("provider.github_actions.token", b.String(), srcGitHubOIDC)
}

// subjectMismatches notes where the sub disagrees with the claims of the
// same name (which would make a trust policy on one of them surprising).
func subjectMismatches(d *diagnosis, parts []SubjectPart) string {
	var out []string
	for _, p := range parts {
		switch p.Key {
		case "repo":
			if repo := d.t.str("repository"); repo != "" && !strings.Contains(p.Value, "@") && repo != p.Value {
				out = append(out, fmt.Sprintf("sub names repository %s but the repository claim says %s", p.Value, repo))
			}
		case "environment", "ref":
			if v := d.t.str(p.Key); v != "" && v != p.Value {
				out = append(out, fmt.Sprintf("sub says %s %s but the %s claim says %s", p.Key, p.Value, p.Key, v))
			}
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "Note: " + strings.Join(out, "; ") + ". "
}
