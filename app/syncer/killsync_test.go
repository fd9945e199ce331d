package syncer_test

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/client"
)

// syncProcess is the app process of TestLocalStoreSurvivesKillMidSync: it
// syncs into its local store until it is killed.
func syncProcess(db string) {
	c := client.New(os.Getenv("DESKCHAT_TEST_URL")).WithToken(os.Getenv("DESKCHAT_TEST_TOKEN"))
	me, err := c.Me(context.Background())
	if err != nil || me.User == nil {
		os.Exit(3)
	}
	st, err := localstore.Open(db, me.User.ID)
	if err != nil {
		os.Exit(3)
	}
	e := &syncer.Engine{Client: c, Store: st}
	e.Run(context.Background())
	os.Exit(0)
}

// TestLocalStoreSurvivesKillMidSync: the app is SIGKILLed in the middle of
// its initial sync of a big helpdesk; its local store is intact (integrity
// check), its cursor is where the last committed batch ended, and the next
// start resumes from there (no replay from 0) until it equals the server.
func TestLocalStoreSurvivesKillMidSync(t *testing.T) {
	s := &srv{t: t, addr: freeAddr(t), db: filepath.Join(t.TempDir(), "server.db")}
	// A big history: 1,500 conversations of 8 messages, through the store.
	if out, err := exec.Command(serverBin, "demo", "--db", s.db, "--conversations", "1500", "--messages", "8").CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	s.start()
	t.Cleanup(s.kill)
	ben := login(t, s.url(), "ben@deskchat.test")
	local := filepath.Join(t.TempDir(), "local.db")

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DESKCHAT_TEST_SYNC="+local, "DESKCHAT_TEST_URL="+s.url(), "DESKCHAT_TEST_TOKEN="+ben.Token)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it as soon as a first batch is committed.
	cursor := func() int64 {
		db, err := sql.Open("sqlite3", "file:"+local+"?mode=ro")
		if err != nil {
			return 0
		}
		defer db.Close()
		var v string
		if db.QueryRow(`SELECT value FROM meta WHERE key = 'cursor'`).Scan(&v) != nil {
			return 0
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for cursor() == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the sync process committed nothing")
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	raw, err := sql.Open("sqlite3", "file:"+local)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("local store after the kill: integrity_check = %q, %v", check, err)
	}
	raw.Close()
	st, err := localstore.Open(local, 0)
	if err != nil {
		t.Fatal(err)
	}
	at, _, err := st.Cursor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	ctx := context.Background()
	stream, err := ben.OpenStream(ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	head := stream.Welcome.Head
	stream.Close()
	if at <= 0 || at >= head {
		t.Fatalf("the kill did not land mid-sync: cursor %d of %d", at, head)
	}
	t.Logf("killed at cursor %d of %d", at, head)

	// Start again: it resumes from the cursor, not from 0.
	resumedFrom := int64(-1)
	_, st2, stop := engine(t, ben, local, func(e *syncer.Engine) {
		e.OnState = func(x syncer.State) {
			if resumedFrom < 0 && x.Phase == syncer.PhaseSyncing {
				c, _, _ := e.Store.Cursor(context.Background())
				resumedFrom = c
			}
		}
	})
	defer stop()
	eventually(t, ben, st2, 60*time.Second)
	if resumedFrom != at {
		t.Fatalf("the second start resumed from %d, want the cursor %d", resumedFrom, at)
	}
}
