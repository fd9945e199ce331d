package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/hub"
)

// Stream timing and sizes.
const (
	helloWait    = 10 * time.Second // for the client's hello after upgrade
	writeWait    = 10 * time.Second // for one frame to be written
	pongWait     = 70 * time.Second // silence after which the peer is gone
	pingPeriod   = 30 * time.Second // < pongWait
	replayPage   = 500              // events per store read during replay
	visitorQueue = 64               // visitors get few events; keep them cheap
)

// WebSocket close codes beyond RFC 6455's, in the private range.
const (
	CloseResync       = 4000 // cursor cannot be replayed: resync, then reconnect
	CloseUnauthorized = 4001 // bad, expired or revoked token
	CloseSlowConsumer = 4008 // queue overflowed: reconnect and resume
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 4096,
	// Write buffers return to the pool between frames, so an idle stream
	// holds none (100,000 idle widgets is a target).
	WriteBufferPool: &sync.Pool{},
	// Origin is checked before Upgrade, with our own error answer.
	CheckOrigin: func(*http.Request) bool { return true },
}

// Frames a client sends.
type clientFrame struct {
	Type           string `json:"type"`
	Token          string `json:"token,omitempty"`
	Cursor         *int64 `json:"cursor,omitempty"`
	Epoch          string `json:"epoch,omitempty"`
	ID             string `json:"id,omitempty"`
	ConversationID int64  `json:"conversation_id,omitempty"`
}

// Frames the server sends.
type welcomeFrame struct {
	Type   string      `json:"type"` // welcome
	Epoch  string      `json:"epoch"`
	Head   int64       `json:"head"`
	Cursor int64       `json:"cursor"`
	Actor  chat.Author `json:"actor"`
}

type eventFrame struct {
	Type  string      `json:"type"` // event
	Event *chat.Event `json:"event"`
}

type seqFrame struct {
	Type string `json:"type"` // caught_up
	Seq  int64  `json:"seq"`
}

type errorFrame struct {
	Type   string      `json:"type"` // error or resync
	Error  errorDetail `json:"error"`
	Epoch  string      `json:"epoch,omitempty"`
	Head   int64       `json:"head,omitempty"`
	Reason string      `json:"reason,omitempty"` // resync only: one of the Resync* reasons
}

// Why a cursor cannot be replayed: the resync frame's "reason". Each has
// its own message too; the client's answer is the same for all (reload,
// reconnect), the reason is for logs and support.
const (
	ResyncEpoch   = "epoch"    // the cursor belongs to another event log (another database)
	ResyncNoEpoch = "no_epoch" // a cursor above 0 came without the epoch it belongs to
	ResyncAhead   = "ahead"    // the cursor is beyond the log's head
	ResyncPruned  = "pruned"   // the log no longer holds the events after the cursor
)

type pongFrame struct {
	Type string `json:"type"` // pong
	ID   string `json:"id,omitempty"`
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
	defer s.streams.Done()
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade answered the client already
	}
	defer conn.Close()
	conn.SetReadLimit(chat.MaxFrameBytes)
	st := &stream{s: s, conn: conn}
	st.run(r.Context(), r.Header.Get("Authorization"))
}

// stream is one connection. Only run's goroutine writes; one reader
// goroutine reads and hands replies over.
type stream struct {
	s           *Server
	conn        *websocket.Conn
	replies     chan any
	actor       chat.Actor
	ctx         context.Context
	typed       map[int64]time.Time // last typing signal per conversation
	typingLimit *rate.Limiter       // all typing signals of this stream
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

// closeWith sends a close frame with code and reason; the deferred
// conn.Close in handleStream then drops the TCP connection.
func (st *stream) closeWith(code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	st.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait))
}

func (st *stream) fail(err error, code int) {
	st.write(errorFrame{Type: "error", Error: errorDetail{chat.ErrorCode(err), chat.ErrorMessage(err)}})
	st.closeWith(code, chat.ErrorCode(err))
}

