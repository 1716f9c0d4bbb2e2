package token

// dictionary describes registered, standard and common vendor claims.
var dictionary = map[string]ClaimDoc{
	// RFC 7519 registered claims.
	"iss": {Description: "issuer: who created and signed the token", Spec: "RFC 7519 4.1.1"},
	"sub": {Description: "subject: whom the token is about (a user or client id), unique within the issuer", Spec: "RFC 7519 4.1.2"},
	"aud": {Description: "audience: who the token is meant for; a recipient must find itself here", Spec: "RFC 7519 4.1.3"},
	"exp": {Description: "expiration time: the token must not be accepted at or after this time", Spec: "RFC 7519 4.1.4", Time: true},
	"nbf": {Description: "not before: the token must not be accepted before this time", Spec: "RFC 7519 4.1.5", Time: true},
	"iat": {Description: "issued at: when the token was created", Spec: "RFC 7519 4.1.6", Time: true},
	"jti": {Description: "JWT ID: unique identifier, lets a recipient detect replays", Spec: "RFC 7519 4.1.7"},
}
