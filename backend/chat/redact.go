package chat

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// What was unsaid stays unsaid. An edit, a delete or an erasure changes a
// message or a customer; every stored copy of it (the event log above
// all, whose events carry the state of their moment) must then show the
// current state instead. The admin-only audit trail is the one place that
// keeps earlier text (and an erasure empties even that).

// ParticipantAdded is the data of conversation.participant_added.
type ParticipantAdded struct {
	Conversation *Conversation `json:"conversation"`
	UserID       int64         `json:"user_id"`
}

// CustomerErased is the data of customer.erased: the customer as they are
// now (every detail empty, ErasedAt set) and the conversations that were
// theirs.
type CustomerErased struct {
	Customer        *Customer `json:"customer"`
	ConversationIDs []int64   `json:"conversation_ids"`
}

// Erasure is the record of one erasure (the right to erasure, GDPR art.
// 17): who erased which customer when, and how much went. It names nobody
// but the admin; it is what the audit keeps of the customer.
type Erasure struct {
	CustomerID    int64     `json:"customer_id"`
	By            Author    `json:"by"`
	At            time.Time `json:"at"`
	Conversations int       `json:"conversations"` // marked erased, kept
	Messages      int       `json:"messages"`      // whose text went
}

// Markers that stand where words went in team text.
const (
	ErasedText  = "[erased]"  // an erased customer's words
	DeletedText = "[deleted]" // a deleted message's words
)

// Carries names what an event's data holds a copy of: the message (a
// message event's message, a conversation event's last message) and the
// item (an item event's item, a conversation event's linked item). Stores
// index events by both so that a redaction finds every copy.
func Carries(data any) (messageID, itemNumber int64) {
	conv := func(c *Conversation) {
		if c == nil {
			return
		}
		if c.LastMessage != nil {
			messageID = c.LastMessage.ID
		}
		if c.Item != nil {
			itemNumber = c.Item.Number
		}
	}
	switch d := data.(type) {
	case *Message:
		messageID = d.ID
	case *Conversation:
		conv(d)
	case *ParticipantAdded:
		conv(d.Conversation)
	case *Item:
		itemNumber = d.Number
	}
	return messageID, itemNumber
}

// Redaction is what stored copies must show now: messages in their
// current state (after an edit, a delete or an erasure), erased customers,
// and items whose title or description an erasure scrubbed.
type Redaction struct {
	Messages  map[int64]*Message
	Customers map[int64]*Customer
	Items     map[int64]*Item
}

// NewRedaction returns an empty redaction.
func NewRedaction() *Redaction {
	return &Redaction{Messages: map[int64]*Message{}, Customers: map[int64]*Customer{}, Items: map[int64]*Item{}}
}

// Apply rewrites ev.Data so that every copy it holds of a message,
// customer or item in r shows the current state. It reports whether the
// data changed. Data of types it does not know stays as it is.
func (r *Redaction) Apply(ev *Event) (bool, error) {
	var out any
	switch ev.Type {
	case EventMessageCreated, EventMessageEdited, EventMessageDeleted:
		var m Message
		if err := json.Unmarshal(ev.Data, &m); err != nil {
			return false, err
		}
		out = r.message(&m)
	case EventConversationCreated, EventConversationClosed, EventConversationReopened, EventConversationUpdated:
		var c Conversation
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return false, err
		}
		r.conversation(&c)
		out = &c
	case EventParticipantAdded:
		var d ParticipantAdded
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return false, err
		}
		r.conversation(d.Conversation)
		out = &d
	case EventCustomerUpdated:
		var c Customer
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return false, err
		}
		out = &c
		if e := r.Customers[c.ID]; e != nil {
			out = e
		}
	case EventItemCreated, EventItemUpdated:
		var it Item
		if err := json.Unmarshal(ev.Data, &it); err != nil {
			return false, err
		}
		r.item(&it)
		out = &it
	default:
		return false, nil
	}
	data, err := json.Marshal(out)
	if err != nil {
		return false, err
	}
	if bytes.Equal(data, ev.Data) {
		return false, nil
	}
	ev.Data = data
	return true, nil
}

