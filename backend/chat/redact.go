package chat

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
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

// ErasedText replaces an erased customer's words in team text (system
// notes, item titles and descriptions).
const ErasedText = "[erased]"

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

// Scrubber removes an erased customer's words from text the team wrote
// around them: system notes, item titles and descriptions made from a
// proposal. It finds what the product itself composed (isolated names and
// texts, see Isolate and TranscriptLine; proposed titles) exactly, and the
// customer's e-mail address anywhere; what a team member retyped in their
// own words it cannot know.
type Scrubber struct {
	exact  []string // replaced wherever they occur
	titles []string // a whole title equal to one of these is replaced
	legacy []string // names, before notes and transcripts isolated them
	texts  []string // message lines, before transcripts isolated them
}

// NewScrubber returns a scrubber for the customer's details (before the
// erasure) and the texts of their messages.
func NewScrubber(c *Customer, texts []string) *Scrubber {
	s := &Scrubber{}
	if Visible(c.Name) {
		s.exact = append(s.exact, Isolate(c.Name))
		s.legacy = append(s.legacy, c.Name)
	}
	if c.Email != "" {
		s.exact = append(s.exact, c.Email)
	}
	for _, t := range texts {
		if !Visible(t) {
			continue
		}
		for _, line := range strings.FieldsFunc(Balance(t), paragraphSeparator) {
			if Visible(line) {
				s.exact = append(s.exact, string(fsi)+line+string(pdi))
				s.texts = append(s.texts, line)
			}
		}
		if title := ProposedTitle(t); title != "" {
			s.titles = append(s.titles, title)
			s.exact = append(s.exact, Isolate(title))
		}
	}
	return s
}

// Scrub returns text with the customer's words replaced by ErasedText.
func (s *Scrubber) Scrub(text string) string {
	for _, t := range s.titles {
		if text == t {
			return ErasedText
		}
	}
	for _, e := range s.exact {
		text = strings.ReplaceAll(text, e, ErasedText)
	}
	// Notes and transcripts written before names and texts were isolated:
	// "Sally reopened the conversation.", "Sally (2026-…): text".
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		for _, n := range s.legacy {
			if line == n+" reopened the conversation." || strings.HasPrefix(line, n+" (") {
				line = ErasedText + strings.TrimPrefix(line, n)
			}
		}
		for _, t := range s.texts {
			if strings.HasSuffix(line, "): "+t) {
				line = strings.TrimSuffix(line, t) + ErasedText
			}
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}
