package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/server"
	"github.com/deskchat/deskchat/backend/sqlite"
)

// tap reads a stream's frames in a goroutine, so a test can wait for a
// frame with a timeout without breaking the connection (gorilla connections
// are unusable after a read deadline passes).
type tap struct {
	frames chan *client.Frame
}

func newTap(s *client.Stream) *tap {
	tp := &tap{frames: make(chan *client.Frame, 1024)}
	go func() {
		defer close(tp.frames)
		for {
			f, err := s.Next(context.Background())
			if err != nil {
				return
			}
			tp.frames <- f
		}
	}()
	return tp
}

// collect returns the frames read until pred is true or d passes.
func collect(t *testing.T, tp *tap, d time.Duration, pred func(*client.Frame) bool) []*client.Frame {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var out []*client.Frame
	for {
		select {
		case f, ok := <-tp.frames:
			if !ok {
				t.Fatal("stream closed")
			}
			out = append(out, f)
			if pred != nil && pred(f) {
				return out
			}
		case <-timer.C:
			if pred != nil {
				t.Fatalf("timed out after %d frames", len(out))
			}
			return out
		}
	}
}

func eventOf(typ string) func(*client.Frame) bool {
	return func(f *client.Frame) bool { return f.Event != nil && f.Event.Type == typ }
}

func sectionIDs(t *testing.T, c *client.Client, s chat.Section, st chat.Status) []int64 {
	t.Helper()
	page, err := c.ListConversations(context.Background(), client.ConversationQuery{Section: s, Status: st})
	if err != nil {
		t.Fatalf("section %s: %v", s, err)
	}
	out := []int64{}
	for _, conv := range page.Conversations {
		out = append(out, conv.ID)
	}
	slices.Sort(out)
	return out
}

