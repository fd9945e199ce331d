package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
)

// InboxService answers the messenger's reads from the local store (so they
// work offline) and queues every change in the outbox, which the sync
// engine sends when it can.
type InboxService struct {
	Session *SessionService
}

// ListParams select a section list.
type ListParams struct {
	Section        string `json:"section"` // customers or mine
	Status         string `json:"status"`  // open or closed
	BeforeActivity int64  `json:"before_activity,omitempty"`
	BeforeID       int64  `json:"before_id,omitempty"`
	Limit          int    `json:"limit,omitempty"`
}

// ListConversations returns a page of a section.
func (s *InboxService) ListConversations(p ListParams) ([]*chat.Conversation, error) {
	st, _, _, err := s.Session.current()
	if err != nil {
		return nil, err
	}
	f := chat.ConversationFilter{Section: chat.Section(p.Section), Status: chat.Status(p.Status), BeforeID: p.BeforeID, Limit: p.Limit}
	if p.BeforeActivity > 0 {
		f.BeforeActivity = time.UnixMilli(p.BeforeActivity)
	}
	return st.ListConversations(context.Background(), f)
}

// Counts returns the unread badges.
func (s *InboxService) Counts() (*chat.SectionCounts, error) {
	st, _, _, err := s.Session.current()
	if err != nil {
		return nil, err
	}
	return st.Counts(context.Background())
}

// MessagesParams select a page of a conversation.
type MessagesParams struct {
	ConversationID int64 `json:"conversation_id"`
	BeforeID       int64 `json:"before_id,omitempty"`
	Limit          int   `json:"limit,omitempty"`
}

// ConversationView is a page of messages plus what is waiting to be sent.
type ConversationView struct {
	Messages []*chat.Message    `json:"messages"`
	Pending  []localstore.Entry `json:"pending"`
}

// Messages returns a page and the pending outbox entries of a conversation.
func (s *InboxService) Messages(p MessagesParams) (*ConversationView, error) {
	st, _, _, err := s.Session.current()
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	msgs, err := st.Messages(ctx, p.ConversationID, p.BeforeID, p.Limit)
	if err != nil {
		return nil, err
	}
	pending, err := st.Outbox(ctx, p.ConversationID)
	return &ConversationView{Messages: msgs, Pending: pending}, err
}

// OpenParams say which conversation is on screen.
type OpenParams struct {
	ConversationID int64 `json:"conversation_id"`
	Focused        bool  `json:"focused"`
}

// OpenConversation marks it read (locally at once, on the server through
// the outbox) and stops notifications for it while focused.
func (s *InboxService) OpenConversation(p OpenParams) error {
	st, e, center, err := s.Session.current()
	if err != nil {
		return err
	}
	center.SetView(p.ConversationID, p.Focused)
	ctx := context.Background()
	msgs, err := st.Messages(ctx, p.ConversationID, 0, 1)
	if err != nil || len(msgs) == 0 {
		return err
	}
	newest := msgs[len(msgs)-1].ID
	if err := st.MarkReadLocal(ctx, p.ConversationID, newest); err != nil {
		return err
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutRead, ConversationID: p.ConversationID, MessageID: newest})
}

// SetFocus tells notifications whether the window showing a conversation
// has the focus, without marking anything read (window blur and focus).
func (s *InboxService) SetFocus(p OpenParams) error {
	_, _, center, err := s.Session.current()
	if err != nil {
		return err
	}
	center.SetView(p.ConversationID, p.Focused)
	return nil
}

// SendParams is a reply.
type SendParams struct {
	ConversationID int64  `json:"conversation_id"`
	Text           string `json:"text"`
}

// Send queues a reply; it shows as pending until the server has it.
func (s *InboxService) Send(p SendParams) error {
	if _, err := chat.CheckMessageText(p.Text); err != nil {
		return err
	}
	st, e, _, err := s.Session.current()
	if err != nil {
		return err
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutSend, ConversationID: p.ConversationID, Text: p.Text})
}

