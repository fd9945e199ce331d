package localstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/fts"
)

// member says I am in conversation c's My Conversations: a participant or
// involved in its linked item. Needs :me.
const member = `(c.participant = 1 OR EXISTS (SELECT 1 FROM item_people ip WHERE ip.item_number = c.item_number AND ip.user_id = :me))`

// unread counts messages by others after my read mark. Needs :me.
const unread = `(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id
	AND m.id > COALESCE((SELECT last_read_message_id FROM read_state r WHERE r.conversation_id = c.id), 0)
	AND m.author_kind <> 'system' AND m.deleted = 0 AND NOT (m.author_kind = 'user' AND m.author_id = :me))`

// Support reports whether the signed-in user has the support flag.
func (s *Store) Support(ctx context.Context) bool {
	u, err := s.FindUserByID(ctx, s.me)
	return err == nil && u.Support
}

// ListConversations answers a section list locally, newest activity first.
func (s *Store) ListConversations(ctx context.Context, f chat.ConversationFilter) ([]*chat.Conversation, error) {
	q := `SELECT ` + conversationColumns + ` FROM conversations c WHERE 1`
	args := []any{sql.Named("me", s.me)}
	// The server's rules, with what this store knows of me.
	if err := chat.CanListConversations(chat.Actor{Kind: chat.KindUser, ID: s.me, Support: s.Support(ctx)}, f); err != nil {
		return nil, err
	}
	switch f.Section {
	case chat.SectionCustomers:
		q += ` AND c.customer_id IS NOT NULL`
	case chat.SectionMine:
		q += ` AND ` + member
	}
	if f.Status != "" {
		q += ` AND c.status = :status`
		args = append(args, sql.Named("status", string(f.Status)))
	}
	switch f.Assignee {
	case chat.AssignedToMe:
		q += ` AND c.assignee_id = :me`
	case chat.Unassigned:
		q += ` AND c.assignee_id IS NULL AND c.customer_id IS NOT NULL`
	}
	if !f.BeforeActivity.IsZero() {
		q += ` AND (c.last_activity_at < :bact OR (c.last_activity_at = :bact AND c.id < :bid))`
		args = append(args, sql.Named("bact", f.BeforeActivity.UnixMilli()), sql.Named("bid", f.BeforeID))
	}
	q += ` ORDER BY c.last_activity_at DESC, c.id DESC LIMIT :limit`
	args = append(args, sql.Named("limit", chat.PageLimit(f.Limit)))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*chat.Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// conversationColumns read a conversation with what is kept apart: its
// unread count (needs :me), last message (a person's, never an internal
// one, as on the server), customer, item, activity and assignee.
const conversationColumns = `c.data, ` + unread + `, (SELECT data FROM messages m WHERE m.conversation_id = c.id AND m.system = ''
		AND m.internal = 0 ORDER BY m.id DESC LIMIT 1), (SELECT data FROM customers cu WHERE cu.id = c.customer_id),
		(SELECT data FROM items i WHERE i.number = c.item_number), c.last_activity_at,
		c.assignee_id, (SELECT json_extract(u.data, '$.name') FROM users u WHERE u.id = c.assignee_id)`

func scanConversation(row interface{ Scan(...any) error }) (*chat.Conversation, error) {
	var data string
	var last, customer, item, assigneeName sql.NullString
	var assignee sql.NullInt64
	var n int
	var activity int64
	if err := row.Scan(&data, &n, &last, &customer, &item, &activity, &assignee, &assigneeName); err != nil {
		return nil, err
	}
	var c chat.Conversation
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return nil, err
	}
	c.Unread = n
	c.LastActivityAt = time.UnixMilli(activity).UTC()
	if last.Valid {
		c.LastMessage = &chat.Message{}
		json.Unmarshal([]byte(last.String), c.LastMessage)
	}
	if customer.Valid {
		c.Customer = &chat.Customer{}
		json.Unmarshal([]byte(customer.String), c.Customer)
	}
	if item.Valid {
		var it chat.Item
		if json.Unmarshal([]byte(item.String), &it) == nil {
			c.Item = it.Ref()
		}
	}
	if assignee.Valid {
		c.Assignee = &chat.Person{ID: assignee.Int64, Name: assigneeName.String}
	}
	return &c, nil
}

