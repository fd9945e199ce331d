package httpapi

import (
	"net/http"

	"github.com/deskchat/deskchat/backend/chat"
)

func (s *Server) handleSectionCounts(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	c, err := s.store.SectionCounts(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleProposeItem(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := queryParams(r)
	typ := chat.ItemType(q.oneOf("type", string(chat.ItemTicket), string(chat.ItemTask)))
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	p, err := s.store.ProposeItem(r.Context(), a, id, typ)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) handleCreateItem(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	var ni chat.NewItem
	if err := decodeJSON(w, r, &ni); err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.store.CreateItem(r.Context(), a, ni)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, it)
}

func (s *Server) handleFindItems(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	q := queryParams(r)
	text, limit := q.text("q"), q.limit(chat.DefaultSearchLimit)
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	refs, err := s.store.FindItems(r.Context(), a, text, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": refs})
}

func (s *Server) handleGetItem(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	n, err := pathID(r, "number")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.store.FindItemByNumber(r.Context(), a, n)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (s *Server) handleUpdateItem(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	n, err := pathID(r, "number")
	var upd chat.ItemUpdate
	if err == nil {
		err = decodeJSON(w, r, &upd)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.store.UpdateItem(r.Context(), a, n, upd)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

type userRef struct {
	UserID int64 `json:"user_id"`
}

// itemRole handles POST /v1/items/{number}/{assignees|followers} (body
// user_id; 0 or absent = me) and DELETE …/{user_id}.
func (s *Server) itemRole(role chat.ItemRole, on bool) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a chat.Actor) {
		n, err := pathID(r, "number")
		var userID int64
		if err == nil && on {
			var req userRef
			if err = decodeJSON(w, r, &req); err == nil {
				userID = req.UserID
			}
		} else if err == nil {
			userID, err = pathID(r, "user")
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if userID == 0 {
			userID = a.ID
		}
		it, err := s.store.SetItemRole(r.Context(), a, n, userID, role, on)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, it)
	}
}

type linkRequest struct {
	Number int64 `json:"number"`
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	var req linkRequest
	if err == nil {
		err = decodeJSON(w, r, &req)
	}
	if err == nil && req.Number <= 0 {
		err = chat.Errorf(chat.EInvalid, "number must be a positive item number.")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.LinkConversation(r.Context(), a, id, req.Number)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeConversationOrGone(w, c)
}

func (s *Server) handleUnlink(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.LinkConversation(r.Context(), a, id, 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeConversationOrGone(w, c)
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	q := queryParams(r)
	sq := chat.SearchQuery{
		Text:    q.text("q"),
		Section: chat.Section(q.oneOf("section", string(chat.SectionCustomers), string(chat.SectionMine))),
		Status:  chat.Status(q.oneOf("status", string(chat.StatusOpen), string(chat.StatusClosed))),
		Limit:   q.limit(chat.DefaultSearchLimit),
	}
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	res, err := s.store.Search(r.Context(), a, sq)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res})
}

// writeConversationOrGone answers the conversation, or 204 when the caller
// no longer sees it (they unlinked the item they saw it through).
func writeConversationOrGone(w http.ResponseWriter, c *chat.Conversation) {
	if c == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
