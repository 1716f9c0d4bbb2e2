package flows_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// startShortIdP runs the demo IdP with short lifetimes, whose device poll
// interval is 1 s, so the device tests take seconds.
func startShortIdP(t *testing.T) *demoidp.Server {
	t.Helper()
	s, err := demoidp.Start(demoidp.Options{ShortLifetimes: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDemoIdPDeviceFlow: the device authorization grant (RFC 8628) against
// the demo IdP, approved by demoidp.ApproveDevice from the onCode callback.
func TestDemoIdPDeviceFlow(t *testing.T) {
	s := startShortIdP(t)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.NativeClientID, Scopes: []string{"openid", "profile", "offline_access", "api.read"}, Audience: demoidp.APIAudience}}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var shown flows.DeviceCode
	var polls []flows.DevicePoll
	res, err := c.DeviceWithProgress(ctx, func(dc flows.DeviceCode) {
		shown = dc
		if err := demoidp.ApproveDevice(ctx, dc.VerificationURIComplete, "alice", "secret"); err != nil {
			t.Errorf("ApproveDevice: %v", err)
		}
	}, func(p flows.DevicePoll) { polls = append(polls, p) })
	if err != nil {
		t.Fatal(err)
	}
	if shown.VerificationURI != s.Issuer()+"/device" || len(shown.UserCode) != 9 || shown.Interval != time.Second ||
		time.Until(shown.Expiry) < 9*time.Minute {
		t.Errorf("device code shown = %+v", shown)
	}
	if len(polls) != 0 {
		t.Errorf("polls before the tokens: %+v; want none (approved before the first poll)", polls)
	}
	if res.Grant != "device_code" || !res.OK() || res.RefreshToken == nil || res.IDToken == nil {
		t.Fatalf("device result: grant %q OK %v refresh %v id %v", res.Grant, res.OK(), res.RefreshToken != nil, res.IDToken != nil)
	}
	at := res.AccessToken.Report
	if at.Kind != token.KindJWS || at.Signature.Status != token.SigValid {
		t.Errorf("access token: kind %s signature %+v", at.Kind, at.Signature)
	}
	checkStatus(t, at, "aud", token.Pass)
	checkStatus(t, at, "typ", token.Pass)
	checkStatus(t, res.IDToken.Report, "at_hash", token.Pass)
	checkStatus(t, res.IDToken.Report, "aud", token.Pass)

	ref, err := c.Refresh(ctx, res.RefreshToken.Raw, res)
	if err != nil || !ref.OK() {
		t.Fatalf("refresh of device tokens: %v", err)
	}
	if ui, err := c.UserInfo(ctx, ref.AccessToken.Raw); err != nil || ui.Raw["sub"] != "u-1001" {
		t.Errorf("userinfo = %+v, %v", ui, err)
	}
}

// TestDemoIdPDeviceFlowPending: approval after the first poll; the client
// sees authorization_pending, then gets the tokens.
func TestDemoIdPDeviceFlowPending(t *testing.T) {
	s := startShortIdP(t)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.NativeClientID, Scopes: []string{"openid"}}}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var uri string
	var once sync.Once
	var polls []flows.DevicePoll
	res, err := c.DeviceWithProgress(ctx, func(dc flows.DeviceCode) { uri = dc.VerificationURIComplete },
		func(p flows.DevicePoll) {
			polls = append(polls, p)
			once.Do(func() {
				if err := demoidp.ApproveDevice(ctx, uri, "bob", "secret"); err != nil {
					t.Errorf("ApproveDevice: %v", err)
				}
			})
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(polls) != 1 || polls[0].Status != "authorization_pending" || polls[0].Interval != time.Second {
		t.Errorf("polls = %+v, want one authorization_pending at 1s", polls)
	}
	if !res.OK() || res.IDToken == nil {
		t.Fatalf("result OK %v, ID token %+v", res.OK(), res.IDToken)
	}
	if sub, _ := res.IDToken.Report.Claims.String("sub"); sub != "u-1002" {
		t.Errorf("ID token sub = %q, want bob's u-1002", sub)
	}
}

func TestDemoIdPDeviceFlowDenied(t *testing.T) {
	s := startShortIdP(t)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.NativeClientID, Scopes: []string{"openid"}}}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.Device(ctx, func(dc flows.DeviceCode) {
		if err := demoidp.DenyDevice(ctx, dc.VerificationURIComplete, "alice", "secret"); err != nil {
			t.Errorf("DenyDevice: %v", err)
		}
	})
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Code != "access_denied" || !strings.Contains(err.Error(), "denied") {
		t.Fatalf("denied device flow: %v", err)
	}
}
