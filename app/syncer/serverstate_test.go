package syncer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// TestServerStateKeptForOfflineStart: every connection brings the server
// state the UI shows beyond the event log (the helpdesk switch, the team
// and my flags) into the local store, and hands the settings on; a start
// while the server is down reads the last known state from there. A
// fresh sign-in used to store none of it (only a resync or a
// helpdesk.updated event did), so the switch showed nothing.
func TestServerStateKeptForOfflineStart(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	path := filepath.Join(t.TempDir(), "ben.db")
	got := make(chan *chat.Settings, 4)
	_, st, stop := engine(t, ben, path)
	waitFor(t, "the settings in the local store", func() bool {
		set, err := st.Settings(ctx)
		return err == nil && set != nil && set.Online && set.Greeting != ""
	})
	team, _ := st.ListUsers(ctx)
	if len(team) < 3 {
		t.Fatalf("the team in the local store: %d", len(team))
	}
	stop()

	// The server goes down; the app starts again from the same file.
	s.kill()
	st2, err := localstore.Open(path, st.Me())
	if err != nil {
		t.Fatal(err)
	}
	set, err := st2.Settings(ctx)
	st2.Close()
	if err != nil || set == nil || !set.Online {
		t.Fatalf("last known settings offline: %+v, %v", set, err)
	}

	// Back: the switch is handed on at the connection, without any event.
	s.start()
	_, _, stop3 := engine(t, ben, filepath.Join(t.TempDir(), "again.db"), func(e2 *syncer.Engine) {
		e2.OnServerState = func(x *chat.Settings) { got <- x }
	})
	defer stop3()
	select {
	case x := <-got:
		if x == nil || !x.Online {
			t.Fatalf("OnServerState = %+v", x)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no settings handed on at the connection")
	}
}

// TestCustomerDetailsOffline: the customer panel read from the local store
// is the server's (conversations, requested tickets), not just the profile.
func TestCustomerDetailsOffline(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	cust, _, err := client.New(s.url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Olga Offline", TimeZone: "Europe/Vienna"})
	if err != nil {
		t.Fatal(err)
	}
	c1, _, _, _ := cust.CreateConversation(ctx, chat.NewConversation{Text: "first question"})
	if _, err := ben.CloseConversation(ctx, c1.ID); err != nil {
		t.Fatal(err)
	}
	c2, _, _, _ := cust.CreateConversation(ctx, chat.NewConversation{ClientID: "second", Text: "second question"})
	me, _ := cust.Me(ctx)
	custID := me.Customer.ID
	it, err := ben.CreateItem(ctx, chat.NewItem{Type: chat.ItemTicket, Title: "Olga's refund", ConversationID: c2.ID, RequesterID: custID})
	if err != nil {
		t.Fatal(err)
	}
	_, st, stop := engine(t, ben, filepath.Join(t.TempDir(), "ben.db"))
	defer stop()
	want, err := ben.FindCustomerDetails(ctx, custID)
	if err != nil {
		t.Fatal(err)
	}
	var got *chat.CustomerDetails
	waitFor(t, "the customer's details in the local store", func() bool {
		got, err = st.FindCustomerDetails(ctx, custID)
		return err == nil && len(got.Conversations) == 2 && len(got.Items) == 1
	})
	if len(want.Items) != 1 || got.Items[0] != want.Items[0] || got.Items[0].Number != it.Number || got.Conversations[0].ID != want.Conversations[0].ID || got.Conversations[1].Status != want.Conversations[1].Status {
		t.Fatalf("local %+v\nserver %+v", got, want)
	}
	if got.LocalTime == "" || got.Name != "Olga Offline" {
		t.Fatalf("local time %q, name %q", got.LocalTime, got.Name)
	}
}

// TestLinkQueuedOffline: a link made while the server is down waits in the
// outbox (a second choice for the same conversation replaces the first)
// and is applied once when the server is back; the local copy follows.
func TestLinkQueuedOffline(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	cust, _, _ := client.New(s.url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Lina Link"})
	conv, _, _, _ := cust.CreateConversation(ctx, chat.NewConversation{Text: "my order is late"})
	first, _ := ben.CreateItem(ctx, chat.NewItem{Type: chat.ItemTask, Title: "first choice"})
	second, _ := ben.CreateItem(ctx, chat.NewItem{Type: chat.ItemTicket, Title: "late orders"})
	path := filepath.Join(t.TempDir(), "ben.db")
	_, st, stop := engine(t, ben, path)
	waitFor(t, "both items in the local store", func() bool {
		_, err := st.FindItemByNumber(ctx, second.Number)
		c, err2 := st.FindConversationByID(ctx, conv.ID)
		return err == nil && err2 == nil && c != nil
	})
	stop()
	s.kill()
	st2, err := localstore.Open(path, st.Me())
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range []int64{first.Number, second.Number} {
		st2.Enqueue(ctx, localstore.Entry{ClientID: fmt.Sprintf("link-%d", i), Kind: localstore.OutLinkConversation, ConversationID: conv.ID, ItemNumber: n})
	}
	if out, _ := st2.Outbox(ctx, conv.ID); len(out) != 1 || out[0].ItemNumber != second.Number {
		t.Fatalf("outbox = %+v (the last choice replaces the first)", out)
	}
	st2.Close()
	s.start()
	_, st3, stop3 := engine(t, ben, path)
	defer stop3()
	waitFor(t, "the link on the server and in the local store", func() bool {
		remote, _ := ben.FindConversationByID(ctx, conv.ID)
		local, _ := st3.FindConversationByID(ctx, conv.ID)
		out, _ := st3.Outbox(ctx, 0)
		return remote != nil && remote.Item != nil && remote.Item.Number == second.Number &&
			local != nil && local.Item != nil && local.Item.Number == second.Number && len(out) == 0
	})
	// Applied once: one "linked" note.
	msgs, _ := ben.ListMessages(ctx, conv.ID, chat.MessageFilter{})
	links := 0
	for _, m := range msgs {
		if m.System == chat.NoteLinked {
			links++
		}
	}
	if links != 1 {
		t.Fatalf("%d link notes", links)
	}
}

// TestLocalSearchFindsCustomersAndItems: offline, the palette finds
// customers (by name or e-mail) and items (by title) in the local store,
// with the server's answers on the same corpus.
func TestLocalSearchFindsCustomersAndItems(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	var convs []int64
	for _, who := range []chat.CustomerInfo{{Name: "Zoë Quartermaine", Email: "zq@shop.example"}, {Name: "Quentin Blake"}, {Email: "quartz@rocks.example"}} {
		v, _, err := client.New(s.url()).CreateWidgetSession(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		c, _, _, _ := v.CreateConversation(ctx, chat.NewConversation{Text: "hello quarry there"})
		convs = append(convs, c.ID)
	}
	for _, title := range []string{"Quarterly invoice wrong", "Refund for order quartz-12"} {
		it, err := ben.CreateItem(ctx, chat.NewItem{Type: chat.ItemTicket, Title: title})
		if err != nil {
			t.Fatal(err)
		}
		if title == "Quarterly invoice wrong" {
			resolved := chat.ItemResolved
			ben.UpdateItem(ctx, it.Number, chat.ItemUpdate{Status: &resolved})
		}
	}
	ben.CloseConversation(ctx, convs[1])
	_, st, stop := engine(t, ben, filepath.Join(t.TempDir(), "ben.db"))
	defer stop()
	key := func(rs []*chat.SearchResult) []string {
		var out []string
		for _, r := range rs {
			if r.Kind != chat.ResultMessage {
				out = append(out, fmt.Sprintf("%s %d %d %s", r.Kind, r.ConversationID, r.ItemNumber, r.Title))
			}
		}
		slices.Sort(out)
		return out
	}
	for _, q := range []string{"quart", "zoe", "zq shop", "quentin", "refund quartz", "rocks", "qu"} {
		for _, f := range []localstore.SearchFilter{{}, {Status: chat.StatusOpen}, {Status: chat.StatusClosed}, {Section: chat.SectionCustomers},
			{Section: chat.SectionMine, Status: chat.StatusOpen}} {
			remote, err := ben.Search(ctx, q, f.Section, f.Status)
			if err != nil {
				t.Fatal(err)
			}
			want := key(remote)
			var got []string
			waitFor(t, fmt.Sprintf("local results for %q %+v", q, f), func() bool {
				local, err := st.SearchWith(ctx, q, 50, f)
				got = key(local)
				return err == nil && slices.Equal(got, want)
			})
			if len(want) == 0 && f == (localstore.SearchFilter{}) {
				t.Fatalf("%q: the server finds nothing: the test proves nothing", q)
			}
		}
	}
	// The link dialog's item picker offline: the server's answers.
	for _, q := range []string{"quart", "refund quartz", "#1", " 2 ", "12", "invoice"} {
		remote, err := ben.FindItems(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		local, err := st.FindItems(ctx, q, 0)
		if err != nil || len(remote) == 0 {
			t.Fatalf("%q: local %v, server found %d", q, err, len(remote))
		}
		refs := func(rs []*chat.ItemRef) (out []string) {
			for _, r := range rs {
				out = append(out, fmt.Sprintf("#%d %s %s %s", r.Number, r.Type, r.Title, r.Status))
			}
			return out
		}
		if !slices.Equal(refs(local), refs(remote)) {
			t.Fatalf("items for %q: local %v, server %v", q, refs(local), refs(remote))
		}
	}
	// A customer's conversations only.
	local, _ := st.SearchWith(ctx, "quarry", 50, localstore.SearchFilter{CustomerID: customerOf(t, st, convs[0])})
	if len(local) != 1 || local[0].ConversationID != convs[0] {
		t.Fatalf("customer filter: %+v", local)
	}
}

func customerOf(t *testing.T, st *localstore.Store, convID int64) int64 {
	t.Helper()
	c, err := st.FindConversationByID(context.Background(), convID)
	if err != nil {
		t.Fatal(err)
	}
	return c.CustomerID
}

// TestHistoryPagesMatchTheServer: after sync, a long conversation reads the
// same from the local store as from the server at every page boundary,
// scrolling back page by page to the first message: nothing missing,
// nothing twice, nothing out of order.
func TestHistoryPagesMatchTheServer(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	anna := login(t, s.url(), "anna@deskchat.test")
	annaMe, _ := anna.Me(ctx)
	conv, _, _, err := ben.CreateConversation(ctx, chat.NewConversation{ParticipantIDs: []int64{annaMe.User.ID}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 437 // not a multiple of a page
	for i := 1; i <= n; i++ {
		who := ben
		if i%3 == 0 {
			who = anna
		}
		if _, _, err := who.SendMessage(ctx, conv.ID, fmt.Sprintf("p%d", i), fmt.Sprintf("page line %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// Some history changes after the fact.
	msgs, _ := ben.ListMessages(ctx, conv.ID, chat.MessageFilter{Limit: 200})
	ben.EditMessage(ctx, msgs[10].ID, "page line edited")
	ben.DeleteMessage(ctx, msgs[20].ID)
	_, st, stop := engine(t, ben, filepath.Join(t.TempDir(), "ben.db"))
	defer stop()
	waitFor(t, "the whole conversation in the local store", func() bool {
		page, _ := st.ListMessages(ctx, conv.ID, 0, 1)
		last, _ := ben.ListMessages(ctx, conv.ID, chat.MessageFilter{Limit: 1})
		return len(page) == 1 && len(last) == 1 && page[0].ID == last[0].ID
	})
	for _, size := range []int{50, 200} {
		var before int64
		total := 0
		for {
			local, err := st.ListMessages(ctx, conv.ID, before, size)
			if err != nil {
				t.Fatal(err)
			}
			f := chat.MessageFilter{Limit: size}
			if before != 0 {
				f.Before = chat.ID(before)
			}
			remote, err := ben.ListMessages(ctx, conv.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			lj, _ := json.Marshal(local)
			rj, _ := json.Marshal(remote)
			if string(lj) != string(rj) {
				t.Fatalf("page of %d before %d differs:\nlocal  %.400s\nserver %.400s", size, before, lj, rj)
			}
			total += len(local)
			if len(local) < size {
				break
			}
			before = local[0].ID
		}
		if total != n {
			t.Fatalf("pages of %d hold %d messages, want %d", size, total, n)
		}
	}
}

// TestItemCreatedOffline: an item created while the server is down waits
// in the outbox and is created once when the server is back, linked to its
// conversation, even when it is sent twice (an answer lost, the app killed
// before the entry went): the server knows it by its client id.
func TestItemCreatedOffline(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	cust, _, _ := client.New(s.url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Ida Item"})
	conv, _, _, _ := cust.CreateConversation(ctx, chat.NewConversation{Text: "The blender arrived broken"})
	path := filepath.Join(t.TempDir(), "ben.db")
	_, st, stop := engine(t, ben, path)
	waitFor(t, "the conversation in the local store", func() bool {
		c, err := st.FindConversationByID(ctx, conv.ID)
		return err == nil && c != nil
	})
	stop()
	s.kill()
	st2, err := localstore.Open(path, st.Me())
	if err != nil {
		t.Fatal(err)
	}
	ni, err := st2.ProposeItem(ctx, conv.ID, chat.ItemTicket)
	if err != nil || ni.Title != "The blender arrived broken" || ni.ConversationID != conv.ID || ni.RequesterID == 0 {
		t.Fatalf("offline proposal = %+v, %v", ni, err)
	}
	if err := st2.Enqueue(ctx, localstore.Entry{ClientID: "item-1", Kind: localstore.OutCreateItem, ConversationID: conv.ID, Item: ni}); err != nil {
		t.Fatal(err)
	}
	if out, _ := st2.Outbox(ctx, conv.ID); len(out) != 1 || out[0].Item == nil || out[0].Item.Title != ni.Title {
		t.Fatalf("outbox = %+v", out)
	}
	st2.Close()
	s.start()
	// The same create, already sent once before (its answer lost).
	again := *ni
	again.ClientID = "item-1"
	first, err := ben.CreateItem(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	_, st3, stop3 := engine(t, ben, path)
	defer stop3()
	waitFor(t, "the item linked on the server and in the local store", func() bool {
		remote, _ := ben.FindConversationByID(ctx, conv.ID)
		local, _ := st3.FindConversationByID(ctx, conv.ID)
		out, _ := st3.Outbox(ctx, 0)
		return remote != nil && remote.Item != nil && remote.Item.Number == first.Number &&
			local != nil && local.Item != nil && local.Item.Number == first.Number && len(out) == 0
	})
	found, _ := ben.FindItems(ctx, "blender")
	if len(found) != 1 {
		t.Fatalf("%d items titled blender: created more than once", len(found))
	}
}
