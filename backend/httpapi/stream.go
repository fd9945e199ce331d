package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/hub"
)

// Stream timing and sizes.
const (
	helloWait     = 10 * time.Second // for the client's hello after upgrade
	writeWait     = 10 * time.Second // for one frame to be written
	pongWait      = 70 * time.Second // silence after which the peer is gone
	pingPeriod    = 30 * time.Second // < pongWait (Config.StreamPing)
	replayPage    = 500              // events per store read during replay
	customerQueue = 64               // customers get few events; keep them cheap
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  512,
	WriteBufferSize: 4096,
	// Write buffers return to the pool between frames, so an idle stream
	// holds none (100,000 idle widgets is a target).
	WriteBufferPool: &sync.Pool{},
	// Origin is checked before Upgrade, with our own error answer.
	CheckOrigin: func(*http.Request) bool { return true },
}

// handleStream upgrades to a WebSocket and runs the event stream.
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		s.writeError(w, r, chat.Errorf(chat.EInvalid, "This endpoint needs a WebSocket upgrade."))
		return
	}
	// Cross-site WebSocket hijacking defence: browsers always send Origin.
	if origin := r.Header.Get("Origin"); origin != "" && !s.originAllowed(origin, r.Host) {
		s.writeError(w, r, chat.Errorf(chat.EOriginForbidden, "Origin %s may not open a stream.", origin))
		return
	}
	// The stopping check and the Add happen under one lock, so Shutdown's
	// Wait never races a stream that is just starting.
	s.streamsMu.Lock()
	select {
	case <-s.stopping:
		s.streamsMu.Unlock()
		s.writeError(w, r, chat.Errorf(chat.EUnavailable, "The server is shutting down."))
		return
	default:
	}
	s.streams.Add(1)
	s.streamsMu.Unlock()
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.streams.Done()
		return // Upgrade answered the client already
	}
	// The stream runs on after the handler returns: net/http's state of
	// the connection (its request, response, buffers and contexts, about
	// 10 KB) goes with the handler, and an idle stream keeps only its own.
	// Its store calls carry no cancellation (they are short); the stream
	// ends on Shutdown (s.stopping) or when the peer goes.
	ctx, auth := context.Background(), r.Header.Get("Authorization")
	st := &stream{s: s, conn: conn}
	st.running.Store(true) // the handshake and the replay write first
	go func() {
		handedOver := false
		defer func() {
			if !handedOver {
				st.finish()
			}
		}()
		defer s.recoverStream("handshake")
		conn.SetReadLimit(chat.MaxFrameBytes)
		if !st.start(ctx, auth) {
			return
		}
		// Live: no goroutine waits for the next event. The hub (an event,
		// a dropped subscription; Shutdown drops them all), the ping timer
		// and the reader wake the stream, and a writer goroutine runs
		// while there is something to send (drain). The stack the
		// handshake and the replay grew ends with this one.
		handedOver = true
		st.ping = time.AfterFunc(s.cfg.StreamPing, func() { st.pingDue.Store(true); st.wake() })
		st.running.Store(false)
		st.wake() // what arrived during the replay
	}()
}

// recoverStream, deferred on each of a stream's goroutines, logs a panic
// and ends only that stream (the other deferred cleanups run), as
// ServeHTTP does for a handler: the server keeps serving the others.
func (s *Server) recoverStream(phase string) {
	if v := recover(); v != nil {
		s.log.Error("panic in stream", "phase", phase, "panic", v)
	}
}

// stream is one connection. One goroutine at a time writes: the one that
// runs the handshake and the replay, then, while live, a drain goroutine
// started by wake when there is something to send (running says one is
// on); one reader goroutine reads and hands replies over. An idle live
// stream has only its reader goroutine.
type stream struct {
	s    *Server
	conn *websocket.Conn
	// After the handshake: the subscription, the events the client has
	// already (handshaken.skipThrough) and when its token expires.
	sub         *hub.Sub
	skipThrough int64
	expiresAt   time.Time
	actor       chat.Actor
	ctx         context.Context
	typed       map[int64]time.Time // last typing signal per conversation (reader's, made on first use)
	typingLimit *rate.Limiter       // all typing signals of this stream (reader's, made on first use)

	// The reader's answers (pongs, errors) for the writer, at most
	// maxReplies (none allocated while there are none).
	repliesMu  sync.Mutex
	replies    []any
	readerDone atomic.Bool

	running atomic.Bool // a goroutine is writing (or the stream ended)
	pending atomic.Bool // woken since the writer last looked
	pingDue atomic.Bool
	ping    *time.Timer // live: sets pingDue every Config.StreamPing
	ended   sync.Once
}

