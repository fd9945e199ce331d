package locales

import (
	"strings"

	"github.com/deskchat/deskchat/backend/chat"
)

// Note is a system note's sentence in lang, from its parameters
// (chat.SystemParams) and the catalogs' "notes" section: the offline
// auto-reply in lang where the admin wrote it in lang, every other note
// with its actor, assignee and item number filled in. A note without
// parameters (written before them), or with a key no catalog knows (from
// a newer server), is its stored text. frontend/src/lib/notes.ts is the
// same rule for the app and the widget.
func Note(lang string, m *chat.Message) string {
	p := m.SystemParams
	if p == nil || p.Key == "" {
		return m.Text
	}
	if p.Key == chat.NoteOfflineReply {
		if t := p.Texts[lang]; t != "" {
			return t
		}
		return m.Text
	}
	key := "notes." + p.Key
	if _, ok := Catalog(Fallback)[key]; !ok {
		return m.Text
	}
	return T(lang, key, NoteArgs(lang, p))
}

// NoteArgs are the arguments of a note's sentence: the names it holds,
// or the catalog's words for whoever is unnamed ("The customer",
// "Auto-assignment", "Someone").
func NoteArgs(lang string, p *chat.SystemParams) Args {
	var actor, assignee any = p.Actor, p.Assignee
	if p.Actor == "" {
		switch {
		case p.ActorKind == chat.KindCustomer:
			actor = Plain(T(lang, "notes.the_customer", nil))
		case p.ActorKind == chat.KindSystem && isAssignKey(p.Key):
			actor = Plain(T(lang, "notes.auto_assignment", nil))
		default:
			actor = Plain(T(lang, "notes.someone", nil))
		}
	}
	if p.Assignee == "" {
		switch {
		case strings.HasPrefix(p.Key, "released_"):
			assignee = Plain(T(lang, "notes.the_assignee", nil))
		case p.Key == "unassigned_from":
			assignee = Plain(T(lang, "notes.the_assignee_object", nil))
		default:
			assignee = Plain(T(lang, "notes.someone_object", nil))
		}
	}
	return Args{"actor": actor, "assignee": assignee, "number": p.ItemNumber}
}

func isAssignKey(key string) bool {
	switch key {
	case chat.NoteAssigned, "took", "unassigned", "unassigned_from":
		return true
	}
	return false
}
