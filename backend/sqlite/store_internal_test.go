package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/deskchat/deskchat/backend/sqlite/sqliteconn"
)

// TestConnectionsHaveStablePlans: the writer and every reader run with
// the planner stability guarantee, without which the statement cache
// re-prepared the send path's joins on every message (sqliteconn).
func TestConnectionsHaveStablePlans(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "x.db"), Options{ReadConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for name, db := range map[string]*sql.DB{"writer": s.wdb, "reader": s.rdb} {
		var conns []*sql.Conn
		for range 2 {
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, conn)
			if name == "writer" {
				break // one connection
			}
		}
		for _, conn := range conns {
			on, err := sqliteconn.StablePlans(conn)
			if err != nil {
				t.Fatal(err)
			}
			if !on {
				t.Errorf("%s connection without stable plans", name)
			}
			conn.Close()
		}
	}
}
