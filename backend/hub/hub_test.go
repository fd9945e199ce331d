package hub_test

import (
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/hub"
)

var (
	support   = chat.Actor{Kind: chat.KindUser, ID: 1, Support: true, SessionID: 11}
	dev       = chat.Actor{Kind: chat.KindUser, ID: 2, SessionID: 12}
	customerA = chat.Actor{Kind: chat.KindCustomer, ID: 100, SessionID: 13}
	customerB = chat.Actor{Kind: chat.KindCustomer, ID: 200, SessionID: 14}
)

func msg(seq, customer int64, participants ...int64) *chat.Event {
	return &chat.Event{Seq: seq, Type: chat.EventMessageCreated, Scope: chat.ScopeConversation, ConversationID: 1,
		CustomerID: customer, Participants: participants}
}

// drain returns the seqs of queued stored events (ephemeral ones, seq 0,
// are skipped).
func drain(s *hub.Sub) []int64 {
	var out []int64
	for ev := s.Next(); ev != nil; ev = s.Next() {
		if ev.Seq != 0 {
			out = append(out, ev.Seq)
		}
	}
	return out
}

func TestDeliversByAudience(t *testing.T) {
	h := hub.New(10)
	subs := map[string]*hub.Sub{}
	for name, a := range map[string]chat.Actor{"support": support, "dev": dev, "A": customerA, "B": customerB} {
		s, head := h.Subscribe(a, 8)
		if head != 10 {
			t.Fatalf("head = %d", head)
		}
		subs[name] = s
	}
	h.Publish([]*chat.Event{
		msg(11, 100),                    // A's conversation
		msg(12, 200, 2),                 // B's, dev takes part
		msg(13, 0, 2),                   // team conversation with dev
		{Seq: 14, Scope: chat.ScopeAll}, // helpdesk status
		{Seq: 15, Scope: chat.ScopeUser, UserID: 1},
	})
	want := map[string][]int64{"support": {11, 12, 14, 15}, "dev": {12, 13, 14}, "A": {11, 14}, "B": {12, 14}}
	for name, s := range subs {
		got := drain(s)
		if len(got) != len(want[name]) {
			t.Fatalf("%s got %v, want %v", name, got, want[name])
		}
		for i := range got {
			if got[i] != want[name][i] {
				t.Fatalf("%s got %v, want %v", name, got, want[name])
			}
		}
	}
	if h.Head() != 15 {
		t.Fatalf("head = %d", h.Head())
	}
}

func TestSlowConsumerIsDroppedAlone(t *testing.T) {
	h := hub.New(0)
	slow, _ := h.Subscribe(support, 2)
	if slow.Next() == nil { // its own presence
		t.Fatal("no presence event")
	}
	fast, _ := h.Subscribe(customerA, 100)
	for seq := int64(1); seq <= 5; seq++ {
		h.Publish([]*chat.Event{msg(seq, 100)})
		drainOne(fast)
	}
	select {
	case <-slow.Done():
	default:
		t.Fatal("slow subscriber not dropped")
	}
	if slow.Reason() != hub.ReasonSlow {
		t.Fatalf("reason = %s", slow.Reason())
	}
	select {
	case <-fast.Done():
		t.Fatal("fast subscriber dropped")
	default:
	}
	if h.Len() != 1 {
		t.Fatalf("Len = %d", h.Len())
	}
	// What the slow one had queued is still readable: it was delivered in
	// order before the drop, and the client resumes after it.
	if got := drain(slow); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("slow queue = %v", got)
	}
}

func drainOne(s *hub.Sub) { s.Next() }

