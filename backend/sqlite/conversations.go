package sqlite

import (
	"context"
	"database/sql"

	"github.com/deskchat/deskchat/backend/chat"
)

// memberOf says that user :aid is a member of conversation c: a participant
// (wrote in it or was added) or involved in its linked item (creator,
// assignee, follower). Members see the conversation in My Conversations.
const memberOf = `(
	EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = :aid)
	OR (c.item_id IS NOT NULL AND EXISTS (SELECT 1 FROM item_people ip WHERE ip.item_id = c.item_id AND ip.user_id = :aid)))`

// conversationVisible is the access rule as SQL over alias c; it needs the
// named arguments of visibilityArgs.
const conversationVisible = `(
	(:kind = 'customer' AND c.customer_id = :aid)
	OR (:kind = 'user' AND ((:support AND c.customer_id IS NOT NULL) OR ` + memberOf + `)))`

func visibilityArgs(a chat.Actor) []any {
	return []any{sql.Named("kind", string(a.Kind)), sql.Named("aid", a.ID), sql.Named("support", a.Support)}
}

const conversationColumns = `c.id, c.kind, c.status, COALESCE(c.customer_id, 0), c.created_at, c.last_activity_at,
	c.closed_at, COALESCE(c.last_message_id, 0), COALESCE(c.item_id, 0), c.erased_at, COALESCE(c.assignee_id, 0)`

type conversationRow struct {
	chat.Conversation
	lastMessageID int64
	itemID        int64
	assigneeID    int64
}

func scanConversation(row interface{ Scan(...any) error }) (*conversationRow, error) {
	var r conversationRow
	var created, activity int64
	var closed, erased sql.NullInt64
	if err := row.Scan(&r.ID, &r.Kind, &r.Status, &r.CustomerID, &created, &activity, &closed, &r.lastMessageID, &r.itemID, &erased, &r.assigneeID); err != nil {
		return nil, err
	}
	r.CreatedAt, r.LastActivityAt, r.ClosedAt, r.ErasedAt = fromMS(created), fromMS(activity), fromNullMS(closed), fromNullMS(erased)
	return &r, nil
}

// visibleConversation loads the bare row of a conversation the actor may
// see, or ENotFound.
func visibleConversation(ctx context.Context, q queryer, a chat.Actor, id int64) (*conversationRow, error) {
	args := append(visibilityArgs(a), sql.Named("id", id))
	r, err := scanConversation(q.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations c
		WHERE c.id = :id AND `+conversationVisible, args...))
	if err == sql.ErrNoRows {
		return nil, chat.ConversationNotFound(id)
	}
	return r, dbErr(err)
}

// complete fills in customer, participants, last message, linked item,
// assignee and unread; a customer gets their copy (ForCustomer).
func complete(ctx context.Context, q queryer, a chat.Actor, r *conversationRow) (*chat.Conversation, error) {
	c := r.Conversation
	var err error
	if c.CustomerID != 0 {
		if c.Customer, err = findCustomer(ctx, q, c.CustomerID); err != nil {
			return nil, err
		}
	}
	if c.Participants, err = listParticipants(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if r.lastMessageID != 0 {
		if c.LastMessage, err = findMessage(ctx, q, r.lastMessageID); err != nil {
			return nil, err
		}
	}
	if r.itemID != 0 {
		if c.Item, err = findItemRef(ctx, q, r.itemID); err != nil {
			return nil, err
		}
	}
	if r.assigneeID != 0 {
		c.Assignee = &chat.Person{ID: r.assigneeID}
		if err := q.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, r.assigneeID).Scan(&c.Assignee.Name); err != nil {
			return nil, dbErr(err)
		}
	}
	if a.IsCustomer() {
		return c.ForCustomer(), nil
	}
	if a.IsUser() {
		if c.Unread, err = unreadIn(ctx, q, a.ID, c.ID); err != nil {
			return nil, err
		}
		if err := q.QueryRowContext(ctx, `SELECT COALESCE((SELECT last_read_message_id FROM read_state
			WHERE user_id = ? AND conversation_id = ?), 0)`, a.ID, c.ID).Scan(&c.LastReadID); err != nil {
			return nil, dbErr(err)
		}
	}
	return &c, nil
}

func listParticipants(ctx context.Context, q queryer, conversationID int64) ([]chat.Participant, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.user_id, u.name, p.added_at FROM participants p
		JOIN users u ON u.id = p.user_id WHERE p.conversation_id = ? ORDER BY p.added_at, p.user_id`, conversationID)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []chat.Participant{}
	for rows.Next() {
		var p chat.Participant
		var added int64
		if err := rows.Scan(&p.UserID, &p.Name, &added); err != nil {
			return nil, dbErr(err)
		}
		p.AddedAt = fromMS(added)
		out = append(out, p)
	}
	return out, dbErr(rows.Err())
}

