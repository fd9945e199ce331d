package chat

import (
	"bytes"
	"encoding/json"
	"regexp"
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

// How the event log keeps nothing unsaid. Events carry the state of their
// moment. When a message is edited or deleted, or a customer erased, every
// stored event holding a copy of it is stripped once (Strip: the copy's
// text, the customer's details and an item's title and description
// emptied) and marked; reading a marked event fills its copies from the
// current rows (Current.Fill). So the log holds no earlier text at rest, an
// event is rewritten at most once however often its message changes, and
// every reader of the log sees the current state.

// Current holds the current state of what marked events carry copies of.
type Current struct {
	Messages  map[int64]*Message
	Customers map[int64]*Customer
	Items     map[int64]*Item // title, description and requester matter
}

// NewCurrent returns an empty Current.
func NewCurrent() *Current {
	return &Current{Messages: map[int64]*Message{}, Customers: map[int64]*Customer{}, Items: map[int64]*Item{}}
}

// Fill rewrites ev.Data so that every copy it holds of a message, customer
// or item in c shows the current state. It reports whether the data
// changed. Data of types it does not know stays as it is.
func (c *Current) Fill(ev *Event) (bool, error) {
	return rewrite(ev, c.message, c.customer, c.item)
}

// Strip rewrites ev.Data into the form a marked event is stored in: every
// message copy without its text and client id, every customer copy without
// their details, every item copy without title, description and requester
// name. It reports whether the data changed.
func Strip(ev *Event) (bool, error) {
	return rewrite(ev,
		func(m *Message) *Message {
			m.Text, m.ClientID, m.Attachments = "", "", nil
			if m.Author.Kind == KindCustomer {
				m.Author.Name = ""
			}
			return m
		},
		func(cu *Customer) *Customer {
			return &Customer{ID: cu.ID, FirstSeen: cu.FirstSeen, LastSeen: cu.LastSeen, ErasedAt: cu.ErasedAt}
		},
		func(it *ItemCopy) { it.title, it.description, it.requesterName = "", "", "" })
}

// ItemCopy is the part of an item copy a redaction touches.
type ItemCopy struct {
	number                            int64
	title, description, requesterName string
}

func (c *Current) message(m *Message) *Message {
	if now := c.Messages[m.ID]; now != nil {
		cp := *now
		return &cp
	}
	if m.Author.Kind == KindCustomer {
		if cu := c.Customers[m.Author.ID]; cu != nil {
			m.Author.Name = cu.Name
		}
	}
	return m
}

func (c *Current) customer(cu *Customer) *Customer {
	if now := c.Customers[cu.ID]; now != nil {
		cp := *now
		return &cp
	}
	return cu
}

func (c *Current) item(it *ItemCopy) {
	if now := c.Items[it.number]; now != nil {
		it.title, it.description = now.Title, now.Description
	}
}

// rewrite applies the three rewrites to every copy ev's data carries.
func rewrite(ev *Event, msg func(*Message) *Message, cust func(*Customer) *Customer, item func(*ItemCopy)) (bool, error) {
	conversation := func(c *Conversation) {
		if c == nil {
			return
		}
		if c.Customer != nil {
			c.Customer = cust(c.Customer)
			c.ErasedAt = c.Customer.ErasedAt
		}
		if c.LastMessage != nil {
			c.LastMessage = msg(c.LastMessage)
		}
		if c.Item != nil {
			cp := &ItemCopy{number: c.Item.Number, title: c.Item.Title}
			item(cp)
			c.Item.Title = cp.title
		}
	}
	var out any
	switch ev.Type {
	case EventMessageCreated, EventMessageEdited, EventMessageDeleted:
		var m Message
		if err := json.Unmarshal(ev.Data, &m); err != nil {
			return false, err
		}
		out = msg(&m)
	case EventConversationCreated, EventConversationClosed, EventConversationReopened, EventConversationUpdated:
		var c Conversation
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return false, err
		}
		conversation(&c)
		out = &c
	case EventParticipantAdded:
		var d ParticipantAdded
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return false, err
		}
		conversation(d.Conversation)
		out = &d
	case EventCustomerUpdated:
		var c Customer
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return false, err
		}
		out = cust(&c)
	case EventCustomerErased:
		var d CustomerErased
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return false, err
		}
		if d.Customer != nil {
			d.Customer = cust(d.Customer)
		}
		out = &d
	case EventItemCreated, EventItemUpdated:
		var it Item
		if err := json.Unmarshal(ev.Data, &it); err != nil {
			return false, err
		}
		cp := &ItemCopy{number: it.Number, title: it.Title, description: it.Description}
		if it.Requester != nil {
			cp.requesterName = it.Requester.Name
		}
		item(cp)
		it.Title, it.Description = cp.title, cp.description
		if it.Requester != nil {
			// Item events name the requester only: {id, name}.
			it.Requester = &Customer{ID: it.Requester.ID, Name: cust(&Customer{ID: it.Requester.ID, Name: cp.requesterName}).Name}
		}
		for i := range it.Conversations {
			it.Conversations[i].CustomerName = ""
		}
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

