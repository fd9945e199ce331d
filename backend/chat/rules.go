package chat

import (
	"slices"
	"unicode/utf8"
)

// Who may do what. Each rule is a plain function over domain values, called
// by every store and transport, so that a second store cannot drift from
// the first.

// CanEraseCustomer: erasing a customer is an admin's duty (EForbidden for
// anyone else). Any admin may, whatever they otherwise see: an erasure
// request reaches the company, not one agent.
func CanEraseCustomer(a Actor) error {
	if !a.IsUser() || !a.Admin {
		return Errorf(EForbidden, "Only admins can erase a customer.")
	}
	return nil
}

// CanReadErasures: the record of erasures is for admins (EForbidden).
func CanReadErasures(a Actor) error {
	if !a.IsUser() || !a.Admin {
		return Errorf(EForbidden, "Only admins can read the record of erasures.")
	}
	return nil
}

// CustomerGone is the answer to an erased customer's own requests: their
// token still exists (so the widget can learn why), their data does not.
func CustomerGone() error {
	return Errorf(ECustomerErased, "This customer was erased at their request; start a new chat.")
}

// CanLinkTo: nobody links a conversation whose customer was erased to an
// item (EConflict): an item made from it now would only carry what the
// erasure took away.
func CanLinkTo(c *Conversation) error {
	if c.ErasedAt != nil {
		return Errorf(EConflict, "This conversation's customer was erased; it cannot be linked to an item.")
	}
	return nil
}

// CanWriteIn: nobody writes in a conversation whose customer was erased;
// nobody could read it (EConflict).
func CanWriteIn(c *Conversation) error {
	if c.ErasedAt != nil {
		return Errorf(EConflict, "This conversation's customer was erased; nobody can read a reply.")
	}
	return nil
}

// CanEditMessage: only its author edits a message (ENotAuthor); a system
// note is nobody's to change (EForbidden); a deleted message stays deleted
// (EInvalid). Edits are allowed in a closed conversation and do not reopen
// it: fixing a typo is not a new message.
func CanEditMessage(a Actor, m *Message) error {
	switch {
	case m.System != "" || m.Author.Kind == KindSystem:
		return Errorf(EForbidden, "System notes cannot be edited or deleted.")
	case m.Author.Kind != a.Kind || m.Author.ID != a.ID:
		return Errorf(ENotAuthor, "Only the author can edit a message.")
	case m.DeletedAt != nil:
		return Errorf(EInvalid, "A deleted message cannot be edited.")
	}
	return nil
}

// CanDeleteMessage: its author or an admin deletes a message (ENotAuthor);
// a system note is nobody's to change (EForbidden). Deleting a deleted
// message is allowed and changes nothing (idempotent, like every retry).
// Deletes do not reopen a closed conversation.
func CanDeleteMessage(a Actor, m *Message) error {
	switch {
	case m.System != "" || m.Author.Kind == KindSystem:
		return Errorf(EForbidden, "System notes cannot be edited or deleted.")
	case (m.Author.Kind != a.Kind || m.Author.ID != a.ID) && !(a.IsUser() && a.Admin):
		return Errorf(ENotAuthor, "Only the author or an admin can delete a message.")
	}
	return nil
}

// SignedIn: every chat act needs a user or a customer (EUnauthorized).
func SignedIn(a Actor) error {
	if !a.IsUser() && !a.IsCustomer() {
		return Errorf(EUnauthorized, "Sign in first.")
	}
	return nil
}

// CanSeeTeam: the team (its members, presence and profiles) is for team
// members (EForbidden for customers).
func CanSeeTeam(a Actor) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Only team members may do this.")
	}
	return nil
}

// CanSeeFromCustomers: the From Customers section (its list, its search,
// the customer kind of conversation list) is for users with the support
// flag (EForbidden). Others see customer conversations only as members.
func CanSeeFromCustomers(a Actor) error {
	if !a.IsUser() || !a.Support {
		return Errorf(EForbidden, "From Customers is for customer-support users only.")
	}
	return nil
}