// unreadIn counts messages by others after the user's read mark.
func unreadIn(ctx context.Context, q queryer, userID, conversationID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages m
		WHERE m.conversation_id = :cid
		AND m.id > COALESCE((SELECT last_read_message_id FROM read_state WHERE user_id = :uid AND conversation_id = :cid), 0)
		AND m.author_kind <> 'system' AND m.deleted_at IS NULL
		AND NOT (m.author_kind = 'user' AND m.author_id = :uid)`,
		sql.Named("cid", conversationID), sql.Named("uid", userID)).Scan(&n)
	return n, dbErr(err)
}

// FindConversationByID returns one conversation the actor may see.
func (s *Store) FindConversationByID(ctx context.Context, a chat.Actor, id int64) (*chat.Conversation, error) {
	r, err := visibleConversation(ctx, s.rdb, a, id)
	if err != nil {
		return nil, err
	}
	return complete(ctx, s.rdb, a, r)
}

// ListConversations returns a page, newest activity first.
func (s *Store) ListConversations(ctx context.Context, a chat.Actor, f chat.ConversationFilter) ([]*chat.Conversation, error) {
	if err := chat.CanListConversations(a, f); err != nil {
		return nil, err
	}
	query := `SELECT ` + conversationColumns + ` FROM conversations c WHERE ` + conversationVisible
	args := visibilityArgs(a)
	switch f.Section {
	case chat.SectionCustomers:
		query += ` AND c.customer_id IS NOT NULL`
	case chat.SectionMine:
		query += ` AND ` + memberOf
	}
	if f.Status != "" {
		query += ` AND c.status = :status`
		args = append(args, sql.Named("status", string(f.Status)))
	}
	if f.Kind != "" {
		query += ` AND c.kind = :ckind`
		args = append(args, sql.Named("ckind", string(f.Kind)))
	}
	switch f.Assignee {
	case chat.AssignedToMe:
		query += ` AND c.assignee_id = :aid`
	case chat.Unassigned:
		query += ` AND c.assignee_id IS NULL AND c.customer_id IS NOT NULL`
	}
	if !f.BeforeActivity.IsZero() {
		query += ` AND (c.last_activity_at < :bact OR (c.last_activity_at = :bact AND c.id < :bid))`
		args = append(args, sql.Named("bact", ms(f.BeforeActivity)), sql.Named("bid", f.BeforeID))
	}
	query += ` ORDER BY c.last_activity_at DESC, c.id DESC LIMIT :limit`
	args = append(args, sql.Named("limit", chat.PageLimit(f.Limit)))

	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, dbErr(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	var page []*conversationRow
	for rows.Next() {
		r, err := scanConversation(rows)
		if err != nil {
			rows.Close()
			return nil, dbErr(err)
		}
		page = append(page, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	out := make([]*chat.Conversation, 0, len(page))
	for _, r := range page {
		c, err := complete(ctx, tx, a, r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// CreateConversation starts a customer or team conversation.
func (s *Store) CreateConversation(ctx context.Context, a chat.Actor, nc chat.NewConversation) (*chat.Conversation, *chat.Message, bool, error) {
	err := chat.CheckNewConversation(a, &nc)
	if err != nil {
		return nil, nil, false, err
	}

	var convID, msgID int64
	var c *chat.Conversation
	var m *chat.Message
	created := false
	err = s.write(ctx, func(tx *Tx) error {
		convID, msgID, c, m, created = 0, 0, nil, nil, false // a write may run twice (group commit fallback)
		if err := refuseErased(ctx, tx, a); err != nil {
			return err
		}
		createOrFind := func() error {
			if nc.ClientID != "" {
				err := tx.QueryRowContext(ctx, `SELECT id, COALESCE(first_message_id, 0)
					FROM conversations c WHERE creator_kind = ? AND creator_id = ? AND client_id = ?`,
					string(a.Kind), a.ID, nc.ClientID).Scan(&convID, &msgID)
				if err == nil {
					return nil // a repeat: answer with the original
				} else if err != sql.ErrNoRows {
					return err
				}
			}
			created = true
			kind, customer := chat.KindStartedBy(a), any(nil)
			if kind == chat.ConversationCustomer {
				customer = a.ID
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO conversations (kind, status, customer_id, creator_kind, creator_id, client_id, created_at, last_activity_at)
				VALUES (?, 'open', ?, ?, ?, ?, ?, ?)`, string(kind), customer, string(a.Kind), a.ID, nullString(nc.ClientID), ms(tx.now), ms(tx.now))
			if err != nil {
				return err
			}
			convID, _ = res.LastInsertId()
			for _, uid := range nc.ParticipantIDs {
				if err := addParticipant(ctx, tx, convID, uid); err != nil {
					return err
				}
			}
			conv, err := visibleConversation(ctx, tx, a, convID)
			if err != nil {
				return err
			}
			full, err := complete(ctx, tx, a, conv)
			if err != nil {
				return err
			}
			full.Unread = 0
			if err := tx.appendEvent(ctx, &chat.Event{Type: chat.EventConversationCreated, Scope: chat.ScopeConversation, ConversationID: convID}, full.ForCustomer()); err != nil {
				return err
			}
			if nc.Text != "" || len(nc.Attachments) > 0 {
				m, err := tx.insertMessage(ctx, a, convID, nc.Text, note{attachments: nc.Attachments}, "")
				if err != nil {
					return err
				}
				msgID = m.ID
				if _, err := tx.ExecContext(ctx, `UPDATE conversations SET first_message_id = ? WHERE id = ?`, msgID, convID); err != nil {
					return err
				}
			}
			if a.IsCustomer() {
				return tx.offlineReply(ctx, convID)
			}
			return nil
		}
		if err := createOrFind(); err != nil {
			return err
		}
		// The answer is built before commit: a failed read after commit
		// would tell the client nothing was written when it was.
		r, err := visibleConversation(ctx, tx, a, convID)
		if err != nil {
			return err
		}
		if c, err = complete(ctx, tx, a, r); err != nil {
			return err
		}
		if msgID != 0 {
			m, err = findMessage(ctx, tx, msgID)
		}
		return err
	})
	if err != nil {
		return nil, nil, false, err
	}
	return c, m, created, nil
}