// typingEvery is the most often one stream's typing signal for one
// conversation is passed on; clients send it while keys are pressed.
const typingEvery = time.Second

// origin names the stream's party, so its own typing is not echoed.
func (st *stream) origin() string { return fmt.Sprintf("%s:%d", st.actor.Kind, st.actor.ID) }

func (st *stream) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	st.conn.SetWriteDeadline(time.Now().Add(writeWait))
	return st.conn.WriteMessage(websocket.TextMessage, b)
}

// writeEvent sends an event's frame: encoded once for every stream the
// hub handed it to (chat.Event.Frame), or here for one it did not.
func (st *stream) writeEvent(ev *chat.Event) error {
	var b []byte
	var err error
	if ev.Frame != nil {
		b, err = ev.Frame.Bytes(ev)
	} else {
		b, err = chat.EncodeEventFrame(ev)
	}
	if err != nil {
		return err
	}
	st.conn.SetWriteDeadline(time.Now().Add(writeWait))
	return st.conn.WriteMessage(websocket.TextMessage, b)
}

// closeWith sends a close frame with code and reason; the stream's end
// (conn.Close, on its goroutine) then drops the TCP connection.
func (st *stream) closeWith(code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	st.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait))
}

func (st *stream) fail(err error, code int) {
	st.write(frameError(err))
	st.closeWith(code, chat.ErrorCode(err))
}

// start is the stream's life up to live, phase by phase: handshake (the
// hello and the subscription), replay (the cursor up to the head). It
// reports whether the stream goes live; if not, it has answered and
// closed, and finish releases the rest (the subscription too).
func (st *stream) start(ctx context.Context, authHeader string) bool {
	hs, ok := st.handshake(ctx, authHeader)
	if !ok {
		return false
	}
	// What the live phase needs, so the rest of the handshake goes.
	st.sub, st.skipThrough, st.expiresAt = hs.sub, hs.skipThrough, hs.sess.ExpiresAt
	// The reader runs from here on, so pings are answered during replay.
	st.actor, st.ctx = hs.actor, ctx
	go st.read()
	return st.replay(ctx, hs)
}

// handshaken is what the handshake established.
type handshaken struct {
	actor  chat.Actor
	sess   *chat.Session
	sub    *hub.Sub
	epoch  string
	head   int64
	cursor int64
	page   []*chat.Event // the first replay page, read before the welcome
	// skipThrough: on a node whose hub lags the database (one of several
	// nodes), a cursor ahead of the hub's head but within the database's:
	// the events up to it still reach the subscription and are not sent
	// again.
	skipThrough int64
}

