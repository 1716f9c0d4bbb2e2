package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"golang.org/x/oauth2"
)

// DeviceGrantType is the grant_type of RFC 8628 §3.4.
const DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// DeviceCode is the device authorization response (RFC 8628 §3.2) to show
// the user; Raw is the response as received.
type DeviceCode struct {
	UserCode                string         `json:"user_code"`
	VerificationURI         string         `json:"verification_uri"`
	VerificationURIComplete string         `json:"verification_uri_complete,omitempty"`
	Expiry                  time.Time      `json:"expiry,omitzero"`
	Interval                time.Duration  `json:"interval_ns"`
	Raw                     map[string]any `json:"response"`
	deviceCode              string
}

// DevicePoll reports each poll of the token endpoint, for progress display.
type DevicePoll struct {
	Attempt  int
	Status   string        // "authorization_pending", "slow_down"
	Interval time.Duration // the interval now in force
}

// Device runs the device authorization grant (RFC 8628): it requests a
// device code, calls onCode with the user code and verification URI, and
// polls the token endpoint at the interval given, adding 5 s on each
// slow_down (§3.5), until the user approves, denies, the code expires, or
// ctx ends.
func (c *Client) Device(ctx context.Context, onCode func(DeviceCode)) (*Result, error) {
	return c.DeviceWithProgress(ctx, onCode, nil)
}

// DeviceWithProgress is [Client.Device] with a hook called after each poll.
func (c *Client) DeviceWithProgress(ctx context.Context, onCode func(DeviceCode), onPoll func(DevicePoll)) (*Result, error) {
	dc, err := c.deviceAuthorization(ctx)
	if err != nil {
		return nil, fmt.Errorf("device authorization: %w", err)
	}
	if onCode != nil {
		onCode(*dc)
	}
	if !dc.Expiry.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadlineCause(ctx, dc.Expiry, errDeviceExpired)
		defer cancel()
	}
	raw, err := c.pollDevice(ctx, dc, onPoll)
	if err != nil {
		return nil, fmt.Errorf("device authorization: %w", err)
	}
	return c.result(ctx, "device_code", raw, resultExtra{}), nil
}

// deviceAuthorization posts the device authorization request (RFC 8628 §3.1).
func (c *Client) deviceAuthorization(ctx context.Context) (*DeviceCode, error) {
	u, err := c.endpoint(ctx, "device_authorization")
	if err != nil {
		return nil, err
	}
	resp, body, err := c.post(ctx, "device_authorization", u, c.accessRequest(url.Values{}), true)
	if err != nil {
		return nil, err
	}
	raw, err := decodeObject("device_authorization", u, resp.StatusCode, resp.Header, body)
	if err != nil {
		return nil, err
	}
	// x/oauth2's type knows expires_in and the verification_url spelling.
	var da oauth2.DeviceAuthResponse
	if err := json.Unmarshal(body, &da); err != nil || da.DeviceCode == "" || da.UserCode == "" {
		return nil, &ResponseError{Endpoint: "device_authorization", URL: u, Status: resp.StatusCode, Snippet: snippet(body),
			Err: errors.New("the response lacks device_code or user_code (RFC 8628 §3.2)")}
	}
	interval := time.Duration(da.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second // §3.2: default 5 s
	}
	return &DeviceCode{UserCode: da.UserCode, VerificationURI: da.VerificationURI, VerificationURIComplete: da.VerificationURIComplete,
		Expiry: da.Expiry, Interval: interval, Raw: raw, deviceCode: da.DeviceCode}, nil
}

// pollDevice polls the token endpoint (RFC 8628 §3.4, §3.5), each request
// with fresh client authentication.
func (c *Client) pollDevice(ctx context.Context, dc *DeviceCode, onPoll func(DevicePoll)) (map[string]any, error) {
	tokenURL, err := c.endpoint(ctx, "token")
	if err != nil {
		return nil, err
	}
	interval := dc.Interval
	for attempt := 1; ; attempt++ {
		select {
		case <-ctx.Done():
			return nil, pollStopped(ctx)
		case <-c.after(interval):
		}
		form := url.Values{"grant_type": {DeviceGrantType}, "device_code": {dc.deviceCode}}
		raw, err := c.tokenRequest(ctx, tokenURL, form)
		var oe *OAuthError
		if !errors.As(err, &oe) {
			return raw, err
		}
		switch oe.Code {
		case "authorization_pending":
		case "slow_down":
			interval += 5 * time.Second
		default:
			return nil, err
		}
		if onPoll != nil {
			onPoll(DevicePoll{Attempt: attempt, Status: oe.Code, Interval: interval})
		}
	}
}

// errDeviceExpired ends the polling when the device code's expires_in has passed.
var errDeviceExpired = errors.New("the device code expired before the user approved; start again")

// pollStopped says why polling ended: the code expired, the caller
// cancelled, or the caller's own deadline passed.
func pollStopped(ctx context.Context) error {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errDeviceExpired):
		return errDeviceExpired
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("cancelled while waiting for the user's approval: %w", ctx.Err())
	}
	return fmt.Errorf("gave up waiting for the user's approval (the time allowed ran out before the device code expired): %w", ctx.Err())
}