// requireActiveUser fails with EInvalid unless userID is an active user.
func requireActiveUser(ctx context.Context, tx *Tx, userID int64) error {
	var active bool
	err := tx.QueryRowContext(ctx, `SELECT active FROM users WHERE id = ?`, userID).Scan(&active)
	if err == sql.ErrNoRows || (err == nil && !active) {
		return chat.InactiveUser(userID)
	}
	return err
}

// addParticipant adds an active user (a no-op if they take part already).
func addParticipant(ctx context.Context, tx *Tx, convID, userID int64) error {
	if err := requireActiveUser(ctx, tx, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO participants (conversation_id, user_id, added_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, convID, userID, ms(tx.now))
	return err
}

// CloseConversation moves a conversation to closed.
func (s *Store) CloseConversation(ctx context.Context, a chat.Actor, id int64) (*chat.Conversation, error) {
	return s.setStatus(ctx, a, id, chat.StatusClosed)
}

// ReopenConversation moves a conversation back to open.
func (s *Store) ReopenConversation(ctx context.Context, a chat.Actor, id int64) (*chat.Conversation, error) {
	return s.setStatus(ctx, a, id, chat.StatusOpen)
}

func (s *Store) setStatus(ctx context.Context, a chat.Actor, id int64, to chat.Status) (*chat.Conversation, error) {
	if err := chat.CanChangeStatus(a); err != nil {
		return nil, err
	}
	var c *chat.Conversation
	err := s.write(ctx, func(tx *Tx) error {
		r, err := visibleConversation(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if r.Status != to {
			if err := tx.changeStatus(ctx, a, r.ID, to); err != nil {
				return err
			}
		}
		c, err = tx.answer(ctx, a, id)
		return err
	})
	return c, err
}

// answer reads a conversation for the actor inside a write transaction, so
// the reply is built before commit: a read failing after commit would tell
// the client that nothing was written when it was.
func (tx *Tx) answer(ctx context.Context, a chat.Actor, id int64) (*chat.Conversation, error) {
	r, err := visibleConversation(ctx, tx, a, id)
	if err != nil {
		return nil, err
	}
	return complete(ctx, tx, a, r)
}

// changeStatus flips a conversation's status, writes the system note and
// appends the event.
func (tx *Tx) changeStatus(ctx context.Context, a chat.Actor, convID int64, to chat.Status) error {
	var closedAt any
	typ, system := chat.EventConversationReopened, chat.NoteReopened
	if to == chat.StatusClosed {
		closedAt = ms(tx.now)
		typ, system = chat.EventConversationClosed, chat.NoteClosed
	}
	text := chat.StatusNote(a, to)
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET status = ?, closed_at = ? WHERE id = ?`, string(to), closedAt, convID); err != nil {
		return err
	}
	if _, err := tx.insertMessage(ctx, chat.Actor{Kind: chat.KindSystem}, convID, text, note{code: system, params: chat.StatusParams(a, to), actor: a}, ""); err != nil {
		return err
	}
	c, err := tx.conversationSnapshot(ctx, convID)
	if err != nil {
		return err
	}
	// The customer receives this event too.
	return tx.appendEvent(ctx, &chat.Event{Type: typ, Scope: chat.ScopeConversation, ConversationID: convID}, c.ForCustomer())
}

// conversationSnapshot is the conversation as event data: everything but
// the per-user unread count.
func (tx *Tx) conversationSnapshot(ctx context.Context, id int64) (*chat.Conversation, error) {
	r, err := scanConversation(tx.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations c WHERE c.id = ?`, id))
	if err != nil {
		return nil, err
	}
	return complete(ctx, tx, chat.Actor{}, r)
}

