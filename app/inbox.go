package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/locales"
)

// InboxService answers the messenger's reads from the local store (so they
// work offline) and queues every change in the outbox, which the sync
// engine sends when it can.
type InboxService struct {
	Session *SessionService
	Files   *AttachmentService // the composer's staged files
}

// ListParams select a section list.
type ListParams struct {
	Section        string `json:"section"`            // customers or mine
	Status         string `json:"status"`             // open or closed
	Assignee       string `json:"assignee,omitempty"` // me (Assigned to me) or none (Unassigned)
	BeforeActivity int64  `json:"before_activity,omitempty"`
	BeforeID       int64  `json:"before_id,omitempty"`
	Limit          int    `json:"limit,omitempty"`
}

// ListConversations returns a page of a section.
func (s *InboxService) ListConversations(p ListParams) ([]*chat.Conversation, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	f := chat.ConversationFilter{Section: chat.Section(p.Section), Status: chat.Status(p.Status), BeforeID: p.BeforeID, Limit: p.Limit,
		Assignee: chat.AssigneeFilter(p.Assignee)}
	if p.BeforeActivity > 0 {
		f.BeforeActivity = time.UnixMilli(p.BeforeActivity)
	}
	return st.ListConversations(context.Background(), f)
}

// SectionCounts returns the unread badges.
func (s *InboxService) SectionCounts() (*chat.SectionCounts, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	return st.SectionCounts(context.Background())
}

// ListMessagesParams select a page of a conversation: the newest, the one
// just older than BeforeID, or the one just newer than AfterID (the pane
// keeps a window of pages and moves it either way).
type ListMessagesParams struct {
	ConversationID int64 `json:"conversation_id"`
	BeforeID       int64 `json:"before_id,omitempty"`
	AfterID        int64 `json:"after_id,omitempty"`
	Limit          int   `json:"limit,omitempty"`
}

// ConversationView is a page of messages plus what is waiting to be sent.
type ConversationView struct {
	Messages []*chat.Message    `json:"messages"`
	Pending  []localstore.Entry `json:"pending"`
}

// ListMessages returns a page and the pending outbox entries of a
// conversation. Errors: invalid (both before_id and after_id).
func (s *InboxService) ListMessages(p ListMessagesParams) (*ConversationView, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	var msgs []*chat.Message
	switch {
	case p.BeforeID > 0 && p.AfterID > 0:
		return nil, chat.Errorf(chat.EInvalid, "Give before_id or after_id, not both.")
	case p.AfterID > 0:
		msgs, err = st.ListMessagesAfter(ctx, p.ConversationID, p.AfterID, p.Limit)
	default:
		msgs, err = st.ListMessages(ctx, p.ConversationID, p.BeforeID, p.Limit)
	}
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
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	st, e, center := rt.store, rt.engine, rt.center
	center.SetView(p.ConversationID, p.Focused)
	ctx := context.Background()
	msgs, err := st.ListMessages(ctx, p.ConversationID, 0, 1)
	if err != nil || len(msgs) == 0 {
		return err
	}
	newest := msgs[len(msgs)-1].ID
	if err := st.MarkReadLocal(ctx, p.ConversationID, newest); err != nil {
		return err
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutMarkRead, ConversationID: p.ConversationID, MessageID: newest})
}

// markRead marks a conversation read up to its newest message (locally
// at once, on the server through the outbox): a notification's Mark as read.
func (s *InboxService) markRead(id int64) error {
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	st, e := rt.store, rt.engine
	ctx := context.Background()
	msgs, err := st.ListMessages(ctx, id, 0, 1)
	if err != nil || len(msgs) == 0 {
		return err
	}
	newest := msgs[len(msgs)-1].ID
	if err := st.MarkReadLocal(ctx, id, newest); err != nil {
		return err
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutMarkRead, ConversationID: id, MessageID: newest})
}

// SetFocus tells notifications whether the window showing a conversation
// has the focus, without marking anything read (window blur and focus).
func (s *InboxService) SetFocus(p OpenParams) error {
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	center := rt.center
	center.SetView(p.ConversationID, p.Focused)
	return nil
}

