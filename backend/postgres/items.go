package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/storesql"
)

func findItemRef(ctx context.Context, q queryer, number int64) (*chat.ItemRef, error) {
	var r chat.ItemRef
	err := q.QueryRowContext(ctx, `SELECT id, type, title, status FROM items WHERE id = ?`, number).
		Scan(&r.Number, &r.Type, &r.Title, &r.Status)
	if err == sql.ErrNoRows {
		return nil, chat.ItemNotFound(number)
	}
	return &r, dbErr(err)
}

// loadItem reads an item with its people and the linked conversations a
// may see (a zero actor sees all, for event data).
// itemEvent is an item as team-wide event data: the linked conversations
// by id only (whether they are visible differs per user) and the requester
// without profile (loadItem with the zero actor).
func itemEvent(ctx context.Context, q queryer, number int64) (*chat.Item, error) {
	it, err := loadItem(ctx, q, chat.Actor{}, number)
	if err != nil {
		return nil, err
	}
	for i, c := range it.Conversations {
		it.Conversations[i] = chat.ConversationRef{ID: c.ID, Kind: c.Kind}
	}
	return it, nil
}

func loadItem(ctx context.Context, q queryer, a chat.Actor, number int64) (*chat.Item, error) {
	var it chat.Item
	var requester sql.NullInt64
	var created, updated int64
	err := q.QueryRowContext(ctx, `SELECT i.id, i.type, i.title, i.description, i.status, i.priority, i.requester_id,
		i.creator_id, u.name, i.created_at, i.updated_at FROM items i JOIN users u ON u.id = i.creator_id WHERE i.id = ?`, number).
		Scan(&it.Number, &it.Type, &it.Title, &it.Description, &it.Status, &it.Priority, &requester,
			&it.Creator.ID, &it.Creator.Name, &created, &updated)
	if err == sql.ErrNoRows {
		return nil, chat.ItemNotFound(number)
	} else if err != nil {
		return nil, dbErr(err)
	}
	it.CreatedAt, it.UpdatedAt = fromMS(created), fromMS(updated)
	if requester.Valid {
		if it.Requester, err = findCustomer(ctx, q, requester.Int64); err != nil {
			return nil, err
		}
		// The requester's profile is for those who may see the customer;
		// everyone else on the team sees who it is, not their details.
		if a.Kind == "" || canSeeCustomer(ctx, q, a, requester.Int64) != nil {
			it.Requester = &chat.Customer{ID: it.Requester.ID, Name: it.Requester.Name}
		}
	}
	it.Assignees, it.Followers = []chat.Person{}, []chat.Person{}
	rows, err := q.QueryContext(ctx, `SELECT ip.role, u.id, u.name FROM item_people ip JOIN users u ON u.id = ip.user_id
		WHERE ip.item_id = ? AND ip.role <> 'creator' ORDER BY lower(u.name) COLLATE "C", u.id`, number)
	if err != nil {
		return nil, dbErr(err)
	}
	for rows.Next() {
		var role chat.ItemRole
		var p chat.Person
		if err := rows.Scan(&role, &p.ID, &p.Name); err != nil {
			rows.Close()
			return nil, dbErr(err)
		}
		if role == chat.RoleAssignee {
			it.Assignees = append(it.Assignees, p)
		} else {
			it.Followers = append(it.Followers, p)
		}
	}
	rows.Close()
	query := `SELECT c.id, c.kind, c.status, COALESCE(cu.name, ''), c.last_activity_at FROM conversations c
		LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.item_id = :item`
	args := []any{sql.Named("item", number)}
	if a.Kind != "" {
		query += ` AND ` + conversationVisible
		args = append(args, visibilityArgs(a)...)
	}
	rows, err = q.QueryContext(ctx, query+` ORDER BY c.last_activity_at DESC, c.id DESC`, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	it.Conversations = []chat.ConversationRef{}
	for rows.Next() {
		var r chat.ConversationRef
		var at int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.Status, &r.CustomerName, &at); err != nil {
			return nil, dbErr(err)
		}
		r.LastActivityAt = fromMS(at)
		it.Conversations = append(it.Conversations, r)
	}
	return &it, dbErr(rows.Err())
}

