package localstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/fts"
)

// Apply applies a batch of events in order and records cursor and epoch in
// the same transaction, so a crash never leaves the cursor ahead of or
// behind the rows. Unknown event types are skipped.
func (s *Store) Apply(ctx context.Context, events []*chat.Event, cursor int64, epoch string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		b := &batch{store: s, tx: tx, activity: map[int64]int64{}}
		defer b.close()
		for _, ev := range events {
			if err := s.apply(ctx, b, ev); err != nil {
				return err
			}
		}
		if err := b.index(ctx); err != nil {
			return err
		}
		if err := b.flushActivity(ctx); err != nil {
			return err
		}
		if err := setMeta(ctx, tx, "cursor", strconv.FormatInt(cursor, 10)); err != nil {
			return err
		}
		return setMeta(ctx, tx, "epoch", epoch)
	})
	if err == nil && slices.ContainsFunc(events, redacts) {
		s.forgetKnownWords() // words of what went may be among them
		s.dropEarlierPages(ctx)
	}
	return err
}

// redacts reports an event after which earlier text must leave the file.
func redacts(ev *chat.Event) bool {
	switch ev.Type {
	case chat.EventMessageEdited, chat.EventMessageDeleted, chat.EventCustomerErased:
		return true
	}
	return false
}

// dropEarlierPages moves the WAL into the database and truncates it, in
// the background on a connection of its own with a short busy timeout (it
// never holds up the UI's reads or the next batch), so the page images that
// still held an earlier text are gone; secure_delete zeroed the freed pages
// already. It tries again while readers keep the WAL busy; one runs at a
// time, and Close waits for it.
func (s *Store) dropEarlierPages(ctx context.Context) {
	s.purgeFiles(ctx) // and the files of what went
	if !s.checkpointing.CompareAndSwap(false, true) {
		s.checkpointAgain.Store(true)
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.checkpointing.Store(false)
		db, err := sql.Open(driver, "file:"+s.path+"?_busy_timeout=200&_secure_delete=on")
		if err != nil {
			return
		}
		defer db.Close()
		for try := 0; try < 50; try++ {
			s.checkpointAgain.Store(false)
			var busy, logPages, done int
			err := db.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done)
			if err == nil && busy == 0 && !s.checkpointAgain.Load() {
				return
			}
			select {
			case <-s.closing:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
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

// batch is one Apply: its transaction, prepared statements (an initial
// sync applies tens of thousands of messages), the ids of new messages to
// index in one go, and the conversations' newest activity, written once per
// conversation at the end.
type batch struct {
	store    *Store
	tx       *sql.Tx
	insert   *sql.Stmt
	update   *sql.Stmt
	fresh    []int64
	terms    [][2]string // the fresh messages' words (fts.Terms)
	gen      string      // vocab_gen when vocabulary last wrote (vocab.go)
	learned  []string    // words written since, learned at commit
	learning bool
	activity map[int64]int64
}

// indexed counts text's words towards the vocabulary (index writes them).
func (b *batch) indexed(id int64, terms [][2]string) {
	b.fresh = append(b.fresh, id)
	b.terms = append(b.terms, terms...)
}

func (b *batch) close() {
	for _, st := range []*sql.Stmt{b.insert, b.update} {
		if st != nil {
			st.Close()
		}
	}
}

// message stores a message event. A created message that is already here
// is never newer than the stored one (events apply in order), so created
// means insert-if-absent; edited and deleted update (the update trigger
// re-indexes the text).
func (b *batch) message(ctx context.Context, typ string, m *chat.Message, raw []byte) error {
	if m.ID <= 0 || m.ID > maxMessageID {
		// The index keys a message by its id in the low idBits bits (0011).
		return chat.Errorf(chat.EInvalid, "Message id %d is out of the range this store keeps.", m.ID)
	}
	var err error
	if b.insert == nil {
		if b.insert, err = b.tx.PrepareContext(ctx, insertMessageSQL); err != nil {
			return err
		}
		if b.update, err = b.tx.PrepareContext(ctx, updateMessageSQL); err != nil {
			return err
		}
	}
	terms, words := fts.Terms(m.Text)
	args := []any{m.ID, m.ConversationID, string(m.Author.Kind), m.Author.ID, m.System, m.Text, m.DeletedAt != nil, string(raw), m.Internal, words}
	stmt := b.insert
	if typ != chat.EventMessageCreated {
		stmt = b.update
		// The update trigger removes the old text from the index: rows of
		// this batch must be in it first, or the external-content index
		// is corrupted (SQLite: "database disk image is malformed").
		if err := b.index(ctx); err != nil {
			return err
		}
	}
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 && typ != chat.EventMessageCreated {
		// An edit of a message we never saw (a replay that began after
		// it): store it whole.
		if res, err = b.insert.ExecContext(ctx, args...); err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if n > 0 {
			b.indexed(m.ID, terms)
		}
	} else if typ == chat.EventMessageCreated && n > 0 {
		b.indexed(m.ID, terms)
	}
	if err := b.attachments(ctx, typ, m); err != nil {
		return err
	}
	// The server's rule: an internal message moves no activity.
	if _, moves := chat.Preview(m); moves && m.CreatedAt.UnixMilli() > b.activity[m.ConversationID] {
		b.activity[m.ConversationID] = m.CreatedAt.UnixMilli()
	}
	return nil
}

// attachments keeps the attachments table in step with a message: its
// files while it is not deleted, none after (an edit leaves them).
func (b *batch) attachments(ctx context.Context, typ string, m *chat.Message) error {
	if typ != chat.EventMessageCreated {
		if _, err := b.tx.ExecContext(ctx, `DELETE FROM attachments WHERE message_id = ?`, m.ID); err != nil {
			return err
		}
	}
	if m.DeletedAt != nil {
		return nil
	}
	for _, a := range m.Attachments {
		if _, err := b.tx.ExecContext(ctx, `INSERT OR IGNORE INTO attachments (id, message_id) VALUES (?, ?)`, a.ID, m.ID); err != nil {
			return err
		}
	}
	return nil
}

// index adds the batch's new messages to the full-text index.
func (b *batch) index(ctx context.Context) error {
	if len(b.fresh) == 0 {
		return nil
	}
	ids, _ := json.Marshal(b.fresh)
	_, err := b.tx.ExecContext(ctx, `INSERT INTO messages_fts (rowid, text)
		SELECT m.fts_key, m.text FROM json_each(?) j JOIN messages m ON m.id = j.value ORDER BY m.fts_key`, string(ids))
	if err == nil {
		err = b.vocabulary(ctx)
	}
	b.fresh, b.terms = nil, nil
	return err
}

func (b *batch) flushActivity(ctx context.Context) error {
	if len(b.activity) == 0 {
		return nil
	}
	stmt, err := b.tx.PrepareContext(ctx, `UPDATE conversations SET last_activity_at = MAX(last_activity_at, ?) WHERE id = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for id, at := range b.activity {
		res, err := stmt.ExecContext(ctx, at, id)
		if err != nil {
			return err
		}
		// Messages of a conversation we have no row for (a snapshot that
		// missed it): the sync engine fetches it.
		if n, _ := res.RowsAffected(); n == 0 && b.store != nil {
			b.store.noteFresh(id)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, b *batch, ev *chat.Event) error {
	tx := b.tx
	switch ev.Type {
	case chat.EventMessageCreated, chat.EventMessageEdited, chat.EventMessageDeleted:
		var m chat.Message
		if err := json.Unmarshal(ev.Data, &m); err != nil {
			return err
		}
		return b.message(ctx, ev.Type, &m, ev.Data)
	case chat.EventConversationCreated, chat.EventConversationClosed, chat.EventConversationReopened, chat.EventConversationUpdated:
		var c chat.Conversation
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return err
		}
		// Only team-only events speak for the linked item, the assignee
		// and a customer conversation's participants; the others reach
		// customers too and leave them out (chat.Conversation.ForCustomer).
		return s.upsertConversation(ctx, tx, &c, ev.Type == chat.EventConversationUpdated)
	case chat.EventParticipantAdded:
		var d struct {
			Conversation chat.Conversation `json:"conversation"`
		}
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return err
		}
		return s.upsertConversation(ctx, tx, &d.Conversation, true)
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
	case chat.EventCustomerErased:
		var d chat.CustomerErased
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return err
		}
		return b.erase(ctx, &d)
	case chat.EventSavedReplyUpdated, chat.EventSavedReplyDeleted:
		var r chat.SavedReply
		if err := json.Unmarshal(ev.Data, &r); err != nil {
			return err
		}
		if ev.Type == chat.EventSavedReplyDeleted {
			_, err := tx.ExecContext(ctx, `DELETE FROM saved_replies WHERE id = ?`, r.ID)
			return err
		}
		if r.Shortcut == "" {
			return nil // emptied by a later edit or delete, which follows
		}
		return upsertSavedReply(ctx, tx, &r)
	case chat.EventHelpdeskUpdated:
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, data) VALUES ('helpdesk', ?)
			ON CONFLICT (key) DO UPDATE SET data = excluded.data`, string(ev.Data))
		return err
	}
	return nil
}

// erase drops what the store holds of an erased customer: their details,
// the text of their messages (and its search entry), and marks their
// conversations. Notes and items the erasure scrubbed arrive as
// message.edited and item.updated.
func (b *batch) erase(ctx context.Context, d *chat.CustomerErased) error {
	if d.Customer == nil || d.Customer.ID == 0 {
		return nil
	}
	// Rows of this batch must be indexed before the update trigger
	// removes their text from the index (see message).
	if err := b.index(ctx); err != nil {
		return err
	}
	if err := upsertCustomer(ctx, b.tx, d.Customer); err != nil {
		return err
	}
	at := time.Now().UTC().Format(time.RFC3339Nano)
	if d.Customer.ErasedAt != nil {
		at = d.Customer.ErasedAt.Format(time.RFC3339Nano)
	}
	if _, err := b.tx.ExecContext(ctx, `UPDATE messages SET text = '', words = 0, deleted = 1,
		data = json_remove(json_set(data, '$.text', '', '$.author.name', '', '$.deleted_at', COALESCE(json_extract(data, '$.deleted_at'), ?)), '$.client_id', '$.attachments')
		WHERE author_kind = 'customer' AND author_id = ?`, at, d.Customer.ID); err != nil {
		return err
	}
	if _, err := b.tx.ExecContext(ctx, `DELETE FROM attachments WHERE message_id IN
		(SELECT id FROM messages WHERE author_kind = 'customer' AND author_id = ?)`, d.Customer.ID); err != nil {
		return err
	}
	customer, _ := json.Marshal(d.Customer)
	if _, err := b.tx.ExecContext(ctx, `UPDATE conversations SET data = json_set(data, '$.erased_at', ?, '$.customer', json(?))
		WHERE customer_id = ?`, at, string(customer), d.Customer.ID); err != nil {
		return err
	}
	// Items she requested name her (item.updated follows; this holds even
	// for an item event this store never gets).
	_, err := b.tx.ExecContext(ctx, `UPDATE items SET data = json_set(data, '$.requester.name', '')
		WHERE json_extract(data, '$.requester.id') = ?`, d.Customer.ID)
	return err
}

func setRead(ctx context.Context, tx *sql.Tx, convID, lastRead int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO read_state (conversation_id, last_read_message_id) VALUES (?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET last_read_message_id = MAX(last_read_message_id, excluded.last_read_message_id)`,
		convID, lastRead)
	return err
}

// idBits are the bits of a message id in the index's key (migration
// 0011: the length in words above them); maxMessageID the largest id.
const (
	idBits       = 47
	maxMessageID = 1<<idBits - 1
)

const (
	// words goes with text in every statement that writes it: the index
	// row's key (fts_key, migration 0011) holds the length.
	insertMessageSQL = `INSERT OR IGNORE INTO messages (id, conversation_id, author_kind, author_id, system, text, deleted, data, internal, words)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`
	updateMessageSQL = `UPDATE messages SET text = ?6, deleted = ?7, data = ?8, internal = ?9, words = ?10 WHERE id = ?1
		AND ?2 IS NOT NULL AND ?3 IS NOT NULL AND ?4 IS NOT NULL AND ?5 IS NOT NULL`
)

// upsertMessage stores one message outside a batch (the outbox's answers,
// snapshots), indexing it if it is new.
func upsertMessage(ctx context.Context, tx *sql.Tx, m *chat.Message) error {
	b := &batch{tx: tx, activity: map[int64]int64{}}
	defer b.close()
	data, _ := json.Marshal(m)
	if err := b.message(ctx, chat.EventMessageEdited, m, data); err != nil {
		return err
	}
	if err := b.index(ctx); err != nil {
		return err
	}
	return b.flushActivity(ctx)
}

func (s *Store) upsertConversation(ctx context.Context, tx *sql.Tx, c *chat.Conversation, teamKnown bool) error {
	if c.Customer != nil {
		if err := upsertCustomer(ctx, tx, c.Customer); err != nil {
			return err
		}
	}
	var item, assignee any
	if c.Item != nil {
		item = c.Item.Number
	}
	if c.Assignee != nil {
		assignee = c.Assignee.ID
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
	// Per-user and derived, computed locally; the linked item is kept by
	// number only (its title comes from the items table), so no old title
	// stays in the row when the item changes.
	c.Unread, c.LastReadID, c.LastMessage, c.Item, c.Assignee = 0, 0, nil, nil, nil
	data, _ := json.Marshal(c)
	var known bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?)`, c.ID).Scan(&known); err != nil {
		return err
	}
	if !known {
		s.noteFresh(c.ID)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO conversations (id, kind, status, customer_id, item_number, last_activity_at, participant, data, assignee_id)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10) ON CONFLICT (id) DO UPDATE SET status = excluded.status, customer_id = excluded.customer_id,
		item_number = CASE WHEN ?9 THEN excluded.item_number ELSE item_number END,
		assignee_id = CASE WHEN ?9 THEN excluded.assignee_id ELSE assignee_id END,
		last_activity_at = MAX(last_activity_at, excluded.last_activity_at),
		participant = CASE WHEN ?9 THEN excluded.participant ELSE participant END,
		data = CASE WHEN ?9 THEN excluded.data ELSE json_set(excluded.data, '$.participants', json(COALESCE(json_extract(conversations.data, '$.participants'), '[]'))) END`,
		c.ID, string(c.Kind), string(c.Status), customer, item, c.LastActivityAt.UnixMilli(), c.HasParticipant(s.me), string(data),
		teamKnown, assignee)
	return err
}

func upsertUser(ctx context.Context, tx *sql.Tx, u *chat.User) error {
	data, _ := json.Marshal(u)
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data
		WHERE data IS NOT excluded.data`, u.ID, string(data))
	return err
}

func upsertCustomer(ctx context.Context, tx *sql.Tx, c *chat.Customer) error {
	data, _ := json.Marshal(c)
	_, err := tx.ExecContext(ctx, `INSERT INTO customers (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data
		WHERE data IS NOT excluded.data`, c.ID, string(data))
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

// StoreSnapshot writes state fetched through the API (history of a
// conversation that arrived without it).
func (s *Store) StoreSnapshot(ctx context.Context, convs []*chat.Conversation, msgs []*chat.Message, users []*chat.User, items []*chat.Item) error {
	return s.write(ctx, func(tx *sql.Tx) error { return s.snapshot(ctx, tx, convs, msgs, users, items) })
}

// StoreServerState keeps the server state the UI shows beyond the event
// log, read at every connection: the helpdesk settings (the switch above
// all) and the team with their flags, mine included. So a restart while
// the server is down shows the last known state, never nothing.
func (s *Store) StoreServerState(ctx context.Context, settings *chat.Settings, users []*chat.User) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if settings != nil {
			data, _ := json.Marshal(settings)
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, data) VALUES ('helpdesk', ?)
				ON CONFLICT (key) DO UPDATE SET data = excluded.data`, string(data)); err != nil {
				return err
			}
		}
		for _, u := range users {
			if err := upsertUser(ctx, tx, u); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReplaceWithSnapshot is the resync: it forgets the synced history (not
// the outbox) and stores the snapshot, its settings, saved replies and the
// cursor it is valid from, all in one transaction, so a crash never leaves
// half of it.
func (s *Store) ReplaceWithSnapshot(ctx context.Context, convs []*chat.Conversation, msgs []*chat.Message, users []*chat.User,
	items []*chat.Item, settings *chat.Settings, replies []*chat.SavedReply, cursor int64, epoch string) error {
	// The forgotten history leaves the file too, and memory.
	defer s.dropEarlierPages(ctx)
	defer s.forgetKnownWords()
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := forget(ctx, tx); err != nil {
			return err
		}
		if err := s.snapshot(ctx, tx, convs, msgs, users, items); err != nil {
			return err
		}
		for _, r := range replies {
			if err := upsertSavedReply(ctx, tx, r); err != nil {
				return err
			}
		}
		if settings != nil {
			data, _ := json.Marshal(settings)
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, data) VALUES ('helpdesk', ?)`, string(data)); err != nil {
				return err
			}
		}
		if err := setMeta(ctx, tx, "cursor", strconv.FormatInt(cursor, 10)); err != nil {
			return err
		}
		return setMeta(ctx, tx, "epoch", epoch)
	})
}

