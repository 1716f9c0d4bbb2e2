package token

// ClaimDoc documents one claim.
type ClaimDoc struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Spec        string `json:"spec"`
	Vendor      string `json:"vendor,omitempty"` // "" for standards; "Microsoft Entra ID", "Keycloak", ...
	Time        bool   `json:"time,omitempty"`   // a NumericDate
}

// Describe returns the dictionary entry of a claim. Namespaced claims (URLs,
// as Auth0 requires for custom claims) are recognised as such.
func Describe(claim string) (ClaimDoc, bool) {
	if d, ok := dictionary[claim]; ok {
		d.Name = claim
		return d, true
	}
	if isNamespaced(claim) {
		return ClaimDoc{Name: claim, Description: "namespaced custom claim (a URL-like name avoids collisions; Auth0 requires it for custom claims)",
			Spec: "RFC 7519 4.2 (public claim names)", Vendor: "custom"}, true
	}
	if isCognitoCustom(claim) {
		return ClaimDoc{Name: claim, Description: "custom user attribute of the user pool (custom:<name>)",
			Spec: "Amazon Cognito user pool attributes", Vendor: "Amazon Cognito"}, true
	}
	return ClaimDoc{Name: claim}, false
}

// isCognitoCustom reports a Cognito custom attribute ("custom:tenant").
func isCognitoCustom(claim string) bool {
	return len(claim) > 7 && claim[:7] == "custom:"
}

// knownClaim reports whether Describe knows claim, without building its
// entry.
func knownClaim(claim string) bool {
	_, ok := dictionary[claim]
	return ok || isNamespaced(claim) || isCognitoCustom(claim)
}

func isNamespaced(claim string) bool {
	return len(claim) > 8 && (claim[:7] == "http://" || claim[:8] == "https://")
}

// isTimeClaim reports whether claim is a NumericDate per the dictionary
// (a switch: it runs for every claim of every token).
func isTimeClaim(claim string) bool {
	switch claim {
	case "exp", "nbf", "iat", "auth_time", "updated_at", "xms_tcdt":
		return true
	}
	return false
}
