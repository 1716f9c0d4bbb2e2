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
	// OpenID Connect Core 1.0: ID token claims (section 2).
	"auth_time": {Description: "when the user last actually authenticated (entered credentials)", Spec: "OIDC Core 2", Time: true},
	"nonce":     {Description: "value the client sent in the authentication request; binds the ID token to that request and stops replays", Spec: "OIDC Core 2, 3.1.2.1"},
	"acr":       {Description: "authentication context class: how strong the authentication was", Spec: "OIDC Core 2"},
	"amr":       {Description: "authentication methods used (pwd, otp, mfa, hwk, ...)", Spec: "OIDC Core 2; RFC 8176"},
	"azp":       {Description: "authorized party: the client the token was issued to (Entra v2.0: the client; appid in v1.0)", Spec: "OIDC Core 2"},
	"at_hash":   {Description: "hash of the access token issued alongside: proves they belong together", Spec: "OIDC Core 3.1.3.6, 3.2.2.9"},
	"c_hash":    {Description: "hash of the authorization code issued alongside (hybrid flow)", Spec: "OIDC Core 3.3.2.11"},
	"s_hash":    {Description: "hash of the state value (FAPI 1.0 detached signature)", Spec: "FAPI 1.0 Advanced 5.1"},
	"events":    {Description: "security events (a logout token carries the back-channel logout event)", Spec: "RFC 8417 2.2; OIDC Back-Channel Logout 2.4"},
	"sub_jwk":   {Description: "public key of a self-issued OpenID Provider", Spec: "OIDC Core 7.4"},

	// OpenID Connect Core 1.0: standard claims (section 5.1).
	"name":                  {Description: "full name, for display", Spec: "OIDC Core 5.1"},
	"given_name":            {Description: "given (first) name", Spec: "OIDC Core 5.1"},
	"family_name":           {Description: "family (last) name", Spec: "OIDC Core 5.1"},
	"middle_name":           {Description: "middle name", Spec: "OIDC Core 5.1"},
	"nickname":              {Description: "casual name", Spec: "OIDC Core 5.1"},
	"preferred_username":    {Description: "the name the user likes to be called; not unique and not stable, never use it as a key", Spec: "OIDC Core 5.1"},
	"profile":               {Description: "URL of the profile page", Spec: "OIDC Core 5.1"},
	"picture":               {Description: "URL of a profile picture", Spec: "OIDC Core 5.1"},
	"website":               {Description: "URL of a web page or blog", Spec: "OIDC Core 5.1"},
	"email":                 {Description: "preferred e-mail address; not unique and may change", Spec: "OIDC Core 5.1"},
	"email_verified":        {Description: "true when the provider verified the e-mail address", Spec: "OIDC Core 5.1"},
	"gender":                {Description: "gender", Spec: "OIDC Core 5.1"},
	"birthdate":             {Description: "birthday, YYYY-MM-DD (or YYYY)", Spec: "OIDC Core 5.1"},
	"zoneinfo":              {Description: "time zone (e.g. Europe/Paris)", Spec: "OIDC Core 5.1"},
	"locale":                {Description: "locale (BCP 47, e.g. en-US)", Spec: "OIDC Core 5.1"},
	"phone_number":          {Description: "preferred telephone number", Spec: "OIDC Core 5.1"},
	"phone_number_verified": {Description: "true when the provider verified the phone number", Spec: "OIDC Core 5.1"},
	"address":               {Description: "postal address (JSON object)", Spec: "OIDC Core 5.1.1"},
	"updated_at":            {Description: "when the user's information was last updated", Spec: "OIDC Core 5.1", Time: true},

	// RFC 9068 JWT access tokens, RFC 8693 token exchange, RFC 7800, RFC 9449.
	"client_id":             {Description: "the client the access token was issued to", Spec: "RFC 9068 2.2; RFC 8693 4.3"},
	"scope":                 {Description: "granted scopes, space-separated (Spring Authorization Server: a JSON array)", Spec: "RFC 9068 2.2.3; RFC 8693 4.2"},
	"groups":                {Description: "groups the user belongs to", Spec: "RFC 9068 2.2.3.1; RFC 7643 4.1.2"},
	"roles":                 {Description: "roles granted to the user or application", Spec: "RFC 9068 2.2.3.1; RFC 7643 4.1.2"},
	"entitlements":          {Description: "entitlements of the user", Spec: "RFC 9068 2.2.3.1; RFC 7643 4.1.2"},
	"act":                   {Description: "actor: who is acting on behalf of the subject (delegation chain)", Spec: "RFC 8693 4.1"},
	"may_act":               {Description: "who may act on behalf of the subject", Spec: "RFC 8693 4.4"},
	"cnf":                   {Description: "confirmation: the key the presenter must prove (jkt for DPoP, x5t#S256 for mTLS)", Spec: "RFC 7800 3.1; RFC 9449 6; RFC 8705 3.1"},
	"htm":                   {Description: "DPoP proof: HTTP method of the request", Spec: "RFC 9449 4.2"},
	"htu":                   {Description: "DPoP proof: HTTP URI of the request", Spec: "RFC 9449 4.2"},
	"ath":                   {Description: "DPoP proof: hash of the access token", Spec: "RFC 9449 4.2"},
	"authorization_details": {Description: "rich authorization request details", Spec: "RFC 9396 9.1"},

	// Microsoft Entra ID (Azure AD).
	"oid":                      {Description: "object ID: the user's (or app's) immutable ID across applications in the tenant", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"tid":                      {Description: "tenant ID of the directory the user signed in to", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"scp":                      {Description: "delegated scopes granted: a space-separated string (Entra), a JSON array (Okta, Ory Hydra)", Spec: "Microsoft identity platform token reference; Okta access tokens; Ory Hydra", Vendor: "Microsoft Entra ID, Okta, Ory Hydra"},
	"aio":                      {Description: "internal claim used by Entra to reuse tokens; opaque, ignore it", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"appid":                    {Description: "application (client) ID of the client (v1.0 tokens; azp in v2.0)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"appidacr":                 {Description: "how the client authenticated: 0 public, 1 secret, 2 certificate (v1.0)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"azpacr":                   {Description: "how the client authenticated: 0 public, 1 secret, 2 certificate (v2.0)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"idp":                      {Description: "identity provider that authenticated the subject (when not the issuer)", Spec: "Microsoft identity platform token reference; Okta", Vendor: "Microsoft Entra ID, Okta"},
	"ipaddr":                   {Description: "IP address the user authenticated from", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"unique_name":              {Description: "human-readable user name (v1.0); not stable, do not use as a key", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"upn":                      {Description: "user principal name; may change, do not use as a key", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"uti":                      {Description: "token identifier used internally by Entra", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"ver":                      {Description: "token format version (\"1.0\", \"2.0\"; Okta: 1)", Spec: "Microsoft identity platform token reference; Okta", Vendor: "Microsoft Entra ID, Okta"},
	"wids":                     {Description: "Entra directory roles of the user (role template IDs)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"rh":                       {Description: "internal claim used to revalidate tokens; ignore it", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"hasgroups":                {Description: "the user has groups, but too many to fit: call Microsoft Graph", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"_claim_names":             {Description: "distributed claims: where overflowing claims (groups) can be fetched", Spec: "OIDC Core 5.6.2; Microsoft groups overage", Vendor: "Microsoft Entra ID"},
	"_claim_sources":           {Description: "distributed claims: the endpoints that serve them", Spec: "OIDC Core 5.6.2; Microsoft groups overage", Vendor: "Microsoft Entra ID"},
	"xms_tcdt":                 {Description: "time the tenant was created", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID", Time: true},
	"acct":                     {Description: "account status in the tenant: 0 member, 1 guest", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"ctry":                     {Description: "user's country or region", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"login_hint":               {Description: "opaque login hint for re-authentication", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"idtyp":                    {Description: "\"app\" for an app-only token (client credentials), \"user\" for a delegated one", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"acrs":                     {Description: "authentication context class references the user satisfied (Conditional Access)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"puid":                     {Description: "internal user identifier (v1.0); not for your use", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"onprem_sid":               {Description: "on-premises security identifier of a synchronised user (v1.0)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"deviceid":                 {Description: "ID of the device the user signed in from", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"altsecid":                 {Description: "alternate security identifier of a guest from another identity provider", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"in_corp":                  {Description: "the client signs in from the corporate network", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"xms_cc":                   {Description: "client capabilities (e.g. cp1: the client handles claims challenges)", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"xms_ftd":                  {Description: "internal claim (Entra token service); ignore it", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"xms_idrel":                {Description: "internal claim: relation of the user to the tenant; ignore it", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"xms_st":                   {Description: "internal claim about the subject; ignore it", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"xms_tdbr":                 {Description: "data boundary of the tenant (EU, ...)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"xms_pl":                   {Description: "the user's preferred language", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"xms_tpl":                  {Description: "the tenant's preferred language", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"xms_ssm":                  {Description: "internal claim (sign-in session management); ignore it", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"verified_primary_email":   {Description: "the user's primary e-mail addresses, verified by Entra", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"verified_secondary_email": {Description: "the user's other verified e-mail addresses", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"tenant_ctry":              {Description: "the tenant's country or region", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"tenant_region_scope":      {Description: "the tenant's region (NA, EU, ...)", Spec: "Microsoft identity platform optional claims", Vendor: "Microsoft Entra ID"},
	"app_displayname":          {Description: "display name of the client application (v1.0 tokens)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"platf":                    {Description: "device platform (v1.0 tokens; only for managed devices)", Spec: "Microsoft identity platform token reference", Vendor: "Microsoft Entra ID"},
	"sid":                      {Description: "session ID at the OpenID Provider, for logout (Keycloak, Entra and others)", Spec: "OIDC Front-Channel Logout 3; Back-Channel Logout 2.1"},

	// Keycloak.
	"realm_access":    {Description: "realm roles of the user ({\"roles\": [...]})", Spec: "Keycloak access tokens", Vendor: "Keycloak"},
	"resource_access": {Description: "client roles per client ({\"client\": {\"roles\": [...]}})", Spec: "Keycloak access tokens", Vendor: "Keycloak"},
	"allowed-origins": {Description: "web origins allowed for CORS with this token", Spec: "Keycloak access tokens", Vendor: "Keycloak"},
	"session_state":   {Description: "Keycloak session ID (older versions; sid in newer)", Spec: "Keycloak access tokens; OIDC Session Management", Vendor: "Keycloak"},
	"typ":             {Description: "token type as a claim: \"Bearer\" (access), \"ID\", \"Refresh\", \"Offline\" (offline refresh), \"Logout\"; not the typ header", Spec: "Keycloak TokenUtil", Vendor: "Keycloak"},

	// Okta.
	"cid": {Description: "client ID the access token was issued to", Spec: "Okta access tokens", Vendor: "Okta"},
	"uid": {Description: "Okta user ID", Spec: "Okta access tokens", Vendor: "Okta"},
	// Okta's scp is an array; see scp above.

	// Ory Hydra.
	"ext": {Description: "extra claims set by the login/consent app", Spec: "Ory Hydra access tokens", Vendor: "Ory Hydra"},

	// Google.
	"hd": {Description: "hosted domain: the Google Workspace domain of the user (check it to restrict sign-in to a domain)", Spec: "Google OpenID Connect", Vendor: "Google"},

	// Auth0.
	"gty":         {Description: "grant type that issued the token (e.g. client-credentials)", Spec: "Auth0 access tokens", Vendor: "Auth0"},
	"permissions": {Description: "API permissions granted (RBAC)", Spec: "Auth0 RBAC", Vendor: "Auth0"},
	"org_id":      {Description: "organization the user logged in through", Spec: "Auth0 Organizations", Vendor: "Auth0"},

	// AWS Cognito.
	"token_use":              {Description: "\"id\" or \"access\": which kind of Cognito token this is", Spec: "Amazon Cognito tokens", Vendor: "Amazon Cognito"},
	"cognito:username":       {Description: "user name in the user pool", Spec: "Amazon Cognito tokens", Vendor: "Amazon Cognito"},
	"cognito:groups":         {Description: "user pool groups of the user", Spec: "Amazon Cognito tokens", Vendor: "Amazon Cognito"},
	"origin_jti":             {Description: "identifier of the original authentication, shared by tokens refreshed from it", Spec: "Amazon Cognito tokens", Vendor: "Amazon Cognito"},
	"event_id":               {Description: "identifier of the authentication event", Spec: "Amazon Cognito tokens", Vendor: "Amazon Cognito"},
	"cognito:roles":          {Description: "IAM roles of the user's groups", Spec: "Amazon Cognito ID token", Vendor: "Amazon Cognito"},
	"cognito:preferred_role": {Description: "IAM role of the user's highest-precedence group", Spec: "Amazon Cognito ID token", Vendor: "Amazon Cognito"},
	"identities":             {Description: "the federated identity providers the user signed in with", Spec: "Amazon Cognito ID token", Vendor: "Amazon Cognito"},
	"username":               {Description: "user name in the user pool (access tokens; cognito:username in ID tokens)", Spec: "Amazon Cognito access token", Vendor: "Amazon Cognito"},
	"version":                {Description: "access token format version (2 when the pool's pre-token-generation trigger may customise it)", Spec: "Amazon Cognito access token", Vendor: "Amazon Cognito"},

	// GitHub Actions OIDC tokens.
	"repository":            {Description: "the repository the workflow runs in (owner/repo)", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"repository_id":         {Description: "immutable ID of the repository", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"repository_owner":      {Description: "the owner (user or organisation) of the repository", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"repository_owner_id":   {Description: "immutable ID of the repository owner", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"repository_visibility": {Description: "public, private or internal", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"ref":                   {Description: "the git ref that triggered the workflow (refs/heads/main, refs/tags/v1, refs/pull/1/merge)", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"ref_type":              {Description: "branch or tag", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"ref_protected":         {Description: "whether branch protection applies to the ref", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"sha":                   {Description: "the commit SHA that triggered the workflow", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"workflow":              {Description: "name of the workflow", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"workflow_ref":          {Description: "path and ref of the workflow file (owner/repo/.github/workflows/x.yml@ref)", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"workflow_sha":          {Description: "commit SHA of the workflow file", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"job_workflow_ref":      {Description: "the workflow file the job runs, for reusable workflows the called one (pin trust to it)", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"job_workflow_sha":      {Description: "commit SHA of the job's workflow file", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"event_name":            {Description: "the event that triggered the workflow (push, pull_request, workflow_dispatch, ...)", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"environment":           {Description: "the deployment environment of the job (only when the job uses one)", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"environment_node_id":   {Description: "node ID of the deployment environment", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"runner_environment":    {Description: "github-hosted or self-hosted runner", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"actor":                 {Description: "the account that started the workflow run", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"actor_id":              {Description: "immutable ID of the actor", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"run_id":                {Description: "ID of the workflow run", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"run_number":            {Description: "number of the run of this workflow", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"run_attempt":           {Description: "attempt number of the run (re-runs count up)", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"head_ref":              {Description: "source branch of a pull request", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"base_ref":              {Description: "target branch of a pull request", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"enterprise":            {Description: "the enterprise the repository belongs to", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"enterprise_id":         {Description: "immutable ID of the enterprise", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},
	"check_run_id":          {Description: "ID of the check run of the job", Spec: "GitHub Actions OIDC", Vendor: "GitHub Actions"},

	// Kubernetes service-account tokens.
	"kubernetes.io":                                     {Description: "bound token: namespace, pod, node and service account it is bound to, and warnafter (the real expiry of an extended token)", Spec: "Kubernetes service account tokens", Vendor: "Kubernetes"},
	"kubernetes.io/serviceaccount/namespace":            {Description: "namespace of the service account (legacy Secret-based token)", Spec: "Kubernetes legacy service account tokens", Vendor: "Kubernetes"},
	"kubernetes.io/serviceaccount/secret.name":          {Description: "name of the Secret holding this token (legacy)", Spec: "Kubernetes legacy service account tokens", Vendor: "Kubernetes"},
	"kubernetes.io/serviceaccount/service-account.name": {Description: "name of the service account (legacy)", Spec: "Kubernetes legacy service account tokens", Vendor: "Kubernetes"},
	"kubernetes.io/serviceaccount/service-account.uid":  {Description: "UID of the service account (legacy)", Spec: "Kubernetes legacy service account tokens", Vendor: "Kubernetes"},
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
	"nonce":    {Description: "Microsoft Graph tokens: the signature covers the SHA-256 of this value, not the value itself; only Graph validates these tokens", Spec: "Microsoft identity platform access tokens", Vendor: "Microsoft Entra ID"},
	"iss":      {Description: "issuer, repeated in a JWE header (Auth0 encrypted access tokens)", Spec: "RFC 7519 5.3", Vendor: "Auth0"},
}

// DescribeHeader returns the dictionary entry of a JOSE header parameter.
func DescribeHeader(name string) (ClaimDoc, bool) {
	d, ok := headerDictionary[name]
	d.Name = name
	return d, ok
}
