package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/app"
)

// TestEmbeddedServerRefusesForeignOrigins: the local helpdesk the desktop
// app runs on 127.0.0.1 refuses WebSocket upgrades from any page that is
// not its own (cross-site WebSocket hijacking from a site the agent
// visits), and the API likewise.
func TestEmbeddedServerRefusesForeignOrigins(t *testing.T) {
	s := &app.SessionService{Emit: app.NopEmitter{}, Dir: t.TempDir()}
	if err := s.Startup(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	base := s.Status().ServerURL
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("local helpdesk at %q, want loopback", base)
	}
	ws := "ws" + strings.TrimPrefix(base, "http") + "/v1/stream"
	cases := []struct {
		origin string
		want   int
	}{
		{"https://evil.example", http.StatusForbidden},
		{"http://localhost.evil.example", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{"http://127.0.0.1:1", http.StatusForbidden}, // another local port is another site
		{"http://localhost:34115", http.StatusForbidden},
		{base, http.StatusSwitchingProtocols},
	}
	for _, c := range cases {
		t.Run(c.origin, func(t *testing.T) {
			conn, resp, err := websocket.DefaultDialer.Dial(ws, http.Header{"Origin": {c.origin}})
			if conn != nil {
				conn.Close()
			}
			if resp == nil {
				t.Fatalf("no answer: %v", err)
			}
			if resp.StatusCode != c.want {
				t.Fatalf("origin %s: status %d, want %d", c.origin, resp.StatusCode, c.want)
			}
		})
	}
	// The API refuses a foreign origin too (a page could otherwise use a
	// token it got hold of, or probe the local server).
	req, _ := http.NewRequest("POST", base+"/v1/widget/session", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("API from a foreign origin: %d, want 403", resp.StatusCode)
	}
}
