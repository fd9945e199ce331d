package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/deskchat/deskchat/backend/httpapi"
	"github.com/deskchat/deskchat/locales"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/demo"
	"github.com/deskchat/deskchat/backend/server"
)

// SessionService signs in to a chat server (or starts the embedded local
// helpdesk), keeps the token, and runs the sync engine and notifications
// for the signed-in user. The other services read through it.
type SessionService struct {
	Emit     Emitter
	Notifier notify.Notifier
	// ReminderEvery and ReminderUnit tune the waiting reminder's check
	// and its minute (tests; see notify.Center).
	ReminderEvery, ReminderUnit time.Duration
	Log                         *slog.Logger
	// Dir is the config directory (ConfigDir() when empty).
	Dir string

	op      sync.Mutex // one sign-in, sign-out or start at a time
	mu      sync.Mutex // guards the fields below
	cfg     Config
	user    *chat.User
	rt      *signedIn // while signed in
	state   syncer.State
	local   *server.Server
	preview string
}

// SessionStatus is what the UI shows about the session.
type SessionStatus struct {
	SignedIn   bool         `json:"signed_in"`
	ServerURL  string       `json:"server_url,omitempty"`
	Local      bool         `json:"local"`
	PreviewURL string       `json:"preview_url,omitempty"`
	User       *chat.User   `json:"user,omitempty"`
	Sync       syncer.State `json:"sync"`
	Muted      bool         `json:"muted"`
}

// SignInParams are the sign-in form.
type SignInParams struct {
	ServerURL string `json:"server_url"`
	Email     string `json:"email"`
	Password  string `json:"password"`
}

func (s *SessionService) dir() (string, error) {
	if s.Dir != "" {
		return s.Dir, nil
	}
	return ConfigDir()
}

func (s *SessionService) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Startup resumes the saved session; with none saved, it starts the local
// helpdesk, so a first start shows a working messenger with demo data.
func (s *SessionService) Startup(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	dir, err := s.dir()
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(dir)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cfg = cfg.prefs() // a fresh sign-in keeps them
	s.mu.Unlock()
	if cfg.ServerURL == "" || cfg.Local {
		_, err := s.startLocalHelpdesk()
		return err
	}
	return s.resume(cfg)
}

// Shutdown stops syncing and the local helpdesk.
func (s *SessionService) Shutdown() {
	s.stopSync()
	s.mu.Lock()
	local := s.local
	s.local = nil
	s.mu.Unlock()
	if local != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		local.Shutdown(ctx)
	}
}

// Status reports the session.
func (s *SessionService) Status() SessionStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SessionStatus{SignedIn: s.rt != nil, ServerURL: s.cfg.ServerURL, Local: s.cfg.Local, PreviewURL: s.preview,
		User: s.user, Sync: s.state, Muted: s.cfg.Muted}
}

// SignIn signs in to a server and starts syncing.
func (s *SessionService) SignIn(p SignInParams) (SessionStatus, error) {
	s.op.Lock()
	defer s.op.Unlock()
	return s.signIn(p)
}

func (s *SessionService) signIn(p SignInParams) (SessionStatus, error) {
	url := strings.TrimRight(strings.TrimSpace(p.ServerURL), "/")
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return SessionStatus{}, errors.New("the server address must start with http:// or https://")
	}
	c, tr, err := client.New(url).Login(context.Background(), p.Email, p.Password)
	if err != nil {
		return SessionStatus{}, err
	}
	s.stopSync()
	s.mu.Lock()
	old := s.cfg
	cfg := s.cfg.prefs()
	s.mu.Unlock()
	cfg.ServerURL, cfg.Token, cfg.UserID, cfg.Local = url, c.Token, tr.User.ID, s.isLocal(url)
	if err := s.resume(cfg); err != nil {
		return SessionStatus{}, err
	}
	// The session this one replaces ends for real: its token is revoked
	// (it would go on working otherwise), and the embedded demo helpdesk
	// stops when it is no longer the one signed in to.
	if old.Token != "" && old.Token != cfg.Token {
		s.revoke(old)
	}
	if !cfg.Local {
		s.stopLocalHelpdesk()
	}
	return s.Status(), nil
}

