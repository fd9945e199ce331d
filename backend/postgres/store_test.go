package postgres_test

import (
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/blob/blobtest"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/postgres"
	"github.com/deskchat/deskchat/backend/postgres/pgtest"
	"github.com/deskchat/deskchat/backend/storetest"
)

// TestMain (order_internal_test.go) removes the shared cluster at the end.

func openStore(t *testing.T, pub chat.Publisher, now func() time.Time) chat.Store {
	t.Helper()
	s, err := postgres.Open(pgtest.Database(t), postgres.Options{Publisher: pub, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConformance runs the suite every store passes, on a real PostgreSQL.
func TestConformance(t *testing.T) {
	storetest.Run(t, openStore)
}

// TestBlobs runs the blob store suite on the table every node reads.
func TestBlobs(t *testing.T) {
	s, err := postgres.Open(pgtest.Database(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blobtest.Run(t, s.Blobs())
}