// FindConversationByID returns one conversation.
func (s *Store) FindConversationByID(ctx context.Context, id int64) (*chat.Conversation, error) {
	c, err := scanConversation(s.db.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations c WHERE c.id = :id`,
		sql.Named("me", s.me), sql.Named("id", id)))
	if err == sql.ErrNoRows {
		return nil, chat.Errorf(chat.ENotFound, "Conversation %d is not in the local store.", id)
	}
	return c, err
}

// HasConversation reports whether the local store holds a conversation's
// row (no decoding: the sync engine asks for every conversation a replay
// brings).
func (s *Store) HasConversation(ctx context.Context, id int64) (bool, error) {
	var known bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?)`, id).Scan(&known)
	return known, err
}

// SectionCounts badges both sections: conversations with unread messages.
func (s *Store) SectionCounts(ctx context.Context) (*chat.SectionCounts, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.status, c.customer_id IS NOT NULL, `+member+` FROM conversations c
		WHERE `+unread+` > 0`, sql.Named("me", s.me))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &chat.SectionCounts{}
	if s.Support(ctx) {
		out.Customers = &chat.StatusCounts{}
	}
	for rows.Next() {
		var status string
		var customer, mine bool
		if err := rows.Scan(&status, &customer, &mine); err != nil {
			return nil, err
		}
		out.Count(chat.Status(status), customer, mine)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if out.Customers != nil {
		out.Assignment = &chat.AssignmentCounts{}
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE assignee_id IS NULL), COUNT(*) FILTER (WHERE assignee_id = ?)
			FROM conversations WHERE status = 'open' AND customer_id IS NOT NULL`, s.me).Scan(
			&out.Assignment.Unassigned, &out.Assignment.AssignedToMe); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ListSavedReplies returns the team's saved replies and mine, by
