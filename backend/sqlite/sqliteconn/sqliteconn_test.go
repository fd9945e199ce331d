package sqliteconn_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/deskchat/deskchat/backend/sqlite/sqliteconn"
)

func init() {
	sql.Register("sqliteconn_test", &sqlite3.SQLiteDriver{ConnectHook: sqliteconn.Setup})
}

// stable reports StablePlans of one connection of db.
func stable(t *testing.T, db *sql.DB) bool {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	on, err := sqliteconn.StablePlans(conn)
	if err != nil {
		t.Fatal(err)
	}
	return on
}

// TestSetup: a connection through a driver with the hook has stable plans
// and a plain mattn/go-sqlite3 connection does not (so StablePlans reads
// the setting, not a constant).
func TestSetup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	for _, c := range []struct {
		driver string
		want   bool
	}{{"sqliteconn_test", true}, {"sqlite3", false}} {
		db, err := sql.Open(c.driver, "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		if got := stable(t, db); got != c.want {
			t.Errorf("%s: stable plans %v, want %v", c.driver, got, c.want)
		}
		db.Close()
	}
}
