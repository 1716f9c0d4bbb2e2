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

// headerDictionary describes JOSE header parameters (RFC 7515 4.1, RFC 7516
// 4.1, RFC 7518 4.6-4.8, RFC 7797).
var headerDictionary = map[string]ClaimDoc{
	"alg":      {Description: "algorithm used to sign (JWS) or to encrypt the key (JWE)", Spec: "RFC 7515 4.1.1"},
	"kid":      {Description: "key ID: which key of the issuer's JWKS signed this", Spec: "RFC 7515 4.1.4"},
	"typ":      {Description: "media type of the whole token (\"JWT\", \"at+jwt\", \"dpop+jwt\", ...)", Spec: "RFC 7515 4.1.9"},
	"cty":      {Description: "content type of the payload (\"JWT\" for a nested token)", Spec: "RFC 7515 4.1.10"},
	"jku":      {Description: "URL of a JWK Set holding the key (never trust it blindly)", Spec: "RFC 7515 4.1.2"},
	"jwk":      {Description: "the public key itself, embedded (never trust it blindly)", Spec: "RFC 7515 4.1.3"},
	"x5u":      {Description: "URL of an X.509 certificate chain (never trust it blindly)", Spec: "RFC 7515 4.1.5"},
	"x5c":      {Description: "X.509 certificate chain of the key", Spec: "RFC 7515 4.1.6"},
	"x5t":      {Description: "SHA-1 thumbprint of the X.509 certificate", Spec: "RFC 7515 4.1.7"},
	"x5t#S256": {Description: "SHA-256 thumbprint of the X.509 certificate", Spec: "RFC 7515 4.1.8"},
	"crit":     {Description: "extensions the recipient must understand, or reject the token", Spec: "RFC 7515 4.1.11"},
	"b64":      {Description: "false: the payload is not base64url-encoded", Spec: "RFC 7797 3"},
	"enc":      {Description: "content encryption algorithm", Spec: "RFC 7516 4.1.2"},
	"zip":      {Description: "compression applied before encryption (DEF)", Spec: "RFC 7516 4.1.3"},
	"epk":      {Description: "ephemeral public key for ECDH-ES", Spec: "RFC 7518 4.6.1.1"},
	"apu":      {Description: "ECDH-ES agreement PartyUInfo", Spec: "RFC 7518 4.6.1.2"},
	"apv":      {Description: "ECDH-ES agreement PartyVInfo", Spec: "RFC 7518 4.6.1.3"},
	"iv":       {Description: "initialization vector for AES-GCM key wrapping", Spec: "RFC 7518 4.7.1.1"},
	"tag":      {Description: "authentication tag for AES-GCM key wrapping", Spec: "RFC 7518 4.7.1.2"},
	"p2s":      {Description: "PBES2 salt input", Spec: "RFC 7518 4.8.1.1"},
	"p2c":      {Description: "PBES2 iteration count", Spec: "RFC 7518 4.8.1.2"},
}

// DescribeHeader returns the dictionary entry of a JOSE header parameter.
func DescribeHeader(name string) (ClaimDoc, bool) {
	d, ok := headerDictionary[name]
	d.Name = name
	return d, ok
}
