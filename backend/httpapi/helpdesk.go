package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

func (s *Server) handleGetSettings(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	if err := chat.CanSeeTeam(a); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.store.Settings(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) handleUpdateSettings(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	var upd chat.SettingsUpdate
	if err := decodeJSON(w, r, &upd); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.store.UpdateSettings(r.Context(), a, upd)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.origins.Store(&st.AllowedOrigins)
	s.originsAt.Store(time.Now().UnixNano())
	writeJSON(w, http.StatusOK, st)
}

type onlineRequest struct {
	Online *bool `json:"online"`
}

func (s *Server) handleSetOnline(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	var req onlineRequest
	err := decodeJSON(w, r, &req)
	if err == nil && req.Online == nil {
		err = chat.Errorf(chat.EInvalid, "Send {\"online\": true} or {\"online\": false}.")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.store.SetOnline(r.Context(), a, *req.Online)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// handleWidgetConfig is public: the widget shows it before any session.
func (s *Server) handleWidgetConfig(w http.ResponseWriter, r *http.Request) {
	st, err := s.store.Settings(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st.Widget())
}

// loadOrigins reads the admin-configured origins.
func (s *Server) loadOrigins(ctx context.Context) {
	st, err := s.store.Settings(ctx)
	if err != nil {
		s.log.Warn("load allowed origins", "err", err)
		if s.origins.Load() == nil {
			empty := []string{}
			s.origins.Store(&empty)
		}
		return
	}
	s.origins.Store(&st.AllowedOrigins)
	s.originsAt.Store(time.Now().UnixNano())
}

// adminOrigins returns the admin-configured origins, refreshed when stale.
func (s *Server) adminOrigins() []string {
	if time.Since(time.Unix(0, s.originsAt.Load())) > s.cfg.OriginsTTL {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		s.loadOrigins(ctx)
		cancel()
	}
	if o := s.origins.Load(); o != nil {
		return *o
	}
	return nil
}

type meUpdate struct {
	TimeZone *string `json:"time_zone"`
	Name     *string `json:"name"`
}

func (s *Server) handleUpdateMe(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	var upd meUpdate
	err := chat.CanSeeTeam(a)
	if err == nil {
		err = decodeJSON(w, r, &upd)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Both checked before either is written: no half-applied update.
	if upd.TimeZone != nil {
		if _, err := chat.CheckTimeZone(*upd.TimeZone, false); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if err := chat.CheckUserUpdate(&chat.UserUpdate{Name: upd.Name}); err != nil {
		s.writeError(w, r, err)
		return
	}
	if upd.Name != nil {
		if _, err := s.store.UpdateUser(r.Context(), a, a.ID, chat.UserUpdate{Name: upd.Name}); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if upd.TimeZone != nil {
		if _, err := s.store.SetUserTimeZone(r.Context(), a, *upd.TimeZone); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	u, err := s.store.FindUserByID(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u.Online = s.hub.Online()[u.ID]
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) handlePresence(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	if err := chat.CanSeeTeam(a); err != nil {
		s.writeError(w, r, err)
		return
	}
	ids := []int64{}
	for id := range s.hub.Online() {
		ids = append(ids, id)
	}
	writeJSON(w, http.StatusOK, map[string]any{"online": ids})
}
