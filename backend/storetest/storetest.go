// Package storetest is the conformance suite every chat.Store runs: the
// SQLite store's tests call Run, and a PostgreSQL store would too. It
// checks behaviour through the interface only: access rules, idempotency,
// status rules, the audit trail, read state and the event log.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// Opener returns a fresh, empty store that publishes to pub and reads the
// clock now. The store is closed by the suite.
type Opener func(t *testing.T, pub chat.Publisher, now func() time.Time) chat.Store

// Recorder is a Publisher that keeps every event it was handed.
type Recorder struct {
	mu     sync.Mutex
	events []*chat.Event
}

// Publish records events.
func (r *Recorder) Publish(events []*chat.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, events...)
}

// Events returns a copy of what was published.
func (r *Recorder) Events() []*chat.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Clock is a settable clock for expiry tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a store with a small team and two customers.
type fixture struct {
	t                             *testing.T
	ctx                           context.Context
	s                             chat.Store
	rec                           *Recorder
	clock                         *Clock
	admin, support, dev, support2 chat.Actor
	customerA, customerB          chat.Actor
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), rec: &Recorder{}, clock: NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}
	f.s = open(t, f.rec, f.clock.Now)
	t.Cleanup(func() { f.s.Close() })
	f.admin = f.user("admin@test.example", "Ada Admin", true, true)
	f.support = f.user("sam@test.example", "Sam Support", false, true)
	f.support2 = f.user("sue@test.example", "Sue Support", false, true)
	f.dev = f.user("dev@test.example", "Dev NoSupport", false, false)
	f.customerA = f.customer("Alice")
	f.customerB = f.customer("Bob")
	return f
}

func (f *fixture) user(email, name string, admin, support bool) chat.Actor {
	f.t.Helper()
	u, err := f.s.CreateUser(f.ctx, chat.Operator, chat.NewUser{Email: email, Name: name, PasswordHash: "hash-" + name, Admin: admin, Support: support})
	if err != nil {
		f.t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u.Actor(0)
}

func (f *fixture) customer(name string) chat.Actor {
	f.t.Helper()
	c, err := f.s.CreateCustomer(f.ctx, chat.CustomerInfo{Name: name, PageURL: "https://shop.example/" + name})
	if err != nil {
		f.t.Fatalf("CreateCustomer: %v", err)
	}
	return chat.Actor{Kind: chat.KindCustomer, ID: c.ID, Name: name}
}

// customerConversation starts a conversation as customer v.
func (f *fixture) customerConversation(v chat.Actor, text string) (*chat.Conversation, *chat.Message) {
	f.t.Helper()
	c, m, created, err := f.s.CreateConversation(f.ctx, v, chat.NewConversation{Text: text})
	if err != nil || !created {
		f.t.Fatalf("CreateConversation: created=%t err=%v", created, err)
	}
	return c, m
}

func (f *fixture) send(a chat.Actor, convID int64, text string) *chat.Message {
	f.t.Helper()
	m, _, err := f.s.SendMessage(f.ctx, a, convID, chat.NewMessage{Text: text})
	if err != nil {
		f.t.Fatalf("SendMessage(%s): %v", text, err)
	}
	return m
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := chat.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// Run runs the whole suite against stores from open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"CustomerVisibility", testCustomerVisibility},
		{"ConversationVisibility", testConversationVisibility},
		{"TeamConversation", testTeamConversation},
		{"CloseAndCustomerReplyReopens", testCloseReopen},
		{"IdempotentSend", testIdempotentSend},
		{"IdempotentCreate", testIdempotentCreate},
		{"MessageValidation", testMessageValidation},
		{"EditDeleteAndAudit", testEditDeleteAudit},
		{"ReadStateAndUnread", testUnread},
		{"ListMessagesPaging", testPaging},
		{"ListConversationsPaging", testConversationPaging},
		{"EventsInOrderAndVisible", testEvents},
		{"EventResync", testEventResync},
		{"ConcurrentSendsPublishInOrder", testConcurrentSends},
		{"ClientIDsArePerAuthor", testClientIDPerAuthor},
		{"AuditRespectsVisibility", testAuditVisibility},
	}
	for _, tt := range slices.Concat(tests, workflowTests, redactionTests, ruleTests, teamworkTests, attachmentTests) {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newFixture(t, open))
		})
	}
}