// revoke logs a session's token out on its server (best effort, 5 s: a
// server that is down keeps it until it expires).
func (s *SessionService) revoke(cfg Config) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.New(cfg.ServerURL).WithToken(cfg.Token).Logout(ctx); err != nil {
		s.log().Warn("sign-out: the server did not confirm", "server", cfg.ServerURL, "err", err)
	}
}

// stopLocalHelpdesk shuts the embedded demo helpdesk down (not in use).
func (s *SessionService) stopLocalHelpdesk() {
	s.mu.Lock()
	srv := s.local
	s.local, s.preview = nil, ""
	s.mu.Unlock()
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		s.log().Warn("local helpdesk: shutdown", "err", err)
	}
	s.log().Info("local helpdesk stopped: signed in elsewhere")
}

func (s *SessionService) isLocal(url string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.local != nil && url == s.local.URL()
}

// SignOutParams: Forget also removes this server's history (the local
// store, its cached files and unsent replies) from this computer.
type SignOutParams struct {
	Forget bool `json:"forget"`
}

// SignOut revokes the token on the server and forgets it here; with
// Forget, the local copy of that server's history goes too. The embedded
// demo helpdesk stops (starting it again is one click).
func (s *SessionService) SignOut(p SignOutParams) error {
	s.op.Lock()
	defer s.op.Unlock()
	s.mu.Lock()
	cfg := s.cfg
	s.mu.Unlock()
	s.stopSync() // first: the engine would take the revocation for the server's doing
	if cfg.Token != "" {
		s.revoke(cfg)
	}
	dir, err := s.dir()
	if err != nil {
		return err
	}
	// Signed out first, whatever happens to the files: the config without
	// the token, the demo helpdesk stopped.
	s.stopLocalHelpdesk()
	s.mu.Lock()
	s.cfg = cfg.prefs()
	s.user = nil
	s.state = syncer.State{}
	s.mu.Unlock()
	s.Emit.Emit(EventSessionInfo, s.Status())
	if err := SaveConfig(dir, cfg.prefs()); err != nil {
		return err
	}
	if p.Forget && cfg.ServerURL != "" {
		if err := localstore.Remove(localStorePath(dir, cfg)); err != nil {
			return fmt.Errorf("%s: %w", locales.T(s.Language(), "desktop.errors.history_not_removed", nil), err)
		}
	}
	return nil
}

// SetMuted turns desktop notifications off or on.
func (s *SessionService) SetMuted(muted bool) error {
	return s.updateConfig(func(c *Config) { c.Muted = muted })
}

// updateConfig changes and saves the config.
func (s *SessionService) updateConfig(change func(*Config)) error {
	dir, err := s.dir()
	if err != nil {
		return err
	}
	// Saved under the lock, so the last change is the one on disk.
	s.mu.Lock()
	change(&s.cfg)
	cfg, rt := s.cfg, s.rt
	err = SaveConfig(dir, cfg)
	s.mu.Unlock()
	if rt != nil {
		rt.center.SetPrefs(cfg.notifyPrefs())
	}
	return err
}

// config returns the current config.
func (s *SessionService) config() Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

// StartLocalHelpdesk runs the chat server in this process on 127.0.0.1
// (port 8080 when free) with its database in the config directory, seeds
// the demo helpdesk on first start, and signs in as its admin.
func (s *SessionService) StartLocalHelpdesk() (SessionStatus, error) {
	s.op.Lock()
	defer s.op.Unlock()
	return s.startLocalHelpdesk()
}