// CanListConversations checks a list request: signed in (EUnauthorized);
// SectionCustomers and Kind customer need the support flag
// (CanSeeFromCustomers); SectionMine and the Assignee filter are for team
// members (EForbidden); unknown sections, statuses, assignee filters and
// kinds are EInvalid.
func CanListConversations(a Actor, f ConversationFilter) error {
	if err := SignedIn(a); err != nil {
		return err
	}
	switch f.Section {
	case "":
	case SectionCustomers:
		if err := CanSeeFromCustomers(a); err != nil {
			return err
		}
	case SectionMine:
		if !a.IsUser() {
			return Errorf(EForbidden, "My Conversations is for team members.")
		}
	default:
		return Errorf(EInvalid, "Section must be customers or mine.")
	}
	if err := checkStatus(f.Status); err != nil {
		return err
	}
	switch f.Assignee {
	case "":
	case AssignedToMe, Unassigned:
		if !a.IsUser() {
			return Errorf(EForbidden, "Assignment is the team's.")
		}
	default:
		return Errorf(EInvalid, "Assignee must be me or none.")
	}
	switch f.Kind {
	case "", ConversationTeam:
	case ConversationCustomer:
		if a.IsUser() {
			return CanSeeFromCustomers(a)
		}
	default:
		return Errorf(EInvalid, "Kind must be customer or team.")
	}
	return nil
}

func checkStatus(s Status) error {
	if s != "" && s != StatusOpen && s != StatusClosed {
		return Errorf(EInvalid, "Status must be open or closed.")
	}
	return nil
}

// CheckNewConversation checks and normalises a new conversation for its
// starter: the client id (CheckClientID) and text (CheckMessageText;
// required from a customer, optional for a user). A customer chooses no
// participants (EInvalid); a user's team conversation has the user and at
// least one other participant, at most MaxParticipants, each once
// (EInvalid). EUnauthorized when nobody is signed in.
func CheckNewConversation(a Actor, nc *NewConversation) error {
	var err error
	if nc.ClientID, err = CheckClientID(nc.ClientID); err != nil {
		return err
	}
	switch {
	case a.IsCustomer():
		if len(nc.ParticipantIDs) > 0 {
			return Errorf(EInvalid, "Customers cannot choose participants.")
		}
		if nc.Attachments, err = CheckAttachmentIDs(nc.Attachments); err != nil {
			return err
		}
		nc.Text, err = checkTextWithFiles(nc.Text, len(nc.Attachments))
		return err
	case a.IsUser():
		if nc.Attachments, err = CheckAttachmentIDs(nc.Attachments); err != nil {
			return err
		}
		if nc.Text != "" || len(nc.Attachments) > 0 {
			if nc.Text, err = checkTextWithFiles(nc.Text, len(nc.Attachments)); err != nil {
				return err
			}
		}
		ids := append(slices.Clone(nc.ParticipantIDs), a.ID)
		slices.Sort(ids)
		nc.ParticipantIDs = slices.Compact(ids)
		if len(nc.ParticipantIDs) < 2 {
			return Errorf(EInvalid, "A team conversation needs at least one other participant.")
		}
		if len(nc.ParticipantIDs) > MaxParticipants {
			return Errorf(EInvalid, "A conversation has at most %d participants.", MaxParticipants)
		}
		return nil
	}
	return SignedIn(a)
}

// CanChangeStatus: closing and reopening are the team's (EForbidden for
// customers: a customer's reply reopens by itself; EUnauthorized when
// nobody is signed in).
func CanChangeStatus(a Actor) error {
	if a.IsUser() {
		return nil
	}
	if a.IsCustomer() {
		return Errorf(EForbidden, "Only the team can close or reopen a conversation.")
	}
	return SignedIn(a)
}

// CanAddParticipant: only team members add participants (EForbidden).
func CanAddParticipant(a Actor) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Only the team can add participants.")
	}
	return nil
}

// CanReadCustomerDetails: the customer panel (their conversations and
// tickets) is the team's (EForbidden).
func CanReadCustomerDetails(a Actor) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Customer details are for the team.")
	}
	return nil
}

// CanUseItems: tickets and tasks are the team's, to read and to change
// (EForbidden for customers).
func CanUseItems(a Actor) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Tickets and tasks are for the team.")
	}
	return nil
}

// CanReadAudit: a message's audit trail (earlier texts) is for admins
// (EForbidden).
func CanReadAudit(a Actor) error {
	if !a.IsUser() || !a.Admin {
		return Errorf(EForbidden, "Only admins can read the audit trail.")
	}
	return nil
}

