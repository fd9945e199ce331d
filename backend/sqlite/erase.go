package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// scrubbed is what scrubCopies changed.
type scrubbed struct {
	notes []*chat.Message // system notes and team messages, in their new state
	items []int64         // items whose title or description changed
}

// scrubCopies applies sc to the team text copied from the conversations
// convs: the items made from them or linked to them (plus items), their
// titles and descriptions; and the system notes of those conversations and
// of every conversation linked to those items (link notes name the title).
// It records the new states in red and returns what changed; the caller
// appends the events.
func (tx *Tx) scrubCopies(ctx context.Context, convs, items []int64, sc *chat.Scrubber, red *chat.Redaction) (*scrubbed, error) {
	out := &scrubbed{}
	cl := jsonIDs(convs)
	il := jsonIDs(items)
	related, err := int64s(ctx, tx, `SELECT id FROM items WHERE source_conversation_id IN (SELECT value FROM json_each(:c))
		UNION SELECT item_id FROM conversations WHERE id IN (SELECT value FROM json_each(:c)) AND item_id IS NOT NULL
		UNION SELECT value FROM json_each(:i) ORDER BY 1`, sql.Named("c", cl), sql.Named("i", il))
	if err != nil {
		return nil, err
	}
	for _, n := range related {
		var title, desc string
		if err := tx.QueryRowContext(ctx, `SELECT title, description FROM items WHERE id = ?`, n).Scan(&title, &desc); err == sql.ErrNoRows {
			continue
		} else if err != nil {
			return nil, err
		}
		t, d := sc.ScrubTitle(title), sc.Scrub(desc)
		if t == title && d == desc {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET title = ?, description = ?, updated_at = ? WHERE id = ?`, t, d, ms(tx.now), n); err != nil {
			return nil, err
		}
		red.Items[n] = &chat.Item{Number: n, Title: t, Description: d}
		out.items = append(out.items, n)
	}
	rl := jsonIDs(related)
	noteConvs, err := int64s(ctx, tx, `SELECT value FROM json_each(:c)
		UNION SELECT id FROM conversations WHERE item_id IN (SELECT value FROM json_each(:r)) ORDER BY 1`,
		sql.Named("c", cl), sql.Named("r", rl))
	if err != nil {
		return nil, err
	}
	for _, cid := range noteConvs {
		notes, err := tx.messages(ctx, messageSelect+` WHERE m.conversation_id = ? AND m.author_kind = 'system' AND m.text <> ''`, cid)
		if err != nil {
			return nil, err
		}
		for _, m := range notes {
			if t := sc.ScrubNote(m.Text); t != m.Text {
				if err := tx.rewriteText(ctx, m, t, red); err != nil {
					return nil, err
				}
				out.notes = append(out.notes, m)
			}
		}
	}
	return out, nil
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

// rewriteText stores a scrubbed text for m (no audit: the old text is what
// must go) and records m's new state in red.
func (tx *Tx) rewriteText(ctx context.Context, m *chat.Message, text string, red *chat.Redaction) error {
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET text = ? WHERE id = ?`, text, m.ID); err != nil {
		return err
	}
	m.Text = text
	red.Messages[m.ID] = m
	return nil
}

// publishScrubbed rewrites the stored events that carry what a scrub
// changed and appends the events that tell clients: message.edited for
// each note or team message, item.updated (and conversation.updated, whose
// item reference carries the title) for each item in items.
func (tx *Tx) publishScrubbed(ctx context.Context, sc *scrubbed, items []int64, red *chat.Redaction) error {
	for _, m := range sc.notes {
		if err := tx.redact(ctx, red, `message_id = ?`, m.ID); err != nil {
			return err
		}
	}
	il := jsonIDs(items)
	if err := tx.redact(ctx, red, `item_id IN (SELECT value FROM json_each(?))`, il); err != nil {
		return err
	}
	for _, m := range sc.notes {
		scope := chat.ScopeConversation
		if m.Internal {
			scope = chat.ScopeConversationTeam
		}
		if err := tx.appendEvent(ctx, &chat.Event{Type: chat.EventMessageEdited, Scope: scope, ConversationID: m.ConversationID}, m); err != nil {
			return err
		}
	}
	for _, n := range items {
		if err := tx.itemChanged(ctx, n, true); err != nil {
			return err
		}
	}
	return nil
}

// propagateText carries a message's new text (an edit; "" for a delete)
// into the copies the product made of it: transcripts and titles of items
// made from its conversation, and link notes naming such a title.
func (tx *Tx) propagateText(ctx context.Context, old, now *chat.Message, red *chat.Redaction) error {
	sc := chat.NewScrubber()
	sc.Text(old.Text, now.Text, old.CreatedAt, chat.DeletedText)
	changed, err := tx.scrubCopies(ctx, []int64{old.ConversationID}, nil, sc, red)
	if err != nil {
		return err
	}
	return tx.publishScrubbed(ctx, changed, changed.items, red)
}

// EraseCustomer erases a customer; see chat.CustomerStore. In one
// transaction: the customer's details go, their messages lose their text
// (and their audit entries, which hold earlier text), the team text made
// from their conversations loses their words (see chat.Scrubber), the
// conversations are marked, their sessions answer customer_erased, and
// every stored event that carried any of it is rewritten. Then
// customer.erased, message.edited (rewritten notes and team messages) and
// item.updated tell synced clients. After commit the WAL is checkpointed
// in the background, so that no earlier page stays in it.
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
		db, err := sql.Open("sqlite3", "file:"+s.path+"?_busy_timeout=200&_secure_delete=on")
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
	mine, err := tx.messages(ctx, messageSelect+` WHERE m.author_kind = 'customer' AND m.author_id = ?`, id)
	if err != nil {
		return nil, err
	}

	// What the product may have copied: every name and e-mail the customer
	// had (their events tell the earlier ones), every version of every
	// text (the audit tells the earlier ones).
	names, emails, err := tx.customerAliases(ctx, current)
	if err != nil {
		return nil, err
	}
	sc := chat.NewScrubber()
	for _, m := range mine {
		versions := []string{m.Text}
		rows, err := tx.QueryContext(ctx, `SELECT old_text, new_text FROM message_audit WHERE message_id = ?`, m.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var o, n string
			if err := rows.Scan(&o, &n); err != nil {
				rows.Close()
				return nil, err
			}
			versions = append(versions, o, n)
		}
		rows.Close()
		for _, t := range versions {
			for _, n := range names {
				sc.Line(n, m.CreatedAt, t)
			}
			sc.Text(t, "", m.CreatedAt, chat.ErasedText)
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
		`UPDATE messages SET text = '', client_id = NULL, deleted_at = COALESCE(deleted_at, :now) WHERE author_kind = 'customer' AND author_id = :id`,
		`UPDATE conversations SET erased_at = :now, client_id = NULL WHERE customer_id = :id`,
		`DELETE FROM message_audit WHERE message_id IN (SELECT id FROM messages WHERE author_kind = 'customer' AND author_id = :id)`,
	} {
		if _, err := tx.ExecContext(ctx, q, sql.Named("now", now), sql.Named("id", id)); err != nil {
			return nil, err
		}
	}

	red := &chat.Redaction{Messages: map[int64]*chat.Message{}, Customers: map[int64]*chat.Customer{}, Items: map[int64]*chat.Item{}}
	for _, m := range mine {
		if red.Messages[m.ID], err = findMessage(ctx, tx, m.ID); err != nil {
			return nil, err
		}
	}
	if red.Customers[id], err = findCustomer(ctx, tx, id); err != nil {
		return nil, err
	}

	// Their own notes (a reopen by their message) name them: they become
	// "The customer reopened the conversation." Notes written before notes
	// knew their actor are known by the customer's message right after.
	cl := jsonIDs(convs)
	own, err := tx.messages(ctx, messageSelect+` WHERE m.conversation_id IN (SELECT value FROM json_each(:c)) AND m.author_kind = 'system'
		AND m.system = 'reopened' AND ((m.actor_kind = 'customer' AND m.actor_id = :id) OR (m.actor_kind IS NULL
		AND EXISTS (SELECT 1 FROM messages n WHERE n.id = m.id + 1 AND n.author_kind = 'customer' AND n.author_id = :id)))`,
		sql.Named("c", cl), sql.Named("id", id))
	if err != nil {
		return nil, err
	}
	changed := &scrubbed{}
	nameless := chat.StatusNote(chat.Actor{Kind: chat.KindCustomer}, chat.StatusOpen)
	for _, m := range own {
		if m.Text != nameless {
			if err := tx.rewriteText(ctx, m, nameless, red); err != nil {
				return nil, err
			}
			changed.notes = append(changed.notes, m)
		}
	}
	// The team's messages in their conversations: their e-mail and names.
	team, err := tx.messages(ctx, messageSelect+` WHERE m.conversation_id IN (SELECT value FROM json_each(?)) AND m.author_kind = 'user'
		AND m.deleted_at IS NULL`, cl)
	if err != nil {
		return nil, err
	}
	type rewrite struct {
		old, new string
		at       time.Time
	}
	var rewritten []rewrite
	for _, m := range team {
		if t := sc.ScrubMessage(m.Text); t != m.Text {
			rewritten = append(rewritten, rewrite{m.Text, t, m.CreatedAt})
			if err := tx.rewriteText(ctx, m, t, red); err != nil {
				return nil, err
			}
			changed.notes = append(changed.notes, m)
		}
	}
	// Their transcript copies follow, as after an edit.
	for _, r := range rewritten {
		sc.Text(r.old, r.new, r.at, chat.ErasedText)
	}
	// Items made from or linked to their conversations, or requested by
	// them; notes naming those items.
	requested, err := int64s(ctx, tx, `SELECT id FROM items WHERE requester_id = ?`, id)
	if err != nil {
		return nil, err
	}
	copies, err := tx.scrubCopies(ctx, convs, requested, sc, red)
	if err != nil {
		return nil, err
	}
	changed.notes = append(changed.notes, copies.notes...)
	// Every related item is published again: the requester's name went
	// from all of them, the words from some.
	il := jsonIDs(requested)
	related, err := int64s(ctx, tx, `SELECT id FROM items WHERE source_conversation_id IN (SELECT value FROM json_each(:c))
		UNION SELECT item_id FROM conversations WHERE id IN (SELECT value FROM json_each(:c)) AND item_id IS NOT NULL
		UNION SELECT value FROM json_each(:i) ORDER BY 1`, sql.Named("c", cl), sql.Named("i", il))
	if err != nil {
		return nil, err
	}

	// Every stored copy: the events of their conversations and profile
	// (customer_id), then of the notes, team messages and items.
	if err := tx.redact(ctx, red, `customer_id = ?`, id); err != nil {
		return nil, err
	}
	er := &chat.Erasure{CustomerID: id, By: chat.Author{Kind: a.Kind, ID: a.ID, Name: a.Name}, At: tx.now,
		Conversations: len(convs), Messages: len(mine)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_erasures (customer_id, actor_id, actor_name, at, conversations, messages)
		VALUES (?, ?, ?, ?, ?, ?)`, id, a.ID, a.Name, now, er.Conversations, er.Messages); err != nil {
		return nil, err
	}
	if err := tx.publishScrubbed(ctx, changed, related, red); err != nil {
		return nil, err
	}
	if convs == nil {
		convs = []int64{}
	}
	return er, tx.appendEvent(ctx, &chat.Event{Type: chat.EventCustomerErased, Scope: chat.ScopeCustomer, CustomerID: id},
		&chat.CustomerErased{Customer: red.Customers[id], ConversationIDs: convs})
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
			CASE WHEN json_extract(data, '$.author.kind') = 'customer' THEN json_extract(data, '$.author.name') END, ''),
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
		return nil, chat.Errorf(chat.ENotFound, "Customer %d was not erased.", customerID)
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
