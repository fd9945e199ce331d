package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app"
	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/demo"
	"github.com/deskchat/deskchat/backend/server"
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
	// Settings' link opens the preview in the system's browser.
	w := &openerWindow{}
	desktop := &app.DesktopService{Session: s, Window: w}
	if err := desktop.OpenPreview(); err != nil || w.url != st.PreviewURL {
		t.Fatalf("OpenPreview opened %q (%v), want %q", w.url, err, st.PreviewURL)
	}
	if err := (&app.DesktopService{Session: s}).OpenPreview(); chat.ErrorCode(err) != chat.EUnavailable {
		t.Fatalf("OpenPreview without a window: %v", err)
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
	// Switching to another server ends this session for real: the token
	// is revoked and the embedded helpdesk stops (nothing uses it).
	firstStores, _ := filepath.Glob(filepath.Join(dir, "local-*.db"))
	firstStore := ""
	for _, f := range firstStores {
		if filepath.Base(f) != "local-helpdesk.db" {
			firstStore = f
		}
	}
	other, otherSrv := otherServer(t)
	if _, err := s.SignIn(app.SignInParams{ServerURL: other, Email: "ben@deskchat.test", Password: demo.Password}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.New(st.ServerURL).Me(context.Background()); err == nil || client.Code(err) != "" {
		t.Fatalf("the embedded helpdesk still answers after switching: %v", err)
	}
	// Its database says the token was revoked before it stopped.
	local, err := server.OpenStore(filepath.Join(dir, "local-helpdesk.db"), nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = local.Authenticate(context.Background(), auth.HashToken(agent.Token), time.Now())
	local.Close()
	if chat.ErrorCode(err) != chat.EUnauthorized {
		t.Fatalf("the first server's token still works after switching: %v", err)
	}
	if s.Status().PreviewURL != "" {
		t.Fatal("a preview URL of a stopped helpdesk")
	}
	cfg, _ = app.LoadConfig(dir)
	second := client.New(other).WithToken(cfg.Token)
	stores := func() []string {
		m, _ := filepath.Glob(filepath.Join(dir, "local-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].db"))
		return m
	}
	locals := stores()
	if len(locals) != 2 {
		t.Fatalf("local stores: %v", locals)
	}
	secondStore := locals[0]
	if secondStore == firstStore {
		secondStore = locals[1]
	}
	// Sign-out with Forget: the token is revoked, and this server's local
	// copy leaves the disk; the other server's stays.
	if err := s.SignOut(app.SignOutParams{Forget: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := second.UnreadCounts(context.Background()); client.Code(err) != chat.EUnauthorized {
		t.Fatalf("token still valid after sign-out: %v", err)
	}
	if cfg, _ := app.LoadConfig(dir); cfg.Token != "" {
		t.Fatal("token still saved after sign-out")
	}
	if left := stores(); len(left) != 1 || left[0] == secondStore {
		t.Fatalf("after sign-out with forget: %v (forgotten: %s)", left, secondStore)
	}
	if beside, _ := filepath.Glob(secondStore + "*"); len(beside) != 0 {
		t.Fatalf("left beside the forgotten store: %v", beside)
	}
	// Offline, a link to an item waits in the outbox (ItemService's own
	// offline path: the server is gone, not refusing).
	if _, err := s.SignIn(app.SignInParams{ServerURL: other, Email: "ben@deskchat.test", Password: demo.Password}); err != nil {
		t.Fatal(err)
	}
	cfg, _ = app.LoadConfig(dir)
	second = client.New(other).WithToken(cfg.Token)
	items := &app.ItemService{Session: s}
	it, err := second.CreateItem(context.Background(), chat.NewItem{Type: chat.ItemTask, Title: "follow up"})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := second.ListConversations(context.Background(), client.ConversationQuery{Section: chat.SectionCustomers})
	waitFor(t, "the item in the local store", func() bool {
		res, _ := inbox.Search(app.SearchParams{Query: "follow up"})
		for _, r := range res {
			if r.ItemNumber == it.Number {
				return true
			}
		}
		return false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	otherSrv.Shutdown(ctx)
	cancel()
	waitFor(t, "the engine to notice", func() bool { return s.Status().Sync.Phase != "connected" })
	if _, err := items.LinkConversation(app.LinkParams{ConversationID: page.Conversations[0].ID, Number: it.Number}); err != nil {
		t.Fatalf("an offline link was not queued: %v", err)
	}
	v, _ := inbox.ListMessages(app.ListMessagesParams{ConversationID: page.Conversations[0].ID})
	if len(v.Pending) != 1 || v.Pending[0].Kind != "link_conversation" || v.Pending[0].ItemNumber != it.Number {
		t.Fatalf("pending = %+v", v.Pending)
	}
}

// otherServer runs a second helpdesk with demo data on loopback.
func otherServer(t *testing.T) (string, *server.Server) {
	t.Helper()
	srv, err := server.Open(server.Config{DB: filepath.Join(t.TempDir(), "other.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(context.Background(), srv.Store); err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return srv.URL(), srv
}

// openerWindow is a window that records the page it was asked to open.
type openerWindow struct{ url string }

func (w *openerWindow) SetTitle(string)     {}
func (w *openerWindow) SetSize(int, int)    {}
func (w *openerWindow) SetAlwaysOnTop(bool) {}
func (w *openerWindow) Show()               {}
func (w *openerWindow) Hide()               {}
func (w *openerWindow) Quit()               {}
func (w *openerWindow) OpenURL(url string)  { w.url = url }
