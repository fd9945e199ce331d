// Package syncer keeps the desktop app's local store in step with the chat
// server: it replays the event log from the stored cursor (from 0 on first
// start, which is the initial sync), applies every event in order and
// idempotently, follows live events, reconnects with capped exponential
// backoff and jitter, falls back to a snapshot through the API when the
// server answers resync, and sends the outbox in order once caught up.
// It has no Wails imports and is tested against a real server.
package syncer

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// Phases of the connection, as the UI shows them.
const (
	PhaseConnecting   = "connecting"
	PhaseSyncing      = "syncing"
	PhaseConnected    = "connected"
	PhaseReconnecting = "reconnecting"
	PhaseSignedOut    = "signed_out"
)

// State is the connection state exposed to the UI.
type State struct {
	Phase    string        `json:"phase"`
	Progress float64       `json:"progress"`           // 0..1 while syncing
	RetryIn  time.Duration `json:"retry_in,omitempty"` // while reconnecting
	Error    string        `json:"error,omitempty"`
}

// Engine syncs one signed-in user.
type Engine struct {
	Client *client.Client // carries the token
	Store  *localstore.Store
	// OnState is told every state change. May be nil.
	OnState func(State)
	// OnEvents is told of applied events; live is false for history
	// arriving during catch-up (no notifications for those). May be nil.
	OnEvents func(events []*chat.Event, live bool)
	// OnEphemeral receives typing and presence. May be nil.
	OnEphemeral func(ev *chat.Event)
	// BackoffBase and BackoffMax bound the reconnect delay (500 ms, 30 s).
	BackoffBase, BackoffMax time.Duration

	kick    chan struct{}
	flushMu sync.Mutex
	once    sync.Once

	liveMu sync.Mutex
	live   *client.Stream // the connected stream, for typing signals
}

// Typing sends a typing signal when connected; offline it is dropped, as
// a typing indicator is worthless later.
func (e *Engine) Typing(convID int64) error {
	e.liveMu.Lock()
	st := e.live
	e.liveMu.Unlock()
	if st == nil {
		return nil
	}
	return st.Typing(convID)
}

// catchUpBatch events are applied per transaction while catching up:
// BenchmarkApply measured about 50,000 msgs/s at 500 and about 60,000 at
// 2,000.
const catchUpBatch = 2000

// ErrSignedOut is returned by Run when the token is no longer valid.
var ErrSignedOut = errors.New("syncer: signed out (token expired or revoked)")

func (e *Engine) init() {
	e.once.Do(func() {
		e.kick = make(chan struct{}, 1)
		if e.BackoffBase == 0 {
			e.BackoffBase = 500 * time.Millisecond
		}
		if e.BackoffMax == 0 {
			e.BackoffMax = 30 * time.Second
		}
	})
}

func (e *Engine) state(s State) {
	if e.OnState != nil {
		e.OnState(s)
	}
}

// Kick asks for an immediate outbox flush (or reconnect attempt).
func (e *Engine) Kick() {
	e.init()
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// Run syncs until ctx ends or the token is refused.
func (e *Engine) Run(ctx context.Context) error {
	e.init()
	failures := 0
	for {
		e.state(State{Phase: PhaseConnecting})
		connected, err := e.session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrSignedOut) {
			e.state(State{Phase: PhaseSignedOut, Error: err.Error()})
			return err
		}
		if connected {
			failures = 0 // the backoff resets after a good session
		}
		failures++
		delay := e.backoff(failures)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		e.state(State{Phase: PhaseReconnecting, RetryIn: delay, Error: msg})
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		case <-e.kick:
		}
	}
}