func TestCloseSessionUserAndShutdown(t *testing.T) {
	h := hub.New(0)
	s1, _ := h.Subscribe(support, 1)
	s2, _ := h.Subscribe(chat.Actor{Kind: chat.KindUser, ID: 1, Support: true, SessionID: 99}, 1)
	s3, _ := h.Subscribe(customerA, 1)
	h.CloseSession(11)
	if !closed(s1) || closed(s2) || closed(s3) {
		t.Fatal("CloseSession closed the wrong streams")
	}
	h.CloseUser(1)
	if !closed(s2) || closed(s3) || s2.Reason() != hub.ReasonRevoked {
		t.Fatal("CloseUser closed the wrong streams")
	}
	h.Shutdown()
	if !closed(s3) || s3.Reason() != hub.ReasonShutdown {
		t.Fatal("Shutdown left a stream open")
	}
	late, _ := h.Subscribe(customerB, 1)
	if !closed(late) {
		t.Fatal("subscribed after shutdown")
	}
	h.Unsubscribe(s1) // twice is fine
	h.Unsubscribe(s1)
}

func closed(s *hub.Sub) bool {
	select {
	case <-s.Done():
		return true
	default:
		return false
	}
}

// BenchmarkPublishManyIdleCustomers: one event against 100,000 idle
// customer streams and 20 agents; the audience index keeps it cheap.
func BenchmarkPublishManyIdleCustomers(b *testing.B) {
	h := hub.New(0)
	for i := int64(0); i < 100_000; i++ {
		h.Subscribe(chat.Actor{Kind: chat.KindCustomer, ID: i + 1}, 4)
	}
	agents := make([]*hub.Sub, 20)
	for i := range agents {
		agents[i], _ = h.Subscribe(chat.Actor{Kind: chat.KindUser, ID: int64(i + 1), Support: true}, 1<<20)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Publish([]*chat.Event{msg(int64(i+1), int64(i%100_000)+1)})
		if i%1000 == 999 {
			for _, a := range agents {
				drain(a)
			}
		}
	}
}