// CanMarkRead: read marks are kept for team members (EForbidden); the mark
// is a message id, or 0 for the newest (EInvalid when negative).
func CanMarkRead(a Actor, messageID int64) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Read state is kept for team members only.")
	}
	if messageID < 0 {
		return Errorf(EInvalid, "message_id must not be negative.")
	}
	return nil
}

// NotInConversation answers a read mark on a message of another
// conversation (EInvalid).
func NotInConversation(messageID, conversationID int64) error {
	return Errorf(EInvalid, "Message %d is not in conversation %d.", messageID, conversationID)
}

// CanCountUnread: unread counts are kept for team members (EForbidden).
func CanCountUnread(a Actor) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Unread counts are kept for team members only.")
	}
	return nil
}

// CanSearch checks a search: for team members (EForbidden); SectionCustomers
// needs the support flag (CanSeeFromCustomers); unknown sections and
// statuses are EInvalid. The words are checked by SearchWords.
func CanSearch(a Actor, q SearchQuery) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Search is for the team.")
	}
	switch q.Section {
	case "", SectionMine:
	case SectionCustomers:
		if err := CanSeeFromCustomers(a); err != nil {
			return err
		}
	default:
		return Errorf(EInvalid, "Section must be customers or mine.")
	}
	return checkStatus(q.Status)
}

// CanUpdateSettings: the helpdesk options are the admins' (EForbidden).
func CanUpdateSettings(a Actor) error {
	if !a.IsUser() || !a.Admin {
		return Errorf(EForbidden, "Only admins can change the helpdesk options.")
	}
	return nil
}

// CanSetOnline: admins and support users switch the helpdesk online or
// offline (EForbidden for anyone else).
func CanSetOnline(a Actor) error {
	if !a.IsUser() || !(a.Admin || a.Support) {
		return Errorf(EForbidden, "Only admins and support users can switch the helpdesk online or offline.")
	}
	return nil
}

// CanSetTimeZone: only team members have a profile time zone (EForbidden;
// a customer's comes with their visit, CustomerInfo).
func CanSetTimeZone(a Actor) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Only team members have a profile time zone.")
	}
	return nil
}

// CanChangePassword: customers have no password (EForbidden).
func CanChangePassword(a Actor) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Customers have no password.")
	}
	return nil
}

// Operator is the actor of the server's own tools (deskchat-server
// create-user, the demo data): it may do what an admin may, and is no
// user, so no rule about one's own account applies to it.
var Operator = Actor{Kind: KindSystem, Admin: true}

// isAdmin reports an admin user or the Operator.
func isAdmin(a Actor) bool {
	return (a.IsUser() || a.Kind == KindSystem) && a.Admin
}

// CanCreateUser: admins add team members (EForbidden); see CheckNewUser.
func CanCreateUser(a Actor) error {
	if !isAdmin(a) {
		return Errorf(EForbidden, "Only admins may do this.")
	}
	return nil
}

// CanUpdateUser: anyone in the team renames themself; flags (admin,
// support, active) and other people are the admins' (EForbidden). Admins
// cannot deactivate or demote themselves (EInvalid): a helpdesk never
// loses its last admin by a slip.
func CanUpdateUser(a Actor, id int64, upd UserUpdate) error {
	self := a.IsUser() && a.ID == id
	if self && upd.Admin == nil && upd.Support == nil && upd.Active == nil {
		return nil
	}
	if !isAdmin(a) {
		return Errorf(EForbidden, "Only admins may do this.")
	}
	if self && ((upd.Active != nil && !*upd.Active) || (upd.Admin != nil && !*upd.Admin)) {
		return Errorf(EInvalid, "Admins cannot deactivate or demote themselves; ask another admin.")
	}
	return nil
}

// ChangesRights reports an update of what the user may see or do (admin,
// support or active): their open streams were authorised with the old
// rights and must reconnect.
func (upd UserUpdate) ChangesRights() bool {
	return upd.Admin != nil || upd.Support != nil || upd.Active != nil
}

