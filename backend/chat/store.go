package chat

import (
	"context"
	"time"
)

// Store is everything deskchat persists. Implementations (SQLite today,
// PostgreSQL later) must pass storetest.Run. Every method that touches chat
// data takes the asking Actor. Who may do what and what is valid are the
// domain's rules, plain functions in this package (rules.go, validate.go,
// items.go: CanListConversations, CheckNewConversation, EffectsOfSend, …)
// that every store calls with the same inputs and answers with the same
// errors; what is a store's own is visibility, which it puts in its queries:
//
//   - a customer sees only conversations whose customer they are;
//   - a user sees customer conversations only with the support flag or as a
//     participant, and team conversations only as a participant;
//   - a conversation the actor may not see answers ENotFound, never
//     EForbidden, so ids cannot be probed.
//
// Every change appends its events to the log in the same transaction and
// hands them to the Publisher after commit, in sequence order.
type Store interface {
	UserStore
	SessionStore
	CustomerStore
	ConversationStore
	MessageStore
	EventStore
	ItemStore
	SearchStore
	SettingsStore
	SavedReplyStore
	AssignmentStore
	AttachmentStore

	// Ping reports whether the database answers (health checks).
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// UserStore keeps team members.
type UserStore interface {
	// CreateUser adds a user: admins and the Operator (EForbidden, see
	// CanCreateUser). EConflict if the e-mail is taken, EInvalid on a bad
	// name, e-mail or no password (CheckNewUser).
	CreateUser(ctx context.Context, a Actor, u NewUser) (*User, error)
	// FindUserByID returns a user. ENotFound.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserCredentials returns the user and password hash for a login
	// e-mail (normalised by the store). ENotFound.
	FindUserCredentials(ctx context.Context, email string) (*User, string, error)
	// ListUsers returns every user, active or not, by name.
	ListUsers(ctx context.Context) ([]*User, error)
	// UpdateUser changes a user's name and flags: a user renames themself,
	// admins change anyone's flags but not their own admin or active flag
	// (EForbidden, EInvalid: CanUpdateUser). Deactivating revokes every
	// session of the user. ENotFound, EInvalid (CheckUserUpdate).
	UpdateUser(ctx context.Context, a Actor, id int64, upd UserUpdate) (*User, error)
	// SetUserPassword stores a new hash and revokes every session of the
	// user except keepSessionID (0 revokes all). ENotFound.
	SetUserPassword(ctx context.Context, id int64, hash string, keepSessionID int64) error
}

// SessionStore keeps bearer tokens, by hash only.
type SessionStore interface {
	// CreateSession stores a session for a user or a customer.
	CreateSession(ctx context.Context, s Session) (*Session, error)
	// Authenticate finds the session for a token hash and returns who it
	// acts for. EUnauthorized for an unknown/revoked token or an inactive
	// user, ETokenExpired when past expiry at now.
	Authenticate(ctx context.Context, tokenHash []byte, now time.Time) (Actor, *Session, error)
	// DeleteSession revokes one session. Unknown ids are not an error.
	DeleteSession(ctx context.Context, id int64) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// CustomerStore keeps the customers (people writing from a website).
type CustomerStore interface {
	// CreateCustomer adds a customer with what the widget reports.
	CreateCustomer(ctx context.Context, info CustomerInfo) (*Customer, error)
	// FindCustomerByID returns a customer the actor may see: the customer
	// themself, or a user who may see one of their conversations. ENotFound.
	FindCustomerByID(ctx context.Context, a Actor, id int64) (*Customer, error)
	// FindCustomerDetails returns a customer with the conversations of
	// theirs the actor may see and the tickets they requested (team only).
	FindCustomerDetails(ctx context.Context, a Actor, id int64) (*CustomerDetails, error)
	// UpdateCustomer records a visit: sets last seen and the non-empty
	// fields of info. Only the customer themself may. ENotFound.
	UpdateCustomer(ctx context.Context, a Actor, id int64, info CustomerInfo) (*Customer, error)
	// EraseCustomer erases a customer (the right to erasure): their details
	// (name, e-mail, page, browser, language, time zone) and the text of
	// all their messages go from every table and every stored event, their
	// audit entries with them; system notes and items lose the customer's
	// words (see Scrubber); their conversations stay, marked erased; their
	// sessions end. It appends customer.erased. Erasing twice answers the
	// first erasure. Admins only (EForbidden, see CanEraseCustomer);
	// ENotFound.
	EraseCustomer(ctx context.Context, a Actor, id int64) (*Erasure, error)
	// ListErasures returns the record of every erasure, newest first.
	// Admins only (EForbidden).
	ListErasures(ctx context.Context, a Actor) ([]*Erasure, error)
}

// ConversationStore keeps conversations and their participants.
type ConversationStore interface {
	// CreateConversation starts a conversation. A customer starts a customer
	// conversation with its first message (Text required); a user starts a
	// team conversation with other active users (ParticipantIDs, Text
	// optional). With a ClientID the call is idempotent: repeating it returns
	// the original conversation and created=false.
	CreateConversation(ctx context.Context, a Actor, nc NewConversation) (c *Conversation, m *Message, created bool, err error)
	// FindConversationByID returns a conversation with its customer,
	// participants, last message and the actor's unread count. ENotFound.
	FindConversationByID(ctx context.Context, a Actor, id int64) (*Conversation, error)
	// ListConversations returns a page the actor may see, newest activity
	// first. With a Section it returns that section only; SectionCustomers
	// and Kind customer are EForbidden for users without the support flag;
	// see CanListConversations.
	ListConversations(ctx context.Context, a Actor, f ConversationFilter) ([]*Conversation, error)
	// CloseConversation moves a conversation to closed. Users only
	// (EForbidden for customers, CanChangeStatus); closing a closed one is
	// a no-op.
	CloseConversation(ctx context.Context, a Actor, id int64) (*Conversation, error)
	// ReopenConversation moves a closed conversation back to open. Users
	// only; reopening an open one is a no-op.
	ReopenConversation(ctx context.Context, a Actor, id int64) (*Conversation, error)
	// ConversationAudience returns who receives a conversation's events:
	// its customer (0 for team conversations) and its members. The actor
	// must see the conversation (ENotFound). Used for typing indicators.
	ConversationAudience(ctx context.Context, a Actor, id int64) (customerID int64, members []int64, err error)
	// AddParticipant adds an active user to a conversation the actor (a
	// user) may see. Adding a participant twice is a no-op. ENotFound.
	AddParticipant(ctx context.Context, a Actor, conversationID, userID int64) (*Conversation, error)
}

// MessageStore keeps messages, their audit trail and read state.
type MessageStore interface {
	// SendMessage appends a message (CheckNewMessage), with EffectsOfSend:
	// a message in a closed conversation reopens it; a user who writes
	// becomes a participant and has read it. With a ClientID
	// the call is idempotent per conversation: the original message is
	// returned with created=false. EMessageEmpty, EMessageTooLong,
	// EInvalidUTF8, ENotFound.
	SendMessage(ctx context.Context, a Actor, conversationID int64, nm NewMessage) (m *Message, created bool, err error)
	// ListMessages returns a page of a conversation's messages in ascending
	// order. ENotFound.
	ListMessages(ctx context.Context, a Actor, conversationID int64, f MessageFilter) ([]*Message, error)
	// EditMessage replaces the text of the actor's own message and records
	// the old text in the audit trail. ENotAuthor, ENotFound, EInvalid when
	// the message is deleted or a system note.
	EditMessage(ctx context.Context, a Actor, id int64, text string) (*Message, error)
	// DeleteMessage blanks a message (author or admin) and records its text
	// in the audit trail. Deleting twice is a no-op. ENotAuthor, ENotFound.
	DeleteMessage(ctx context.Context, a Actor, id int64) (*Message, error)
	// ListMessageAudit returns a message's edits and deletes, oldest first.
	// Admins only (EForbidden).
	ListMessageAudit(ctx context.Context, a Actor, messageID int64) ([]*AuditEntry, error)
	// MarkRead records that the user read a conversation up to messageID
	// (0 = up to its newest message). Read state never moves backwards.
	// Users only. ENotFound.
	MarkRead(ctx context.Context, a Actor, conversationID, messageID int64) (*ReadState, error)
	// UnreadCounts sums the user's unread messages over the conversations
	// they may see.
	UnreadCounts(ctx context.Context, a Actor) (*UnreadCounts, error)
}

// EventStore reads the ordered event log.
type EventStore interface {
	// Epoch identifies this event log. It changes only if the log is lost
	// (a new database), so a client holding a cursor from another epoch
	// must resync.
	Epoch(ctx context.Context) (string, error)
	// LastSeq returns the newest committed sequence number (0 when empty).
	LastSeq(ctx context.Context) (int64, error)
	// ListEvents returns up to limit events after afterSeq and no later than
	// untilSeq (0 = no bound) that the actor may see, in order. EResync when
	// afterSeq is older than the oldest kept event or newer than the log.
	ListEvents(ctx context.Context, a Actor, afterSeq, untilSeq int64, limit int) ([]*Event, error)
	// PruneEvents drops events with seq ≤ throughSeq; clients whose cursor
	// is older must then resync.
	PruneEvents(ctx context.Context, throughSeq int64) error
}

// ItemStore keeps tickets and tasks and their links to conversations.
// Items are the team's: customers get EForbidden. Creator, assignees and
// followers of an item see its conversations in My Conversations, so every
// change of them (and every link/unlink) is published as
// conversation.updated to the conversation's new audience and item.updated
// to the team.
type ItemStore interface {
	// ProposeItem suggests an item for a conversation: title from the first
	// customer message, description from the transcript, requester the
	// conversation's customer. Nothing is written. ENotFound.
	ProposeItem(ctx context.Context, a Actor, conversationID int64, typ ItemType) (*NewItem, error)
	// CreateItem creates an item (the actor is its creator) and links the
	// conversation if one is given. EInvalid, ENotFound.
	CreateItem(ctx context.Context, a Actor, ni NewItem) (*Item, error)
	// FindItemByNumber returns an item with its people and the linked
	// conversations the actor may see. ENotFound.
	FindItemByNumber(ctx context.Context, a Actor, number int64) (*Item, error)
	// FindItems finds items by number ("12", "#12") or title words, best
	// match first.
	FindItems(ctx context.Context, a Actor, query string, limit int) ([]*ItemRef, error)
	// UpdateItem changes title, description, status, priority, requester.
	UpdateItem(ctx context.Context, a Actor, number int64, upd ItemUpdate) (*Item, error)
	// SetItemRole adds (on) or removes a user as assignee or follower.
	// Idempotent. EInvalid for the creator role or an inactive user.
	SetItemRole(ctx context.Context, a Actor, number, userID int64, role ItemRole, on bool) (*Item, error)
	// LinkConversation links a conversation the actor may see to an item,
	// replacing any previous link; number 0 unlinks. An internal system
	// note records it. When the actor saw the conversation only through the
	// old item, the change stands and the answer is nil.
	LinkConversation(ctx context.Context, a Actor, conversationID, number int64) (*Conversation, error)
	// SectionCounts counts conversations with unread messages per section
	// and status, for badges.
	SectionCounts(ctx context.Context, a Actor) (*SectionCounts, error)
}

// SearchStore answers full-text search.
type SearchStore interface {
	// Search finds messages, customers (by name/e-mail) and items (by
	// title) the actor may see, ranked. EInvalid for an empty query;
	// customers get EForbidden.
	Search(ctx context.Context, a Actor, q SearchQuery) ([]*SearchResult, error)
}

// SettingsStore keeps the helpdesk settings.
type SettingsStore interface {
	// Settings returns the settings (defaults until changed).
	Settings(ctx context.Context) (*Settings, error)
	// UpdateSettings changes the admin options. Admins only (EForbidden).
	UpdateSettings(ctx context.Context, a Actor, upd SettingsUpdate) (*Settings, error)
	// SetOnline flips the helpdesk switch. Admins and support users.
	SetOnline(ctx context.Context, a Actor, online bool) (*Settings, error)
	// SetUserTimeZone records a user's IANA time zone (their own only).
	SetUserTimeZone(ctx context.Context, a Actor, tz string) (*User, error)
}

// SavedReplyStore keeps saved replies (canned responses).
type SavedReplyStore interface {
	// ListSavedReplies returns the team's saved replies and the actor's
	// own, by shortcut (team first on a tie). Users only (EForbidden).
	ListSavedReplies(ctx context.Context, a Actor) ([]*SavedReply, error)
	// CreateSavedReply adds one (CheckNewSavedReply: EInvalid, EForbidden
	// for a team-wide one by a non-admin); EConflict when its owner uses
	// the shortcut already; EInvalid past MaxSavedReplies. Appends
	// saved_reply.updated.
	CreateSavedReply(ctx context.Context, a Actor, n NewSavedReply) (*SavedReply, error)
	// UpdateSavedReply changes one (CanManageSavedReply, SavedReply.Apply):
	// ENotFound, EForbidden, EInvalid, EConflict. Appends
	// saved_reply.updated.
	UpdateSavedReply(ctx context.Context, a Actor, id int64, upd SavedReplyUpdate) (*SavedReply, error)
	// DeleteSavedReply removes one (CanManageSavedReply): ENotFound,
	// EForbidden. Appends saved_reply.deleted.
	DeleteSavedReply(ctx context.Context, a Actor, id int64) error
}

// AssignmentStore assigns customer conversations to agents (assign.go).
type AssignmentStore interface {
	// AssignConversation assigns a conversation the actor may see to an
	// active support user, or unassigns it (userID 0). CanAssign
	// (EForbidden, EInvalid), CanBeAssigned (EInvalid), ENotFound.
	// Assigning to the current assignee changes nothing. The assignee
	// becomes a participant; an internal note (NoteAssigned) records the
	// change; conversation.updated reaches the team.
	AssignConversation(ctx context.Context, a Actor, conversationID, userID int64) (*Conversation, error)
	// AutoAssign assigns waiting conversations (open, unassigned, customer,
	// oldest first) round-robin to the online users that are active
	// support users, each up to Settings.AssignCapacity open assigned
	// conversations (AutoAssignPick). It does nothing unless
	// Settings.AutoAssign is on, and returns how many it assigned.
	AutoAssign(ctx context.Context, online []int64) (int, error)
	// Assignees returns the users who are assignees of open conversations.
	Assignees(ctx context.Context) ([]int64, error)
	// ReleaseAssignments gives a user's open conversations back to the
	// queue (their assignee offline too long), with a note each; it
	// returns how many.
	ReleaseAssignments(ctx context.Context, userID int64) (int, error)
}

// AttachmentStore keeps attachments' records (attach.go); their bytes are
// in a blob.Store, written before the record commits.
type AttachmentStore interface {
	// CreateUpload records an upload whose blobs are stored already; the
	// actor is its uploader. It waits (MessageID 0) until a send names it
	// (NewMessage.Attachments, NewConversation.Attachments: the sender's
	// own waiting uploads only, else EInvalid, AttachmentUnknown).
	// SignedIn; an erased customer gets ECustomerErased.
	CreateUpload(ctx context.Context, a Actor, u *Upload) (*Upload, error)
	// FindAttachment returns an attachment the actor may read: one whose
	// message the actor may see (the conversation's rule; a private
	// note's never for a customer), or their own upload not sent yet
	// (CanSeeUpload). ENotFound (AttachmentNotFound) otherwise, also once
	// its message was deleted or its customer erased.
	FindAttachment(ctx context.Context, a Actor, id string) (*Upload, error)
	// DiscardUpload removes one of the actor's uploads not sent yet (the
	// widget's ×). ENotFound for anyone else's, a sent one, or none.
	DiscardUpload(ctx context.Context, a Actor, id string) error
	// PruneUploads removes uploads never sent that were created before
	// before, and returns how many.
	PruneUploads(ctx context.Context, before time.Time) (int, error)
	// ReleasedBlobs returns up to limit blobs that attachments released
	// (deleted messages, erased customers, pruned uploads) and that no
	// attachment uses any more: the blob store may delete them, then
	// ForgetBlobs. A released blob an attachment uses again is forgotten
	// here.
	ReleasedBlobs(ctx context.Context, limit int) ([]string, error)
	// ForgetBlobs drops keys from the released blobs.
	ForgetBlobs(ctx context.Context, keys []string) error
	// BlobsInUse returns which of keys an attachment uses (the sweep of
	// blobs no record names: an upload that crashed before its commit).
	BlobsInUse(ctx context.Context, keys []string) (map[string]bool, error)
}
