package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/postgres/pgtest"
)

// TestHungNodeReleasesTheLog: a node that stops in the middle of a write
// (paused, or cut off) while holding the log's head does not stop the
// other nodes for long: PostgreSQL ends its idle transaction and the next
// write goes through. The timeout is 10 s by default; this node sets 1 s
// in its URL, as any runtime parameter can be.
func TestHungNodeReleasesTheLog(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	hung, err := Open(url+"&idle_in_transaction_session_timeout=1000", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer hung.Close()
	other, err := Open(url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := hung.sqlDB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var head int64
	if err := tx.QueryRowContext(ctx, `SELECT seq FROM event_head FOR UPDATE`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	// The hung node does nothing more. The other node writes:
	start := time.Now()
	if _, err := other.CreateCustomer(ctx, chat.CustomerInfo{Name: "After the hang"}); err != nil {
		t.Fatalf("write while another node hung with the lock: %v", err)
	}
	if waited := time.Since(start); waited < 500*time.Millisecond || waited > 8*time.Second {
		t.Fatalf("the write waited %s: the lock was not held, or not released by the timeout", waited)
	}
}
