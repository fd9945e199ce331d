package sqlite

import (
	"context"
	"database/sql"
	"sort"
	"strings"

	"github.com/deskchat/deskchat/backend/chat"
)

// Snippet hit markers: private-use characters that the tokenizer treats as
// separators and SplitSnippet turns into segments.
const (
	hitStart = '\uE000'
	hitEnd   = '\uE001'
)

// ftsQuery quotes every word as a prefix term; quoting means user input
// can never be FTS5 syntax, so it cannot fail to parse or reach columns.
func ftsQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"*`
	}
	return strings.Join(parts, " ")
}

// Search finds messages, customers and items the actor may see.
func (s *Store) Search(ctx context.Context, a chat.Actor, q chat.SearchQuery) ([]*chat.SearchResult, error) {
	if err := requireTeam(a); err != nil {
		return nil, err
	}
	words, err := chat.SearchWords(q.Text)
	if err != nil {
		return nil, err
	}
	limit := chat.PageLimit(q.Limit)
	if q.Limit <= 0 {
		limit = 20
	}
	// Section and status narrow the conversations searched.
	convFilter := conversationVisible
	args := append(visibilityArgs(a), sql.Named("match", ftsQuery(words)), sql.Named("limit", limit))
	switch q.Section {
	case "":
	case chat.SectionCustomers:
		if !a.Support {
			return nil, chat.Errorf(chat.EForbidden, "From Customers is for customer-support users only.")
		}
		convFilter += ` AND c.customer_id IS NOT NULL`
	case chat.SectionMine:
		convFilter += ` AND ` + memberOf
	default:
		return nil, chat.Errorf(chat.EInvalid, "Section must be customers or mine.")
	}
	switch q.Status {
	case "":
	case chat.StatusOpen, chat.StatusClosed:
		convFilter += ` AND c.status = :status`
		args = append(args, sql.Named("status", string(q.Status)))
	default:
		return nil, chat.Errorf(chat.EInvalid, "Status must be open or closed.")
	}
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, dbErr(err)
	}
	defer tx.Rollback()
	var out []*chat.SearchResult
	collect := func(kind, query string) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return dbErr(err)
		}
		defer rows.Close()
		for rows.Next() {
			r := &chat.SearchResult{Kind: kind}
			var snippet string
			var at int64
			if err := rows.Scan(&r.ConversationID, &r.MessageID, &r.ItemNumber, &r.Title, &snippet, &r.Status, &at, &r.Rank); err != nil {
				return dbErr(err)
			}
			r.Snippet = chat.SplitSnippet(snippet, hitStart, hitEnd)
			r.At = fromMS(at)
			out = append(out, r)
		}
		return dbErr(rows.Err())
	}
	marks := `'` + string(hitStart) + `', '` + string(hitEnd) + `', '…', 12`
	if err := s.searchMessages(ctx, tx, words, convFilter, args, limit, &out); err != nil {
		return nil, err
	}
	if err := collect(chat.ResultCustomer, `SELECT c.id, 0, 0, COALESCE(NULLIF(cu.name, ''), cu.email),
		snippet(customers_fts, -1, `+marks+`), c.status, c.last_activity_at, f.rank
		FROM customers_fts f JOIN customers cu ON cu.id = f.rowid JOIN conversations c ON c.customer_id = cu.id
		WHERE customers_fts MATCH :match AND `+convFilter+`
		ORDER BY f.rank, c.last_activity_at DESC LIMIT :limit`); err != nil {
		return nil, err
	}
	// Items are the whole team's; with a section, only mine; with a status,
	// open means not yet resolved.
	itemFilter := `1`
	switch q.Section {
	case chat.SectionMine:
		itemFilter = `EXISTS (SELECT 1 FROM item_people ip WHERE ip.item_id = i.id AND ip.user_id = :aid)`
	case chat.SectionCustomers:
		itemFilter = `i.requester_id IS NOT NULL`
	}
	switch q.Status {
	case chat.StatusOpen:
		itemFilter += ` AND i.status NOT IN ('resolved', 'closed')`
	case chat.StatusClosed:
		itemFilter += ` AND i.status IN ('resolved', 'closed')`
	}
	if err := collect(chat.ResultItem, `SELECT 0, 0, i.id, i.type || ' #' || i.id,
		snippet(items_fts, 0, `+marks+`), i.status, i.updated_at, f.rank
		FROM items_fts f JOIN items i ON i.id = f.rowid
		WHERE items_fts MATCH :match AND `+itemFilter+`
		ORDER BY f.rank LIMIT :limit`); err != nil {
		return nil, err
	}
	// bm25 ranks of the three indexes are on the same scale (lower is
	// better); ties go to the newer hit.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Rank != out[j].Rank {
			return out[i].Rank < out[j].Rank
		}
		return out[i].At.After(out[j].At)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	if out == nil {
		out = []*chat.SearchResult{}
	}
	return out, nil
}

