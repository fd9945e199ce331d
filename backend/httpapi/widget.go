package httpapi

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/deskchat/deskchat/backend/chat"
)

// handleWidgetSession creates a customer and its token. The widget calls it
// once and keeps the token in its own origin's storage.
func (s *Server) handleWidgetSession(w http.ResponseWriter, r *http.Request) {
	var info chat.CustomerInfo
	if err := decodeJSON(w, r, &info); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.rateLimited(w, r, s.widgetSessions, s.clientIP(r)) {
		return
	}
	if info.Browser == "" {
		// The User-Agent is ours to trim; a value the client sent is not.
		// Made valid, one line, and cut at a character (not a byte).
		ua := strings.ToValidUTF8(r.UserAgent(), "")
		ua = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				return ' '
			}
			return r
		}, ua)
		if rs := []rune(ua); len(rs) > chat.MaxFieldRunes {
			ua = string(rs[:chat.MaxFieldRunes])
		}
		info.Browser = ua
	}
	c, err := s.store.CreateCustomer(r.Context(), info)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp, err := s.issueToken(r, 0, c.ID, s.cfg.CustomerTokenTTL)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp.Customer = c
	writeJSON(w, http.StatusCreated, resp)
}

// handleWidgetIdentify records a visit and what the customer told us.
func (s *Server) handleWidgetIdentify(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	if !a.IsCustomer() {
		s.writeError(w, r, chat.Errorf(chat.EForbidden, "Only customers have a widget profile."))
		return
	}
	var info chat.CustomerInfo
	if err := decodeJSON(w, r, &info); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.UpdateCustomer(r.Context(), a, a.ID, info)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleGetCustomer(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a.IsUser() {
		d, err := s.store.FindCustomerDetails(r.Context(), a, id)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, d)
		return
	}
	c, err := s.store.FindCustomerByID(r.Context(), a, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// handleEraseCustomer erases a customer (admins) and ends their streams,
// which close with chat.CloseUnauthorized (4001) and the reason
// customer_erased.
func (s *Server) handleEraseCustomer(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	er, err := s.store.EraseCustomer(r.Context(), a, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.hub.CloseCustomer(id)
	writeJSON(w, http.StatusOK, er)
}

func (s *Server) handleListErasures(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	list, err := s.store.ListErasures(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"erasures": list})
}
