package chat

import "time"

// Limits every store and transport enforces.
const (
	MaxMessageRunes = 5000     // characters in one message
	MaxNameRunes    = 200      // a person's name
	MaxEmailBytes   = 254      // RFC 5321 path limit
	MaxFieldRunes   = 2000     // page URL, browser and similar widget facts
	MaxClientID     = 100      // bytes in a client message id
	MaxPageSize     = 200      // items in one list page
	DefaultPageSize = 50       // items when the client does not say
	MaxBodyBytes    = 64 << 10 // HTTP request body cap
	MaxFrameBytes   = 64 << 10 // WebSocket frame cap
	MaxParticipants = 50       // users in one team conversation
	MinPasswordLen  = 8        // characters
	MaxPasswordLen  = 72       // bcrypt's limit, in bytes
)

// ActorKind says what sort of party an Actor or an Author is.
type ActorKind string

const (
	KindUser     ActorKind = "user"     // a team member (agent)
	KindCustomer ActorKind = "customer" // a customer, through the widget
	KindSystem   ActorKind = "system"   // deskchat itself (closed/reopened notes)
)

// Actor is who is asking; every store call that reads or changes chat data
// takes one, so that access rules live next to the data and every store
// implementation is held to them by the conformance suite.
type Actor struct {
	Kind      ActorKind
	ID        int64 // user or customer id
	Name      string
	Admin     bool
	Support   bool
	SessionID int64 // the session behind the token; lets logout close streams
}

// IsUser reports whether a is a team member.
func (a Actor) IsUser() bool { return a.Kind == KindUser && a.ID != 0 }

// IsCustomer reports whether a is a customer.
func (a Actor) IsCustomer() bool { return a.Kind == KindCustomer && a.ID != 0 }

// User is a team member.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Admin     bool      `json:"admin"`
	Support   bool      `json:"support"`
	Active    bool      `json:"active"`
	TimeZone  string    `json:"time_zone"`
	CreatedAt time.Time `json:"created_at"`
	Online    bool      `json:"online"` // presence, filled in by the API
}

// Actor returns the Actor for u acting through session sessionID.
func (u *User) Actor(sessionID int64) Actor {
	return Actor{Kind: KindUser, ID: u.ID, Name: u.Name, Admin: u.Admin, Support: u.Support, SessionID: sessionID}
}

// NewUser is the input of CreateUser. PasswordHash is already hashed.
type NewUser struct {
	Email        string
	Name         string
	PasswordHash string
	Admin        bool
	Support      bool
}

// UserUpdate changes the fields that are not nil.
type UserUpdate struct {
	Name    *string `json:"name,omitempty"`
	Admin   *bool   `json:"admin,omitempty"`
	Support *bool   `json:"support,omitempty"`
	Active  *bool   `json:"active,omitempty"`
}

// Customer is a person writing from a website through the widget. Name
// and e-mail are optional.
type Customer struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	PageURL   string    `json:"page_url"`
	Browser   string    `json:"browser"`
	Language  string    `json:"language"`
	TimeZone  string    `json:"time_zone"`
	// ErasedAt is set once an admin erased the customer: every detail
	// above is then empty for good.
	ErasedAt *time.Time `json:"erased_at,omitempty"`
}

// CustomerDetails is the customer panel: the profile, the customer's local
// time, their conversations and the tickets they requested.
type CustomerDetails struct {
	Customer
	LocalTime     string            `json:"local_time,omitempty"` // e.g. "2026-11-24T21:30:00+01:00"
	Conversations []ConversationRef `json:"conversations"`
	Items         []ItemRef         `json:"items"`
}

