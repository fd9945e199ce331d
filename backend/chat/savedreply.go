package chat

import (
	"regexp"
	"strings"
	"time"
)

// SavedReply is a canned response: a team-wide one (OwnerID 0), managed by
// admins, or one of a user's own (OwnerID that user), which only they see.
// Typing "/" and its shortcut in the composer inserts its text, with the
// placeholders filled in (Placeholders).
type SavedReply struct {
	ID        int64     `json:"id"`
	OwnerID   int64     `json:"owner_id,omitempty"` // 0: the team's
	Shortcut  string    `json:"shortcut"`           // 1–32 of a-z 0-9 _ -, unique per owner
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NewSavedReply is the input of CreateSavedReply. Personal makes it the
// creator's own; otherwise it is the team's.
type NewSavedReply struct {
	Shortcut string `json:"shortcut"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Personal bool   `json:"personal,omitempty"`
}

// SavedReplyUpdate changes the fields that are not nil.
type SavedReplyUpdate struct {
	Shortcut *string `json:"shortcut,omitempty"`
	Title    *string `json:"title,omitempty"`
	Text     *string `json:"text,omitempty"`
}

// Saved reply limits.
const (
	MaxShortcutBytes = 32
	MaxSavedReplies  = 500 // per owner (the team, or one user)
)

// Placeholders are the names a saved reply may use as {{name}} or
// {{name | fallback}}; the composer fills them in on insertion
// (frontend/src/lib/savedreply.ts), the fallback standing in for an empty
// value.
var Placeholders = []string{"customer.name", "customer.email", "agent.name"}

var (
	shortcutRE    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	placeholderRE = regexp.MustCompile(`\{\{\s*([^{}|]*?)\s*(?:\|[^{}]*)?\}\}`)
)

// CanUseSavedReplies: saved replies are the team's (EForbidden).
func CanUseSavedReplies(a Actor) error {
	if !a.IsUser() {
		return Errorf(EForbidden, "Saved replies are for the team.")
	}
	return nil
}

// CanManageSavedReply: the team's saved replies are the admins' to
// create, change and delete (EForbidden); a personal one is its owner's,
// and anyone else's is ENotFound (nothing to probe).
func CanManageSavedReply(a Actor, id, ownerID int64) error {
	if err := CanUseSavedReplies(a); err != nil {
		return err
	}
	switch {
	case ownerID == 0 && !a.Admin:
		return Errorf(EForbidden, "Only admins manage the team's saved replies; add a personal one instead.")
	case ownerID != 0 && ownerID != a.ID:
		return SavedReplyNotFound(id)
	}
	return nil
}

// SavedReplyNotFound answers an unknown saved reply or someone else's.
func SavedReplyNotFound(id int64) error {
	return Errorf(ENotFound, "Saved reply %d not found.", id)
}

// ShortcutTaken answers a shortcut its owner already uses (EConflict).
func ShortcutTaken(shortcut string) error {
	return Errorf(EConflict, "The shortcut /%s is taken.", shortcut)
}

// TooManySavedReplies answers the MaxSavedReplies+1st (EInvalid).
func TooManySavedReplies() error {
	return Errorf(EInvalid, "At most %d saved replies per owner.", MaxSavedReplies)
}

// CheckShortcut normalises a shortcut (trimmed, a leading "/" dropped,
// lower case) and checks it: 1–32 of a-z 0-9 _ - (EInvalid).
func CheckShortcut(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "/")
	// Checked before lowering: strings.ToLower maps non-ASCII letters
	// such as U+212A KELVIN SIGN to ASCII ones.
	if !shortcutRE.MatchString(s) {
		return "", Errorf(EInvalid, "A shortcut is 1 to %d of a-z, 0-9, _ and -.", MaxShortcutBytes)
	}
	return strings.ToLower(s), nil
}

// CheckSavedReplyText checks a saved reply's text like a message's
// (CheckMessageText) and its placeholders: each must be one of
// Placeholders (EInvalid names the unknown one).
func CheckSavedReplyText(s string) (string, error) {
	s, err := CheckMessageText(s)
	if err != nil {
		return "", err
	}
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		known := false
		for _, p := range Placeholders {
			known = known || m[1] == p
		}
		if !known {
			return "", Errorf(EInvalid, "Unknown placeholder %q; use {{customer.name}}, {{customer.email}} or {{agent.name}}.", m[0])
		}
	}
	return s, nil
}

// CheckNewSavedReply checks and normalises a new saved reply: shortcut
// (CheckShortcut), title (CheckTitle), text (CheckSavedReplyText); a
// team-wide one needs an admin (CanManageSavedReply). It returns the
// owner: 0 for the team's, the actor for a personal one.
func CheckNewSavedReply(a Actor, n *NewSavedReply) (ownerID int64, err error) {
	if n.Personal {
		ownerID = a.ID
	}
	if err := CanManageSavedReply(a, 0, ownerID); err != nil {
		return 0, err
	}
	if n.Shortcut, err = CheckShortcut(n.Shortcut); err != nil {
		return 0, err
	}
	if n.Title, err = CheckTitle(n.Title); err != nil {
		return 0, err
	}
	if n.Text, err = CheckSavedReplyText(n.Text); err != nil {
		return 0, err
	}
	return ownerID, nil
}

// Apply checks upd and sets its fields on r (as CheckNewSavedReply); r is
// unchanged on error. It reports whether anything changed.
func (r *SavedReply) Apply(upd SavedReplyUpdate) (changed bool, err error) {
	next := *r
	if upd.Shortcut != nil {
		if next.Shortcut, err = CheckShortcut(*upd.Shortcut); err != nil {
			return false, err
		}
	}
	if upd.Title != nil {
		if next.Title, err = CheckTitle(*upd.Title); err != nil {
			return false, err
		}
	}
	if upd.Text != nil {
		if next.Text, err = CheckSavedReplyText(*upd.Text); err != nil {
			return false, err
		}
	}
	changed = next != *r
	*r = next
	return changed, nil
}

// SavedReplyEvent is the audience of a saved reply's events: the team for
// the team's, its owner alone for a personal one.
func SavedReplyEvent(typ string, r *SavedReply) *Event {
	if r.OwnerID == 0 {
		return &Event{Type: typ, Scope: ScopeTeam}
	}
	return &Event{Type: typ, Scope: ScopeUser, UserID: r.OwnerID}
}
