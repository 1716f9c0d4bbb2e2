package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
)

// TestModernCommands: PAR, DPoP with a key file across processes (login,
// then refresh and userinfo), token exchange, the JWT bearer grant, an
// external client assertion, logout, --curl and --oauth2c, against the demo IdP.
func TestModernCommands(t *testing.T) {
	s, err := demoidp.Start(demoidp.Options{RequirePAR: true, DPoPNonce: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	prev := openBrowser
	openBrowser = func(ctx context.Context, u string) error {
		if strings.Contains(u, "/logout") {
			resp, err := http.Get(u)
			if err == nil {
				resp.Body.Close()
			}
			return err
		}
		return demoidp.LoginBrowser(ctx, u, "alice", "secret")
	}
	t.Cleanup(func() { openBrowser = prev })
	key := filepath.Join(t.TempDir(), "dpop.pem")
	dpop := []string{"--issuer", s.Issuer(), "--client-id", demoidp.DPoPClientID, "--dpop-key", key}

	st, out, errs := runCLI(t, "", append([]string{"login", "--json", "--scope", "openid offline_access", "--oauth2c"}, dpop...)...)
	if st != ExitOK {
		t.Fatalf("login = %d\n%s", st, errs)
	}
	var res struct {
		Response map[string]any     `json:"response"`
		PAR      bool               `json:"par"`
		DPoP     *flows.DPoPBinding `json:"dpop"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err, out)
	}
	if !res.PAR || res.DPoP == nil || !res.DPoP.Bound || res.Response["token_type"] != "DPoP" {
		t.Fatalf("login JSON: par %v dpop %+v", res.PAR, res.DPoP)
	}
	if !strings.Contains(errs, "DPoP key: ES256, JWK thumbprint "+res.DPoP.KeyThumbprint) || !strings.Contains(errs, "oauth2c '"+s.Issuer()+"'") ||
		!strings.Contains(errs, "--dpop") {
		t.Errorf("stderr:\n%s", errs)
	}
	rt, _ := res.Response["refresh_token"].(string)
	at, _ := res.Response["access_token"].(string)

	// A new key cannot use the public client's bound refresh token.
	st, out, errs = runCLI(t, rt, "refresh", "--refresh-token", "-", "--client-id", demoidp.DPoPClientID, "--issuer", s.Issuer(), "--dpop")
	if st != ExitFailure || !strings.Contains(errs, "invalid_dpop_proof") {
		t.Errorf("refresh with a new key = %d\n%s\n%s", st, out, errs)
	}

	// Another process, the same key file: the bound refresh token works.
	st, out, errs = runCLI(t, rt, append([]string{"refresh", "--refresh-token", "-", "--curl", "--json"}, dpop...)...)
	if err := json.Unmarshal([]byte(out), &res); err != nil || st != ExitOK || !res.DPoP.Bound {
		t.Fatalf("refresh = %d\n%s\n%s", st, out, errs)
	}
	// A third process presents the new DPoP-bound access token with the key file.
	newAT, _ := res.Response["access_token"].(string)
	if st, out, errs := runCLI(t, "", append([]string{"userinfo", "--token", newAT}, dpop...)...); st != ExitOK || !strings.Contains(out, "u-1001") {
		t.Errorf("userinfo with the key file = %d\n%s\n%s", st, out, errs)
	}
	if !strings.Contains(errs, `--data-urlencode "refresh_token=$REFRESH_TOKEN"`) || strings.Contains(errs, rt) ||
		!strings.Contains(errs, "tokeninspector dpop-proof --dpop-key") {
		t.Errorf("--curl output:\n%s", errs)
	}
	if st, out, _ = runCLI(t, "", append([]string{"userinfo", "--token", at}, dpop...)...); st == ExitOK {
		t.Errorf("userinfo with the rotated-out token succeeded:\n%s", out)
	}
	// Token exchange and the JWT bearer grant (demo-web).
	web := []string{"--issuer", s.Issuer(), "--client-id", demoidp.WebClientID, "--client-secret", demoidp.WebClientSecret}
	st, out, errs = runCLI(t, "", append([]string{"login", "--json", "--scope", "openid api.read"}, web...)...)
	if st != ExitOK {
		t.Fatalf("web login = %d\n%s", st, errs)
	}
	json.Unmarshal([]byte(out), &res)
	webAT, _ := res.Response["access_token"].(string)
	m2m := []string{"--issuer", s.Issuer(), "--client-id", demoidp.M2MClientID, "--client-secret", demoidp.M2MClientSecret, "--scope", "api.read"}
	_, out, _ = runCLI(t, "", append([]string{"client-credentials", "--json"}, m2m...)...)
	json.Unmarshal([]byte(out), &res)
	actor, _ := res.Response["access_token"].(string)
	st, out, errs = runCLI(t, webAT, append([]string{"token-exchange", "--subject-token", "-", "--actor-token", actor, "--actor-token-type", "access_token",
		"--audience", demoidp.ReportsAudience, "--scope", "api.read"}, web...)...)
	if st != ExitOK || !strings.Contains(out, "acting now: "+demoidp.M2MClientID) || !strings.Contains(out, "issued_token_type") {
		t.Errorf("token-exchange = %d\n%s\n%s", st, out, errs)
	}
	assertion, _ := s.ExternalAssertion("u-1001", s.Issuer()+"/token")
	file := filepath.Join(t.TempDir(), "assertion.jwt")
	os.WriteFile(file, []byte(assertion), 0o600)
	if st, out, errs = runCLI(t, "", append([]string{"jwt-bearer", "--assertion", "@" + file, "--scope", "openid api.read"}, web...)...); st != ExitOK {
		t.Errorf("jwt-bearer = %d\n%s\n%s", st, out, errs)
	}

	// Workload identity: an external client assertion from stdin.
	wl, _ := s.ExternalAssertion(demoidp.WorkloadSubject, s.Issuer()+"/token")
	st, out, errs = runCLI(t, wl, "client-credentials", "--issuer", s.Issuer(), "--client-id", demoidp.WorkloadClientID, "--client-assertion", "-", "--scope", "api.read")
	if st != ExitOK || !strings.Contains(out, "Client assertion: the client assertion was issued by \""+s.ExternalIssuer()) {
		t.Errorf("federated client-credentials = %d\n%s\n%s", st, out, errs)
	}

	// Logout.
	st, out, errs = runCLI(t, "", append([]string{"logout", "--json"}, web...)...)
	if st != ExitOK || !strings.Contains(out, `"returned": true`) {
		t.Errorf("logout = %d\n%s\n%s", st, out, errs)
	}

	// dpop-proof for scripts.
	st, out, _ = runCLI(t, "", "dpop-proof", "--dpop-key", key, "--url", s.Issuer()+"/token?x=1")
	if st != ExitOK || strings.Count(strings.TrimSpace(out), ".") != 2 {
		t.Errorf("dpop-proof = %d %q", st, out)
	}
}
