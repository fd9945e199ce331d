package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// Statements inside a write transaction are prepared once per transaction
// and reused: with group commit a transaction carries many writes of the
// same kind, and SQLite spends a good part of a small write parsing SQL
// (mattn/go-sqlite3 keeps no statement cache). The statements are bound to
// the transaction, so they go with it.

// stmt returns the transaction's prepared statement for q, or nil when q
// cannot be cached (several statements in one string).
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st, ok := tx.stmts[q]; ok {
		return st
	}
	if strings.Contains(strings.TrimRight(strings.TrimSpace(q), ";"), ";") {
		return nil
	}
	st, err := tx.Tx.PrepareContext(ctx, q)
	if err != nil {
		return nil // the plain call below reports the error
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[q] = st
	return st
}

// ExecContext runs q through the statement cache.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, q, args...)
}

// QueryContext runs q through the statement cache.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, q, args...)
}

// QueryRowContext runs q through the statement cache.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, q, args...)
}
