package migrate_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/mattn/go-sqlite3"

	"github.com/deskchat/deskchat/backend/sqlite/migrate"
)

func open(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func versions(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT version FROM schema_migrations WHERE applied_at > 0 ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		rows.Scan(&v)
		out = append(out, v)
	}
	return strings.Join(out, ",")
}

func TestApply(t *testing.T) {
	ctx := context.Background()
	fsys := fstest.MapFS{
		"m/0002_more.sql":  {Data: []byte(`INSERT INTO t (v) VALUES ('two');`)},
		"m/0001_first.sql": {Data: []byte(`CREATE TABLE t (v TEXT NOT NULL); INSERT INTO t (v) VALUES ('one');`)},
		"m/notes.txt":      {Data: []byte(`not a migration`)},
	}

	t.Run("InOrderOnce", func(t *testing.T) {
		db := open(t)
		for range 2 {
			if err := migrate.Apply(ctx, db, fsys, "m"); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM t`).Scan(&n)
		if n != 2 {
			t.Errorf("rows = %d, want 2 (each migration once)", n)
		}
		if got := versions(t, db); got != "m/0001_first.sql,m/0002_more.sql" {
			t.Errorf("recorded %q", got)
		}
	})

	t.Run("FailureIsUndoneAndNamed", func(t *testing.T) {
		db := open(t)
		bad := fstest.MapFS{
			"m/0001_first.sql": fsys["m/0001_first.sql"],
			"m/0002_bad.sql":   {Data: []byte(`INSERT INTO t (v) VALUES ('half'); INSERT INTO nowhere VALUES (1);`)},
		}
		err := migrate.Apply(ctx, db, bad, "m")
		if err == nil || !strings.Contains(err.Error(), "m/0002_bad.sql") {
			t.Fatalf("err = %v, want one naming m/0002_bad.sql", err)
		}
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM t`).Scan(&n)
		if n != 1 {
			t.Errorf("rows = %d, want 1 (the failed file undone entirely)", n)
		}
		if got := versions(t, db); got != "m/0001_first.sql" {
			t.Errorf("recorded %q", got)
		}
	})

	t.Run("TableWithoutAppliedAt", func(t *testing.T) {
		// The desktop's first versions recorded the version only.
		db := open(t)
		if _, err := db.Exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY);
			CREATE TABLE t (v TEXT NOT NULL); INSERT INTO t (v) VALUES ('one');
			INSERT INTO schema_migrations (version) VALUES ('m/0001_first.sql')`); err != nil {
			t.Fatal(err)
		}
		if err := migrate.Apply(ctx, db, fsys, "m"); err != nil {
			t.Fatal(err)
		}
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM t`).Scan(&n)
		if n != 2 {
			t.Errorf("rows = %d, want 2 (0001 not run again)", n)
		}
		if got := versions(t, db); got != "m/0002_more.sql" {
			t.Errorf("recorded with a time %q, want only the new one", got)
		}
	})
}
