package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/backend/chat"
)

// Frame is any frame the server sends on the stream; Type says which
// fields are set.
type Frame struct {
	Type   string       `json:"type"` // welcome, event, caught_up, resync, error, pong
	Epoch  string       `json:"epoch,omitempty"`
	Head   int64        `json:"head,omitempty"`
	Cursor int64        `json:"cursor,omitempty"`
	Seq    int64        `json:"seq,omitempty"`
	Actor  chat.Author  `json:"actor"`
	Event  *StreamEvent `json:"event,omitempty"`
	Error  *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason,omitempty"` // resync: epoch, no_epoch, ahead or pruned
}

// StreamEvent is an event as clients receive it.
type StreamEvent struct {
	Seq            int64           `json:"seq"`
	Type           string          `json:"type"`
	ConversationID int64           `json:"conversation_id,omitempty"`
	Data           json.RawMessage `json:"data"`
	CreatedAt      time.Time       `json:"created_at"`
}

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

// OpenStream connects, says hello and reads the welcome. A resync or an
// auth failure comes back as an *APIError with the server's code.
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
			return nil, &APIError{Status: resp.StatusCode, Code: handshakeCode(resp), Message: err.Error()}
		}
		return nil, err
	}
	hello := map[string]any{"type": "hello", "token": c.Token}
	if opt.Cursor != nil {
		hello["cursor"] = *opt.Cursor
	}
	if opt.Epoch != "" {
		hello["epoch"] = opt.Epoch
	}
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
	if f.Type != "welcome" {
		conn.Close()
		if f.Error != nil {
			return nil, &APIError{Code: f.Error.Code, Message: f.Error.Message}
		}
		return nil, fmt.Errorf("deskchat: expected welcome, got %s", f.Type)
	}
	s.Welcome = *f
	return s, nil
}

func handshakeCode(resp *http.Response) string {
	var eb struct {
		Error struct{ Code string } `json:"error"`
	}
	if json.NewDecoder(resp.Body).Decode(&eb) == nil && eb.Error.Code != "" {
		return eb.Error.Code
	}
	return "handshake_failed"
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

// Typing tells the conversation's other party that I am typing. The server
// drops signals beyond one a second per conversation, so callers may call
// it on every keystroke.
func (s *Stream) Typing(convID int64) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.Conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.Conn.WriteJSON(map[string]any{"type": "typing", "conversation_id": convID})
}
