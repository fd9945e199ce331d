package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// A conversation list cursor is "<last activity ms>.<id>" of the last item.
func encodeCursor(c *chat.Conversation) string {
	return fmt.Sprintf("%d.%d", c.LastActivityAt.UnixMilli(), c.ID)
}

func decodeCursor(s string, f *chat.ConversationFilter) error {
	if s == "" {
		return nil
	}
	msPart, idPart, ok := strings.Cut(s, ".")
	ms, err1 := strconv.ParseInt(msPart, 10, 64)
	id, err2 := strconv.ParseInt(idPart, 10, 64)
	if !ok || err1 != nil || err2 != nil || ms < 0 || id <= 0 {
		return chat.Errorf(chat.EInvalid, "Malformed cursor.")
	}
	f.BeforeActivity, f.BeforeID = time.UnixMilli(ms).UTC(), id
	return nil
}

type conversationPage struct {
	Conversations []*chat.Conversation `json:"conversations"`
	NextCursor    string               `json:"next_cursor,omitempty"`
}

func (s *Server) handleListConversations(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	q := queryParams(r)
	f := chat.ConversationFilter{
		Section: chat.Section(q.oneOf("section", string(chat.SectionCustomers), string(chat.SectionMine))),
		Status:  chat.Status(q.oneOf("status", string(chat.StatusOpen), string(chat.StatusClosed))),
		Kind:    chat.ConversationKind(q.oneOf("kind", string(chat.ConversationCustomer), string(chat.ConversationTeam))),
		Limit:   q.limit(chat.DefaultPageSize),

		Assignee: chat.AssigneeFilter(q.oneOf("assignee", string(chat.AssignedToMe), string(chat.Unassigned))),
	}
	err := decodeCursor(q.text("cursor"), &f)
	if q.err != nil {
		err = q.err
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.ListConversations(r.Context(), a, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page := conversationPage{Conversations: list}
	if len(list) == f.Limit {
		page.NextCursor = encodeCursor(list[len(list)-1])
	}
	writeJSON(w, http.StatusOK, page)
}

type createConversationResponse struct {
	Conversation *chat.Conversation `json:"conversation"`
	Message      *chat.Message      `json:"message,omitempty"`
}

func (s *Server) handleCreateConversation(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	var nc chat.NewConversation
	if err := decodeJSON(w, r, &nc); err != nil {
		s.writeError(w, r, err)
		return
	}
	if a.IsCustomer() && s.rateLimited(w, r, s.customerSends, s.clientIP(r)) {
		return
	}
	c, m, created, err := s.store.CreateConversation(r.Context(), a, nc)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, createConversationResponse{c, m})
}

func (s *Server) handleGetConversation(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.FindConversationByID(r.Context(), a, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleClose(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	s.setStatus(w, r, a, s.store.CloseConversation)
}

func (s *Server) handleReopen(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	s.setStatus(w, r, a, s.store.ReopenConversation)
}

func (s *Server) setStatus(w http.ResponseWriter, r *http.Request, a chat.Actor,
	change func(context.Context, chat.Actor, int64) (*chat.Conversation, error)) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := change(r.Context(), a, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type participantRequest struct {
	UserID int64 `json:"user_id"`
}

func (s *Server) handleAddParticipant(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	var req participantRequest
	if err == nil {
		err = decodeJSON(w, r, &req)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.AddParticipant(r.Context(), a, id, req.UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type readRequest struct {
	MessageID int64 `json:"message_id"`
}

func (s *Server) handleMarkRead(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	var req readRequest
	if err == nil {
		err = decodeJSON(w, r, &req)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rs, err := s.store.MarkRead(r.Context(), a, id, req.MessageID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rs)
}

func (s *Server) handleUnread(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	u, err := s.store.UnreadCounts(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}
