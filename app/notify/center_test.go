package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/backend/chat"
)

// TestMain runs the tests on a private D-Bus session bus: if there is none,
// it runs itself again under dbus-run-session.
func TestMain(m *testing.M) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		cmd := exec.Command("dbus-run-session", append([]string{"--", os.Args[0]}, os.Args[1:]...)...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				os.Exit(ee.ExitCode())
			}
			fmt.Fprintln(os.Stderr, "dbus-run-session:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type shown struct{ summary, body string }

// notificationServer owns org.freedesktop.Notifications on the session bus
// and reports every Notify call, as a desktop's notification daemon would.
type notificationServer struct {
	got  chan shown
	caps []string
}

func (s *notificationServer) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.got <- shown{summary, body}
	return 1, nil
}
func (s *notificationServer) GetCapabilities() ([]string, *dbus.Error) { return s.caps, nil }
func (s *notificationServer) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "deskchat-test", "deskchat", "1", "1.2", nil
}
func (s *notificationServer) CloseNotification(id uint32) *dbus.Error { return nil }

// serveNotifications serves with the capabilities of a usual daemon (dunst,
// GNOME, KDE): the body is markup.
func serveNotifications(t *testing.T) chan shown {
	return serveNotificationsWith(t, "body", "body-markup", "actions")
}

func serveNotificationsWith(t *testing.T, caps ...string) chan shown {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	srv := &notificationServer{got: make(chan shown, 32), caps: caps}
	if err := conn.Export(srv, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own the notification service: %v %v", reply, err)
	}
	return srv.got
}

func ev(seq int64, typ string, conv int64, data any) *chat.Event {
	b, _ := json.Marshal(data)
	return &chat.Event{Seq: seq, Type: typ, ConversationID: conv, Data: b}
}

func msg(id, conv int64, kind chat.ActorKind, author int64, name, text string) *chat.Event {
	return ev(id+100, chat.EventMessageCreated, conv, chat.Message{ID: id, ConversationID: conv,
		Author: chat.Author{Kind: kind, ID: author, Name: name}, Text: text, CreatedAt: time.Now()})
}

// fixture: I am user 2 with the support flag; conversation 1 is Sally's,
// 2 a team chat I am in, 3 a team chat I am not in.
func fixture(t *testing.T) (*localstore.Store, *notify.Center, chan shown) {
	return fixtureWith(t, serveNotifications(t))
}