func (r *Redaction) message(m *Message) *Message {
	if now := r.Messages[m.ID]; now != nil {
		return now
	}
	if m.Author.Kind == KindCustomer && r.Customers[m.Author.ID] != nil {
		m.Author.Name = ""
	}
	return m
}

func (r *Redaction) conversation(c *Conversation) {
	if c == nil {
		return
	}
	if c.Customer != nil && r.Customers[c.Customer.ID] != nil {
		e := *r.Customers[c.Customer.ID]
		c.Customer = &e
		c.ErasedAt = e.ErasedAt
	}
	if c.LastMessage != nil {
		c.LastMessage = r.message(c.LastMessage)
	}
	if c.Item != nil && r.Items[c.Item.Number] != nil {
		c.Item.Title = r.Items[c.Item.Number].Title
	}
}

func (r *Redaction) item(it *Item) {
	if now := r.Items[it.Number]; now != nil {
		it.Title, it.Description = now.Title, now.Description
	}
	if it.Requester != nil && r.Customers[it.Requester.ID] != nil {
		it.Requester.Name = ""
	}
}

type pair struct{ old, new string }

// Scrubber rewrites, in team text the product composed (item titles and
// descriptions made from a proposal, link notes naming such a title, the
// team's messages in an erased customer's conversations), the copies of
// words that changed or must go. It finds what the product itself
// composed, exactly: a transcript line or block (TranscriptLineOf,
// TranscriptText), a proposed title (ProposedTitle), an isolated title in
// a link note, and the forms written before names and texts were
// isolated; and an erased customer's e-mail wherever it stands as an
// address. What a team member retyped in their own words it cannot know.
type Scrubber struct {
	lines  []pair            // whole transcript lines, replaced first
	exact  []pair            // substrings, in order
	titles map[string]string // whole titles
	suffix []pair            // line endings (composed before isolation)
	links  []pair            // endings of link notes (the title)
	emails []pair            // addresses, where they stand alone
	names  []pair            // whole words, in the team's messages only
}

// NewScrubber returns an empty scrubber.
func NewScrubber() *Scrubber { return &Scrubber{titles: map[string]string{}} }

// Text records that the text old of a message written at at is now repl:
// its transcript copy (found with its time stamp, so the same words in
// another message stay), the title proposed from it and that title in link
// notes become repl's; with repl "" (a delete, an erasure) they become
// marker.
func (s *Scrubber) Text(old, repl string, at time.Time, marker string) {
	if !Visible(old) {
		return
	}
	block, title, single := marker, marker, marker
	if repl != "" {
		block, single = TranscriptText(repl), repl
		if t := ProposedTitle(repl); t != "" {
			title = t
		}
	}
	st := stamp(at)
	if old != repl {
		s.exact = append(s.exact, pair{st + TranscriptText(old), st + block})
	}
	if t := ProposedTitle(old); t != "" && t != title {
		s.titles[t] = title
		isoTitle := title
		if title != marker {
			isoTitle = Isolate(title)
		}
		// A link note ends in the title: "⁨Ben⁩ linked this conversation to
		// ticket #3: ⁨<title>⁩", or before isolation "…: <title>".
		s.links = append(s.links, pair{": " + Isolate(t), ": " + isoTitle}, pair{": " + t, ": " + title})
	}
	if !strings.ContainsFunc(old, paragraphSeparator) {
		// "Sally (2026-11-24 21:02 UTC): <text>"
		s.suffix = append(s.suffix, pair{st + old, st + single})
	}
}

// stamp is the time part of a transcript line: " (2026-11-24 21:02 UTC): ".
func stamp(at time.Time) string {
	return " (" + at.UTC().Format("2006-01-02 15:04 MST") + "): "
}

