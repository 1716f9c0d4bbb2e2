package provider

import (
	"context"
	"fmt"

	"github.com/tokeninspector/tokeninspector/token"
)

// Sources of the Cognito diagnoses.
const (
	srcCognitoAccess  = "https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html; awslabs/aws-jwt-verify src/cognito-verifier.ts"
	srcCognitoRefresh = "https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html; awslabs/aws-jwt-verify#59"
)

// cognitoAccessTokenAudience: Cognito access tokens have no aud; the app
// client is in client_id, and token_use says which token it is.
func cognitoAccessTokenAudience(_ context.Context, d *diagnosis) {
	if !d.is("cognito") || d.t.str("token_use") != "access" || d.t.has("aud") {
		return
	}
	client := d.t.str("client_id")
	msg := fmt.Sprintf("a Cognito access token (token_use \"access\"): by design Cognito access tokens name their app client in client_id (%q), not in aud. "+
		"Compare your expected client with client_id, and check token_use is \"access\" (an ID token has token_use \"id\" and aud = the client); "+
		"aws-jwt-verify does exactly this.", client)
	want := d.opts.Audience
	if want == "" {
		want = d.opts.ClientID
	}
	switch {
	case want == "":
	case client == want:
		d.setCheck(token.Check{ID: "aud", Status: token.Pass,
			Message: fmt.Sprintf("a Cognito access token names its app client in client_id, not aud: client_id %q is the expected client", client)})
	default:
		d.setCheck(token.Check{ID: "aud", Status: token.Fail,
			Message: fmt.Sprintf("a Cognito access token names its app client in client_id, not aud: client_id %q is not the expected client %q; it was issued to another app client", client, want)})
	}
	d.add("provider.cognito.access_token_audience", msg, srcCognitoAccess)
}

// cognitoEncryptedRefreshToken: Cognito refresh tokens are JWEs that only
// Cognito can decrypt.
func cognitoEncryptedRefreshToken(_ context.Context, d *diagnosis) {
	if !d.is("cognito") || d.t.kind != token.KindJWE || !isCognitoRefreshHeader(d.t.jwe) || d.r.JWE.Status == "decrypted" {
		return
	}
	d.r.JWE.Reason = "encrypted by Cognito with a key only Cognito holds (RSA-OAEP, A256GCM); nobody else can decrypt it"
	d.r.Signature.Code = token.CodeKeyNotPublished
	d.r.Signature.Reason = "Cognito refresh token: encrypted for Cognito alone, so nothing can be read or verified here (see provider.cognito.encrypted_refresh_token)"
	d.add("provider.cognito.encrypted_refresh_token", "a Cognito refresh token: a JWE (RSA-OAEP, A256GCM) encrypted with a key only Cognito holds. "+
		"No key you have will decrypt it and that is by design: treat it as opaque and send it to the token endpoint (grant_type=refresh_token) "+
		"or InitiateAuth REFRESH_TOKEN_AUTH to get new ID and access tokens.", srcCognitoRefresh)
}
