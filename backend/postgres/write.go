package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/jackc/pgx/v5/pgconn"
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
// is durable (synchronous_commit stays on). Writes that arrive while a
// commit is in progress are committed together (group commit, as in the
// SQLite store): one commit, one WAL flush, one lock of the log's head
// for the whole batch. Every transaction first locks the head row
// (event_head), which serialises writes across every node in commit
// order; writeMu keeps this node's writers from queueing for it on
// separate connections.
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
		s.queueMu.Lock()
		n := min(len(s.queue), maxBatch)
		batch := s.queue[:n:n]
		s.queue = append([]*writeReq(nil), s.queue[n:]...)
		s.queueMu.Unlock()
		s.commitBatch(batch)
	}
}

// begin starts a write transaction holding the log's head.
func (s *Store) begin() (*Tx, error) {
	sqlTx, err := s.sqlDB.BeginTx(context.Background(), nil)
	if err != nil {
		return nil, dbErr(err)
	}
	tx := &Tx{tx: sqlTx, s: s, now: s.now().UTC()}
	if !s.unordered {
		if err := tx.QueryRowContext(context.Background(), `SELECT seq FROM event_head FOR UPDATE`).Scan(&tx.head); err != nil {
			sqlTx.Rollback()
			return nil, dbErr(err)
		}
	}
	return tx, nil
}

// commit stores the new head and commits. The commit's outcome is
// unknown when the connection broke: unavailable tells the client to
// retry, and client ids make the retry harmless.
func (tx *Tx) commit() error {
	if len(tx.events) > 0 && !tx.s.unordered {
		if _, err := tx.ExecContext(context.Background(), `UPDATE event_head SET seq = ?`, tx.head); err != nil {
			tx.tx.Rollback()
			return dbErr(err)
		}
	}
	if tx.s.beforeCommit != nil {
		tx.s.beforeCommit()
	}
	if err := tx.tx.Commit(); err != nil {
		return dbErr(err)
	}
	return nil
}

// commitBatch runs a batch in one transaction (under writeMu) and tells
// each request its result. A request whose fn fails is undone alone (a
// savepoint per request); if PostgreSQL itself fails inside a request (the
// connection, a restart), every request runs again in a transaction of its
// own so each gets its own answer. A failed BEGIN or COMMIT answers the
// whole batch.
func (s *Store) commitBatch(batch []*writeReq) {
	answered := 0
	var tx *Tx
	defer func() {
		if p := recover(); p != nil {
			if tx != nil {
				tx.tx.Rollback()
			}
			for _, r := range batch[answered:] {
				r.done <- chat.Errorf(chat.EInternal, "The write failed.")
			}
			panic(p)
		}
	}()
	if len(batch) == 1 {
		batch[0].done <- s.commitOne(batch[0])
		answered = 1
		return
	}
	var err error
	if tx, err = s.begin(); err != nil {
		for _, r := range batch {
			r.done <- err
		}
		answered = len(batch)
		return
	}
	results := make([]error, len(batch))
	fallback := func() {
		tx.tx.Rollback()
		tx = nil
		for _, r := range batch {
			r.done <- s.commitOne(r)
			answered++
		}
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err // given up before it ran: nothing written
			continue
		}
		mark, head := len(tx.events), tx.head
		if _, err := tx.ExecContext(r.ctx, `SAVEPOINT w`); err != nil {
			fallback()
			return
		}
		tx.now = s.now().UTC()
		err := r.fn(tx)
		if err != nil && databaseFailure(err) {
			fallback()
			return
		}
		if err != nil {
			tx.events, tx.head = tx.events[:mark], head
			if _, rerr := tx.ExecContext(r.ctx, `ROLLBACK TO SAVEPOINT w`); rerr != nil {
				fallback()
				return
			}
			results[i] = dbErr(err)
		}
		if _, err := tx.ExecContext(r.ctx, `RELEASE SAVEPOINT w`); err != nil {
			fallback()
			return
		}
	}
	events := tx.events
	if err := tx.commit(); err != nil {
		tx = nil
		for _, r := range batch {
			r.done <- err
		}
		answered = len(batch)
		return
	}
	tx = nil
	s.publish(events)
	for i, r := range batch {
		r.done <- results[i]
	}
	answered = len(batch)
}

// databaseFailure reports an error of PostgreSQL or the connection rather
// than of the request: a request's own errors are ours (*chat.Error) and
// constraint violations (class 23), which a savepoint undoes alone.
func databaseFailure(err error) bool {
	var ce *chat.Error
	if errors.As(err, &ce) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && strings.HasPrefix(pe.Code, "23") {
		return false
	}
	return true
}

// commitOne runs one request in its own transaction, to completion
// whatever happens to the caller's context once it started.
func (s *Store) commitOne(r *writeReq) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	tx, err := s.begin()
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tx.tx.Rollback() // fn failed or panicked: the head's lock goes too
		}
	}()
	if err := r.fn(tx); err != nil {
		return dbErr(err)
	}
	done = true
	events := tx.events
	if err := tx.commit(); err != nil {
		return err
	}
	s.publish(events)
	return nil
}

// GapFiller is a Publisher that reads events other nodes committed
// itself (backend/cluster): the store then hands it only its own.
type GapFiller interface{ FillsGaps() bool }

// publish hands committed events to the publisher in seq order (under
// writeMu), first any that other nodes committed since the last publish,
// unless the publisher fills gaps itself.
func (s *Store) publish(events []*chat.Event) {
	if len(events) == 0 {
		return
	}
	if gf, ok := s.pub.(GapFiller); ok && gf.FillsGaps() {
		s.pub.Publish(events)
		s.published = events[len(events)-1].Seq
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
