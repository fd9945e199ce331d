package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/sqlite"
)

// copyTables lists every table of a helpdesk with its columns, in an order
// that satisfies the foreign keys; both schemas name them alike (SQLite's
// 0/1 columns are PostgreSQL's booleans, marked with a leading "?").
var copyTables = []struct {
	name    string
	columns []string
	ids     bool // has an identity id whose counter must follow
}{
	{"users", []string{"id", "email", "name", "password_hash", "?admin", "?support", "?active", "created_at", "time_zone"}, true},
	{"customers", []string{"id", "name", "email", "first_seen", "last_seen", "page_url", "browser", "language", "time_zone", "erased_at"}, true},
	{"sessions", []string{"id", "token_hash", "user_id", "customer_id", "created_at", "expires_at"}, true},
	{"items", []string{"id", "type", "title", "description", "status", "priority", "requester_id", "creator_id", "created_at", "updated_at",
		"source_conversation_id", "title_message_id", "?legacy"}, true},
	{"item_people", []string{"item_id", "user_id", "role"}, false},
	{"conversations", []string{"id", "kind", "status", "customer_id", "creator_kind", "creator_id", "client_id", "created_at", "last_activity_at",
		"closed_at", "last_message_id", "first_message_id", "item_id", "erased_at", "assignee_id"}, true},
	{"participants", []string{"conversation_id", "user_id", "added_at"}, false},
	{"messages", []string{"id", "conversation_id", "author_kind", "author_id", "text", "system", "client_id", "created_at", "edited_at", "deleted_at",
		"?internal", "actor_kind", "actor_id", "mentions", "attachments", "system_params"}, true},
	{"message_audit", []string{"id", "message_id", "action", "actor_kind", "actor_id", "actor_name", "old_text", "new_text", "at"}, true},
	{"read_state", []string{"user_id", "conversation_id", "last_read_message_id", "updated_at"}, false},
	{"settings", []string{"key", "value", "updated_at"}, false},
	{"saved_replies", []string{"id", "owner_id", "shortcut", "title", "text", "created_at", "updated_at"}, true},
	{"attachments", []string{"id", "uploader_kind", "uploader_id", "message_id", "position", "name", "type", "size", "?image", "width", "height",
		"blob", "thumb_blob", "thumb_type", "created_at"}, false},
	{"released_blobs", []string{"blob", "released_at"}, false},
	{"customer_erasures", []string{"customer_id", "actor_id", "actor_name", "at", "conversations", "messages"}, false},
	{"events", []string{"seq", "type", "scope", "conversation_id", "customer_id", "user_id", "data", "created_at", "message_id", "item_id", "?redacted"}, false},
}

// CopyFromSQLite copies a whole helpdesk from the SQLite file at path
// (migrated first, like any open) into the empty PostgreSQL database at
// url: every row of every table with its id, the event log with its
// sequence numbers, epoch, head and pruning point, so that desktops and
// widgets resume from their cursors without a resync. It runs in one
// transaction; a database that already holds a helpdesk (any user or
// event) is refused. It returns the rows copied per table. Nothing may
// write to the SQLite file meanwhile (stop its server first).
func CopyFromSQLite(ctx context.Context, path, url string) (map[string]int64, error) {
	src, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	src.Close()
	from, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return nil, err
	}
	defer from.Close()
	dst, err := Open(url, Options{})
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	conn, err := dst.sqlDB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	counts := map[string]int64{}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM events) OR (SELECT seq FROM event_head) > 0`).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("the PostgreSQL database already holds a helpdesk; copy into an empty one")
		}
		rd, err := from.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot of the file
		if err != nil {
			return err
		}
		defer rd.Rollback()
		for _, t := range copyTables {
			n, err := copyTable(ctx, rd, tx, t.name, t.columns)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			counts[t.name] = n
			if t.ids {
				if _, err := tx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM %s`, t.name, t.name)); err != nil {
					return err
				}
			}
		}
		// The attachments' bytes: the folder beside the file (blob.Dir)
		// into the blobs table every node reads.
		if n, err := copyBlobs(ctx, path+".files", tx); err != nil {
			return fmt.Errorf("copy files: %w", err)
		} else {
			counts["files"] = n
		}
		// The log's identity: its epoch, where it was pruned, and its head
		// (which survives pruning in SQLite's sqlite_sequence).
		var epoch, pruned string
		var head int64
		if err := rd.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = 'epoch'), (SELECT value FROM meta WHERE key = 'pruned_through'),
			COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)`).Scan(&epoch, &pruned, &head); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meta SET value = $1 WHERE key = 'epoch'`, epoch); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meta SET value = $1 WHERE key = 'pruned_through'`, pruned); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE event_head SET seq = $1`, head); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	return counts, err
}

// copyTable streams one table from SQLite into PostgreSQL with COPY.
func copyTable(ctx context.Context, from *sql.Tx, to pgx.Tx, table string, columns []string) (int64, error) {
	names := make([]string, len(columns))
	isBool := make([]bool, len(columns))
	for i, c := range columns {
		names[i], isBool[i] = strings.TrimPrefix(c, "?"), strings.HasPrefix(c, "?")
	}
	rows, err := from.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	// Streamed row by row: a big helpdesk never sits in memory.
	next := func() ([]any, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			switch x := v.(type) {
			case int64:
				if isBool[i] {
					vals[i] = x != 0
				}
			case []byte:
				if names[i] != "token_hash" {
					vals[i] = string(x) // SQLite hands TEXT back as bytes at times
				}
			}
		}
		return vals, nil
	}
	return to.CopyFrom(ctx, pgx.Identifier{table}, names, pgx.CopyFromFunc(next))
}

// copyBlobs copies every blob of the folder dir (none when it does not
// exist) into the blobs table.
func copyBlobs(ctx context.Context, dir string, to pgx.Tx) (int64, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	d, err := blob.OpenDir(dir)
	if err != nil {
		return 0, err
	}
	var n int64
	err = d.Walk(ctx, func(key string, touched time.Time) error {
		f, err := d.Open(ctx, key)
		if err != nil {
			return err
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return err
		}
		if blob.Key(data) != key {
			return fmt.Errorf("blob %s does not hold its bytes", key)
		}
		n++
		_, err = to.Exec(ctx, `INSERT INTO blobs (key, data, touched_at) VALUES ($1, $2, $3)`, key, data, touched.UnixMilli())
		return err
	})
	return n, err
}
