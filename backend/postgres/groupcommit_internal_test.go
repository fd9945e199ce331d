package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/postgres/pgtest"
)

type collect struct {
	mu     sync.Mutex
	events []*chat.Event
}

func (c *collect) Publish(evs []*chat.Event) {
	c.mu.Lock()
	c.events = append(c.events, evs...)
	c.mu.Unlock()
}

// TestGroupCommitBatch (as the SQLite store's) commits one batch of mixed
// requests in a single
// transaction: the good ones are committed and published once, in order;
// a request that fails is undone alone; one whose caller gave up never
// runs; and each caller gets its own answer.
func TestGroupCommitBatch(t *testing.T) {
	pub := &collect{}
	s, err := Open(pgtest.Database(t), Options{Publisher: pub})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	cust, err := s.CreateCustomer(ctx, chat.CustomerInfo{Name: "Group"})
	if err != nil {
		t.Fatal(err)
	}
	a := chat.Actor{Kind: chat.KindCustomer, ID: cust.ID, Name: "Group"}
	conv, _, _, err := s.CreateConversation(ctx, a, chat.NewConversation{ClientID: "g0", Text: "start"})
	if err != nil {
		t.Fatal(err)
	}
	before := len(pub.events)

	send := func(c context.Context, clientID string, convID int64) *writeReq {
		return &writeReq{ctx: c, done: make(chan error, 1), fn: func(tx *Tx) error {
			// What SendMessage does inside write, through the public path:
			// a nested write is not allowed, so insert like it does.
			if _, err := tx.insertMessage(c, a, convID, "batched "+clientID, note{}, clientID); err != nil {
				return err
			}
			return nil
		}}
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	failing := &writeReq{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error {
		if _, err := tx.insertMessage(ctx, a, conv.ID, "undone", note{}, "bad"); err != nil {
			return err
		}
		return chat.Errorf(chat.EInvalid, "refused after writing")
	}}
	// A constraint violation: PostgreSQL aborts the whole transaction until
	// the savepoint is rolled back; the requests after it still commit.
	duplicate := send(ctx, "b1", conv.ID)
	batch := []*writeReq{send(ctx, "b1", conv.ID), failing, duplicate, send(gone, "b2", conv.ID), send(ctx, "b3", conv.ID)}
	s.writeMu.Lock()
	s.commitBatch(batch)
	s.writeMu.Unlock()

	want := []string{"", chat.EInvalid, chat.EConflict, "context canceled", ""}
	for i, r := range batch {
		err := <-r.done
		got := ""
		var ce *chat.Error
		switch {
		case errors.As(err, &ce):
			got = ce.Code
		case err != nil:
			got = err.Error()
		}
		if got != want[i] {
			t.Errorf("request %d: %v, want %q", i, err, want[i])
		}
	}
	msgs, err := s.ListMessages(ctx, a, conv.ID, chat.MessageFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range msgs {
		texts = append(texts, m.Text)
	}
	if fmt.Sprint(texts) != "[start batched b1 batched b3]" {
		t.Fatalf("stored %q", texts)
	}
	evs := pub.events[before:]
	if len(evs) != 2 || evs[1].Seq != evs[0].Seq+1 || evs[0].Seq != pub.events[before-1].Seq+1 {
		t.Fatalf("published %d events, seqs not contiguous: %+v", len(evs), evs)
	}
}

// TestGroupCommitConcurrent: many concurrent senders, some refused; every
// accepted message is stored and published exactly once, seqs gap-free.
func TestGroupCommitConcurrent(t *testing.T) {
	pub := &collect{}
	s, err := Open(pgtest.Database(t), Options{Publisher: pub})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	cust, _ := s.CreateCustomer(ctx, chat.CustomerInfo{Name: "Many"})
	a := chat.Actor{Kind: chat.KindCustomer, ID: cust.ID, Name: "Many"}
	conv, _, _, err := s.CreateConversation(ctx, a, chat.NewConversation{ClientID: "c0", Text: "start"})
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 16, 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				target := conv.ID
				if i%7 == 3 {
					target = 999999 // unknown: refused
				}
				_, _, err := s.SendMessage(ctx, a, target, chat.NewMessage{ClientID: fmt.Sprintf("w%d-%d", w, i), Text: "hi"})
				switch {
				case err == nil:
					mu.Lock()
					accepted++
					mu.Unlock()
				case target == 999999 && chat.ErrorCode(err) == chat.ENotFound:
				default:
					t.Errorf("send: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	var stored int
	if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE conversation_id = ?`, conv.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != accepted+1 || accepted != workers*each-workers*6 {
		t.Fatalf("stored %d messages, accepted %d (+1 start)", stored, accepted)
	}
	seen := map[int64]bool{}
	for i, ev := range pub.events {
		if seen[ev.Seq] || (i > 0 && ev.Seq != pub.events[i-1].Seq+1) {
			t.Fatalf("event %d: seq %d duplicated or out of order", i, ev.Seq)
		}
		seen[ev.Seq] = true
	}
}

// TestWritePanicDoesNotWedge: a write that panics answers the other writes
// of its batch with an error, leaves no transaction open, and later
// writes go through.
func TestWritePanicDoesNotWedge(t *testing.T) {
	s, err := Open(pgtest.Database(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	ok := func() *writeReq {
		return &writeReq{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('x', 'y') ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
			return err
		}}
	}
	bad := &writeReq{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error { panic("boom") }}
	// Alone (its own transaction) and in a batch.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic of a lone write was swallowed")
			}
		}()
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
		s.commitBatch([]*writeReq{bad})
	}()
	if err := <-bad.done; err == nil {
		t.Error("a lone write that panicked reported success")
	}
	bad = &writeReq{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error { panic("boom") }}
	batch := []*writeReq{ok(), bad, ok()}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was swallowed")
			}
		}()
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
		s.commitBatch(batch)
	}()
	for i, r := range batch {
		select {
		case err := <-r.done:
			if err == nil {
				t.Errorf("request %d of the panicked batch reported success", i)
			}
		default:
			t.Errorf("request %d was never answered", i)
		}
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.CreateCustomer(ctx, chat.CustomerInfo{Name: "After the panic"})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("write after a panic: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("writes are wedged after a panic")
	}
}

// TestCancelledWriteFinishes: a caller that goes away while its write
// runs does not interrupt it; a caller gone before it starts never runs.
func TestCancelledWriteFinishes(t *testing.T) {
	s, err := Open(pgtest.Database(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	err = s.write(ctx, func(tx *Tx) error {
		cancel() // the client disconnects half-way
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('half', 'way')`)
		return err
	})
	if err != nil {
		t.Fatalf("a started write was interrupted: %v", err)
	}
	var v string
	if err := s.rdb.QueryRowContext(context.Background(), `SELECT value FROM meta WHERE key = 'half'`).Scan(&v); err != nil || v != "way" {
		t.Fatalf("the write did not land: %q %v", v, err)
	}
	if err := s.write(ctx, func(tx *Tx) error { return nil }); err == nil {
		t.Fatal("a write whose caller had already gone away ran")
	}
}