// Scrubber rewrites, in team text written before this version (item
// titles and descriptions that copied a transcript, link notes naming a
// title), the copies of an erased customer's words, and in the team's
// messages of the customer's own conversations their e-mail and full name.
// It finds what the product composed, exactly (a transcript line "Name
// (time): text", a proposed title, a link note ending in that title), and
// the e-mail where it stands as an address. Items made since carry no copy
// (see ProposalSummary); what a team member retyped in their own words it
// cannot know.
type Scrubber struct {
	exact  []pair            // substrings, in order
	titles map[string]string // whole titles
	links  []pair            // endings of link notes
	emails []pair            // addresses, where they stand alone
	names  []*regexp.Regexp  // full names, as whole words, spelt loosely
}

type pair struct{ old, new string }

// NewScrubber returns an empty scrubber.
func NewScrubber() *Scrubber { return &Scrubber{titles: map[string]string{}} }

// stamp is the time part of a transcript line: " (2026-11-24 21:02 UTC): ".
func stamp(at time.Time) string {
	return " (" + at.UTC().Format("2006-01-02 15:04 MST") + "): "
}

// Line records a message of the erased customer as a transcript copied it
// under one of their names: "Name (time): text" becomes "[erased] (time):
// [erased]"; the title proposed from the text, and a link note ending in
// it, become [erased].
func (s *Scrubber) Line(name string, at time.Time, text string) {
	if !Visible(text) {
		return
	}
	if !Visible(name) {
		name = "Customer"
	}
	st := stamp(at)
	s.exact = append(s.exact, pair{name + st + text, ErasedText + st + ErasedText})
	if t := proposedTitle(text); t != "" {
		s.titles[t] = ErasedText
		s.titles[Balance(t)] = ErasedText
		s.links = append(s.links, pair{": " + t, ": " + ErasedText})
	}
}

// Email records an address that goes; it is replaced where it stands as
// an address ("a@b.co" in "data@b.com" stays).
func (s *Scrubber) Email(e string) {
	if e != "" {
		s.emails = append(s.emails, pair{e, ErasedText})
	}
}

// Name records a full name that goes from the team's text about the
// customer: only a name of two words or more ("Sally Carter"), as whole
// words, in any case, with any white space or invisible characters
// between and around its words; a single word ("Sally", or "the") is too
// common to tell from other text.
func (s *Scrubber) Name(n string) {
	words := strings.FieldsFunc(n, invisible)
	if len(words) < 2 {
		return
	}
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	sep := `[\s\p{Cf}\p{Zs}]+`
	s.names = append(s.names, regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])(`+strings.Join(words, sep)+`)([^\p{L}\p{N}]|$)`))
}

// ScrubTitle returns an item title made before this version with every
// recorded copy replaced (a title proposed from the customer's words is
// [erased]).
func (s *Scrubber) ScrubTitle(title string) string {
	if t, ok := s.titles[title]; ok {
		return t
	}
	return s.ScrubItem(title)
}

// ScrubItem returns the title or description of an item about the
// customer with their copies, e-mail and full name replaced.
func (s *Scrubber) ScrubItem(text string) string {
	return s.scrubNames(s.Scrub(text))
}

// Scrub returns team text (a description) with every recorded copy
// replaced.
func (s *Scrubber) Scrub(text string) string {
	for _, p := range s.exact {
		text = strings.ReplaceAll(text, p.old, p.new)
	}
	for _, p := range s.emails {
		text = replaceBounded(text, p.old, p.new, emailChar, true)
	}
	return text
}

// ScrubNote is Scrub for a system note: a link note ending in a recorded
// title ends in [erased].
func (s *Scrubber) ScrubNote(text string) string {
	text = s.Scrub(text)
	for _, p := range s.links {
		if strings.HasSuffix(text, p.old) {
			text = strings.TrimSuffix(text, p.old) + p.new
		}
	}
	return text
}

// ScrubMessage is Scrub for a message the team wrote in the erased
// customer's conversation: their full names go too.
func (s *Scrubber) ScrubMessage(text string) string {
	return s.scrubNames(s.Scrub(text))
}

func (s *Scrubber) scrubNames(text string) string {
	for _, re := range s.names {
		// Repeated: a match's trailing boundary may be the next one's start.
		for prev, n := "", 0; prev != text && n < 8; n++ {
			prev = text
			text = re.ReplaceAllString(text, "${1}"+ErasedText+"${3}")
		}
	}
	return text
}
func emailChar(r rune) bool {
	return r < 0x80 && (r == '.' || r == '_' || r == '%' || r == '+' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r))
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