// searchMessages ranks message hits inside FTS5 first (rowid and bm25
// only, over the newest rankWindow matches), then checks visibility and
// filters on those candidates, and computes snippets for the final rows
// alone. When too few candidates survive the filters (a user who sees
// little), the candidates and the window grow until they cover every match.
func (s *Store) searchMessages(ctx context.Context, tx *sql.Tx, words []string, convFilter string, args []any, limit int, out *[]*chat.SearchResult) error {
	var hits []*chat.SearchResult
	window := rankWindow
	for cand := limit * 5; ; cand *= 8 {
		ids, ranks, err := ftsCandidates(ctx, tx, args, cand, window)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT m.conversation_id, m.id,
				COALESCE(NULLIF(cu.name, ''), NULLIF(cu.email, ''), CASE WHEN c.customer_id IS NULL THEN 'Team conversation' ELSE 'Customer' END),
				c.status, m.created_at, j.key
			FROM json_each(:ids) j JOIN messages m ON m.id = j.value JOIN conversations c ON c.id = m.conversation_id
			LEFT JOIN customers cu ON cu.id = c.customer_id
			WHERE m.deleted_at IS NULL AND `+convFilter+`
			ORDER BY j.key LIMIT :limit`, append(args, sql.Named("ids", string(marshal(ids))))...)
		if err != nil {
			return dbErr(err)
		}
		hits = hits[:0]
		for rows.Next() {
			r := &chat.SearchResult{Kind: chat.ResultMessage}
			var at int64
			var pos int
			if err := rows.Scan(&r.ConversationID, &r.MessageID, &r.Title, &r.Status, &at, &pos); err != nil {
				rows.Close()
				return dbErr(err)
			}
			r.At, r.Rank = fromMS(at), ranks[pos]
			hits = append(hits, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr(err)
		}
		// Enough results, or the candidates already were every match.
		if len(hits) >= limit || (len(ids) < cand && window == 0) {
			break
		}
		if len(ids) < cand {
			window = 0 // the window is exhausted: rank every match
		} else if window > 0 && cand*8 > window {
			window *= 8
		}
	}
	for _, r := range hits {
		var text string
		if err := tx.QueryRowContext(ctx, `SELECT text FROM messages WHERE id = ?`, r.MessageID).Scan(&text); err != nil {
			return dbErr(err)
		}
		r.Snippet = makeSnippet(text, words)
		*out = append(*out, r)
	}
	return nil
}

// rankWindow is how many of the newest matches bm25 ranks. Ranking costs
// about a microsecond per matching message, so a word in 5% of a million
// messages took 50 ms to rank in full; a helpdesk wants recent
// conversations anyway. Measured by BenchmarkSearch.
var rankWindow = 5000 // a var so tests can shrink it

// ftsCandidates returns the best n message ids for the query, best first,
// with their bm25 ranks, ranking only the newest window matches (0 = all).
func ftsCandidates(ctx context.Context, tx *sql.Tx, args []any, n, window int) ([]int64, []float64, error) {
	floor := int64(0)
	if window > 0 {
		// The rowid of the window-th newest match; none if fewer match.
		err := tx.QueryRowContext(ctx, `SELECT rowid FROM messages_fts WHERE messages_fts MATCH :match
			ORDER BY rowid DESC LIMIT 1 OFFSET :off`, append(args, sql.Named("off", window-1))...).Scan(&floor)
		if err != nil && err != sql.ErrNoRows {
			return nil, nil, dbErr(err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT rowid, rank FROM messages_fts WHERE messages_fts MATCH :match AND rowid >= :floor
		ORDER BY rank LIMIT :cand`, append(args, sql.Named("cand", n), sql.Named("floor", floor))...)
	if err != nil {
		return nil, nil, dbErr(err)
	}
	defer rows.Close()
	ids, ranks := make([]int64, 0, n), make([]float64, 0, n)
	for rows.Next() {
		var id int64
		var rank float64
		if err := rows.Scan(&id, &rank); err != nil {
			return nil, nil, dbErr(err)
		}
		ids, ranks = append(ids, id), append(ranks, rank)
	}
	return ids, ranks, dbErr(rows.Err())
}
