package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	stdpng "image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/deskchat/deskchat/app"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/media/mediatest"
)

// recorder stands in for the Wails window and the tray icon (both need a
// display and a D-Bus host; the tray itself is tested under D-Bus in e2e).
type recorder struct {
	mu sync.Mutex
	seen
}

// seen is what the window and tray were last told.
type seen struct {
	title   string
	size    [2]int
	onTop   bool
	hidden  bool
	unread  int
	online  *bool
	quitted bool
	paused  bool
	noTray  bool
}

func (r *recorder) SetTitle(t string)     { r.mu.Lock(); r.title = t; r.mu.Unlock() }
func (r *recorder) SetSize(w, h int)      { r.mu.Lock(); r.size = [2]int{w, h}; r.mu.Unlock() }
func (r *recorder) SetAlwaysOnTop(b bool) { r.mu.Lock(); r.onTop = b; r.mu.Unlock() }
func (r *recorder) Show()                 { r.mu.Lock(); r.hidden = false; r.mu.Unlock() }
func (r *recorder) Hide()                 { r.mu.Lock(); r.hidden = true; r.mu.Unlock() }
func (r *recorder) Quit()                 { r.mu.Lock(); r.quitted = true; r.mu.Unlock() }
func (r *recorder) SetUnread(n int)       { r.mu.Lock(); r.unread = n; r.mu.Unlock() }
func (r *recorder) SetOnline(b bool)      { r.mu.Lock(); r.online = &b; r.mu.Unlock() }
func (r *recorder) SetPaused(b bool)      { r.mu.Lock(); r.paused = b; r.mu.Unlock() }
func (r *recorder) Available() bool       { r.mu.Lock(); defer r.mu.Unlock(); return !r.noTray }
func (r *recorder) get() seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen
}

