package sqlite

import (
	"context"
	"database/sql"
	"sort"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/fts"
)

// Snippet hit markers: private-use characters that the tokenizer treats as
// separators and SplitSnippet turns into segments.
const (
	hitStart = '\uE000'
	hitEnd   = '\uE001'
)

// Search finds messages, customers and items the actor may see.
func (s *Store) Search(ctx context.Context, a chat.Actor, q chat.SearchQuery) ([]*chat.SearchResult, error) {
	if err := chat.CanSearch(a, q); err != nil {
		return nil, err
	}
	words, err := chat.SearchWords(q.Text)
	if err != nil {
		return nil, err
	}
	limit := chat.PageLimit(q.Limit)
	if q.Limit <= 0 {
		limit = chat.DefaultSearchLimit
	}
	// Section and status narrow the conversations searched.
	convFilter := conversationVisible
	args := append(visibilityArgs(a), sql.Named("match", fts.Query(words)), sql.Named("limit", limit))
	switch q.Section {
	case "":
	case chat.SectionCustomers:
		convFilter += ` AND c.customer_id IS NOT NULL`
	case chat.SectionMine:
		convFilter += ` AND ` + memberOf
	}
	if q.Status != "" {
		convFilter += ` AND c.status = :status`
		args = append(args, sql.Named("status", string(q.Status)))
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
// only, over the newest fts.RankWindow matches), then checks visibility and
// filters on those candidates, and builds snippets for the final rows
// alone. When too few candidates survive the filters (a user who sees
// little), the candidates and the window grow until they cover every match.
func (s *Store) searchMessages(ctx context.Context, tx *sql.Tx, words []string, convFilter string, args []any, limit int, out *[]*chat.SearchResult) error {
	var hits []*chat.SearchResult
	err := fts.Widen(ctx, tx, "messages_fts", fts.Query(words), limit, fts.RankWindow, func(ids []int64, ranks []float64) (int, error) {
		rows, err := tx.QueryContext(ctx, `SELECT m.conversation_id, m.id,
				COALESCE(NULLIF(cu.name, ''), NULLIF(cu.email, ''), CASE WHEN c.customer_id IS NULL THEN 'Team conversation' ELSE 'Customer' END),
				c.status, m.created_at, j.key, m.text, m.system IS NOT NULL
			FROM json_each(:ids) j JOIN messages m ON m.id = j.value JOIN conversations c ON c.id = m.conversation_id
			LEFT JOIN customers cu ON cu.id = c.customer_id
			WHERE m.deleted_at IS NULL AND `+convFilter+`
			ORDER BY j.key LIMIT :limit`, append(args, sql.Named("ids", string(marshal(ids))))...)
		if err != nil {
			return 0, dbErr(err)
		}
		defer rows.Close()
		hits = hits[:0]
		for rows.Next() {
			r := &chat.SearchResult{Kind: chat.ResultMessage}
			var at int64
			var pos int
			var text string
			if err := rows.Scan(&r.ConversationID, &r.MessageID, &r.Title, &r.Status, &at, &pos, &text, &r.System); err != nil {
				return 0, dbErr(err)
			}
			r.At, r.Rank, r.Snippet = fromMS(at), ranks[pos], fts.Snippet(text, words)
			hits = append(hits, r)
		}
		return len(hits), dbErr(rows.Err())
	})
	*out = append(*out, hits...)
	return dbErr(err)
}
