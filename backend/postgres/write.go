package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// queryer reads: the pool, a read transaction or a write transaction.
// Queries use SQLite's ? and :name placeholders (see bind).
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// db is the pool, binding placeholders.
type db struct{ *sql.DB }

func (d db) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	q, args = bind(q, args)
	return d.DB.QueryRowContext(ctx, q, args...)
}

func (d db) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q, args = bind(q, args)
	return d.DB.QueryContext(ctx, q, args...)
}

func (d db) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q, args = bind(q, args)
	return d.DB.ExecContext(ctx, q, args...)
}

// readTx is a read-only transaction on one snapshot.
type readTx struct{ *sql.Tx }

// read begins a read-only REPEATABLE READ transaction: every query of a
// request sees the same snapshot. The caller rolls it back.
func (s *Store) read(ctx context.Context) (*readTx, error) {
	tx, err := s.sqlDB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, dbErr(err)
	}
	return &readTx{tx}, nil
}

func (t *readTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	q, args = bind(q, args)
	return t.Tx.QueryRowContext(ctx, q, args...)
}

func (t *readTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q, args = bind(q, args)
	return t.Tx.QueryContext(ctx, q, args...)
}

// Tx is a write transaction that collects the events it appends so that
// they are published after commit. Its statements do not follow the
// caller's context: a write that started finishes (a client going away
// must not cut a transaction half-way).
type Tx struct {
	tx     *sql.Tx
	s      *Store
	now    time.Time
	events []*chat.Event
	head   int64 // the log's head, locked for this transaction
}

func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q, args = bind(q, args)
	return tx.tx.ExecContext(context.WithoutCancel(ctx), q, args...)
}

func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q, args = bind(q, args)
	return tx.tx.QueryContext(context.WithoutCancel(ctx), q, args...)
}

func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	q, args = bind(q, args)
	return tx.tx.QueryRowContext(context.WithoutCancel(ctx), q, args...)
}

// write runs fn in a write transaction, commits, and publishes the events
// it appended before returning, so a write is acknowledged only once it
// is durable (synchronous_commit stays on). The transaction first locks
// the log's head row (event_head), which serialises writes across every
// node in commit order; writeMu keeps this node's writers from queueing
// for it on separate connections. fn may run again on a fresh transaction
// only if it never ran; its error rolls everything back.
func (s *Store) write(ctx context.Context, fn func(tx *Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	sqlTx, err := s.sqlDB.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return dbErr(err)
	}
	done := false
	defer func() {
		if !done {
			sqlTx.Rollback()
		}
	}()
	tx := &Tx{tx: sqlTx, s: s, now: s.now().UTC()}
	if !s.unordered {
		if err := tx.QueryRowContext(ctx, `SELECT seq FROM event_head FOR UPDATE`).Scan(&tx.head); err != nil {
			return dbErr(err)
		}
	}
	if err := fn(tx); err != nil {
		return dbErr(err)
	}
	if s.beforeCommit != nil {
		s.beforeCommit()
	}
	if len(tx.events) > 0 && !s.unordered {
		if _, err := tx.ExecContext(ctx, `UPDATE event_head SET seq = ?`, tx.head); err != nil {
			return dbErr(err)
		}
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		// The commit's outcome is unknown when the connection broke;
		// unavailable tells the client to retry, and client ids make the
		// retry harmless.
		return dbErr(err)
	}
	s.publish(tx.events)
	return nil
}

// publish hands committed events to the publisher in seq order (under
// writeMu), first any that other nodes committed since the last publish.
func (s *Store) publish(events []*chat.Event) {
	if len(events) == 0 {
		return
	}
	if first := events[0].Seq; first > s.published+1 {
		if missed, err := s.EventsForFanout(context.Background(), s.published, first-1); err == nil {
			events = append(missed, events...)
		}
	}
	if s.pub != nil {
		s.pub.Publish(events)
	}
	s.published = events[len(events)-1].Seq
}