func (st *stream) run(ctx context.Context, authHeader string) {
	s := st.s
	// 1. hello: token (unless sent as a header), cursor, epoch.
	st.conn.SetReadDeadline(time.Now().Add(helloWait))
	var hello clientFrame
	_, data, err := st.conn.ReadMessage()
	if err != nil {
		st.closeWith(websocket.ClosePolicyViolation, "hello expected")
		return
	}
	if err := decodeBytes(data, &hello); err != nil {
		st.fail(err, websocket.ClosePolicyViolation)
		return
	}
	if hello.Type != "hello" {
		st.fail(chat.Errorf(chat.EInvalid, "The first frame must be a hello."), websocket.ClosePolicyViolation)
		return
	}
	token := hello.Token
	if token == "" {
		token, _ = auth.ParseBearer(authHeader)
	}
	if token == "" {
		st.fail(chat.Errorf(chat.EUnauthorized, "The hello needs a token."), CloseUnauthorized)
		return
	}
	actor, sess, err := s.store.Authenticate(ctx, auth.HashToken(token), s.cfg.Now())
	if err != nil {
		code := CloseUnauthorized
		if chat.ErrorCode(err) == chat.EUnavailable {
			code = websocket.CloseTryAgainLater
		}
		st.fail(err, code)
		return
	}
	epoch, err := s.store.Epoch(ctx)
	if err != nil {
		st.fail(err, websocket.CloseInternalServerErr)
		return
	}

	// 2. Subscribe before replaying, so nothing committed in between is
	// missed: the hub delivers everything after head, the store has
	// everything up to head.
	queue := s.cfg.StreamQueue
	if actor.IsCustomer() {
		queue = min(queue, visitorQueue)
	}
	sub, head := s.hub.Subscribe(actor, queue)
	defer s.hub.Unsubscribe(sub)
	// A logout, deactivation or change of flags between Authenticate and
	// Subscribe closed nothing (this stream was not subscribed yet): look
	// again now that any later change will reach the subscription.
	if again, _, err := s.store.Authenticate(ctx, auth.HashToken(token), s.cfg.Now()); err != nil || again != actor {
		if err == nil {
			err = chat.Errorf(chat.EUnauthorized, "Your account changed while connecting; connect again.")
		}
		st.fail(err, CloseUnauthorized)
		return
	}
	cursor := head
	if hello.Cursor != nil {
		cursor = *hello.Cursor
	}
	// A cursor means nothing without the epoch it belongs to (0, "from the
	// beginning", is the one exception).
	sentCursor := hello.Cursor != nil && *hello.Cursor > 0
	switch {
	case cursor < 0:
		st.fail(chat.Errorf(chat.EInvalid, "The cursor must not be negative."), websocket.ClosePolicyViolation)
		return
	case hello.Epoch != "" && hello.Epoch != epoch:
		msg := fmt.Sprintf("Cursor %d belongs to another event log (epoch %.8s…, this log is %.8s…); resync.", cursor, hello.Epoch, epoch)
		if hello.Cursor == nil {
			msg = fmt.Sprintf("Epoch %.8s… is another event log's (this log is %.8s…); resync.", hello.Epoch, epoch)
		}
		st.resync(epoch, head, ResyncEpoch, msg)
		return
	case sentCursor && hello.Epoch == "":
		st.resync(epoch, head, ResyncNoEpoch, fmt.Sprintf("Cursor %d came without its epoch; resync.", cursor))
		return
	case cursor > head:
		st.resync(epoch, head, ResyncAhead, fmt.Sprintf("Cursor %d is beyond the log's head %d; resync.", cursor, head))
		return
	}
	// Read the first replay page before the welcome, so a cursor that
	// cannot be replayed gets resync instead of a welcome.
	var page []*chat.Event
	if cursor < head {
		page, err = s.store.ListEvents(ctx, actor, cursor, head, replayPage)
		if chat.ErrorCode(err) == chat.EResync {
			st.resync(epoch, head, ResyncPruned, chat.ErrorMessage(err))
			return
		} else if err != nil {
			st.fail(err, websocket.CloseTryAgainLater)
			return
		}
	}
	if err := st.write(welcomeFrame{Type: "welcome", Epoch: epoch, Head: head, Cursor: cursor,
		Actor: chat.Author{Kind: actor.Kind, ID: actor.ID, Name: actor.Name}}); err != nil {
		return
	}

	// 3. The reader runs from here on, so pings are answered during replay.
	// At most 2 typing signals a second, burst 5, charged before any
	// lookup, so frames for unknown or many conversations cannot make
	// database work.
	st.actor, st.ctx, st.typed, st.typingLimit = actor, ctx, map[int64]time.Time{}, rate.NewLimiter(2, 5)
	st.replies = make(chan any, 16)
	readerDone := make(chan struct{})
	go st.read(readerDone)

	// 4. Replay (cursor, head] from the store, a page at a time.
	for {
		for _, ev := range page {
			if err := st.write(eventFrame{"event", ev}); err != nil {
				return
			}
		}
		if len(page) < replayPage {
			break
		}
		cursor = page[len(page)-1].Seq
		if page, err = s.store.ListEvents(ctx, actor, cursor, head, replayPage); err != nil {
			// Pruning raced the replay: the client resyncs.
			if chat.ErrorCode(err) == chat.EResync {
				st.resync(epoch, head, ResyncPruned, chat.ErrorMessage(err))
			} else {
				st.fail(err, websocket.CloseTryAgainLater)
			}
			return
		}
	}
	if err := st.write(seqFrame{"caught_up", head}); err != nil {
		return
	}

	// 5. Live.
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	for {
		select {
		case ev := <-sub.C:
			frame := eventFrame{"event", ev}
			if ev.Seq == 0 { // ephemeral: typing, presence
				if ev.Origin == st.origin() {
					continue
				}
				frame.Type = "ephemeral"
			}
			if err := st.write(frame); err != nil {
				return
			}
		case <-sub.Done():
			switch sub.Reason() {
			case hub.ReasonSlow:
				st.closeWith(CloseSlowConsumer, "slow_consumer: reconnect with your cursor")
			case hub.ReasonRevoked:
				st.closeWith(CloseUnauthorized, "revoked")
			case hub.ReasonErased:
				// The widget forgets everything it kept of the visitor.
				st.closeWith(CloseUnauthorized, chat.ECustomerErased)
			default:
				st.closeWith(websocket.CloseGoingAway, "server shutting down")
			}
			return
		case <-s.stopping:
			st.closeWith(websocket.CloseGoingAway, "server shutting down")
			return
		case v := <-st.replies:
			if err := st.write(v); err != nil {
				return
			}
		case <-ping.C:
			if !s.cfg.Now().Before(sess.ExpiresAt) {
				st.fail(chat.Errorf(chat.ETokenExpired, "The token has expired; sign in again."), CloseUnauthorized)
				return
			}
			st.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := st.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		case <-readerDone:
			return
		}
	}
}

