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
	// OnServerState receives the helpdesk settings read at each connection
	// (refreshServerState).
	OnServerState func(*chat.Settings)
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
func (e *Engine) Typing(convID int64, internal bool) error {
	e.liveMu.Lock()
	st := e.live
	e.liveMu.Unlock()
	if st == nil {
		return nil
	}
	return st.Typing(convID, internal)
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

// session runs one connection through its phases: connect (the
// handshake), catch-up (the replay up to caught_up, applied in large
// batches) and live (one event at a time, the outbox flushed). connected
// reports whether the server welcomed us, which resets the backoff.
func (e *Engine) session(ctx context.Context) (connected bool, err error) {
	st, cursor, err := e.connect(ctx)
	if st == nil {
		return false, err
	}
	defer st.Close()
	defer e.attach(st)()
	stop := context.AfterFunc(ctx, func() { st.Conn.Close() })
	defer stop()

	done := make(chan struct{}) // the session is over: the reader must not block
	defer close(done)
	frames, readErr := readFrames(st, done)
	l := &link{e: e, epoch: st.Welcome.Epoch, head: st.Welcome.Head, start: cursor, cursor: cursor, fromZero: cursor == 0}
	if cursor < l.head {
		e.state(State{Phase: PhaseSyncing})
	}
	return true, l.follow(ctx, frames, readErr)
}

// refreshServerState reads what the UI shows beyond the event log (the
// helpdesk settings, the team and my flags) once a connection caught up,
// keeps each in the local store for the next start without a server, and
// hands the settings to OnServerState (the switch, the tray). Each is
// read on its own, within 5 s; a failure leaves the last known state,
// and events keep it current from here.
func (e *Engine) refreshServerState(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if settings, err := e.Client.Settings(ctx); err == nil {
		if err := e.Store.StoreServerState(ctx, settings, nil); err == nil && e.OnServerState != nil {
			e.OnServerState(settings)
		}
	}
	if users, err := e.Client.ListUsers(ctx); err == nil {
		e.Store.StoreServerState(ctx, nil, users)
	}
}

// connect is the handshake: it opens the stream from the stored cursor.
// A nil stream means the session ends here with err: nil after a resync
// the server asked for, ErrSignedOut when the token is refused.
func (e *Engine) connect(ctx context.Context) (*client.Stream, int64, error) {
	cursor, epoch, err := e.Store.Cursor(ctx)
	if err != nil {
		return nil, 0, err
	}
	st, err := e.Client.OpenStream(ctx, client.StreamOptions{Cursor: &cursor, Epoch: epoch})
	switch client.Code(err) {
	case "":
	case chat.EResync:
		// The log no longer reaches our cursor (or another database):
		// take a snapshot through the API, keeping the outbox.
		return nil, 0, e.resync(ctx)
	case chat.EUnauthorized, chat.ETokenExpired:
		return nil, 0, ErrSignedOut
	}
	if err != nil {
		return nil, 0, err
	}
	return st, cursor, nil
}

// attach makes st the stream typing signals go to; the returned function
// detaches it.
func (e *Engine) attach(st *client.Stream) (detach func()) {
	e.liveMu.Lock()
	e.live = st
	e.liveMu.Unlock()
	return func() {
		e.liveMu.Lock()
		e.live = nil
		e.liveMu.Unlock()
	}
}

// readFrames reads st until it fails; the failure arrives on the error
// channel once frames is closed. Closing done releases the reader.
func readFrames(st *client.Stream, done <-chan struct{}) (<-chan *client.Frame, <-chan error) {
	frames := make(chan *client.Frame, 256)
	readErr := make(chan error, 1)
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
	return frames, readErr
}

// link is one connection's position in the log.
type link struct {
	e                   *Engine
	epoch               string
	head, start, cursor int64 // the welcome's head, where we started, what is applied
	fromZero            bool  // a replay from 0 brings every message itself
	live                bool  // past caught_up
	batch               []*chat.Event
}

// follow handles frames until the stream ends; it returns why.
func (l *link) follow(ctx context.Context, frames <-chan *client.Frame, readErr <-chan error) error {
	e := l.e
	retry := time.NewTicker(5 * time.Second) // outbox retries while connected
	defer retry.Stop()
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				return streamEnded(<-readErr)
			}
			if f.Type == chat.FrameResync {
				// The cursor cannot be replayed: the session ends with
				// a snapshot, and the next one starts from its head.
				return l.e.resync(ctx)
			}
			if err := l.frame(ctx, f); err != nil {
				return err
			}
			// Live, events are applied as they come, but a burst already
			// waiting here goes in one transaction (a thousand messages
			// at once would otherwise cost a thousand commits and as many
			// reloads of the UI).
			if l.live && len(l.batch) > 0 && (len(frames) == 0 || len(l.batch) >= catchUpBatch) {
				if err := l.apply(ctx, l.batch[len(l.batch)-1].Seq); err != nil {
					return err
				}
			}
		case <-e.kick:
			l.flushOutbox(ctx)
		case <-retry.C:
			l.flushOutbox(ctx)
		}
	}
}

