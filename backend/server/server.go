// Package server wires a whole deskchat server: the store (SQLite, or
// PostgreSQL for several nodes: OpenStore), the hub
// and the HTTP API, plus housekeeping and graceful shutdown. The
// deskchat-server binary and the desktop app's embedded local helpdesk both
// run it, and tests start it on loopback.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
	// Customers' and users' local times need the zone database even on a
	// host without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/cluster"
	"github.com/deskchat/deskchat/backend/httpapi"
	"github.com/deskchat/deskchat/backend/hub"
	"github.com/deskchat/deskchat/backend/widget"
)

// Config configures a Server.
type Config struct {
	// DB names the database: an SQLite file path (or sqlite:PATH), or a
	// postgres:// URL (see OpenStore).
	DB     string
	API    httpapi.Config
	Logger *slog.Logger
	// BusyTimeout is how long a write waits for a locked database before
	// answering 503 (default 5 s).
	BusyTimeout time.Duration
	// KeepEvents prunes the event log to this many newest events (0 keeps
	// all). Clients with older cursors get a resync answer.
	KeepEvents int64
	// NATS joins the other nodes of the helpdesk (nats://HOST:4222;
	// backend/cluster); it needs a PostgreSQL database. NodeID names this
	// node in the cluster (default: random).
	NATS, NodeID string
	// PresenceGrace is how long a user stays online after their last
	// stream closes (default 10 s, hub.Hub.Grace).
	PresenceGrace time.Duration
	// HousekeepingEvery is how often expired sessions are removed and the
	// log pruned (default 1 h); with several nodes only the leader does it.
	HousekeepingEvery time.Duration
	// AssignEvery is how often auto-assignment looks for waiting
	// conversations and offline assignees (default 1 s; assign.go).
	// AssignMinute shortens the minute of Settings.UnassignOfflineAfter
	// (tests only; default a minute).
	AssignEvery, AssignMinute time.Duration
	// Files is the folder attachments' bytes are kept in (blob.Dir);
	// default "<database>.files" beside an SQLite database, and the
	// database itself for PostgreSQL (postgres.Blobs), which every node
	// reads. FilesEvery is how often the sweeper deletes the bytes no
	// attachment uses (default 1 min; files.go); FileGrace how long fresh
	// bytes are spared (default DefaultFileGrace; tests shorten both).
	Files      string
	FilesEvery time.Duration
	FileGrace  time.Duration
}

// Server is a running deskchat server.
type Server struct {
	Store chat.Store
	Hub   *hub.Hub
	Node  *cluster.Node // nil without NATS
	API   *httpapi.Server
	Blobs blob.Store // attachments' bytes

	kick     chan struct{} // wakes the file sweeper
	startMu  sync.Mutex    // orders Serve's start against Shutdown
	streams  httpapi.Streams
	cfg      Config
	log      *slog.Logger
	http     *http.Server
	listener net.Listener
	stop     chan struct{}
	wg       sync.WaitGroup
}

