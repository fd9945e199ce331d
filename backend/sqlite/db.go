// Package sqlite implements chat.Store on SQLite through mattn/go-sqlite3:
// WAL journal, foreign keys, a busy timeout, and versioned migrations
// embedded in the binary and applied at Open.
//
// Writes go through one connection guarded by a mutex: SQLite has a single
// writer anyway, and holding our own lock across commit and Publish is what
// makes events reach the hub in exactly the order of their sequence numbers.
// Reads use a separate pool of read-only connections, which WAL lets run
// alongside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/sqlite/migrate"
	"github.com/deskchat/deskchat/backend/sqlite/sqliteconn"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// driver is mattn/go-sqlite3 with every connection set up by sqliteconn
// (the planner stability guarantee that lets cached statements stay
// prepared).
const driver = "sqlite3_deskchat"

func init() {
	sql.Register(driver, &sqlite3.SQLiteDriver{ConnectHook: sqliteconn.Setup})
}

// Options tune a Store. The zero value is fine.
type Options struct {
	// Publisher receives committed events in order (the hub). May be nil.
	Publisher chat.Publisher
	// Now is the clock; tests set it. Defaults to time.Now.
	Now func() time.Time
	// BusyTimeout is how long a statement waits for a lock (default 5 s).
	BusyTimeout time.Duration
	// ReadConns sizes the read pool (default 4).
	ReadConns int
	// MaxPages caps the database size in pages (0: no cap). A write past
	// it fails like a full disk (SQLITE_FULL): tests use it to fill the
	// "disk", operators as a quota.
	MaxPages int64
}

// Store is the SQLite chat.Store.
type Store struct {
	path    string
	wdb     *sql.DB // one connection: the only writer
	rdb     *sql.DB // read-only pool
	writeMu sync.Mutex
	queueMu sync.Mutex
	queue   []*writeReq // writes waiting for the next commit
	pub     chat.Publisher
	now     func() time.Time
	// published is the newest seq handed to pub (guarded by writeMu).
	// Events another process appended to the same file (deskchat-server
	// user add against a live database) show up as a gap before our next
	// events and are published first, so no live client skips them.
	published int64

	bg      sync.WaitGroup // background checkpoints (see checkpoint)
	closing chan struct{}
	closed  sync.Once
}

var _ chat.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and migrates it.
func Open(path string, opt Options) (*Store, error) {
	if path == "" || strings.Contains(path, ":memory:") {
		// Each pooled connection to :memory: is a separate database.
		return nil, fmt.Errorf("sqlite: a file path is required")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.BusyTimeout == 0 {
		opt.BusyTimeout = 5 * time.Second
	}
	if opt.ReadConns == 0 {
		opt.ReadConns = 4
	}
	s := &Store{path: path, pub: opt.Publisher, now: opt.Now, closing: make(chan struct{})}
	// synchronous=FULL: an acknowledged message survives power loss, not
	// only a crash of the process. _txlock=immediate takes the write lock at
	// BEGIN so a transaction never fails half-way on lock upgrade.
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", strconv.FormatInt(opt.BusyTimeout.Milliseconds(), 10))
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate")
	// mattn/go-sqlite3 keeps prepared statements per connection: the
	// writer runs the same dozen statements for every message, and
	// preparing them was most of the CPU of a small write.
	q.Set("_stmt_cache_size", "128")
	// Deleted content is overwritten with zeros: a deleted or edited
	// message's earlier text, and an erased customer, leave no bytes in
	// free pages.
	q.Set("_secure_delete", "on")
	var err error
	if s.wdb, err = sql.Open(driver, "file:"+path+"?"+q.Encode()); err != nil {
		return nil, err
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetConnMaxLifetime(0)
	if err := migrate.Apply(context.Background(), s.wdb, migrationFS, "migrations"); err != nil {
		s.wdb.Close()
		return nil, err
	}
	if opt.MaxPages > 0 {
		// The writer is one long-lived connection, so the pragma holds.
		if _, err := s.wdb.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", opt.MaxPages)); err != nil {
			s.wdb.Close()
			return nil, err
		}
	}
	q.Set("_txlock", "deferred")
	q.Set("_query_only", "true")
	if s.rdb, err = sql.Open(driver, "file:"+path+"?"+q.Encode()); err != nil {
		s.wdb.Close()
		return nil, err
	}
	s.rdb.SetMaxOpenConns(opt.ReadConns)
	s.rdb.SetMaxIdleConns(opt.ReadConns)
	if s.published, err = lastSeq(context.Background(), s.wdb); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops background work, then closes both pools.
func (s *Store) Close() error {
	s.closed.Do(func() { close(s.closing) })
	s.bg.Wait()
	return errors.Join(s.rdb.Close(), s.wdb.Close())
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return dbErr(s.rdb.QueryRowContext(ctx, `SELECT 1 FROM meta LIMIT 1`).Scan(&one))
}

// dbErr turns SQLite's transient failures into chat errors a client can act
// on; everything else stays internal.
func dbErr(err error) error {
	var se sqlite3.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return chat.Errorf(chat.EUnavailable, "The database is busy; try again.")
		case sqlite3.ErrFull:
			return chat.Errorf(chat.EUnavailable, "The server's disk is full; try again later.")
		case sqlite3.ErrConstraint:
			if se.ExtendedCode == sqlite3.ErrConstraintUnique {
				return chat.Errorf(chat.EConflict, "That already exists.")
			}
		}
	case errors.Is(err, sql.ErrNoRows):
		return chat.Errorf(chat.ENotFound, "Not found.")
	}
	return err
}

// ms converts a time to stored milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored milliseconds back to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// fromNullMS converts a nullable stored time.
func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// Pragmas reports the connection settings that matter for durability, for
// health pages and tests.
func (s *Store) Pragmas(ctx context.Context) map[string]string {
	out := map[string]string{}
	for _, p := range []string{"journal_mode", "foreign_keys", "synchronous", "busy_timeout"} {
		var v string
		if err := s.wdb.QueryRowContext(ctx, "PRAGMA "+p).Scan(&v); err == nil {
			out[p] = v
		}
	}
	return out
}
