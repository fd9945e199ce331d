package syncer_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/chat"
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