// Open opens the database and builds the server without listening yet.
func Open(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.API.Logger == nil {
		cfg.API.Logger = cfg.Logger
	}
	if _, err := httpapi.ParseProxies(cfg.API.TrustedProxies); err != nil {
		return nil, fmt.Errorf("--trusted-proxy: %w", err)
	}
	for i, o := range cfg.API.AllowedOrigins {
		checked, err := chat.CheckOrigin(o)
		if err != nil {
			return nil, fmt.Errorf("--allow-origin: %s", chat.ErrorMessage(err))
		}
		cfg.API.AllowedOrigins[i] = checked
	}
	h := hub.New(0)
	pub := &publisher{to: h}
	st, err := OpenStore(cfg.DB, pub, cfg.API.Now, cfg.BusyTimeout)
	if err != nil {
		return nil, err
	}
	last, err := st.LastSeq(context.Background())
	if err != nil {
		st.Close()
		return nil, err
	}
	h.SetHead(last)
	if cfg.PresenceGrace > 0 {
		h.Grace = cfg.PresenceGrace
	}
	blobs, err := openBlobs(st, cfg.DB, cfg.Files)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("files: %w", err)
	}
	s := &Server{Store: st, Hub: h, Blobs: blobs, cfg: cfg, log: cfg.Logger, stop: make(chan struct{}), kick: make(chan struct{}, 1)}
	pub.after = s.kickSweep
	cfg.API.Blobs = blobs
	var streams httpapi.Streams = h
	if cfg.NATS != "" {
		log, ok := st.(cluster.Log)
		if !ok {
			st.Close()
			return nil, fmt.Errorf("--nats needs a PostgreSQL database (--db postgres://…): nodes share one log")
		}
		// Subjects are the helpdesk's own (its log's epoch): helpdesks
		// sharing a NATS server never see each other's events.
		epoch, err := st.Epoch(context.Background())
		if err != nil {
			st.Close()
			return nil, err
		}
		if s.Node, err = cluster.Join(cluster.Options{URL: cfg.NATS, Name: "deskchat." + epoch, NodeID: cfg.NodeID, Hub: h, Log: log, Logger: cfg.Logger}); err != nil {
			st.Close()
			return nil, fmt.Errorf("nats: %w", err)
		}
		pub.set(s.Node)
		streams = s.Node
	}
	if shared, ok := st.(httpapi.SharedLimits); ok && cfg.API.SharedLimits == nil {
		// Several nodes may share this database: its buckets hold per
		// helpdesk.
		cfg.API.SharedLimits = shared
	}
	s.streams = streams
	s.API = httpapi.New(st, streams, cfg.API)
	root := http.NewServeMux()
	(&widget.Handler{Allowed: s.API.OriginAllowed, Origins: s.API.AllowedOrigins}).Register(root)
	root.Handle("/", s.API)
	s.http = &http.Server{
		Handler:           s.API.CleanPaths(root),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Listen binds addr (e.g. 127.0.0.1:8080, or :0 for any port).
func (s *Server) Listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.listener = l
	return nil
}

// URL is the server's base URL once listening.
func (s *Server) URL() string {
	return fmt.Sprintf("http://%s", s.listener.Addr())
}

// Serve serves until Shutdown; it returns nil after a clean shutdown.
func (s *Server) Serve() error {
	// A Shutdown that came first wins: nothing starts on a closed store
	// (the desktop stops its demo helpdesk right after starting it when
	// the agent signs in elsewhere).
	s.startMu.Lock()
	select {
	case <-s.stop:
		s.startMu.Unlock()
		return nil
	default:
	}
	s.wg.Add(3)
	s.startMu.Unlock()
	go s.housekeeping()
	go s.assigning()
	go s.sweeping()
	if err := s.http.Serve(s.listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown lets in-flight requests finish, closes every stream with a close
// frame, then closes the database.
func (s *Server) Shutdown(ctx context.Context) error {
	s.startMu.Lock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.startMu.Unlock()
	var wg sync.WaitGroup
	var httpErr, apiErr error
	wg.Add(2)
	go func() { defer wg.Done(); httpErr = s.http.Shutdown(ctx) }()
	go func() { defer wg.Done(); apiErr = s.API.Shutdown(ctx) }()
	wg.Wait()
	s.wg.Wait()
	if s.Node != nil {
		s.Node.Close()
	}
	return errors.Join(httpErr, apiErr, s.Store.Close())
}

// leader is a store that elects one node for housekeeping (PostgreSQL).
type leader interface {
	Lead(ctx context.Context) bool
}

// housekeeping removes expired sessions and prunes the event log, once
// per helpdesk: with a store shared by several nodes only the node that
// leads does it (the offline auto-reply needs no leader: the store posts it
// once per offline period in the transaction of the customer's message).
func (s *Server) housekeeping() {
	defer s.wg.Done()
	every := s.cfg.HousekeepingEvery
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if l, ok := s.Store.(leader); ok && !l.Lead(ctx) {
			cancel()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
			continue
		}
		if n, err := s.Store.DeleteExpiredSessions(ctx, time.Now()); err != nil {
			s.log.Warn("housekeeping: expired sessions", "err", err)
		} else if n > 0 {
			s.log.Info("housekeeping: removed expired sessions", "count", n)
		}
		if sw, ok := s.Store.(interface {
			SweepRateLimits(context.Context) (int64, error)
		}); ok {
			if _, err := sw.SweepRateLimits(ctx); err != nil {
				s.log.Warn("housekeeping: rate limits", "err", err)
			}
		}
		if s.cfg.KeepEvents > 0 {
			if last, err := s.Store.LastSeq(ctx); err == nil && last > s.cfg.KeepEvents {
				if err := s.Store.PruneEvents(ctx, last-s.cfg.KeepEvents); err != nil {
					s.log.Warn("housekeeping: prune events", "err", err)
				}
			}
		}
		cancel()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}
