package httpapi

import (
	"net/http"

	"github.com/deskchat/deskchat/backend/chat"
)

type messagePage struct {
	Messages []*chat.Message `json:"messages"`
}

func (s *Server) handleListMessages(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	q := queryParams(r)
	f := chat.MessageFilter{Before: q.id("before"), After: q.id("after"), Limit: q.limit(chat.DefaultPageSize)}
	if err == nil {
		err = q.err
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.ListMessages(r.Context(), a, id, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, messagePage{list})
}

// handleSendMessage answers 201 for a new message and 200 for a repeat of
// a client id; either way only after the transaction committed.
func (s *Server) handleSendMessage(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	var nm chat.NewMessage
	if err == nil {
		err = decodeJSON(w, r, &nm)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a.IsCustomer() && s.rateLimited(w, r, s.customerSends, s.clientIP(r)) {
		return
	}
	m, created, err := s.store.SendMessage(r.Context(), a, id, nm)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, m)
}

type editRequest struct {
	Text string `json:"text"`
}

func (s *Server) handleEditMessage(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	var req editRequest
	if err == nil {
		err = decodeJSON(w, r, &req)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Customers' edits and deletes share the send limit: each costs the
	// writer a rewrite of the events that carried the text.
	if a.IsCustomer() && s.rateLimited(w, r, s.customerSends, s.clientIP(r)) {
		return
	}
	m, err := s.store.EditMessage(r.Context(), a, id, req.Text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleDeleteMessage(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a.IsCustomer() && s.rateLimited(w, r, s.customerSends, s.clientIP(r)) {
		return
	}
	m, err := s.store.DeleteMessage(r.Context(), a, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleMessageAudit(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	entries, err := s.store.ListMessageAudit(r.Context(), a, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"audit": entries})
}
