package postgres

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/deskchat/deskchat/backend/chat"
)

// messageSelect reads messages with their authors' current names.
const messageSelect = `SELECT m.id, m.conversation_id, m.author_kind, COALESCE(m.author_id, 0),
	CASE m.author_kind WHEN 'user' THEN COALESCE(u.name, '') WHEN 'customer' THEN COALESCE(cu.name, '') ELSE '' END,
	m.text, COALESCE(m.system, ''), m.internal, COALESCE(m.client_id, ''), m.created_at, m.edited_at, m.deleted_at,
	COALESCE(m.mentions, ''), COALESCE(m.attachments, ''), COALESCE(m.system_params, '')
	FROM messages m
	LEFT JOIN users u ON m.author_kind = 'user' AND u.id = m.author_id
	LEFT JOIN customers cu ON m.author_kind = 'customer' AND cu.id = m.author_id`

func scanMessage(row interface{ Scan(...any) error }) (*chat.Message, error) {
	var m chat.Message
	var created int64
	var edited, deleted sql.NullInt64
	var mentions, files, params string
	if err := row.Scan(&m.ID, &m.ConversationID, &m.Author.Kind, &m.Author.ID, &m.Author.Name,
		&m.Text, &m.System, &m.Internal, &m.ClientID, &created, &edited, &deleted, &mentions, &files, &params); err != nil {
		return nil, err
	}
	if params != "" {
		m.SystemParams = new(chat.SystemParams)
		if err := json.Unmarshal([]byte(params), m.SystemParams); err != nil {
			return nil, err
		}
	}
	var err error
	if m.Attachments, err = scanAttachments(files); err != nil {
		return nil, err
	}
	if mentions != "" {
		if err := json.Unmarshal([]byte(mentions), &m.Mentions); err != nil {
			return nil, err
		}
	}
	m.CreatedAt, m.EditedAt, m.DeletedAt = fromMS(created), fromNullMS(edited), fromNullMS(deleted)
	return &m, nil
}

