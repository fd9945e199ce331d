package postgres

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
	if it, ok := data.(*chat.Item); ok && it.Requester != nil {
		// An item event is found by its requester too (an erasure strips
		// every copy of their name); scope team ignores customer_id.
		ev.CustomerID = it.Requester.ID
	}
	// The next number after the head this transaction holds (write
	// stores the new head before commit).
	tx.head++
	ev.Seq = tx.head
	if tx.s.unordered {
		if err := tx.QueryRowContext(ctx, `SELECT nextval('events_unordered')`).Scan(&ev.Seq); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events (seq, type, scope, conversation_id, customer_id, user_id, data, created_at, message_id, item_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Seq, ev.Type, string(ev.Scope), nullID(ev.ConversationID), nullID(ev.CustomerID), nullID(ev.UserID),
		string(ev.Data), ms(ev.CreatedAt), nullID(messageID), nullID(itemID))
	if err != nil {
		return err
	}
	tx.events = append(tx.events, ev)
	return nil
}

// strip marks the stored events found by where (over the events table) as
// carrying copies that must be read from the current rows, and empties
// those copies (chat.Strip): the log then holds no earlier text. An event
// is stripped once; later edits of the same message find it marked and
// cost nothing. Sequence numbers and order stay, so every cursor stays
// valid and resume stays lossless. Events already handed to the hub are
// not touched; the events that follow them (edited, deleted, erased) tell
// live clients.
func (tx *Tx) strip(ctx context.Context, where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT seq, type, data FROM events WHERE NOT redacted AND (`+where+`) ORDER BY seq`, args...)
	if err != nil {
		return err
	}
	var todo []*chat.Event
	for rows.Next() {
		var ev chat.Event
		var data string
		if err := rows.Scan(&ev.Seq, &ev.Type, &data); err != nil {
			rows.Close()
			return err
		}
		ev.Data = []byte(data)
		todo = append(todo, &ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ev := range todo {
		if _, err := chat.Strip(ev); err != nil {
			return fmt.Errorf("strip event %d: %w", ev.Seq, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE events SET data = ?, redacted = true WHERE seq = ?`, string(ev.Data), ev.Seq); err != nil {
			return err
		}
	}
	return nil
}

// fill gives the marked events among evs their copies from the current
// rows (chat.Current.Fill): messages by message_id, customers by
// customer_id (an item event's is its requester's), items by item_id.
func fill(ctx context.Context, q queryer, evs []*storedEvent) error {
	cur := chat.NewCurrent()
	for _, ev := range evs {
		if !ev.redacted {
			continue
		}
		if ev.messageID != 0 && cur.Messages[ev.messageID] == nil {
			m, err := findMessage(ctx, q, ev.messageID)
			if err == nil {
				cur.Messages[m.ID] = m
			} else if chat.ErrorCode(err) != chat.ENotFound {
				return err
			}
		}
		if ev.CustomerID != 0 && cur.Customers[ev.CustomerID] == nil {
			c, err := findCustomer(ctx, q, ev.CustomerID)
			if err == nil {
				cur.Customers[c.ID] = c
			} else if chat.ErrorCode(err) != chat.ENotFound {
				return err
			}
		}
		if ev.itemID != 0 && cur.Items[ev.itemID] == nil {
			it := &chat.Item{Number: ev.itemID}
			err := q.QueryRowContext(ctx, `SELECT title, description FROM items WHERE id = ?`, ev.itemID).Scan(&it.Title, &it.Description)
			if err == nil {
				cur.Items[it.Number] = it
			} else if err != sql.ErrNoRows {
				return err
			}
		}
	}
	for _, ev := range evs {
		if ev.redacted {
			if _, err := cur.Fill(ev.Event); err != nil {
				return fmt.Errorf("fill event %d: %w", ev.Seq, err)
			}
		}
	}
	return nil
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

// EventsForFanout reads the committed events (after, until], filled and
// with their audience as of now, for a hub: those another node committed
// (publish, backend/cluster). The log has no holes, so a number missing
// from the answer was pruned.
func (s *Store) EventsForFanout(ctx context.Context, after, until int64) ([]*chat.Event, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+eventColumns+` FROM events e WHERE seq > ? AND seq <= ? ORDER BY seq`, after, until)
	if err != nil {
		return nil, err
	}
	stored, err := scanEvents(rows)
	rows.Close()
	if err != nil {
		return nil, err
	}
	if err := fill(ctx, s.rdb, stored); err != nil {
		return nil, err
	}
	out := events(stored)
	for _, ev := range out {
		if err := audience(ctx, s.rdb, ev); err != nil {
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
	return s.lastSeq(ctx, s.rdb)
}

func (s *Store) lastSeq(ctx context.Context, q queryer) (int64, error) {
	var seq int64
	if s.unordered {
		err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&seq)
		return seq, dbErr(err)
	}
	// The head: the newest committed number, which survives pruning.
	err := q.QueryRowContext(ctx, `SELECT seq FROM event_head`).Scan(&seq)
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
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var prunedStr string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'pruned_through'`).Scan(&prunedStr); err != nil {
		return nil, dbErr(err)
	}
	pruned, _ := strconv.ParseInt(prunedStr, 10, 64)
	last, err := s.lastSeq(ctx, tx)
	if err != nil {
		return nil, err
	}
	if afterSeq < pruned || afterSeq > last || afterSeq < 0 {
		return nil, chat.CannotReplay(afterSeq, pruned+1, last)
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
		return nil, chat.SignedIn(a)
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
	stored, err := scanEvents(rows)
	rows.Close()
	if err != nil {
		return nil, dbErr(err)
	}
	if err := fill(ctx, tx, stored); err != nil {
		return nil, dbErr(err)
	}
	return events(stored), nil
}

// eventColumns are read by scanEvents.
const eventColumns = `e.seq, e.type, e.scope, COALESCE(e.conversation_id, 0), COALESCE(e.customer_id, 0), COALESCE(e.user_id, 0), e.data, e.created_at,
	e.redacted, COALESCE(e.message_id, 0), COALESCE(e.item_id, 0)`

// storedEvent is an event as read from the log, with what fill needs.
type storedEvent struct {
	*chat.Event
	redacted          bool
	messageID, itemID int64
}

func events(stored []*storedEvent) []*chat.Event {
	out := make([]*chat.Event, len(stored))
	for i, ev := range stored {
		out[i] = ev.Event
	}
	return out
}

// scanEvents reads rows of eventColumns.
func scanEvents(rows *sql.Rows) ([]*storedEvent, error) {
	var out []*storedEvent
	for rows.Next() {
		ev := &storedEvent{Event: &chat.Event{}}
		var data string
		var created int64
		if err := rows.Scan(&ev.Seq, &ev.Type, &ev.Scope, &ev.ConversationID, &ev.CustomerID, &ev.UserID, &data, &created,
			&ev.redacted, &ev.messageID, &ev.itemID); err != nil {
			return nil, err
		}
		ev.Data, ev.CreatedAt = []byte(data), fromMS(created)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// PruneEvents drops events up to throughSeq.
func (s *Store) PruneEvents(ctx context.Context, throughSeq int64) error {
	return s.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE seq <= ?`, throughSeq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE meta SET value = GREATEST(value::bigint, ?)::text
			WHERE key = 'pruned_through'`, throughSeq)
		return err
	})
}

func sqlNamed(name string, v any) any { return sql.Named(name, v) }
