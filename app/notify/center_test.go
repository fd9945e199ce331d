package notify_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/app/notify/notifytest"
	"github.com/deskchat/deskchat/backend/chat"
)

// TestMain runs the tests on a private D-Bus session bus.
func TestMain(m *testing.M) { os.Exit(notifytest.RunUnderBus(m.Run)) }

func ev(seq int64, typ string, conv int64, data any) *chat.Event {
	b, _ := json.Marshal(data)
	return &chat.Event{Seq: seq, Type: typ, ConversationID: conv, Data: b}
}

func msg(id, conv int64, kind chat.ActorKind, author int64, name, text string) *chat.Event {
	return ev(id+100, chat.EventMessageCreated, conv, chat.Message{ID: id, ConversationID: conv,
		Author: chat.Author{Kind: kind, ID: author, Name: name}, Text: text, CreatedAt: time.Now()})
}

func ptr[T any](v T) *T { return &v }

// acts records what the center asked the app to do.
type acts struct {
	mu  sync.Mutex
	got []string
}

func (a *acts) add(s string) { a.mu.Lock(); a.got = append(a.got, s); a.mu.Unlock() }
func (a *acts) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.got)
}

// fixture: I am user 2 with the support flag; conversation 1 is Sally's,
// 2 a team chat I am in, 3 a team chat I am not in.
func fixture(t *testing.T, caps ...string) (*localstore.Store, *notify.Center, *notifytest.Server, *acts) {
	t.Helper()
	if len(caps) == 0 {
		caps = []string{"body", "body-markup", "actions"}
	}
	srv := notifytest.Start(t, caps...)
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
	d := notify.NewDesktop("", nil)
	t.Cleanup(d.Close)
	a := &acts{}
	c := &notify.Center{Notifier: d, Store: st,
		OnOpen:    func(id int64) { a.add("open " + itoa(id)) },
		OnCompose: func(id int64) { a.add("compose " + itoa(id)) },
		OnReply:   func(id int64, text string) { a.add("reply " + itoa(id) + " " + text) },
		OnRead:    func(id int64) { a.add("read " + itoa(id)) },
		OnClose:   func(id int64) { a.add("close " + itoa(id)) },
	}
	c.Start(false)
	t.Cleanup(c.Stop)
	return st, c, srv, a
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// shown is a Notify as summary and body.
type shown struct{ summary, body string }

// expect collects the Notify calls for a moment and compares.
func expect(t *testing.T, srv *notifytest.Server, want []shown) []notifytest.Call {
	t.Helper()
	var seen []shown
	var calls []notifytest.Call
	// Until as many as wanted came (a loaded machine gets 3 s for each),
	// then a quiet moment that shows no more come.
	for {
		wait := 500 * time.Millisecond
		if len(calls) < len(want) {
			wait = 3 * time.Second
		}
		c, ok := srv.Next(wait)
		if !ok {
			break
		}
		calls = append(calls, c)
		seen = append(seen, shown{c.Summary, c.Body})
	}
	if !slices.Equal(seen, want) {
		t.Fatalf("notifications = %q, want %q", seen, want)
	}
	return calls
}

func TestWhatNotifies(t *testing.T) {
	_, c, srv, _ := fixture(t)
	tests := []struct {
		name   string
		events []*chat.Event
		live   bool
		setup  func()
		want   []shown
	}{
		{"customer message", []*chat.Event{msg(10, 1, chat.KindCustomer, 7, "Sally C", "Where is my\norder?")}, true, nil,
			[]shown{{"Sally C", "Where is my order?"}}},
		{"my own message", []*chat.Event{msg(12, 1, chat.KindUser, 2, "Me", "hi")}, true, nil, nil},
		{"system note", []*chat.Event{ev(114, chat.EventMessageCreated, 1, chat.Message{ID: 14, ConversationID: 1,
			Author: chat.Author{Kind: chat.KindSystem}, System: "closed", Text: "closed"})}, true, nil, nil},
		{"teammate in my conversation", []*chat.Event{msg(15, 2, chat.KindUser, 3, "Tom", "lunch?")}, true, nil,
			[]shown{{"Tom", "lunch?"}}},
		{"teammate elsewhere", []*chat.Event{msg(16, 3, chat.KindUser, 3, "Tom", "not for me")}, true, nil, nil},
		{"open and focused", []*chat.Event{msg(17, 1, chat.KindCustomer, 7, "Sally C", "seen")}, true,
			func() { c.SetView(1, true) }, nil},
		{"open but window not focused", []*chat.Event{msg(18, 1, chat.KindCustomer, 7, "Sally C", "unseen")}, true,
			func() { c.SetView(1, false) }, []shown{{"Sally C", "unseen"}}}, // looking at it withdrew the earlier one
		// An @mention reaches me where nothing else would (3 is not mine);
		// an assignment to me too (its note mentions me).
		{"mentioned in a note", []*chat.Event{ev(150, chat.EventMessageCreated, 3, chat.Message{ID: 50, ConversationID: 3,
			Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Tom"}, Text: "@Me can you look?", Internal: true, Mentions: []int64{2}})},
			true, func() { c.SetView(0, false) }, []shown{{"\u2068Tom\u2069 mentioned you", "@Me can you look?"}}},
		{"someone else mentioned", []*chat.Event{ev(151, chat.EventMessageCreated, 3, chat.Message{ID: 51, ConversationID: 3,
			Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Tom"}, Text: "@Ann", Internal: true, Mentions: []int64{4}})},
			true, nil, nil},
		// User text is text in the body's markup (the daemon reads markup).
		{"markup in a message", []*chat.Event{msg(40, 2, chat.KindUser, 3, "Tom", "Is 2 < 3 & 4 > 1? <b>urgent</b>")}, true, nil,
			[]shown{{"Tom", "2 new messages · Is 2 &lt; 3 &amp; 4 &gt; 1? &lt;b&gt;urgent&lt;/b&gt;"}}},
		// A name cannot reverse the sentence around it.
		{"right-to-left override in a name", []*chat.Event{ev(41, chat.EventConversationCreated, 1, chat.Conversation{ID: 1}),
			msg(42, 1, chat.KindCustomer, 7, "Sally\u202e", "hi")}, true, func() { c.SetView(1, true); c.SetView(0, false) },
			[]shown{{"New conversation from \u2068Sally\u202e\u202c\u2069", "hi"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			c.Events(tt.events, tt.live)
			expect(t, srv, tt.want)
		})
	}
}

// TestOneNotificationPerConversation: a new message replaces the
// conversation's notification (same id); reading it on any device
// withdraws it; an edit re-shows it, a delete withdraws it.
func TestOneNotificationPerConversation(t *testing.T) {
	_, c, srv, _ := fixture(t)
	c.Events([]*chat.Event{ev(20, chat.EventConversationCreated, 1, chat.Conversation{ID: 1}), msg(60, 1, chat.KindCustomer, 7, "Sally C", "Hello")}, true)
	first := expect(t, srv, []shown{{"New conversation from \u2068Sally C\u2069", "Hello"}})[0]
	if !first.HasAction("default") || !first.HasAction("reply") || !first.HasAction("read") || !first.HasAction("close") {
		t.Fatalf("a customer message's actions = %q", first.Actions)
	}
	c.Events([]*chat.Event{msg(61, 1, chat.KindCustomer, 7, "Sally C", "Anyone?")}, true)
	second := expect(t, srv, []shown{{"Sally C", "2 new messages · Anyone?"}})[0]
	if second.Replaces != first.ID || second.ID != first.ID {
		t.Fatalf("the second message made notification %d (replacing %d), want it to replace %d", second.ID, second.Replaces, first.ID)
	}
	// Edited: shown as it is now, without a sound; deleted: gone.
	c.Events([]*chat.Event{ev(162, chat.EventMessageEdited, 1, chat.Message{ID: 61, ConversationID: 1,
		Author: chat.Author{Kind: chat.KindCustomer, ID: 7, Name: "Sally C"}, Text: "Anyone there?", EditedAt: ptr(time.Now())})}, true)
	edited := expect(t, srv, []shown{{"Sally C", "2 new messages · Anyone there?"}})[0]
	if edited.ID != first.ID || edited.Hints["suppress-sound"].Value() != true {
		t.Fatalf("edit: id %d, hints %v", edited.ID, edited.Hints)
	}
	c.Events([]*chat.Event{ev(163, chat.EventMessageDeleted, 1, chat.Message{ID: 61, ConversationID: 1,
		Author: chat.Author{Kind: chat.KindCustomer, ID: 7}, DeletedAt: ptr(time.Now())})}, true)
	waitClosed(t, srv, first.ID)
	// Read on another device: the read.updated event withdraws it.
	c.Events([]*chat.Event{msg(64, 1, chat.KindCustomer, 7, "Sally C", "hello again")}, true)
	again := expect(t, srv, []shown{{"Sally C", "hello again"}})[0]
	c.Events([]*chat.Event{ev(165, chat.EventReadUpdated, 1, chat.ReadState{ConversationID: 1, UserID: 2, LastReadMessageID: 64})}, true)
	waitClosed(t, srv, again.ID)
	// An erased customer's notification goes.
	c.Events([]*chat.Event{msg(66, 1, chat.KindCustomer, 7, "Sally C", "forget me")}, true)
	erased := expect(t, srv, []shown{{"Sally C", "forget me"}})[0]
	c.Events([]*chat.Event{ev(167, chat.EventCustomerErased, 0, chat.CustomerErased{Customer: &chat.Customer{ID: 7}, ConversationIDs: []int64{1}})}, true)
	waitClosed(t, srv, erased.ID)
}

func waitClosed(t *testing.T, srv *notifytest.Server, id uint32) {
	t.Helper()
	for end := time.Now().Add(3 * time.Second); !slices.Contains(srv.Closed(), id); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("notification %d was not withdrawn (closed: %v)", id, srv.Closed())
		}
	}
}

func waitActs(t *testing.T, a *acts, want ...string) {
	t.Helper()
	for end := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got := a.list()
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("acts = %q, want %q", got, want)
		}
	}
}

// TestActions: the server's signals become the app's acts.
func TestActions(t *testing.T) {
	_, c, srv, a := fixture(t, "body", "body-markup", "actions", "inline-reply")
	c.Events([]*chat.Event{msg(70, 1, chat.KindCustomer, 7, "Sally C", "Hi")}, true)
	n := expect(t, srv, []shown{{"Sally C", "Hi"}})[0]
	if !n.HasAction("inline-reply") || n.HasAction("reply") {
		t.Fatalf("with inline reply the actions are %q", n.Actions)
	}
	srv.Invoke(n.ID, "default")
	waitActs(t, a, "open 1")
	srv.Reply(n.ID, "On it!")
	waitActs(t, a, "open 1", "reply 1 On it!")
	waitClosed(t, srv, n.ID)
	c.Events([]*chat.Event{msg(71, 1, chat.KindCustomer, 7, "Sally C", "Thanks")}, true)
	n = expect(t, srv, []shown{{"Sally C", "Thanks"}})[0]
	srv.Invoke(n.ID, "read")
	waitActs(t, a, "open 1", "reply 1 On it!", "read 1")
	waitClosed(t, srv, n.ID)
	c.Events([]*chat.Event{msg(72, 1, chat.KindCustomer, 7, "Sally C", "Bye")}, true)
	n = expect(t, srv, []shown{{"Sally C", "Bye"}})[0]
	srv.Invoke(n.ID, "close")
	waitActs(t, a, "open 1", "reply 1 On it!", "read 1", "close 1")
	// Without inline reply, Reply opens the compact composer.
	srv.SetCapabilities("body", "body-markup", "actions")
	c.Events([]*chat.Event{msg(73, 1, chat.KindCustomer, 7, "Sally C", "Again")}, true)
	n = expect(t, srv, []shown{{"Sally C", "Again"}})[0]
	if !n.HasAction("reply") || n.HasAction("inline-reply") {
		t.Fatalf("without inline reply the actions are %q", n.Actions)
	}
	srv.Invoke(n.ID, "reply")
	waitActs(t, a, "open 1", "reply 1 On it!", "read 1", "close 1", "compose 1")
	// A teammate's message: a click, no customer actions.
	c.Events([]*chat.Event{msg(74, 2, chat.KindUser, 3, "Tom", "ping")}, true)
	n = expect(t, srv, []shown{{"Tom", "ping"}})[0]
	if !n.HasAction("default") || n.HasAction("reply") || n.HasAction("read") {
		t.Fatalf("a teammate's message's actions = %q", n.Actions)
	}
}

// TestQuietTimes: the desktop's do-not-disturb, the app's pause, a muted
// conversation and the global mute show nothing.
func TestQuietTimes(t *testing.T) {
	_, c, srv, _ := fixture(t)
	srv.SetInhibited(true)
	c.Events([]*chat.Event{msg(80, 1, chat.KindCustomer, 7, "Sally C", "during do-not-disturb")}, true)
	expect(t, srv, nil)
	srv.SetInhibited(false)
	c.SetPrefs(notify.Prefs{PausedUntil: time.Now().Add(time.Hour)})
	c.Events([]*chat.Event{msg(81, 1, chat.KindCustomer, 7, "Sally C", "paused")}, true)
	expect(t, srv, nil)
	c.SetPrefs(notify.Prefs{PausedUntil: time.Now().Add(-time.Second)}) // the pause is over
	c.Events([]*chat.Event{msg(85, 2, chat.KindUser, 3, "Tom", "after the pause")}, true)
	expect(t, srv, []shown{{"Tom", "after the pause"}})
	c.SetPrefs(notify.Prefs{MutedConvs: map[int64]bool{1: true}})
	c.Events([]*chat.Event{msg(82, 1, chat.KindCustomer, 7, "Sally C", "muted conversation"), msg(83, 2, chat.KindUser, 3, "Tom", "not muted")}, true)
	expect(t, srv, []shown{{"Tom", "2 new messages · not muted"}})
	c.SetPrefs(notify.Prefs{Muted: true})
	c.Events([]*chat.Event{msg(84, 2, chat.KindUser, 3, "Tom", "all muted")}, true)
	expect(t, srv, nil)
}

// TestSound: customer messages ring (the server's sound where it has one,
// the app's player elsewhere); teammates' messages and the sound switch
// off do not.
func TestSound(t *testing.T) {
	_, c, srv, _ := fixture(t, "body", "actions", "sound")
	c.Events([]*chat.Event{msg(90, 1, chat.KindCustomer, 7, "Sally C", "ring")}, true)
	n := expect(t, srv, []shown{{"Sally C", "ring"}})[0]
	file, _ := n.Hints["sound-file"].Value().(string)
	if data, err := os.ReadFile(file); err != nil || len(data) < 1000 || string(data[:4]) != "RIFF" {
		t.Fatalf("sound-file hint %q: %v", file, err)
	}
	c.Events([]*chat.Event{msg(91, 2, chat.KindUser, 3, "Tom", "quiet")}, true)
	if n := expect(t, srv, []shown{{"Tom", "quiet"}})[0]; n.Hints["suppress-sound"].Value() != true || n.Hints["sound-file"].Value() != nil {
		t.Fatalf("a teammate's message rang: %v", n.Hints)
	}
	c.SetPrefs(notify.Prefs{SoundOff: true})
	c.Events([]*chat.Event{msg(92, 1, chat.KindCustomer, 7, "Sally C", "silent")}, true)
	if n := expect(t, srv, []shown{{"Sally C", "2 new messages · silent"}})[0]; n.Hints["suppress-sound"].Value() != true {
		t.Fatalf("the sound switch is off, yet: %v", n.Hints)
	}
}

// TestSoundPlayer: a server without the sound capability: the app plays
// the file itself.
func TestSoundPlayer(t *testing.T) {
	srv := notifytest.Start(t, "body", "actions")
	dir := t.TempDir()
	player := filepath.Join(dir, "player.sh")
	played := filepath.Join(dir, "played")
	os.WriteFile(player, []byte("#!/bin/sh\necho \"$1\" > "+played+"\n"), 0o755)
	d := notify.NewDesktop("", nil)
	defer d.Close()
	d.Player = []string{player}
	if err := d.Show(notify.Notification{Key: "c:1", Title: "Sally", Body: "ring", Sound: true}); err != nil {
		t.Fatal(err)
	}
	expect(t, srv, []shown{{"Sally", "ring"}})
	for end := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(played); err == nil && strings.HasSuffix(strings.TrimSpace(string(b)), "message.wav") {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the player was not run with the sound file")
		}
	}
}

// TestCatchingUpIsNotSilence: what arrived while the app was away (40
// messages in 8 new conversations) brings one summary on catching up; the
// very first sync of a store brings none.
func TestCatchingUpIsNotSilence(t *testing.T) {
	st, c, srv, a := fixture(t)
	var batch []*chat.Event
	now := time.Now()
	for i := int64(0); i < 8; i++ {
		id := 100 + i
		conv := chat.Conversation{ID: id, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 50 + i,
			Customer: &chat.Customer{ID: 50 + i, Name: "Visitor"}, LastActivityAt: now}
		batch = append(batch, ev(1000+i, chat.EventConversationCreated, id, conv))
		for j := int64(0); j < 5; j++ {
			batch = append(batch, ev(2000+i*10+j, chat.EventMessageCreated, id, chat.Message{ID: 500 + i*10 + j, ConversationID: id,
				Author: chat.Author{Kind: chat.KindCustomer, ID: 50 + i, Name: "Visitor"}, Text: "hello", CreatedAt: now}))
		}
	}
	if err := st.Apply(context.Background(), batch, 3000, "e"); err != nil {
		t.Fatal(err)
	}
	c.Events(batch, false)
	expect(t, srv, nil) // nothing while catching up
	c.CaughtUp()
	n := expect(t, srv, []shown{{"deskchat", "8 new conversations, 40 messages while you were away"}})[0]
	c.CaughtUp() // a second caught-up with nothing new: nothing
	expect(t, srv, nil)
	srv.Invoke(n.ID, "default")
	waitActs(t, a, "open 0")

	// A first sync: its history is no news.
	st2, err := localstore.Open(filepath.Join(t.TempDir(), "first.db"), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	st2.Apply(context.Background(), append([]*chat.Event{ev(1, chat.EventUserCreated, 0, chat.User{ID: 2, Name: "Me", Support: true, Active: true})}, batch...), 3000, "e")
	d := notify.NewDesktop("", nil)
	defer d.Close()
	first := &notify.Center{Notifier: d, Store: st2}
	first.Start(true)
	defer first.Stop()
	first.Events(batch, false)
	first.CaughtUp()
	expect(t, srv, nil)
}

// TestWaitingReminder: a customer waiting longer than the setting gets
// the agents reminded once per wait (a follow-up message is the same
// wait); an answer ends the wait; waits that passed their limit before the
// app started are no news (no flood at every start); nothing while the
// local store is not current.
func TestWaitingReminder(t *testing.T) {
	srv := notifytest.Start(t, "body", "actions")
	st, err := localstore.Open(filepath.Join(t.TempDir(), "local.db"), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	settings := chat.DefaultSettings()
	settings.WaitingReminder = 2 // "minutes" of 50 ms below
	old := time.Now().Add(-time.Hour)
	seq := int64(0)
	apply := func(evs ...*chat.Event) {
		t.Helper()
		seq += int64(len(evs))
		if err := st.Apply(context.Background(), evs, seq, "e"); err != nil {
			t.Fatal(err)
		}
	}
	cust := func(id, conv, customer int64, name, text string, at time.Time) *chat.Event {
		return ev(id+1000, chat.EventMessageCreated, conv, chat.Message{ID: id, ConversationID: conv,
			Author: chat.Author{Kind: chat.KindCustomer, ID: customer, Name: name}, Text: text, CreatedAt: at})
	}
	apply(ev(1, chat.EventUserCreated, 0, chat.User{ID: 2, Name: "Me", Support: true, Active: true}),
		ev(2, chat.EventHelpdeskUpdated, 0, settings),
		ev(3, chat.EventConversationCreated, 1, chat.Conversation{ID: 1, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 7,
			Customer: &chat.Customer{ID: 7, Name: "Sally C"}, LastActivityAt: old}),
		cust(10, 1, 7, "Sally C", "an hour ago", old), // waited long before this start: no news
		// Someone else's: assigned to user 3, no reminder for me.
		ev(5, chat.EventConversationCreated, 2, chat.Conversation{ID: 2, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 8,
			Customer: &chat.Customer{ID: 8, Name: "Marco"}, LastActivityAt: old}),
		ev(6, chat.EventConversationUpdated, 2, chat.Conversation{ID: 2, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 8,
			Assignee: &chat.Person{ID: 3, Name: "Ben"}, LastActivityAt: old}))
	d := notify.NewDesktop("", nil)
	defer d.Close()
	c := &notify.Center{Notifier: d, Store: st, ReminderEvery: 20 * time.Millisecond, ReminderUnit: 50 * time.Millisecond}
	c.Start(false)
	defer c.Stop()
	apply(cust(11, 2, 8, "Marco", "ciao?", time.Now()))
	apply(ev(7, chat.EventConversationCreated, 3, chat.Conversation{ID: 3, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 9,
		Customer: &chat.Customer{ID: 9, Name: "Priya"}, LastActivityAt: time.Now()}), cust(12, 3, 9, "Priya", "hello?", time.Now()))
	time.Sleep(200 * time.Millisecond)
	expect(t, srv, nil) // not connected yet: the store may be behind
	c.SetConnected(true)
	n := expect(t, srv, []shown{{"\u2068Priya\u2069 is waiting", "No answer for 2 minutes: hello?"}})[0]
	if !n.HasAction("reply") {
		t.Fatalf("a reminder's actions = %q", n.Actions)
	}
	// A follow-up is the same wait: no second reminder.
	apply(cust(13, 3, 9, "Priya", "hello??", time.Now()))
	expect(t, srv, nil)
	// An agent answers; the customer writes again: a new wait, one reminder.
	apply(ev(8, chat.EventMessageCreated, 3, chat.Message{ID: 14, ConversationID: 3,
		Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Ben"}, Text: "here", CreatedAt: time.Now()}))
	expect(t, srv, nil)
	apply(cust(15, 3, 9, "Priya", "and now?", time.Now()))
	expect(t, srv, []shown{{"\u2068Priya\u2069 is waiting", "No answer for 2 minutes: and now?"}})
}

// TestStopLeavesNothingBehind: a stopped center (sign-out) withdraws its
// notifications, and a click on one left from it does nothing in the next
// center (the next account) sharing the notifier.
func TestStopLeavesNothingBehind(t *testing.T) {
	st, c, srv, a := fixture(t)
	c.Events([]*chat.Event{msg(95, 1, chat.KindCustomer, 7, "Sally C", "before sign-out")}, true)
	n := expect(t, srv, []shown{{"Sally C", "before sign-out"}})[0]
	d := c.Notifier
	c.Stop()
	waitClosed(t, srv, n.ID)
	b := &acts{}
	next := &notify.Center{Notifier: d, Store: st, OnClose: func(id int64) { b.add("close " + itoa(id)) }}
	next.Start(false)
	defer next.Stop()
	srv.Invoke(n.ID, "close")
	time.Sleep(300 * time.Millisecond)
	if got := append(a.list(), b.list()...); len(got) != 0 {
		t.Fatalf("a notification of the old session acted: %q", got)
	}
}

// TestHungOrMissingServer: a daemon that does not answer costs a
// notification, never the sync engine's time; without a session bus
// nothing hangs and no bus is started.
func TestHungOrMissingServer(t *testing.T) {
	_, c, srv, _ := fixture(t)
	srv.SetDelay(5 * time.Second)
	start := time.Now()
	for i := range 5 {
		c.Events([]*chat.Event{msg(int64(300+i), 1, chat.KindCustomer, 7, "Sally C", "slow")}, true)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Fatalf("Events took %v with a hung daemon", d)
	}
	srv.SetDelay(0)
	// The calls still in flight end here, not in the next test's server.
	c.Stop()
	c.Notifier.(*notify.Desktop).Close()
	time.Sleep(3 * time.Second)

	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	d := notify.NewDesktop("", nil)
	defer d.Close()
	start = time.Now()
	err := d.Show(notify.Notification{Key: "c:1", Title: "Sally", Body: "no bus"})
	if d.Quiet() || time.Since(start) > 5*time.Second {
		t.Fatalf("without a bus: quiet %t after %v", d.Quiet(), time.Since(start))
	}
	t.Logf("without a bus: %v", err)
}

// TestWithoutActions: a server without actions gets plain notifications
// through beeep (the design card's library), body escaped where it reads
// markup and left as typed where it does not.
func TestWithoutActions(t *testing.T) {
	srv := notifytest.Start(t, "body", "body-markup")
	d := notify.NewDesktop("", nil)
	defer d.Close()
	if err := d.Show(notify.Notification{Key: "c:1", Title: "Sally C", Body: "Is 2 < 3?", Actions: true}); err != nil {
		t.Fatal(err)
	}
	n := expect(t, srv, []shown{{"Sally C", "Is 2 &lt; 3?"}})[0]
	if len(n.Actions) != 0 {
		t.Fatalf("beeep sent actions %q", n.Actions)
	}
	srv.SetCapabilities("body")
	d.Show(notify.Notification{Key: "c:1", Title: "Sally C", Body: "Is 2 < 3?"})
	expect(t, srv, []shown{{"Sally C", "Is 2 < 3?"}})
}

// TestItemAssignedToMe: an item newly assigned to me notifies once, at its
// conversation; one I created for myself, or assigned before, does not.
func TestItemAssignedToMe(t *testing.T) {
	_, c, srv, a := fixture(t)
	item := chat.Item{Number: 5, Type: chat.ItemTicket, Title: "Refund <b>order</b>", Creator: chat.Person{ID: 3, Name: "Tom"},
		Conversations: []chat.ConversationRef{{ID: 1}}}
	c.Events([]*chat.Event{ev(400, chat.EventItemCreated, 0, item)}, true)
	expect(t, srv, nil)
	item.Assignees = []chat.Person{{ID: 2, Name: "Me"}}
	c.Events([]*chat.Event{ev(401, chat.EventItemUpdated, 0, item)}, true)
	n := expect(t, srv, []shown{{"Ticket #5 assigned to you", "Refund &lt;b&gt;order&lt;/b&gt;"}})[0]
	item.Title = "Refund order 4411"
	c.Events([]*chat.Event{ev(402, chat.EventItemUpdated, 0, item)}, true) // still mine: nothing new
	expect(t, srv, nil)
	srv.Invoke(n.ID, "default")
	waitActs(t, a, "open 1")
	mine := chat.Item{Number: 6, Type: chat.ItemTask, Title: "Mine", Creator: chat.Person{ID: 2}, Assignees: []chat.Person{{ID: 2}}}
	c.Events([]*chat.Event{ev(403, chat.EventItemCreated, 0, mine)}, true)
	expect(t, srv, nil)
}

// TestGerman: notifications are written in the center's language: the
// titles, the plural forms, the summary and the actions' labels; names
// stay isolated and bodies escaped.
func TestGerman(t *testing.T) {
	_, c, srv, _ := fixture(t, "body", "body-markup", "actions", "inline-reply")
	c.Language = func() string { return "de" }
	c.Events([]*chat.Event{ev(20, chat.EventConversationCreated, 1, chat.Conversation{ID: 1}), msg(60, 1, chat.KindCustomer, 7, "Sally C", "Hallo")}, false)
	c.CaughtUp()
	expect(t, srv, []shown{{"deskchat", "1 neue Konversation, 1 Nachricht während Ihrer Abwesenheit"}})
	c.Events([]*chat.Event{ev(21, chat.EventConversationCreated, 1, chat.Conversation{ID: 1}), msg(61, 1, chat.KindCustomer, 7, "Sally C", "Ist 2 < 3?")}, true)
	n := expect(t, srv, []shown{{"Neue Konversation: \u2068Sally C\u2069", "Ist 2 &lt; 3?"}})[0]
	labels := map[string]string{}
	for i := 0; i+1 < len(n.Actions); i += 2 {
		labels[n.Actions[i]] = n.Actions[i+1]
	}
	if labels["inline-reply"] != "Antworten" || labels["read"] != "Als gelesen markieren" || labels["close"] != "Konversation schließen" ||
		n.Hints["x-kde-reply-placeholder-text"].Value() != "Dem Kunden antworten…" {
		t.Fatalf("German actions %q, hints %v", n.Actions, n.Hints)
	}
	c.Events([]*chat.Event{msg(62, 1, chat.KindCustomer, 7, "", "Noch da?")}, true)
	expect(t, srv, []shown{{"Ein Kunde", "2 neue Nachrichten · Noch da?"}})
	c.Events([]*chat.Event{ev(163, chat.EventMessageCreated, 3, chat.Message{ID: 63, ConversationID: 3,
		Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Tom"}, Text: "@Me bitte", Internal: true, Mentions: []int64{2}})}, true)
	expect(t, srv, []shown{{"\u2068Tom\u2069 hat Sie erwähnt", "@Me bitte"}})
}