// TestItemWorkflowLive: a support agent turns a customer conversation into
// a ticket (edited before creating) and assigns a developer without the
// support flag; the developer's stream gets the conversation live, then the
// customer's next message; the customer sees none of it.
func TestItemWorkflowLive(t *testing.T) {
	e := newEnv(t)
	v, cust := e.customer("Sally C")
	conv := e.conversation(v, "The checkout page crashes when I pay with PayPal")
	vstream, _ := v.OpenStream(e.ctx, client.StreamOptions{})
	defer vstream.Close()
	dstream, _ := e.dev.OpenStream(e.ctx, client.StreamOptions{})
	defer dstream.Close()
	vs, ds := newTap(vstream), newTap(dstream)

	_, err := e.dev.ListConversations(e.ctx, client.ConversationQuery{Section: chat.SectionCustomers})
	wantAPIError(t, err, 403, chat.EForbidden)
	if got := sectionIDs(t, e.dev, chat.SectionMine, ""); len(got) != 0 {
		t.Fatalf("dev's mine = %v", got)
	}
	p, err := e.support.ProposeItem(e.ctx, conv.ID, chat.ItemTicket)
	if err != nil || p.Title != "The checkout page crashes when I pay with PayPal" || p.RequesterID != cust.ID {
		t.Fatalf("proposal = %+v, %v", p, err)
	}
	p.Priority, p.AssigneeIDs = chat.PriorityHigh, []int64{e.devU.ID}
	it, err := e.support.CreateItem(e.ctx, *p)
	if err != nil || it.Number == 0 || len(it.Assignees) != 1 || it.Priority != chat.PriorityHigh {
		t.Fatalf("create = %+v, %v", it, err)
	}
	frames := collect(t, ds, 5*time.Second, eventOf(chat.EventConversationUpdated))
	last := frames[len(frames)-1]
	if last.Event == nil || last.Event.ConversationID != conv.ID {
		t.Fatalf("dev did not get the conversation live: %+v", frames)
	}
	var got chat.Conversation
	json.Unmarshal(last.Event.Data, &got)
	if got.Item == nil || got.Item.Number != it.Number {
		t.Fatalf("conversation.updated without the item: %s", last.Event.Data)
	}
	if ids := sectionIDs(t, e.dev, chat.SectionMine, chat.StatusOpen); !slices.Equal(ids, []int64{conv.ID}) {
		t.Fatalf("dev's mine = %v", ids)
	}
	v.SendMessage(e.ctx, conv.ID, "", "Any update?")
	frames = collect(t, ds, 5*time.Second, eventOf(chat.EventMessageCreated))
	if !strings.Contains(string(frames[len(frames)-1].Event.Data), "Any update?") {
		t.Fatal("assignee did not get the customer's message")
	}
	// Closing and reopening publish the conversation to the customer too.
	e.support.CloseConversation(e.ctx, conv.ID)
	e.support.ReopenConversation(e.ctx, conv.ID)
	// The customer's stream: their message, never the item, link or note.
	for _, f := range collect(t, vs, 500*time.Millisecond, nil) {
		if f.Event == nil {
			continue
		}
		if strings.HasPrefix(f.Event.Type, "item.") || f.Event.Type == chat.EventConversationUpdated || strings.Contains(string(f.Event.Data), `"item":`) ||
			strings.Contains(string(f.Event.Data), `"internal":true`) || strings.Contains(string(f.Event.Data), "PayPal\",\"status\"") {
			t.Fatalf("customer got %s: %s", f.Event.Type, f.Event.Data)
		}
	}
	// Unassigned: out of dev's section and conversation again.
	if _, err := e.support.SetItemRole(e.ctx, it.Number, e.devU.ID, chat.RoleAssignee, false); err != nil {
		t.Fatal(err)
	}
	if ids := sectionIDs(t, e.dev, chat.SectionMine, ""); len(ids) != 0 {
		t.Fatalf("after unassign: %v", ids)
	}
	_, err = e.dev.FindConversationByID(e.ctx, conv.ID)
	wantAPIError(t, err, 404, chat.ENotFound)
	// Follow myself, then unlink: in, then out.
	if _, err := e.dev.SetItemRole(e.ctx, it.Number, 0, chat.RoleFollower, true); err != nil {
		t.Fatal(err)
	}
	if ids := sectionIDs(t, e.dev, chat.SectionMine, ""); !slices.Equal(ids, []int64{conv.ID}) {
		t.Fatalf("after follow: %v", ids)
	}
	if c, err := e.support.LinkConversation(e.ctx, conv.ID, 0); err != nil || c.Item != nil {
		t.Fatalf("unlink: %+v %v", c, err)
	}
	if ids := sectionIDs(t, e.dev, chat.SectionMine, ""); len(ids) != 0 {
		t.Fatalf("after unlink: %v", ids)
	}
	// Link to the existing item found by words.
	refs, err := e.support.FindItems(e.ctx, "paypal checkout")
	if err != nil || len(refs) != 1 || refs[0].Number != it.Number {
		t.Fatalf("find: %+v %v", refs, err)
	}
	if c, err := e.support.LinkConversation(e.ctx, conv.ID, refs[0].Number); err != nil || c.Item == nil {
		t.Fatalf("relink: %+v %v", c, err)
	}
	details, err := e.dev.FindItemByNumber(e.ctx, it.Number)
	if err != nil || len(details.Conversations) != 1 || details.Requester == nil || details.Creator.ID != e.supportU.ID || len(details.Followers) != 1 {
		t.Fatalf("details = %+v, %v", details, err)
	}
	_, err = v.FindItemByNumber(e.ctx, it.Number)
	wantAPIError(t, err, 403, chat.EForbidden)
	if cd, err := e.support.FindCustomerDetails(e.ctx, cust.ID); err != nil ||
		len(cd.Conversations) != 1 || len(cd.Items) != 1 || cd.Items[0].Number != it.Number {
		t.Fatalf("customer details = %+v, %v", cd, err)
	}
	counts, err := e.dev.SectionCounts(e.ctx)
	if err != nil || counts.Customers != nil || counts.Mine.Open != 1 {
		t.Fatalf("dev counts = %+v %v", counts, err)
	}
}

