package chat

import (
	"fmt"
	"strings"
	"unicode"
)

// System note codes (Message.System). Notes are written by deskchat
// itself; nobody edits or deletes them.
const (
	NoteClosed       = "closed"        // a team member closed the conversation
	NoteReopened     = "reopened"      // a new message or a team member reopened it
	NoteLinked       = "linked"        // linked to an item (internal)
	NoteUnlinked     = "unlinked"      // unlinked from an item (internal)
	NoteOfflineReply = "offline_reply" // the helpdesk's offline auto-reply
)

// SystemParams are what a system note says (Message.SystemParams), so
// that each reader's app writes the sentence in its own language: the
// catalogs' "notes" section (locales/) has a sentence per Key, with
// {{actor}}, {{assignee}} and {{number}} filled in from these fields.
//
// A customer's name is never stored here: a customer who acted shows as
// the catalogs' "The customer", so an erased customer's name is in no
// note's parameters.
type SystemParams struct {
	// Key names the sentence: closed, reopened, linked_ticket,
	// linked_task, unlinked, assigned, took, unassigned,
	// unassigned_from, released_offline, released_not_agent or
	// offline_reply.
	Key string `json:"key"`
	// Actor is the team member who acted, by their name at the time;
	// empty for a customer or deskchat itself (ActorKind tells which).
	Actor     string    `json:"actor,omitempty"`
	ActorKind ActorKind `json:"actor_kind,omitempty"`
	// Assignee is the agent a conversation went to or came from.
	Assignee   string `json:"assignee,omitempty"`
	ItemNumber int64  `json:"item_number,omitempty"`
	// Texts is the offline auto-reply in each language the admin wrote
	// it in (Settings.Translations); Text is the default.
	Texts map[string]string `json:"texts,omitempty"`
}

// actorParams are the actor fields of a note's parameters: a team
// member's name, nobody's for a customer or deskchat.
func actorParams(key string, a Actor) *SystemParams {
	p := &SystemParams{Key: key, ActorKind: a.Kind}
	if a.Kind == KindUser {
		p.Actor = a.Name
	}
	return p
}

// StatusParams are the parameters of StatusNote's note.
func StatusParams(a Actor, to Status) *SystemParams {
	if to == StatusClosed {
		return actorParams(NoteClosed, a)
	}
	return actorParams(NoteReopened, a)
}

// LinkParams are the parameters of LinkNote's note.
func LinkParams(a Actor, ref *ItemRef, old int64) *SystemParams {
	if ref == nil {
		p := actorParams(NoteUnlinked, a)
		p.ItemNumber = old
		return p
	}
	p := actorParams("linked_"+string(ref.Type), a)
	p.ItemNumber = ref.Number
	return p
}

// OfflineReplyParams are the parameters of the offline auto-reply: the
// offline message in each language whose readers see another one than
// the default (Settings.TextsFor; the default is the note's Text).
func OfflineReplyParams(s *Settings) *SystemParams {
	p := &SystemParams{Key: NoteOfflineReply, ActorKind: KindSystem}
	for _, lang := range s.textLanguages() {
		if t := s.TextsFor(lang).OfflineMessage; t != s.OfflineMessage {
			if p.Texts == nil {
				p.Texts = map[string]string{}
			}
			p.Texts[lang] = t
		}
	}
	return p
}

// StatusNote is the text of the note a status change writes:
// "⁨Ben⁩ closed the conversation." The actor's name is isolated (see
// Isolate); a customer without a name shows as "The customer".
func StatusNote(a Actor, to Status) string {
	fallback := "Someone"
	if a.Kind == KindCustomer {
		fallback = "The customer"
	}
	verb := "reopened"
	if to == StatusClosed {
		verb = "closed"
	}
	return Party(a.Name, fallback) + " " + verb + " the conversation."
}