func (s *Store) snapshot(ctx context.Context, tx *sql.Tx, convs []*chat.Conversation, msgs []*chat.Message, users []*chat.User, items []*chat.Item) error {
	for _, u := range users {
		if err := upsertUser(ctx, tx, u); err != nil {
			return err
		}
	}
	for _, c := range convs {
		if err := s.upsertConversation(ctx, tx, c, true); err != nil {
			return err
		}
	}
	b := &batch{tx: tx, activity: map[int64]int64{}}
	defer b.close()
	for _, m := range msgs {
		data, _ := json.Marshal(m)
		if err := b.message(ctx, chat.EventMessageEdited, m, data); err != nil {
			return err
		}
	}
	if err := b.index(ctx); err != nil {
		return err
	}
	if err := b.flushActivity(ctx); err != nil {
		return err
	}
	for _, it := range items {
		if err := upsertItem(ctx, tx, it); err != nil {
			return err
		}
	}
	return nil
}

// Purge removes conversations the user may no longer see (unassigned,
// unfollowed, unlinked, support flag taken away) with their messages, so
// nothing they lost access to stays listed or searchable here. Unknown
// support flag (my user not synced yet): nothing is purged.
func (s *Store) Purge(ctx context.Context) error {
	me, err := s.FindUserByID(ctx, s.me)
	if err != nil {
		return nil
	}
	// Their files leave the cache with them, their words memory.
	defer s.purgeFiles(ctx)
	defer s.forgetKnownWords()
	return s.write(ctx, func(tx *sql.Tx) error {
		hidden := `SELECT c.id FROM conversations c WHERE NOT (` + member + ` OR (:support AND c.customer_id IS NOT NULL))`
		args := []any{sql.Named("me", s.me), sql.Named("support", me.Support)}
		for _, q := range []string{
			`DELETE FROM attachments WHERE message_id IN (SELECT id FROM messages WHERE conversation_id IN (` + hidden + `))`,
			`DELETE FROM messages WHERE conversation_id IN (` + hidden + `)`,
			`DELETE FROM read_state WHERE conversation_id IN (` + hidden + `)`,
			`DELETE FROM conversations WHERE id IN (` + hidden + `)`,
		} {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

func upsertSavedReply(ctx context.Context, tx *sql.Tx, r *chat.SavedReply) error {
	data, _ := json.Marshal(r)
	_, err := tx.ExecContext(ctx, `INSERT INTO saved_replies (id, shortcut, data) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, data = excluded.data`, r.ID, r.Shortcut, string(data))
	return err
}
