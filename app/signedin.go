package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/client"
)

// signedIn is what runs while a user is signed in: their local store, the
// sync engine that keeps it in step with the server, and the notification
// centre. startRuntime builds it; stop ends it. The services reach it
// through SessionService.current.
type signedIn struct {
	store  *localstore.Store
	engine *syncer.Engine
	center *notify.Center
	cancel context.CancelFunc
	done   chan struct{}
}

// startRuntime opens the local store of cfg's server and user (one per
// pair, in dir), and starts notifications and the sync engine, whose
// events are routed by s.route.
func (s *SessionService) startRuntime(dir string, cfg Config, c *client.Client) (*signedIn, error) {
	key := sha256.Sum256([]byte(fmt.Sprintf("%s|%d", cfg.ServerURL, cfg.UserID)))
	st, err := localstore.Open(filepath.Join(dir, "local-"+hex.EncodeToString(key[:6])+".db"), cfg.UserID)
	if err != nil {
		return nil, err
	}
	rt := &signedIn{store: st, done: make(chan struct{})}
	rt.center = &notify.Center{Notifier: s.Notifier, Store: st, Log: s.log()}
	rt.center.SetMuted(cfg.Muted)
	rt.engine = &syncer.Engine{Client: c, Store: st}
	s.route(rt)
	ctx, cancel := context.WithCancel(context.Background())
	rt.cancel = cancel
	go func() {
		defer close(rt.done)
		if err := rt.engine.Run(ctx); errors.Is(err, syncer.ErrSignedOut) {
			s.log().Warn("signed out by the server", "err", err)
		}
	}()
	return rt, nil
}

// stop ends syncing, drops pending notifications (none after sign-out)
// and closes the local store.
func (rt *signedIn) stop() {
	rt.cancel()
	<-rt.done
	rt.center.Stop()
	rt.store.Close()
}
