package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

func waitFor(t testing.TB, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLocalHelpdeskSession: a first start with no config runs the embedded
// helpdesk with demo data, signs in, syncs, and the inbox works through the
// local store and the outbox; sign-out revokes the token.
func TestLocalHelpdeskSession(t *testing.T) {
	dir := t.TempDir()
	s := &app.SessionService{Emit: app.NopEmitter{}, Dir: dir}
	inbox := &app.InboxService{Session: s}
	if err := s.Startup(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	st := s.Status()
	if !st.SignedIn || !st.Local || st.User == nil || st.User.Email != "anna@deskchat.test" || st.PreviewURL == "" {
		t.Fatalf("status = %+v", st)
	}
	info, err := os.Stat(filepath.Join(dir, "config.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("config.json: %v mode %v", err, info.Mode())
	}
	cfg, _ := app.LoadConfig(dir)
	if cfg.Token == "" || !cfg.Local {
		t.Fatalf("saved config = %+v", cfg)
	}
	waitFor(t, "sync", func() bool { return s.Status().Sync.Phase == "connected" })
	var convs []*chat.Conversation
	waitFor(t, "conversations", func() bool {
		convs, _ = inbox.ListConversations(app.ListParams{Section: "customers", Status: "open"})
		return len(convs) > 0
	})
	target := convs[0]
	if err := inbox.SendMessage(app.SendMessageParams{ConversationID: target.ID, Text: "Sent from the desktop app"}); err != nil {
		t.Fatal(err)
	}
	agent := client.New(st.ServerURL).WithToken(cfg.Token)
	waitFor(t, "the reply on the server", func() bool {
		msgs, _ := agent.ListMessages(context.Background(), target.ID, chat.MessageFilter{Limit: 50})
		return len(msgs) > 0 && msgs[len(msgs)-1].Text == "Sent from the desktop app"
	})
	waitFor(t, "the outbox to empty", func() bool {
		v, _ := inbox.ListMessages(app.ListMessagesParams{ConversationID: target.ID})
		return v != nil && len(v.Pending) == 0
	})
	res, err := inbox.Search(app.SearchParams{Query: "desktop app"})
	if err != nil || len(res) == 0 {
		t.Fatalf("local search: %+v %v", res, err)
	}
	if err := s.SignOut(); err != nil {
		t.Fatal(err)
	}
	if _, err := agent.UnreadCounts(context.Background()); client.Code(err) != chat.EUnauthorized {
		t.Fatalf("token still valid after sign-out: %v", err)
	}
	if cfg, _ := app.LoadConfig(dir); cfg.Token != "" {
		t.Fatal("token still saved after sign-out")
	}
}
