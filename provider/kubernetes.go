package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Sources of the Kubernetes diagnoses.
const (
	srcK8sBound  = "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/ (bound service account tokens, --service-account-extend-token-expiration); kubernetes/kubernetes#96273"
	srcK8sLegacy = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/ (legacy Secret-based tokens); kubernetes/kubernetes pkg/serviceaccount/legacy.go"
)

// boundClaim is the kubernetes.io claim of a bound token.
type boundClaim struct {
	Namespace string `json:"namespace"`
	Pod       *struct {
		Name string `json:"name"`
	} `json:"pod"`
	Node *struct {
		Name string `json:"name"`
	} `json:"node"`
	ServiceAccount *struct {
		Name string `json:"name"`
	} `json:"serviceaccount"`
	WarnAfter *float64 `json:"warnafter"`
}

// kubernetesBoundToken explains a bound (projected) service-account token:
// what it is bound to and, for an extended token, warnafter.
func kubernetesBoundToken(_ context.Context, d *diagnosis) {
	raw, ok := d.t.claims.Get("kubernetes.io")
	var k boundClaim
	if !d.is("kubernetes") || !ok || json.Unmarshal(raw, &k) != nil {
		return
	}
	var b strings.Builder
	b.WriteString("a bound Kubernetes service-account token")
	if k.ServiceAccount != nil {
		fmt.Fprintf(&b, " for service account %s/%s", k.Namespace, k.ServiceAccount.Name)
	}
	if k.Pod != nil {
		fmt.Fprintf(&b, ", bound to pod %s", k.Pod.Name)
		if k.Node != nil {
			fmt.Fprintf(&b, " on node %s", k.Node.Name)
		}
	}
	b.WriteString(": it stops working when that object is deleted. ")
	exp, hasExp := d.t.num("exp")
	iat, hasIat := d.t.num("iat")
	if k.WarnAfter != nil && hasExp {
		warn := time.Unix(int64(*k.WarnAfter), 0).UTC()
		fmt.Fprintf(&b, "Its lifetime was extended: exp is %s", time.Unix(int64(exp), 0).UTC().Format(time.RFC3339))
		if hasIat {
			fmt.Fprintf(&b, " (%s after iat)", roughDuration(time.Duration(exp-iat)*time.Second))
		}
		fmt.Fprintf(&b, ", but warnafter (%s) marks its real expiry of about one hour: the API server still accepts it until exp "+
			"(--service-account-extend-token-expiration, for the default kube-api-access volume) and logs each use after warnafter. "+
			"Clients should re-read the projected token file, which the kubelet refreshes; do not rely on the one-year lifetime.", warn.Format(time.RFC3339))
	} else {
		b.WriteString("The kubelet refreshes the projected token file before exp: re-read it rather than caching the token.")
	}
	d.add("provider.kubernetes.bound_token", b.String(), srcK8sBound)
}

// kubernetesLegacyToken explains a legacy Secret-based token: no exp, so
// it never expires.
func kubernetesLegacyToken(_ context.Context, d *diagnosis) {
	if !d.is("kubernetes") || d.t.has("kubernetes.io") {
		return
	}
	legacy := d.t.iss == "kubernetes/serviceaccount"
	for _, m := range d.t.claims {
		legacy = legacy || strings.HasPrefix(m.Name, "kubernetes.io/serviceaccount/")
	}
	if !legacy {
		return
	}
	sa := d.t.str("kubernetes.io/serviceaccount/service-account.name")
	ns := d.t.str("kubernetes.io/serviceaccount/namespace")
	secret := d.t.str("kubernetes.io/serviceaccount/secret.name")
	msg := fmt.Sprintf("a legacy Secret-based Kubernetes service-account token (service account %s/%s, Secret %s): ", ns, sa, secret)
	if !d.t.has("exp") {
		msg += "it has no exp, iat or aud, so it never expires: it works for as long as the Secret exists. "
	}
	msg += "Its issuer \"kubernetes/serviceaccount\" is not a URL, so there is no discovery document. Such tokens are no longer created automatically " +
		"since Kubernetes 1.24: replace it with a bound, expiring token (the TokenRequest API, kubectl create token) and delete the Secret."
	d.add("provider.kubernetes.legacy_token", msg, srcK8sLegacy)
}

// roughDuration renders a long duration in days or hours.
func roughDuration(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	return fmt.Sprintf("%d h", int(d.Hours()))
}
