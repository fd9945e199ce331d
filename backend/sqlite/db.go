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
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/deskchat/deskchat/backend/chat"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

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
	if s.wdb, err = sql.Open("sqlite3", "file:"+path+"?"+q.Encode()); err != nil {
		return nil, err
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetConnMaxLifetime(0)
	if err := s.migrate(context.Background()); err != nil {
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
	if s.rdb, err = sql.Open("sqlite3", "file:"+path+"?"+q.Encode()); err != nil {
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

// migrate applies the embedded migrations that are not yet recorded, each
// in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) migrateFile(ctx context.Context, name string) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
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
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		name, s.now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// Tx is a write transaction that collects the events it appends so that
// they are published after commit.
type Tx struct {
	*sql.Tx
	s      *Store
	now    time.Time
	events []*chat.Event
}

// writeReq is one write waiting for a commit.
type writeReq struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan error
}

// maxBatch bounds how many writes share one commit.
const maxBatch = 256

// write runs fn in a write transaction, commits, and publishes the events
// it appended before returning, so a write is acknowledged only once it
// is durable. Writes that arrive while a commit is in progress are
// committed together (group commit): synchronous=FULL costs one fsync per
// commit, not per message. The caller that gets the write lock commits
// every queued write; the others find theirs done.
func (s *Store) write(ctx context.Context, fn func(tx *Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.queueMu.Lock()
	s.queue = append(s.queue, req)
	s.queueMu.Unlock()

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	for {
		select {
		case err := <-req.done: // committed (by us or by the caller before us)
			return err
		default:
		}
		// Ours is queued (FIFO): commit batches until it is done.
		s.queueMu.Lock()
		n := min(len(s.queue), maxBatch)
		batch := s.queue[:n:n]
		s.queue = append([]*writeReq(nil), s.queue[n:]...)
		s.queueMu.Unlock()
		s.commitBatch(batch)
	}
}

// commitBatch runs a batch in one transaction (under writeMu) and tells
// each request its result. A request whose fn fails is undone alone (a
// savepoint per request); if SQLite itself fails inside a request (full
// disk, I/O, busy), which may abort the whole transaction, every request
// runs again in a transaction of its own so each gets its own answer. A
// failed BEGIN or COMMIT answers the whole batch (a COMMIT may have reached
// the disk: running the writes again could store them twice).
func (s *Store) commitBatch(batch []*writeReq) {
	if len(batch) == 0 {
		return
	}
	answered := 0
	var sqlTx *sql.Tx
	// A panic in a request must not keep the writer connection in a
	// transaction nor leave the other callers waiting forever.
	defer func() {
		if p := recover(); p != nil {
			if sqlTx != nil {
				sqlTx.Rollback()
			}
			for _, r := range batch[answered:] {
				r.done <- chat.Errorf(chat.EInternal, "The write failed.")
			}
			panic(p)
		}
	}()
	answerAll := func(err error) {
		for _, r := range batch[answered:] {
			r.done <- err
		}
		answered = len(batch)
	}
	if len(batch) == 1 {
		err := s.commitOne(batch[0])
		answerAll(err)
		return
	}
	fallback := func() {
		for _, r := range batch {
			r.done <- s.commitOne(r)
			answered++
		}
	}
	var err error
	if sqlTx, err = s.wdb.BeginTx(context.Background(), nil); err != nil {
		sqlTx = nil
		answerAll(dbErr(err))
		return
	}
	tx := &Tx{Tx: sqlTx, s: s}
	results := make([]error, len(batch))
	abort := func() {
		sqlTx.Rollback()
		sqlTx = nil
		fallback()
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err // given up before it ran: nothing written
			continue
		}
		mark := len(tx.events)
		if _, err := sqlTx.Exec(`SAVEPOINT w`); err != nil {
			abort()
			return
		}
		tx.now = s.now().UTC()
		err := r.fn(tx)
		if err != nil && sqliteFailure(err) {
			abort()
			return
		}
		if err != nil {
			tx.events = tx.events[:mark]
			if _, rerr := sqlTx.Exec(`ROLLBACK TO w`); rerr != nil {
				abort()
				return
			}
			results[i] = dbErr(err)
		}
		if _, err := sqlTx.Exec(`RELEASE w`); err != nil {
			abort()
			return
		}
	}
	if err := sqlTx.Commit(); err != nil {
		sqlTx.Rollback()
		sqlTx = nil
		answerAll(dbErr(err))
		return
	}
	sqlTx = nil
	s.publish(tx.events)
	for i, r := range batch {
		r.done <- results[i]
	}
	answered = len(batch)
}

// sqliteFailure reports an error of SQLite itself rather than of the
// request (a constraint is the request's: SQLite undoes only the statement).
func sqliteFailure(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code != sqlite3.ErrConstraint
}

// commitOne runs one request in its own transaction. The transaction does
// not follow the caller's context: once a write has started it finishes
// (cancelling it would make database/sql drop the writer connection).
func (s *Store) commitOne(r *writeReq) (err error) {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	sqlTx, err := s.wdb.BeginTx(context.Background(), nil)
	if err != nil {
		return dbErr(err)
	}
	done := false
	defer func() {
		if !done {
			sqlTx.Rollback() // fn failed or panicked
		}
	}()
	tx := &Tx{Tx: sqlTx, s: s, now: s.now().UTC()}
	if err := r.fn(tx); err != nil {
		return dbErr(err)
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		sqlTx.Rollback()
		return dbErr(err)
	}
	s.publish(tx.events)
	return nil
}

// publish hands committed events to the publisher in seq order (under
// writeMu), first any written by another process since the last publish.
func (s *Store) publish(events []*chat.Event) {
	if len(events) == 0 {
		return
	}
	if first := events[0].Seq; first > s.published+1 {
		if missed, err := s.eventsForPublish(context.Background(), s.published, first-1); err == nil {
			events = append(missed, events...)
		}
	}
	if s.pub != nil {
		s.pub.Publish(events)
	}
	s.published = events[len(events)-1].Seq
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

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
