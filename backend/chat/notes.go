package chat

import (
	"fmt"
	"strings"
	"time"
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
	return Balance(line)
}

// transcriptIndent starts every line of a message after its first in a
// transcript, so that a message's own line breaks cannot forge a line
// that looks like another author's.
const transcriptIndent = "    "

// TranscriptLine is one message in a proposed item description:
// "⁨Sally C⁩ (2026-11-24 21:02 UTC): ⁨text⁩", further lines of the text
// indented. Name and text are isolated line by line (see Isolate), so a
// name cannot turn the text after it around, and an edit or an erasure can
// find exactly this text again.
func TranscriptLine(m *Message) string {
	return TranscriptLineOf(m.Author.Kind, m.Author.Name, m.CreatedAt, m.Text)
}

// TranscriptLineOf is TranscriptLine from its parts.
func TranscriptLineOf(kind ActorKind, name string, at time.Time, text string) string {
	fallback := "Someone"
	if kind == KindCustomer {
		fallback = "Customer"
	}
	return Party(name, fallback) + stamp(at) + TranscriptText(text)
}

// TranscriptText is a message text as a transcript line carries it: each
// line isolated, every line after the first indented.
func TranscriptText(text string) string {
	iso := Isolate(text)
	return strings.ReplaceAll(iso, "\n", "\n"+transcriptIndent)
}

// Transcript is the description ProposeItem suggests: the lines of msgs
// (oldest first). When they do not fit in MaxDescriptionRunes, the oldest
// whole messages are left out and the first line says how many; a message
// is never cut in the middle.
func Transcript(msgs []*Message) string {
	lines := make([]string, len(msgs))
	for i, m := range msgs {
		lines[i] = TranscriptLine(m)
	}
	total := 0
	first := len(lines)
	for first > 0 {
		n := RuneLen(lines[first-1]) + 1
		if total+n > MaxDescriptionRunes-60 { // room for the note below
			break
		}
		total += n
		first--
	}
	out := strings.Join(lines[first:], "\n")
	if first > 0 {
		out = fmt.Sprintf("(%d earlier messages left out)\n", first) + out
	}
	return out
}