// ConversationParams name a conversation.
type ConversationParams struct {
	ConversationID int64 `json:"conversation_id"`
}

// Close queues closing a conversation.
func (s *InboxService) Close(p ConversationParams) error {
	st, e, _, err := s.Session.current()
	if err != nil {
		return err
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutClose, ConversationID: p.ConversationID})
}

// Reopen queues reopening a conversation.
func (s *InboxService) Reopen(p ConversationParams) error {
	st, e, _, err := s.Session.current()
	if err != nil {
		return err
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutReopen, ConversationID: p.ConversationID})
}

// SearchParams is a search box query.
type SearchParams struct {
	Query string `json:"query"`
	Limit int    `json:"limit,omitempty"`
}

// Search searches the local store.
func (s *InboxService) Search(p SearchParams) ([]*chat.SearchResult, error) {
	st, _, _, err := s.Session.current()
	if err != nil {
		return nil, err
	}
	return st.Search(context.Background(), p.Query, p.Limit)
}

func (s *InboxService) queue(st *localstore.Store, e interface{ Kick() }, en localstore.Entry) error {
	b := make([]byte, 12)
	rand.Read(b)
	en.ClientID = "app-" + hex.EncodeToString(b)
	if err := st.Enqueue(context.Background(), en); err != nil {
		return err
	}
	e.Kick()
	s.Session.Emit.Emit(EventInbox, map[string]bool{"live": true})
	return nil
}

// Conversation returns one conversation from the local store (header,
// status, linked item).
func (s *InboxService) Conversation(p ConversationParams) (*chat.Conversation, error) {
	st, _, _, err := s.Session.current()
	if err != nil {
		return nil, err
	}
	return st.Conversation(context.Background(), p.ConversationID)
}

// EditParams change one of my messages.
type EditParams struct {
	ConversationID int64  `json:"conversation_id"`
	MessageID      int64  `json:"message_id"`
	Text           string `json:"text"`
}

// Edit queues an edit of my message.
func (s *InboxService) Edit(p EditParams) error {
	if _, err := chat.CheckMessageText(p.Text); err != nil {
		return err
	}
	st, e, _, err := s.Session.current()
	if err != nil {
		return err
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutEdit, ConversationID: p.ConversationID, MessageID: p.MessageID, Text: p.Text})
}

// MessageRef names a message.
type MessageRef struct {
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
}

// Delete queues deleting my message (the UI asks for confirmation first).
func (s *InboxService) Delete(p MessageRef) error {
	st, e, _, err := s.Session.current()
	if err != nil {
		return err
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutDelete, ConversationID: p.ConversationID, MessageID: p.MessageID})
}

// Retry sends a refused outbox entry again.
func (s *InboxService) Retry(clientID string) error {
	st, e, _, err := s.Session.current()
	if err != nil {
		return err
	}
	if err := st.Retry(context.Background(), clientID); err != nil {
		return err
	}
	e.Kick()
	s.Session.Emit.Emit(EventInbox, map[string]bool{"live": true})
	return nil
}

// Discard drops an outbox entry the user gave up on.
func (s *InboxService) Discard(clientID string) error {
	st, _, _, err := s.Session.current()
	if err != nil {
		return err
	}
	if err := st.Discard(context.Background(), clientID); err != nil {
		return err
	}
	s.Session.Emit.Emit(EventInbox, map[string]bool{"live": true})
	return nil
}

// Typing tells the other side I am typing (dropped when offline).
func (s *InboxService) Typing(p ConversationParams) error {
	_, e, _, err := s.Session.current()
	if err != nil {
		return err
	}
	return e.Typing(p.ConversationID)
}

// UnreadTotal counts conversations with unread messages.
func (s *InboxService) UnreadTotal() (int, error) {
	st, _, _, err := s.Session.current()
	if err != nil {
		return 0, err
	}
	return st.UnreadTotal(context.Background())
}