// SendMessageParams is a reply, or a private note (Internal) for the team
// only; Mentions are the teammates it @mentions.
type SendMessageParams struct {
	ConversationID int64   `json:"conversation_id"`
	Text           string  `json:"text"` // may be empty with Files
	Internal       bool    `json:"internal,omitempty"`
	Mentions       []int64 `json:"mentions,omitempty"`
	// Files are staged files (AttachmentService.Stage, Pick) the reply
	// sends, at most chat.MaxAttachments.
	Files []string `json:"files,omitempty"`
}

// SendMessage queues a reply or a note; it shows as pending until the
// server has it (offline it waits in the outbox, and a repeat is
// harmless: the outbox entry's client id makes the send idempotent). The
// server's checks run here first (CheckNewMessage, CanSendIn with the
// local copy of the conversation).
func (s *InboxService) SendMessage(p SendMessageParams) error {
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	st, e := rt.store, rt.engine
	nm := chat.NewMessage{Text: p.Text, Internal: p.Internal, Mentions: p.Mentions}
	// The server's checks count the files: stand-in upload ids until the
	// engine uploads them.
	for range p.Files {
		nm.Attachments = append(nm.Attachments, chat.NewAttachmentID())
	}
	if err := chat.CheckNewMessage(chat.Actor{Kind: chat.KindUser, ID: st.Me()}, &nm); err != nil {
		return err
	}
	if conv, err := st.FindConversationByID(context.Background(), p.ConversationID); err == nil {
		if err := chat.CanSendIn(conv, nm); err != nil {
			return err
		}
	}
	var files []localstore.OutFile
	if len(p.Files) > 0 {
		if files, err = s.Files.take(p.ConversationID, p.Files); err != nil {
			return err
		}
	}
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutSendMessage, ConversationID: p.ConversationID, Text: nm.Text,
		Internal: nm.Internal, Mentions: nm.Mentions, Files: files})
}

// AssignParams assign a conversation (UserID 0 unassigns).
type AssignParams struct {
	ConversationID int64 `json:"conversation_id"`
	UserID         int64 `json:"user_id"`
}

// AssignConversation assigns, transfers or unassigns a customer
// conversation. Assignment is shared team state and needs the server
// (ErrOffline otherwise); the change reaches the local store as
// conversation.updated, and the answer is stored at once.
func (s *InboxService) AssignConversation(p AssignParams) (*chat.Conversation, error) {
	c, err := call(s.Session, func(ctx context.Context, cl *client.Client) (*chat.Conversation, error) {
		return cl.AssignConversation(ctx, p.ConversationID, p.UserID)
	})
	if err != nil {
		return nil, err
	}
	s.keep(c)
	return c, nil
}

// keep stores a conversation the server just answered with, before its
// event arrives, and tells the UI.
func (s *InboxService) keep(c *chat.Conversation) {
	if st, err := s.Session.store(); err == nil {
		if err := st.StoreSnapshot(context.Background(), []*chat.Conversation{c}, nil, nil, nil); err == nil {
			s.Session.Emit.Emit(EventInbox, InboxChange{Live: true})
		}
	}
}

// ConversationParams name a conversation.
type ConversationParams struct {
	ConversationID int64 `json:"conversation_id"`
}

// CloseConversation queues closing a conversation.
func (s *InboxService) CloseConversation(p ConversationParams) error {
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	st, e := rt.store, rt.engine
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutCloseConversation, ConversationID: p.ConversationID})
}

// ReopenConversation queues reopening a conversation.
func (s *InboxService) ReopenConversation(p ConversationParams) error {
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	st, e := rt.store, rt.engine
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutReopenConversation, ConversationID: p.ConversationID})
}

// SearchParams is a search box query.
type SearchParams struct {
	Query string `json:"query"`
	Limit int    `json:"limit,omitempty"`
	localstore.SearchFilter
}

// Search searches the local store.
func (s *InboxService) Search(p SearchParams) ([]*chat.SearchResult, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	return st.SearchWith(context.Background(), p.Query, p.Limit, p.SearchFilter)
}

func (s *InboxService) queue(st *localstore.Store, e interface{ Kick() }, en localstore.Entry) error {
	b := make([]byte, 12)
	rand.Read(b)
	en.ClientID = "app-" + hex.EncodeToString(b)
	if err := st.Enqueue(context.Background(), en); err != nil {
		return err
	}
	e.Kick()
	s.Session.Emit.Emit(EventInbox, InboxChange{Live: true})
	return nil
}

