package chat

import (
	"regexp"
	"slices"
	"strconv"
	"time"
)

// ItemType is a ticket (a customer's request) or a task (internal work).
type ItemType string

const (
	ItemTicket ItemType = "ticket"
	ItemTask   ItemType = "task"
)

// ItemStatus is where an item stands.
type ItemStatus string

const (
	ItemNew        ItemStatus = "new"
	ItemOpen       ItemStatus = "open"
	ItemInProgress ItemStatus = "in_progress"
	ItemResolved   ItemStatus = "resolved"
	ItemClosed     ItemStatus = "closed"
)

// ItemStatuses lists every status, in workflow order.
var ItemStatuses = []ItemStatus{ItemNew, ItemOpen, ItemInProgress, ItemResolved, ItemClosed}

// Done reports whether the item needs no more work (resolved or closed).
func (s ItemStatus) Done() bool { return s == ItemResolved || s == ItemClosed }

// Priority of an item.
type Priority string

const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Priorities lists every priority, lowest first.
var Priorities = []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}

// ItemRole is how a user is involved in an item.
type ItemRole string

const (
	RoleCreator  ItemRole = "creator"
	RoleAssignee ItemRole = "assignee"
	RoleFollower ItemRole = "follower"
)

// Limits of item fields.
const (
	MaxTitleRunes = 200
	// MaxDescriptionRunes keeps any item inside a 64 KiB body or frame:
	// 8,000 characters are at most 48 KB even when each becomes a 6-byte
	// JSON escape.
	MaxDescriptionRunes = 8000
	MaxItemPeople       = 50
)

// Person is a user as items and lists show them.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ItemNumberQuery reads a query that names an item by its number ("12",
// "#12", spaces around; at most 18 digits): the item pickers look that
// number up before they search titles.
func ItemNumberQuery(q string) (int64, bool) {
	m := itemNumberQuery.FindStringSubmatch(q)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil
}

var itemNumberQuery = regexp.MustCompile(`^\s*#?(\d{1,18})\s*$`)

// ItemRef is the short form of an item, shown on linked conversations and
// in item search results.
type ItemRef struct {
	Number int64      `json:"number"`
	Type   ItemType   `json:"type"`
	Title  string     `json:"title"`
	Status ItemStatus `json:"status"`
}

// ConversationRef is the short form of a conversation inside an item or a
// customer's details.
type ConversationRef struct {
	ID             int64            `json:"id"`
	Kind           ConversationKind `json:"kind"`
	Status         Status           `json:"status"`
	CustomerName   string           `json:"customer_name,omitempty"`
	LastActivityAt time.Time        `json:"last_activity_at"`
}