// TestAgentServices drives the services the agent UI binds, against the
// embedded helpdesk: items from a conversation, details, people, a team
// conversation, the helpdesk switch reaching the tray, the window title
// following unread counts, compact mode, hide on close, edit and delete.
func TestAgentServices(t *testing.T) {
	rec := &recorder{}
	a := app.New("test", app.NopEmitter{}, nil, filepath.Join(t.TempDir(), "first", "start")) // created on demand
	s, desktop, inbox, items, people, helpdesk := a.Session, a.Desktop, a.Inbox, a.Items, a.People, a.Helpdesk
	desktop.Badge = rec
	desktop.Start(rec)
	if err := s.Startup(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	waitFor(t, "sync", func() bool { return s.Status().Sync.Phase == "connected" })
	var convs []*chat.Conversation
	waitFor(t, "conversations", func() bool {
		convs, _ = inbox.ListConversations(app.ListParams{Section: "customers", Status: "open"})
		return len(convs) > 1
	})

	// The window title and tray follow the unread count.
	total, err := inbox.UnreadTotal()
	if err != nil || total == 0 {
		t.Fatalf("unread total = %d, %v (demo data has unread conversations)", total, err)
	}
	waitFor(t, "title with the unread count", func() bool { return rec.get().title == app.Title(s.Language(), total) && rec.get().unread == total })
	var unreadConv *chat.Conversation
	for _, c := range convs {
		if c.Unread > 0 {
			unreadConv = c
			break
		}
	}
	if err := inbox.OpenConversation(app.OpenParams{ConversationID: unreadConv.ID, Focused: true}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "title after reading one", func() bool { return rec.get().title == app.Title(s.Language(), total-1) })

	// A ticket from the conversation, pre-filled by the server, edited.
	conv := convs[0]
	prop, err := items.ProposeItem(app.ProposeItemParams{ConversationID: conv.ID, Type: chat.ItemTicket})
	if err != nil || prop.Title == "" || prop.ConversationID != conv.ID {
		t.Fatalf("proposal = %+v, %v", prop, err)
	}
	prop.Title = "Edited: " + prop.Title
	it, err := items.CreateItem(*prop)
	if err != nil || it.Number == 0 || !strings.HasPrefix(it.Title, "Edited: ") {
		t.Fatalf("create = %+v, %v", it, err)
	}
	waitFor(t, "the item chip in the local store", func() bool {
		c, _ := inbox.FindConversationByID(app.ConversationParams{ConversationID: conv.ID})
		return c != nil && c.Item != nil && c.Item.Number == it.Number
	})
	status := chat.ItemInProgress
	if it, err = items.UpdateItem(app.UpdateItemParams{Number: it.Number, ItemUpdate: chat.ItemUpdate{Status: &status}}); err != nil || it.Status != status {
		t.Fatalf("update = %+v, %v", it, err)
	}
	team, err := people.ListUsers()
	if err != nil || len(team) < 3 {
		t.Fatalf("team = %v, %v", team, err)
	}
	ben := team[1]
	if it, err = items.SetItemRole(app.ItemRoleParams{Number: it.Number, UserID: ben.ID, Role: chat.RoleAssignee, On: true}); err != nil || len(it.Assignees) != 1 {
		t.Fatalf("assign = %+v, %v", it, err)
	}
	testFiles(t, a, conv.ID)
	testCapabilities(t, a, conv.ID)
	found, err := items.FindItems("#" + itoa(it.Number))
	if err != nil || len(found) != 1 || found[0].Number != it.Number {
		t.Fatalf("find = %v, %v", found, err)
	}
	if _, err := items.LinkConversation(app.LinkParams{ConversationID: convs[1].ID, Number: it.Number}); err != nil {
		t.Fatal(err)
	}
	if got, err := items.FindItemByNumber(it.Number); err != nil || len(got.Conversations) != 2 {
		t.Fatalf("details = %+v, %v", got, err)
	}
	if _, err := items.FindItemByNumber(99999); err == nil || err == app.ErrOffline {
		t.Fatalf("unknown item: %v", err)
	}

	// People.
	cd, err := people.FindCustomerDetails(conv.CustomerID)
	if err != nil || cd.Name == "" || len(cd.Conversations) == 0 || len(cd.Items) == 0 {
		t.Fatalf("customer = %+v, %v", cd, err)
	}
	tc, err := people.CreateConversation(app.CreateConversationParams{ParticipantIDs: []int64{ben.ID}, Text: "Can you look at the PayPal ticket?"})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := inbox.FindConversationByID(app.ConversationParams{ConversationID: tc.ID}); err != nil || c.Kind != chat.ConversationTeam {
		t.Fatalf("team conversation not in the local store at once: %+v, %v", c, err)
	}

	// The helpdesk switch reaches the tray through the event stream.
	if _, err := helpdesk.SetOnline(false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the tray to show offline", func() bool { o := rec.get().online; return o != nil && !*o })
	if snip := helpdesk.WidgetSnippet(); !strings.Contains(snip, s.Status().ServerURL+"/widget.js") {
		t.Fatalf("snippet = %s", snip)
	}
	msg := "Offline now, back at 9"
	if st, err := helpdesk.UpdateSettings(chat.SettingsUpdate{OfflineMessage: &msg}); err != nil || st.OfflineMessage != msg {
		t.Fatalf("settings = %+v, %v", st, err)
	}

	// Edit and delete my message through the outbox.
	if err := inbox.SendMessage(app.SendMessageParams{ConversationID: conv.ID, Text: "first try"}); err != nil {
		t.Fatal(err)
	}
	var mine *chat.Message
	waitFor(t, "my message", func() bool {
		v, _ := inbox.ListMessages(app.ListMessagesParams{ConversationID: conv.ID})
		if v == nil || len(v.Pending) > 0 {
			return false
		}
		for _, m := range v.Messages {
			if m.Text == "first try" {
				mine = m
			}
		}
		return mine != nil
	})
	if err := inbox.EditMessage(app.EditMessageParams{ConversationID: conv.ID, MessageID: mine.ID, Text: "second try"}); err != nil {
		t.Fatal(err)
	}
	cfg, _ := app.LoadConfig(s.Dir)
	agent := client.New(cfg.ServerURL).WithToken(cfg.Token)
	waitFor(t, "the edit on the server", func() bool {
		msgs, _ := agent.ListMessages(context.Background(), conv.ID, chat.MessageFilter{Limit: 100})
		for _, m := range msgs {
			if m.ID == mine.ID {
				return m.Text == "second try" && m.EditedAt != nil
			}
		}
		return false
	})
	if err := inbox.DeleteMessage(app.MessageRef{ConversationID: conv.ID, MessageID: mine.ID}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the delete in the local store", func() bool {
		v, _ := inbox.ListMessages(app.ListMessagesParams{ConversationID: conv.ID})
		for _, m := range v.Messages {
			if m.ID == mine.ID {
				return m.DeletedAt != nil
			}
		}
		return false
	})
	// Editing someone else's message is refused and kept with Retry/Discard.
	if err := inbox.EditMessage(app.EditMessageParams{ConversationID: conv.ID, MessageID: conv.LastMessage.ID, Text: "not mine"}); err != nil {
		t.Fatal(err)
	}
	var failed string
	waitFor(t, "the refusal", func() bool {
		v, _ := inbox.ListMessages(app.ListMessagesParams{ConversationID: conv.ID})
		for _, p := range v.Pending {
			if p.Failed != "" {
				failed = p.ClientID
			}
		}
		return failed != ""
	})
	if err := inbox.Discard(failed); err != nil {
		t.Fatal(err)
	}
	if v, _ := inbox.ListMessages(app.ListMessagesParams{ConversationID: conv.ID}); len(v.Pending) != 0 {
		t.Fatalf("pending after discard: %+v", v.Pending)
	}
	if err := inbox.Typing(app.TypingParams{ConversationID: conv.ID}); err != nil {
		t.Fatal(err)
	}

	// Compact mode and hide on close.
	desktop.SetCompact(true)
	if r := rec.get(); r.size != [2]int{app.CompactWidth, app.CompactHeight} || r.onTop {
		t.Fatalf("compact: %+v", r)
	}
	if desktop.BeforeClose() {
		t.Fatal("close hid the window although hide-on-close is off")
	}
	if err := desktop.SetPrefs(app.Prefs{HideOnClose: true, CompactOnTop: true}); err != nil {
		t.Fatal(err)
	}
	if !rec.get().onTop {
		t.Fatal("always on top not applied in compact mode")
	}
	rec.mu.Lock()
	rec.noTray = true
	rec.mu.Unlock()
	if desktop.BeforeClose() || desktop.Prefs().Tray {
		t.Fatal("without a tray host, closing must not hide the window (it could not be found again)")
	}
	rec.mu.Lock()
	rec.noTray = false
	rec.mu.Unlock()
	if !desktop.BeforeClose() || !rec.get().hidden {
		t.Fatal("close did not hide to the tray")
	}
	desktop.Open(0)
	if r := rec.get(); r.hidden || r.size != [2]int{app.FullWidth, app.FullHeight} || r.onTop {
		t.Fatalf("open: %+v", r)
	}
	desktop.Quit()
	if desktop.BeforeClose() || !rec.get().quitted {
		t.Fatal("quit must close for real")
	}
	if p := desktop.Prefs(); !p.HideOnClose || !p.CompactOnTop || !p.Tray {
		t.Fatalf("prefs = %+v", p)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// dialogs answers the native file dialogs.
type dialogs struct {
	open []string
	save string
}

func (d dialogs) OpenFiles(string) ([]string, error)      { return d.open, nil }
func (d dialogs) SaveFile(string, string) (string, error) { return d.save, nil }

// testFiles: a pasted image and a file from the dialog go out with a
// reply; the message shows them through the cache (thumbnail, large
// view, save); staged files that are taken back or unknown are refused.
func testFiles(t *testing.T, a *app.App, convID int64) {
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "guide.pdf")
	os.WriteFile(pdfPath, []byte("%PDF-1.4 the guide"), 0o600)
	saved := filepath.Join(dir, "saved.pdf")
	a.Files.Dialogs = dialogs{open: []string{pdfPath}, save: saved}
	png := mediatest.PNG(400, 300)
	shot, err := a.Files.Stage(app.StageParams{ConversationID: convID, Name: "paste\u202E.png", Data: base64.StdEncoding.EncodeToString(png)})
	if err != nil || !shot.Image || shot.Name != "paste.png" || shot.Size != int64(len(png)) {
		t.Fatalf("stage = %+v, %v", shot, err)
	}
	picked, err := a.Files.Pick(app.ConversationParams{ConversationID: convID})
	if err != nil || len(picked) != 1 || picked[0].Name != "guide.pdf" || picked[0].Image {
		t.Fatalf("pick = %+v, %v", picked, err)
	}
	if _, err := a.Files.Stage(app.StageParams{ConversationID: convID, Name: "empty.txt", Data: ""}); err == nil {
		t.Fatal("an empty file was staged")
	}
	// A file staged in another conversation's composer never goes here.
	elsewhere, _ := a.Files.Stage(app.StageParams{ConversationID: convID + 1, Name: "for-someone-else.txt", Data: base64.StdEncoding.EncodeToString([]byte("x"))})
	if err := a.Inbox.SendMessage(app.SendMessageParams{ConversationID: convID, Files: []string{elsewhere.Token}}); err == nil {
		t.Fatal("a file staged for another conversation was sent here")
	}
	gone, _ := a.Files.Stage(app.StageParams{ConversationID: convID, Name: "gone.txt", Data: base64.StdEncoding.EncodeToString([]byte("x"))})
	a.Files.Unstage(gone.Token)
	if err := a.Inbox.SendMessage(app.SendMessageParams{ConversationID: convID, Files: []string{gone.Token}}); err == nil {
		t.Fatal("a file taken back was sent")
	}
	if err := a.Inbox.SendMessage(app.SendMessageParams{ConversationID: convID, Files: []string{shot.Token, picked[0].Token}}); err != nil {
		t.Fatal(err)
	}
	var m *chat.Message
	waitFor(t, "the reply with two files in the local store", func() bool {
		v, _ := a.Inbox.ListMessages(app.ListMessagesParams{ConversationID: convID})
		for _, x := range v.Messages {
			if len(x.Attachments) == 2 {
				m = x
			}
		}
		return m != nil
	})
	img, pdf := m.Attachments[0], m.Attachments[1]
	if !img.Image || img.Name != "paste.png" || pdf.Name != "guide.pdf" || pdf.Image {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	thumb, err := a.Files.Thumbnail(app.FileRef{MessageID: m.ID, ID: img.ID})
	if err != nil || !strings.HasPrefix(thumb, "data:image/jpeg;base64,") {
		t.Fatalf("thumbnail = %.40s, %v", thumb, err)
	}
	large, err := a.Files.Open(app.FileRef{MessageID: m.ID, ID: img.ID})
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(large, "data:image/png;base64,"))
	if cfg, err2 := stdpng.DecodeConfig(bytes.NewReader(raw)); err != nil || err2 != nil || cfg.Width != 400 || cfg.Height != 300 {
		t.Fatalf("open = %.40s, %v %v", large, err, err2)
	}
	if _, err := a.Files.Open(app.FileRef{MessageID: m.ID, ID: pdf.ID}); err == nil {
		t.Fatal("a PDF opened as an image")
	}
	if p, err := a.Files.Save(app.FileRef{MessageID: m.ID, ID: pdf.ID}); err != nil || p != saved {
		t.Fatal(p, err)
	}
	if b, _ := os.ReadFile(saved); string(b) != "%PDF-1.4 the guide" {
		t.Fatalf("saved %q", b)
	}
	if _, err := a.Files.Thumbnail(app.FileRef{MessageID: m.ID, ID: chat.NewAttachmentID()}); err == nil {
		t.Fatal("an attachment the message does not carry was served")
	}
}

// testCapabilities: what the API could always do, through the app: the
// audit of an edited message (admins), adding a teammate, my time zone,
// my password.
func testCapabilities(t *testing.T, a *app.App, convID int64) {
	if err := a.Inbox.SendMessage(app.SendMessageParams{ConversationID: convID, Text: "first wording"}); err != nil {
		t.Fatal(err)
	}
	var m *chat.Message
	waitFor(t, "the reply", func() bool {
		v, _ := a.Inbox.ListMessages(app.ListMessagesParams{ConversationID: convID})
		for _, x := range v.Messages {
			if x.Text == "first wording" {
				m = x
			}
		}
		return m != nil && len(v.Pending) == 0
	})
	if err := a.Inbox.EditMessage(app.EditMessageParams{ConversationID: convID, MessageID: m.ID, Text: "second wording"}); err != nil {
		t.Fatal(err)
	}
	var audit []*chat.AuditEntry
	waitFor(t, "the audit of the edit", func() bool {
		audit, _ = a.Inbox.MessageAudit(app.MessageRef{ConversationID: convID, MessageID: m.ID})
		return len(audit) == 1
	})
	if audit[0].OldText != "first wording" || audit[0].NewText != "second wording" {
		t.Fatalf("audit = %+v", audit[0])
	}
	// The whole conversation as a transcript, from the local store.
	out := filepath.Join(t.TempDir(), "transcript.html")
	a.Files.Dialogs = dialogs{save: out}
	if p, err := a.Inbox.ExportConversation(app.ExportParams{ConversationID: convID, Format: "html"}); err != nil || p != out {
		t.Fatal(p, err)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "second wording") || !strings.Contains(string(b), "default-src 'none'") {
		t.Fatalf("transcript: %.300s", b)
	}
	// A search result too, from the local store.
	out = filepath.Join(t.TempDir(), "search.txt")
	a.Files.Dialogs = dialogs{save: out}
	if p, err := a.Inbox.ExportSearch(app.ExportSearchParams{SearchParams: app.SearchParams{Query: "second wording"}, Format: "text"}); err != nil || p != out {
		t.Fatal(p, err)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "Search results for \u2068second wording\u2069") ||
		!strings.Contains(string(b), "    \u2068second wording\u2069\n") {
		t.Fatalf("search export: %.400s", b)
	}
	team, _ := a.People.ListUsers()
	var dana *chat.User
	for _, u := range team {
		if u.Email == "dana@deskchat.test" {
			dana = u
		}
	}
	c, err := a.Inbox.AddParticipant(app.ParticipantParams{ConversationID: convID, UserID: dana.ID})
	if err != nil || !c.HasParticipant(dana.ID) {
		t.Fatalf("add participant: %v", err)
	}
	if u, err := a.People.SetTimeZone("Europe/Berlin"); err != nil || u.TimeZone != "Europe/Berlin" {
		t.Fatalf("time zone: %+v %v", u, err)
	}
	if _, err := a.People.SetTimeZone("Mars/Olympus"); err == nil {
		t.Fatal("an unknown time zone was taken")
	}
	if err := a.Session.ChangePassword(app.PasswordParams{Current: "wrong", Next: "another password"}); err == nil {
		t.Fatal("a wrong current password changed it")
	}
	if err := a.Session.ChangePassword(app.PasswordParams{Current: "deskchat-demo", Next: "another password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Inbox.MessageAudit(app.MessageRef{ConversationID: convID, MessageID: m.ID}); err != nil {
		t.Fatalf("this session ended with the password change: %v", err)
	}
}
