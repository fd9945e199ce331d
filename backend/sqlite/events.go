package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/deskchat/deskchat/backend/chat"
)

// appendEvent writes ev (with data encoded) to the log inside tx, filling
// in its sequence number, time and audience, and queues it for publishing.
func (tx *Tx) appendEvent(ctx context.Context, ev *chat.Event, data any) error {
	ev.Data = marshal(data)
	ev.CreatedAt = tx.now
	if err := audience(ctx, tx, ev); err != nil {
		return err
	}
	messageID, itemID := chat.Carries(data)
	err := tx.QueryRowContext(ctx, `INSERT INTO events (type, scope, conversation_id, customer_id, user_id, data, created_at, message_id, item_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		ev.Type, string(ev.Scope), nullID(ev.ConversationID), nullID(ev.CustomerID), nullID(ev.UserID),
		string(ev.Data), ms(ev.CreatedAt), nullID(messageID), nullID(itemID)).Scan(&ev.Seq)
	if err != nil {
		return err
	}
	tx.events = append(tx.events, ev)
	return nil
}

// redact rewrites the stored events that carry a copy of what r changed,
// found by where (over the events table) and args: sequence numbers and
// order stay, so every cursor stays valid and resume stays lossless.
// Events already handed to the hub are not touched; the events that
// follow them (edited, deleted, erased) tell live clients.
func (tx *Tx) redact(ctx context.Context, r *chat.Redaction, where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT seq, type, data FROM events WHERE `+where+` ORDER BY seq`, args...)
	if err != nil {
		return err
	}
	var changed []*chat.Event
	for rows.Next() {
		var ev chat.Event
		var data string
		if err := rows.Scan(&ev.Seq, &ev.Type, &data); err != nil {
			rows.Close()
			return err
		}
		ev.Data = []byte(data)
		ok, err := r.Apply(&ev)
		if err != nil {
			rows.Close()
			return fmt.Errorf("redact event %d: %w", ev.Seq, err)
		}
		if ok {
			changed = append(changed, &ev)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ev := range changed {
		if _, err := tx.ExecContext(ctx, `UPDATE events SET data = ? WHERE seq = ?`, string(ev.Data), ev.Seq); err != nil {
			return err
		}
	}
	return nil
}

// redactMessage carries m's current state into every stored event that
// holds a copy of it.
func (tx *Tx) redactMessage(ctx context.Context, m *chat.Message) error {
	return tx.redact(ctx, &chat.Redaction{Messages: map[int64]*chat.Message{m.ID: m}}, `message_id = ?`, m.ID)
}

// audience fills in who may receive a conversation- or customer-scoped
// event: the conversation's customer and its members at this moment.
func audience(ctx context.Context, q queryer, ev *chat.Event) error {
	switch ev.Scope {
	case chat.ScopeConversation, chat.ScopeConversationTeam:
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(customer_id, 0) FROM conversations WHERE id = ?`,
			ev.ConversationID).Scan(&ev.CustomerID); err != nil {
			return err
		}
		ids, err := int64s(ctx, q, `SELECT user_id FROM participants WHERE conversation_id = :cid
			UNION SELECT ip.user_id FROM conversations c JOIN item_people ip ON ip.item_id = c.item_id WHERE c.id = :cid
			ORDER BY 1`, sql.Named("cid", ev.ConversationID))
		if err != nil {
			return err
		}
		ev.Participants = ids
	case chat.ScopeCustomer:
		ids, err := int64s(ctx, q, `SELECT p.user_id FROM participants p
			JOIN conversations c ON c.id = p.conversation_id WHERE c.customer_id = :cust
			UNION SELECT ip.user_id FROM conversations c JOIN item_people ip ON ip.item_id = c.item_id WHERE c.customer_id = :cust
			ORDER BY 1`, sql.Named("cust", ev.CustomerID))
		if err != nil {
			return err
		}
		ev.Participants = ids
	}
	return nil
}

// eventsForPublish reads events (after, until] written by another process,
// with their audience as of now, for the hub.
func (s *Store) eventsForPublish(ctx context.Context, after, until int64) ([]*chat.Event, error) {
	rows, err := s.wdb.QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE seq > ? AND seq <= ? ORDER BY seq`, after, until)
	if err != nil {
		return nil, err
	}
	out, err := scanEvents(rows)
	rows.Close()
	if err != nil {
		return nil, err
	}
	for _, ev := range out {
		if err := audience(ctx, s.wdb, ev); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func int64s(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Epoch returns the log's epoch.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var v string
	err := s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&v)
	return v, dbErr(err)
}

// LastSeq returns the newest sequence number ever assigned.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	return lastSeq(ctx, s.rdb)
}

func lastSeq(ctx context.Context, q queryer) (int64, error) {
	var seq int64
	// sqlite_sequence survives pruning, unlike MAX(seq).
	err := q.QueryRowContext(ctx, `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)`).Scan(&seq)
	return seq, dbErr(err)
}

// memberOfUID is memberOf with the user as :uid.
var memberOfUID = strings.ReplaceAll(memberOf, ":aid", ":uid")

// The replay filters. They mirror chat.Event.VisibleTo, evaluated against
// the current participants rather than the snapshot live delivery uses.
var (
	userEventFilter = `(
		e.scope IN ('all', 'team')
		OR (e.scope = 'user' AND e.user_id = :uid)
		OR (e.scope IN ('conversation', 'conversation_team') AND (
			(:support AND e.customer_id IS NOT NULL)
			OR EXISTS (SELECT 1 FROM conversations c WHERE c.id = e.conversation_id AND ` + memberOfUID + `)))
		OR (e.scope = 'customer' AND (
			:support
			OR EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = e.customer_id AND ` + memberOfUID + `))))`
	customerEventFilter = `(
		e.scope = 'all'
		OR (e.scope IN ('conversation', 'customer') AND e.customer_id = :cid))`
)

// ListEvents replays the events an actor may see after a cursor.
func (s *Store) ListEvents(ctx context.Context, a chat.Actor, afterSeq, untilSeq int64, limit int) ([]*chat.Event, error) {
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, dbErr(err)
	}
	defer tx.Rollback()
	var prunedStr string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'pruned_through'`).Scan(&prunedStr); err != nil {
		return nil, dbErr(err)
	}
	pruned, _ := strconv.ParseInt(prunedStr, 10, 64)
	last, err := lastSeq(ctx, tx)
	if err != nil {
		return nil, err
	}
	if afterSeq < pruned || afterSeq > last || afterSeq < 0 {
		return nil, chat.Errorf(chat.EResync, "Cursor %d cannot be replayed (log holds %d..%d); resync.", afterSeq, pruned+1, last)
	}
	if untilSeq <= 0 || untilSeq > last {
		untilSeq = last
	}
	if limit <= 0 {
		limit = 1000
	}
	var filter string
	args := []any{}
	switch {
	case a.IsUser():
		filter = userEventFilter
		args = append(args, sqlNamed("uid", a.ID), sqlNamed("support", a.Support))
	case a.IsCustomer():
		filter = customerEventFilter
		args = append(args, sqlNamed("cid", a.ID))
	default:
		return nil, chat.Errorf(chat.EUnauthorized, "Sign in first.")
	}
	args = append(args, sqlNamed("after", afterSeq), sqlNamed("until", untilSeq), sqlNamed("limit", limit))
	q := `SELECT ` + eventColumns + ` FROM events e WHERE e.seq > :after AND e.seq <= :until AND ` + filter + ` ORDER BY e.seq LIMIT :limit`
	if a.IsCustomer() {
		// Two index ranges (events_customer, events_scope_all) instead of
		// a scan of every event since the cursor.
		q = `SELECT ` + eventColumns + ` FROM events e WHERE e.customer_id = :cid AND e.seq > :after AND e.seq <= :until
			AND e.scope IN ('conversation', 'customer')
			UNION ALL
			SELECT ` + eventColumns + ` FROM events e WHERE e.scope = 'all' AND e.seq > :after AND e.seq <= :until
			ORDER BY 1 LIMIT :limit`
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out, err := scanEvents(rows)
	return out, dbErr(err)
}

// eventColumns are read by scanEvents.
const eventColumns = `seq, type, scope, COALESCE(conversation_id, 0), COALESCE(customer_id, 0), COALESCE(user_id, 0), data, created_at`

// scanEvents reads rows of eventColumns.
func scanEvents(rows *sql.Rows) ([]*chat.Event, error) {
	var out []*chat.Event
	for rows.Next() {
		var ev chat.Event
		var data string
		var created int64
		if err := rows.Scan(&ev.Seq, &ev.Type, &ev.Scope, &ev.ConversationID, &ev.CustomerID, &ev.UserID, &data, &created); err != nil {
			return nil, err
		}
		ev.Data, ev.CreatedAt = []byte(data), fromMS(created)
		out = append(out, &ev)
	}
	return out, rows.Err()
}

// PruneEvents drops events up to throughSeq.
func (s *Store) PruneEvents(ctx context.Context, throughSeq int64) error {
	return s.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE seq <= ?`, throughSeq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), ?) AS TEXT)
			WHERE key = 'pruned_through'`, throughSeq)
		return err
	})
}

func sqlNamed(name string, v any) any { return sql.Named(name, v) }