// CheckNewMessage checks and normalises a message to send: signed in
// (EUnauthorized), its text (CheckMessageText) and client id
// (CheckClientID). A private note (Internal) and @mentions are the
// team's (EForbidden for customers); mentions are at most MaxParticipants
// user ids (EInvalid), kept once each, ascending.
func CheckNewMessage(a Actor, nm *NewMessage) error {
	if err := SignedIn(a); err != nil {
		return err
	}
	var err error
	if nm.Attachments, err = CheckAttachmentIDs(nm.Attachments); err != nil {
		return err
	}
	if nm.Text, err = checkTextWithFiles(nm.Text, len(nm.Attachments)); err != nil {
		return err
	}
	if nm.ClientID, err = CheckClientID(nm.ClientID); err != nil {
		return err
	}
	if (nm.Internal || len(nm.Mentions) > 0) && !a.IsUser() {
		return Errorf(EForbidden, "Private notes and mentions are the team's.")
	}
	ids := slices.Clone(nm.Mentions)
	slices.Sort(ids)
	nm.Mentions = slices.Compact(ids)
	if len(nm.Mentions) > MaxParticipants {
		return Errorf(EInvalid, "A message mentions at most %d people.", MaxParticipants)
	}
	for _, id := range nm.Mentions {
		if id <= 0 {
			return Errorf(EInvalid, "mentions holds user ids.")
		}
	}
	if len(nm.Mentions) == 0 {
		nm.Mentions = nil
	}
	return nil
}

// checkTextWithFiles is CheckMessageText for a message that carries
// files: with at least one file the text may be empty (then it is "").
func checkTextWithFiles(text string, files int) (string, error) {
	if files > 0 && utf8.ValidString(text) && !Visible(text) {
		return "", nil
	}
	return CheckMessageText(text)
}

// CanSendIn checks a checked message against its conversation: nobody
// writes where the customer was erased (CanWriteIn); a private note is for
// a customer conversation (in a team one everything is the team's
// already) and @mentions belong in a private note or a team conversation,
// never in a reply the customer reads (EInvalid).
func CanSendIn(c *Conversation, nm NewMessage) error {
	if err := CanWriteIn(c); err != nil {
		return err
	}
	if nm.Internal && c.Kind != ConversationCustomer {
		return Errorf(EInvalid, "Private notes are for customer conversations; everything in a team conversation is the team's.")
	}
	if len(nm.Mentions) > 0 && c.Kind == ConversationCustomer && !nm.Internal {
		return Errorf(EInvalid, "Mention teammates in a private note, not in a reply the customer reads.")
	}
	return nil
}

// SendEffects is what sending a message does besides storing it, by the
// product description: a customer's reply reopens a closed conversation
// (a team reply too: writing is never done in a closed one), a user who
// writes joins the conversation and has read it up to their message, and
// a customer's message may get the offline auto-reply. A private note
// changes nothing the customer could notice: it does not reopen, is not
// the conversation's last message and does not move its activity.
type SendEffects struct {
	Reopen       bool // the conversation is closed: reopen it first (with its note)
	Join         bool // add the writing user as a participant
	MarkRead     bool // move the writing user's read mark to their message
	OfflineReply bool // post the offline message when due (Settings.OfflineAutoReply)
}

// EffectsOfSend returns what a's message nm in a conversation with status
// does (see SendEffects).
func EffectsOfSend(a Actor, status Status, nm NewMessage) SendEffects {
	return SendEffects{
		Reopen:       status == StatusClosed && !nm.Internal,
		Join:         a.IsUser(),
		MarkRead:     a.IsUser(),
		OfflineReply: a.IsCustomer(),
	}
}

// Preview says what a new message changes in its conversation's row: a
// person's message that the customer may read becomes the last message
// (the list's preview) and moves the activity; a system note the customer
// may read moves the activity only (agents want to see the last thing a
// person wrote); an internal message (a private note, a link or
// assignment note) changes neither, so the customer's copy of the
// conversation never shows that one was written.
func Preview(m *Message) (lastMessage, activity bool) {
	if m.Internal {
		return false, false
	}
	return m.System == "", true
}

// KindStartedBy is the kind of conversation a starts: a customer starts a
// customer conversation (they are its customer), a user a team one.
func KindStartedBy(a Actor) ConversationKind {
	if a.IsCustomer() {
		return ConversationCustomer
	}
	return ConversationTeam
}

// CanUpdateCustomer: only the customer themself records their visit and
// details; anyone else gets ENotFound (nothing to probe).
func CanUpdateCustomer(a Actor, id int64) error {
	if !a.IsCustomer() || a.ID != id {
		return CustomerNotFound(id)
	}
	return nil
}
