package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
)

type actorHandler func(w http.ResponseWriter, r *http.Request, a chat.Actor)

// authed resolves the bearer token to an actor before calling h.
func (s *Server) authed(h actorHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, err := auth.ParseBearer(r.Header.Get("Authorization"))
		if err != nil {
			s.writeError(w, r, chat.Errorf(chat.EUnauthorized, "Send Authorization: Bearer <token>."))
			return
		}
		a, _, err := s.store.Authenticate(r.Context(), auth.HashToken(token), s.cfg.Now())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r, a)
	}
}

// rateLimited answers 429 when l has no token left for key.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, l *limiter, key string) bool {
	ok, wait := l.allow(r.Context(), key)
	if ok {
		return false
	}
	secs := int(math.Ceil(wait.Seconds())) // the header and the text say the same
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.writeError(w, r, chat.Errorf(chat.ERateLimited, "Too many requests; try again in %d s.", secs))
	return true
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string         `json:"token"`
	ExpiresAt time.Time      `json:"expires_at"`
	User      *chat.User     `json:"user,omitempty"`
	Customer  *chat.Customer `json:"customer,omitempty"`
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.rateLimited(w, r, s.loginIP, s.clientIP(r)) ||
		s.rateLimited(w, r, s.loginAccount, strings.ToLower(strings.TrimSpace(req.Email))) {
		return
	}
	bad := chat.Errorf(chat.EBadCredentials, "E-mail or password is wrong.")
	u, hash, err := s.store.FindUserCredentials(r.Context(), req.Email)
	if err != nil && chat.ErrorCode(err) != chat.ENotFound {
		s.writeError(w, r, err)
		return
	}
	// VerifyPassword spends a bcrypt comparison even for unknown e-mails,
	// so timing does not tell which addresses exist.
	if !auth.VerifyPassword(hash, req.Password) || u == nil {
		s.writeError(w, r, bad)
		return
	}
	if !u.Active {
		s.writeError(w, r, chat.Errorf(chat.EForbidden, "This account is deactivated."))
		return
	}
	resp, err := s.issueToken(r, u.ID, 0, s.cfg.UserTokenTTL)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp.User = u
	writeJSON(w, http.StatusOK, resp)
}

// issueToken creates a session for a user or a customer.
func (s *Server) issueToken(r *http.Request, userID, customerID int64, ttl time.Duration) (*tokenResponse, error) {
	token, hash, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	sess, err := s.store.CreateSession(r.Context(), chat.Session{
		TokenHash: hash, UserID: userID, CustomerID: customerID, ExpiresAt: s.cfg.Now().Add(ttl).UTC(),
	})
	if err != nil {
		return nil, err
	}
	return &tokenResponse{Token: token, ExpiresAt: sess.ExpiresAt}, nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	if err := s.store.DeleteSession(r.Context(), a.SessionID); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.hub.CloseSession(a.SessionID)
	w.WriteHeader(http.StatusNoContent)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	if err := chat.CanChangePassword(a); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req passwordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.rateLimited(w, r, s.loginAccount, "user:"+strconv.FormatInt(a.ID, 10)) {
		return
	}
	u, err := s.store.FindUserByID(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	_, hash, err := s.store.FindUserCredentials(r.Context(), u.Email)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !auth.VerifyPassword(hash, req.CurrentPassword) {
		s.writeError(w, r, chat.Errorf(chat.EBadCredentials, "The current password is wrong."))
		return
	}
	newHash, err := auth.HashPassword(req.NewPassword)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.SetUserPassword(r.Context(), a.ID, newHash, a.SessionID); err != nil {
		s.writeError(w, r, err)
		return
	}
	// Other sessions are gone from the store; close their open streams too.
	s.hub.CloseUserExcept(a.ID, a.SessionID)
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	Kind     chat.ActorKind `json:"kind"`
	User     *chat.User     `json:"user,omitempty"`
	Customer *chat.Customer `json:"customer,omitempty"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	resp := meResponse{Kind: a.Kind}
	var err error
	if a.IsUser() {
		resp.User, err = s.store.FindUserByID(r.Context(), a.ID)
	} else {
		resp.Customer, err = s.store.FindCustomerByID(r.Context(), a, a.ID)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