// handshake reads the hello, authenticates it, subscribes before replaying
// (so nothing committed in between is missed: the hub delivers everything
// after head, the store has everything up to head), checks the cursor, and
// sends the welcome. On failure it has answered and closed; the caller
// only returns. On success the caller unsubscribes.
func (st *stream) handshake(ctx context.Context, authHeader string) (*handshaken, bool) {
	s := st.s
	st.conn.SetReadDeadline(time.Now().Add(helloWait))
	var hello chat.ClientFrame
	_, data, err := st.conn.ReadMessage()
	if err != nil {
		st.closeWith(websocket.ClosePolicyViolation, "hello expected")
		return nil, false
	}
	if err := decodeBytes(data, &hello); err != nil {
		st.fail(err, websocket.ClosePolicyViolation)
		return nil, false
	}
	if hello.Type != chat.FrameHello {
		st.fail(chat.Errorf(chat.EInvalid, "The first frame must be a hello."), websocket.ClosePolicyViolation)
		return nil, false
	}
	token := hello.Token
	if token == "" {
		token, _ = auth.ParseBearer(authHeader)
	}
	if token == "" {
		st.fail(chat.Errorf(chat.EUnauthorized, "The hello needs a token."), chat.CloseUnauthorized)
		return nil, false
	}
	actor, sess, err := s.store.Authenticate(ctx, auth.HashToken(token), s.cfg.Now())
	if err != nil {
		code := chat.CloseUnauthorized
		if chat.ErrorCode(err) == chat.EUnavailable {
			code = websocket.CloseTryAgainLater
		}
		st.fail(err, code)
		return nil, false
	}
	epoch, err := s.store.Epoch(ctx)
	if err != nil {
		st.fail(err, websocket.CloseInternalServerErr)
		return nil, false
	}
	queue := s.cfg.StreamQueue
	if actor.IsCustomer() {
		queue = min(queue, customerQueue)
	}
	sub, head := s.hub.Subscribe(actor, queue)
	sub.OnWake(st.wake)
	hs := &handshaken{actor: actor, sess: sess, sub: sub, epoch: epoch, head: head}
	ok := false
	defer func() {
		if !ok {
			s.hub.Unsubscribe(sub)
		}
	}()
	// A logout, deactivation or change of flags between Authenticate and
	// Subscribe closed nothing (this stream was not subscribed yet): look
	// again now that any later change will reach the subscription.
	if again, _, err := s.store.Authenticate(ctx, auth.HashToken(token), s.cfg.Now()); err != nil || again != actor {
		if err == nil {
			err = chat.Errorf(chat.EUnauthorized, "Your account changed while connecting; connect again.")
		}
		st.fail(err, chat.CloseUnauthorized)
		return nil, false
	}
	hs.cursor = head
	if hello.Cursor != nil {
		hs.cursor = *hello.Cursor
	}
	if !st.checkCursor(hs, hello) {
		return nil, false
	}
	// Read the first replay page before the welcome, so a cursor that
	// cannot be replayed gets resync instead of a welcome.
	if hs.cursor < hs.head {
		hs.page, err = s.store.ListEvents(ctx, actor, hs.cursor, hs.head, replayPage)
		if chat.ErrorCode(err) == chat.EResync {
			st.resync(hs, chat.ResyncPruned, chat.ErrorMessage(err))
			return nil, false
		} else if err != nil {
			st.fail(err, websocket.CloseTryAgainLater)
			return nil, false
		}
	}
	if err := st.write(chat.WelcomeFrame{Type: chat.FrameWelcome, Epoch: epoch, Head: hs.head, Cursor: hs.cursor,
		Actor: chat.Author{Kind: actor.Kind, ID: actor.ID, Name: actor.Name}}); err != nil {
		return nil, false
	}
	ok = true
	return hs, true
}

// checkCursor answers a cursor that cannot be replayed (resync, with its
// reason) or that is no cursor (an error); it reports whether to go on. A
// cursor means nothing without the epoch it belongs to (0, "from the
// beginning", is the one exception).
func (st *stream) checkCursor(hs *handshaken, hello chat.ClientFrame) bool {
	sentCursor := hello.Cursor != nil && *hello.Cursor > 0
	switch {
	case hs.cursor < 0:
		st.fail(chat.Errorf(chat.EInvalid, "The cursor must not be negative."), websocket.ClosePolicyViolation)
		return false
	case hello.Epoch != "" && hello.Epoch != hs.epoch:
		msg := fmt.Sprintf("Cursor %d belongs to another event log (epoch %.8s…, this log is %.8s…); resync.", hs.cursor, hello.Epoch, hs.epoch)
		if hello.Cursor == nil {
			msg = fmt.Sprintf("Epoch %.8s… is another event log's (this log is %.8s…); resync.", hello.Epoch, hs.epoch)
		}
		st.resync(hs, chat.ResyncEpoch, msg)
		return false
	case sentCursor && hello.Epoch == "":
		st.resync(hs, chat.ResyncNoEpoch, fmt.Sprintf("Cursor %d came without its epoch; resync.", hs.cursor))
		return false
	case hs.cursor > hs.head:
		// Another node may have handed out this cursor a moment before
		// this node's hub saw the events up to it: within the database's
		// head, the client goes on from its cursor.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		stored, err := st.s.store.LastSeq(ctx)
		cancel()
		if err == nil && hs.cursor <= stored {
			hs.skipThrough, hs.head = hs.cursor, hs.cursor
			return true
		}
		st.resync(hs, chat.ResyncAhead, fmt.Sprintf("Cursor %d is beyond the log's head %d; resync.", hs.cursor, hs.head))
		return false
	}
	return true
}