// CustomerInfo is what the widget reports about a customer. Empty fields
// leave the stored value unchanged on update.
type CustomerInfo struct {
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	PageURL  string `json:"page_url,omitempty"`
	Browser  string `json:"browser,omitempty"`
	Language string `json:"language,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
}

// Session is a bearer token's server side. Only the token's hash is kept.
type Session struct {
	ID         int64
	TokenHash  []byte
	UserID     int64 // set for team members
	CustomerID int64 // set for customers
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// ConversationKind separates customer chats from team chats.
type ConversationKind string

const (
	ConversationCustomer ConversationKind = "customer" // includes a customer
	ConversationTeam     ConversationKind = "team"     // users only (direct or group)
)

// Status of a conversation.
type Status string

const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Participant is a user taking part in a conversation.
type Participant struct {
	UserID  int64     `json:"user_id"`
	Name    string    `json:"name"`
	AddedAt time.Time `json:"added_at"`
}

// Conversation is a thread of messages between a customer and the team, or
// between team members.
type Conversation struct {
	ID             int64            `json:"id"`
	Kind           ConversationKind `json:"kind"`
	Status         Status           `json:"status"`
	CustomerID     int64            `json:"customer_id,omitempty"`
	Customer       *Customer        `json:"customer,omitempty"`
	Participants   []Participant    `json:"participants"`
	CreatedAt      time.Time        `json:"created_at"`
	LastActivityAt time.Time        `json:"last_activity_at"`
	ClosedAt       *time.Time       `json:"closed_at,omitempty"`
	ErasedAt       *time.Time       `json:"erased_at,omitempty"` // its customer was erased; the conversation stays
	LastMessage    *Message         `json:"last_message,omitempty"`
	Item           *ItemRef         `json:"item,omitempty"`                 // linked ticket/task; never shown to customers
	Assignee       *Person          `json:"assignee,omitempty"`             // the agent it is assigned to (customer conversations); never shown to customers
	Unread         int              `json:"unread"`                         // for the asking user
	LastReadID     int64            `json:"last_read_message_id,omitempty"` // the asking user's read mark
}

// ForCustomer removes what is the team's business from a conversation
// before a customer receives it (an answer or the data of an event the
// customer receives too): the linked item, the assignee and, in a
// customer conversation, the team's participants (who joined by writing a
// private note, by a mention or by an assignment is the team's business;
// the customer sees who wrote to them on the messages). Every store calls
// it, so no customer-facing copy can carry them. Team members learn
// participants from the team's events (participant_added,
// conversation.updated), never from these copies.
func (c *Conversation) ForCustomer() *Conversation {
	cc := *c
	cc.Item, cc.Assignee = nil, nil
	if cc.Kind == ConversationCustomer {
		cc.Participants = []Participant{}
	}
	if cc.LastMessage != nil && cc.LastMessage.Internal {
		cc.LastMessage = nil
	}
	return &cc
}

// HasParticipant reports whether user id takes part in c.
func (c *Conversation) HasParticipant(id int64) bool {
	for _, p := range c.Participants {
		if p.UserID == id {
			return true
		}
	}
	return false
}

// NewConversation is the input of CreateConversation. A customer starts a
// customer conversation with its first message (Text required); a user
// starts a team conversation with ParticipantIDs (Text optional).
type NewConversation struct {
	ClientID       string   `json:"client_id"`
	Text           string   `json:"text"`
	ParticipantIDs []int64  `json:"participant_ids"`
	Attachments    []string `json:"attachments,omitempty"` // uploads the first message carries (see NewMessage)
}

// ConversationFilter selects a page of conversations, newest activity first.
// Before* is the cursor: the last item of the previous page.
type ConversationFilter struct {
	Section Section
	Status  Status
	Kind    ConversationKind
	// Assignee narrows customer conversations to AssignedToMe or
	// Unassigned ("" = any; EInvalid otherwise).
	Assignee       AssigneeFilter
	BeforeActivity time.Time
	BeforeID       int64
	Limit          int
}

// AssigneeFilter selects conversations by assignment.
type AssigneeFilter string

const (
	AssignedToMe AssigneeFilter = "me"   // assigned to the asking user
	Unassigned   AssigneeFilter = "none" // customer conversations nobody is assigned to
)

// Author is who wrote a message.
type Author struct {
	Kind ActorKind `json:"kind"`
	ID   int64     `json:"id,omitempty"`
	Name string    `json:"name"`
}

// Message is one entry in a conversation. A deleted message keeps its place
// (id, author, times) and loses its text.
type Message struct {
	ID             int64  `json:"id"`
	ConversationID int64  `json:"conversation_id"`
	Author         Author `json:"author"`
	Text           string `json:"text"`
	System         string `json:"system,omitempty"` // closed, reopened, linked, offline_reply… for system notes
	// SystemParams: what a system note says, for each reader to write it
	// in their language (notes written before them have Text only; Text
	// is the English sentence, for search and older clients).
	SystemParams *SystemParams `json:"system_params,omitempty"`
	// Internal: for the team only, never the customer: a private note
	// (an agent's, System empty) or an internal system note (linked,
	// assigned…).
	Internal bool    `json:"internal,omitempty"`
	Mentions []int64 `json:"mentions,omitempty"` // users @mentioned (ids); in private notes and team conversations
	// Attachments: the files it carries (at most MaxAttachments), in the
	// order they were sent; gone when the message is deleted.
	Attachments []Attachment `json:"attachments,omitempty"`
	ClientID    string       `json:"client_id,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	EditedAt    *time.Time   `json:"edited_at,omitempty"`
	DeletedAt   *time.Time   `json:"deleted_at,omitempty"`
}

