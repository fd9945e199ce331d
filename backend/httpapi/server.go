// Package httpapi serves deskchat's HTTP API and WebSocket event stream on
// top of a chat.Store and a hub.Hub: authentication, origin checks, request
// limits, and the mapping of domain errors to one JSON error shape.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"path"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/hub"
)

// Config tunes a Server. Zero values get sensible defaults.
type Config struct {
	// AllowedOrigins lists browser origins (scheme://host[:port]) besides
	// the server's own that may call the API and open streams. "*.example.com"
	// style patterns match subdomains.
	AllowedOrigins []string
	// UserTokenTTL is how long a team member's token lives (default 30 days).
	UserTokenTTL time.Duration
	// CustomerTokenTTL is how long a customer's token lives (default 180 days).
	CustomerTokenTTL time.Duration
	// Now is the clock (tests move it to expire tokens).
	Now func() time.Time
	// Logger receives internal errors. Defaults to slog.Default().
	Logger *slog.Logger
	// StreamQueue is each stream's live-event queue (default 1024, also for values ≤ 0).
	StreamQueue int
	// StreamPing is how often a stream pings its client, and checks
	// its token's expiry (default 30 s, also for values ≤ 0 or ≥ 70 s,
	// the silence after which a peer is gone).
	StreamPing time.Duration
	// LoginRate and WidgetSessionRate cap login attempts and new customer
	// sessions per minute per IP (defaults 20 and 30); LoginAccountRate per
	// e-mail (default 10).
	LoginRate, LoginAccountRate, WidgetSessionRate int
	// OriginsTTL is how long admin-set origins are cached (default 5 s).
	OriginsTTL time.Duration
	// CustomerSendRate caps customers' messages and new conversations per
	// minute per IP (default 60), so a widget cannot be used to flood.
	CustomerSendRate int
	// SharedLimits, when set, holds the rate-limit buckets for every node
	// of the helpdesk (a PostgreSQL store); else each process keeps its own.
	SharedLimits SharedLimits
	// TrustedProxies are the load balancers in front of the server
	// (addresses or CIDR prefixes): requests from them are counted by the
	// client address they add to X-Forwarded-For (see clientIP).
	TrustedProxies []string
	// Blobs keeps attachments' bytes (server.Open gives the store's);
	// without it uploads answer 503.
	Blobs blob.Store
}

// Server is the HTTP API.
type Server struct {
	store chat.Store
	hub   Streams
	cfg   Config
	log   *slog.Logger
	mux   *http.ServeMux

	loginIP, loginAccount, widgetSessions, customerSends *limiter
	trusted                                              []netip.Prefix

	// origins are the admin-configured allowed origins (settings), kept
	// here so every request does not read the database; re-read when older
	// than OriginsTTL (another process may change settings, a first load
	// may have failed).
	origins   atomic.Pointer[[]string]
	originsAt atomic.Int64 // unix ns of the last load

	// Streams in flight, so Shutdown can close them with a close frame.
	streams   sync.WaitGroup
	streamsMu sync.Mutex
	stopping  chan struct{}
	stopOnce  sync.Once

	decoding chan struct{} // images being decoded, one per CPU (attachments.go)
}

// Streams is where events reach the open streams: the process's
// *hub.Hub, or a cluster node (backend/cluster) that also reaches the
// streams of every other node and knows who is online anywhere.
type Streams interface {
	// Subscribe and Unsubscribe as hub.Hub's.
	Subscribe(a chat.Actor, queue int) (*hub.Sub, int64)
	Unsubscribe(s *hub.Sub)
	// Ephemeral fans out an event that is not stored (typing).
	Ephemeral(ev *chat.Event)
	// Online lists the users online now.
	Online() map[int64]bool
	// CloseSession, CloseUser, CloseUserExcept and CloseCustomer end
	// streams whose token was revoked, whose user changed, or whose
	// customer was erased.
	CloseSession(sessionID int64)
	CloseUser(userID int64)
	CloseUserExcept(userID, keepSessionID int64)
	CloseCustomer(customerID int64)
	// Shutdown ends every stream of this process.
	Shutdown()
}