// FindConversationByID returns one conversation from the local store (header,
// status, linked item).
func (s *InboxService) FindConversationByID(p ConversationParams) (*chat.Conversation, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	return st.FindConversationByID(context.Background(), p.ConversationID)
}

// EditMessageParams change one of my messages.
type EditMessageParams struct {
	ConversationID int64  `json:"conversation_id"`
	MessageID      int64  `json:"message_id"`
	Text           string `json:"text"`
}

// EditMessage queues an edit of my message.
func (s *InboxService) EditMessage(p EditMessageParams) error {
	if _, err := chat.CheckMessageText(p.Text); err != nil {
		return err
	}
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	st, e := rt.store, rt.engine
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutEditMessage, ConversationID: p.ConversationID, MessageID: p.MessageID, Text: p.Text})
}

// MessageRef names a message.
type MessageRef struct {
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
}

// DeleteMessage queues deleting my message (the UI asks for confirmation first).
func (s *InboxService) DeleteMessage(p MessageRef) error {
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	st, e := rt.store, rt.engine
	return s.queue(st, e, localstore.Entry{Kind: localstore.OutDeleteMessage, ConversationID: p.ConversationID, MessageID: p.MessageID})
}

// Retry sends a refused outbox entry again.
func (s *InboxService) Retry(clientID string) error {
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	st, e := rt.store, rt.engine
	if err := st.Retry(context.Background(), clientID); err != nil {
		return err
	}
	e.Kick()
	s.Session.Emit.Emit(EventInbox, InboxChange{Live: true})
	return nil
}

// Discard drops an outbox entry the user gave up on.
func (s *InboxService) Discard(clientID string) error {
	st, err := s.Session.store()
	if err != nil {
		return err
	}
	if err := st.Discard(context.Background(), clientID); err != nil {
		return err
	}
	s.Session.Emit.Emit(EventInbox, InboxChange{Live: true})
	return nil
}

// TypingParams say where I type, and whether it is a private note (then
// only the team is told).
type TypingParams struct {
	ConversationID int64 `json:"conversation_id"`
	Internal       bool  `json:"internal,omitempty"`
}

// Typing tells the other side I am typing (dropped when offline).
func (s *InboxService) Typing(p TypingParams) error {
	rt, err := s.Session.current()
	if err != nil {
		return err
	}
	e := rt.engine
	return e.Typing(p.ConversationID, p.Internal)
}

// UnreadTotal counts conversations with unread messages.
func (s *InboxService) UnreadTotal() (int, error) {
	st, err := s.Session.store()
	if err != nil {
		return 0, err
	}
	return st.UnreadTotal(context.Background())
}

// MessageAudit returns a message's edits and deletes with the text before
// and after (admins only; the server checks). It needs the server: the
// audit is the one copy of earlier text, never kept on a desktop.
func (s *InboxService) MessageAudit(p MessageRef) ([]*chat.AuditEntry, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) ([]*chat.AuditEntry, error) {
		return c.ListMessageAudit(ctx, p.MessageID)
	})
}

// ParticipantParams add a teammate to a conversation.
type ParticipantParams struct {
	ConversationID int64 `json:"conversation_id"`
	UserID         int64 `json:"user_id"`
}

// AddParticipant adds a teammate to a conversation I may see: they see it
// in My Conversations from then on. Membership is shared team state and
// needs the server (ErrOffline otherwise); the answer is stored at once.
func (s *InboxService) AddParticipant(p ParticipantParams) (*chat.Conversation, error) {
	c, err := call(s.Session, func(ctx context.Context, cl *client.Client) (*chat.Conversation, error) {
		return cl.AddParticipant(ctx, p.ConversationID, p.UserID)
	})
	if err != nil {
		return nil, err
	}
	s.keep(c)
	return c, nil
}

// ExportSearchParams export a search result: the search (as Search) and
// the format ("text" or "html").
type ExportSearchParams struct {
	SearchParams
	Format string `json:"format"`
}