func TestSearchOverHTTP(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Quentin")
	conv := e.conversation(v, "my parcel tracking number is wrong")
	e.support.CreateConversation(e.ctx, chat.NewConversation{ParticipantIDs: []int64{e.devU.ID}, Text: "parcel service contract renewal"})
	res, err := e.support.Search(e.ctx, "parcel", "", "")
	if err != nil || len(res) != 2 {
		t.Fatalf("support: %d results, %v", len(res), err)
	}
	res, _ = e.support2.Search(e.ctx, "parcel", "", "")
	if len(res) != 1 || res[0].ConversationID != conv.ID {
		t.Fatalf("support2 sees %+v", res)
	}
	res, _ = e.dev.Search(e.ctx, "parcel track", "", "")
	if len(res) != 0 {
		t.Fatalf("dev sees %+v", res)
	}
	for _, q := range []string{"parcel OR *", `"unbalanced`, "NEAR(a b)", "col:parcel", strings.Repeat("ab ", 60)} {
		if _, err := e.support.Search(e.ctx, q, "", ""); err != nil {
			t.Errorf("Search(%q) = %v", q, err)
		}
	}
	_, err = e.support.Search(e.ctx, "", "", "")
	wantAPIError(t, err, 400, chat.EInvalid)
	_, err = e.support.Search(e.ctx, strings.Repeat("x", chat.MaxQueryRunes+1), "", "")
	wantAPIError(t, err, 400, chat.EInvalid)
	_, err = v.Search(e.ctx, "parcel", "", "")
	wantAPIError(t, err, 403, chat.EForbidden)
}

// TestHelpdeskOfflineLive: the switch reaches every widget live; offline
// customers still write and get one automatic reply.
func TestHelpdeskOfflineLive(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Olga")
	vstream, _ := v.OpenStream(e.ctx, client.StreamOptions{})
	defer vstream.Close()
	vs := newTap(vstream)
	_, err := e.dev.SetOnline(e.ctx, false)
	wantAPIError(t, err, 403, chat.EForbidden)
	if st, err := e.support.SetOnline(e.ctx, false); err != nil || st.Online {
		t.Fatalf("offline: %+v %v", st, err)
	}
	frames := collect(t, vs, 5*time.Second, eventOf(chat.EventWidgetConfig))
	var wc chat.WidgetConfig
	json.Unmarshal(frames[len(frames)-1].Event.Data, &wc)
	if wc.Online || wc.Message != chat.DefaultSettings().OfflineMessage {
		t.Fatalf("widget config = %+v", wc)
	}
	var public chat.WidgetConfig
	if _, err := e.anon.Do(e.ctx, http.MethodGet, "/v1/widget/config", nil, &public); err != nil || public.Online {
		t.Fatalf("public config = %+v %v", public, err)
	}
	conv := e.conversation(v, "hello? anyone?")
	msgs, _ := v.ListMessages(e.ctx, conv.ID, chat.MessageFilter{Limit: 0})
	if len(msgs) != 2 || msgs[0].Text != "hello? anyone?" || msgs[1].System != "offline_reply" {
		t.Fatalf("offline conversation = %+v", msgs)
	}
	// Admin options: a new offline message, reply off.
	msg := "Closed for the holidays."
	_, err = e.support.UpdateSettings(e.ctx, chat.SettingsUpdate{OfflineMessage: &msg})
	wantAPIError(t, err, 403, chat.EForbidden)
	if st, err := e.admin.UpdateSettings(e.ctx, chat.SettingsUpdate{OfflineMessage: &msg}); err != nil || st.OfflineMessage != msg {
		t.Fatalf("settings: %+v %v", st, err)
	}
	frames = collect(t, vs, 5*time.Second, func(f *client.Frame) bool {
		return f.Event != nil && f.Event.Type == chat.EventWidgetConfig && strings.Contains(string(f.Event.Data), "holidays")
	})
	if !strings.Contains(string(frames[len(frames)-1].Event.Data), "holidays") {
		t.Fatal("new offline message not pushed to the widget")
	}
}

