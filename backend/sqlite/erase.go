package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/deskchat/deskchat/backend/chat"
)

// EraseCustomer erases a customer; see chat.CustomerStore. In one
// transaction: the customer's details go, their messages lose their text
// (and their audit entries, which hold earlier text), system notes and
// items made from the conversation lose the customer's words (see
// chat.Scrubber), the conversations are marked, the customer's sessions end,
// and every stored event that carried any of it is rewritten. Then
// customer.erased, message.edited (scrubbed notes) and item.updated
// (scrubbed items) tell synced clients. After commit the WAL is
// checkpointed so that no earlier page stays in it.
func (s *Store) EraseCustomer(ctx context.Context, a chat.Actor, id int64) (*chat.Erasure, error) {
	if err := chat.CanEraseCustomer(a); err != nil {
		return nil, err
	}
	var er *chat.Erasure
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		er, err = tx.erase(ctx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Best effort: the pages written before the erasure leave the WAL
	// (readers may hold it; the next automatic checkpoint then does).
	s.wdb.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return er, nil
}

func (tx *Tx) erase(ctx context.Context, a chat.Actor, id int64) (*chat.Erasure, error) {
	if er, err := findErasure(ctx, tx, id); err == nil {
		return er, nil // erased before: the first erasure answers
	} else if chat.ErrorCode(err) != chat.ENotFound {
		return nil, err
	}
	old, err := findCustomer(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	convs, err := int64s(ctx, tx, `SELECT id FROM conversations WHERE customer_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	// The customer's words, to find them where the team's text quotes them.
	rows, err := tx.QueryContext(ctx, `SELECT id, text FROM messages WHERE author_kind = 'customer' AND author_id = ?`, id)
	if err != nil {
		return nil, err
	}
	var ids []int64
	var texts []string
	for rows.Next() {
		var mid int64
		var text string
		if err := rows.Scan(&mid, &text); err != nil {
			rows.Close()
			return nil, err
		}
		ids, texts = append(ids, mid), append(texts, text)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Audit entries of their messages hold earlier texts of them.
	for _, mid := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM message_audit WHERE message_id = ?`, mid); err != nil {
			return nil, err
		}
	}
	scrub := chat.NewScrubber(old, texts)

	now := ms(tx.now)
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = '', email = '', page_url = '', browser = '', language = '',
		time_zone = '', erased_at = ? WHERE id = ?`, now, id); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET text = '', deleted_at = COALESCE(deleted_at, ?)
		WHERE author_kind = 'customer' AND author_id = ?`, now, id); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET erased_at = ? WHERE customer_id = ?`, now, id); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE customer_id = ?`, id); err != nil {
		return nil, err
	}

	red := &chat.Redaction{Messages: map[int64]*chat.Message{}, Customers: map[int64]*chat.Customer{}, Items: map[int64]*chat.Item{}}
	for _, mid := range ids {
		m, err := findMessage(ctx, tx, mid)
		if err != nil {
			return nil, err
		}
		red.Messages[mid] = m
	}
	// Items they requested or that their conversations are linked to.
	items, err := int64s(ctx, tx, `SELECT id FROM items WHERE requester_id = :cust
		UNION SELECT item_id FROM conversations WHERE customer_id = :cust AND item_id IS NOT NULL ORDER BY 1`, sql.Named("cust", id))
	if err != nil {
		return nil, err
	}
	// System notes in their conversations (a reopen by them, a link to a
	// title made from their words) and in the conversations linked to
	// those items (links to the same title).
	list, _ := json.Marshal(items)
	noteConvs, err := int64s(ctx, tx, `SELECT id FROM conversations WHERE customer_id = ?
		UNION SELECT id FROM conversations WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY 1`, id, string(list))
	if err != nil {
		return nil, err
	}
	var notes []*chat.Message
	for _, cid := range noteConvs {
		rows, err := tx.QueryContext(ctx, messageSelect+` WHERE m.conversation_id = ? AND m.author_kind = 'system' AND m.text <> ''`, cid)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if t := scrub.Scrub(m.Text); t != m.Text {
				m.Text = t
				notes = append(notes, m)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, m := range notes {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET text = ? WHERE id = ?`, m.Text, m.ID); err != nil {
			return nil, err
		}
		red.Messages[m.ID] = m
	}
	var scrubbed []int64
	for _, n := range items {
		var title, desc string
		if err := tx.QueryRowContext(ctx, `SELECT title, description FROM items WHERE id = ?`, n).Scan(&title, &desc); err != nil {
			return nil, err
		}
		t, d := scrub.Scrub(title), scrub.Scrub(desc)
		if t == title && d == desc {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET title = ?, description = ?, updated_at = ? WHERE id = ?`, t, d, now, n); err != nil {
			return nil, err
		}
		red.Items[n] = &chat.Item{Number: n, Title: t, Description: d}
		scrubbed = append(scrubbed, n)
	}
	erased, err := findCustomer(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	red.Customers[id] = erased

	// Every stored copy: the events of their conversations and profile
	// (customer_id), and of the scrubbed items.
	if err := tx.redact(ctx, red, `customer_id = ?`, id); err != nil {
		return nil, err
	}
	for _, m := range notes {
		if err := tx.redact(ctx, red, `message_id = ? AND customer_id IS NOT ?`, m.ID, id); err != nil {
			return nil, err
		}
	}
	if len(scrubbed) > 0 {
		list, _ := json.Marshal(scrubbed)
		if err := tx.redact(ctx, red, `item_id IN (SELECT value FROM json_each(?)) AND (customer_id IS NULL OR customer_id <> ?)`, string(list), id); err != nil {
			return nil, err
		}
	}

	er := &chat.Erasure{CustomerID: id, By: chat.Author{Kind: a.Kind, ID: a.ID, Name: a.Name}, At: tx.now,
		Conversations: len(convs), Messages: len(ids)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_erasures (customer_id, actor_id, actor_name, at, conversations, messages)
		VALUES (?, ?, ?, ?, ?, ?)`, id, a.ID, a.Name, now, er.Conversations, er.Messages); err != nil {
		return nil, err
	}
	for _, m := range notes {
		scope := chat.ScopeConversation
		if m.Internal {
			scope = chat.ScopeConversationTeam
		}
		if err := tx.appendEvent(ctx, &chat.Event{Type: chat.EventMessageEdited, Scope: scope, ConversationID: m.ConversationID}, m); err != nil {
			return nil, err
		}
	}
	for _, n := range scrubbed {
		// peopleChanged: the linked conversations carry the title too.
		if err := tx.itemChanged(ctx, n, true); err != nil {
			return nil, err
		}
	}
	if convs == nil {
		convs = []int64{}
	}
	return er, tx.appendEvent(ctx, &chat.Event{Type: chat.EventCustomerErased, Scope: chat.ScopeCustomer, CustomerID: id},
		&chat.CustomerErased{Customer: erased, ConversationIDs: convs})
}

func findErasure(ctx context.Context, q queryer, customerID int64) (*chat.Erasure, error) {
	er := &chat.Erasure{CustomerID: customerID, By: chat.Author{Kind: chat.KindUser}}
	var at int64
	err := q.QueryRowContext(ctx, `SELECT actor_id, actor_name, at, conversations, messages FROM customer_erasures WHERE customer_id = ?`,
		customerID).Scan(&er.By.ID, &er.By.Name, &at, &er.Conversations, &er.Messages)
	if err == sql.ErrNoRows {
		return nil, chat.Errorf(chat.ENotFound, "Customer %d was not erased.", customerID)
	} else if err != nil {
		return nil, err
	}
	er.At = fromMS(at)
	return er, nil
}

// ListErasures returns every erasure, newest first; see chat.CustomerStore.
func (s *Store) ListErasures(ctx context.Context, a chat.Actor) ([]*chat.Erasure, error) {
	if err := chat.CanEraseCustomer(a); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT customer_id, actor_id, actor_name, at, conversations, messages
		FROM customer_erasures ORDER BY at DESC, customer_id DESC`)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []*chat.Erasure{}
	for rows.Next() {
		er := &chat.Erasure{By: chat.Author{Kind: chat.KindUser}}
		var at int64
		if err := rows.Scan(&er.CustomerID, &er.By.ID, &er.By.Name, &at, &er.Conversations, &er.Messages); err != nil {
			return nil, dbErr(err)
		}
		er.At = fromMS(at)
		out = append(out, er)
	}
	return out, dbErr(rows.Err())
}