// replay sends (cursor, head] from the store a page at a time, then
// caught_up. It reports whether the stream goes on.
func (st *stream) replay(ctx context.Context, hs *handshaken) bool {
	page, cursor := hs.page, hs.cursor
	hs.page = nil // not kept for the stream's life
	for {
		for _, ev := range page {
			if err := st.write(chat.EventFrame{Type: chat.FrameEvent, Event: ev}); err != nil {
				return false
			}
		}
		if len(page) < replayPage {
			break
		}
		cursor = page[len(page)-1].Seq
		var err error
		if page, err = st.s.store.ListEvents(ctx, hs.actor, cursor, hs.head, replayPage); err != nil {
			// Pruning raced the replay: the client resyncs.
			if chat.ErrorCode(err) == chat.EResync {
				st.resync(hs, chat.ResyncPruned, chat.ErrorMessage(err))
			} else {
				st.fail(err, websocket.CloseTryAgainLater)
			}
			return false
		}
	}
	return st.write(chat.CaughtUpFrame{Type: chat.FrameCaughtUp, Seq: hs.head}) == nil
}

// wake asks for a writer: it starts a drain goroutine unless one is
// writing, which then looks again (pending). It never blocks: the hub
// calls it under its lock (hub.Sub.OnWake).
func (st *stream) wake() {
	st.pending.Store(true)
	if st.running.CompareAndSwap(false, true) {
		go st.drain()
	}
}

// drain writes until nothing is left, then lets the stream idle; the
// stream ends here when flush says so (running then stays set, so no
// writer starts again).
func (st *stream) drain() {
	defer func() {
		if v := recover(); v != nil {
			st.s.log.Error("panic in stream", "phase", "live", "panic", v)
			st.finish()
		}
	}()
	for {
		st.pending.Store(false)
		if !st.flush() {
			st.finish()
			return
		}
		st.sub.Idle() // sent everything: the queue's buffer goes
		st.running.Store(false)
		// A wake between flush and here found running set: look again.
		if !st.pending.Load() || !st.running.CompareAndSwap(false, true) {
			return
		}
	}
}

// flush sends what waits, until nothing does: the end of the stream
// first (the hub dropped the subscription, the server stops, the peer
// went), then a due ping (which also ends a stream whose token expired),
// the reader's replies, and committed events in order, one per pass, so
// neither a ping nor a pong waits behind a long queue. It reports
// whether the stream goes on.
func (st *stream) flush() bool {
	s, sub := st.s, st.sub
	for {
		select {
		case <-sub.Done():
			switch sub.Reason() {
			case hub.ReasonSlow:
				st.closeWith(chat.CloseSlowConsumer, "slow_consumer: reconnect with your cursor")
			case hub.ReasonRevoked:
				st.closeWith(chat.CloseUnauthorized, "revoked")
			case hub.ReasonErased:
				// The widget forgets everything it kept of the customer.
				st.closeWith(chat.CloseUnauthorized, chat.ECustomerErased)
			default:
				st.closeWith(websocket.CloseGoingAway, "server shutting down")
			}
			return false
		case <-s.stopping:
			st.closeWith(websocket.CloseGoingAway, "server shutting down")
			return false
		default:
		}
		if st.readerDone.Load() {
			return false
		}
		if st.pingDue.Swap(false) {
			if !s.cfg.Now().Before(st.expiresAt) {
				st.fail(chat.Errorf(chat.ETokenExpired, "The token has expired; sign in again."), chat.CloseUnauthorized)
				return false
			}
			st.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := st.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return false
			}
			st.ping.Reset(s.cfg.StreamPing)
		}
		if v := st.nextReply(); v != nil {
			if err := st.write(v); err != nil {
				return false
			}
		}
		if ev := sub.Next(); ev != nil {
			if ev.Seq != 0 && ev.Seq <= st.skipThrough {
				continue // the client has it (see handshaken.skipThrough)
			}
			if ev.Seq == 0 && ev.Origin == st.origin() {
				continue // ephemeral (typing, presence): not echoed to its origin
			}
			if err := st.writeEvent(ev); err != nil {
				return false
			}
		} else if !st.hasReplies() {
			return true
		}
	}
}

// hasReplies reports whether answers wait for the writer.
func (st *stream) hasReplies() bool {
	st.repliesMu.Lock()
	defer st.repliesMu.Unlock()
	return len(st.replies) > 0
}

// finish releases the stream once, from whichever goroutine ends it: the
// subscription, the timers, the connection (which ends the reader) and
// its place in Shutdown's count.
func (st *stream) finish() {
	st.ended.Do(func() {
		st.running.Store(true) // no writer starts again
		if st.ping != nil {
			st.ping.Stop()
		}
		if st.sub != nil {
			st.s.hub.Unsubscribe(st.sub)
		}
		st.conn.Close()
		st.s.streams.Done()
	})
}

