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

// CanWriteIn: nobody writes in a conversation whose customer was erased;
// nobody could read it (EConflict).
func CanWriteIn(c *Conversation) error {
	if c.ErasedAt != nil {
		return Errorf(EConflict, "This conversation's customer was erased; nobody can read a reply.")
	}
	return nil
}
