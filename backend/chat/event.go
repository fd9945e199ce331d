package chat

import (
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// Event types. Each is appended to the event log in the same transaction as
// the change it describes.
const (
	EventConversationCreated  = "conversation.created"
	EventConversationClosed   = "conversation.closed"
	EventConversationReopened = "conversation.reopened"
	EventParticipantAdded     = "conversation.participant_added"
	EventMessageCreated       = "message.created"
	EventMessageEdited        = "message.edited"
	EventMessageDeleted       = "message.deleted"
	EventReadUpdated          = "read.updated"
	EventUserCreated          = "user.created"
	EventUserUpdated          = "user.updated"
	EventCustomerUpdated      = "customer.updated"
	// EventCustomerErased: a customer was erased; the data is a
	// CustomerErased. Clients drop the customer's details and the text of
	// their messages.
	EventCustomerErased      = "customer.erased"
	EventConversationUpdated = "conversation.updated" // linked item or audience changed
	EventItemCreated         = "item.created"
	EventItemUpdated         = "item.updated"
	EventHelpdeskUpdated     = "helpdesk.updated" // settings, for the team
	EventWidgetConfig        = "widget.config"    // the public part, for every widget
	// Saved replies: the data is the SavedReply (deleted: its id and
	// owner only); the team's reach the team, a personal one its owner.
	EventSavedReplyUpdated = "saved_reply.updated"
	EventSavedReplyDeleted = "saved_reply.deleted"

	// Ephemeral events: fanned out live, never stored, Seq 0.
	EventTyping   = "typing"
	EventPresence = "presence"
)

// Scope says who may receive an event. It is stored with the event so that
// replay and live delivery apply the same rule.
type Scope string

const (
	// ScopeConversation: everyone who may see the conversation, its
	// customer included.
	ScopeConversation Scope = "conversation"
	// ScopeConversationTeam: users who may see the conversation, not the
	// customer (participant changes, customer profile updates).
	ScopeConversationTeam Scope = "conversation_team"
	// ScopeCustomer: the customer themself and users who may see any of
	// their conversations (profile updates).
	ScopeCustomer Scope = "customer"
	// ScopeUser: one user only (read state).
	ScopeUser Scope = "user"
	// ScopeTeam: every user (people directory changes).
	ScopeTeam Scope = "team"
	// ScopeAll: every user and every customer (helpdesk status, later).
	ScopeAll Scope = "all"
)

// MessageScope is the scope of a message's events (created, edited,
// deleted): the team alone for an internal one (a private note, a link or
// assignment note), everyone in the conversation otherwise.
func MessageScope(m *Message) Scope {
	if m.Internal {
		return ScopeConversationTeam
	}
	return ScopeConversation
}

// Event is one entry of the ordered event log.
type Event struct {
	Seq            int64           `json:"seq"`
	Type           string          `json:"type"`
	ConversationID int64           `json:"conversation_id,omitempty"`
	Data           json.RawMessage `json:"data"`
	CreatedAt      time.Time       `json:"created_at"`

	// Audience, never sent to clients.
	Scope        Scope   `json:"-"`
	CustomerID   int64   `json:"-"` // the conversation's customer, if any
	UserID       int64   `json:"-"` // the one recipient of ScopeUser events
	Participants []int64 `json:"-"` // users taking part at event time (for ScopeCustomer: in any of the customer's conversations)
	// Origin names who caused an ephemeral event ("user:7"), so that it is
	// not echoed to them.
	Origin string `json:"-"`
	// Frame is the event's stream frame, encoded once for every stream
	// it reaches: the hub gives each event it fans out a Frame, the first
	// stream to send it encodes it (EncodeEventFrame), the others send the
	// same bytes. nil for an event no hub handed out.
	Frame *Frame `json:"-"`
}

// Frame is an event's stream frame, encoded on first use (Bytes), once.
type Frame struct {
	once sync.Once
	b    []byte
	err  error
}

// Bytes is the frame of e (EncodeEventFrame), encoded by the first call;
// safe for concurrent use.
func (f *Frame) Bytes(e *Event) ([]byte, error) {
	f.once.Do(func() { f.b, f.err = EncodeEventFrame(e) })
	return f.b, f.err
}

// VisibleTo reports whether a may receive e. Live delivery uses the
// participants snapshot taken when the event was written; replay applies the
// same rule against the current participants (see EventStore.ListEvents).
func (e *Event) VisibleTo(a Actor) bool {
	switch e.Scope {
	case ScopeAll:
		return a.IsUser() || a.IsCustomer()
	case ScopeTeam:
		return a.IsUser()
	case ScopeUser:
		return a.IsUser() && a.ID == e.UserID
	case ScopeConversation, ScopeConversationTeam, ScopeCustomer:
		if a.IsCustomer() {
			return e.Scope != ScopeConversationTeam && e.CustomerID == a.ID
		}
		if !a.IsUser() {
			return false
		}
		return (a.Support && e.CustomerID != 0) || slices.Contains(e.Participants, a.ID)
	}
	return false
}

// Publisher receives committed events, in sequence order, exactly once.
// Stores call Publish while still holding their write lock so that events
// reach the hub in commit order; Publish must therefore never block.
type Publisher interface {
	Publish(events []*Event)
}
