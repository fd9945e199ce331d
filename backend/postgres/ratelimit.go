package postgres

import (
	"context"
	"database/sql"
	"time"
)

// Take takes one token from the rate-limit bucket key, shared by every
// node on this database (httpapi.SharedLimits): n per window, burst n. It
// is the generic cell rate algorithm on one row: the bucket's theoretical
// arrival time moves by window/n per token and may run at most window
// ahead of now. One statement, atomic under concurrent nodes; it does not
// go through the writer (it appends no event). Rows older than now are
// swept by the housekeeping leader (SweepRateLimits).
func (s *Store) Take(ctx context.Context, key string, n int, window time.Duration) (bool, time.Duration, error) {
	now := s.now().UnixMilli()
	step := max(window.Milliseconds()/int64(n), 1)
	limit := window.Milliseconds()
	var tat int64
	err := s.rdb.QueryRowContext(ctx, `INSERT INTO rate_limits AS r (key, tat) VALUES (:key, :now::bigint + :step::bigint)
		ON CONFLICT (key) DO UPDATE SET tat = GREATEST(r.tat, :now::bigint) + :step::bigint
		WHERE GREATEST(r.tat, :now::bigint) + :step::bigint - :now::bigint <= :limit::bigint
		RETURNING tat`, sql.Named("key", key), sql.Named("now", now), sql.Named("step", step), sql.Named("limit", limit)).Scan(&tat)
	if err == nil {
		return true, 0, nil
	}
	if err != sql.ErrNoRows {
		return false, 0, dbErr(err)
	}
	// Refused: the next token comes when the bucket's time is within the
	// window again.
	if err := s.rdb.QueryRowContext(ctx, `SELECT tat FROM rate_limits WHERE key = ?`, key).Scan(&tat); err != nil {
		return false, 0, dbErr(err)
	}
	wait := time.Duration(max(tat+step-now-limit, 1)) * time.Millisecond
	return false, wait, nil
}

// SweepRateLimits removes full buckets (housekeeping).
func (s *Store) SweepRateLimits(ctx context.Context) (int64, error) {
	res, err := s.rdb.ExecContext(ctx, `DELETE FROM rate_limits WHERE tat < ?`, s.now().UnixMilli())
	if err != nil {
		return 0, dbErr(err)
	}
	return res.RowsAffected()
}