// shortcut, as the last sync brought them (they work offline).
func (s *Store) ListSavedReplies(ctx context.Context) ([]*chat.SavedReply, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM saved_replies ORDER BY shortcut, json_extract(data, '$.owner_id'), id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*chat.SavedReply{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		r := &chat.SavedReply{}
		if err := json.Unmarshal([]byte(data), r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UnreadTotal counts the conversations with unread messages that I see in
// either section (the tray and window title show it).
func (s *Store) UnreadTotal(ctx context.Context) (int, error) {
	support := s.Support(ctx)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations c WHERE `+unread+` > 0
		AND ((:support AND c.customer_id IS NOT NULL) OR `+member+`)`, sql.Named("me", s.me), sql.Named("support", support)).Scan(&n)
	return n, err
}

// ListMessages returns a page of a conversation, ascending: the newest page, or
// the one just older than beforeID.
func (s *Store) ListMessages(ctx context.Context, convID, beforeID int64, limit int) ([]*chat.Message, error) {
	if beforeID <= 0 {
		beforeID = 1 << 62
	}
	out, err := listJSON[chat.Message](ctx, s.db, `SELECT data FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
		convID, beforeID, chat.PageLimit(limit))
	slices.Reverse(out)
	return orEmpty(out), err
}

// ListMessagesAfter returns the page of a conversation just newer than
// afterID, ascending (fewer than limit: it reaches the newest).
func (s *Store) ListMessagesAfter(ctx context.Context, convID, afterID int64, limit int) ([]*chat.Message, error) {
	out, err := listJSON[chat.Message](ctx, s.db, `SELECT data FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id ASC LIMIT ?`,
		convID, afterID, chat.PageLimit(limit))
	return orEmpty(out), err
}

// FindMessages returns the messages of ids that the store holds, by id.
func (s *Store) FindMessages(ctx context.Context, ids []int64) (map[int64]*chat.Message, error) {
	list, _ := json.Marshal(ids)
	msgs, err := listJSON[chat.Message](ctx, s.db, `SELECT data FROM messages WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	out := make(map[int64]*chat.Message, len(msgs))
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out, err
}

// orEmpty is a page that is never null in JSON.
func orEmpty[T any](s []*T) []*T {
	if s == nil {
		return []*T{}
	}
	return s
}

// MarkReadLocal moves my read mark at once, before the server hears of it.
func (s *Store) MarkReadLocal(ctx context.Context, convID, messageID int64) error {
	return s.write(ctx, func(tx *sql.Tx) error { return setRead(ctx, tx, convID, messageID) })
}

// Search finds messages in the local store, best first over the whole
// history, with snippets as text segments and the server's word rules
// (every word a prefix of a word of the message). A message's score is
// fts.ShortTextScore: BM25 with each word counted once, so shorter is
// better and the newest comes first among equals; the index keeps
// messages in that order (migration 0011), so the best of a million
// matches are the first rows it reads (BenchmarkLocalSearch). Customers
// and items come first, grouped (searchPeopleAndItems).
func (s *Store) Search(ctx context.Context, q string, limit int) ([]*chat.SearchResult, error) {
	return s.SearchWith(ctx, q, limit, SearchFilter{})
}

// SearchFilter narrows a search: a section (SectionCustomers: customer
// conversations; SectionMine: the ones I am a member of), a status (open
// or closed; items: open = not yet resolved, as the server has it) and a
// customer (their conversations only; no items).
type SearchFilter struct {
	Section    chat.Section `json:"section,omitempty"`
	Status     chat.Status  `json:"status,omitempty"`
	CustomerID int64        `json:"customer_id,omitempty"`
	// From and To bound the messages found by when they were written
	// (From inclusive, To exclusive; zero: open); customers and items are
	// not dated and are left out when a bound is given.
	From time.Time `json:"from,omitempty"`
	To   time.Time `json:"to,omitempty"`
}

// where is the filter as SQL over conversations c (named parameters).
func (f SearchFilter) where() (string, []any) {
	parts, args := []string{"1"}, []any{}
	switch f.Section {
	case chat.SectionCustomers:
		parts = append(parts, "c.customer_id IS NOT NULL")
	case chat.SectionMine:
		parts = append(parts, member)
	}
	if f.Status != "" {
		parts = append(parts, "c.status = :status")
		args = append(args, sql.Named("status", string(f.Status)))
	}
	if f.CustomerID != 0 {
		parts = append(parts, "c.customer_id = :customer")
		args = append(args, sql.Named("customer", f.CustomerID))
	}
	return strings.Join(parts, " AND "), args
}

// dated is the date range as SQL over messages m (their created_at, an
// RFC 3339 UTC string in the row's JSON).
func (f SearchFilter) dated() (string, []any) {
	parts, args := []string{"1"}, []any{}
	if !f.From.IsZero() {
		parts = append(parts, "json_extract(m.data, '$.created_at') >= :from")
		args = append(args, sql.Named("from", f.From.UTC().Format(time.RFC3339)))
	}
	if !f.To.IsZero() {
		parts = append(parts, "json_extract(m.data, '$.created_at') < :to")
		args = append(args, sql.Named("to", f.To.UTC().Format(time.RFC3339)))
	}
	return strings.Join(parts, " AND "), args
}

// SearchWith is Search with a filter, ranked over every match that passes
// it. Errors: invalid (a section other than customers or mine, a status
// other than open or closed, no word), invalid_utf8.
func (s *Store) SearchWith(ctx context.Context, q string, limit int, f SearchFilter) ([]*chat.SearchResult, error) {
	if f.Section != "" && f.Section != chat.SectionCustomers && f.Section != chat.SectionMine {
		return nil, chat.Errorf(chat.EInvalid, "section is customers or mine.")
	}
	if f.Status != "" && f.Status != chat.StatusOpen && f.Status != chat.StatusClosed {
		return nil, chat.Errorf(chat.EInvalid, "status is open or closed.")
	}
	words, err := chat.SearchWords(q)
	if err != nil {
		return nil, err
	}
	limit = chat.PageLimit(limit)
	match, err := s.match(ctx, words)
	if err != nil {
		return nil, err
	}
	filter, args := f.where()
	dated, dargs := f.dated()
	// The index's rowids run best first downwards (fts_key); the low 47
	// bits are the message id.
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.conversation_id, c.status, m.text, m.data, m.words
		FROM messages_fts h JOIN messages m ON m.id = (h.rowid & :ids) JOIN conversations c ON c.id = m.conversation_id
		WHERE messages_fts MATCH :match AND m.deleted = 0 AND `+filter+` AND `+dated+` ORDER BY h.rowid DESC LIMIT :limit`,
		append(append(args, dargs...), sql.Named("match", match), sql.Named("limit", limit), sql.Named("me", s.me),
			sql.Named("ids", int64(maxMessageID)))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type hit struct {
		r    *chat.SearchResult
		text string
		data string
	}
	var hits []hit
	for rows.Next() {
		h := hit{r: &chat.SearchResult{Kind: chat.ResultMessage}}
		var length int
		if err := rows.Scan(&h.r.MessageID, &h.r.ConversationID, &h.r.Status, &h.text, &h.data, &length); err != nil {
			return nil, err
		}
		h.r.Rank = -fts.ShortTextScore(len(words), length) // lower is better, like bm25()
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Customers and items first, grouped, as the palette shows them: the
	// server's rules (every word a prefix of a word of the customer's name
	// or e-mail, of the item's title), read from the rows kept here.
	// Each group at most a third of the page (at least 5), so that one
	// customer with many conversations never hides the messages.
	out := []*chat.SearchResult{}
	if f.From.IsZero() && f.To.IsZero() {
		if out, err = s.searchPeopleAndItems(ctx, words, max(limit/3, 5), f); err != nil {
			return nil, err
		}
	}
	for _, h := range hits[:min(max(limit-len(out), 0), len(hits))] {
		var m chat.Message
		json.Unmarshal([]byte(h.data), &m)
		h.r.At, h.r.Snippet, h.r.System = m.CreatedAt, fts.Snippet(h.text, words), m.System != ""
		// Titled as the server titles them: the conversation's customer
		// (a system note is marked as one, never a nameless hit).
		if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(NULLIF(json_extract(data, '$.customer.name'), ''),
			NULLIF(json_extract(data, '$.customer.email'), ''), CASE WHEN customer_id IS NULL THEN 'Team conversation' ELSE 'Customer' END)
			FROM conversations WHERE id = ?`, h.r.ConversationID).Scan(&h.r.Title); err != nil {
			return nil, err
		}
		out = append(out, h.r)
	}
	return out, nil
}

// maxExpansion is how many words of the vocabulary a query word may stand
// for before match leaves it to FTS5's own prefix search.
const maxExpansion = 64

// match is the FTS5 query for words: each a prefix, all required. A word
// of one or two letters is a prefix query (the index keeps prefix indexes
// for those); a longer one is the OR of the words of the vocabulary it
// starts (fts.Fold on both sides), which reads a few doclists lazily where
// a prefix query merges every one of them first. A word the vocabulary has
// nothing or too much for stays a prefix query, so the answer is never
// narrower than FTS5's.
func (s *Store) match(ctx context.Context, words []string) (string, error) {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = fts.Query([]string{w})
		if utf8.RuneCountInString(w) <= 2 {
			continue
		}
		f := fts.Fold(w)
		rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT word FROM vocab WHERE fold >= ? AND fold < ? LIMIT ?`,
			f, f+"\U0010FFFF", maxExpansion+1)
		if err != nil {
			return "", err
		}
		var terms []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return "", err
			}
			terms = append(terms, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
		if len(terms) > 0 && len(terms) <= maxExpansion {
			parts[i] = "(" + strings.Join(terms, " OR ") + ")"
		}
	}
	return strings.Join(parts, " AND "), nil
}

// searchPeopleAndItems finds customers (one result per conversation, as
// the server gives them) and items whose words start with every query
// word, through people_fts and items_fts (the server's FTS rule).
func (s *Store) searchPeopleAndItems(ctx context.Context, words []string, limit int, sf SearchFilter) ([]*chat.SearchResult, error) {
	out := []*chat.SearchResult{}
	match := fts.Query(words)
	filter, fargs := sf.where()
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.status, c.last_activity_at, f.name, f.email
		FROM people_fts f JOIN conversations c ON c.customer_id = f.rowid
		WHERE people_fts MATCH :match AND `+filter+` ORDER BY c.last_activity_at DESC LIMIT :limit`,
		append(fargs, sql.Named("match", match), sql.Named("limit", limit), sql.Named("me", s.me),
			sql.Named("ids", int64(maxMessageID)))...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		r := &chat.SearchResult{Kind: chat.ResultCustomer}
		var at int64
		var name, email string
		if err := rows.Scan(&r.ConversationID, &r.Status, &at, &name, &email); err != nil {
			rows.Close()
			return nil, err
		}
		r.At, r.Title = time.UnixMilli(at).UTC(), name
		if name == "" {
			r.Title = email
		}
		if fts.Matches(name, words[:1]) {
			r.Snippet = fts.Snippet(name, words)
		} else {
			r.Snippet = fts.Snippet(email, words)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if sf.CustomerID != 0 {
		return out, nil // a customer's conversations: no items
	}
	// Items as the server filters them: in a section, mine or requested by
	// a customer; open means not yet resolved.
	itemFilter := "1"
	switch sf.Section {
	case chat.SectionMine:
		itemFilter = "EXISTS (SELECT 1 FROM item_people ip WHERE ip.item_number = i.number AND ip.user_id = :me)"
	case chat.SectionCustomers:
		itemFilter = "json_extract(i.data, '$.requester.id') IS NOT NULL"
	}
	switch sf.Status {
	case chat.StatusOpen:
		itemFilter += " AND json_extract(i.data, '$.status') NOT IN ('resolved', 'closed')"
	case chat.StatusClosed:
		itemFilter += " AND json_extract(i.data, '$.status') IN ('resolved', 'closed')"
	}
	items, err := listJSON[chat.Item](ctx, s.db, `SELECT i.data FROM items_fts f JOIN items i ON i.number = f.rowid
		WHERE items_fts MATCH :match AND `+itemFilter+` ORDER BY i.number DESC LIMIT :limit`,
		sql.Named("match", match), sql.Named("limit", limit), sql.Named("me", s.me))
	for _, it := range items {
		out = append(out, &chat.SearchResult{Kind: chat.ResultItem, ItemNumber: it.Number, Title: fmt.Sprintf("%s #%d", it.Type, it.Number),
			Snippet: fts.Snippet(it.Title, words), Status: string(it.Status), At: it.UpdatedAt})
	}
	return out, err
}

// FindUserByID returns a person from the local store.
func (s *Store) FindUserByID(ctx context.Context, id int64) (*chat.User, error) {
	return getJSON[chat.User](ctx, s.db, `SELECT data FROM users WHERE id = ?`, id)
}

// FindCustomerByID returns a customer from the local store.
func (s *Store) FindCustomerByID(ctx context.Context, id int64) (*chat.Customer, error) {
	return getJSON[chat.Customer](ctx, s.db, `SELECT data FROM customers WHERE id = ?`, id)
}

// FindItemByNumber returns an item from the local store.
func (s *Store) FindItemByNumber(ctx context.Context, number int64) (*chat.Item, error) {
	return getJSON[chat.Item](ctx, s.db, `SELECT data FROM items WHERE number = ?`, number)
}

// FindItems looks items up as the server's item picker does (the link
// dialog, offline): a number ("12", "#12", chat.ItemNumberQuery) first,
// then items whose title has every query word as a word prefix, best
// first. Errors: invalid (no word and no number), invalid_utf8.
func (s *Store) FindItems(ctx context.Context, q string, limit int) ([]*chat.ItemRef, error) {
	out := []*chat.ItemRef{}
	if n, ok := chat.ItemNumberQuery(q); ok {
		if it, err := s.FindItemByNumber(ctx, n); err == nil {
			out = append(out, &chat.ItemRef{Number: it.Number, Type: it.Type, Title: it.Title, Status: it.Status})
		} else if chat.ErrorCode(err) != chat.ENotFound {
			return nil, err
		}
	}
	words, err := chat.SearchWords(q)
	if err != nil {
		if len(out) > 0 {
			return out, nil
		}
		return nil, err
	}
	items, err := listJSON[chat.Item](ctx, s.db, `SELECT i.data FROM items_fts f JOIN items i ON i.number = f.rowid
		WHERE items_fts MATCH ? ORDER BY f.rank, i.number DESC LIMIT ?`, fts.Query(words), chat.PageLimit(limit))
	for _, it := range items {
		if len(out) == 0 || out[0].Number != it.Number {
			out = append(out, &chat.ItemRef{Number: it.Number, Type: it.Type, Title: it.Title, Status: it.Status})
		}
	}
	return out, err
}

// ProposeItem is the item form a conversation proposes, from the local
// copy (offline; chat.ProposeItem, the server's rule). Errors: not_found.
func (s *Store) ProposeItem(ctx context.Context, convID int64, typ chat.ItemType) (*chat.NewItem, error) {
	typ, err := chat.CheckItemType(typ)
	if err != nil {
		return nil, err
	}
	c, err := s.FindConversationByID(ctx, convID)
	if err != nil {
		return nil, err
	}
	msgs, err := listJSON[chat.Message](ctx, s.db, `SELECT data FROM messages WHERE conversation_id = ? AND system = '' AND deleted = 0
		AND author_kind != 'system' ORDER BY id`, convID)
	if err != nil {
		return nil, err
	}
	return chat.ProposeItem(c, msgs, typ), nil
}

// Settings returns the helpdesk settings as last synced.
func (s *Store) Settings(ctx context.Context) (*chat.Settings, error) {
	// Over the defaults, as the server reads them: a field an older
	// server did not send keeps its default. None synced yet: ENotFound
	// (the switch's state is not known, so it is not guessed).
	st := chat.DefaultSettings()
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM settings WHERE key = 'helpdesk'`).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, chat.Errorf(chat.ENotFound, "Not in the local store.")
	} else if err != nil {
		return nil, err
	}
	return &st, json.Unmarshal([]byte(data), &st)
}

// listJSON reads the JSON column q selects of every row into a T each.
func listJSON[T any](ctx context.Context, db *sql.DB, q string, args ...any) ([]*T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		v := new(T)
		if err := json.Unmarshal([]byte(data), v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func getJSON[T any](ctx context.Context, db *sql.DB, q string, args ...any) (*T, error) {
	var data string
	err := db.QueryRowContext(ctx, q, args...).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, chat.Errorf(chat.ENotFound, "Not in the local store.")
	} else if err != nil {
		return nil, err
	}
	v := new(T)
	return v, json.Unmarshal([]byte(data), v)
}

// KeepSavedReply stores a saved reply the server just answered with, before
// its event arrives; one with no shortcut (a delete's answer) is removed.
func (s *Store) KeepSavedReply(ctx context.Context, r *chat.SavedReply) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if r.Shortcut == "" {
			_, err := tx.ExecContext(ctx, `DELETE FROM saved_replies WHERE id = ?`, r.ID)
			return err
		}
		return upsertSavedReply(ctx, tx, r)
	})
}