// TestAdminOriginsAllowStreams: origins set in admin options take effect
// at once.
func TestAdminOriginsAllowStreams(t *testing.T) {
	e := newEnv(t)
	_, err := e.openStream(e.support, "https://new-shop.example")
	wantAPIError(t, err, 403, chat.EOriginForbidden)
	origins := []string{"https://new-shop.example"}
	if _, err := e.admin.UpdateSettings(e.ctx, chat.SettingsUpdate{AllowedOrigins: &origins}); err != nil {
		t.Fatal(err)
	}
	s, err := e.support.OpenStream(e.ctx, client.StreamOptions{Origin: "https://new-shop.example"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// TestTypingAndPresence: typing is ephemeral and reaches the other side
// only; presence follows streams.
func TestTypingAndPresence(t *testing.T) {
	e := newEnv(t)
	e.srv.Hub.Grace = 100 * time.Millisecond
	a, _ := e.customer("A")
	b, _ := e.customer("B")
	conv := e.conversation(a, "hi")
	astream, _ := a.OpenStream(e.ctx, client.StreamOptions{})
	defer astream.Close()
	bstream, _ := b.OpenStream(e.ctx, client.StreamOptions{})
	defer bstream.Close()
	sstream, _ := e.support.OpenStream(e.ctx, client.StreamOptions{})
	as, bs, ss := newTap(astream), newTap(bstream), newTap(sstream)

	astream.Conn.WriteJSON(map[string]any{"type": "typing", "conversation_id": conv.ID})
	frames := collect(t, ss, 5*time.Second, func(f *client.Frame) bool {
		return f.Type == "ephemeral" && f.Event.Type == chat.EventTyping
	})
	ev := frames[len(frames)-1].Event
	if ev.Seq != 0 || !strings.Contains(string(ev.Data), `"who":{"kind":"customer"`) {
		t.Fatalf("typing frame = %+v", ev)
	}
	for _, f := range collect(t, bs, 300*time.Millisecond, nil) {
		if f.Type == "ephemeral" {
			t.Fatalf("customer B got %s", f.Event.Type)
		}
	}
	for _, f := range collect(t, as, 300*time.Millisecond, nil) {
		if f.Type == "ephemeral" && f.Event.Type == chat.EventTyping {
			t.Fatal("typing echoed to its sender")
		}
	}
	// B may not signal typing into A's conversation.
	bstream.Conn.WriteJSON(map[string]any{"type": "typing", "conversation_id": conv.ID})
	frames = collect(t, bs, 5*time.Second, func(f *client.Frame) bool { return f.Type == "error" })
	if f := frames[len(frames)-1]; f.Type != "error" || f.Error.Code != chat.ENotFound {
		t.Fatalf("B typing: %+v", f)
	}
	// The agent's typing reaches the customer.
	sstream.Conn.WriteJSON(map[string]any{"type": "typing", "conversation_id": conv.ID})
	frames = collect(t, as, 5*time.Second, func(f *client.Frame) bool { return f.Type == "ephemeral" })
	if !strings.Contains(string(frames[len(frames)-1].Event.Data), "Sam Support") {
		t.Fatalf("customer's typing frame = %s", frames[len(frames)-1].Event.Data)
	}
	// Presence: Sam is online while streaming, offline after the grace.
	users, err := e.dev.ListUsers(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.ID == e.supportU.ID && !u.Online {
			t.Fatal("streaming user not online")
		}
		if u.ID == e.devU.ID && u.Online {
			t.Fatal("dev online without a stream")
		}
	}
	dstream, _ := e.dev.OpenStream(e.ctx, client.StreamOptions{})
	defer dstream.Close()
	ds := newTap(dstream)
	sstream.Close()
	frames = collect(t, ds, 5*time.Second, func(f *client.Frame) bool {
		return f.Type == "ephemeral" && f.Event.Type == chat.EventPresence && strings.Contains(string(f.Event.Data), `"online":false`)
	})
	if !strings.Contains(string(frames[len(frames)-1].Event.Data), fmt.Sprintf(`{"user_id":%d,"online":false}`, e.supportU.ID)) {
		t.Fatalf("no offline presence: %+v", frames)
	}
}

// TestOriginsChangedElsewhere: origins an admin sets through another
// process (or a server restart that failed to read them) take effect
// within the cache time.
func TestOriginsChangedElsewhere(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.API.OriginsTTL = 50 * time.Millisecond })
	other, err := sqlite.Open(e.dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	admin, _, err := other.Authenticate(e.ctx, auth.HashToken(e.admin.Token), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	origins := []string{"https://elsewhere.example"}
	if _, err := other.UpdateSettings(e.ctx, admin, chat.SettingsUpdate{AllowedOrigins: &origins}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	s, err := e.support.OpenStream(e.ctx, client.StreamOptions{Origin: "https://elsewhere.example"})
	if err != nil {
		t.Fatalf("origin set elsewhere not honoured: %v", err)
	}
	s.Close()
}
