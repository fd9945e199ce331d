package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/client"
)

// signedIn is what runs while a user is signed in: their local store, the
// sync engine that keeps it in step with the server, and the notification
// centre. openRuntime builds it, start runs it, stop ends it. The services reach it
// through SessionService.current.
type signedIn struct {
	store   *localstore.Store
	engine  *syncer.Engine
	center  *notify.Center
	cancel  context.CancelFunc
	done    chan struct{}
	started bool
}

// openRuntime opens the local store of cfg's server and user (one per
// pair, in dir) and builds notifications and the sync engine, whose events
// are routed by s.route. Nothing runs until start; a runtime never started
// is closed with stop too.
// localStorePath is the local store of a server and user: one file per
// pair (with its folders of files beside it, localstore.Store.Remove).
func localStorePath(dir string, cfg Config) string {
	key := sha256.Sum256([]byte(fmt.Sprintf("%s|%d", cfg.ServerURL, cfg.UserID)))
	return filepath.Join(dir, "local-"+hex.EncodeToString(key[:6])+".db")
}

func (s *SessionService) openRuntime(dir string, cfg Config, c *client.Client) (*signedIn, error) {
	st, err := localstore.Open(localStorePath(dir, cfg), cfg.UserID)
	if err != nil {
		return nil, err
	}
	if err := st.PurgeOutboxFiles(context.Background()); err != nil {
		s.log().Warn("outbox files", "err", err)
	}
	rt := &signedIn{store: st, done: make(chan struct{}), cancel: func() {}}
	inbox := &InboxService{Session: s}
	rt.center = &notify.Center{Notifier: s.Notifier, Store: st, Log: s.log(),
		OnOpen:    func(id int64) { s.Emit.Emit(EventNotifyOpen, id) },
		OnCompose: func(id int64) { s.Emit.Emit(EventNotifyCompose, id) },
		OnReply: func(id int64, text string) {
			if err := inbox.SendMessage(SendMessageParams{ConversationID: id, Text: text}); err != nil {
				s.log().Warn("reply from a notification", "err", err)
			}
		},
		OnRead: func(id int64) {
			if err := inbox.markRead(id); err != nil {
				s.log().Warn("mark read from a notification", "err", err)
			}
		},
		OnClose: func(id int64) {
			if err := inbox.CloseConversation(ConversationParams{ConversationID: id}); err != nil {
				s.log().Warn("close from a notification", "err", err)
			}
		},
		ReminderEvery: s.ReminderEvery, ReminderUnit: s.ReminderUnit,
		Language: s.Language,
	}
	rt.center.SetPrefs(cfg.notifyPrefs())
	rt.engine = &syncer.Engine{Client: c, Store: st}
	s.route(rt)
	return rt, nil
}

// start runs the sync engine until stop (or until the server signs the
// user out, which it logs).
func (rt *signedIn) start(log *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	rt.cancel = cancel
	rt.started = true
	if rt.center.Notifier != nil {
		cursor, _, _ := rt.store.Cursor(ctx)
		rt.center.Start(cursor == 0)
	}
	go func() {
		defer close(rt.done)
		if err := rt.engine.Run(ctx); errors.Is(err, syncer.ErrSignedOut) {
			log.Warn("signed out by the server", "err", err)
		}
	}()
}

// stop ends syncing, drops pending notifications (none after sign-out)
// and closes the local store.
func (rt *signedIn) stop() {
	rt.cancel()
	if rt.started {
		<-rt.done
	}
	rt.center.Stop()
	rt.store.Close()
}
