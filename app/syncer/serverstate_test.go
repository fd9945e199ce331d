package syncer_test

import (
	"context"
	"path/filepath"
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