// New builds a Server.
func New(store chat.Store, h Streams, cfg Config) *Server {
	if cfg.UserTokenTTL == 0 {
		cfg.UserTokenTTL = 30 * 24 * time.Hour
	}
	if cfg.CustomerTokenTTL == 0 {
		cfg.CustomerTokenTTL = 180 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StreamPing <= 0 || cfg.StreamPing >= pongWait {
		cfg.StreamPing = pingPeriod // a ping must come before the peer's silence counts (pongWait)
	}
	if cfg.StreamQueue <= 0 {
		cfg.StreamQueue = 1024
	}
	if cfg.LoginRate == 0 {
		cfg.LoginRate = 20
	}
	if cfg.LoginAccountRate == 0 {
		cfg.LoginAccountRate = 10
	}
	if cfg.WidgetSessionRate == 0 {
		cfg.WidgetSessionRate = 30
	}
	if cfg.OriginsTTL == 0 {
		cfg.OriginsTTL = 5 * time.Second
	}
	if cfg.CustomerSendRate == 0 {
		cfg.CustomerSendRate = 60
	}
	s := &Server{
		store: store, hub: h, cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(),
		loginIP:        newLimiter("login-ip", cfg.SharedLimits, cfg.LoginRate, time.Minute, cfg.Now),
		loginAccount:   newLimiter("login-account", cfg.SharedLimits, cfg.LoginAccountRate, time.Minute, cfg.Now),
		widgetSessions: newLimiter("widget-session", cfg.SharedLimits, cfg.WidgetSessionRate, time.Minute, cfg.Now),
		customerSends:  newLimiter("customer-send", cfg.SharedLimits, cfg.CustomerSendRate, time.Minute, cfg.Now),
		stopping:       make(chan struct{}),
		decoding:       make(chan struct{}, runtime.NumCPU()),
	}
	s.trusted, _ = ParseProxies(cfg.TrustedProxies)
	s.routes()
	s.loadOrigins(context.Background())
	return s
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.handleHealth)

	m.HandleFunc("POST /v1/auth/login", s.handleLogin)
	m.HandleFunc("POST /v1/auth/logout", noBody(s.authed(s.handleLogout)))
	m.HandleFunc("POST /v1/auth/password", s.authed(s.handleChangePassword))
	m.HandleFunc("GET /v1/me", s.authed(s.handleMe))

	m.HandleFunc("GET /v1/users", s.authed(s.handleListUsers))
	m.HandleFunc("POST /v1/users", s.authed(s.handleCreateUser))
	m.HandleFunc("GET /v1/users/{id}", s.authed(s.handleGetUser))
	m.HandleFunc("PATCH /v1/users/{id}", s.authed(s.handleUpdateUser))

	m.HandleFunc("POST /v1/widget/session", s.handleWidgetSession)
	m.HandleFunc("PATCH /v1/widget/me", s.authed(s.handleWidgetIdentify))
	m.HandleFunc("GET /v1/customers/{id}", s.authed(s.handleGetCustomer))
	m.HandleFunc("POST /v1/customers/{id}/erase", noBody(s.authed(s.handleEraseCustomer)))
	m.HandleFunc("GET /v1/erasures", s.authed(s.handleListErasures))

	m.HandleFunc("GET /v1/conversations", s.authed(s.handleListConversations))
	m.HandleFunc("POST /v1/conversations", s.authed(s.handleCreateConversation))
	m.HandleFunc("GET /v1/conversations/{id}", s.authed(s.handleGetConversation))
	m.HandleFunc("POST /v1/conversations/{id}/close", noBody(s.authed(s.handleClose)))
	m.HandleFunc("POST /v1/conversations/{id}/reopen", noBody(s.authed(s.handleReopen)))
	m.HandleFunc("POST /v1/conversations/{id}/participants", s.authed(s.handleAddParticipant))
	m.HandleFunc("POST /v1/conversations/{id}/read", s.authed(s.handleMarkRead))
	m.HandleFunc("GET /v1/conversations/{id}/messages", s.authed(s.handleListMessages))
	m.HandleFunc("POST /v1/conversations/{id}/messages", s.authed(s.handleSendMessage))
	m.HandleFunc("PATCH /v1/messages/{id}", s.authed(s.handleEditMessage))
	m.HandleFunc("DELETE /v1/messages/{id}", noBody(s.authed(s.handleDeleteMessage)))
	m.HandleFunc("GET /v1/messages/{id}/audit", s.authed(s.handleMessageAudit))
	m.HandleFunc("GET /v1/unread", s.authed(s.handleUnread))
	m.HandleFunc("PUT /v1/conversations/{id}/assignee", s.authed(s.handleAssign))
	m.HandleFunc("DELETE /v1/conversations/{id}/assignee", noBody(s.authed(s.handleUnassign)))
	m.HandleFunc("GET /v1/saved-replies", s.authed(s.handleListSavedReplies))
	m.HandleFunc("POST /v1/saved-replies", s.authed(s.handleCreateSavedReply))
	m.HandleFunc("PATCH /v1/saved-replies/{id}", s.authed(s.handleUpdateSavedReply))
	m.HandleFunc("DELETE /v1/saved-replies/{id}", noBody(s.authed(s.handleDeleteSavedReply)))

	m.HandleFunc("GET /v1/sections/counts", s.authed(s.handleSectionCounts))
	m.HandleFunc("GET /v1/conversations/{id}/proposal", s.authed(s.handleProposeItem))
	m.HandleFunc("PUT /v1/conversations/{id}/item", s.authed(s.handleLink))
	m.HandleFunc("DELETE /v1/conversations/{id}/item", noBody(s.authed(s.handleUnlink)))
	m.HandleFunc("POST /v1/items", s.authed(s.handleCreateItem))
	m.HandleFunc("GET /v1/items", s.authed(s.handleFindItems))
	m.HandleFunc("GET /v1/items/{number}", s.authed(s.handleGetItem))
	m.HandleFunc("PATCH /v1/items/{number}", s.authed(s.handleUpdateItem))
	m.HandleFunc("POST /v1/items/{number}/assignees", s.authed(s.itemRole(chat.RoleAssignee, true)))
	m.HandleFunc("DELETE /v1/items/{number}/assignees/{user}", noBody(s.authed(s.itemRole(chat.RoleAssignee, false))))
	m.HandleFunc("POST /v1/items/{number}/followers", s.authed(s.itemRole(chat.RoleFollower, true)))
	m.HandleFunc("DELETE /v1/items/{number}/followers/{user}", noBody(s.authed(s.itemRole(chat.RoleFollower, false))))
	m.HandleFunc("GET /v1/search", s.authed(s.handleSearch))
	m.HandleFunc("GET /v1/settings", s.authed(s.handleGetSettings))
	m.HandleFunc("PATCH /v1/settings", s.authed(s.handleUpdateSettings))
	m.HandleFunc("PUT /v1/helpdesk/online", s.authed(s.handleSetOnline))
	m.HandleFunc("GET /v1/widget/config", s.handleWidgetConfig)
	m.HandleFunc("PATCH /v1/me", s.authed(s.handleUpdateMe))
	m.HandleFunc("GET /v1/presence", s.authed(s.handlePresence))
	m.HandleFunc("POST "+uploadPath, s.authed(s.handleUpload))
	m.HandleFunc("DELETE "+uploadPath+"/{id}", noBody(s.authed(s.handleDiscardUpload)))
	m.HandleFunc("GET /v1/attachments/{id}", s.authed(s.handleAttachment(false)))
	m.HandleFunc("GET /v1/attachments/{id}/thumbnail", s.authed(s.handleAttachment(true)))

	m.HandleFunc("GET /v1/stream", s.handleStream)
	m.HandleFunc("/", s.handleNoRoute)
}

