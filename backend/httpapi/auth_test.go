package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/server"
)

func TestLoginExpiryAndRevocation(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.anon.Login(e.ctx, "sam@test.example", "wrong password")
	wantAPIError(t, err, 401, chat.EBadCredentials)
	_, _, err = e.anon.Login(e.ctx, "nobody@test.example", password)
	wantAPIError(t, err, 401, chat.EBadCredentials)

	c, tr, err := e.anon.Login(e.ctx, " SAM@test.example", password)
	if err != nil || tr.User.Email != "sam@test.example" || tr.User.Support != true || len(tr.Token) < 40 {
		t.Fatalf("login: %+v %v", tr, err)
	}
	if !tr.ExpiresAt.After(e.clock.Now().Add(29 * 24 * time.Hour)) {
		t.Fatalf("expires_at = %s", tr.ExpiresAt)
	}
	if _, err := c.UnreadCounts(e.ctx); err != nil {
		t.Fatal(err)
	}
	// Expiry: 30 days later the token answers token_expired.
	e.clock.Advance(30*24*time.Hour + time.Second)
	_, err = c.UnreadCounts(e.ctx)
	wantAPIError(t, err, 401, chat.ETokenExpired)
	e.clock.Advance(-30*24*time.Hour - time.Second)

	// Logout revokes only that token.
	other, _, _ := e.anon.Login(e.ctx, "sam@test.example", password)
	if err := c.Logout(e.ctx); err != nil {
		t.Fatal(err)
	}
	_, err = c.UnreadCounts(e.ctx)
	wantAPIError(t, err, 401, chat.EUnauthorized)
	if _, err := other.UnreadCounts(e.ctx); err != nil {
		t.Fatalf("other session: %v", err)
	}

	// A password change keeps the current session and revokes the rest.
	third, _, _ := e.anon.Login(e.ctx, "sam@test.example", password)
	err = other.ChangePassword(e.ctx, "not it", "another good password")
	wantAPIError(t, err, 401, chat.EBadCredentials)
	err = other.ChangePassword(e.ctx, password, "short")
	wantAPIError(t, err, 400, chat.EInvalid)
	if err := other.ChangePassword(e.ctx, password, "another good password"); err != nil {
		t.Fatal(err)
	}
	_, err = third.UnreadCounts(e.ctx)
	wantAPIError(t, err, 401, chat.EUnauthorized)
	if _, err := other.UnreadCounts(e.ctx); err != nil {
		t.Fatalf("current session after password change: %v", err)
	}
	_, _, err = e.anon.Login(e.ctx, "sam@test.example", password)
	wantAPIError(t, err, 401, chat.EBadCredentials)
	if _, _, err := e.anon.Login(e.ctx, "sam@test.example", "another good password"); err != nil {
		t.Fatal(err)
	}

	// Deactivation revokes every session and blocks sign-in.
	off := false
	_, err = e.support2.UpdateUser(e.ctx, e.devU.ID, chat.UserUpdate{Active: &off})
	wantAPIError(t, err, 403, chat.EForbidden)
	if _, err := e.admin.UpdateUser(e.ctx, e.devU.ID, chat.UserUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	_, err = e.dev.UnreadCounts(e.ctx)
	wantAPIError(t, err, 401, chat.EUnauthorized)
	_, _, err = e.anon.Login(e.ctx, "dev@test.example", password)
	wantAPIError(t, err, 403, chat.EForbidden)
	_, err = e.admin.UpdateUser(e.ctx, e.adminU.ID, chat.UserUpdate{Active: &off})
	wantAPIError(t, err, 400, chat.EInvalid)
}

func TestAdminManagesUsers(t *testing.T) {
	e := newEnv(t)
	_, err := e.support.CreateUser(e.ctx, "new@test.example", "New", password, false, true)
	wantAPIError(t, err, 403, chat.EForbidden)
	u, err := e.admin.CreateUser(e.ctx, "new@test.example", "New Agent", password, false, true)
	if err != nil || u.ID == 0 || !u.Support || u.Admin {
		t.Fatalf("create: %+v %v", u, err)
	}
	_, err = e.admin.CreateUser(e.ctx, "NEW@test.example", "Again", password, false, false)
	wantAPIError(t, err, 409, chat.EConflict)
	_, err = e.admin.CreateUser(e.ctx, "weak@test.example", "Weak", "123", false, false)
	wantAPIError(t, err, 400, chat.EInvalid)
	if _, _, err := e.anon.Login(e.ctx, "new@test.example", password); err != nil {
		t.Fatal(err)
	}
	// Renaming oneself is allowed, granting oneself admin is not.
	name := "Sam S."
	if u, err := e.support.UpdateUser(e.ctx, e.supportU.ID, chat.UserUpdate{Name: &name}); err != nil || u.Name != name {
		t.Fatalf("rename: %+v %v", u, err)
	}
	yes := true
	_, err = e.support.UpdateUser(e.ctx, e.supportU.ID, chat.UserUpdate{Admin: &yes})
	wantAPIError(t, err, 403, chat.EForbidden)
	var list struct{ Users []*chat.User }
	if _, err := e.dev.Do(e.ctx, http.MethodGet, "/v1/users", nil, &list); err != nil || len(list.Users) != 5 {
		t.Fatalf("list users: %d %v", len(list.Users), err)
	}
}

func TestLoginRateLimit(t *testing.T) {
	// Four per minute: the setup's sign-in took one.
	e := newEnv(t, func(c *server.Config) { c.API.LoginAccountRate = 4 })
	for i := 0; i < 3; i++ {
		_, _, err := e.anon.Login(e.ctx, "sam@test.example", "wrong")
		wantAPIError(t, err, 401, chat.EBadCredentials)
	}
	// Even the right password is refused while the account is throttled.
	_, _, err := e.anon.Login(e.ctx, "sam@test.example", password)
	wantAPIError(t, err, 429, chat.ERateLimited)
	// Other accounts are unaffected; the throttle lifts with time.
	if _, _, err := e.anon.Login(e.ctx, "sue@test.example", password); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, _, err := e.anon.Login(e.ctx, "sam@test.example", password); err != nil {
		t.Fatalf("after a minute: %v", err)
	}
}

func TestCustomerSessionRateLimit(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.API.WidgetSessionRate = 2 })
	e.customer("one")
	e.customer("two")
	_, _, err := e.anon.CreateWidgetSession(e.ctx, chat.CustomerInfo{})
	wantAPIError(t, err, 429, chat.ERateLimited)
	e.clock.Advance(time.Minute)
	e.customer("three")
}

