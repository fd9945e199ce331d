package chat

import (
	"fmt"
	"strings"
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
// old the item it had): "⁨Ben⁩ linked this conversation to ticket #3:
// ⁨Refund⁩". Name and title are isolated.
func LinkNote(a Actor, ref *ItemRef, old int64) string {
	who := Party(a.Name, "Someone")
	if ref == nil {
		return fmt.Sprintf("%s unlinked this conversation from #%d.", who, old)
	}
	return fmt.Sprintf("%s linked this conversation to %s #%d: %s", who, ref.Type, ref.Number, Isolate(ref.Title))
}

// MaxProposedTitleRunes is where a proposed title is cut (at a word).
const MaxProposedTitleRunes = 80

// ProposedTitle is the title ProposeItem suggests from a message: its first
// line with runs of white space folded, cut at a word boundary after at
// most MaxProposedTitleRunes characters ("…" marks the cut), and balanced
// (see Balance) so that it cannot reorder what is shown after it. "" when
// the line has nothing visible.
func ProposedTitle(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.Join(strings.Fields(line), " ")
	if !Visible(line) {
		return ""
	}
	if RuneLen(line) > MaxProposedTitleRunes {
		r := []rune(line)[:MaxProposedTitleRunes]
		if i := strings.LastIndex(string(r), " "); i > MaxProposedTitleRunes/2 {
			line = string(r)[:i] + "…"
		} else {
			line = string(r) + "…"
		}
	}
	return Balance(line)
}

// TranscriptLine is one message in a proposed item description:
// "⁨Sally C⁩ (2026-11-24 21:02 UTC): ⁨text⁩". Name and text are isolated
// (each line of a multi-line text on its own), so a name cannot turn the
// text after it around, and an erasure can find exactly this text again.
func TranscriptLine(m *Message) string {
	fallback := "Someone"
	if m.Author.Kind == KindCustomer {
		fallback = "Customer"
	}
	return fmt.Sprintf("%s (%s): %s", Party(m.Author.Name, fallback), m.CreatedAt.UTC().Format("2006-01-02 15:04 MST"), Isolate(m.Text))
}
