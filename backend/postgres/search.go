package postgres

import (
	"context"
	"database/sql"
	"sort"
	"strings"

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
	args := append(visibilityArgs(a), sql.Named("match", tsQuery(words)), sql.Named("limit", limit))
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
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var out []*chat.SearchResult
	// collect reads hits as (conversation, message, item, title, text to
	// snip, status, time, rank, system note); snippets come from fts.Snippet, the same
	// code the SQLite store uses, so both mark the same words.
	collect := func(kind, query string) error {
		rows, err := tx.QueryContext(ctx, `WITH query AS (SELECT to_tsquery('deskchat'::regconfig, :match) AS q) `+query, args...)
		if err != nil {
			return dbErr(err)
		}
		defer rows.Close()
		for rows.Next() {
			r := &chat.SearchResult{Kind: kind}
			var text string
			var at int64
			if err := rows.Scan(&r.ConversationID, &r.MessageID, &r.ItemNumber, &r.Title, &text, &r.Status, &at, &r.Rank, &r.System); err != nil {
				return dbErr(err)
			}
			r.Snippet = fts.Snippet(text, words)
			r.At = fromMS(at)
			out = append(out, r)
		}
		return dbErr(rows.Err())
	}
	// Ranks are ts_rank, negated so that lower is better as with FTS5's
	// bm25 (results of the three kinds are merged on it).
	if err := collect(chat.ResultMessage, `SELECT m.conversation_id, m.id, 0,
			COALESCE(NULLIF(cu.name, ''), NULLIF(cu.email, ''), CASE WHEN c.customer_id IS NULL THEN 'Team conversation' ELSE 'Customer' END),
			m.text, c.status, m.created_at, -ts_rank(m.search, q.q), m.system IS NOT NULL
		FROM messages m, query q, conversations c LEFT JOIN customers cu ON cu.id = c.customer_id
		WHERE m.search @@ q.q AND c.id = m.conversation_id AND m.deleted_at IS NULL AND `+convFilter+`
		ORDER BY 8, m.id DESC LIMIT :limit`); err != nil {
		return nil, err
	}
	if err := collect(chat.ResultCustomer, `SELECT c.id, 0, 0, COALESCE(NULLIF(cu.name, ''), cu.email),
			CASE WHEN to_tsvector('deskchat'::regconfig, deskchat_doc(cu.name)) @@ q.q THEN cu.name ELSE cu.email END,
			c.status, c.last_activity_at, -ts_rank(cu.search, q.q), false
		FROM customers cu, query q, conversations c
		WHERE cu.search @@ q.q AND c.customer_id = cu.id AND `+convFilter+`
		ORDER BY 8, c.last_activity_at DESC LIMIT :limit`); err != nil {
		return nil, err
	}
	// Items are the whole team's; with a section, only mine; with a status,
	// open means not yet resolved.
	itemFilter := `true`
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
			i.title, i.status, i.updated_at, -ts_rank(i.search, q.q), false
		FROM items i, query q
		WHERE i.search @@ q.q AND `+itemFilter+`
		ORDER BY 8, i.id DESC LIMIT :limit`); err != nil {
		return nil, err
	}
	// Ties go to the newer hit.
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

// tsQuery is the query of words as prefixes that must all match, for
// to_tsquery('deskchat', …): 'word':* & … (words hold only letters,
// numbers, private-use characters and diacritics, chat.WordRune: none of
// tsquery's syntax; the configuration folds them like the text).
func tsQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = "'" + strings.ReplaceAll(w, "'", "''") + "':*"
	}
	return strings.Join(parts, " & ")
}