// Line records a transcript line of an erased customer's message, as
// the product wrote it under one of their names (now or before, isolated
// or not): the whole line becomes "[erased] (time): [erased]".
func (s *Scrubber) Line(name string, at time.Time, text string) {
	if !Visible(text) {
		return
	}
	st := stamp(at)
	to := ErasedText + st + ErasedText
	s.lines = append(s.lines, pair{TranscriptLineOf(KindCustomer, name, at, text), to})
	legacy := name
	if !Visible(legacy) {
		legacy = "Customer"
	}
	if !strings.ContainsFunc(text, paragraphSeparator) {
		s.lines = append(s.lines, pair{legacy + st + text, to})
	}
}

// Email records an address that goes; it is replaced where it stands as
// an address ("a@b.co" in "data@b.com" stays).
func (s *Scrubber) Email(e string) {
	if e != "" {
		s.emails = append(s.emails, pair{e, ErasedText})
	}
}

// Name records a name that goes from the team's messages in the erased
// customer's conversations (whole words; one character is too little to
// tell).
func (s *Scrubber) Name(n string) {
	if RuneLen(n) >= 2 && Visible(n) {
		s.names = append(s.names, pair{n, ErasedText})
	}
}

// ScrubTitle returns an item title with every recorded copy replaced: a
// title that is exactly one proposed from a recorded text, or holds one.
func (s *Scrubber) ScrubTitle(title string) string {
	if t, ok := s.titles[title]; ok {
		return t
	}
	return s.Scrub(title)
}

// Scrub returns team text (a description, a note) with every recorded
// copy replaced.
func (s *Scrubber) Scrub(text string) string {
	for _, p := range s.lines {
		text = strings.ReplaceAll(text, p.old, p.new)
	}
	for _, p := range s.exact {
		text = strings.ReplaceAll(text, p.old, p.new)
	}
	if len(s.suffix) > 0 {
		lines := strings.Split(text, "\n")
		for i, line := range lines {
			for _, p := range s.suffix {
				if strings.HasSuffix(line, p.old) {
					line = strings.TrimSuffix(line, p.old) + p.new
				}
			}
			lines[i] = line
		}
		text = strings.Join(lines, "\n")
	}
	for _, p := range s.emails {
		text = replaceBounded(text, p.old, p.new, emailChar, true)
	}
	return text
}

// ScrubNote is Scrub for a system note: a link note ending in a recorded
// title gets the new title.
func (s *Scrubber) ScrubNote(text string) string {
	text = s.Scrub(text)
	for _, p := range s.links {
		if strings.HasSuffix(text, p.old) {
			text = strings.TrimSuffix(text, p.old) + p.new
		}
	}
	return text
}

// ScrubMessage is Scrub for a message the team wrote in an erased
// customer's conversation: their names go too, as whole words.
func (s *Scrubber) ScrubMessage(text string) string {
	text = s.Scrub(text)
	for _, p := range s.names {
		text = replaceBounded(text, p.old, p.new, wordChar, false)
	}
	return text
}

func emailChar(r rune) bool {
	return r < 0x80 && (r == '.' || r == '_' || r == '%' || r == '+' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r))
}

func wordChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// replaceBounded replaces old by new where old is not part of a longer
// run of inner characters on either side; fold compares ASCII letters
// without case.
func replaceBounded(text, old, new string, inner func(rune) bool, fold bool) string {
	if old == "" {
		return text
	}
	var b strings.Builder
	i := 0
	for i <= len(text)-len(old) {
		j := index(text[i:], old, fold)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(old)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (start > 0 && inner(before)) || (end < len(text) && inner(after) && !(after == '.' && !nextInner(text[end+1:], inner))) {
			b.WriteString(text[i : start+1])
			i = start + 1
			continue
		}
		b.WriteString(text[i:start])
		b.WriteString(new)
		i = end
	}
	b.WriteString(text[i:])
	return b.String()
}

// nextInner reports whether s starts with an inner character (a "." that
// ends a sentence is no part of an address).
func nextInner(s string, inner func(rune) bool) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && inner(r)
}

func index(s, sub string, fold bool) int {
	if !fold {
		return strings.Index(s, sub)
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