func findMessage(ctx context.Context, q queryer, id int64) (*chat.Message, error) {
	m, err := scanMessage(q.QueryRowContext(ctx, messageSelect+` WHERE m.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, chat.MessageNotFound(id)
	}
	return m, dbErr(err)
}

// visibleMessage loads a message whose conversation the actor may see.
func visibleMessage(ctx context.Context, q queryer, a chat.Actor, id int64) (*chat.Message, error) {
	m, err := findMessage(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if _, err := visibleConversation(ctx, q, a, m.ConversationID); err != nil || (m.Internal && a.IsCustomer()) {
		return nil, chat.MessageNotFound(id)
	}
	return m, nil
}

// note is what a message is besides its text: a system note's code for
// clients (closed, linked…) and who caused it (none for the offline
// reply), whether it is for the team only (internal notes, private
// notes), whom it @mentions and the uploads it carries.
type note struct {
	code        string
	params      *chat.SystemParams // what the system note says (chat.SystemParams)
	internal    bool
	actor       chat.Actor
	mentions    []int64
	attachments []string
}

// insertMessage appends a message (or a system note when n is set), bumps
// the conversation's activity and appends message.created.
func (tx *Tx) insertMessage(ctx context.Context, a chat.Actor, convID int64, text string, n note, clientID string) (*chat.Message, error) {
	var mentions, params any
	if len(n.mentions) > 0 {
		mentions = string(marshal(n.mentions))
	}
	if n.params != nil {
		params = string(marshal(n.params))
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO messages (conversation_id, author_kind, author_id, text, system, internal, client_id, created_at,
		actor_kind, actor_id, mentions, system_params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, convID, string(a.Kind), nullID(a.ID), text, nullString(n.code),
		n.internal, nullString(clientID), ms(tx.now), nullString(string(n.actor.Kind)), nullID(n.actor.ID), mentions, params).Scan(&id)
	if err != nil {
		return nil, err
	}
	if len(n.attachments) > 0 {
		if err := tx.attach(ctx, a, id, n.attachments); err != nil {
			return nil, err
		}
	}
	m, err := findMessage(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	switch last, activity := chat.Preview(m); {
	case last:
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET last_activity_at = ?, last_message_id = ? WHERE id = ?`, ms(tx.now), id, convID)
	case activity:
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET last_activity_at = ? WHERE id = ?`, ms(tx.now), convID)
	}
	if err != nil {
		return nil, err
	}
	return m, tx.appendEvent(ctx, &chat.Event{Type: chat.EventMessageCreated, Scope: chat.MessageScope(m), ConversationID: convID}, m)
}

// SendMessage appends a message; see chat.MessageStore.
func (s *Store) SendMessage(ctx context.Context, a chat.Actor, convID int64, nm chat.NewMessage) (*chat.Message, bool, error) {
	if err := chat.CheckNewMessage(a, &nm); err != nil {
		return nil, false, err
	}
	text, clientID := nm.Text, nm.ClientID
	kind := note{internal: nm.Internal, mentions: nm.Mentions, attachments: nm.Attachments}
	var m *chat.Message
	created := false
	err := s.write(ctx, func(tx *Tx) error {
		m, created = nil, false // a write may run twice (group commit fallback)
		if err := refuseErased(ctx, tx, a); err != nil {
			return err
		}
		conv, err := visibleConversation(ctx, tx, a, convID)
		if err != nil {
			return err
		}
		if clientID != "" {
			m, err = scanMessage(tx.QueryRowContext(ctx, messageSelect+` WHERE m.conversation_id = ? AND m.author_kind = ?
				AND m.author_id = ? AND m.client_id = ?`, convID, string(a.Kind), a.ID, clientID))
			if err == nil {
				return nil // a repeat: answer with the original
			} else if err != sql.ErrNoRows {
				return err
			}
		}
		if err := chat.CanSendIn(&conv.Conversation, nm); err != nil {
			return err
		}
		created = true
		do := chat.EffectsOfSend(a, conv.Status, nm)
		if do.Reopen {
			if err := tx.changeStatus(ctx, a, convID, chat.StatusOpen); err != nil {
				return err
			}
		}
		if do.Join {
			if _, err := tx.ensureParticipant(ctx, convID, a.ID); err != nil {
				return err
			}
		}
		for _, uid := range nm.Mentions {
			if err := requireActiveUser(ctx, tx, uid); err != nil {
				return err // a mention notifies: only an active user can be told
			}
			if _, err := tx.ensureParticipant(ctx, convID, uid); err != nil {
				return err
			}
		}
		if m, err = tx.insertMessage(ctx, a, convID, text, kind, clientID); err != nil {
			return err
		}
		if do.MarkRead {
			if _, err := tx.markRead(ctx, a.ID, convID, m.ID); err != nil {
				return err
			}
		}
		if do.OfflineReply {
			return tx.offlineReply(ctx, convID)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return m, created, nil
}

// ListMessages returns a page in ascending order.
func (s *Store) ListMessages(ctx context.Context, a chat.Actor, convID int64, f chat.MessageFilter) ([]*chat.Message, error) {
	if err := chat.CheckMessageFilter(f); err != nil {
		return nil, err
	}
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := visibleConversation(ctx, tx, a, convID); err != nil {
		return nil, err
	}
	limit := chat.PageLimit(f.Limit)
	// Customers never see internal notes.
	where := messageSelect + ` WHERE m.conversation_id = ? AND (NOT m.internal OR ?)`
	team := !a.IsCustomer()
	var rows *sql.Rows
	switch {
	case f.After != nil:
		rows, err = tx.QueryContext(ctx, where+` AND m.id > ? ORDER BY m.id ASC LIMIT ?`, convID, team, *f.After, limit)
	case f.Before != nil:
		rows, err = tx.QueryContext(ctx, where+` AND m.id < ? ORDER BY m.id DESC LIMIT ?`, convID, team, *f.Before, limit)
	default:
		rows, err = tx.QueryContext(ctx, where+` ORDER BY m.id DESC LIMIT ?`, convID, team, limit)
	}
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []*chat.Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, dbErr(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	if f.After == nil {
		// Fetched newest first; pages are always ascending.
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, nil
}

// EditMessage replaces the text of the actor's own message.
func (s *Store) EditMessage(ctx context.Context, a chat.Actor, id int64, text string) (*chat.Message, error) {
	text, err := chat.CheckMessageText(text)
	if err != nil {
		return nil, err
	}
	var m *chat.Message
	err = s.write(ctx, func(tx *Tx) error {
		var err error
		if m, err = visibleMessage(ctx, tx, a, id); err != nil {
			return err
		}
		if err := chat.CanEditMessage(a, m); err != nil {
			return err
		}
		if m.Text == text {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET text = ?, edited_at = ? WHERE id = ?`, text, ms(tx.now), id); err != nil {
			return err
		}
		if err := tx.audit(ctx, a, id, chat.AuditEdit, m.Text, text); err != nil {
			return err
		}
		if m, err = findMessage(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.textChanged(ctx, m); err != nil {
			return err
		}
		return tx.appendEvent(ctx, &chat.Event{Type: chat.EventMessageEdited, Scope: chat.MessageScope(m), ConversationID: m.ConversationID}, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// DeleteMessage blanks a message, keeping its place.
func (s *Store) DeleteMessage(ctx context.Context, a chat.Actor, id int64) (*chat.Message, error) {
	var m *chat.Message
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		if m, err = visibleMessage(ctx, tx, a, id); err != nil {
			return err
		}
		if err := chat.CanDeleteMessage(a, m); err != nil {
			return err
		}
		if m.DeletedAt != nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET text = '', attachments = NULL, deleted_at = ? WHERE id = ?`, ms(tx.now), id); err != nil {
			return err
		}
		if _, err := tx.releaseAttachments(ctx, `message_id = ?`, id); err != nil {
			return err
		}
		if err := tx.audit(ctx, a, id, chat.AuditDelete, m.Text, ""); err != nil {
			return err
		}
		if m, err = findMessage(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.textChanged(ctx, m); err != nil {
			return err
		}
		return tx.appendEvent(ctx, &chat.Event{Type: chat.EventMessageDeleted, Scope: chat.MessageScope(m), ConversationID: m.ConversationID}, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (tx *Tx) audit(ctx context.Context, a chat.Actor, msgID int64, action chat.AuditAction, oldText, newText string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO message_audit (message_id, action, actor_kind, actor_id, actor_name, old_text, new_text, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, msgID, string(action), string(a.Kind), a.ID, a.Name, oldText, newText, ms(tx.now))
	return err
}

// ListMessageAudit returns a message's audit trail (admins only).
func (s *Store) ListMessageAudit(ctx context.Context, a chat.Actor, messageID int64) ([]*chat.AuditEntry, error) {
	if err := chat.CanReadAudit(a); err != nil {
		return nil, err
	}
	// Admins read the trail of messages they may see, no others.
	if _, err := visibleMessage(ctx, s.rdb, a, messageID); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, message_id, action, actor_kind, actor_id, actor_name, old_text, new_text, at
		FROM message_audit WHERE message_id = ? ORDER BY id`, messageID)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []*chat.AuditEntry{}
	for rows.Next() {
		var e chat.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.MessageID, &e.Action, &e.Actor.Kind, &e.Actor.ID, &e.Actor.Name, &e.OldText, &e.NewText, &at); err != nil {
			return nil, dbErr(err)
		}
		e.At = fromMS(at)
		out = append(out, &e)
	}
	return out, dbErr(rows.Err())
}

// MarkRead moves the user's read mark forward.
func (s *Store) MarkRead(ctx context.Context, a chat.Actor, convID, messageID int64) (*chat.ReadState, error) {
	if err := chat.CanMarkRead(a, messageID); err != nil {
		return nil, err
	}
	var rs *chat.ReadState
	err := s.write(ctx, func(tx *Tx) error {
		if _, err := visibleConversation(ctx, tx, a, convID); err != nil {
			return err
		}
		if messageID > 0 {
			// The mark is a message of this conversation, not any id.
			var in bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?)`,
				messageID, convID).Scan(&in); err != nil {
				return err
			}
			if !in {
				return chat.NotInConversation(messageID, convID)
			}
		}
		var err error
		rs, err = tx.markRead(ctx, a.ID, convID, messageID)
		return err
	})
	return rs, err
}

// markRead upserts read state (never backwards) and appends read.updated
// when it moved. messageID 0 means the newest message.
func (tx *Tx) markRead(ctx context.Context, userID, convID, messageID int64) (*chat.ReadState, error) {
	var newest, current int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM messages WHERE conversation_id = ?`, convID).Scan(&newest); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT last_read_message_id FROM read_state WHERE user_id = ? AND conversation_id = ?), 0)`,
		userID, convID).Scan(&current); err != nil {
		return nil, err
	}
	if messageID == 0 || messageID > newest {
		messageID = newest
	}
	rs := &chat.ReadState{ConversationID: convID, UserID: userID, LastReadMessageID: max(current, messageID), UpdatedAt: tx.now}
	if rs.LastReadMessageID > current {
		if _, err := tx.ExecContext(ctx, `INSERT INTO read_state (user_id, conversation_id, last_read_message_id, updated_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (user_id, conversation_id) DO UPDATE SET
			last_read_message_id = excluded.last_read_message_id, updated_at = excluded.updated_at`,
			userID, convID, rs.LastReadMessageID, ms(tx.now)); err != nil {
			return nil, err
		}
	}
	var err error
	if rs.Unread, err = unreadIn(ctx, tx, userID, convID); err != nil {
		return nil, err
	}
	if rs.LastReadMessageID > current {
		err = tx.appendEvent(ctx, &chat.Event{Type: chat.EventReadUpdated, Scope: chat.ScopeUser, UserID: userID, ConversationID: convID}, rs)
	}
	return rs, err
}

// UnreadCounts sums the user's unread messages.
func (s *Store) UnreadCounts(ctx context.Context, a chat.Actor) (*chat.UnreadCounts, error) {
	if err := chat.CanCountUnread(a); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT m.conversation_id, COUNT(*) FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		LEFT JOIN read_state r ON r.user_id = :aid AND r.conversation_id = m.conversation_id
		WHERE `+conversationVisible+`
		AND m.id > COALESCE(r.last_read_message_id, 0)
		AND m.author_kind <> 'system' AND m.deleted_at IS NULL
		AND NOT (m.author_kind = 'user' AND m.author_id = :aid)
		GROUP BY m.conversation_id ORDER BY m.conversation_id`, visibilityArgs(a)...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := &chat.UnreadCounts{ByConversation: []chat.ConversationUnread{}}
	for rows.Next() {
		var cu chat.ConversationUnread
		if err := rows.Scan(&cu.ConversationID, &cu.Unread); err != nil {
			return nil, dbErr(err)
		}
		out.ByConversation = append(out.ByConversation, cu)
		out.Conversations++
		out.Messages += cu.Unread
	}
	return out, dbErr(rows.Err())
}
