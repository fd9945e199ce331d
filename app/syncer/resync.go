package syncer

import (
	"context"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// resync rebuilds the local history from the API when the event log can
// not be replayed from our cursor. The outbox is kept. It records the head
// it read before the snapshot, so events during the snapshot are replayed
// (idempotently) on the next connection; the whole replacement is one
// transaction.
func (e *Engine) resync(ctx context.Context) error {
	e.state(State{Phase: PhaseSyncing})
	st, err := e.Client.OpenStream(ctx, client.StreamOptions{}) // learn head and epoch
	if err != nil {
		return err
	}
	epoch, head := st.Welcome.Epoch, st.Welcome.Head
	st.Close()
	var convs []*chat.Conversation
	var msgs []*chat.Message
	cursor := ""
	for {
		page, err := e.Client.ListConversations(ctx, client.ConversationQuery{Cursor: cursor, Limit: chat.MaxPageSize})
		if err != nil {
			return err
		}
		convs = append(convs, page.Conversations...)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	items := map[int64]*chat.Item{}
	for _, c := range convs {
		history, err := e.Client.History(ctx, c.ID)
		if err != nil {
			return err
		}
		msgs = append(msgs, history...)
		if c.Item != nil && items[c.Item.Number] == nil {
			if it, err := e.Client.FindItemByNumber(ctx, c.Item.Number); err == nil {
				items[c.Item.Number] = it
			}
		}
	}
	users, err := e.Client.ListUsers(ctx)
	if err != nil {
		return err
	}
	itemList := make([]*chat.Item, 0, len(items))
	for _, it := range items {
		itemList = append(itemList, it)
	}
	settings, err := e.Client.Settings(ctx)
	if err != nil {
		return err
	}
	replies, err := e.Client.ListSavedReplies(ctx)
	if err != nil {
		return err
	}
	// A conversation that moved between list pages while we paged is
	// missed here; its next event arrives without a row and the engine
	// fetches it then (TakeNew).
	return e.Store.ReplaceWithSnapshot(ctx, convs, msgs, users, itemList, settings, replies, head, epoch)
}