// ListUsers returns the team as the last sync brought it, by name (for
// @mentions and assignment offline).
func (s *Store) ListUsers(ctx context.Context) ([]*chat.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM users ORDER BY json_extract(data, '$.name'), id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*chat.User{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		u := &chat.User{}
		if err := json.Unmarshal([]byte(data), u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Waiting is a customer conversation nobody in the team has answered
// since its customer wrote: the wait began with Message (the customer's
// first message after the team's last reply) and Last is the customer's
// newest.
type Waiting struct {
	Conversation *chat.Conversation
	Message      *chat.Message
	Last         *chat.Message
}

// Waiting returns the open customer conversations waiting for a team reply
// since before: a customer message (not deleted) came after the team's
// last reply (a person's message, not a note), and the first such came
// before before.
func (s *Store) Waiting(ctx context.Context, before time.Time) ([]Waiting, error) {
	rows, err := s.db.QueryContext(ctx, `WITH w AS (SELECT c.id, COALESCE((SELECT MAX(u.id) FROM messages u WHERE u.conversation_id = c.id
			AND u.author_kind = 'user' AND u.system = '' AND u.internal = 0), 0) AS replied
			FROM conversations c WHERE c.status = 'open' AND c.customer_id IS NOT NULL)
		SELECT w.id,
			(SELECT m.data FROM messages m WHERE m.conversation_id = w.id AND m.author_kind = 'customer' AND m.deleted = 0
				AND m.id > w.replied ORDER BY m.id ASC LIMIT 1),
			(SELECT m.data FROM messages m WHERE m.conversation_id = w.id AND m.author_kind = 'customer' AND m.deleted = 0
				AND m.id > w.replied ORDER BY m.id DESC LIMIT 1)
		FROM w`)
	if err != nil {
		return nil, err
	}
	type cand struct {
		id          int64
		first, last *chat.Message
	}
	var cands []cand
	for rows.Next() {
		var id int64
		var first, last sql.NullString
		if err := rows.Scan(&id, &first, &last); err != nil {
			rows.Close()
			return nil, err
		}
		if !first.Valid {
			continue
		}
		f, l := &chat.Message{}, &chat.Message{}
		if json.Unmarshal([]byte(first.String), f) != nil || json.Unmarshal([]byte(last.String), l) != nil || !f.CreatedAt.Before(before) {
			continue
		}
		cands = append(cands, cand{id, f, l})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []Waiting{}
	for _, cd := range cands {
		c, err := s.FindConversationByID(ctx, cd.id)
		if err != nil {
			continue
		}
		out = append(out, Waiting{Conversation: c, Message: cd.first, Last: cd.last})
	}
	return out, nil
}

// ItemsAssignedTo returns the numbers of the items userID is an assignee of.
func (s *Store) ItemsAssignedTo(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.number FROM items i, json_each(i.data, '$.assignees') a
		WHERE json_extract(a.value, '$.id') = ? ORDER BY i.number`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// FindCustomerDetails is the customer panel from the local store, as the
// server builds it: the customer, their local time, their conversations
// this store holds (newest activity first, at most 200) and the tickets
// they requested. ENotFound.
func (s *Store) FindCustomerDetails(ctx context.Context, id int64) (*chat.CustomerDetails, error) {
	c, err := s.FindCustomerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &chat.CustomerDetails{Customer: *c, Conversations: []chat.ConversationRef{}, Items: []chat.ItemRef{}}
	if loc, err := time.LoadLocation(c.TimeZone); err == nil && c.TimeZone != "" {
		d.LocalTime = s.Now().In(loc).Format(time.RFC3339)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, status, last_activity_at FROM conversations
		WHERE customer_id = ? ORDER BY last_activity_at DESC, id DESC LIMIT 200`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r chat.ConversationRef
		var at int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.Status, &at); err != nil {
			rows.Close()
			return nil, err
		}
		r.CustomerName, r.LastActivityAt = c.Name, time.UnixMilli(at).UTC()
		d.Conversations = append(d.Conversations, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	items, err := listJSON[chat.Item](ctx, s.db, `SELECT data FROM items WHERE json_extract(data, '$.requester.id') = ? ORDER BY number DESC`, id)
	for _, it := range items {
		d.Items = append(d.Items, chat.ItemRef{Number: it.Number, Type: it.Type, Title: it.Title, Status: it.Status})
	}
	return d, err
}
