package postgres

import (
	"context"
	"fmt"

	"github.com/deskchat/deskchat/backend/chat"
)

// textChanged keeps an edited or deleted message's earlier text out of
// every copy: the stored events carrying it are stripped (read from then on
// with the current text), and an item whose title was proposed from it (and
// not rewritten by the team) takes the title proposed from the new text, or
// "Conversation N" when nothing is left.
func (tx *Tx) textChanged(ctx context.Context, m *chat.Message) error {
	if err := tx.strip(ctx, `message_id = ?`, m.ID); err != nil {
		return err
	}
	return tx.retitle(ctx, `i.title_message_id = ?`, m.ID)
}

// retitle gives the items whose title message matches where (over items i
// and their title message m) the title proposed from that message's text
// now, "Conversation N" when nothing is left of it, strips their stored
// events (the old title goes from every copy, linked conversations'
// references included) and appends item.updated.
func (tx *Tx) retitle(ctx context.Context, where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.title, m.text, m.conversation_id FROM items i JOIN messages m ON m.id = i.title_message_id
		WHERE `+where, args...)
	if err != nil {
		return err
	}
	type retitled struct {
		n     int64
		title string
	}
	var todo []retitled
	for rows.Next() {
		var n, conv int64
		var title, text string
		if err := rows.Scan(&n, &title, &text, &conv); err != nil {
			rows.Close()
			return err
		}
		t := chat.ProposedTitle(text)
		if t == "" {
			t = fmt.Sprintf("Conversation %d", conv)
		}
		if t != title {
			todo = append(todo, retitled{n, t})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range todo {
		n := r.n
		if _, err := tx.ExecContext(ctx, `UPDATE items SET title = ?, updated_at = ? WHERE id = ?`, r.title, ms(tx.now), n); err != nil {
			return err
		}
		if err := tx.strip(ctx, `item_id = ?`, n); err != nil {
			return err
		}
		if err := tx.itemChanged(ctx, n, false); err != nil {
			return err
		}
	}
	return nil
}
