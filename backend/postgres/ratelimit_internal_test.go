package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/postgres/pgtest"
)

// TestSharedRateLimits: two nodes on one database share each bucket: 3 a
// minute means 3 across both, and the bucket refills with time.
func TestSharedRateLimits(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	var nodes []*Store
	for range 2 {
		s, err := Open(url, Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		nodes = append(nodes, s)
	}
	take := func(i int, key string) (bool, time.Duration) {
		ok, wait, err := nodes[i].Take(ctx, key, 3, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok, wait
	}
	for i, node := range []int{0, 1, 0} {
		if ok, _ := take(node, "ip:1"); !ok {
			t.Fatalf("token %d refused", i+1)
		}
	}
	ok, wait := take(1, "ip:1")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("the 4th token across both nodes: ok=%v wait=%v, want refused for up to 20s", ok, wait)
	}
	if ok, _ := take(1, "ip:2"); !ok {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(wait)
	if ok, _ := take(0, "ip:1"); !ok {
		t.Fatal("no token after the wait it named")
	}
	now = now.Add(2 * time.Minute)
	if n, err := nodes[0].SweepRateLimits(ctx); err != nil || n != 2 {
		t.Fatalf("swept %d (%v), want the 2 full buckets", n, err)
	}
}