// NewMessage is the input of SendMessage. Internal makes it a private
// note: the team sees it, the customer never does (CheckNewMessage,
// EffectsOfSend). Mentions are the users it @mentions: each becomes a
// member of the conversation and is notified.
type NewMessage struct {
	ClientID string  `json:"client_id"`
	Text     string  `json:"text"` // may be empty when Attachments are given
	Internal bool    `json:"internal,omitempty"`
	Mentions []int64 `json:"mentions,omitempty"`
	// Attachments are ids of the sender's uploads (POST /v1/uploads) that
	// were not sent yet, at most MaxAttachments.
	Attachments []string `json:"attachments,omitempty"`
}

// MessageFilter selects a page of messages. With Before the page holds the
// newest messages older than that id (scrolling back); with After the
// oldest newer than it (catching up: After 0 is the very first page); with
// neither, the newest page. Pages are in ascending order. nil means
// absent, which is not the same as 0.
type MessageFilter struct {
	Before *int64
	After  *int64
	Limit  int
}

// ID returns a pointer to id, for the optional ids of filters.
func ID(id int64) *int64 { return &id }

// AuditAction names what happened to a message.
type AuditAction string

const (
	AuditEdit   AuditAction = "edit"
	AuditDelete AuditAction = "delete"
)

// AuditEntry records one edit or delete with the text before and after.
type AuditEntry struct {
	ID        int64       `json:"id"`
	MessageID int64       `json:"message_id"`
	Action    AuditAction `json:"action"`
	Actor     Author      `json:"actor"`
	OldText   string      `json:"old_text"`
	NewText   string      `json:"new_text"`
	At        time.Time   `json:"at"`
}

// ReadState is how far a user has read a conversation.
type ReadState struct {
	ConversationID    int64     `json:"conversation_id"`
	UserID            int64     `json:"user_id"`
	LastReadMessageID int64     `json:"last_read_message_id"`
	Unread            int       `json:"unread"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// UnreadCounts sums what a user has not read, over the conversations they
// may see. Only messages by others count; system notes do not.
type UnreadCounts struct {
	Conversations  int                  `json:"conversations"` // with ≥1 unread
	Messages       int                  `json:"messages"`
	ByConversation []ConversationUnread `json:"by_conversation"`
}

// ConversationUnread is one conversation's unread count.
type ConversationUnread struct {
	ConversationID int64 `json:"conversation_id"`
	Unread         int   `json:"unread"`
}