// frame handles one server frame other than resync.
func (l *link) frame(ctx context.Context, f *client.Frame) error {
	switch f.Type {
	case chat.FrameEvent:
		return l.event(ctx, f.Event)
	case chat.FrameCaughtUp:
		return l.caughtUp(ctx, f.Seq)
	case chat.FrameEphemeral:
		if l.e.OnEphemeral != nil {
			l.e.OnEphemeral(f.Event)
		}
	}
	return nil
}

// event applies one event: in batches of catchUpBatch during catch-up,
// with progress; live, follow applies what has come (one event, or a burst
// that was waiting).
func (l *link) event(ctx context.Context, ev *chat.Event) error {
	l.batch = append(l.batch, ev)
	if l.live || len(l.batch) < catchUpBatch {
		return nil
	}
	if err := l.apply(ctx, ev.Seq); err != nil {
		return err
	}
	if !l.live && l.head > l.start {
		l.e.state(State{Phase: PhaseSyncing, Progress: float64(l.cursor-l.start) / float64(l.head-l.start)})
	}
	return nil
}

// caughtUp ends the catch-up phase: the rest of the batch is applied,
// what the user can no longer see goes (during a replay membership can
// look lost until its later events arrive), and the outbox is sent.
func (l *link) caughtUp(ctx context.Context, seq int64) error {
	if err := l.apply(ctx, seq); err != nil {
		return err
	}
	if err := l.e.Store.Purge(ctx); err != nil {
		return err
	}
	l.live = true
	// After the replay (whose older helpdesk and user events would
	// otherwise overwrite it), before Connected shows.
	l.e.refreshServerState(ctx)
	l.e.state(State{Phase: PhaseConnected, Progress: 1})
	go l.e.Flush(ctx)
	return nil
}

// apply stores the batch and moves the cursor to seq in one transaction,
// then fetches the history of conversations that arrived without it (I
// was just assigned, or added while away) and tells OnEvents.
func (l *link) apply(ctx context.Context, seq int64) error {
	e := l.e
	if len(l.batch) == 0 && seq == l.cursor {
		return nil
	}
	if err := e.Store.Apply(ctx, l.batch, seq, l.epoch); err != nil {
		return err
	}
	if err := e.fetchHistory(ctx, e.Store.TakeNew(), l.fromZero && !l.live); err != nil {
		return err
	}
	if l.live && touchesMembership(l.batch) {
		if err := e.Store.Purge(ctx); err != nil {
			return err
		}
	}
	if e.OnEvents != nil && len(l.batch) > 0 {
		e.OnEvents(l.batch, l.live)
	}
	l.cursor, l.batch = seq, nil
	return nil
}

// flushOutbox sends the outbox in the background once live; during
// catch-up it waits for caught_up.
func (l *link) flushOutbox(ctx context.Context) {
	if l.live {
		go l.e.Flush(ctx)
	}
}

// streamEnded turns the reader's failure into the session's result: the
// unauthorized close code signs out.
func streamEnded(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code == chat.CloseUnauthorized {
		return ErrSignedOut
	}
	return err
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
		ids, err := e.upload(ctx, en)
		if err != nil {
			return nil, err
		}
		m, _, err := c.Post(ctx, en.ConversationID, chat.NewMessage{ClientID: en.ClientID, Text: en.Text, Internal: en.Internal,
			Mentions: en.Mentions, Attachments: ids})
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
	case localstore.OutLinkConversation:
		_, err := c.LinkConversation(ctx, en.ConversationID, en.ItemNumber)
		return nil, err
	case localstore.OutCreateItem:
		if en.Item == nil {
			return nil, chat.Errorf(chat.EInvalid, "The item to create is missing.")
		}
		ni := *en.Item
		ni.ClientID = en.ClientID // once, however often it is sent
		_, err := c.CreateItem(ctx, ni)
		return nil, err
	case localstore.OutMarkRead:
		_, err := c.MarkRead(ctx, en.ConversationID, en.MessageID)
		return nil, err
	}
	return nil, chat.Errorf(chat.EInvalid, "Unknown outbox entry %s.", en.Kind)
}

// upload sends a queued reply's files that are not on the server yet,
// recording each upload in the outbox at once (a retry, even after a
// restart, does not upload it again), and returns the upload ids in order.
func (e *Engine) upload(ctx context.Context, en localstore.Entry) ([]string, error) {
	ids := make([]string, 0, len(en.Files))
	for i, f := range en.Files {
		if f.UploadedAt != nil && time.Since(*f.UploadedAt) > chat.UploadTTL-time.Hour {
			f.Upload = nil // the server removes unsent uploads after UploadTTL: upload it again
		}
		if f.Upload == nil {
			data, err := e.Store.StagedFile(f.Token)
			if err != nil {
				return nil, chat.Errorf(chat.EInvalid, "The file %s is gone from this computer.", f.Name)
			}
			uctx, cancel := context.WithTimeout(ctx, client.TransferTimeout(int64(len(data))))
			att, err := e.Client.ForTransfers().Upload(uctx, f.Name, "", data)
			cancel()
			if err != nil {
				return nil, err
			}
			now := time.Now()
			en.Files[i].Upload, en.Files[i].UploadedAt = att, &now
			if err := e.Store.SetUploads(ctx, en.ClientID, en.Files); err != nil {
				return nil, err
			}
		}
		ids = append(ids, en.Files[i].Upload.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
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
			if known, err := e.Store.HasConversation(ctx, id); err != nil {
				return err
			} else if known {
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
