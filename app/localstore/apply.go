package localstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// Apply applies a batch of events in order and records cursor and epoch in
// the same transaction, so a crash never leaves the cursor ahead of or
// behind the rows. Unknown event types are skipped.
func (s *Store) Apply(ctx context.Context, events []*client.StreamEvent, cursor int64, epoch string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, ev := range events {
			if err := s.apply(ctx, tx, ev); err != nil {
				return err
			}
		}
		if err := setMeta(ctx, tx, "cursor", strconv.FormatInt(cursor, 10)); err != nil {
			return err
		}
		return setMeta(ctx, tx, "epoch", epoch)
	})
}

// Cursor returns the applied cursor and its epoch (0, "" before any sync).
func (s *Store) Cursor(ctx context.Context) (int64, string, error) {
	c, err := s.Meta(ctx, "cursor")
	if err != nil {
		return 0, "", err
	}
	e, err := s.Meta(ctx, "epoch")
	n, _ := strconv.ParseInt(c, 10, 64)
	return n, e, err
}

func (s *Store) apply(ctx context.Context, tx *sql.Tx, ev *client.StreamEvent) error {
	switch ev.Type {
	case chat.EventMessageCreated, chat.EventMessageEdited, chat.EventMessageDeleted:
		var m chat.Message
		if err := json.Unmarshal(ev.Data, &m); err != nil {
			return err
		}
		return upsertMessage(ctx, tx, &m)
	case chat.EventConversationCreated, chat.EventConversationClosed, chat.EventConversationReopened, chat.EventConversationUpdated:
		var c chat.Conversation
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return err
		}
		return s.upsertConversation(ctx, tx, &c)
	case chat.EventParticipantAdded:
		var d struct {
			Conversation chat.Conversation `json:"conversation"`
		}
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return err
		}
		return s.upsertConversation(ctx, tx, &d.Conversation)
	case chat.EventReadUpdated:
		var rs chat.ReadState
		if err := json.Unmarshal(ev.Data, &rs); err != nil {
			return err
		}
		if rs.UserID != s.me {
			return nil
		}
		return setRead(ctx, tx, rs.ConversationID, rs.LastReadMessageID)
	case chat.EventUserCreated, chat.EventUserUpdated:
		var u chat.User
		if err := json.Unmarshal(ev.Data, &u); err != nil {
			return err
		}
		return upsertUser(ctx, tx, &u)
	case chat.EventCustomerUpdated:
		var c chat.Customer
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return err
		}
		return upsertCustomer(ctx, tx, &c)
	case chat.EventItemCreated, chat.EventItemUpdated:
		var it chat.Item
		if err := json.Unmarshal(ev.Data, &it); err != nil {
			return err
		}
		return upsertItem(ctx, tx, &it)
	case chat.EventHelpdeskUpdated:
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, data) VALUES ('helpdesk', ?)
			ON CONFLICT (key) DO UPDATE SET data = excluded.data`, string(ev.Data))
		return err
	}
	return nil
}

func setRead(ctx context.Context, tx *sql.Tx, convID, lastRead int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO read_state (conversation_id, last_read_message_id) VALUES (?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET last_read_message_id = MAX(last_read_message_id, excluded.last_read_message_id)`,
		convID, lastRead)
	return err
}

func upsertMessage(ctx context.Context, tx *sql.Tx, m *chat.Message) error {
	data, _ := json.Marshal(m)
	if _, err := tx.ExecContext(ctx, `INSERT INTO messages (id, conversation_id, author_kind, author_id, system, text, deleted, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET text = excluded.text, deleted = excluded.deleted,
		data = excluded.data`, m.ID, m.ConversationID, string(m.Author.Kind), m.Author.ID, m.System, m.Text,
		boolInt(m.DeletedAt != nil), string(data)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE conversations SET last_activity_at = MAX(last_activity_at, ?) WHERE id = ?`,
		m.CreatedAt.UnixMilli(), m.ConversationID)
	return err
}

func (s *Store) upsertConversation(ctx context.Context, tx *sql.Tx, c *chat.Conversation) error {
	if c.Customer != nil {
		if err := upsertCustomer(ctx, tx, c.Customer); err != nil {
			return err
		}
	}
	var item any
	if c.Item != nil {
		item = c.Item.Number
	}
	var customer any
	if c.CustomerID != 0 {
		customer = c.CustomerID
	}
	if c.LastReadID > 0 {
		if err := setRead(ctx, tx, c.ID, c.LastReadID); err != nil {
			return err
		}
	}
	c.Unread, c.LastReadID, c.LastMessage = 0, 0, nil // per-user and derived: computed locally
	data, _ := json.Marshal(c)
	_, err := tx.ExecContext(ctx, `INSERT INTO conversations (id, kind, status, customer_id, item_number, last_activity_at, participant, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, customer_id = excluded.customer_id,
		item_number = excluded.item_number, last_activity_at = MAX(last_activity_at, excluded.last_activity_at),
		participant = excluded.participant, data = excluded.data`,
		c.ID, string(c.Kind), string(c.Status), customer, item, c.LastActivityAt.UnixMilli(), boolInt(c.HasParticipant(s.me)), string(data))
	return err
}

func upsertUser(ctx context.Context, tx *sql.Tx, u *chat.User) error {
	data, _ := json.Marshal(u)
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`, u.ID, string(data))
	return err
}

func upsertCustomer(ctx context.Context, tx *sql.Tx, c *chat.Customer) error {
	data, _ := json.Marshal(c)
	_, err := tx.ExecContext(ctx, `INSERT INTO customers (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`, c.ID, string(data))
	return err
}

func upsertItem(ctx context.Context, tx *sql.Tx, it *chat.Item) error {
	data, _ := json.Marshal(it)
	if _, err := tx.ExecContext(ctx, `INSERT INTO items (number, data) VALUES (?, ?) ON CONFLICT (number) DO UPDATE SET data = excluded.data`,
		it.Number, string(data)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM item_people WHERE item_number = ?`, it.Number); err != nil {
		return err
	}
	for _, id := range it.Involved() {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO item_people (item_number, user_id) VALUES (?, ?)`, it.Number, id); err != nil {
			return err
		}
	}
	// The item's conversation list is the truth about links.
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET item_number = NULL WHERE item_number = ?`, it.Number); err != nil {
		return err
	}
	for _, c := range it.Conversations {
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET item_number = ? WHERE id = ?`, it.Number, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// StoreSnapshot writes state fetched through the API (the resync path).
func (s *Store) StoreSnapshot(ctx context.Context, convs []*chat.Conversation, msgs []*chat.Message, users []*chat.User, items []*chat.Item) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, u := range users {
			if err := upsertUser(ctx, tx, u); err != nil {
				return err
			}
		}
		for _, c := range convs {
			if err := s.upsertConversation(ctx, tx, c); err != nil {
				return err
			}
		}
		for _, m := range msgs {
			if err := upsertMessage(ctx, tx, m); err != nil {
				return err
			}
		}
		for _, it := range items {
			if err := upsertItem(ctx, tx, it); err != nil {
				return err
			}
		}
		return nil
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
