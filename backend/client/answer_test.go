package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// TestAnswersWithoutOurErrorShape: a proxy in front of the server answers
// with its own page. The status decides the code, and so whether an outbox
// gives up on the entry (refused) or tries it again later.
func TestAnswersWithoutOurErrorShape(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		code    string
		refused bool
	}{
		{413, "<html>Request Entity Too Large</html>", chat.EInvalid, true},
		{404, "404 page not found", chat.EInvalid, true},
		{401, "", chat.EUnauthorized, false},
		{429, "slow down", chat.ERateLimited, false},
		{408, "", chat.ERateLimited, false},
		{502, "<html>Bad Gateway</html>", chat.EUnavailable, false},
		{503, `{"error":{}}`, chat.EUnavailable, false},
		// Our own shape passes through as itself.
		{400, `{"error":{"code":"message_too_long","message":"At most 10000 characters."}}`, chat.EMessageTooLong, true},
		{503, `{"error":{"code":"unavailable","message":"The database is busy; try again."}}`, chat.EUnavailable, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d %s", c.status, c.body), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				fmt.Fprint(w, c.body)
			}))
			defer srv.Close()
			_, _, err := client.New(srv.URL).SendMessage(context.Background(), 1, "c1", "hello")
			if got := client.Code(err); got != c.code {
				t.Fatalf("code = %q (%v), want %q", got, err, c.code)
			}
			if got := chat.Refused(err); got != c.refused {
				t.Errorf("Refused = %v, want %v", got, c.refused)
			}
			if msg := chat.ErrorMessage(err); len(c.body) > 3 && c.body[0] != '{' && strings.Contains(msg, c.body) {
				t.Errorf("message %q shows the proxy's body", msg)
			}
		})
	}
}
