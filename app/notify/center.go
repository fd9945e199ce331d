package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
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
	sender       string
	customer     bool
	preview      string
	started      bool // the message opened a new conversation
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
func (c *Center) Events(events []*client.StreamEvent, live bool) {
	if !live {
		return // history arriving during sync
	}
	for _, ev := range events {
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
		c.add(note{conversation: m.ConversationID, sender: senderName(&m), customer: m.Author.Kind == chat.KindCustomer,
			preview: preview(m.Text)})
	}
}

// wanted applies the rules to one new message.
func (c *Center) wanted(m *chat.Message) bool {
	c.mu.Lock()
	muted, open, focused := c.muted, c.open, c.focused
	c.mu.Unlock()
	me := c.Store.Me()
	switch {
	case muted, m.System != "", m.Author.Kind == chat.KindSystem:
		return false
	case m.Author.Kind == chat.KindUser && m.Author.ID == me:
		return false // my own, from any of my devices
	case focused && open == m.ConversationID:
		return false // I am looking at it
	}
	ctx := context.Background()
	conv, err := c.Store.Conversation(ctx, m.ConversationID)
	if err != nil {
		return false
	}
	member := conv.HasParticipant(me)
	if !member && conv.Item != nil {
		if it, err := c.Store.Item(ctx, conv.Item.Number); err == nil {
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
	if m.Author.Name != "" {
		return m.Author.Name
	}
	if m.Author.Kind == chat.KindCustomer {
		return "A customer"
	}
	return "Someone"
}

func preview(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > 120 {
		return string([]rune(text)[:119]) + "…"
	}
	return text
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
		if n.started {
			return "New conversation from " + n.sender, n.preview
		}
		return n.sender, n.preview
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
		return ns[0].sender, fmt.Sprintf("%d new messages", len(ns))
	}
	return "deskchat", fmt.Sprintf("%d new messages from %d %s", len(ns), len(senders), who)
}
