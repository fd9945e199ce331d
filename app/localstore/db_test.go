package localstore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/deskchat/deskchat/backend/sqlite/sqliteconn"
)

// TestConnectionsHaveStablePlans: every connection of the store is set up
// as the server's are (sqliteconn.Setup), so cached statements stay
// prepared.
func TestConnectionsHaveStablePlans(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "l.db"), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := st.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if on, err := sqliteconn.StablePlans(conn); err != nil {
		t.Fatal(err)
	} else if !on {
		t.Error("a local store connection without the planner stability guarantee")
	}
}
