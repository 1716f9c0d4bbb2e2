package flowtrace

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
)

// TestTranscriptOfDemoLogin analyses the app's own transcript of a real
// login against the demo IdP: the app talks to the IdP itself.
func TestTranscriptOfDemoLogin(t *testing.T) {
	idp, err := demoidp.Start(demoidp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idp.Close()
	tr := &flows.Transcript{}
	c, err := flows.NewClient(flows.Config{Settings: settings.Settings{Issuer: idp.Issuer(), ClientID: demoidp.NativeClientID, Scopes: []string{"openid", "profile"}}},
		flows.WithTranscript(tr), flows.WithJWKSCache(flows.NewJWKSCache(nil)),
		flows.WithBrowser(func(ctx context.Context, u string) error { return demoidp.LoginBrowser(ctx, u, "alice", "secret") }))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.Login(ctx, flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserInfo(ctx, res.AccessToken.Raw); err != nil {
		t.Fatal(err)
	}
	a := AnalyzeTranscript(ctx, tr.Exchanges(), Options{})
	got := kinds(a)
	for _, k := range []Kind{KindDiscovery, KindAuthorization, KindCallback, KindToken, KindJWKS, KindUserInfo} {
		if !slices.Contains(got, k) {
			t.Errorf("no %s step in %v", k, got)
		}
	}
	ends := map[Kind][2]Actor{KindToken: {Client, IdP}, KindAuthorization: {Browser, IdP}, KindCallback: {Browser, Client}}
	for _, s := range a.FlowSteps() {
		want, ok := ends[s.Kind]
		if s.Kind == KindAuthorization && !s.Unobserved {
			want = [2]Actor{Client, IdP} // the app checks the request before the browser opens it
		}
		if ok && (s.From != want[0] || s.To != want[1]) {
			t.Errorf("%s step %s → %s, want %v", s.Kind, s.From, s.To, want)
		}
		if s.Failed() {
			t.Errorf("step %s failed: %s", s.Kind, s.Answer())
		}
	}
	if errs := findingIDs(a, LevelError); len(errs) > 0 {
		t.Errorf("errors: %+v", a.Findings)
	}
	if a.ActorLabel(Client) != "Token Inspector" || !strings.Contains(a.Mermaid(), "participant Client as Token Inspector") {
		t.Errorf("client lifeline %q", a.ActorLabel(Client))
	}
	valid := verified(a)
	// The session written as a HAR reads back as the same flow, and
	// sanitises like a browser's.
	var har, clean bytes.Buffer
	if err := WriteTranscriptHAR(&har, tr.Exchanges(), "test"); err != nil {
		t.Fatal(err)
	}
	b, err := AnalyzeHAR(ctx, bytes.NewReader(har.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kinds(a), kinds(b)) || len(findingIDs(b, LevelError)) > 0 || b.FlowSteps()[0].From != Client {
		t.Errorf("HAR of the session: kinds %v (want %v), findings %+v", kinds(b), kinds(a), b.Findings)
	}
	if _, err := SanitizeHAR(bytes.NewReader(har.Bytes()), &clean); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(clean.String(), res.AccessToken.Raw) || strings.Contains(clean.String(), res.IDToken.Raw) {
		t.Error("tokens left in the sanitised session HAR")
	}
	if valid < 2 {
		t.Errorf("%d tokens verified from the transcript's own JWKS fetch: %+v", valid, a.Tokens)
	}
}
