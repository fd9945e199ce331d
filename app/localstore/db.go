// Package localstore is the desktop app's SQLite copy of the history the
// signed-in user may see: people, conversations, messages, items, read
// state and settings, with full-text search, the sync cursor and the
// outbox. Every read the UI needs is answered here, so the whole history
// can be reviewed and searched with the server unreachable.
//
// It is separate from any server database and applies events idempotently:
// every event carries the state after its change, so applying one twice,
// or an older one before a newer one, ends in the same rows.
package localstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deskchat/deskchat/backend/fts"
	"github.com/deskchat/deskchat/backend/sqlite/migrate"
	"github.com/deskchat/deskchat/backend/sqlite/sqliteconn"
	"github.com/mattn/go-sqlite3"
)

// driver is SQLite with fts_words(text), the length in words that search
// ranks by (fts.Words), and fts_terms(text) and fts_has(text, word), its
// words for the vocabulary:
// for the SQL that stores a message's text and for migration 0011, which
// counted the messages stored before it.
const driver = "sqlite3_deskchat_local"

func init() {
	sql.Register(driver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// The server's setup (the planner stability guarantee): without
		// it the driver's clear-bindings on reuse expire cached statements
		// with a 'column = ?' term, and they are parsed again every time.
		if err := sqliteconn.Setup(c); err != nil {
			return err
		}
		if err := c.RegisterFunc("fts_words", fts.Words, true); err != nil {
			return err
		}
		if err := c.RegisterFunc("fts_has", ftsHas, true); err != nil {
			return err
		}
		return c.RegisterFunc("fts_terms", ftsTerms, true)
	}})
}

// ftsHas is fts_has(text, word): whether a word of text, lowercased, is
// word (a vocabulary entry still in use).
func ftsHas(text, word string) bool {
	terms, _ := fts.Terms(text)
	for _, t := range terms {
		if t[1] == word {
			return true
		}
	}
	return false
}

// ftsTerms is fts_terms(text): fts.Terms as a JSON array of [fold, word]
// pairs, for the statements that keep the vocabulary (migration 0011).
func ftsTerms(text string) string {
	terms, _ := fts.Terms(text)
	out, _ := json.Marshal(terms)
	return string(out)
}

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the local store. Safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	mu   sync.Mutex // serialises writers
	me   int64      // the signed-in user, for membership and unread
	// Now is the clock for outbox timestamps.
	Now func() time.Time
	// FileCacheBytes caps the attachment cache (files.go; 0:
	// DefaultFileCacheBytes).
	FileCacheBytes int64

	// Guarded by mu: the vocabulary cache (vocab.go) and what a write
	// does once it has committed.
	known    knownWords
	onCommit []func()

	freshMu sync.Mutex
	fresh   []int64 // conversations first stored since the last TakeNew

	// The background checkpoint after a redaction (dropEarlierPages).
	bg              sync.WaitGroup
	closing         chan struct{}
	closeOnce       sync.Once
	checkpointing   atomic.Bool
	checkpointAgain atomic.Bool
}

func (s *Store) noteFresh(id int64) {
	s.freshMu.Lock()
	defer s.freshMu.Unlock()
	s.fresh = append(s.fresh, id)
}

// TakeNew returns and forgets the conversations first stored, or seen
// with messages but no row, since the last call (the sync engine fetches
// their history).
func (s *Store) TakeNew() []int64 {
	s.freshMu.Lock()
	defer s.freshMu.Unlock()
	out := s.fresh
	s.fresh = nil
	return out
}

// Open opens (creating) the store at path for user me.
func Open(path string, me int64) (*Store, error) {
	// secure_delete: rows deleted or rewritten (an edited or deleted
	// message, an erased customer) leave zeros, not their text.
	// _stmt_cache_size: mattn/go-sqlite3 keeps prepared statements per
	// connection (as the server's store does, backend/sqlite/db.go); an
	// initial sync runs the same few statements for tens of thousands of
	// events, and parsing them again was a fifth of its CPU.
	db, err := sql.Open(driver, "file:"+path+"?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000&_synchronous=NORMAL&_secure_delete=on&_stmt_cache_size=64")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	s := &Store{db: db, path: path, me: me, Now: time.Now, closing: make(chan struct{})}
	if err := migrate.Apply(context.Background(), db, migrations, "migrations"); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Remove deletes the local store at path (closed) with everything beside
// it: its WAL, its cached files and the copies of unsent files.
func Remove(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for _, d := range []string{path + ".files", path + ".outbox"} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
	}
	return nil
}

// Close waits for a background checkpoint to stop, then closes the
// database.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.bg.Wait()
	return s.db.Close()
}

// Me is the signed-in user's id.
func (s *Store) Me() int64 { return s.me }

// write runs fn in a transaction under the writer lock.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	s.onCommit = nil
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, f := range s.onCommit {
		f()
	}
	s.onCommit = nil
	return nil
}

// Meta reads a meta value ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// SetMeta writes a meta value.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	return s.write(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, key, value) })
}

// forget drops the synced history (not the outbox) inside tx. The
// vocabulary goes first: the delete trigger then has no word to look for.
func forget(ctx context.Context, tx *sql.Tx) error {
	for _, t := range []string{"vocab", "users", "customers", "conversations", "messages", "items", "item_people", "read_state", "settings", "saved_replies", "attachments"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key IN ('cursor', 'epoch')`)
	return err
}