func (s *SessionService) startLocalHelpdesk() (SessionStatus, error) {
	dir, err := s.dir()
	if err != nil {
		return SessionStatus{}, err
	}
	s.mu.Lock()
	running := s.local
	s.mu.Unlock()
	if running == nil {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return SessionStatus{}, err
		}
		clock := &demo.Clock{} // the demo's story runs days back while it is seeded
		srv, err := server.Open(server.Config{DB: filepath.Join(dir, "local-helpdesk.db"), Logger: s.log(), API: httpapi.Config{Now: clock.Now}})
		if err != nil {
			return SessionStatus{}, err
		}
		if err := demo.SeedWith(context.Background(), srv.Store, demo.Options{Clock: clock, Blobs: srv.Blobs}); err != nil {
			srv.Store.Close()
			if errors.Is(err, demo.ErrPartial) {
				err = fmt.Errorf("%s", locales.T(s.Language(), "desktop.errors.demo_partial", locales.Args{"path": filepath.Join(dir, "local-helpdesk.db")}))
			}
			return SessionStatus{}, err
		}
		if err := srv.Listen("127.0.0.1:8080"); err != nil {
			if err := srv.Listen("127.0.0.1:0"); err != nil {
				srv.Store.Close()
				return SessionStatus{}, err
			}
		}
		go srv.Serve()
		s.mu.Lock()
		s.local, s.preview = srv, srv.URL()+"/preview"
		s.mu.Unlock()
		running = srv
		s.log().Info("local helpdesk running", "url", srv.URL(), "widget preview", srv.URL()+"/preview")
		fmt.Printf("deskchat: local helpdesk at %s; widget preview: %s/preview (demo agents sign in with password %s)\n",
			srv.URL(), srv.URL(), demo.Password)
	}
	return s.signIn(SignInParams{ServerURL: running.URL(), Email: demo.Agents[0].Email, Password: demo.Password})
}

// resume starts syncing with a saved or fresh token.
func (s *SessionService) resume(cfg Config) error {
	dir, err := s.dir()
	if err != nil {
		return err
	}
	c := client.New(cfg.ServerURL).WithToken(cfg.Token)
	me, err := c.Me(context.Background())
	if err != nil {
		// Offline: keep the saved user; the local store still answers.
		if client.Code(err) == chat.EUnauthorized || client.Code(err) == chat.ETokenExpired {
			return err
		}
		me.User = &chat.User{ID: cfg.UserID}
		if cfg.User != nil && cfg.User.ID == cfg.UserID {
			me.User = cfg.User // as last seen: name and flags
		}
	}
	cfg.UserID, cfg.User = me.User.ID, me.User
	// Preferences changed meanwhile (during the /v1/me round trip) win.
	s.mu.Lock()
	cfg.Muted, cfg.HideOnClose, cfg.CompactOnTop = s.cfg.Muted, s.cfg.HideOnClose, s.cfg.CompactOnTop
	s.mu.Unlock()
	rt, err := s.openRuntime(dir, cfg, c)
	if err != nil {
		return err
	}
	if err := SaveConfig(dir, cfg); err != nil {
		rt.stop()
		return err
	}
	// The services find the runtime before its engine reports anything,
	// and it is started before anyone can find it (a sign-out in between
	// would stop a runtime not started yet, then start it on a closed
	// store). start only spawns; the engine's reports wait for the lock.
	s.mu.Lock()
	s.cfg, s.user, s.rt = cfg, me.User, rt
	rt.start(s.log())
	s.mu.Unlock()
	s.Emit.Emit(EventSessionInfo, s.Status())
	return nil
}

func (s *SessionService) stopSync() {
	s.mu.Lock()
	rt := s.rt
	s.rt = nil
	s.mu.Unlock()
	if rt != nil {
		rt.stop()
	}
	s.mu.Lock()
	s.state = syncer.State{} // after the engine's last report: the next session reports its own
	s.mu.Unlock()
}

// current returns what runs for the signed-in session.
func (s *SessionService) current() (*signedIn, error) {
	s.mu.Lock()
	rt := s.rt
	s.mu.Unlock()
	if rt == nil {
		return nil, s.notSignedIn()
	}
	return rt, nil
}

// store returns the signed-in session's local store.
func (s *SessionService) store() (*localstore.Store, error) {
	rt, err := s.current()
	if err != nil {
		return nil, err
	}
	return rt.store, nil
}

// PasswordParams change my password.
type PasswordParams struct {
	Current string `json:"current"`
	Next    string `json:"next"`
}

// ChangePassword changes my password on the server; my other sessions
// (other desktops) are signed out, this one stays.
func (s *SessionService) ChangePassword(p PasswordParams) error {
	_, err := call(s, func(ctx context.Context, c *client.Client) (struct{}, error) {
		return struct{}{}, c.ChangePassword(ctx, p.Current, p.Next)
	})
	return err
}

// Language is the language the app speaks: the one chosen in Settings, or
// the system's (locales.System). Notifications, the tray and exports are
// written in it; the frontend reads it from Prefs.
func (s *SessionService) Language() string {
	if l := s.config().Language; l != "" {
		return locales.Match(l)
	}
	return locales.System()
}