func (st *stream) resync(hs *handshaken, reason, msg string) {
	st.write(chat.ErrorFrame{Type: chat.FrameResync, Error: chat.ErrorBody{Code: chat.EResync, Message: msg}, Epoch: hs.epoch, Head: hs.head, Reason: reason})
	st.closeWith(chat.CloseResync, chat.EResync)
}

// read handles client frames after the hello until the connection ends,
// then wakes the writer to end the stream.
func (st *stream) read() {
	defer st.wake()
	defer st.readerDone.Store(true)
	defer st.s.recoverStream("read")
	st.conn.SetReadDeadline(time.Now().Add(pongWait))
	st.conn.SetPongHandler(func(string) error {
		st.conn.SetReadDeadline(time.Now().Add(pongWait))
		return nil
	})
	for {
		kind, data, err := st.conn.ReadMessage()
		if err != nil {
			return
		}
		st.conn.SetReadDeadline(time.Now().Add(pongWait))
		var reply any
		var f chat.ClientFrame
		switch err := decodeBytes(data, &f); {
		case kind != websocket.TextMessage:
			reply = frameError(chat.Errorf(chat.EInvalid, "Send JSON text frames."))
		case err != nil:
			reply = frameError(err)
		case f.Type == chat.FramePing:
			reply = chat.PongFrame{Type: chat.FramePong, ID: f.ID}
		case f.Type == chat.FrameTyping:
			if err := st.typing(f.ConversationID, f.Internal); err != nil {
				reply = frameError(err)
			}
		case f.Type == chat.FrameHello:
			reply = frameError(chat.Errorf(chat.EInvalid, "Hello was already received."))
		default:
			reply = frameError(chat.Errorf(chat.EInvalid, "Unknown frame type %q.", f.Type))
		}
		if reply == nil {
			continue
		}
		st.reply(reply)
	}
}

// maxReplies bounds the answers waiting for the writer.
const maxReplies = 16

// reply queues an answer for the writer. It never blocks the reader:
// while the writer is busy (a long replay) answers beyond maxReplies are
// dropped, and pings still extend the read deadline.
func (st *stream) reply(v any) {
	st.repliesMu.Lock()
	queued := len(st.replies) < maxReplies
	if queued {
		st.replies = append(st.replies, v)
	}
	st.repliesMu.Unlock()
	if queued {
		st.wake()
	}
}

// nextReply takes the oldest queued answer, or nil.
func (st *stream) nextReply() any {
	st.repliesMu.Lock()
	defer st.repliesMu.Unlock()
	if len(st.replies) == 0 {
		return nil
	}
	v := st.replies[0]
	st.replies[0] = nil
	st.replies = st.replies[1:]
	if len(st.replies) == 0 {
		st.replies = nil // the backing array goes
	}
	return v
}

// typing passes a typing signal to the conversation's audience (the team
// only while a private note is typed: internal), at most once per
// typingEvery; it is never stored.
func (st *stream) typing(convID int64, internal bool) error {
	if internal && !st.actor.IsUser() {
		return chat.Errorf(chat.EForbidden, "Private notes are the team's.")
	}
	if st.typed == nil {
		// At most 2 typing signals a second, burst 5, charged before any
		// lookup, so frames for unknown or many conversations cannot make
		// database work.
		st.typed, st.typingLimit = map[int64]time.Time{}, rate.NewLimiter(2, 5)
	}
	now := time.Now()
	if now.Sub(st.typed[convID]) < typingEvery || !st.typingLimit.AllowN(now, 1) {
		return nil
	}
	customer, members, err := st.s.store.ConversationAudience(st.ctx, st.actor, convID)
	if err != nil {
		return err
	}
	st.typed[convID] = now
	data, _ := json.Marshal(chat.TypingData{ConversationID: convID, Who: chat.Author{Kind: st.actor.Kind, ID: st.actor.ID, Name: st.actor.Name}})
	scope := chat.ScopeConversation
	if internal {
		scope = chat.ScopeConversationTeam
	}
	st.s.hub.Ephemeral(&chat.Event{Type: chat.EventTyping, Scope: scope, ConversationID: convID,
		CustomerID: customer, Participants: members, Data: data, CreatedAt: now.UTC(), Origin: st.origin()})
	return nil
}

func frameError(err error) chat.ErrorFrame {
	return chat.ErrorFrame{Type: chat.FrameError, Error: chat.ErrorBody{Code: chat.ErrorCode(err), Message: chat.ErrorMessage(err)}}
}
