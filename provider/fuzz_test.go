package provider

import (
	"context"
	"testing"

	"github.com/tokeninspector/tokeninspector/token"
)

// FuzzDiagnose: whatever a token's header and claims hold (wrong types,
// odd issuers, nested objects), recognition and the diagnoses never panic
// and never turn a signature valid.
func FuzzDiagnose(f *testing.F) {
	seeds := [][2]string{
		{`{"alg":"RS256","nonce":"abc","kid":"k"}`, `{"iss":"https://sts.windows.net/9b1f8e2a-4c3d-4e5f-8a6b-7c8d9e0f1a2b/","tid":"9b1f8e2a-4c3d-4e5f-8a6b-7c8d9e0f1a2b","ver":"1.0","aud":7}`},
		{`{"alg":"HS512","typ" : "JWT"}`, `{"iss":"https://a/realms/b","typ":"Refresh","aud":["account",1],"azp":{}}`},
		{`{"alg":"RS256"}`, `{"iss":"https://a.okta.com","ver":1,"jti":"AT","cid":null,"scp":"x"}`},
		{`{"alg":"RS256"}`, `{"iss":"https://token.actions.githubusercontent.com","sub":"repo::::","repository":[]}`},
		{`{"alg":"RS256"}`, `{"kubernetes.io":{"pod":"x","warnafter":"soon"},"sub":"system:serviceaccount:a:b","exp":"x"}`},
		{`{"alg":"RS256"}`, `{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":3}`},
		{`{"alg":"RS256"}`, `{"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A","token_use":"access","client_id":5}`},
		{`{"alg":"RS256"}`, `{"iss":"accounts.google.com","aud":{"a":1}}`},
		{`{"alg":"RS256"}`, `{"iss":"https://x.auth0.com/","sub":"a@clients","gty":"client-credentials"}`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], "https://login.microsoftonline.com/{tenantid}/v2.0")
	}
	f.Fuzz(func(t *testing.T, header, claims, issuer string) {
		raw := b64(header) + "." + b64(claims) + ".c2ln"
		r, err := Inspect(context.Background(), raw, token.Options{Issuer: issuer, Audience: "a", ClientID: "c", Expect: token.ExpectAccessToken})
		if err != nil {
			return
		}
		if r.Signature.Status == token.SigValid {
			t.Fatalf("a signature without a key is valid: %+v", r.Signature)
		}
		if r.Provider != nil && (r.Provider.Name == "" || len(r.Provider.Evidence) == 0) {
			t.Fatalf("provider without evidence: %+v", r.Provider)
		}
	})
}