// ProposeItem suggests an item from a conversation.
func (s *Store) ProposeItem(ctx context.Context, a chat.Actor, convID int64, typ chat.ItemType) (*chat.NewItem, error) {
	if err := chat.CanUseItems(a); err != nil {
		return nil, err
	}
	typ, err := chat.CheckItemType(typ)
	if err != nil {
		return nil, err
	}
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	conv, err := visibleConversation(ctx, tx, a, convID)
	if err != nil {
		return nil, err
	}
	// What the summary counts: the messages by people, oldest first.
	rows, err := tx.QueryContext(ctx, messageSelect+` WHERE m.conversation_id = ? AND m.system IS NULL
		AND m.deleted_at IS NULL ORDER BY m.id`, convID)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	var msgs []*chat.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, dbErr(err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	// The description says where the item comes from; the conversation
	// stays linked, so no word of it is copied (an edit, a delete or an
	// erasure there leaves nothing behind in the item).
	return chat.ProposeItem(&conv.Conversation, msgs, typ), nil
}

// followTitle returns the title to store for an item made from conv with
// the given title, and the message it follows (0: none, the team's own).
// The title proposed now follows its message. A title proposed from a text
// the conversation no longer holds (a message deleted or edited since, its
// audit remembers) is replaced by the one proposed now: a proposal taken
// before an edit or a delete cannot bring the earlier text back.
func (tx *Tx) followTitle(ctx context.Context, conv *conversationRow, title string) (string, int64, error) {
	id, now, err := titleSource(ctx, tx, conv)
	if err != nil {
		return "", 0, err
	}
	if title == now {
		return title, id, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.old_text FROM message_audit a JOIN messages m ON m.id = a.message_id
		WHERE m.conversation_id = ?`, conv.ID)
	if err != nil {
		return "", 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var old string
		if err := rows.Scan(&old); err != nil {
			return "", 0, err
		}
		if t := chat.ProposedTitle(old); t != "" && t == title {
			return now, id, nil
		}
	}
	return title, 0, rows.Err()
}

// titleSource finds the message a title is proposed from: the
// conversation's first message by the customer (by anyone, in a team
// conversation), and the title proposed from it ("Conversation N" when there
// is none).
func titleSource(ctx context.Context, q queryer, conv *conversationRow) (int64, string, error) {
	var id int64
	var text string
	err := q.QueryRowContext(ctx, `SELECT id, text FROM messages WHERE conversation_id = ? AND system IS NULL AND deleted_at IS NULL
		AND (author_kind = 'customer' OR ?) ORDER BY id LIMIT 1`, conv.ID, conv.Kind == chat.ConversationTeam).Scan(&id, &text)
	if err != nil && err != sql.ErrNoRows {
		return 0, "", err
	}
	title := chat.ProposedTitle(text)
	if title == "" {
		return 0, fmt.Sprintf("Conversation %d", conv.ID), nil
	}
	return id, title, nil
}

// CreateItem creates a ticket or task, linking the conversation if given.
func (s *Store) CreateItem(ctx context.Context, a chat.Actor, ni chat.NewItem) (*chat.Item, error) {
	if err := chat.CanUseItems(a); err != nil {
		return nil, err
	}
	if err := chat.CheckNewItem(&ni); err != nil {
		return nil, err
	}
	var number int64
	var answer *chat.Item
	err := s.write(ctx, func(tx *Tx) error {
		// Made already under this client id (an outbox sending again):
		// the first answer, nothing changed.
		if ni.ClientID != "" {
			made, ok, err := storesql.ItemByClientID(ctx, tx, a.ID, ni.ClientID)
			if err != nil {
				return err
			}
			if ok {
				answer, err = loadItem(ctx, tx, a, made)
				return err
			}
		}
		if ni.RequesterID != 0 {
			if err := canSeeCustomer(ctx, tx, a, ni.RequesterID); err != nil {
				return chat.NotACustomer(ni.RequesterID)
			}
		}
		title, titleFrom := ni.Title, int64(0)
		if ni.ConversationID != 0 {
			conv, err := visibleConversation(ctx, tx, a, ni.ConversationID)
			if err != nil {
				return err
			}
			if err := chat.CanLinkTo(&conv.Conversation); err != nil {
				return err
			}
			// A title proposed from the conversation keeps following its
			// message (until the team writes its own); one proposed from a
			// text edited or deleted since is the text as it is now.
			if title, titleFrom, err = tx.followTitle(ctx, conv, ni.Title); err != nil {
				return err
			}
		}
		// The conversation it is made from is its source for good.
		err := tx.QueryRowContext(ctx, `INSERT INTO items (type, title, description, status, priority, requester_id, creator_id, created_at, updated_at,
			source_conversation_id, title_message_id, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, string(ni.Type), title, ni.Description, string(ni.Status),
			string(ni.Priority), nullID(ni.RequesterID), a.ID, ms(tx.now), ms(tx.now), nullID(ni.ConversationID), nullID(titleFrom), nullString(ni.ClientID)).Scan(&number)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_people (item_id, user_id, role) VALUES (?, ?, 'creator')`, number, a.ID); err != nil {
			return err
		}
		for _, p := range []struct {
			ids  []int64
			role chat.ItemRole
		}{{ni.AssigneeIDs, chat.RoleAssignee}, {ni.FollowerIDs, chat.RoleFollower}} {
			for _, id := range p.ids {
				if err := tx.addItemPerson(ctx, number, id, p.role); err != nil {
					return err
				}
			}
		}
		it, err := itemEvent(ctx, tx, number)
		if err != nil {
			return err
		}
		if err := tx.appendEvent(ctx, &chat.Event{Type: chat.EventItemCreated, Scope: chat.ScopeTeam}, it); err != nil {
			return err
		}
		if ni.ConversationID != 0 {
			if err := tx.link(ctx, a, ni.ConversationID, number); err != nil {
				return err
			}
		}
		answer, err = loadItem(ctx, tx, a, number)
		return err
	})
	return answer, err
}

func (tx *Tx) addItemPerson(ctx context.Context, number, userID int64, role chat.ItemRole) error {
	if err := requireActiveUser(ctx, tx, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO item_people (item_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		number, userID, string(role))
	return err
}

// FindItemByNumber returns an item's details.
func (s *Store) FindItemByNumber(ctx context.Context, a chat.Actor, number int64) (*chat.Item, error) {
	if err := chat.CanUseItems(a); err != nil {
		return nil, err
	}
	return loadItem(ctx, s.rdb, a, number)
}

// FindItems finds items by number or title words.
func (s *Store) FindItems(ctx context.Context, a chat.Actor, query string, limit int) ([]*chat.ItemRef, error) {
	if err := chat.CanUseItems(a); err != nil {
		return nil, err
	}
	out := []*chat.ItemRef{}
	if n, ok := chat.ItemNumberQuery(query); ok {
		if r, err := findItemRef(ctx, s.rdb, n); err == nil {
			out = append(out, r)
		} else if chat.ErrorCode(err) != chat.ENotFound {
			return nil, err
		}
	}
	words, err := chat.SearchWords(query)
	if err != nil {
		if len(out) > 0 {
			return out, nil
		}
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT i.id, i.type, i.title, i.status FROM items i, to_tsquery('deskchat'::regconfig, ?) q
		WHERE i.search @@ q ORDER BY ts_rank(i.search, q) DESC, i.id DESC LIMIT ?`, tsQuery(words), chat.PageLimit(limit))
	if err != nil {
		return nil, dbErr(err)
	}
	refs, err := scanItemRefs(rows)
	if err != nil {
		return nil, dbErr(err)
	}
	for _, r := range refs {
		if len(out) == 0 || out[0].Number != r.Number {
			out = append(out, &r)
		}
	}
	return out, nil
}

// scanItemRefs reads (id, type, title, status) rows and closes them.
func scanItemRefs(rows *sql.Rows) ([]chat.ItemRef, error) {
	defer rows.Close()
	out := []chat.ItemRef{}
	for rows.Next() {
		var r chat.ItemRef
		if err := rows.Scan(&r.Number, &r.Type, &r.Title, &r.Status); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UpdateItem changes an item's fields.
func (s *Store) UpdateItem(ctx context.Context, a chat.Actor, number int64, upd chat.ItemUpdate) (*chat.Item, error) {
	if err := chat.CanUseItems(a); err != nil {
		return nil, err
	}
	if err := chat.CheckItemUpdate(&upd); err != nil {
		return nil, err
	}
	var answer *chat.Item
	err := s.write(ctx, func(tx *Tx) error {
		it, err := loadItem(ctx, tx, chat.Actor{}, number)
		if err != nil {
			return err
		}
		if upd.Title != nil && *upd.Title != it.Title {
			it.Title = *upd.Title
			// The team's own title: it follows no message any more.
			if _, err := tx.ExecContext(ctx, `UPDATE items SET title_message_id = NULL WHERE id = ?`, number); err != nil {
				return err
			}
		}
		if upd.Description != nil {
			it.Description = *upd.Description
		}
		if upd.Status != nil {
			it.Status = *upd.Status
		}
		if upd.Priority != nil {
			it.Priority = *upd.Priority
		}
		requester := int64(0)
		if it.Requester != nil {
			requester = it.Requester.ID
		}
		if upd.RequesterID != nil {
			requester = *upd.RequesterID
			if err := chat.CheckRequester(it.Type, requester); err != nil {
				return err
			}
			if requester != 0 {
				if err := canSeeCustomer(ctx, tx, a, requester); err != nil {
					return chat.NotACustomer(requester)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET title = ?, description = ?, status = ?, priority = ?, requester_id = ?,
			updated_at = ? WHERE id = ?`, it.Title, it.Description, string(it.Status), string(it.Priority), nullID(requester),
			ms(tx.now), number); err != nil {
			return err
		}
		if err := tx.itemChanged(ctx, number, false); err != nil {
			return err
		}
		answer, err = loadItem(ctx, tx, a, number)
		return err
	})
	return answer, err
}

// itemChanged publishes item.updated, and conversation.updated for every
// linked conversation when the item's people changed (the conversations'
// audience changed with them).
func (tx *Tx) itemChanged(ctx context.Context, number int64, peopleChanged bool) error {
	it, err := itemEvent(ctx, tx, number)
	if err != nil {
		return err
	}
	if err := tx.appendEvent(ctx, &chat.Event{Type: chat.EventItemUpdated, Scope: chat.ScopeTeam}, it); err != nil {
		return err
	}
	if !peopleChanged {
		return nil
	}
	for _, c := range it.Conversations {
		if err := tx.conversationUpdated(ctx, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// conversationUpdated publishes the conversation to its (new) team audience.
func (tx *Tx) conversationUpdated(ctx context.Context, convID int64) error {
	c, err := tx.conversationSnapshot(ctx, convID)
	if err != nil {
		return err
	}
	return tx.appendEvent(ctx, &chat.Event{Type: chat.EventConversationUpdated, Scope: chat.ScopeConversationTeam, ConversationID: convID}, c)
}

// SetItemRole assigns/unassigns or follows/unfollows.
func (s *Store) SetItemRole(ctx context.Context, a chat.Actor, number, userID int64, role chat.ItemRole, on bool) (*chat.Item, error) {
	if err := chat.CanUseItems(a); err != nil {
		return nil, err
	}
	if err := chat.CheckItemRole(role); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *Tx) error {
		if _, err := findItemRef(ctx, tx, number); err != nil {
			return err
		}
		var res sql.Result
		var err error
		if on {
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM item_people WHERE item_id = ? AND user_id = ? AND role = ?)`,
				number, userID, string(role)).Scan(&exists); err != nil || exists {
				return err
			}
			if err := tx.addItemPerson(ctx, number, userID, role); err != nil {
				return err
			}
		} else {
			if res, err = tx.ExecContext(ctx, `DELETE FROM item_people WHERE item_id = ? AND user_id = ? AND role = ?`,
				number, userID, string(role)); err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET updated_at = ? WHERE id = ?`, ms(tx.now), number); err != nil {
			return err
		}
		return tx.itemChanged(ctx, number, true)
	})
	if err != nil {
		return nil, err
	}
	return s.FindItemByNumber(ctx, a, number)
}

// LinkConversation links (number > 0) or unlinks (0) a conversation.
func (s *Store) LinkConversation(ctx context.Context, a chat.Actor, convID, number int64) (*chat.Conversation, error) {
	if err := chat.CanUseItems(a); err != nil {
		return nil, err
	}
	if err := chat.CheckLinkNumber(number); err != nil {
		return nil, err
	}
	var c *chat.Conversation
	err := s.write(ctx, func(tx *Tx) error {
		conv, err := visibleConversation(ctx, tx, a, convID)
		if err != nil {
			return err
		}
		if number != 0 {
			if err := chat.CanLinkTo(&conv.Conversation); err != nil {
				return err
			}
		}
		if err := tx.link(ctx, a, convID, number); err != nil {
			return err
		}
		c, err = tx.answer(ctx, a, convID)
		if chat.ErrorCode(err) == chat.ENotFound {
			// The caller saw it only through the old item: the change
			// stands, and they no longer see the conversation.
			c, err = nil, nil
		}
		return err
	})
	return c, err
}

// link sets a conversation's item, notes it internally and publishes the
// conversation to its new audience and both items to the team.
func (tx *Tx) link(ctx context.Context, a chat.Actor, convID, number int64) error {
	var old int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(item_id, 0) FROM conversations WHERE id = ?`, convID).Scan(&old); err != nil {
		return err
	}
	if old == number {
		return nil
	}
	var ref *chat.ItemRef
	if number != 0 {
		var err error
		if ref, err = findItemRef(ctx, tx, number); err != nil {
			return err
		}
	}
	text := chat.LinkNote(a, ref, old)
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET item_id = ? WHERE id = ?`, nullID(number), convID); err != nil {
		return err
	}
	code := chat.NoteLinked
	if number == 0 {
		code = chat.NoteUnlinked
	}
	if _, err := tx.insertMessage(ctx, chat.Actor{Kind: chat.KindSystem}, convID, text, note{code: code, params: chat.LinkParams(a, ref, old), internal: true, actor: a}, ""); err != nil {
		return err
	}
	if err := tx.conversationUpdated(ctx, convID); err != nil {
		return err
	}
	for _, n := range []int64{old, number} {
		if n != 0 {
			if err := tx.itemChanged(ctx, n, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// SectionCounts counts conversations with unread messages per section and
// status.
func (s *Store) SectionCounts(ctx context.Context, a chat.Actor) (*chat.SectionCounts, error) {
	if err := chat.CanCountUnread(a); err != nil {
		return nil, err
	}
	args := append(visibilityArgs(a), sql.Named("uid", a.ID))
	rows, err := s.rdb.QueryContext(ctx, `SELECT c.status, c.customer_id IS NOT NULL, `+memberOf+` FROM conversations c
		LEFT JOIN read_state r ON r.user_id = :aid AND r.conversation_id = c.id
		WHERE `+conversationVisible+` AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id
			AND m.id > COALESCE(r.last_read_message_id, 0) AND m.author_kind <> 'system' AND m.deleted_at IS NULL
			AND NOT (m.author_kind = 'user' AND m.author_id = :aid))`, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := &chat.SectionCounts{}
	if chat.CanSeeFromCustomers(a) == nil {
		out.Customers = &chat.StatusCounts{}
	}
	for rows.Next() {
		var status chat.Status
		var customer, mine bool
		if err := rows.Scan(&status, &customer, &mine); err != nil {
			return nil, dbErr(err)
		}
		out.Count(status, customer, mine)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	if out.Customers != nil {
		out.Assignment = &chat.AssignmentCounts{}
		if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE assignee_id IS NULL), COUNT(*) FILTER (WHERE assignee_id = ?)
			FROM conversations WHERE status = 'open' AND customer_id IS NOT NULL`, a.ID).Scan(
			&out.Assignment.Unassigned, &out.Assignment.AssignedToMe); err != nil {
			return nil, dbErr(err)
		}
	}
	return out, nil
}
