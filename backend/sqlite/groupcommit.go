package sqlite

// The group-commit writer: every write of the store goes through write,
// which commits the writes that arrive together in one transaction and
// publishes their events in sequence order before it acknowledges them.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/deskchat/deskchat/backend/chat"
)

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
