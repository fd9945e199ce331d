package postgres

import (
	"context"
	"testing"

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
	a.Close()
	if !b.Lead(ctx) {
		t.Fatal("the other node did not take over when the leader went away")
	}
}