func (st *stream) resync(epoch string, head int64, reason, msg string) {
	st.write(errorFrame{Type: "resync", Error: errorDetail{chat.EResync, msg}, Epoch: epoch, Head: head, Reason: reason})
	st.closeWith(CloseResync, chat.EResync)
}

// read handles client frames after the hello until the connection ends.
func (st *stream) read(done chan struct{}) {
	defer close(done)
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
		var f clientFrame
		switch err := decodeBytes(data, &f); {
		case kind != websocket.TextMessage:
			reply = frameError(chat.Errorf(chat.EInvalid, "Send JSON text frames."))
		case err != nil:
			reply = frameError(err)
		case f.Type == "ping":
			reply = pongFrame{"pong", f.ID}
		case f.Type == "typing":
			if err := st.typing(f.ConversationID); err != nil {
				reply = frameError(err)
			}
		case f.Type == "hello":
			reply = frameError(chat.Errorf(chat.EInvalid, "Hello was already received."))
		default:
			reply = frameError(chat.Errorf(chat.EInvalid, "Unknown frame type %q.", f.Type))
		}
		if reply == nil {
			continue
		}
		// Never block the reader: while the writer is busy (a long replay)
		// answers beyond the buffer are dropped, and pings still extend
		// the read deadline above.
		select {
		case st.replies <- reply:
		default:
		}
	}
}

// typing passes a typing signal to the conversation's audience, at most
// once per typingEvery; it is never stored.
func (st *stream) typing(convID int64) error {
	now := time.Now()
	if now.Sub(st.typed[convID]) < typingEvery || !st.typingLimit.AllowN(now, 1) {
		return nil
	}
	customer, members, err := st.s.store.ConversationAudience(st.ctx, st.actor, convID)
	if err != nil {
		return err
	}
	st.typed[convID] = now
	data, _ := json.Marshal(struct {
		ConversationID int64       `json:"conversation_id"`
		Who            chat.Author `json:"who"`
	}{convID, chat.Author{Kind: st.actor.Kind, ID: st.actor.ID, Name: st.actor.Name}})
	st.s.hub.Ephemeral(&chat.Event{Type: chat.EventTyping, Scope: chat.ScopeConversation, ConversationID: convID,
		CustomerID: customer, Participants: members, Data: data, CreatedAt: now.UTC(), Origin: st.origin()})
	return nil
}

func frameError(err error) errorFrame {
	return errorFrame{Type: "error", Error: errorDetail{chat.ErrorCode(err), chat.ErrorMessage(err)}}
}
