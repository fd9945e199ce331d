package sqlite

import (
	"context"
	"database/sql"
)

// Statements inside a write transaction do not follow the caller's
// context: once a batch runs, a client that goes away must not interrupt
// SQLite half-way (that aborts the whole transaction, and the other writes
// of the batch would have to run again one by one). A request whose
// context is done before it starts is not run at all (commitBatch).

// ExecContext runs q to completion whatever happens to ctx.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(context.WithoutCancel(ctx), q, args...)
}

// QueryContext runs q to completion whatever happens to ctx.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(context.WithoutCancel(ctx), q, args...)
}

// QueryRowContext runs q to completion whatever happens to ctx.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.Tx.QueryRowContext(context.WithoutCancel(ctx), q, args...)
}
