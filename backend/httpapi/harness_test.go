package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/httpapi"
	"github.com/deskchat/deskchat/backend/server"
	"github.com/deskchat/deskchat/backend/storetest"
)

func init() { auth.Cost = bcrypt.MinCost }

const password = "correct horse battery"

// env is a real server on loopback with a real SQLite file.
type env struct {
	t      testing.TB
	ctx    context.Context
	srv    *server.Server
	url    string
	dbPath string
	clock  *storetest.Clock
	anon   *client.Client

	admin, support, support2, dev *client.Client
	adminU, supportU, devU        *chat.User
}

func newEnv(t testing.TB, tweak ...func(*server.Config)) *env {
	t.Helper()
	clock := storetest.NewClock(time.Now().UTC())
	cfg := server.Config{
		DB:     filepath.Join(t.TempDir(), "deskchat.db"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		API: httpapi.Config{Now: clock.Now, LoginRate: 1000, LoginAccountRate: 1000, WidgetSessionRate: 1000, CustomerSendRate: 100000,
			AllowedOrigins: []string{"https://shop.example.com", "https://*.partner.example"}},
	}
	for _, f := range tweak {
		f(&cfg)
	}
	srv, err := server.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	e := &env{t: t, ctx: context.Background(), srv: srv, url: srv.URL(), dbPath: cfg.DB, clock: clock, anon: client.New(srv.URL())}
	e.anon.HTTP = &http.Client{Timeout: 30 * time.Second, Transport: statusRecorder{}}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	e.adminU, e.admin = e.user("admin@test.example", "Ada Admin", true, true)
	e.supportU, e.support = e.user("sam@test.example", "Sam Support", false, true)
	_, e.support2 = e.user("sue@test.example", "Sue Support", false, true)
	e.devU, e.dev = e.user("dev@test.example", "Dev NoSupport", false, false)
	return e
}

// user creates a team member in the store and signs them in over HTTP.
func (e *env) user(email, name string, admin, support bool) (*chat.User, *client.Client) {
	e.t.Helper()
	hash, _ := auth.HashPassword(password)
	u, err := e.srv.Store.CreateUser(e.ctx, chat.Operator, chat.NewUser{Email: email, Name: name, PasswordHash: hash, Admin: admin, Support: support})
	if err != nil {
		e.t.Fatal(err)
	}
	c, _, err := e.anon.Login(e.ctx, email, password)
	if err != nil {
		e.t.Fatal(err)
	}
	return u, c
}

func (e *env) customer(name string) (*client.Client, *chat.Customer) {
	e.t.Helper()
	c, tr, err := e.anon.CreateWidgetSession(e.ctx, chat.CustomerInfo{Name: name, PageURL: "https://shop.example.com/"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, tr.Customer
}

func (e *env) conversation(v *client.Client, text string) *chat.Conversation {
	e.t.Helper()
	c, _, _, err := v.CreateConversation(e.ctx, chat.NewConversation{Text: text})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// raw sends bytes as they are and returns status and error code.
func (e *env) raw(method, path, token string, body []byte, header map[string]string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode >= 400 && ct != "application/json; charset=utf-8" {
		e.t.Errorf("%s %s: error answered as %q: %s", method, path, ct, data)
	}
	var eb struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.Unmarshal(data, &eb)
	if resp.StatusCode >= 400 && (eb.Error.Code == "" || eb.Error.Message == "") {
		e.t.Errorf("%s %s: %d without the error shape: %s", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, eb.Error.Code
}

// answered records the HTTP status of every error answer the test
// clients received, by code and message, so wantAPIError can check the
// status the server really sent (the client hands back only the
// *chat.Error, as callers should branch on codes).
var answered sync.Map // code + "\x00" + message → status

// statusRecorder is the test clients' transport: it notes error answers
// in answered and passes every answer on unchanged.
type statusRecorder struct{}

func (statusRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	var eb chat.ErrorResponse
	if json.Unmarshal(data, &eb) == nil {
		answered.Store(eb.Error.Code+"\x00"+eb.Error.Message, resp.StatusCode)
	}
	return resp, nil
}

// wantAPIError checks the server's error as the client rebuilds it (a
// *chat.Error with code), that the server sent it with status, and that
// status is the one its code has in the server's table (StatusOf).
func wantAPIError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var e *chat.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("err = %v, want %d %s", err, status, code)
	}
	sent, ok := answered.Load(e.Code + "\x00" + e.Message)
	if !ok {
		t.Fatalf("err = %v: no such answer was received", err)
	}
	if sent != status || httpapi.StatusOf(code) != status {
		t.Fatalf("err = %v came with HTTP %v (its code's status %d), want %d", err, sent, httpapi.StatusOf(code), status)
	}
}

// openStream opens a stream from origin like OpenStream; a refused
// upgrade is asked once more as a plain request through the recording
// transport, so wantAPIError sees the status the handshake was refused
// with (the WebSocket dialer does not go through http.Client).
func (e *env) openStream(c *client.Client, origin string) (*client.Stream, error) {
	st, err := c.OpenStream(e.ctx, client.StreamOptions{Origin: origin})
	if err == nil {
		return st, nil
	}
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodGet, e.url+"/v1/stream", nil)
	for k, v := range map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
		"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": origin} {
		req.Header.Set(k, v)
	}
	if resp, rerr := e.anon.HTTP.Do(req); rerr == nil {
		resp.Body.Close()
	}
	return nil, err
}

// userID returns the id of the user a client is signed in as.
func (e *env) userID(c *client.Client) int64 {
	e.t.Helper()
	me, err := c.Me(e.ctx)
	if err != nil || me.User == nil {
		e.t.Fatal(err)
	}
	return me.User.ID
}