func TestPresenceWithGrace(t *testing.T) {
	h := hub.New(0)
	h.Grace = 50 * time.Millisecond
	watcher, _ := h.Subscribe(dev, 16)
	presence := func() []string {
		var out []string
		for end := time.Now().Add(150 * time.Millisecond); time.Now().Before(end); {
			ev := watcher.Next()
			if ev == nil {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			if ev.Type == chat.EventPresence {
				out = append(out, string(ev.Data))
			}
		}
		return out
	}
	presence() // dev's own
	a, _ := h.Subscribe(support, 4)
	b, _ := h.Subscribe(chat.Actor{Kind: chat.KindUser, ID: 1, Support: true, SessionID: 77}, 4)
	if got := presence(); len(got) != 1 || got[0] != `{"user_id":1,"online":true}` {
		t.Fatalf("two streams of user 1: %v", got)
	}
	// One stream closes: still online. A quick reconnect: no flicker.
	h.Unsubscribe(a)
	h.Unsubscribe(b)
	c, _ := h.Subscribe(support, 4)
	if got := presence(); len(got) != 0 || !h.Online()[1] {
		t.Fatalf("reconnect within grace: %v online=%v", got, h.Online())
	}
	h.Unsubscribe(c)
	if got := presence(); len(got) != 1 || got[0] != `{"user_id":1,"online":false}` || h.Online()[1] {
		t.Fatalf("after grace: %v", got)
	}
	// Customers have no presence and never see the team's.
	v, _ := h.Subscribe(customerA, 4)
	h.Subscribe(support, 4)
	time.Sleep(20 * time.Millisecond)
	if ev := v.Next(); ev != nil {
		t.Fatalf("customer got %s", ev.Type)
	}
}

func TestEphemeralTyping(t *testing.T) {
	h := hub.New(5)
	sup, _ := h.Subscribe(support, 8)
	a, _ := h.Subscribe(customerA, 8)
	b, _ := h.Subscribe(customerB, 8)
	drain(sup)
	h.Ephemeral(&chat.Event{Type: chat.EventTyping, Scope: chat.ScopeConversation, ConversationID: 3, CustomerID: customerA.ID})
	for name, tc := range map[string]struct {
		s    *hub.Sub
		want bool
	}{"support": {sup, true}, "A": {a, true}, "B": {b, false}} {
		got := false
		for ev := tc.s.Next(); ev != nil; ev = tc.s.Next() {
			if ev.Type == chat.EventTyping && ev.Seq == 0 {
				got = true
			}
		}
		if got != tc.want {
			t.Errorf("%s got typing = %t", name, got)
		}
	}
	if h.Head() != 5 {
		t.Fatalf("ephemeral event moved the head to %d", h.Head())
	}
}

// TestEncodesOncePerEvent: every stream an event reaches gets the same
// frame bytes, encoded once at publish (chat.Event.Frame).
func TestEncodesOncePerEvent(t *testing.T) {
	h := hub.New(0)
	s1, _ := h.Subscribe(support, 4)
	s2, _ := h.Subscribe(chat.Actor{Kind: chat.KindUser, ID: 9, Support: true}, 4)
	ev := &chat.Event{Seq: 1, Type: chat.EventMessageCreated, Scope: chat.ScopeTeam, Data: []byte(`{"id":1}`)}
	h.Publish([]*chat.Event{ev})
	next := func(s *hub.Sub) *chat.Event { // past the presence events
		for e := s.Next(); e != nil; e = s.Next() {
			if e.Type != chat.EventPresence {
				return e
			}
			if e.Frame == nil {
				t.Fatal("a presence event without its frame")
			}
		}
		return nil
	}
	a, b := next(s1), next(s2)
	want, err := chat.EncodeEventFrame(ev)
	if err != nil || a.Frame == nil || a.Frame != b.Frame {
		t.Fatalf("frames %p and %p (%v): one for both streams", a.Frame, b.Frame, err)
	}
	ba, _ := a.Frame.Bytes(a)
	bb, _ := b.Frame.Bytes(b)
	if string(ba) != string(want) || &ba[0] != &bb[0] {
		t.Fatalf("frame %q, want %q, encoded once", ba, want)
	}
	typing := &chat.Event{Type: chat.EventTyping, Scope: chat.ScopeTeam, Data: []byte(`{}`)}
	h.Publish([]*chat.Event{typing})
	e1 := next(s1)
	if got, _ := e1.Frame.Bytes(e1); !strings.HasPrefix(string(got), `{"type":"ephemeral"`) {
		t.Fatalf("an ephemeral event's frame: %s", got)
	}
}

// TestQueueKeepsOrderAndBound: events come out in publish order while
// puts and takes interleave, the bound counts only waiting events, and a
// stream that never runs dry does not grow its buffer (the taken slots are
// reused).
func TestQueueKeepsOrderAndBound(t *testing.T) {
	h := hub.New(0)
	s, _ := h.Subscribe(customerA, 4)
	next := int64(1)
	want := int64(1)
	h.Publish([]*chat.Event{msg(next, customerA.ID)}) // one ahead throughout
	next++
	for round := 0; round < 1000; round++ {
		for range 3 {
			h.Publish([]*chat.Event{msg(next, customerA.ID)})
			next++
		}
		for range 3 { // one stays: the queue never runs dry
			ev := s.Next()
			if ev == nil || ev.Seq != want {
				t.Fatalf("round %d: got %v, want seq %d", round, ev, want)
			}
			want++
		}
		select {
		case <-s.Done():
			t.Fatalf("round %d: dropped (%s) with at most 4 waiting of 4", round, s.Reason())
		default:
		}
		if c := s.BufferCap(); c > 8 {
			t.Fatalf("round %d: the buffer grew to %d slots for at most 4 waiting", round, c)
		}
		select {
		default:
		}
	}
	for ev := s.Next(); ev != nil; ev = s.Next() {
		if ev.Seq != want {
			t.Fatalf("tail: seq %d, want %d", ev.Seq, want)
		}
		want++
	}
	if want != next {
		t.Fatalf("took %d events of %d", want-1, next-1)
	}
	s.Idle()
	if c := s.BufferCap(); c != 0 {
		t.Fatalf("an idle subscription keeps %d slots", c)
	}
	// Five waiting of four: dropped as slow.
	for range 5 {
		h.Publish([]*chat.Event{msg(next, customerA.ID)})
		next++
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("a fifth waiting event did not drop the subscription")
	}
}