// Item is a ticket or task with everything the details panel shows.
type Item struct {
	Number        int64             `json:"number"`
	Type          ItemType          `json:"type"`
	Title         string            `json:"title"`
	Description   string            `json:"description"`
	Status        ItemStatus        `json:"status"`
	Priority      Priority          `json:"priority"`
	Requester     *Customer         `json:"requester,omitempty"`
	Creator       Person            `json:"creator"`
	Assignees     []Person          `json:"assignees"`
	Followers     []Person          `json:"followers"`
	Conversations []ConversationRef `json:"conversations"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
}

// Ref returns the short form of it.
func (it *Item) Ref() *ItemRef {
	return &ItemRef{Number: it.Number, Type: it.Type, Title: it.Title, Status: it.Status}
}

// Involved returns the ids of everyone whose My Conversations the item's
// conversations appear in: creator, assignees, followers.
func (it *Item) Involved() []int64 {
	ids := []int64{it.Creator.ID}
	for _, p := range append(append([]Person{}, it.Assignees...), it.Followers...) {
		ids = append(ids, p.ID)
	}
	return ids
}

// NewItem is the input of CreateItem, and what ProposeItem suggests.
type NewItem struct {
	Type           ItemType   `json:"type"`
	Title          string     `json:"title"`
	Description    string     `json:"description"`
	Status         ItemStatus `json:"status,omitempty"`
	Priority       Priority   `json:"priority,omitempty"`
	RequesterID    int64      `json:"requester_id,omitempty"`
	AssigneeIDs    []int64    `json:"assignee_ids,omitempty"`
	FollowerIDs    []int64    `json:"follower_ids,omitempty"`
	ConversationID int64      `json:"conversation_id,omitempty"`
	// ClientID makes the creation idempotent per creator (an outbox sends
	// it again after a lost answer): a second create with the same id
	// answers the item the first made and changes nothing. Optional;
	// printable ASCII, at most MaxClientID bytes.
	ClientID string `json:"client_id,omitempty"`
	// Proposal is what a proposal (ProposeItem) was made from, so that an
	// app can write its title and description in its user's language;
	// read-only, CreateItem ignores it.
	Proposal *ProposalFacts `json:"proposal,omitempty"`
}

// ProposalFacts are the facts ProposeItem's summary states: the
// conversation, how many messages it had, the first's and the last's
// times, and whether the title is the fallback "Conversation N" (no
// message to take one from).
type ProposalFacts struct {
	ConversationID int64     `json:"conversation_id"`
	Messages       int       `json:"messages"`
	First          time.Time `json:"first,omitzero"`
	Last           time.Time `json:"last,omitzero"`
	FallbackTitle  bool      `json:"fallback_title,omitempty"`
}

// ItemUpdate changes the fields that are not nil. RequesterID 0 clears it.
type ItemUpdate struct {
	Title       *string     `json:"title,omitempty"`
	Description *string     `json:"description,omitempty"`
	Status      *ItemStatus `json:"status,omitempty"`
	Priority    *Priority   `json:"priority,omitempty"`
	RequesterID *int64      `json:"requester_id,omitempty"`
}

// Section is one of the messenger's two lists.
type Section string

const (
	// SectionCustomers ("From Customers"): every conversation with a
	// customer. Support users only.
	SectionCustomers Section = "customers"
	// SectionMine ("My Conversations"): conversations I take part in, or
	// whose linked item I created, am assigned to or follow.
	SectionMine Section = "mine"
)

// StatusCounts counts conversations with unread messages, by status.
type StatusCounts struct {
	Open   int `json:"open"`
	Closed int `json:"closed"`
}

// SectionCounts badges both sections in one call. Customers is nil for
// users without the support flag.
type SectionCounts struct {
	Customers *StatusCounts `json:"customers,omitempty"`
	Mine      StatusCounts  `json:"mine"`
	// Assignment counts the From Customers views Unassigned and
	// Assigned to me (open conversations, read or not); nil with Customers.
	Assignment *AssignmentCounts `json:"assignment,omitempty"`
}

// Count adds one conversation with unread messages: to From Customers if it
// has a customer (and the section is shown), to My Conversations if mine.
func (sc *SectionCounts) Count(status Status, customer, mine bool) {
	bump := func(c *StatusCounts) {
		if status == StatusOpen {
			c.Open++
		} else {
			c.Closed++
		}
	}
	if customer && sc.Customers != nil {
		bump(sc.Customers)
	}
	if mine {
		bump(&sc.Mine)
	}
}

// CheckItemType: an item is a ticket or a task (EInvalid); "" means ticket.
func CheckItemType(t ItemType) (ItemType, error) {
	switch t {
	case "":
		return ItemTicket, nil
	case ItemTicket, ItemTask:
		return t, nil
	}
	return "", Errorf(EInvalid, "Type must be ticket or task.")
}

// CheckItemUpdate checks and normalises the fields an update sets: the
// title (CheckTitle), description (CheckDescription), status (one of
// ItemStatuses) and priority (one of Priorities); EInvalid otherwise.
func CheckItemUpdate(upd *ItemUpdate) error {
	var err error
	if upd.Title != nil {
		if *upd.Title, err = CheckTitle(*upd.Title); err != nil {
			return err
		}
	}
	if upd.Description != nil {
		if *upd.Description, err = CheckDescription(*upd.Description); err != nil {
			return err
		}
	}
	if upd.Status != nil && !slices.Contains(ItemStatuses, *upd.Status) {
		return Errorf(EInvalid, "Status must be one of %v.", ItemStatuses)
	}
	if upd.Priority != nil && !slices.Contains(Priorities, *upd.Priority) {
		return Errorf(EInvalid, "Priority must be one of %v.", Priorities)
	}
	return nil
}

// CheckNewItem checks and normalises a new item: its type (a ticket or a
// task, no default), status (default new) and priority (default normal)
// and text as CheckItemUpdate; a requester only on tickets (CheckRequester)
// and at most MaxItemPeople assignees and followers together. EInvalid.
func CheckNewItem(ni *NewItem) error {
	if ni.Type == "" { // no default here, unlike CheckItemType
		return Errorf(EInvalid, "Type must be ticket or task.")
	}
	if _, err := CheckItemType(ni.Type); err != nil {
		return err
	}
	if ni.Status == "" {
		ni.Status = ItemNew
	}
	if ni.Priority == "" {
		ni.Priority = PriorityNormal
	}
	upd := ItemUpdate{Title: &ni.Title, Description: &ni.Description, Status: &ni.Status, Priority: &ni.Priority}
	if err := CheckItemUpdate(&upd); err != nil {
		return err
	}
	if err := CheckRequester(ni.Type, ni.RequesterID); err != nil {
		return err
	}
	if len(ni.AssigneeIDs)+len(ni.FollowerIDs) > MaxItemPeople {
		return Errorf(EInvalid, "At most %d assignees and followers.", MaxItemPeople)
	}
	_, err := CheckClientID(ni.ClientID)
	return err
}

// CheckRequester: only tickets have a requester (EInvalid); 0 is none.
func CheckRequester(t ItemType, requesterID int64) error {
	if requesterID != 0 && t != ItemTicket {
		return Errorf(EInvalid, "Only tickets have a requester.")
	}
	return nil
}

// NotACustomer answers a requester id that is no customer the actor may
// see (EInvalid: the field is wrong, nothing is probed).
func NotACustomer(id int64) error {
	return Errorf(EInvalid, "Requester %d is not a customer.", id)
}

// CheckItemRole: people take part in an item as assignee or follower
// (EInvalid).
func CheckItemRole(r ItemRole) error {
	if r != RoleAssignee && r != RoleFollower {
		return Errorf(EInvalid, "Role must be assignee or follower.")
	}
	return nil
}

// CheckLinkNumber: a conversation links to item number n > 0, or 0 to
// unlink (EInvalid when negative).
func CheckLinkNumber(n int64) error {
	if n < 0 {
		return Errorf(EInvalid, "Item number must be positive.")
	}
	return nil
}
