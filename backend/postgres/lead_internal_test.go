package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/postgres/pgtest"
)

// TestOneLeader: of two nodes on one database one leads the housekeeping;
// when it goes away, the other takes over.
func TestOneLeader(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	a, err := Open(url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !a.Lead(ctx) || !a.Lead(ctx) {
		t.Fatal("the first node to ask does not lead")
	}
	if b.Lead(ctx) {
		t.Fatal("two nodes lead at once")
	}
	// PostgreSQL frees a closed session's advisory lock once its backend
	// has seen the connection go, a moment after Close returns.
	a.Close()
	deadline := time.Now().Add(10 * time.Second)
	for !b.Lead(ctx) {
		if time.Now().After(deadline) {
			t.Fatal("the other node did not take over when the leader went away")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