func testUsers(t *testing.T, f *fixture) {
	_, err := f.s.CreateUser(f.ctx, chat.Operator, chat.NewUser{Email: "SAM@test.example ", Name: "Dup", PasswordHash: "x"})
	wantCode(t, err, chat.EConflict)
	for _, bad := range []chat.NewUser{
		{Email: "not-an-email", Name: "X", PasswordHash: "x"},
		{Email: "x@test.example", Name: "  ", PasswordHash: "x"},
		{Email: "y@test.example", Name: "Y", PasswordHash: ""},
		{Email: "z@test.example", Name: strings.Repeat("n", chat.MaxNameRunes+1), PasswordHash: "x"},
	} {
		_, err := f.s.CreateUser(f.ctx, chat.Operator, bad)
		wantCode(t, err, chat.EInvalid)
	}
	u, hash, err := f.s.FindUserCredentials(f.ctx, " Sam@Test.Example")
	if err != nil || u.ID != f.support.ID || hash != "hash-Sam Support" || !u.Support || u.Admin || !u.Active {
		t.Fatalf("FindUserCredentials = %+v, %q, %v", u, hash, err)
	}
	_, _, err = f.s.FindUserCredentials(f.ctx, "nobody@test.example")
	wantCode(t, err, chat.ENotFound)
	_, err = f.s.FindUserByID(f.ctx, 9999)
	wantCode(t, err, chat.ENotFound)

	users, err := f.s.ListUsers(f.ctx)
	if err != nil || len(users) != 4 {
		t.Fatalf("ListUsers = %d users, %v", len(users), err)
	}
	// Deactivation revokes sessions; reactivation does not bring them back.
	tok := []byte("token-dev-1")
	if _, err := f.s.CreateSession(f.ctx, chat.Session{TokenHash: tok, UserID: f.dev.ID, ExpiresAt: f.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	off, on := false, true
	if u, err := f.s.UpdateUser(f.ctx, chat.Operator, f.dev.ID, chat.UserUpdate{Active: &off}); err != nil || u.Active {
		t.Fatalf("deactivate: %+v %v", u, err)
	}
	if _, err := f.s.UpdateUser(f.ctx, chat.Operator, f.dev.ID, chat.UserUpdate{Active: &on}); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.s.Authenticate(f.ctx, tok, f.clock.Now())
	wantCode(t, err, chat.EUnauthorized)
	name := "Dev Renamed"
	support := true
	u, err = f.s.UpdateUser(f.ctx, chat.Operator, f.dev.ID, chat.UserUpdate{Name: &name, Support: &support})
	if err != nil || u.Name != name || !u.Support || u.Admin {
		t.Fatalf("UpdateUser = %+v, %v", u, err)
	}
	_, err = f.s.UpdateUser(f.ctx, chat.Operator, 9999, chat.UserUpdate{Name: &name})
	wantCode(t, err, chat.ENotFound)
}

func testSessions(t *testing.T, f *fixture) {
	now := f.clock.Now()
	mk := func(tok string, userID, customerID int64) *chat.Session {
		s, err := f.s.CreateSession(f.ctx, chat.Session{TokenHash: []byte(tok), UserID: userID, CustomerID: customerID, ExpiresAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s1 := mk("t1", f.support.ID, 0)
	s2 := mk("t2", f.support.ID, 0)
	sv := mk("tv", 0, f.customerA.ID)
	_, err := f.s.CreateSession(f.ctx, chat.Session{TokenHash: []byte("bad"), UserID: 1, CustomerID: 1, ExpiresAt: now})
	wantCode(t, err, chat.EInvalid)

	a, sess, err := f.s.Authenticate(f.ctx, []byte("t1"), now)
	if err != nil || a.ID != f.support.ID || !a.Support || a.SessionID != s1.ID || sess.UserID != f.support.ID {
		t.Fatalf("Authenticate(t1) = %+v, %v", a, err)
	}
	a, _, err = f.s.Authenticate(f.ctx, []byte("tv"), now)
	if err != nil || !a.IsCustomer() || a.ID != f.customerA.ID || a.SessionID != sv.ID {
		t.Fatalf("Authenticate(tv) = %+v, %v", a, err)
	}
	_, _, err = f.s.Authenticate(f.ctx, []byte("nope"), now)
	wantCode(t, err, chat.EUnauthorized)
	_, _, err = f.s.Authenticate(f.ctx, []byte("t1"), now.Add(time.Hour))
	wantCode(t, err, chat.ETokenExpired)

	// Password change keeps the current session, revokes the others.
	if err := f.s.SetUserPassword(f.ctx, f.support.ID, "new-hash", s2.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.s.Authenticate(f.ctx, []byte("t1"), now)
	wantCode(t, err, chat.EUnauthorized)
	if _, _, err := f.s.Authenticate(f.ctx, []byte("t2"), now); err != nil {
		t.Fatalf("kept session: %v", err)
	}
	if _, hash, _ := f.s.FindUserCredentials(f.ctx, "sam@test.example"); hash != "new-hash" {
		t.Fatalf("hash = %q", hash)
	}
	if err := f.s.DeleteSession(f.ctx, s2.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.s.Authenticate(f.ctx, []byte("t2"), now)
	wantCode(t, err, chat.EUnauthorized)

	if n, err := f.s.DeleteExpiredSessions(f.ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v (want the customer's one)", n, err)
	}
}

func testCustomerVisibility(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "hello")
	for _, tc := range []struct {
		who string
		a   chat.Actor
		ok  bool
	}{
		{"self", f.customerA, true},
		{"other customer", f.customerB, false},
		{"support user", f.support, true},
		{"non-support user", f.dev, false},
	} {
		_, err := f.s.FindCustomerByID(f.ctx, tc.a, f.customerA.ID)
		if (err == nil) != tc.ok {
			t.Errorf("%s: FindCustomerByID err = %v, want ok=%t", tc.who, err, tc.ok)
		}
	}
	// Once a participant, the non-support user sees the customer.
	if _, err := f.s.AddParticipant(f.ctx, f.support, conv.ID, f.dev.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.FindCustomerByID(f.ctx, f.dev, f.customerA.ID); err != nil {
		t.Errorf("participant: %v", err)
	}
	// Only the customer updates their profile; a new name is an event.
	_, err := f.s.UpdateCustomer(f.ctx, f.customerB, f.customerA.ID, chat.CustomerInfo{Name: "Mallory"})
	wantCode(t, err, chat.ENotFound)
	c, err := f.s.UpdateCustomer(f.ctx, f.customerA, f.customerA.ID, chat.CustomerInfo{Email: "Alice@Example.com", Language: "fr"})
	if err != nil || c.Name != "Alice" || c.Email != "alice@example.com" || c.Language != "fr" || c.PageURL != "https://shop.example/Alice" {
		t.Fatalf("UpdateCustomer = %+v, %v", c, err)
	}
	_, err = f.s.UpdateCustomer(f.ctx, f.customerA, f.customerA.ID, chat.CustomerInfo{Email: "not an email"})
	wantCode(t, err, chat.EInvalid)
	evs := f.rec.Events()
	if last := evs[len(evs)-1]; last.Type != chat.EventCustomerUpdated || last.CustomerID != f.customerA.ID {
		t.Fatalf("last event = %s", last.Type)
	}
}

func testConversationVisibility(t *testing.T, f *fixture) {
	convA, _ := f.customerConversation(f.customerA, "A here")
	convB, _ := f.customerConversation(f.customerB, "B here")
	team, _, _, err := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ParticipantIDs: []int64{f.support2.ID}, Text: "team talk"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who  string
		a    chat.Actor
		sees []int64
	}{
		{"customer A", f.customerA, []int64{convA.ID}},
		{"customer B", f.customerB, []int64{convB.ID}},
		{"support", f.support, []int64{convA.ID, convB.ID, team.ID}},
		{"support2", f.support2, []int64{convA.ID, convB.ID, team.ID}},
		{"admin (support, not in team chat)", f.admin, []int64{convA.ID, convB.ID}},
		{"non-support", f.dev, nil},
		{"nobody", chat.Actor{}, nil},
	} {
		t.Run(tc.who, func(t *testing.T) {
			for _, id := range []int64{convA.ID, convB.ID, team.ID} {
				_, err := f.s.FindConversationByID(f.ctx, tc.a, id)
				if want := slices.Contains(tc.sees, id); (err == nil) != want {
					t.Errorf("Find(%d) err = %v, want visible=%t", id, err, want)
				} else if err != nil {
					wantCode(t, err, chat.ENotFound)
				}
				_, err = f.s.ListMessages(f.ctx, tc.a, id, chat.MessageFilter{})
				if want := slices.Contains(tc.sees, id); (err == nil) != want {
					t.Errorf("ListMessages(%d) err = %v, want visible=%t", id, err, want)
				}
				_, _, err = f.s.SendMessage(f.ctx, tc.a, id, chat.NewMessage{Text: "probe"})
				if want := slices.Contains(tc.sees, id); (err == nil) != want {
					t.Errorf("SendMessage(%d) err = %v, want allowed=%t", id, err, want)
				}
			}
			list, err := f.s.ListConversations(f.ctx, tc.a, chat.ConversationFilter{})
			if tc.a.Kind == "" {
				wantCode(t, err, chat.EUnauthorized)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range list {
				got = append(got, c.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.sees) {
				t.Errorf("ListConversations = %v, want %v", got, tc.sees)
			}
		})
	}
}

func testTeamConversation(t *testing.T, f *fixture) {
	_, _, _, err := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{})
	wantCode(t, err, chat.EInvalid)
	_, _, _, err = f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ParticipantIDs: []int64{9999}})
	wantCode(t, err, chat.EInvalid)
	_, _, _, err = f.s.CreateConversation(f.ctx, f.customerA, chat.NewConversation{Text: "hi", ParticipantIDs: []int64{f.support.ID}})
	wantCode(t, err, chat.EInvalid)
	_, _, _, err = f.s.CreateConversation(f.ctx, f.customerA, chat.NewConversation{})
	wantCode(t, err, chat.EMessageEmpty)

	c, m, created, err := f.s.CreateConversation(f.ctx, f.dev, chat.NewConversation{ParticipantIDs: []int64{f.support.ID, f.support.ID, f.dev.ID}})
	if err != nil || !created || m != nil || c.Kind != chat.ConversationTeam || c.CustomerID != 0 || len(c.Participants) != 2 {
		t.Fatalf("team conversation = %+v, %v, %t, %v", c, m, created, err)
	}
	// Adding a participant shows them the conversation.
	_, err = f.s.FindConversationByID(f.ctx, f.support2, c.ID)
	wantCode(t, err, chat.ENotFound)
	c, err = f.s.AddParticipant(f.ctx, f.dev, c.ID, f.support2.ID)
	if err != nil || !c.HasParticipant(f.support2.ID) {
		t.Fatalf("AddParticipant = %+v, %v", c, err)
	}
	if _, err := f.s.AddParticipant(f.ctx, f.dev, c.ID, f.support2.ID); err != nil {
		t.Fatalf("adding twice: %v", err)
	}
	if _, err := f.s.FindConversationByID(f.ctx, f.support2, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.AddParticipant(f.ctx, f.customerA, c.ID, f.admin.ID)
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.AddParticipant(f.ctx, f.admin, c.ID, f.admin.ID) // admin cannot see this team chat
	wantCode(t, err, chat.ENotFound)

	// A support user replying to a customer becomes a participant.
	conv, _ := f.customerConversation(f.customerA, "help")
	f.send(f.support, conv.ID, "on it")
	got, _ := f.s.FindConversationByID(f.ctx, f.support, conv.ID)
	if !got.HasParticipant(f.support.ID) {
		t.Fatalf("writer is not a participant: %+v", got.Participants)
	}
}

func testCloseReopen(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "My order is late")
	f.send(f.support, conv.ID, "It ships today.")
	_, err := f.s.CloseConversation(f.ctx, f.customerA, conv.ID)
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.CloseConversation(f.ctx, f.dev, conv.ID)
	wantCode(t, err, chat.ENotFound)

	c, err := f.s.CloseConversation(f.ctx, f.support, conv.ID)
	if err != nil || c.Status != chat.StatusClosed || c.ClosedAt == nil {
		t.Fatalf("Close = %+v, %v", c, err)
	}
	if c, err := f.s.CloseConversation(f.ctx, f.support, conv.ID); err != nil || c.Status != chat.StatusClosed {
		t.Fatalf("closing twice = %+v, %v", c, err)
	}
	open, _ := f.s.ListConversations(f.ctx, f.support, chat.ConversationFilter{Status: chat.StatusOpen})
	closed, _ := f.s.ListConversations(f.ctx, f.support, chat.ConversationFilter{Status: chat.StatusClosed})
	if len(open) != 0 || len(closed) != 1 {
		t.Fatalf("after close: %d open, %d closed", len(open), len(closed))
	}

	// The customer's reply reopens it.
	reply := f.send(f.customerA, conv.ID, "Thanks! One more question…")
	c, _ = f.s.FindConversationByID(f.ctx, f.support, conv.ID)
	if c.Status != chat.StatusOpen || c.ClosedAt != nil || c.LastMessage == nil || c.LastMessage.ID != reply.ID {
		t.Fatalf("after customer reply: %+v", c)
	}
	msgs, _ := f.s.ListMessages(f.ctx, f.support, conv.ID, chat.MessageFilter{})
	var systems []string
	for _, m := range msgs {
		if m.System != "" {
			systems = append(systems, m.System)
			if m.Author.Kind != chat.KindSystem {
				t.Errorf("system note author = %+v", m.Author)
			}
		}
	}
	if !slices.Equal(systems, []string{"closed", "reopened"}) {
		t.Fatalf("system notes = %v", systems)
	}
	var types []string
	for _, ev := range f.rec.Events() {
		if ev.ConversationID == conv.ID && strings.HasPrefix(ev.Type, "conversation.") && ev.Type != chat.EventParticipantAdded {
			types = append(types, ev.Type)
		}
	}
	if want := []string{chat.EventConversationCreated, chat.EventConversationClosed, chat.EventConversationReopened}; !slices.Equal(types, want) {
		t.Fatalf("conversation events = %v, want %v", types, want)
	}
	// An agent's reply reopens too; explicit reopen works and is idempotent.
	f.s.CloseConversation(f.ctx, f.support, conv.ID)
	f.send(f.support2, conv.ID, "Following up")
	if c, _ := f.s.FindConversationByID(f.ctx, f.support, conv.ID); c.Status != chat.StatusOpen {
		t.Fatalf("agent reply did not reopen")
	}
	f.s.CloseConversation(f.ctx, f.support, conv.ID)
	if c, err := f.s.ReopenConversation(f.ctx, f.support, conv.ID); err != nil || c.Status != chat.StatusOpen {
		t.Fatalf("Reopen = %+v, %v", c, err)
	}
}

func testIdempotentSend(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "first")
	before := len(f.rec.Events())
	m1, created1, err1 := f.s.SendMessage(f.ctx, f.customerA, conv.ID, chat.NewMessage{ClientID: "c-42", Text: "once"})
	m2, created2, err2 := f.s.SendMessage(f.ctx, f.customerA, conv.ID, chat.NewMessage{ClientID: "c-42", Text: "once (retry)"})
	if err1 != nil || err2 != nil || !created1 || created2 || m1.ID != m2.ID || m2.Text != "once" || m2.ClientID != "c-42" {
		t.Fatalf("send twice: %+v %t %v / %+v %t %v", m1, created1, err1, m2, created2, err2)
	}
	if n := len(f.rec.Events()) - before; n != 1 {
		t.Fatalf("a repeated send published %d events, want 1 in all", n)
	}
	msgs, _ := f.s.ListMessages(f.ctx, f.customerA, conv.ID, chat.MessageFilter{})
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	// The same client id in another conversation is another message.
	conv2, _ := f.customerConversation(f.customerA, "second chat")
	m3, created3, err := f.s.SendMessage(f.ctx, f.customerA, conv2.ID, chat.NewMessage{ClientID: "c-42", Text: "elsewhere"})
	if err != nil || !created3 || m3.ID == m1.ID {
		t.Fatalf("other conversation: %+v %t %v", m3, created3, err)
	}
	// A customer cannot learn of another's message through a client id.
	_, _, err = f.s.SendMessage(f.ctx, f.customerB, conv.ID, chat.NewMessage{ClientID: "c-42", Text: "x"})
	wantCode(t, err, chat.ENotFound)
	_, _, err = f.s.SendMessage(f.ctx, f.customerA, conv.ID, chat.NewMessage{ClientID: "has space", Text: "x"})
	wantCode(t, err, chat.EInvalid)
}

func testIdempotentCreate(t *testing.T, f *fixture) {
	nc := chat.NewConversation{ClientID: "new-1", Text: "Hi there"}
	c1, m1, created1, err1 := f.s.CreateConversation(f.ctx, f.customerA, nc)
	c2, m2, created2, err2 := f.s.CreateConversation(f.ctx, f.customerA, nc)
	if err1 != nil || err2 != nil || !created1 || created2 || c1.ID != c2.ID || m1 == nil || m2 == nil || m1.ID != m2.ID {
		t.Fatalf("create twice: %v %v %t %t", err1, err2, created1, created2)
	}
	// Another customer's identical client id is their own conversation.
	c3, _, created3, err := f.s.CreateConversation(f.ctx, f.customerB, nc)
	if err != nil || !created3 || c3.ID == c1.ID {
		t.Fatalf("other customer: %v %t", err, created3)
	}
}

func testMessageValidation(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "hello")
	for _, tc := range []struct {
		name, text, code string
	}{
		{"empty", "", chat.EMessageEmpty},
		{"blank", " \n\t ", chat.EMessageEmpty},
		{"too long", strings.Repeat("é", chat.MaxMessageRunes+1), chat.EMessageTooLong},
		{"invalid UTF-8", "abc\xff\xfe", chat.EInvalidUTF8},
		{"NUL", "a\x00b", chat.EInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.s.SendMessage(f.ctx, f.customerA, conv.ID, chat.NewMessage{Text: tc.text})
			wantCode(t, err, tc.code)
		})
	}
	// Exactly the limit, counted in characters not bytes, is fine.
	m := f.send(f.customerA, conv.ID, strings.Repeat("ß", chat.MaxMessageRunes))
	if len([]rune(m.Text)) != chat.MaxMessageRunes {
		t.Fatalf("stored %d characters", len([]rune(m.Text)))
	}
	_, _, err := f.s.SendMessage(f.ctx, f.customerA, 424242, chat.NewMessage{Text: "x"})
	wantCode(t, err, chat.ENotFound)
}

func testEditDeleteAudit(t *testing.T, f *fixture) {
	conv, first := f.customerConversation(f.customerA, "I have a problme")
	reply := f.send(f.support, conv.ID, "What's up?")

	for _, tc := range []struct {
		name string
		a    chat.Actor
		id   int64
		code string
	}{
		{"agent edits customer's message", f.support, first.ID, chat.ENotAuthor},
		{"admin edits someone else's", f.admin, reply.ID, chat.ENotAuthor},
		{"customer edits agent's", f.customerA, reply.ID, chat.ENotAuthor},
		{"other customer", f.customerB, first.ID, chat.ENotFound},
		{"non-support user", f.dev, first.ID, chat.ENotFound},
		{"unknown message", f.customerA, 98765, chat.ENotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.EditMessage(f.ctx, tc.a, tc.id, "changed")
			wantCode(t, err, tc.code)
		})
	}
	edited, err := f.s.EditMessage(f.ctx, f.customerA, first.ID, "I have a problem")
	if err != nil || edited.Text != "I have a problem" || edited.EditedAt == nil || edited.ID != first.ID {
		t.Fatalf("Edit = %+v, %v", edited, err)
	}
	_, err = f.s.EditMessage(f.ctx, f.customerA, first.ID, "")
	wantCode(t, err, chat.EMessageEmpty)

	// Delete: author or admin; others not.
	_, err = f.s.DeleteMessage(f.ctx, f.support2, reply.ID)
	wantCode(t, err, chat.ENotAuthor)
	_, err = f.s.DeleteMessage(f.ctx, f.customerA, reply.ID)
	wantCode(t, err, chat.ENotAuthor)
	del, err := f.s.DeleteMessage(f.ctx, f.admin, reply.ID)
	if err != nil || del.Text != "" || del.DeletedAt == nil {
		t.Fatalf("admin delete = %+v, %v", del, err)
	}
	if _, err := f.s.DeleteMessage(f.ctx, f.support, reply.ID); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	_, err = f.s.EditMessage(f.ctx, f.support, reply.ID, "resurrect")
	wantCode(t, err, chat.EInvalid)
	if _, err := f.s.DeleteMessage(f.ctx, f.customerA, first.ID); err != nil {
		t.Fatal(err)
	}
	// Deleted messages keep their place.
	msgs, _ := f.s.ListMessages(f.ctx, f.support, conv.ID, chat.MessageFilter{})
	if len(msgs) != 2 || msgs[0].ID != first.ID || msgs[0].Text != "" || msgs[0].DeletedAt == nil || msgs[1].ID != reply.ID {
		t.Fatalf("after deletes: %+v", msgs)
	}

	// Audit trail: admins only, every change with before/after and actor.
	_, err = f.s.ListMessageAudit(f.ctx, f.support, first.ID)
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.ListMessageAudit(f.ctx, f.customerA, first.ID)
	wantCode(t, err, chat.EForbidden)
	audit, err := f.s.ListMessageAudit(f.ctx, f.admin, first.ID)
	if err != nil || len(audit) != 2 {
		t.Fatalf("audit = %v, %v", audit, err)
	}
	if a := audit[0]; a.Action != chat.AuditEdit || a.OldText != "I have a problme" || a.NewText != "I have a problem" || a.Actor.Kind != chat.KindCustomer || a.Actor.ID != f.customerA.ID {
		t.Errorf("edit entry = %+v", a)
	}
	if a := audit[1]; a.Action != chat.AuditDelete || a.OldText != "I have a problem" || a.NewText != "" {
		t.Errorf("delete entry = %+v", a)
	}
	audit, _ = f.s.ListMessageAudit(f.ctx, f.admin, reply.ID)
	if len(audit) != 1 || audit[0].Actor.ID != f.admin.ID || audit[0].OldText != "What's up?" {
		t.Errorf("admin delete entry = %+v", audit)
	}
	_, err = f.s.ListMessageAudit(f.ctx, f.admin, 5555)
	wantCode(t, err, chat.ENotFound)

	// System notes are nobody's to edit or delete: 403 forbidden, admins
	// included (chat.CanEditMessage, chat.CanDeleteMessage).
	f.s.CloseConversation(f.ctx, f.support, conv.ID)
	msgs, _ = f.s.ListMessages(f.ctx, f.support, conv.ID, chat.MessageFilter{})
	note := msgs[len(msgs)-1]
	_, err = f.s.DeleteMessage(f.ctx, f.admin, note.ID)
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.EditMessage(f.ctx, f.support, note.ID, "rewritten history")
	wantCode(t, err, chat.EForbidden)

	// Edits and deletes in a closed conversation are allowed and do not
	// reopen it; deleting twice answers the deleted message again.
	mine := f.send(f.support, conv.ID, "Typo in thsi reply")
	f.s.CloseConversation(f.ctx, f.support, conv.ID)
	if _, err := f.s.EditMessage(f.ctx, f.support, mine.ID, "Typo fixed in this reply"); err != nil {
		t.Fatal(err)
	}
	first2, err := f.s.DeleteMessage(f.ctx, f.support, mine.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.s.DeleteMessage(f.ctx, f.support, mine.ID)
	if err != nil || again.DeletedAt == nil || !again.DeletedAt.Equal(*first2.DeletedAt) {
		t.Fatalf("second delete = %+v, %v", again, err)
	}
	if c, _ := f.s.FindConversationByID(f.ctx, f.support, conv.ID); c.Status != chat.StatusClosed {
		t.Fatalf("an edit or delete reopened the conversation: %s", c.Status)
	}
}

func testUnread(t *testing.T, f *fixture) {
	conv, m1 := f.customerConversation(f.customerA, "one")
	m2 := f.send(f.customerA, conv.ID, "two")
	counts, err := f.s.UnreadCounts(f.ctx, f.support)
	if err != nil || counts.Conversations != 1 || counts.Messages != 2 {
		t.Fatalf("support unread = %+v, %v", counts, err)
	}
	if c, _ := f.s.FindConversationByID(f.ctx, f.support, conv.ID); c.Unread != 2 {
		t.Fatalf("conversation unread = %d", c.Unread)
	}
	if counts, _ := f.s.UnreadCounts(f.ctx, f.dev); counts.Conversations != 0 {
		t.Fatalf("non-support unread = %+v", counts)
	}
	_, err = f.s.UnreadCounts(f.ctx, f.customerA)
	wantCode(t, err, chat.EForbidden)

	rs, err := f.s.MarkRead(f.ctx, f.support, conv.ID, m1.ID)
	if err != nil || rs.LastReadMessageID != m1.ID || rs.Unread != 1 {
		t.Fatalf("MarkRead(m1) = %+v, %v", rs, err)
	}
	// Never backwards.
	if rs, _ := f.s.MarkRead(f.ctx, f.support, conv.ID, 1); rs.LastReadMessageID != m1.ID {
		t.Fatalf("read mark moved back to %d", rs.LastReadMessageID)
	}
	if rs, _ := f.s.MarkRead(f.ctx, f.support, conv.ID, 0); rs.LastReadMessageID != m2.ID || rs.Unread != 0 {
		t.Fatalf("MarkRead(0) = %+v", rs)
	}
	// Another support user still has it unread; my own messages and system
	// notes never count; deleted ones neither.
	if counts, _ := f.s.UnreadCounts(f.ctx, f.support2); counts.Messages != 2 {
		t.Fatalf("support2 unread = %+v", counts)
	}
	f.send(f.support, conv.ID, "my reply")
	f.s.CloseConversation(f.ctx, f.support2, conv.ID)
	if counts, _ := f.s.UnreadCounts(f.ctx, f.support); counts.Messages != 0 {
		t.Fatalf("after own reply and close: %+v", counts)
	}
	m4 := f.send(f.customerA, conv.ID, "reopening")
	if counts, _ := f.s.UnreadCounts(f.ctx, f.support); counts.Messages != 1 || counts.ByConversation[0].ConversationID != conv.ID {
		t.Fatalf("after customer reply: %+v", counts)
	}
	f.s.DeleteMessage(f.ctx, f.customerA, m4.ID)
	if counts, _ := f.s.UnreadCounts(f.ctx, f.support); counts.Messages != 0 {
		t.Fatalf("deleted message still unread: %+v", counts)
	}
	_, err = f.s.MarkRead(f.ctx, f.dev, conv.ID, 0)
	wantCode(t, err, chat.ENotFound)
	// Read state is private: only its owner gets the event.
	var reads []*chat.Event
	for _, ev := range f.rec.Events() {
		if ev.Type == chat.EventReadUpdated {
			reads = append(reads, ev)
		}
	}
	if len(reads) == 0 || !reads[0].VisibleTo(f.support) || reads[0].VisibleTo(f.support2) || reads[0].VisibleTo(f.customerA) {
		t.Fatalf("read.updated audience wrong: %+v", reads)
	}
}

func testPaging(t *testing.T, f *fixture) {
	conv, first := f.customerConversation(f.customerA, "m0")
	ids := []int64{first.ID}
	for i := 1; i < 25; i++ {
		ids = append(ids, f.send(f.customerA, conv.ID, fmt.Sprintf("m%d", i)).ID)
	}
	page := func(flt chat.MessageFilter) []int64 {
		msgs, err := f.s.ListMessages(f.ctx, f.customerA, conv.ID, flt)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, m := range msgs {
			out = append(out, m.ID)
		}
		return out
	}
	if got := page(chat.MessageFilter{Limit: 10}); !slices.Equal(got, ids[15:]) {
		t.Errorf("newest page = %v", got)
	}
	if got := page(chat.MessageFilter{Limit: 10, Before: chat.ID(ids[15])}); !slices.Equal(got, ids[5:15]) {
		t.Errorf("before page = %v", got)
	}
	if got := page(chat.MessageFilter{Limit: 10, After: chat.ID(ids[2])}); !slices.Equal(got, ids[3:13]) {
		t.Errorf("after page = %v", got)
	}
	if got := page(chat.MessageFilter{Limit: 10000}); len(got) != 25 {
		t.Errorf("capped page has %d", len(got))
	}
}

func testConversationPaging(t *testing.T, f *fixture) {
	var want []int64
	for i := 0; i < 7; i++ {
		c, _ := f.customerConversation(f.customerA, fmt.Sprintf("c%d", i))
		want = append([]int64{c.ID}, want...) // newest first
		f.clock.Advance(time.Second)
	}
	// Activity moves a conversation to the top.
	f.send(f.customerA, want[6], "bump")
	want = append([]int64{want[6]}, want[:6]...)
	var got []int64
	flt := chat.ConversationFilter{Limit: 3}
	for {
		page, err := f.s.ListConversations(f.ctx, f.support, flt)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			got = append(got, c.ID)
		}
		if len(page) < flt.Limit {
			break
		}
		last := page[len(page)-1]
		flt.BeforeActivity, flt.BeforeID = last.LastActivityAt, last.ID
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged = %v, want %v", got, want)
	}
	_, err := f.s.ListConversations(f.ctx, f.support, chat.ConversationFilter{Status: "pending"})
	wantCode(t, err, chat.EInvalid)
}

func testEvents(t *testing.T, f *fixture) {
	convA, _ := f.customerConversation(f.customerA, "from A")
	convB, _ := f.customerConversation(f.customerB, "from B")
	team, _, _, _ := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ParticipantIDs: []int64{f.dev.ID}, Text: "psst"})
	f.send(f.support, convA.ID, "reply to A")
	f.s.CloseConversation(f.ctx, f.support, convB.ID)

	published := f.rec.Events()
	for i := 1; i < len(published); i++ {
		if published[i].Seq != published[i-1].Seq+1 {
			t.Fatalf("published seqs not consecutive: %d then %d", published[i-1].Seq, published[i].Seq)
		}
	}
	last, err := f.s.LastSeq(f.ctx)
	if err != nil || last != published[len(published)-1].Seq {
		t.Fatalf("LastSeq = %d, %v", last, err)
	}
	epoch, err := f.s.Epoch(f.ctx)
	if err != nil || len(epoch) < 16 {
		t.Fatalf("Epoch = %q, %v", epoch, err)
	}
	for _, tc := range []struct {
		who   string
		a     chat.Actor
		convs []int64 // conversations whose events the actor gets
	}{
		{"customer A", f.customerA, []int64{convA.ID}},
		{"customer B", f.customerB, []int64{convB.ID}},
		{"support", f.support, []int64{convA.ID, convB.ID, team.ID}},
		{"non-support", f.dev, []int64{team.ID}},
		{"admin", f.admin, []int64{convA.ID, convB.ID}},
	} {
		t.Run(tc.who, func(t *testing.T) {
			replayed, err := f.s.ListEvents(f.ctx, tc.a, 0, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			// Replay gives exactly what live delivery would have.
			var live []int64
			for _, ev := range published {
				if ev.VisibleTo(tc.a) {
					live = append(live, ev.Seq)
				}
			}
			var got []int64
			seen := map[int64]bool{}
			for _, ev := range replayed {
				got = append(got, ev.Seq)
				if ev.ConversationID != 0 {
					seen[ev.ConversationID] = true
				}
				if tc.a.IsCustomer() && (ev.Type == chat.EventReadUpdated || ev.Type == chat.EventUserCreated || ev.Type == chat.EventParticipantAdded) {
					t.Errorf("customer got %s", ev.Type)
				}
			}
			if !slices.Equal(got, live) {
				t.Errorf("replay seqs = %v\nlive seqs   = %v", got, live)
			}
			for _, id := range []int64{convA.ID, convB.ID, team.ID} {
				if seen[id] != slices.Contains(tc.convs, id) {
					t.Errorf("conversation %d: saw events = %t", id, seen[id])
				}
			}
			// Paging by limit and untilSeq.
			if len(replayed) > 2 {
				p, _ := f.s.ListEvents(f.ctx, tc.a, replayed[0].Seq, replayed[2].Seq, 1)
				if len(p) != 1 || p[0].Seq != replayed[1].Seq {
					t.Errorf("page after %d = %v", replayed[0].Seq, p)
				}
			}
		})
	}
	_, err = f.s.ListEvents(f.ctx, chat.Actor{}, 0, 0, 0)
	wantCode(t, err, chat.EUnauthorized)
}

func testEventResync(t *testing.T, f *fixture) {
	for i := 0; i < 5; i++ {
		f.customerConversation(f.customerA, fmt.Sprintf("c%d", i))
	}
	last, _ := f.s.LastSeq(f.ctx)
	_, err := f.s.ListEvents(f.ctx, f.support, last+1, 0, 0)
	wantCode(t, err, chat.EResync)
	_, err = f.s.ListEvents(f.ctx, f.support, -1, 0, 0)
	wantCode(t, err, chat.EResync)
	if err := f.s.PruneEvents(f.ctx, last-3); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.ListEvents(f.ctx, f.support, last-4, 0, 0)
	wantCode(t, err, chat.EResync)
	evs, err := f.s.ListEvents(f.ctx, f.support, last-3, 0, 0)
	if err != nil || len(evs) != 3 {
		t.Fatalf("after prune: %d events, %v", len(evs), err)
	}
	// Sequence numbers are never reused after pruning everything.
	f.s.PruneEvents(f.ctx, last)
	f.customerConversation(f.customerA, "after prune")
	if now, _ := f.s.LastSeq(f.ctx); now <= last {
		t.Fatalf("LastSeq went from %d to %d", last, now)
	}
}

func testConcurrentSends(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "start")
	const writers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			a := f.customerA
			if w%2 == 1 {
				a = f.support
			}
			for i := 0; i < each; i++ {
				if _, _, err := f.s.SendMessage(f.ctx, a, conv.ID, chat.NewMessage{ClientID: fmt.Sprintf("w%d-%d", w, i), Text: "x"}); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	evs := f.rec.Events()
	created := 0
	for i, ev := range evs {
		if i > 0 && ev.Seq != evs[i-1].Seq+1 {
			t.Fatalf("publish order broken at %d: %d after %d", i, ev.Seq, evs[i-1].Seq)
		}
		if ev.Type == chat.EventMessageCreated {
			created++
		}
	}
	if created != writers*each+1 {
		t.Fatalf("%d message.created events, want %d", created, writers*each+1)
	}
}

func testClientIDPerAuthor(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "hi")
	mv, cv, _ := f.s.SendMessage(f.ctx, f.customerA, conv.ID, chat.NewMessage{ClientID: "a-1", Text: "from the customer"})
	ma, ca, err := f.s.SendMessage(f.ctx, f.support, conv.ID, chat.NewMessage{ClientID: "a-1", Text: "from the agent"})
	if err != nil || !cv || !ca || mv.ID == ma.ID || ma.Text != "from the agent" {
		t.Fatalf("same client id, two authors: %+v %+v %v", mv, ma, err)
	}
	// A repeated team-conversation create answers with its own first
	// message, or none, never someone else's.
	c1, m1, _, _ := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ClientID: "t-1", ParticipantIDs: []int64{f.dev.ID}})
	f.send(f.dev, c1.ID, "dev writes first")
	c2, m2, created, err := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ClientID: "t-1", ParticipantIDs: []int64{f.dev.ID}})
	if err != nil || created || c2.ID != c1.ID || m1 != nil || m2 != nil {
		t.Fatalf("repeat: %v created=%t first=%v repeat=%v", err, created, m1, m2)
	}
}

func testAuditVisibility(t *testing.T, f *fixture) {
	team, m, _, _ := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ParticipantIDs: []int64{f.dev.ID}, Text: "private note"})
	f.s.EditMessage(f.ctx, f.support, m.ID, "edited private note")
	// The admin is not in this team conversation: its audit is not theirs.
	_, err := f.s.ListMessageAudit(f.ctx, f.admin, m.ID)
	wantCode(t, err, chat.ENotFound)
	_ = team
}