// ExportSearch writes the results of a search of the local store (offline
// too; up to chat.MaxPageSize) as a file (SearchTranscript) where the agent
// says in the native save dialog. It returns the path ("" when the agent
// cancelled). Errors (their messages): those of Search; a format other
// than text or html.
func (s *InboxService) ExportSearch(p ExportSearchParams) (string, error) {
	if p.Format != TranscriptText && p.Format != TranscriptHTML {
		return "", s.Session.fail("desktop.errors.format")
	}
	st, err := s.Session.store()
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	results, err := st.SearchWith(ctx, p.Query, chat.MaxPageSize, p.SearchFilter)
	if err != nil {
		return "", errors.New(chat.ErrorMessage(err))
	}
	found := SearchFound{Items: map[int64]*chat.Item{}, Conversations: map[int64]*chat.Conversation{}}
	var ids []int64
	for _, r := range results {
		switch r.Kind {
		case chat.ResultMessage:
			ids = append(ids, r.MessageID)
		case chat.ResultItem:
			if it, err := st.FindItemByNumber(ctx, r.ItemNumber); err == nil {
				found.Items[it.Number] = it
			}
		case chat.ResultCustomer:
			if c, err := st.FindConversationByID(ctx, r.ConversationID); err == nil {
				found.Conversations[c.ID] = c
			}
		}
	}
	if found.Messages, err = st.FindMessages(ctx, ids); err != nil {
		return "", err
	}
	lang := s.Session.Language()
	data, err := SearchTranscript(p.Format, p.Query, describeFilter(p.SearchFilter, lang, time.Local), results, found, lang, time.Local, time.Now())
	if err != nil {
		return "", errors.New(chat.ErrorMessage(err))
	}
	return s.save("desktop.dialog.export_search", "search-results", p.Format, data)
}

// describeFilter says how a search was narrowed, for its export, in lang
// (dates in loc): " (From Customers, closed)", "" when it was not.
func describeFilter(f localstore.SearchFilter, lang string, loc *time.Location) string {
	w := writer{lang: lang, loc: loc}
	var parts []string
	switch f.Section {
	case chat.SectionCustomers:
		parts = append(parts, w.t("from_customers", nil))
	case chat.SectionMine:
		parts = append(parts, w.t("my_conversations", nil))
	}
	if f.Status != "" {
		parts = append(parts, w.word("status", string(f.Status)))
	}
	if f.CustomerID != 0 {
		parts = append(parts, w.t("filter_customer", locales.Args{"id": f.CustomerID}))
	}
	if !f.From.IsZero() {
		parts = append(parts, locales.Put(w.t("filter_from", nil), map[string]string{"date": w.date(f.From)}))
	}
	if !f.To.IsZero() {
		parts = append(parts, locales.Put(w.t("filter_before", nil), map[string]string{"date": w.date(f.To)}))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// save writes data where the agent says in the native save dialog, whose
// title is the catalog's titleKey.
func (s *InboxService) save(titleKey, name, format string, data []byte) (string, error) {
	if s.Files == nil || s.Files.Dialogs == nil {
		return "", s.Session.fail("desktop.errors.no_window")
	}
	ext := map[string]string{TranscriptText: ".txt", TranscriptHTML: ".html"}[format]
	path, err := s.Files.Dialogs.SaveFile(locales.T(s.Session.Language(), titleKey, nil), name+ext)
	if err != nil || path == "" {
		return "", err
	}
	return path, os.WriteFile(path, data, 0o600)
}

// ExportParams export a conversation as a transcript ("text" or "html").
type ExportParams struct {
	ConversationID int64  `json:"conversation_id"`
	Format         string `json:"format"`
}

// ExportConversation writes a conversation's whole history, as the local
// store holds it (offline too), as a transcript (Transcript) where the
// agent says in the native save dialog. It returns the path ("" when the
// agent cancelled).
func (s *InboxService) ExportConversation(p ExportParams) (string, error) {
	st, err := s.Session.store()
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	c, err := st.FindConversationByID(ctx, p.ConversationID)
	if err != nil {
		return "", err
	}
	var all []*chat.Message
	for before := int64(0); ; {
		page, err := st.ListMessages(ctx, c.ID, before, chat.MaxPageSize)
		if err != nil {
			return "", err
		}
		all = append(page, all...)
		if len(page) < chat.MaxPageSize {
			break
		}
		before = page[0].ID
	}
	data, err := Transcript(p.Format, c, all, st.Me(), s.Session.Language(), time.Local, time.Now())
	if err != nil {
		return "", errors.New(chat.ErrorMessage(err))
	}
	return s.save("desktop.dialog.export_conversation", fmt.Sprintf("conversation-%d", c.ID), p.Format, data)
}
