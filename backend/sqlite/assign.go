package sqlite

import (
	"context"
	"database/sql"

	"github.com/deskchat/deskchat/backend/chat"
)

// AssignConversation assigns or unassigns; see chat.AssignmentStore.
func (s *Store) AssignConversation(ctx context.Context, a chat.Actor, convID, userID int64) (*chat.Conversation, error) {
	if userID < 0 {
		return nil, chat.Errorf(chat.EInvalid, "user_id must not be negative.")
	}
	var c *chat.Conversation
	err := s.write(ctx, func(tx *Tx) error {
		r, err := visibleConversation(ctx, tx, a, convID)
		if err != nil {
			return err
		}
		if err := chat.CanAssign(a, &r.Conversation); err != nil {
			return err
		}
		if err := tx.assign(ctx, a, r, userID, nil); err != nil {
			return err
		}
		c, err = tx.answer(ctx, a, convID)
		return err
	})
	return c, err
}

// assign moves conversation r to userID (0: nobody): the assignee joins,
// an internal note records who did it (chat.AssignNote, or ReleaseNote
// when released says why deskchat gave it back to the queue),
// conversation.updated reaches the team. Assigning to the current assignee
// changes nothing.
func (tx *Tx) assign(ctx context.Context, by chat.Actor, r *conversationRow, userID int64, released *chat.ReleaseReason) error {
	if r.assigneeID == userID {
		return nil
	}
	var to, from *chat.Person
	if userID != 0 {
		u, err := findUser(ctx, tx, userID)
		if chat.ErrorCode(err) == chat.ENotFound {
			u, err = nil, nil
		}
		if err != nil {
			return err
		}
		if err := chat.CanBeAssigned(userID, u); err != nil {
			return err
		}
		to = &chat.Person{ID: u.ID, Name: u.Name}
	}
	if r.assigneeID != 0 {
		from = &chat.Person{ID: r.assigneeID}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, r.assigneeID).Scan(&from.Name); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET assignee_id = ? WHERE id = ?`, nullID(userID), r.ID); err != nil {
		return err
	}
	if to != nil {
		if err := addParticipant(ctx, tx, r.ID, to.ID); err != nil {
			return err
		}
	}
	// The note mentions a new assignee (not one who took it themself):
	// their desktop notifies them.
	var mentions []int64
	if to != nil && !(by.IsUser() && by.ID == to.ID) {
		mentions = []int64{to.ID}
	}
	text, params := chat.AssignNote(by, to, from), chat.AssignParams(by, to, from)
	if released != nil && from != nil {
		text, params = chat.ReleaseNote(from, *released), chat.ReleaseParams(from, *released)
	}
	if _, err := tx.insertMessage(ctx, chat.Actor{Kind: chat.KindSystem}, r.ID, text,
		note{code: chat.NoteAssigned, params: params, internal: true, actor: by, mentions: mentions}, ""); err != nil {
		return err
	}
	r.assigneeID = userID
	return tx.conversationUpdated(ctx, r.ID)
}

// onlineSet is the set of online user ids in SQL; its argument is
// onlineArg.
const onlineSet = `(SELECT value FROM json_each(?))`

func onlineArg(ids []int64) any { return string(marshal(ids)) }

// AutoAssign hands waiting conversations to online agents; see
// chat.AssignmentStore.
func (s *Store) AutoAssign(ctx context.Context, online []int64) (int, error) {
	st, err := loadSettings(ctx, s.rdb)
	if err != nil || !st.AutoAssign || len(online) == 0 {
		return 0, err
	}
	// Read first: nothing waiting, or every online agent full, is the
	// usual answer, and needs no write.
	var waiting, free bool
	if err := s.rdb.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conversations
		WHERE assignee_id IS NULL AND status = 'open' AND customer_id IS NOT NULL)`).Scan(&waiting); err != nil || !waiting {
		return 0, dbErr(err)
	}
	if err := s.rdb.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users u WHERE u.active AND u.support AND u.id IN `+onlineSet+`
		AND (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = u.id AND c.status = 'open') < ?)`,
		onlineArg(online), st.AssignCapacity).Scan(&free); err != nil || !free {
		return 0, dbErr(err)
	}
	n := 0
	err = s.write(ctx, func(tx *Tx) error {
		n = 0
		st, err := loadSettings(ctx, tx)
		if err != nil || !st.AutoAssign {
			return err
		}
		agents, err := int64s(ctx, tx, `SELECT id FROM users WHERE active AND support
			AND id IN `+onlineSet+` ORDER BY id`, onlineArg(online))
		if err != nil || len(agents) == 0 {
			return err
		}
		load := map[int64]int{}
		rows, err := tx.QueryContext(ctx, `SELECT assignee_id, COUNT(*) FROM conversations
			WHERE assignee_id IS NOT NULL AND status = 'open' GROUP BY assignee_id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var c int
			if err := rows.Scan(&id, &c); err != nil {
				rows.Close()
				return err
			}
			load[id] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'last_auto_assignee'), 0)`).Scan(&last); err != nil {
			return err
		}
		waiting, err := int64s(ctx, tx, `SELECT id FROM conversations WHERE assignee_id IS NULL AND status = 'open'
			AND customer_id IS NOT NULL ORDER BY created_at, id`)
		if err != nil {
			return err
		}
		for _, convID := range waiting {
			agent, ok := chat.AutoAssignPick(agents, load, st.AssignCapacity, last)
			if !ok {
				break
			}
			r, err := scanConversation(tx.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations c WHERE c.id = ?`, convID))
			if err != nil {
				return err
			}
			if err := tx.assign(ctx, chat.Actor{Kind: chat.KindSystem}, r, agent, nil); err != nil {
				return err
			}
			load[agent]++
			last = agent
			n++
		}
		if n == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('last_auto_assignee', ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, last, ms(tx.now))
		return err
	})
	return n, err
}

// Assignees returns the assignees of open conversations.
func (s *Store) Assignees(ctx context.Context) ([]int64, error) {
	ids, err := int64s(ctx, s.rdb, `SELECT DISTINCT assignee_id FROM conversations
		WHERE assignee_id IS NOT NULL AND status = 'open' ORDER BY assignee_id`)
	return ids, dbErr(err)
}

// ReleaseAssignments unassigns a user's open conversations.
func (s *Store) ReleaseAssignments(ctx context.Context, userID int64) (int, error) {
	n := 0
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.release(ctx, userID, chat.ReleaseOffline)
		return err
	})
	return n, err
}

// release gives a user's conversations back to the queue, each with a
// note saying why: the open ones of an assignee offline too long, all of
// one who is no longer an agent (a closed one could be reopened by its
// customer and must not land with them again).
func (tx *Tx) release(ctx context.Context, userID int64, why chat.ReleaseReason) (int, error) {
	ids, err := int64s(ctx, tx, `SELECT id FROM conversations WHERE assignee_id = ? AND (status = 'open' OR ?) ORDER BY id`,
		userID, why == chat.ReleaseNotAgent)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		r, err := scanConversation(tx.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations c WHERE c.id = ?`, id))
		if err == sql.ErrNoRows {
			continue
		} else if err != nil {
			return n, err
		}
		if err := tx.assign(ctx, chat.Actor{Kind: chat.KindSystem}, r, 0, &why); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
