package chat

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