// CleanPaths answers 404 (in the one error shape) for a path that is not
// in its clean form ("/v1//me", "/v1/a/../me") before next sees it: an
// http.ServeMux in front would answer those with an HTML redirect.
func (s *Server) CleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == "" || path.Clean(p) != p {
			s.writeError(w, r, chat.Errorf(chat.ENotFound, "No such endpoint: %s.", p))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// noBody wraps an endpoint that takes no body (see emptyBody).
func noBody(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := emptyBody(w, r); err != nil {
			writeBare(w, err)
			return
		}
		h(w, r)
	}
}

// ServeHTTP applies the cross-cutting checks, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	defer func() {
		// A panic is a bug, but the client still gets the one error shape
		// and the server keeps serving.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v)
			s.writeError(w, r, chat.Errorf(chat.EInternal, "Internal error."))
		}
	}()
	// Browsers send Origin on cross-site requests and on every WebSocket
	// upgrade; non-browser clients (the desktop app, curl) send none.
	if origin := r.Header.Get("Origin"); origin != "" && r.Method != http.MethodGet && r.Method != http.MethodHead {
		if !s.originAllowed(origin, r.Host) {
			s.writeError(w, r, chat.Errorf(chat.EOriginForbidden, "Origin %s is not allowed.", origin))
			return
		}
	}
	// A path that is not in its clean form ("/v1//me", "/v1/a/../me") is
	// no path of ours; the mux would redirect with an HTML body.
	if p := r.URL.Path; p == "" || path.Clean(p) != p {
		s.writeError(w, r, chat.Errorf(chat.ENotFound, "No such endpoint: %s.", p))
		return
	}
	// The body's type is checked before anything else (the token too): a
	// form sent anywhere answers 415, whoever sends it.
	if err := checkBodyType(r); err != nil && r.URL.Path != uploadPath {
		s.writeError(w, r, err)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// handleNoRoute answers 405 for a known path with another method, else 404.
func (s *Server) handleNoRoute(w http.ResponseWriter, r *http.Request) {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			s.writeError(w, r, chat.Errorf(chat.EMethod, "%s is not allowed on %s.", r.Method, r.URL.Path))
			return
		}
	}
	s.writeError(w, r, chat.Errorf(chat.ENotFound, "No such endpoint: %s %s.", r.Method, r.URL.Path))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Shutdown closes every stream with a close frame (1001 going away) and
// waits for them to finish, or for ctx. Call it alongside
// http.Server.Shutdown, which does not track upgraded connections.
func (s *Server) Shutdown(ctx context.Context) error {
	s.streamsMu.Lock()
	s.stopOnce.Do(func() { close(s.stopping) })
	s.streamsMu.Unlock()
	s.hub.Shutdown()
	done := make(chan struct{})
	go func() { s.streams.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
