package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// EraseCustomer erases a customer; see chat.CustomerStore. In one
// transaction: the customer's details go; their messages lose their text
// and client id, and their audit entries go; the team's messages in their
// conversations (and those messages' audit entries) lose their e-mail and
// full name; their own reopen notes name nobody; item titles proposed from
// their messages become "Conversation N"; copies made before this version
// (transcripts in descriptions, titles in link notes) lose their words (see
// chat.Scrubber); the conversations are marked; their tokens answer
// customer_erased; and every stored event carrying any of it is stripped.
// Then message.edited, item.updated and customer.erased tell synced
// clients. After commit the WAL is checkpointed in the background, so that
// no earlier page stays in it.
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
	s.checkpoint()
	return er, nil
}

// checkpoint moves the WAL into the database and truncates it, in the
// background on a connection of its own with a short busy timeout, so that
// it never holds up writes; it tries again while readers keep the WAL busy.
// Close waits for it.
func (s *Store) checkpoint() {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		db, err := sql.Open(driver, "file:"+s.path+"?_busy_timeout=200&_secure_delete=on")
		if err != nil {
			slog.Warn("checkpoint after erasure", "err", err)
			return
		}
		defer db.Close()
		for try := 0; try < 50; try++ {
			var busy, logPages, done int
			if err := db.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err == nil && busy == 0 {
				return
			}
			select {
			case <-s.closing:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
		slog.Warn("checkpoint after erasure: the WAL stayed busy; the next automatic checkpoint moves it")
	}()
}

func (tx *Tx) erase(ctx context.Context, a chat.Actor, id int64) (*chat.Erasure, error) {
	if er, err := findErasure(ctx, tx, id); err == nil {
		return er, nil // erased before: the first erasure answers
	} else if chat.ErrorCode(err) != chat.ENotFound {
		return nil, err
	}
	current, err := findCustomer(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	convs, err := int64s(ctx, tx, `SELECT id FROM conversations WHERE customer_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	cl := jsonIDs(convs)
	mine, err := tx.messages(ctx, messageSelect+` WHERE m.author_kind = 'customer' AND m.author_id = ?`, id)
	if err != nil {
		return nil, err
	}

	// Copies made before this version may hold every name and e-mail they
	// had (their events tell the earlier ones) and every version of their
	// texts (the audit tells the earlier ones).
	names, emails, err := tx.customerAliases(ctx, current)
	if err != nil {
		return nil, err
	}
	sc := chat.NewScrubber()
	for _, m := range mine {
		versions, err := tx.versions(ctx, m)
		if err != nil {
			return nil, err
		}
		for _, t := range versions {
			for _, n := range append(names, "") {
				sc.Line(n, m.CreatedAt, t)
			}
		}
	}
	for _, e := range emails {
		sc.Email(e)
	}
	for _, n := range names {
		sc.Name(n)
	}

	now := ms(tx.now)
	for _, q := range []string{
		`UPDATE customers SET name = '', email = '', page_url = '', browser = '', language = '', time_zone = '', erased_at = :now WHERE id = :id`,
		// Client ids are the customer's own strings too.
		`UPDATE messages SET text = '', attachments = NULL, client_id = NULL, deleted_at = COALESCE(deleted_at, :now) WHERE author_kind = 'customer' AND author_id = :id`,
		`UPDATE conversations SET erased_at = :now, client_id = NULL WHERE customer_id = :id`,
		`DELETE FROM message_audit WHERE message_id IN (SELECT id FROM messages WHERE author_kind = 'customer' AND author_id = :id)`,
	} {
		if _, err := tx.ExecContext(ctx, q, sql.Named("now", now), sql.Named("id", id)); err != nil {
			return nil, err
		}
	}

	// Their files go with their words: every upload of theirs, sent or not.
	if _, err := tx.releaseAttachments(ctx, `uploader_kind = 'customer' AND uploader_id = ?`, id); err != nil {
		return nil, err
	}

	var changed []*chat.Message // notes and team messages, in their new state
	rewrite := func(m *chat.Message, text string) error {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET text = ? WHERE id = ?`, text, m.ID); err != nil {
			return err
		}
		m.Text = text
		changed = append(changed, m)
		return nil
	}
	// Their own reopen notes name them; notes written before notes knew
	// their actor are known by the customer's message right after.
	own, err := tx.messages(ctx, messageSelect+` WHERE m.conversation_id IN (SELECT value FROM json_each(:c)) AND m.author_kind = 'system'
		AND m.system = 'reopened' AND ((m.actor_kind = 'customer' AND m.actor_id = :id) OR (m.actor_kind IS NULL
		AND EXISTS (SELECT 1 FROM messages n WHERE n.id = m.id + 1 AND n.author_kind = 'customer' AND n.author_id = :id)))`,
		sql.Named("c", cl), sql.Named("id", id))
	if err != nil {
		return nil, err
	}
	nameless := chat.StatusNote(chat.Actor{Kind: chat.KindCustomer}, chat.StatusOpen)
	for _, m := range own {
		if m.Text != nameless {
			if err := rewrite(m, nameless); err != nil {
				return nil, err
			}
		}
	}
	// The team's messages to them: their e-mail and full name, in the
	// message and in its audit entries (no new audit: the old text is what
	// must go; the erasure record stands for the change).
	team, err := tx.messages(ctx, messageSelect+` WHERE m.conversation_id IN (SELECT value FROM json_each(?)) AND m.author_kind = 'user'
		AND m.deleted_at IS NULL`, cl)
	if err != nil {
		return nil, err
	}
	for _, m := range team {
		if t := sc.ScrubMessage(m.Text); t != m.Text {
			if err := rewrite(m, t); err != nil {
				return nil, err
			}
		}
	}
	if err := tx.scrubAudit(ctx, cl, sc); err != nil {
		return nil, err
	}

	// Items: titles proposed from their messages; copies made before this
	// version in the items made from, linked to or requested by them; link
	// notes naming such a title, wherever they stand.
	if err := tx.retitle(ctx, `m.author_kind = 'customer' AND m.author_id = ?`, id); err != nil {
		return nil, err
	}
	related, err := int64s(ctx, tx, `SELECT id FROM items WHERE source_conversation_id IN (SELECT value FROM json_each(:c))
		OR requester_id = :id OR id IN (SELECT item_id FROM conversations WHERE id IN (SELECT value FROM json_each(:c))) ORDER BY id`,
		sql.Named("c", cl), sql.Named("id", id))
	if err != nil {
		return nil, err
	}
	for _, n := range related {
		var title, desc string
		var legacy bool
		if err := tx.QueryRowContext(ctx, `SELECT title, description, legacy FROM items WHERE id = ?`, n).Scan(&title, &desc, &legacy); err != nil {
			return nil, err
		}
		// A title equal to one proposed from her words is a copy only in
		// an item made before this version; since then a proposed title
		// follows its message (retitled above) and any other is the team's.
		t, d := sc.ScrubItem(title), sc.ScrubItem(desc)
		if legacy {
			t = sc.ScrubTitle(title)
		}
		if t != title || d != desc {
			if _, err := tx.ExecContext(ctx, `UPDATE items SET title = ?, description = ?, updated_at = ? WHERE id = ?`, t, d, now, n); err != nil {
				return nil, err
			}
		}
	}
	links, err := tx.messages(ctx, messageSelect+` WHERE m.system = 'linked' AND m.text LIKE '%: %'`)
	if err != nil {
		return nil, err
	}
	for _, m := range links {
		if t := sc.ScrubNote(m.Text); t != m.Text {
			if err := rewrite(m, t); err != nil {
				return nil, err
			}
		}
	}

	// Every stored copy: the events of their conversations, profile and
	// requested items (customer_id), of the rewritten messages, of the
	// related items.
	if err := tx.strip(ctx, `customer_id = ?`, id); err != nil {
		return nil, err
	}
	for _, m := range changed {
		if err := tx.strip(ctx, `message_id = ?`, m.ID); err != nil {
			return nil, err
		}
	}
	if err := tx.strip(ctx, `item_id IN (SELECT value FROM json_each(?))`, jsonIDs(related)); err != nil {
		return nil, err
	}

	er := &chat.Erasure{CustomerID: id, By: chat.Author{Kind: a.Kind, ID: a.ID, Name: a.Name}, At: tx.now,
		Conversations: len(convs), Messages: len(mine)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_erasures (customer_id, actor_id, actor_name, at, conversations, messages)
		VALUES (?, ?, ?, ?, ?, ?)`, id, a.ID, a.Name, now, er.Conversations, er.Messages); err != nil {
		return nil, err
	}
	for _, m := range changed {
		if err := tx.appendEvent(ctx, &chat.Event{Type: chat.EventMessageEdited, Scope: chat.MessageScope(m), ConversationID: m.ConversationID}, m); err != nil {
			return nil, err
		}
	}
	// Every related item again: the requester's name went from all of
	// them, words from some.
	for _, n := range related {
		if err := tx.itemChanged(ctx, n, false); err != nil {
			return nil, err
		}
	}
	erased, err := findCustomer(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if convs == nil {
		convs = []int64{}
	}
	return er, tx.appendEvent(ctx, &chat.Event{Type: chat.EventCustomerErased, Scope: chat.ScopeCustomer, CustomerID: id},
		&chat.CustomerErased{Customer: erased, ConversationIDs: convs})
}

// versions returns every text a message had: now, and before (its audit).
func (tx *Tx) versions(ctx context.Context, m *chat.Message) ([]string, error) {
	out := []string{m.Text}
	rows, err := tx.QueryContext(ctx, `SELECT old_text, new_text FROM message_audit WHERE message_id = ?`, m.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var o, n string
		if err := rows.Scan(&o, &n); err != nil {
			return nil, err
		}
		out = append(out, o, n)
	}
	return out, rows.Err()
}

// scrubAudit takes the erased customer's e-mail and full name out of the
// audit entries of the team's messages in their conversations (cl).
func (tx *Tx) scrubAudit(ctx context.Context, cl string, sc *chat.Scrubber) error {
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.old_text, a.new_text FROM message_audit a JOIN messages m ON m.id = a.message_id
		WHERE m.conversation_id IN (SELECT value FROM json_each(?)) AND m.author_kind = 'user'`, cl)
	if err != nil {
		return err
	}
	type entry struct {
		id       int64
		old, new string
	}
	var todo []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.old, &e.new); err != nil {
			rows.Close()
			return err
		}
		if o, n := sc.ScrubMessage(e.old), sc.ScrubMessage(e.new); o != e.old || n != e.new {
			todo = append(todo, entry{e.id, o, n})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range todo {
		if _, err := tx.ExecContext(ctx, `UPDATE message_audit SET old_text = ?, new_text = ? WHERE id = ?`, e.old, e.new, e.id); err != nil {
			return err
		}
	}
	return nil
}

// messages reads the messages a query selects (messageSelect columns).
func (tx *Tx) messages(ctx context.Context, query string, args ...any) ([]*chat.Message, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*chat.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// customerAliases returns every name and e-mail a customer had: now, and
// as their stored events show them before (profile updates, conversation
// snapshots, their messages' author names).
func (tx *Tx) customerAliases(ctx context.Context, c *chat.Customer) (names, emails []string, err error) {
	seenN, seenE := map[string]bool{}, map[string]bool{}
	add := func(n, e string) {
		if n != "" && !seenN[n] {
			seenN[n] = true
			names = append(names, n)
		}
		if e != "" && !seenE[e] {
			seenE[e] = true
			emails = append(emails, e)
		}
	}
	add(c.Name, c.Email)
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT
		COALESCE(json_extract(data, '$.name'), json_extract(data, '$.customer.name'), json_extract(data, '$.conversation.customer.name'),
			CASE WHEN json_extract(data, '$.author.kind') = 'customer' THEN json_extract(data, '$.author.name') END,
			json_extract(data, '$.requester.name'), ''),
		COALESCE(json_extract(data, '$.email'), json_extract(data, '$.customer.email'), json_extract(data, '$.conversation.customer.email'), '')
		FROM events WHERE customer_id = ? AND type <> ?`, c.ID, chat.EventCustomerErased)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n, e string
		if err := rows.Scan(&n, &e); err != nil {
			return nil, nil, err
		}
		add(n, e)
	}
	return names, emails, rows.Err()
}

func findErasure(ctx context.Context, q queryer, customerID int64) (*chat.Erasure, error) {
	er := &chat.Erasure{CustomerID: customerID, By: chat.Author{Kind: chat.KindUser}}
	var at int64
	err := q.QueryRowContext(ctx, `SELECT actor_id, actor_name, at, conversations, messages FROM customer_erasures WHERE customer_id = ?`,
		customerID).Scan(&er.By.ID, &er.By.Name, &at, &er.Conversations, &er.Messages)
	if err == sql.ErrNoRows {
		return nil, chat.ErasureNotFound(customerID)
	} else if err != nil {
		return nil, err
	}
	er.At = fromMS(at)
	return er, nil
}

// ListErasures returns every erasure, newest first; see chat.CustomerStore.
func (s *Store) ListErasures(ctx context.Context, a chat.Actor) ([]*chat.Erasure, error) {
	if err := chat.CanReadErasures(a); err != nil {
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

// jsonIDs is ids as a JSON array for json_each ("[]", never "null").
func jsonIDs(ids []int64) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids)
	return string(b)
}
