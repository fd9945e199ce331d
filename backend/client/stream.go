package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/backend/chat"
)

// Frame is any frame the server sends (see chat.ServerFrame).
type Frame = chat.ServerFrame

// Stream is an open event stream.
type Stream struct {
	Conn    *websocket.Conn
	Welcome Frame

	writeMu sync.Mutex // gorilla allows one writer at a time
}

// StreamOptions say where to resume. Cursor nil starts at the head (live
// only); Origin, when set, is sent like a browser would.
type StreamOptions struct {
	Cursor *int64
	Epoch  string
	Origin string
	// Dialer, when set, dials instead of a default one (the load tool binds
	// source addresses and shrinks buffers with it).
	Dialer *websocket.Dialer
}

// OpenStream connects, says hello and reads the welcome. A refused
// upgrade, a resync or an auth failure comes back as the server's
// *chat.Error.
func (c *Client) OpenStream(ctx context.Context, opt StreamOptions) (*Stream, error) {
	u := "ws" + strings.TrimPrefix(c.BaseURL, "http") + "/v1/stream"
	h := http.Header{}
	if opt.Origin != "" {
		h.Set("Origin", opt.Origin)
	}
	d := &websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	if opt.Dialer != nil {
		d = opt.Dialer
	}
	conn, resp, err := d.DialContext(ctx, u, h)
	if err != nil {
		if resp != nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			return nil, answerError(resp.StatusCode, body)
		}
		return nil, err
	}
	hello := chat.ClientFrame{Type: chat.FrameHello, Token: c.Token, Cursor: opt.Cursor, Epoch: opt.Epoch}
	if err := conn.WriteJSON(hello); err != nil {
		conn.Close()
		return nil, err
	}
	// Cancelling ctx while the welcome is awaited closes the connection.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	s := &Stream{Conn: conn}
	// The server pings every 30 s: each ping proves the connection alive,
	// so a connection silent for longer than LiveWait is dead (a laptop
	// that slept, a half-open TCP) and Next fails instead of waiting forever.
	conn.SetPingHandler(func(data string) error {
		conn.SetReadDeadline(time.Now().Add(LiveWait))
		err := conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(10*time.Second))
		if err == websocket.ErrCloseSent {
			return nil
		}
		return err
	})
	f, err := s.Next(ctx)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if f.Type != chat.FrameWelcome {
		conn.Close()
		if e := f.Err(); e != nil {
			return nil, e
		}
		return nil, fmt.Errorf("deskchat: expected welcome, got %s", f.Type)
	}
	s.Welcome = *f
	return s, nil
}

// LiveWait is how long a stream may be silent (no frame, no ping) before
// it counts as dead: more than twice the server's 30 s ping period.
var LiveWait = 70 * time.Second

// Next reads the next frame, honouring ctx's deadline; without one it
// fails after LiveWait of silence.
func (s *Stream) Next(ctx context.Context) (*Frame, error) {
	if dl, ok := ctx.Deadline(); ok {
		s.Conn.SetReadDeadline(dl)
	} else {
		s.Conn.SetReadDeadline(time.Now().Add(LiveWait))
	}
	var f Frame
	_, data, err := s.Conn.ReadMessage()
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("deskchat: bad frame %q: %w", data, err)
	}
	return &f, nil
}

// Close closes the connection with a normal close frame.
func (s *Stream) Close() error {
	s.Conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	return s.Conn.Close()
}

// Typing tells the conversation's other party that I am typing (internal:
// a private note, so the team only, never the customer). The server
// drops signals beyond one a second per conversation, so callers may call
// it on every keystroke.
func (s *Stream) Typing(convID int64, internal bool) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.Conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.Conn.WriteJSON(chat.ClientFrame{Type: chat.FrameTyping, ConversationID: convID, Internal: internal})
}
