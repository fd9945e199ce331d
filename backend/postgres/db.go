// Package postgres implements chat.Store on PostgreSQL through
// jackc/pgx/v5 (its database/sql driver), for helpdesks that outgrow one
// SQLite file or run several server nodes on one database. It passes the
// same conformance suite as backend/sqlite (storetest.Run) and keeps its
// SQL beside that store's, statement for statement: queries are written
// with SQLite's ? and :name placeholders and bound to $n by bind.
//
// Writes run one at a time across every node: each write transaction
// first locks the one row of event_head, which hands out the event log's
// sequence numbers, and holds it until commit. Sequence order is therefore
// commit order, with no holes, so a reader never sees event N+1 before N
// (see migrations/0001_schema.sql). Reads run on a pool, each request in a
// read-only REPEATABLE READ transaction (one snapshot, as SQLite's WAL
// readers get).
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

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
	// MaxConns sizes the connection pool (default 16).
	MaxConns int

	// unordered (tests only) takes sequence numbers from a plain
	// PostgreSQL sequence without the head lock, as a naive design would,
	// so that TestLogStaysContiguousAcrossNodes can show what the lock
	// prevents; beforeCommit (tests only) runs just before each commit.
	unordered    bool
	beforeCommit func()
}

// Store is the PostgreSQL chat.Store.
type Store struct {
	url     string
	sqlDB   *sql.DB
	rdb     db // the pool, with bind
	writeMu sync.Mutex
	queueMu sync.Mutex
	queue   []*writeReq // writes waiting for the next commit
	pub     chat.Publisher
	now     func() time.Time
	// published is the newest seq handed to pub (guarded by writeMu).
	// Events other nodes committed show up as a gap before our next
	// events and are published first (see publish).
	published int64

	bg sync.WaitGroup // background vacuums (see vacuum)

	leadMu   sync.Mutex
	leadConn *sql.Conn // holds the housekeeping lock while this node leads (Lead)

	unordered    bool
	beforeCommit func()
}

var _ chat.Store = (*Store)(nil)

// Open connects to the database at url (postgres://…) and migrates it.
// Several nodes may open the same database at once: migrations run under
// an advisory lock.
func Open(url string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxConns == 0 {
		opt.MaxConns = 16
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// A node that hangs or loses its network while holding the log's head
	// must not stop every node's writes: PostgreSQL ends a transaction
	// left idle for 10 s (and with it the lock), notices a silent peer
	// within ~25 s, and a write waits at most 10 s for the lock before it
	// answers unavailable.
	for k, v := range map[string]string{
		"idle_in_transaction_session_timeout": "10000",
		"lock_timeout":                        "10000",
		"tcp_keepalives_idle":                 "10",
		"tcp_keepalives_interval":             "5",
		"tcp_keepalives_count":                "3",
	} {
		if _, set := cfg.RuntimeParams[k]; !set {
			cfg.RuntimeParams[k] = v
		}
	}
	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxOpenConns(opt.MaxConns)
	sqlDB.SetMaxIdleConns(opt.MaxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{url: url, sqlDB: sqlDB, rdb: db{sqlDB}, pub: opt.Publisher, now: opt.Now,
		unordered: opt.unordered, beforeCommit: opt.beforeCommit}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.migrate(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	if s.published, err = s.lastSeq(ctx, s.rdb); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// Close waits for background work, then closes the pool.
func (s *Store) Close() error {
	s.bg.Wait()
	s.closeLead()
	return s.sqlDB.Close()
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return dbErr(s.rdb.QueryRowContext(ctx, `SELECT 1 FROM meta LIMIT 1`).Scan(&one))
}

// migrationLock is the advisory lock key nodes take while migrating.
const migrationLock = 0x6465736b // "desk"

// migrate applies the embedded migrations not yet recorded, each in its
// own transaction with its row in schema_migrations, on one connection
// that holds the migration lock, so nodes starting together do not race.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return dbErr(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("postgres: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := applyMigration(ctx, conn, name, s.now()); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, conn *sql.Conn, name string, now time.Time) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, name).Scan(&n); err != nil || n > 0 {
		return err
	}
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, name, now.UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// dbErr turns PostgreSQL's transient failures into chat errors a client
// can act on: an unreachable or restarting database, a connection cut,
// a full disk or too many connections are unavailable (try again); a
// unique violation is a conflict; no rows is not found. Everything else
// stays internal.
func dbErr(err error) error {
	var pe *pgconn.PgError
	var ne net.Error
	var ce *pgconn.ConnectError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		switch {
		case pe.Code == "23505":
			return chat.Errorf(chat.EConflict, "That already exists.")
		case pe.Code == "53100": // disk_full
			return chat.Errorf(chat.EUnavailable, "The server's disk is full; try again later.")
		case hasAnyPrefix(pe.Code, "08", "53", "55", "57") || pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "25P03":
			// connection exceptions, insufficient resources, a lock not
			// available in time, operator intervention (shutdown,
			// restart), serialization, deadlock, an idle transaction ended
			return chat.Errorf(chat.EUnavailable, "The database is unavailable; try again.")
		}
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, sql.ErrConnDone), errors.Is(err, driver.ErrBadConn):
		return chat.Errorf(chat.EUnavailable, "The database is unavailable; try again.")
	case errors.Is(err, sql.ErrNoRows):
		return chat.Errorf(chat.ENotFound, "Not found.")
	}
	var ce2 *chat.Error
	if errors.As(err, &ce2) {
		return err
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return chat.Errorf(chat.EUnavailable, "The database is unavailable; try again.")
	}
	return err
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
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
