package localstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/deskchat/deskchat/backend/chat"
)

// OutKind is what an outbox entry asks of the server, named as the store
// and the API name the act.
type OutKind string

// Outbox kinds.
const (
	OutSendMessage        OutKind = "send_message"
	OutEditMessage        OutKind = "edit_message"
	OutDeleteMessage      OutKind = "delete_message"
	OutCloseConversation  OutKind = "close_conversation"
	OutReopenConversation OutKind = "reopen_conversation"
	OutMarkRead           OutKind = "mark_read"
	OutLinkConversation   OutKind = "link_conversation" // to ItemNumber; 0 unlinks
	OutCreateItem         OutKind = "create_item"       // Item, linked to ConversationID when set
)

// OutKinds lists every kind.
var OutKinds = []OutKind{OutSendMessage, OutEditMessage, OutDeleteMessage, OutCloseConversation, OutReopenConversation, OutMarkRead,
	OutLinkConversation, OutCreateItem}

// Entry is one command waiting for the server. ClientID is the idempotency
// key the server deduplicates by, so an entry sent twice (the app killed
// between send and removal) still happens once.
type Entry struct {
	Seq            int64     `json:"seq"`
	ClientID       string    `json:"client_id"`
	Kind           OutKind   `json:"kind"`
	ConversationID int64     `json:"conversation_id"`
	MessageID      int64     `json:"message_id,omitempty"`
	Text           string    `json:"text,omitempty"`
	Internal       bool      `json:"internal,omitempty"`    // a private note (send_message)
	Mentions       []int64   `json:"mentions,omitempty"`    // users it @mentions (send_message)
	Files          []OutFile `json:"files,omitempty"`       // files it sends (send_message; files.go)
	ItemNumber     int64     `json:"item_number,omitempty"` // the item (link_conversation; 0 unlinks)
	// Item is the item to create (create_item); the server creates it
	// once under ClientID (chat.NewItem.ClientID).
	Item   *chat.NewItem `json:"item,omitempty"`
	Failed string        `json:"failed,omitempty"` // the server refused it: shown with Retry
}

// Enqueue stores a command. A repeated client id is ignored, and so is a
// repeat of the act waiting last for the conversation (close, reopen,
// delete, mark read of the same conversation or message, not refused): a
// second click on Close while offline would close twice, or fail the
// second time; Close, a reply, Close again are three acts. Replies and
// items to create are each their own, and an edit waits after the one
// before. A link replaces a
// link of the same conversation still waiting: the last choice wins.
func (s *Store) Enqueue(ctx context.Context, e Entry) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if e.Kind == OutLinkConversation {
			if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE kind = ? AND conversation_id = ? AND failed = ''`,
				e.Kind, e.ConversationID); err != nil {
				return err
			}
		} else if e.Kind != OutSendMessage && e.Kind != OutEditMessage && e.Kind != OutCreateItem {
			// The same act as the newest one waiting for this conversation:
			// a repeat. After anything else (a reply, which reopens, or a
			// reopen) it is a new act and is queued.
			var last struct {
				kind   OutKind
				msg    int64
				failed string
			}
			err := tx.QueryRowContext(ctx, `SELECT kind, message_id, failed FROM outbox WHERE conversation_id = ?
				ORDER BY seq DESC LIMIT 1`, e.ConversationID).Scan(&last.kind, &last.msg, &last.failed)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err == nil && last.kind == e.Kind && last.msg == e.MessageID && last.failed == "" {
				return nil
			}
		}
		mentions, files, item := "", "", ""
		if e.Item != nil {
			b, _ := json.Marshal(e.Item)
			item = string(b)
		}
		if len(e.Mentions) > 0 {
			b, _ := json.Marshal(e.Mentions)
			mentions = string(b)
		}
		if len(e.Files) > 0 {
			b, _ := json.Marshal(e.Files)
			files = string(b)
		}
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO outbox (client_id, kind, conversation_id, message_id, text, created_at, internal, mentions, files,
			item_number, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ClientID, e.Kind, e.ConversationID, e.MessageID, e.Text, s.Now().UnixMilli(), e.Internal,
			mentions, files, e.ItemNumber, item)
		return err
	})
}

// Outbox lists waiting commands in order; with convID > 0, that
// conversation's only.
func (s *Store) Outbox(ctx context.Context, convID int64) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, client_id, kind, conversation_id, message_id, text, failed, internal, mentions, files, item_number, item FROM outbox
		WHERE ? = 0 OR conversation_id = ? ORDER BY seq`, convID, convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var mentions, files, item string
		if err := rows.Scan(&e.Seq, &e.ClientID, &e.Kind, &e.ConversationID, &e.MessageID, &e.Text, &e.Failed, &e.Internal, &mentions, &files, &e.ItemNumber,
			&item); err != nil {
			return nil, err
		}
		if item != "" {
			e.Item = &chat.NewItem{}
			if err := json.Unmarshal([]byte(item), e.Item); err != nil {
				return nil, err
			}
		}
		if files != "" {
			if err := json.Unmarshal([]byte(files), &e.Files); err != nil {
				return nil, err
			}
		}
		if mentions != "" {
			if err := json.Unmarshal([]byte(mentions), &e.Mentions); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Sent removes a command the server accepted, applying its answer (a
// message) in the same transaction so it never shows twice; the copies of
// its files go after.
func (s *Store) Sent(ctx context.Context, clientID string, m *chat.Message) error {
	drop := s.dropCopies(ctx, clientID)
	err := s.write(ctx, func(tx *sql.Tx) error {
		if m != nil {
			if err := upsertMessage(ctx, tx, m); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE client_id = ?`, clientID)
		return err
	})
	if err == nil {
		drop()
	}
	return err
}

// Fail marks a command the server refused; Retry clears the mark.
func (s *Store) Fail(ctx context.Context, clientID, reason string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET failed = ? WHERE client_id = ?`, reason, clientID)
		return err
	})
}

// Retry clears a failure so the command is sent again.
func (s *Store) Retry(ctx context.Context, clientID string) error { return s.Fail(ctx, clientID, "") }

// Discard drops a command the user gave up on (a refused edit, say), and
// the copies of its files.
func (s *Store) Discard(ctx context.Context, clientID string) error {
	drop := s.dropCopies(ctx, clientID)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE client_id = ?`, clientID)
		return err
	})
	if err == nil {
		drop()
	}
	return err
}

// dropCopies reads the files of a queued command now and returns what
// removes their copies (once the command is gone).
func (s *Store) dropCopies(ctx context.Context, clientID string) func() {
	var files string
	s.db.QueryRowContext(ctx, `SELECT files FROM outbox WHERE client_id = ?`, clientID).Scan(&files)
	return func() {
		var fs []OutFile
		if files != "" && json.Unmarshal([]byte(files), &fs) == nil {
			for _, f := range fs {
				s.Unstage(f.Token)
			}
		}
	}
}
