// Package migrate applies versioned SQL migrations to an SQLite database,
// for the server's store (backend/sqlite) and the desktop's local store
// (app/localstore) alike.
//
// A migration is a file dir/NNNN_name.sql in an embedded file system. Files
// run in name order, each in its own transaction together with its row in
// schema_migrations (version = the file's path, applied_at = Unix
// milliseconds), so a migration is applied entirely or not at all and never
// twice. This is benbjohnson/wtf's runner (see STYLE.md).
package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"
)

// Apply runs the migrations in fsys under dir that schema_migrations does
// not list yet, creating the table first. Errors name the file that
// failed; migrations before it stay applied.
func Apply(ctx context.Context, db *sql.DB, fsys fs.FS, dir string) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL DEFAULT 0)`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	if err := addAppliedAt(ctx, db); err != nil {
		return fmt.Errorf("migrate: schema_migrations.applied_at: %w", err)
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := applyFile(ctx, db, fsys, name); err != nil {
			return fmt.Errorf("migrate: %s: %w", name, err)
		}
	}
	return nil
}

// addAppliedAt gives tables from before applied_at was recorded (the
// desktop's first versions) the column.
func addAppliedAt(ctx context.Context, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'applied_at'`).Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := db.ExecContext(ctx, `ALTER TABLE schema_migrations ADD COLUMN applied_at INTEGER NOT NULL DEFAULT 0`)
	return err
}

func applyFile(ctx context.Context, db *sql.DB, fsys fs.FS, name string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		name, time.Now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}
