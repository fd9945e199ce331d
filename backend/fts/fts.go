package fts

import (
	"context"
	"database/sql"
	"strings"
)

// RankWindow is how many of the newest matches bm25 ranks on the server.
// Ranking costs about a microsecond per matching message, so a word in 5%
// of a million messages took 50–60 ms to rank in full; a helpdesk wants
// recent conversations anyway. Measured by BenchmarkSearch.
var RankWindow = 5000

// MaxCandidates caps how far a search widens for a user who sees little.
var MaxCandidates = 50000

// Query quotes every word as a prefix term; quoting means user input can
// never be FTS5 syntax, so it cannot fail to parse or reach columns.
func Query(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"*`
	}
	return strings.Join(parts, " ")
}

// Querier is a *sql.DB or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Candidates returns the best n rowids of table (an FTS5 table) for match,
// best first, with their bm25 ranks, ranking only the newest window matches
// (window 0 ranks all).
func Candidates(ctx context.Context, q Querier, table, match string, n, window int) ([]int64, []float64, error) {
	floor := int64(0)
	if window > 0 {
		// The rowid of the window-th newest match; none if fewer match.
		err := q.QueryRowContext(ctx, `SELECT rowid FROM `+table+` WHERE `+table+` MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?`,
			match, window-1).Scan(&floor)
		if err != nil && err != sql.ErrNoRows {
			return nil, nil, err
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT rowid, rank FROM `+table+` WHERE `+table+` MATCH ? AND rowid >= ?
		ORDER BY rank LIMIT ?`, match, floor, n)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	ids, ranks := make([]int64, 0, n), make([]float64, 0, n)
	for rows.Next() {
		var id int64
		var rank float64
		if err := rows.Scan(&id, &rank); err != nil {
			return nil, nil, err
		}
		ids, ranks = append(ids, id), append(ranks, rank)
	}
	return ids, ranks, rows.Err()
}

// Widen is the search loop both stores use: it asks fetch for up to limit
// visible results among growing candidate sets and rank windows (starting
// at window newest matches), until it
// has enough or the candidates already were every match. fetch gets the
// candidate ids and ranks and returns how many visible results it kept.
func Widen(ctx context.Context, q Querier, table, match string, limit, window int,
	fetch func(ids []int64, ranks []float64) (int, error)) error {
	for cand := limit * 5; ; cand *= 8 {
		ids, ranks, err := Candidates(ctx, q, table, match, cand, window)
		if err != nil {
			return err
		}
		got, err := fetch(ids, ranks)
		if err != nil {
			return err
		}
		// Enough, or every match was a candidate, or the cap: a user who
		// may see almost nothing of a very common word gets what the
		// newest MaxCandidates matches hold rather than a scan of all.
		if got >= limit || (len(ids) < cand && window == 0) || cand >= MaxCandidates {
			return nil
		}
		if len(ids) < cand {
			window = 0 // the window is exhausted: rank every match
		} else if window > 0 && cand*8 > window {
			window *= 8
		}
	}
}
