package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestLogStaysContiguousAcrossNodes: two nodes (two Stores on one
// database) write at once while a reader replays the log the way a client
// resumes, from its cursor. The reader must end up with every event: it
// never sees seq N+1 before N is visible, so it never moves its cursor
// past an event that commits later. The same run with the naive design
// (numbers from a sequence, no head lock) must lose events, or the test
// could not tell.
func TestLogStaysContiguousAcrossNodes(t *testing.T) {
	for _, naive := range []bool{false, true} {
		t.Run(fmt.Sprintf("naive=%v", naive), func(t *testing.T) {
			skipped, total := replayWhileTwoNodesWrite(t, naive)
			t.Logf("%d of %d events skipped by the reader", skipped, total)
			if !naive && skipped != 0 {
				t.Fatalf("the reader skipped %d of %d events", skipped, total)
			}
			if naive && skipped == 0 {
				t.Fatalf("the naive design lost nothing in %d events: the test cannot tell the designs apart", total)
			}
		})
	}
}

func replayWhileTwoNodesWrite(t *testing.T, naive bool) (skipped, total int) {
	ctx := context.Background()
	url := pgtest.Database(t)
	// Commits wait a random moment, as a loaded server's do, so that
	// transactions of the two nodes overlap.
	pause := func() { time.Sleep(time.Duration(rand.IntN(1500)) * time.Microsecond) }
	var nodes []*Store
	for range 2 {
		s, err := Open(url, Options{unordered: naive, beforeCommit: pause})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		nodes = append(nodes, s)
	}
	ann, err := nodes[0].CreateUser(ctx, chat.Operator, chat.NewUser{Email: "ann@test.example", Name: "Ann", PasswordHash: "h", Support: true})
	if err != nil {
		t.Fatal(err)
	}
	ben, err := nodes[0].CreateUser(ctx, chat.Operator, chat.NewUser{Email: "ben@test.example", Name: "Ben", PasswordHash: "h", Support: true})
	if err != nil {
		t.Fatal(err)
	}
	// A conversation per writer: writers of one conversation would wait
	// for each other on its row whatever the design.
	var convs []int64
	for range 6 {
		conv, _, _, err := nodes[0].CreateConversation(ctx, ann.Actor(0), chat.NewConversation{ParticipantIDs: []int64{ben.ID}})
		if err != nil {
			t.Fatal(err)
		}
		convs = append(convs, conv.ID)
	}
	start, err := nodes[0].LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The reader: a client resuming from its cursor, again and again.
	seen := map[int64]bool{}
	stop := make(chan struct{})
	var rwg sync.WaitGroup
	rwg.Add(1)
	go func() {
		defer rwg.Done()
		cursor := start
		for done := false; !done; {
			select {
			case <-stop:
				done = true // one last read after the writers stopped
			default:
			}
			evs, err := nodes[1].ListEvents(ctx, ann.Actor(0), cursor, 0, 1000)
			if err != nil {
				t.Error(err)
				return
			}
			for _, ev := range evs {
				seen[ev.Seq] = true
				cursor = ev.Seq
			}
		}
	}()

	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			node, who := nodes[w%2], ann.Actor(0)
			if w%3 == 0 {
				who = ben.Actor(0)
			}
			for i := range 60 {
				if _, _, err := node.SendMessage(ctx, who, convs[w], chat.NewMessage{Text: fmt.Sprintf("w%d m%d", w, i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	rwg.Wait()

	// Every event after the start that the reader may see is in the log
	// now; count those it never got.
	all, err := nodes[0].ListEvents(ctx, ann.Actor(0), start, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range all {
		if !seen[ev.Seq] {
			skipped++
		}
	}
	return skipped, len(all)
}