// backoff is capped exponential with jitter: half fixed, half random, so
// many clients restarting with the server do not reconnect in step.
func (e *Engine) backoff(failures int) time.Duration {
	d := e.BackoffBase << min(failures-1, 16)
	if d > e.BackoffMax || d <= 0 {
		d = e.BackoffMax
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// session runs one connection; connected reports whether it got welcomed.
func (e *Engine) session(ctx context.Context) (connected bool, err error) {
	cursor, epoch, err := e.Store.Cursor(ctx)
	if err != nil {
		return false, err
	}
	opt := client.StreamOptions{Cursor: &cursor, Epoch: epoch}
	st, err := e.Client.OpenStream(ctx, opt)
	switch client.Code(err) {
	case "":
	case chat.EResync:
		// The log no longer reaches our cursor (or another database):
		// take a snapshot through the API, keeping the outbox.
		return false, e.resync(ctx)
	case chat.EUnauthorized, chat.ETokenExpired:
		return false, ErrSignedOut
	}
	if err != nil {
		return false, err
	}
	defer st.Close()
	e.liveMu.Lock()
	e.live = st
	e.liveMu.Unlock()
	defer func() {
		e.liveMu.Lock()
		e.live = nil
		e.liveMu.Unlock()
	}()
	stop := context.AfterFunc(ctx, func() { st.Conn.Close() })
	defer stop()
	epoch, head := st.Welcome.Epoch, st.Welcome.Head
	start := cursor
	if cursor < head {
		e.state(State{Phase: PhaseSyncing})
	}

	frames := make(chan *client.Frame, 256)
	readErr := make(chan error, 1)
	done := make(chan struct{}) // the session is over: the reader must not block
	defer close(done)
	go func() {
		defer close(frames)
		for {
			f, err := st.Next(context.Background())
			if err != nil {
				readErr <- err
				return
			}
			select {
			case frames <- f:
			case <-done:
				return
			}
		}
	}()
	fromZero := cursor == 0

	var batch []*chat.Event
	live := false
	flushBatch := func(to int64) error {
		if len(batch) == 0 && to == cursor {
			return nil
		}
		if err := e.Store.Apply(ctx, batch, to, epoch); err != nil {
			return err
		}
		// Conversations that arrive without their history (I was just
		// assigned, or added while away): fetch it. A replay from 0 brings
		// everything itself.
		if err := e.fetchHistory(ctx, e.Store.TakeNew(), fromZero && !live); err != nil {
			return err
		}
		if live && touchesMembership(batch) {
			if err := e.Store.Purge(ctx); err != nil {
				return err
			}
		}
		if e.OnEvents != nil && len(batch) > 0 {
			e.OnEvents(batch, live)
		}
		cursor, batch = to, nil
		return nil
	}
	retry := time.NewTicker(5 * time.Second) // outbox retries while connected
	defer retry.Stop()
	for {
		var f *client.Frame
		var ok bool
		select {
		case f, ok = <-frames:
		case <-e.kick:
			if live {
				go e.Flush(ctx)
			}
			continue
		case <-retry.C:
			if live {
				go e.Flush(ctx)
			}
			continue
		}
		if !ok {
			err := <-readErr
			var ce *websocket.CloseError
			if errors.As(err, &ce) && ce.Code == chat.CloseUnauthorized {
				return true, ErrSignedOut
			}
			return true, err
		}
		switch f.Type {
		case "event":
			batch = append(batch, f.Event)
			// Large batches during catch-up, one by one when live.
			if live || len(batch) >= catchUpBatch {
				if err := flushBatch(f.Event.Seq); err != nil {
					return true, err
				}
				if !live && head > start {
					e.state(State{Phase: PhaseSyncing, Progress: float64(cursor-start) / float64(head-start)})
				}
			}
		case "caught_up":
			if err := flushBatch(f.Seq); err != nil {
				return true, err
			}
			// Caught up: what I can no longer see goes (during a replay
			// membership can look lost until its later events arrive).
			if err := e.Store.Purge(ctx); err != nil {
				return true, err
			}
			live = true
			e.state(State{Phase: PhaseConnected, Progress: 1})
			go e.Flush(ctx)
		case "ephemeral":
			if e.OnEphemeral != nil {
				e.OnEphemeral(f.Event)
			}
		case "resync":
			return true, e.resync(ctx)
		}
	}
}

// Flush sends the outbox in order. It stops at the first entry that can
// not go now (network, server busy, rate limit) and marks entries the
// server refuses, so one bad entry never blocks the rest.
func (e *Engine) Flush(ctx context.Context) error {
	e.flushMu.Lock()
	defer e.flushMu.Unlock()
	entries, err := e.Store.Outbox(ctx, 0)
	if err != nil {
		return err
	}
	for _, en := range entries {
		if en.Failed != "" {
			continue
		}
		m, err := e.send(ctx, en)
		if err == nil {
			if err := e.Store.Sent(ctx, en.ClientID, m); err != nil {
				return err
			}
			continue
		}
		if chat.Refused(err) {
			if err := e.Store.Fail(ctx, en.ClientID, chat.ErrorMessage(err)); err != nil {
				return err
			}
			continue
		}
		return err // try again later
	}
	return nil
}

func (e *Engine) send(ctx context.Context, en localstore.Entry) (*chat.Message, error) {
	c := e.Client
	switch en.Kind {
	case localstore.OutSendMessage:
		m, _, err := c.SendMessage(ctx, en.ConversationID, en.ClientID, en.Text)
		return m, err
	case localstore.OutEditMessage:
		return c.EditMessage(ctx, en.MessageID, en.Text)
	case localstore.OutDeleteMessage:
		return c.DeleteMessage(ctx, en.MessageID)
	case localstore.OutCloseConversation:
		_, err := c.CloseConversation(ctx, en.ConversationID)
		return nil, err
	case localstore.OutReopenConversation:
		_, err := c.ReopenConversation(ctx, en.ConversationID)
		return nil, err
	case localstore.OutMarkRead:
		_, err := c.MarkRead(ctx, en.ConversationID, en.MessageID)
		return nil, err
	}
	return nil, chat.Errorf(chat.EInvalid, "Unknown outbox entry %s.", en.Kind)
}

// touchesMembership reports events that can take a conversation out of
// what the user may see.
func touchesMembership(events []*chat.Event) bool {
	for _, ev := range events {
		switch ev.Type {
		case chat.EventItemUpdated, chat.EventConversationUpdated, chat.EventUserUpdated:
			return true
		}
	}
	return false
}

// fetchHistory loads, through the API, conversations that reached the
// local store without their history. During a replay from 0 the replay
// itself brings every message, so then only conversations whose row is
// missing are fetched.
func (e *Engine) fetchHistory(ctx context.Context, fresh []int64, replayed bool) error {
	for _, id := range fresh {
		if replayed {
			if _, err := e.Store.FindConversationByID(ctx, id); err == nil {
				continue
			}
		}
		conv, err := e.Client.FindConversationByID(ctx, id)
		if client.Code(err) == chat.ENotFound {
			continue // no longer mine
		} else if err != nil {
			return err
		}
		msgs, err := e.Client.History(ctx, id)
		if err != nil {
			return err
		}
		if err := e.Store.StoreSnapshot(ctx, []*chat.Conversation{conv}, msgs, nil, nil); err != nil {
			return err
		}
	}
	e.Store.TakeNew() // the snapshot's own inserts need nothing more
	return nil
}
