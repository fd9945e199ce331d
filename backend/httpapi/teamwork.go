package httpapi

import (
	"net/http"

	"github.com/deskchat/deskchat/backend/chat"
)

// Assignment and saved replies (docs/API.md "Private notes, saved replies
// and assignment"). Private notes are messages: POST
// /v1/conversations/{id}/messages with "internal": true.

type assigneeRequest struct {
	UserID *int64 `json:"user_id"` // required; DELETE unassigns
}

// handleAssign: PUT /v1/conversations/{id}/assignee {"user_id": N}, N > 0
// (EInvalid otherwise: unassigning is DELETE, never a missing field).
func (s *Server) handleAssign(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	var req assigneeRequest
	if err == nil {
		err = decodeJSON(w, r, &req)
	}
	if err == nil && (req.UserID == nil || *req.UserID <= 0) {
		err = chat.Errorf(chat.EInvalid, "user_id is the assignee's id (DELETE /v1/conversations/{id}/assignee unassigns).")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.assign(w, r, a, id, *req.UserID)
}

// handleUnassign: DELETE /v1/conversations/{id}/assignee.
func (s *Server) handleUnassign(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.assign(w, r, a, id, 0)
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, a chat.Actor, id, userID int64) {
	c, err := s.store.AssignConversation(r.Context(), a, id, userID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type savedRepliesResponse struct {
	SavedReplies []*chat.SavedReply `json:"saved_replies"`
}

func (s *Server) handleListSavedReplies(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	list, err := s.store.ListSavedReplies(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, savedRepliesResponse{list})
}

func (s *Server) handleCreateSavedReply(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	var n chat.NewSavedReply
	if err := decodeJSON(w, r, &n); err != nil {
		s.writeError(w, r, err)
		return
	}
	sr, err := s.store.CreateSavedReply(r.Context(), a, n)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sr)
}

func (s *Server) handleUpdateSavedReply(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	var upd chat.SavedReplyUpdate
	if err == nil {
		err = decodeJSON(w, r, &upd)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sr, err := s.store.UpdateSavedReply(r.Context(), a, id, upd)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sr)
}

func (s *Server) handleDeleteSavedReply(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.store.DeleteSavedReply(r.Context(), a, id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
