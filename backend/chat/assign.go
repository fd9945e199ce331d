package chat

import (
	"fmt"
	"slices"
)

// Assignment: a customer conversation is assigned to one agent (a user
// with the support flag), or to nobody. The assignee becomes a member of
// the conversation (it shows in their My Conversations); a transfer writes
// an internal system note; every change is conversation.updated to the
// team. With Settings.AutoAssign the server assigns new conversations
// round-robin to support users who are online and under
// Settings.AssignCapacity (see AutoAssignPick); with
// Settings.UnassignOfflineAfter an assignee offline that long gives their
// open conversations back to the queue.

// NoteAssigned is the code of the internal note an assignment writes.
const NoteAssigned = "assigned"

// CanAssign: support users and admins assign and unassign (EForbidden for
// anyone else); only customer conversations have an assignee (EInvalid).
func CanAssign(a Actor, c *Conversation) error {
	if !a.IsUser() || !(a.Support || a.Admin) {
		return Errorf(EForbidden, "Only support users and admins can assign conversations.")
	}
	if c.Kind != ConversationCustomer {
		return Errorf(EInvalid, "Only customer conversations are assigned.")
	}
	return nil
}

// CanBeAssigned: an assignee is an active user with the support flag
// (EInvalid otherwise). u is nil when there is no such user.
func CanBeAssigned(id int64, u *User) error {
	if u == nil || !u.Active || !u.Support {
		return Errorf(EInvalid, "User %d cannot be assigned: assignees are active support users.", id)
	}
	return nil
}

// AssignNote is the internal note of an assignment: who did it (a nil
// actor name for the auto-assignment), to whom (nil: unassigned) and from
// whom (nil: it was unassigned). Names are isolated (Party).
//
//	"⁨Anna⁩ assigned this conversation to ⁨Ben⁩."
//	"⁨Ben⁩ took this conversation."
//	"⁨Anna⁩ unassigned ⁨Ben⁩."
//	"Auto-assignment assigned this conversation to ⁨Ben⁩."
//
// A conversation given back to the queue by deskchat has ReleaseNote.
func AssignNote(by Actor, to, from *Person) string {
	who := Party(by.Name, "Someone")
	if by.Kind == KindSystem {
		who = "Auto-assignment"
	}
	switch {
	case to == nil && from != nil:
		return fmt.Sprintf("%s unassigned %s.", who, Party(from.Name, "the assignee"))
	case to == nil:
		return who + " unassigned this conversation."
	case by.IsUser() && by.ID == to.ID:
		return who + " took this conversation."
	}
	return fmt.Sprintf("%s assigned this conversation to %s.", who, Party(to.Name, "someone"))
}

// AssignParams are the parameters of AssignNote's note (the same cases).
func AssignParams(by Actor, to, from *Person) *SystemParams {
	var p *SystemParams
	switch {
	case to == nil && from != nil:
		p = actorParams("unassigned_from", by)
		p.Assignee = from.Name
	case to == nil:
		p = actorParams("unassigned", by)
	case by.IsUser() && by.ID == to.ID:
		p = actorParams("took", by)
	default:
		p = actorParams(NoteAssigned, by)
		p.Assignee = to.Name
	}
	return p
}

// ReleaseParams are the parameters of ReleaseNote's note.
func ReleaseParams(from *Person, why ReleaseReason) *SystemParams {
	p := &SystemParams{Key: "released_not_agent", ActorKind: KindSystem, Assignee: from.Name}
	if why == ReleaseOffline {
		p.Key = "released_offline"
	}
	return p
}

// Why deskchat gives an assignee's conversations back to the queue.
type ReleaseReason int

const (
	ReleaseOffline  ReleaseReason = iota // offline past Settings.UnassignOfflineAfter
	ReleaseNotAgent                      // deactivated, or no longer a support user
)

// ReleaseNote is the internal note of a conversation deskchat gave back to
// the queue (the name isolated):
//
//	"⁨Ben⁩ has been offline; this conversation went back to the queue."
//	"⁨Ben⁩ is no longer a support agent; this conversation went back to the queue."
func ReleaseNote(from *Person, why ReleaseReason) string {
	who := Party(from.Name, "The assignee")
	if why == ReleaseOffline {
		return who + " has been offline; this conversation went back to the queue."
	}
	return who + " is no longer a support agent; this conversation went back to the queue."
}

// Assignment limits.
const (
	DefaultAssignCapacity = 10   // open conversations per agent
	MaxAssignCapacity     = 1000 // open conversations per agent
	// DefaultUnassignOfflineAfter is how long (minutes) an assignee may
	// be offline before their open conversations go back to the queue,
	// while auto-assignment is on.
	DefaultUnassignOfflineAfter = 15
	MaxUnassignOfflineAfter     = 7 * 24 * 60
)

// AutoAssignPick chooses the next agent for a conversation waiting in the
// queue: round-robin over candidates (support user ids, ascending) after
// last, the agent who got the previous one, skipping anyone whose load
// (open assigned conversations) has reached capacity. ok is false when
// everyone is full.
func AutoAssignPick(candidates []int64, load map[int64]int, capacity int, last int64) (id int64, ok bool) {
	if len(candidates) == 0 {
		return 0, false
	}
	start := slices.IndexFunc(candidates, func(c int64) bool { return c > last })
	if start < 0 {
		start = 0
	}
	for k := range candidates {
		c := candidates[(start+k)%len(candidates)]
		if load[c] < capacity {
			return c, true
		}
	}
	return 0, false
}

// CheckAssignmentSettings checks the assignment options of an update:
// capacity 1..MaxAssignCapacity, offline grace 0..MaxUnassignOfflineAfter
// minutes (0: never). EInvalid.
func CheckAssignmentSettings(upd SettingsUpdate) error {
	if c := upd.AssignCapacity; c != nil && (*c < 1 || *c > MaxAssignCapacity) {
		return Errorf(EInvalid, "assign_capacity must be 1 to %d.", MaxAssignCapacity)
	}
	if m := upd.UnassignOfflineAfter; m != nil && (*m < 0 || *m > MaxUnassignOfflineAfter) {
		return Errorf(EInvalid, "unassign_offline_after must be 0 to %d minutes.", MaxUnassignOfflineAfter)
	}
	return nil
}

// AssignmentCounts badges the From Customers views: open customer
// conversations nobody is assigned to, and open ones assigned to the
// asking user.
type AssignmentCounts struct {
	Unassigned   int `json:"unassigned"`
	AssignedToMe int `json:"assigned_to_me"`
}