// AddParticipant adds a user to a conversation.
func (s *Store) AddParticipant(ctx context.Context, a chat.Actor, conversationID, userID int64) (*chat.Conversation, error) {
	if err := chat.CanAddParticipant(a); err != nil {
		return nil, err
	}
	var c *chat.Conversation
	err := s.write(ctx, func(tx *Tx) error {
		if _, err := visibleConversation(ctx, tx, a, conversationID); err != nil {
			return err
		}
		if _, err := tx.ensureParticipant(ctx, conversationID, userID); err != nil {
			return err
		}
		var err error
		c, err = tx.answer(ctx, a, conversationID)
		return err
	})
	return c, err
}

// ensureParticipant adds a user if missing and appends the event; it
// reports whether they were added.
func (tx *Tx) ensureParticipant(ctx context.Context, convID, userID int64) (bool, error) {
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM participants WHERE conversation_id = ? AND user_id = ?)`,
		convID, userID).Scan(&exists); err != nil || exists {
		return false, err
	}
	if err := addParticipant(ctx, tx, convID, userID); err != nil {
		return false, err
	}
	c, err := tx.conversationSnapshot(ctx, convID)
	if err != nil {
		return false, err
	}
	data := &chat.ParticipantAdded{Conversation: c, UserID: userID}
	return true, tx.appendEvent(ctx, &chat.Event{Type: chat.EventParticipantAdded, Scope: chat.ScopeConversationTeam, ConversationID: convID}, data)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ConversationAudience returns a conversation's customer and members.
func (s *Store) ConversationAudience(ctx context.Context, a chat.Actor, id int64) (int64, []int64, error) {
	if _, err := visibleConversation(ctx, s.rdb, a, id); err != nil {
		return 0, nil, err
	}
	ev := &chat.Event{Scope: chat.ScopeConversation, ConversationID: id}
	if err := audience(ctx, s.rdb, ev); err != nil {
		return 0, nil, dbErr(err)
	}
	return ev.CustomerID, ev.Participants, nil
}