func fixtureWith(t *testing.T, got chan shown) (*localstore.Store, *notify.Center, chan shown) {
	st, err := localstore.Open(filepath.Join(t.TempDir(), "local.db"), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now()
	err = st.Apply(context.Background(), []*chat.Event{
		ev(1, chat.EventUserCreated, 0, chat.User{ID: 2, Name: "Me", Support: true, Active: true}),
		ev(2, chat.EventConversationCreated, 1, chat.Conversation{ID: 1, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 7,
			Customer: &chat.Customer{ID: 7, Name: "Sally C"}, LastActivityAt: now}),
		ev(3, chat.EventConversationCreated, 2, chat.Conversation{ID: 2, Kind: chat.ConversationTeam, Status: chat.StatusOpen,
			Participants: []chat.Participant{{UserID: 2}, {UserID: 3}}, LastActivityAt: now}),
		ev(4, chat.EventConversationCreated, 3, chat.Conversation{ID: 3, Kind: chat.ConversationTeam, Status: chat.StatusOpen,
			Participants: []chat.Participant{{UserID: 3}, {UserID: 4}}, LastActivityAt: now}),
	}, 4, "e")
	if err != nil {
		t.Fatal(err)
	}
	c := &notify.Center{Notifier: notify.Beeep{}, Store: st, Window: 200 * time.Millisecond}
	return st, c, got
}

func expect(t *testing.T, got chan shown, want []shown) {
	t.Helper()
	var seen []shown
	deadline := time.After(600 * time.Millisecond)
	for {
		select {
		case s := <-got:
			seen = append(seen, s)
		case <-deadline:
			if fmt.Sprint(seen) != fmt.Sprint(want) {
				t.Fatalf("notifications = %v, want %v", seen, want)
			}
			return
		}
	}
}

func TestNotificationsOnDBus(t *testing.T) {
	_, c, got := fixture(t)
	tests := []struct {
		name   string
		events []*chat.Event
		live   bool
		setup  func()
		want   []shown
	}{
		{"customer message", []*chat.Event{msg(10, 1, chat.KindCustomer, 7, "Sally C", "Where is my\norder?")}, true, nil,
			[]shown{{"Sally C", "Where is my order?"}}},
		{"new customer conversation", []*chat.Event{ev(20, chat.EventConversationCreated, 1, chat.Conversation{ID: 1}),
			msg(11, 1, chat.KindCustomer, 7, "Sally C", "Hello")}, true, nil, []shown{{"New conversation from \u2068Sally C\u2069", "Hello"}}},
		{"my own message", []*chat.Event{msg(12, 1, chat.KindUser, 2, "Me", "hi")}, true, nil, nil},
		{"history during sync", []*chat.Event{msg(13, 1, chat.KindCustomer, 7, "Sally C", "old")}, false, nil, nil},
		{"system note", []*chat.Event{ev(114, chat.EventMessageCreated, 1, chat.Message{ID: 14, ConversationID: 1,
			Author: chat.Author{Kind: chat.KindSystem}, System: "closed", Text: "closed"})}, true, nil, nil},
		{"teammate in my conversation", []*chat.Event{msg(15, 2, chat.KindUser, 3, "Tom", "lunch?")}, true, nil,
			[]shown{{"Tom", "lunch?"}}},
		{"teammate elsewhere", []*chat.Event{msg(16, 3, chat.KindUser, 3, "Tom", "not for me")}, true, nil, nil},
		{"open and focused", []*chat.Event{msg(17, 1, chat.KindCustomer, 7, "Sally C", "seen")}, true,
			func() { c.SetView(1, true) }, nil},
		{"open but window not focused", []*chat.Event{msg(18, 1, chat.KindCustomer, 7, "Sally C", "unseen")}, true,
			func() { c.SetView(1, false) }, []shown{{"Sally C", "unseen"}}},
		{"muted", []*chat.Event{msg(19, 1, chat.KindCustomer, 7, "Sally C", "quiet")}, true,
			func() { c.SetView(0, false); c.SetMuted(true) }, nil},
		{"burst from three customers", []*chat.Event{
			msg(30, 1, chat.KindCustomer, 7, "Sally C", "a"), msg(31, 1, chat.KindCustomer, 7, "Sally C", "b"),
			msg(32, 1, chat.KindCustomer, 8, "Marco", "c"), msg(33, 1, chat.KindCustomer, 9, "Priya", "d"),
			msg(34, 1, chat.KindCustomer, 9, "Priya", "e")}, true, func() { c.SetMuted(false) },
			[]shown{{"deskchat", "5 new messages from 3 customers"}}},
		// An @mention reaches me where nothing else would (conversation 3
		// is not mine); an assignment to me too, as its note mentions me.
		{"mentioned in a note", []*chat.Event{ev(150, chat.EventMessageCreated, 3, chat.Message{ID: 50, ConversationID: 3,
			Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Tom"}, Text: "@Me can you look?", Internal: true, Mentions: []int64{2}})},
			true, nil, []shown{{"⁨Tom⁩ mentioned you", "@Me can you look?"}}},
		{"someone else mentioned", []*chat.Event{ev(151, chat.EventMessageCreated, 3, chat.Message{ID: 51, ConversationID: 3,
			Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Tom"}, Text: "@Ann", Internal: true, Mentions: []int64{4}})},
			true, nil, nil},
		{"assigned to me", []*chat.Event{ev(152, chat.EventMessageCreated, 1, chat.Message{ID: 52, ConversationID: 1,
			Author: chat.Author{Kind: chat.KindSystem}, System: chat.NoteAssigned, Internal: true, Mentions: []int64{2},
			Text: "⁨Ann⁩ assigned this conversation to ⁨Me⁩."})},
			true, nil, []shown{{"Conversation assigned to you", "⁨Ann⁩ assigned this conversation to ⁨Me⁩."}}},
		{"mentioned while looking at it", []*chat.Event{ev(153, chat.EventMessageCreated, 3, chat.Message{ID: 53, ConversationID: 3,
			Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Tom"}, Text: "@Me", Internal: true, Mentions: []int64{2}})},
			true, func() { c.SetView(3, true) }, nil},
		// User text is text in the body's markup (the daemon reads markup).
		{"markup in a message", []*chat.Event{msg(40, 1, chat.KindCustomer, 7, "Sally C", "Is 2 < 3 & 4 > 1? <b>urgent</b>")}, true, nil,
			[]shown{{"Sally C", "Is 2 &lt; 3 &amp; 4 &gt; 1? &lt;b&gt;urgent&lt;/b&gt;"}}},
		// A name cannot reverse the sentence around it.
		{"right-to-left override in a name", []*chat.Event{ev(41, chat.EventConversationCreated, 1, chat.Conversation{ID: 1}),
			msg(42, 1, chat.KindCustomer, 7, "Sally\u202e", "hi")}, true, nil,
			[]shown{{"New conversation from \u2068Sally\u202e\u202c\u2069", "hi"}}},
		// What was unsaid before the window closed is not shown.
		{"deleted before shown", []*chat.Event{msg(43, 1, chat.KindCustomer, 7, "Sally C", "my password is hunter2"),
			ev(143, chat.EventMessageDeleted, 1, chat.Message{ID: 43, ConversationID: 1, Author: chat.Author{Kind: chat.KindCustomer, ID: 7},
				DeletedAt: ptr(time.Now())})}, true, nil, nil},
		{"edited before shown", []*chat.Event{msg(44, 1, chat.KindCustomer, 7, "Sally C", "my pin is 1234"),
			ev(144, chat.EventMessageEdited, 1, chat.Message{ID: 44, ConversationID: 1, Author: chat.Author{Kind: chat.KindCustomer, ID: 7},
				Text: "my pin is (removed)", EditedAt: ptr(time.Now())})}, true, nil, []shown{{"Sally C", "my pin is (removed)"}}},
		{"customer erased before shown", []*chat.Event{msg(45, 1, chat.KindCustomer, 7, "Sally C", "forget me"),
			ev(145, chat.EventCustomerErased, 0, chat.CustomerErased{Customer: &chat.Customer{ID: 7}, ConversationIDs: []int64{1}})}, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			// A burst may also arrive over several calls within the window.
			for _, e := range tt.events {
				c.Events([]*chat.Event{e}, tt.live)
			}
			expect(t, got, tt.want)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestPlainBodyDaemon: a daemon that does not read markup gets the text as
// it is (escaping it would show "&lt;").
func TestPlainBodyDaemon(t *testing.T) {
	_, c, got := fixtureWith(t, serveNotificationsWith(t, "body"))
	c.Events([]*chat.Event{msg(50, 1, chat.KindCustomer, 7, "Sally C", "Is 2 < 3 & 4 > 1?")}, true)
	expect(t, got, []shown{{"Sally C", "Is 2 < 3 & 4 > 1?"}})
}

// TestNoNotificationService: with nobody owning the service, beeep fails
// (D-Bus and notify-send alike); the center reports each failure and goes
// on showing the next ones.
func TestNoNotificationService(t *testing.T) {
	if err := (notify.Beeep{}).Notify("t", "b"); err == nil {
		t.Fatal("Notify succeeded with no notification service on the bus")
	}
	st, c, _ := fixtureWith(t, nil)
	_ = st
	f := &failing{calls: make(chan string, 4)}
	c.Notifier = f
	for i, text := range []string{"first", "second"} {
		c.Events([]*chat.Event{msg(int64(60+i), 1, chat.KindCustomer, 7, "Sally C", text)}, true)
		select {
		case body := <-f.calls:
			if body != text {
				t.Fatalf("notifier got %q, want %q", body, text)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("the center stopped notifying after a failure (%s)", text)
		}
	}
}

type failing struct{ calls chan string }

func (f *failing) Notify(_, body string) error {
	f.calls <- body
	return fmt.Errorf("no notification service")
}