// LinkNote is the internal note of a link (ref set) or an unlink (ref nil,
// old the item it had): "⁨Ben⁩ linked this conversation to ticket #3." The
// name is isolated; the title is not copied into the note (the link shows
// the item's title as it is now), so no later change of it leaves an old
// one behind.
func LinkNote(a Actor, ref *ItemRef, old int64) string {
	who := Party(a.Name, "Someone")
	if ref == nil {
		return fmt.Sprintf("%s unlinked this conversation from #%d.", who, old)
	}
	return fmt.Sprintf("%s linked this conversation to %s #%d.", who, ref.Type, ref.Number)
}

// MaxProposedTitleRunes is where a proposed title is cut (at a word).
const MaxProposedTitleRunes = 80

// ProposedTitle is the title ProposeItem suggests from a message: its first
// line with control characters and runs of white space folded to one
// space, cut at a word boundary after at most MaxProposedTitleRunes
// characters ("…" marks the cut), and balanced (see Balance) so that it
// cannot reorder what is shown after it. "" when the line has nothing
// visible.
func ProposedTitle(text string) string {
	return Balance(proposedTitle(text))
}

// proposedTitle is ProposedTitle before balancing: the form titles took
// before this version, which an erasure still looks for.
func proposedTitle(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, line)
	line = strings.Join(strings.Fields(line), " ")
	if !Visible(line) {
		return ""
	}
	if r := []rune(line); len(r) > MaxProposedTitleRunes {
		r = r[:MaxProposedTitleRunes]
		cut := len(r)
		for i := len(r) - 1; i > MaxProposedTitleRunes/2; i-- { // the last space in the second half
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		line = string(r[:cut]) + "…"
	}
	return line
}

// ProposeItem is the item a conversation proposes, the one rule for the
// stores' ProposeItem and the desktop's offline form: the title from its
// first message by the customer (by anyone in a team conversation) as
// ProposedTitle makes it ("Conversation N" when that message shows no
// text), the description ProposalSummary, new and normal, linked to the
// conversation, the customer as a ticket's requester. msgs: the
// conversation's messages by people (no system notes), not deleted,
// oldest first.
func ProposeItem(c *Conversation, msgs []*Message, typ ItemType) *NewItem {
	title := ""
	for _, m := range msgs {
		if m.Author.Kind == KindCustomer || c.Kind == ConversationTeam {
			title = ProposedTitle(m.Text)
			break
		}
	}
	facts := &ProposalFacts{ConversationID: c.ID, Messages: len(msgs), FallbackTitle: title == ""}
	if len(msgs) > 0 {
		facts.First, facts.Last = msgs[0].CreatedAt.UTC(), msgs[len(msgs)-1].CreatedAt.UTC()
	}
	if title == "" {
		title = fmt.Sprintf("Conversation %d", c.ID)
	}
	ni := &NewItem{Type: typ, Title: title, Description: ProposalSummary(c.ID, msgs), Status: ItemNew, Priority: PriorityNormal,
		ConversationID: c.ID, Proposal: facts}
	if typ == ItemTicket {
		ni.RequesterID = c.CustomerID
	}
	return ni
}

// ProposalSummary is the description ProposeItem suggests: where the item
// comes from, not a copy of what was said. The conversation stays linked,
// so the item shows its messages as they are now; an edit, a delete or an
// erasure there leaves nothing behind in the item.
// "From conversation #12: 6 messages, 2026-11-24 21:02 to 21:15 UTC."
func ProposalSummary(convID int64, msgs []*Message) string {
	if len(msgs) == 0 {
		return fmt.Sprintf("From conversation #%d.", convID)
	}
	first, last := msgs[0].CreatedAt.UTC(), msgs[len(msgs)-1].CreatedAt.UTC()
	until := last.Format("15:04 MST")
	if last.Format("2006-01-02") != first.Format("2006-01-02") {
		until = last.Format("2006-01-02 15:04 MST")
	}
	n := "1 message"
	if len(msgs) != 1 {
		n = fmt.Sprintf("%d messages", len(msgs))
	}
	return fmt.Sprintf("From conversation #%d: %s, %s to %s.", convID, n, first.Format("2006-01-02 15:04"), until)
}
