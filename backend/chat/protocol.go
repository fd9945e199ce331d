package chat

import "encoding/json"

// The event stream protocol (GET /v1/stream, docs/API.md "The event
// stream"): every frame either side sends, its close codes and its resync
// reasons. This is the one definition: the server (httpapi), the Go client
// (client) and, through the TypeScript generated from it
// (frontend/src/lib/protocol.gen.ts, checked by TestProtocolTypeScript),
// the widget and the agent UI.

// Frame types.
const (
	// Sent by clients.
	FrameHello  = "hello"  // the first frame: token, cursor, epoch
	FramePing   = "ping"   // answered by pong with the same id
	FrameTyping = "typing" // the sender is typing in a conversation

	// Sent by the server.
	FrameWelcome   = "welcome"   // the hello was accepted; replay follows
	FrameEvent     = "event"     // a stored event (replayed or live)
	FrameEphemeral = "ephemeral" // a typing or presence signal, never stored (seq 0)
	FrameCaughtUp  = "caught_up" // the replay is done; live events follow
	FrameResync    = "resync"    // the cursor cannot be replayed; close 4000 follows
	FrameError     = "error"     // a frame was refused; the stream goes on (or a close follows)
	FramePong      = "pong"      // the answer to ping
)

// WebSocket close codes beyond RFC 6455, in the private range.
const (
	CloseResync       = 4000 // the cursor cannot be replayed: resync, then reconnect
	CloseUnauthorized = 4001 // bad, expired, revoked or erased token; the reason is the error code
	CloseSlowConsumer = 4008 // the stream's queue overflowed: reconnect with the cursor
)

// Why a cursor cannot be replayed: the resync frame's reason. Each has a
// message of its own too; a client's answer is the same for all (reload,
// reconnect), the reason is for logs and support.
const (
	ResyncEpoch   = "epoch"    // the cursor belongs to another event log (another database)
	ResyncNoEpoch = "no_epoch" // a cursor above 0 came without the epoch it belongs to
	ResyncAhead   = "ahead"    // the cursor is beyond the log's head
	ResyncPruned  = "pruned"   // the log no longer holds the events after the cursor
)

// ClientFrame is every frame a client sends; Type says which fields
// matter: hello (Token unless sent as a header, Cursor, Epoch), ping (ID),
// typing (ConversationID; Internal while a private note is typed: the
// customer is not told). Cursor nil starts at the head (live only);
// Cursor 0 replays from the beginning of the log.
type ClientFrame struct {
	Type           string `json:"type"`
	Token          string `json:"token,omitempty"`
	Cursor         *int64 `json:"cursor,omitempty"`
	Epoch          string `json:"epoch,omitempty"`
	ID             string `json:"id,omitempty"`
	ConversationID int64  `json:"conversation_id,omitempty"`
	Internal       bool   `json:"internal,omitempty"`
}

// WelcomeFrame accepts the hello: the log's epoch and head, the cursor the
// replay starts after, and who the stream acts for.
type WelcomeFrame struct {
	Type   string `json:"type"` // welcome
	Epoch  string `json:"epoch"`
	Head   int64  `json:"head"`
	Cursor int64  `json:"cursor"`
	Actor  Author `json:"actor"`
}

// EventFrame carries one event: a stored one (type event, Seq > 0) or an
// ephemeral one (type ephemeral, Seq 0; see TypingData, PresenceData).
type EventFrame struct {
	Type  string `json:"type"` // event or ephemeral
	Event *Event `json:"event"`
}

// EncodeEventFrame is the stream frame of e as bytes: type event for a
// stored event, ephemeral for one with Seq 0. The hub encodes each event
// once (Event.Frame) for all the streams it reaches.
func EncodeEventFrame(e *Event) ([]byte, error) {
	typ := FrameEvent
	if e.Seq == 0 {
		typ = FrameEphemeral
	}
	return json.Marshal(EventFrame{Type: typ, Event: e})
}

// CaughtUpFrame ends the replay: the client's cursor is now Seq.
type CaughtUpFrame struct {
	Type string `json:"type"` // caught_up
	Seq  int64  `json:"seq"`
}

// ErrorBody is one error as it crosses the wire: a stable code and a
// message safe to show. HTTP answers carry it as {"error": …} (see
// ErrorResponse), stream frames in ErrorFrame.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ErrorResponse is the body of every HTTP error answer.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// ErrorFrame refuses something: type error (a bad frame; the stream goes
// on unless a close follows) or resync (with the log's Epoch and Head and
// a Reason, one of the Resync* constants; close 4000 follows).
type ErrorFrame struct {
	Type   string    `json:"type"` // error or resync
	Error  ErrorBody `json:"error"`
	Epoch  string    `json:"epoch,omitempty"`
	Head   int64     `json:"head,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// PongFrame answers a ping with its id.
type PongFrame struct {
	Type string `json:"type"` // pong
	ID   string `json:"id,omitempty"`
}

// ServerFrame is any frame the server sends, as a client reads it: the
// union of WelcomeFrame, EventFrame, CaughtUpFrame, ErrorFrame and
// PongFrame; Type says which fields are set.
type ServerFrame struct {
	Type   string     `json:"type"`
	Epoch  string     `json:"epoch,omitempty"`
	Head   int64      `json:"head,omitempty"`
	Cursor int64      `json:"cursor,omitempty"`
	Seq    int64      `json:"seq,omitempty"`
	Actor  Author     `json:"actor"`
	Event  *Event     `json:"event,omitempty"`
	Error  *ErrorBody `json:"error,omitempty"`
	ID     string     `json:"id,omitempty"`
	Reason string     `json:"reason,omitempty"`
}

// Err returns the frame's error as an *Error (nil without one).
func (f *ServerFrame) Err() *Error {
	if f.Error == nil {
		return nil
	}
	return &Error{Code: f.Error.Code, Message: f.Error.Message}
}

// TypingData is the data of an ephemeral typing event: who is typing
// where. It reaches the conversation's audience except the typist.
type TypingData struct {
	ConversationID int64  `json:"conversation_id"`
	Who            Author `json:"who"`
}

// PresenceData is the data of an ephemeral presence event, for the team.
type PresenceData struct {
	UserID int64 `json:"user_id"`
	Online bool  `json:"online"`
}
