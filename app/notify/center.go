package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
)

// Center decides, coalesces and shows notifications.
type Center struct {
	Notifier Notifier
	Store    *localstore.Store
	// Window is how long a burst is collected before one notification
	// (default 2 s).
	Window time.Duration
	Log    *slog.Logger

	mu      sync.Mutex
	muted   bool
	open    int64 // the conversation on screen
	focused bool
	pending []note
	timer   *time.Timer
	started map[int64]bool // conversations created in this window
}

type note struct {
	conversation int64
	message      int64
	customerID   int64 // the author, when a customer
	sender       string
	customer     bool
	preview      string
	started      bool // the message opened a new conversation
	mention      bool // it @mentions me (or assigns me the conversation)
	assigned     bool // the note of an assignment to me
}

// SetMuted turns notifications off or on (a user setting).
func (c *Center) SetMuted(m bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.muted = m
}

// Stop drops what is pending and shows nothing more (sign-out).
func (c *Center) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.pending, c.started = nil, nil
	c.muted = true
}

// SetView tells which conversation is open and whether the window has focus.
func (c *Center) SetView(conversationID int64, focused bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open, c.focused = conversationID, focused
}

// Events is the sync engine's OnEvents hook.
func (c *Center) Events(events []*chat.Event, live bool) {
	if !live {
		return // history arriving during sync
	}
	for _, ev := range events {
		switch ev.Type {
		case chat.EventMessageEdited, chat.EventMessageDeleted:
			// What was unsaid is not shown: a message edited or deleted
			// before its notification went out shows as it is now.
			var m chat.Message
			if json.Unmarshal(ev.Data, &m) == nil {
				c.revise(func(n *note) bool { return n.message == m.ID }, m.DeletedAt == nil, preview(m.Text))
			}
			continue
		case chat.EventCustomerErased:
			var d chat.CustomerErased
			if json.Unmarshal(ev.Data, &d) == nil && d.Customer != nil {
				c.revise(func(n *note) bool { return n.customerID == d.Customer.ID }, false, "")
			}
			continue
		}
		if ev.Type == chat.EventConversationCreated {
			c.mu.Lock()
			if c.started == nil {
				c.started = map[int64]bool{}
			}
			c.started[ev.ConversationID] = true
			c.mu.Unlock()
		}
		if ev.Type != chat.EventMessageCreated {
			continue
		}
		var m chat.Message
		if json.Unmarshal(ev.Data, &m) != nil || !c.wanted(&m) {
			continue
		}
		n := note{conversation: m.ConversationID, message: m.ID, sender: senderName(&m), customer: m.Author.Kind == chat.KindCustomer,
			preview: preview(m.Text), mention: slices.Contains(m.Mentions, c.Store.Me()), assigned: m.System == chat.NoteAssigned}
		if n.customer {
			n.customerID = m.Author.ID
		}
		c.add(n)
	}
}

// wanted applies the rules to one new message.
func (c *Center) wanted(m *chat.Message) bool {
	c.mu.Lock()
	muted, open, focused := c.muted, c.open, c.focused
	c.mu.Unlock()
	me := c.Store.Me()
	mentioned := slices.Contains(m.Mentions, me)
	switch {
	case muted:
		return false
	case m.Author.Kind == chat.KindUser && m.Author.ID == me:
		return false // my own, from any of my devices
	case focused && open == m.ConversationID:
		return false // I am looking at it
	case mentioned:
		return true // an @mention in a note or a team conversation, or an assignment to me
	case m.System != "", m.Author.Kind == chat.KindSystem:
		return false
	}
	ctx := context.Background()
	conv, err := c.Store.FindConversationByID(ctx, m.ConversationID)
	if err != nil {
		return false
	}
	member := conv.HasParticipant(me)
	if !member && conv.Item != nil {
		if it, err := c.Store.FindItemByNumber(ctx, conv.Item.Number); err == nil {
			for _, id := range it.Involved() {
				member = member || id == me
			}
		}
	}
	if m.Author.Kind == chat.KindCustomer && conv.CustomerID != 0 && c.Store.Support(ctx) {
		return true // From Customers
	}
	return member // My Conversations
}

func senderName(m *chat.Message) string {
	if chat.Visible(m.Author.Name) {
		return m.Author.Name
	}
	if m.Author.Kind == chat.KindCustomer {
		return "A customer"
	}
	return "Someone"
}

// preview is the body of a one-message notification: the text on one
// line, at most 120 characters, balanced (see chat.Balance).
func preview(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > 120 {
		text = string([]rune(text)[:119]) + "…"
	}
	return chat.Balance(text)
}

// revise updates the pending notes that match: keep with a new preview,
// or drop them. A window left with nothing shows nothing.
func (c *Center) revise(match func(*note) bool, keep bool, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kept := c.pending[:0]
	for _, n := range c.pending {
		if match(&n) {
			if !keep {
				continue
			}
			n.preview = text
		}
		kept = append(kept, n)
	}
	c.pending = kept
}

func (c *Center) add(n note) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n.started = c.started[n.conversation]
	delete(c.started, n.conversation)
	c.pending = append(c.pending, n)
	if c.timer == nil {
		w := c.Window
		if w == 0 {
			w = 2 * time.Second
		}
		c.timer = time.AfterFunc(w, c.flush)
	}
}

// flush shows what the window collected: one message as itself, a burst
// as a summary.
func (c *Center) flush() {
	c.mu.Lock()
	pending := c.pending
	c.pending, c.timer, c.started = nil, nil, nil // started lives one window
	c.mu.Unlock()
	if len(pending) == 0 {
		return
	}
	title, body := summarize(pending)
	if err := c.Notifier.Notify(title, body); err != nil && c.Log != nil {
		// No notification service is not a reason to stop the app.
		c.Log.Warn("desktop notification failed", "err", err)
	}
}

func summarize(ns []note) (string, string) {
	if len(ns) == 1 {
		n := ns[0]
		// Names inside our sentences are isolated; a name alone is the
		// whole summary, balanced.
		switch {
		case n.assigned:
			return "Conversation assigned to you", n.preview
		case n.mention:
			return chat.Isolate(n.sender) + " mentioned you", n.preview
		case n.started:
			return "New conversation from " + chat.Isolate(n.sender), n.preview
		}
		return chat.Balance(n.sender), n.preview
	}
	senders := map[string]bool{}
	customers := true
	for _, n := range ns {
		senders[n.sender] = true
		customers = customers && n.customer
	}
	who := "people"
	if customers {
		who = "customers"
	}
	if len(senders) == 1 {
		return chat.Balance(ns[0].sender), fmt.Sprintf("%d new messages", len(ns))
	}
	return "deskchat", fmt.Sprintf("%d new messages from %d %s", len(ns), len(senders), who)
}