// TestCustomerFloodLimited: a widget cannot be used to flood; the limit
// answers 429 and lifts with time.
func TestCustomerFloodLimited(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.API.CustomerSendRate = 3 })
	v, _ := e.customer("flooder")
	conv := e.conversation(v, "one")           // 1
	v.SendMessage(e.ctx, conv.ID, "", "two")   // 2
	v.SendMessage(e.ctx, conv.ID, "", "three") // 3
	_, _, err := v.SendMessage(e.ctx, conv.ID, "", "four")
	wantAPIError(t, err, 429, chat.ERateLimited)
	_, _, _, err = v.CreateConversation(e.ctx, chat.NewConversation{Text: "new one"})
	wantAPIError(t, err, 429, chat.ERateLimited)
	// Agents are not limited by it.
	if _, _, err := e.support.SendMessage(e.ctx, conv.ID, "", "agent reply"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, _, err := v.SendMessage(e.ctx, conv.ID, "", "later"); err != nil {
		t.Fatal(err)
	}
}

// TestUpdateMeAllOrNothing: a bad time zone refuses the whole update.
func TestUpdateMeAllOrNothing(t *testing.T) {
	e := newEnv(t)
	_, err := e.support.Do(e.ctx, http.MethodPatch, "/v1/me", map[string]string{"name": "Renamed", "time_zone": "Mars/Base"}, nil)
	wantAPIError(t, err, 400, chat.EInvalid)
	var u chat.User
	e.support.Do(e.ctx, http.MethodGet, fmt.Sprintf("/v1/users/%d", e.supportU.ID), nil, &u)
	if u.Name != "Sam Support" {
		t.Fatalf("name changed to %q by a refused update", u.Name)
	}
	if _, err := e.support.Do(e.ctx, http.MethodPatch, "/v1/me", map[string]string{"name": "Sam S.", "time_zone": "Europe/Berlin"}, &u); err != nil ||
		u.Name != "Sam S." || u.TimeZone != "Europe/Berlin" {
		t.Fatalf("update: %+v %v", u, err)
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	var out map[string]string
	if status, err := e.anon.Do(e.ctx, http.MethodGet, "/healthz", nil, &out); err != nil || status != 200 || out["status"] != "ok" {
		t.Fatalf("healthz = %d %v %v", status, out, err)
	}
	_ = client.Code
}

// TestTrustedProxyCountsTheClient: behind a trusted load balancer, limits
// count the client address it adds to X-Forwarded-For (two clients do not
// share a bucket); from anyone else X-Forwarded-For is ignored (a client
// cannot dodge its limit by writing the header).
func TestTrustedProxyCountsTheClient(t *testing.T) {
	session := func(e *env, xff string) int {
		req, _ := http.NewRequest(http.MethodPost, e.url+"/v1/widget/session", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	behind := newEnv(t, func(c *server.Config) {
		c.API.WidgetSessionRate = 1
		c.API.TrustedProxies = []string{"127.0.0.0/8"}
	})
	for _, xff := range []string{"203.0.113.7", "203.0.113.8", "198.51.100.1, 203.0.113.9"} {
		if got := session(behind, xff); got != http.StatusCreated {
			t.Fatalf("client %s behind the proxy: %d, want 201", xff, got)
		}
	}
	if got := session(behind, "203.0.113.7"); got != http.StatusTooManyRequests {
		t.Fatalf("the same client again: %d, want 429", got)
	}
	direct := newEnv(t, func(c *server.Config) { c.API.WidgetSessionRate = 1 })
	if got := session(direct, "203.0.113.7"); got != http.StatusCreated {
		t.Fatalf("first: %d", got)
	}
	if got := session(direct, "203.0.113.8"); got != http.StatusTooManyRequests {
		t.Fatalf("a forged X-Forwarded-For from an untrusted peer: %d, want 429", got)
	}
}
