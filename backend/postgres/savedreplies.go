package postgres

import (
	"context"
	"database/sql"

	"github.com/deskchat/deskchat/backend/chat"
)

const savedReplyColumns = `id, owner_id, shortcut, title, text, created_at, updated_at`

func scanSavedReply(row interface{ Scan(...any) error }) (*chat.SavedReply, error) {
	var r chat.SavedReply
	var created, updated int64
	if err := row.Scan(&r.ID, &r.OwnerID, &r.Shortcut, &r.Title, &r.Text, &created, &updated); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return &r, nil
}

// ListSavedReplies returns the team's and the actor's own.
func (s *Store) ListSavedReplies(ctx context.Context, a chat.Actor) ([]*chat.SavedReply, error) {
	if err := chat.CanUseSavedReplies(a); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+savedReplyColumns+` FROM saved_replies
		WHERE owner_id IN (0, ?) ORDER BY shortcut COLLATE "C", owner_id, id`, a.ID)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []*chat.SavedReply{}
	for rows.Next() {
		r, err := scanSavedReply(rows)
		if err != nil {
			return nil, dbErr(err)
		}
		out = append(out, r)
	}
	return out, dbErr(rows.Err())
}

// CreateSavedReply adds a saved reply.
func (s *Store) CreateSavedReply(ctx context.Context, a chat.Actor, n chat.NewSavedReply) (*chat.SavedReply, error) {
	owner, err := chat.CheckNewSavedReply(a, &n)
	if err != nil {
		return nil, err
	}
	var r *chat.SavedReply
	err = s.write(ctx, func(tx *Tx) error {
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM saved_replies WHERE owner_id = ?`, owner).Scan(&count); err != nil {
			return err
		}
		if count >= chat.MaxSavedReplies {
			return chat.TooManySavedReplies()
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO saved_replies (owner_id, shortcut, title, text, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner_id, shortcut) DO NOTHING RETURNING id`,
			owner, n.Shortcut, n.Title, n.Text, ms(tx.now), ms(tx.now)).Scan(&id)
		if err == sql.ErrNoRows {
			return chat.ShortcutTaken(n.Shortcut)
		} else if err != nil {
			return err
		}
		if r, err = scanSavedReply(tx.QueryRowContext(ctx, `SELECT `+savedReplyColumns+` FROM saved_replies WHERE id = ?`, id)); err != nil {
			return err
		}
		return tx.appendEvent(ctx, chat.SavedReplyEvent(chat.EventSavedReplyUpdated, r), r)
	})
	return r, err
}

// savedReplyFor loads a saved reply the actor may manage.
func savedReplyFor(ctx context.Context, tx *Tx, a chat.Actor, id int64) (*chat.SavedReply, error) {
	if err := chat.CanUseSavedReplies(a); err != nil {
		return nil, err
	}
	r, err := scanSavedReply(tx.QueryRowContext(ctx, `SELECT `+savedReplyColumns+` FROM saved_replies WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, chat.SavedReplyNotFound(id)
	} else if err != nil {
		return nil, err
	}
	return r, chat.CanManageSavedReply(a, id, r.OwnerID)
}

// UpdateSavedReply changes a saved reply.
func (s *Store) UpdateSavedReply(ctx context.Context, a chat.Actor, id int64, upd chat.SavedReplyUpdate) (*chat.SavedReply, error) {
	var r *chat.SavedReply
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		if r, err = savedReplyFor(ctx, tx, a, id); err != nil {
			return err
		}
		changed, err := r.Apply(upd)
		if err != nil || !changed {
			return err // nothing to change is no change (no event)
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM saved_replies WHERE owner_id = ? AND shortcut = ? AND id <> ?)`,
			r.OwnerID, r.Shortcut, id).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return chat.ShortcutTaken(r.Shortcut)
		}
		r.UpdatedAt = tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE saved_replies SET shortcut = ?, title = ?, text = ?, updated_at = ? WHERE id = ?`,
			r.Shortcut, r.Title, r.Text, ms(tx.now), id); err != nil {
			return err
		}
		r.UpdatedAt = fromMS(ms(tx.now))
		if err := tx.forgetSavedReply(ctx, r); err != nil {
			return err
		}
		return tx.appendEvent(ctx, chat.SavedReplyEvent(chat.EventSavedReplyUpdated, r), r)
	})
	return r, err
}

// DeleteSavedReply removes a saved reply.
func (s *Store) DeleteSavedReply(ctx context.Context, a chat.Actor, id int64) error {
	return s.write(ctx, func(tx *Tx) error {
		r, err := savedReplyFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM saved_replies WHERE id = ?`, id); err != nil {
			return err
		}
		if err := tx.forgetSavedReply(ctx, r); err != nil {
			return err
		}
		return tx.appendEvent(ctx, chat.SavedReplyEvent(chat.EventSavedReplyDeleted, r), &chat.SavedReply{ID: r.ID, OwnerID: r.OwnerID,
			CreatedAt: r.CreatedAt, UpdatedAt: tx.now})
	})
}

// forgetSavedReply empties the earlier events of a saved reply to its id
// and owner before an update or delete is appended: the log keeps no
// earlier text (what was unsaid stays unsaid), and a client replaying it
// skips an emptied event (the newer one follows).
func (tx *Tx) forgetSavedReply(ctx context.Context, r *chat.SavedReply) error {
	_, err := tx.ExecContext(ctx, `UPDATE events SET data = ? WHERE type IN ('saved_reply.updated', 'saved_reply.deleted')
		AND (data::jsonb->>'id')::bigint = ?`, string(marshal(&chat.SavedReply{ID: r.ID, OwnerID: r.OwnerID, CreatedAt: tx.now, UpdatedAt: tx.now})), r.ID)
	return err
}
