package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/locales"
)

// Center decides which events deserve a notification, keeps one per
// conversation, and turns the user's actions into the app's acts.
type Center struct {
	Notifier Notifier
	Store    *localstore.Store
	Log      *slog.Logger

	// What the user asks for from a notification; the app wires them.
	OnOpen    func(conversationID int64) // a click (0: the list, from a summary)
	OnCompose func(conversationID int64) // Reply without inline reply: the compact composer
	OnReply   func(conversationID int64, text string)
	OnRead    func(conversationID int64)
	OnClose   func(conversationID int64)

	// Language is the language notifications are written in, asked at
	// each one (the app's, which Settings may change); nil: English.
	Language func() string

	// Now is the clock (default time.Now). ReminderEvery is how often
	// waiting conversations are looked for (default 30 s); ReminderUnit
	// the length of a minute of Settings.WaitingReminder (tests shorten it).
	Now                         func() time.Time
	ReminderEvery, ReminderUnit time.Duration

	mu        sync.Mutex
	prefs     Prefs
	open      int64 // the conversation on screen
	focused   bool
	shown     map[int64]*shownConv
	summary   bool           // the summary is on screen
	started   map[int64]bool // conversations created lately (the first message says "New conversation")
	initial   bool           // the first sync of this store: history is not news
	connected bool           // caught up and live: the local store is current
	since     time.Time      // when this center started (waits that passed their limit before are not news)
	away      away           // what arrived while catching up
	waited    map[int64]int64
	assigned  map[int64]bool // items I am an assignee of (a new assignment notifies)
	jobs      chan func()
	stop      chan struct{}
	stopped   bool
}

// Prefs are the user's notification settings.
type Prefs struct {
	Muted       bool           // no notifications at all
	SoundOff    bool           // no sound
	PausedUntil time.Time      // the app's own "Pause notifications"
	MutedConvs  map[int64]bool // conversations muted one by one
}

// shownConv is the notification on screen for one conversation.
type shownConv struct {
	message    int64 // the newest message it shows
	count      int   // messages since it was first shown
	customerID int64
}

// away counts what arrived while the app was closed or reconnecting.
type away struct {
	conversations map[int64]bool
	messages      int
}

// Key is the notification key of a conversation.
func Key(conversationID int64) string { return "c:" + strconv.FormatInt(conversationID, 10) }

// SummaryKey is the key of the "while you were away" summary.
const SummaryKey = "summary"

func conversationOf(key string) int64 {
	id, _ := strconv.ParseInt(strings.TrimPrefix(key, "c:"), 10, 64)
	return id
}

// lang is the language of the next notification.
func (c *Center) lang() string {
	if c.Language != nil {
		return c.Language()
	}
	return locales.Fallback
}

func (c *Center) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Start runs the center's loops until Stop: the user's actions on
// notifications and the waiting-customer reminder. initial says the local
// store is syncing for the first time (its history raises no summary).
func (c *Center) Start(initial bool) {
	c.mu.Lock()
	c.initial = initial
	c.since = c.now()
	c.assigned = map[int64]bool{}
	if ids, err := c.Store.ItemsAssignedTo(context.Background(), c.Store.Me()); err == nil {
		for _, n := range ids {
			c.assigned[n] = true
		}
	}
	c.stop = make(chan struct{})
	c.jobs = make(chan func(), 256)
	stop, jobs := c.stop, c.jobs
	c.mu.Unlock()
	// Every call to the notification server runs here, in order, off the
	// sync engine's path: a slow daemon delays a notification, never sync.
	go func() {
		for {
			select {
			case <-stop:
				return
			case f := <-jobs:
				select {
				case <-stop:
					return // stopped meanwhile: nothing more is shown
				default:
					f()
				}
			}
		}
	}()
	if acts := c.Notifier.Acted(); acts != nil {
		go func() {
			for {
				select {
				case <-stop:
					return
				case a := <-acts:
					c.act(a)
				}
			}
		}()
	}
	go c.remindLoop(stop)
}

// Stop shows nothing more and withdraws what this center shows (sign-out,
// quit): a notification left behind could act on the next account.
func (c *Center) Stop() {
	c.mu.Lock()
	if c.stop != nil && !c.stopped {
		close(c.stop)
	}
	c.stopped = true
	c.prefs.Muted = true
	keys := make([]string, 0, len(c.shown)+1)
	for id := range c.shown {
		keys = append(keys, Key(id))
	}
	if c.summary {
		keys = append(keys, SummaryKey)
	}
	c.shown, c.summary = nil, false
	n := c.Notifier
	c.mu.Unlock()
	if n != nil && len(keys) > 0 {
		go func() {
			for _, k := range keys {
				n.Withdraw(k)
			}
		}()
	}
}

// do runs a call to the notification server on the center's worker (in
// order); before Start, or when the queue is full, it runs here.
func (c *Center) do(f func()) {
	c.mu.Lock()
	jobs, stopped := c.jobs, c.stopped
	c.mu.Unlock()
	if stopped {
		return
	}
	if jobs != nil {
		select {
		case jobs <- f:
			return
		default:
		}
	}
	f()
}

// SetConnected tells whether the sync engine is live (caught up); the
// waiting reminder trusts the local store only then.
func (c *Center) SetConnected(on bool) {
	c.mu.Lock()
	c.connected = on
	c.mu.Unlock()
}

// SetPrefs applies the user's notification settings.
func (c *Center) SetPrefs(p Prefs) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.prefs = p
}

// SetView tells which conversation is open and whether the window has
// focus; a conversation on screen in the focused window needs no
// notification (its own is withdrawn).
func (c *Center) SetView(conversationID int64, focused bool) {
	c.mu.Lock()
	c.open, c.focused = conversationID, focused
	c.mu.Unlock()
	if focused && conversationID > 0 {
		c.withdraw(conversationID)
	}
}

// act turns a user's action into the app's act. Only notifications this
// center shows are acted on (one left from another account is not).
func (c *Center) act(a Acted) {
	c.mu.Lock()
	id := conversationOf(a.Key)
	_, mine := c.shown[id]
	summary := a.Key == SummaryKey && c.summary
	if a.Action == ActionDismissed {
		if summary {
			c.summary = false
		}
		delete(c.shown, id) // the next message starts counting again
		c.mu.Unlock()
		return
	}
	if summary {
		c.summary = false
	}
	c.mu.Unlock()
	if summary {
		call(c.OnOpen, 0)
		return
	}
	if id == 0 || !mine {
		return
	}
	switch a.Action {
	case ActionOpen:
		call(c.OnOpen, id)
	case ActionReply:
		call(c.OnCompose, id)
	case ActionInlineReply:
		if chat.Visible(a.Text) && c.OnReply != nil {
			c.OnReply(id, a.Text)
		}
		c.withdraw(id)
	case ActionRead:
		call(c.OnRead, id)
		c.withdraw(id)
	case ActionClose:
		call(c.OnClose, id)
		c.withdraw(id)
	}
}

func call(f func(int64), id int64) {
	if f != nil {
		f(id)
	}
}

// silent reports whether the user's settings keep a notification about
// convID (0: none) off the screen: muted, paused, the conversation muted.
// The desktop's do-not-disturb is asked when showing (notify).
func (c *Center) silent(convID int64) bool {
	c.mu.Lock()
	p, stopped := c.prefs, c.stopped
	c.mu.Unlock()
	return stopped || p.Muted || c.now().Before(p.PausedUntil) || (convID != 0 && p.MutedConvs[convID])
}

// Events is the sync engine's OnEvents hook. Live events notify at once,
// one notification per conversation; events that arrive while catching up
// are counted for one summary (CaughtUp).
func (c *Center) Events(events []*chat.Event, live bool) {
	look := &lookups{}
	for _, ev := range events {
		switch ev.Type {
		case chat.EventMessageEdited, chat.EventMessageDeleted:
			// What was unsaid is not shown: a notification shows the
			// message as it is now, or goes.
			var m chat.Message
			if json.Unmarshal(ev.Data, &m) == nil {
				c.revise(&m)
			}
			continue
		case chat.EventCustomerErased:
			var d chat.CustomerErased
			if json.Unmarshal(ev.Data, &d) == nil && d.Customer != nil {
				c.forgetCustomer(d.Customer.ID)
			}
			continue
		case chat.EventReadUpdated:
			// Read here or on another device: its notification goes.
			var rs chat.ReadState
			if json.Unmarshal(ev.Data, &rs) == nil && rs.UserID == c.Store.Me() && rs.Unread == 0 {
				c.withdraw(rs.ConversationID)
			}
			continue
		case chat.EventItemCreated, chat.EventItemUpdated:
			var it chat.Item
			if json.Unmarshal(ev.Data, &it) == nil {
				c.itemAssigned(&it, ev.Type == chat.EventItemCreated, live)
			}
			continue
		case chat.EventConversationCreated:
			c.mu.Lock()
			if c.started == nil {
				c.started = map[int64]bool{}
			}
			c.started[ev.ConversationID] = true
			c.mu.Unlock()
			continue
		case chat.EventMessageCreated:
		default:
			continue
		}
		if !live && c.firstSync() {
			continue // the first sync's history is not news: countAway counts none of it
		}
		var m chat.Message
		if json.Unmarshal(ev.Data, &m) != nil || !c.wanted(&m, live, look) {
			continue
		}
		if !live {
			c.countAway(&m)
			continue
		}
		c.show(&m, true)
	}
}

// firstSync reports the first sync of this store (Start's initial, until
// CaughtUp).
func (c *Center) firstSync() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.initial
}

// lookups keeps what wanted read from the local store for one batch of
// events (it is applied before Events sees it, so the answers hold for the
// whole batch): a catch-up brings thousands of messages in a few
// conversations.
type lookups struct {
	convs   map[int64]*chat.Conversation // nil: not in the local store
	members map[int64]bool               // conversation: I am a member (participant, assignee, involved in its item)
	support *bool
}

func (l *lookups) conversation(ctx context.Context, st *localstore.Store, id int64) *chat.Conversation {
	if conv, ok := l.convs[id]; ok {
		return conv
	}
	if l.convs == nil {
		l.convs, l.members = map[int64]*chat.Conversation{}, map[int64]bool{}
	}
	conv, err := st.FindConversationByID(ctx, id)
	if err != nil {
		conv = nil
	}
	l.convs[id] = conv
	if conv != nil {
		me := st.Me()
		member := conv.HasParticipant(me) || (conv.Assignee != nil && conv.Assignee.ID == me)
		if !member && conv.Item != nil {
			if it, err := st.FindItemByNumber(ctx, conv.Item.Number); err == nil {
				member = slices.Contains(it.Involved(), me)
			}
		}
		l.members[id] = member
	}
	return conv
}

func (l *lookups) supports(ctx context.Context, st *localstore.Store) bool {
	if l.support == nil {
		s := st.Support(ctx)
		l.support = &s
	}
	return *l.support
}

// wanted applies the rules to one new message.
func (c *Center) wanted(m *chat.Message, live bool, look *lookups) bool {
	c.mu.Lock()
	open, focused := c.open, c.focused
	c.mu.Unlock()
	me := c.Store.Me()
	mentioned := slices.Contains(m.Mentions, me)
	switch {
	case m.Author.Kind == chat.KindUser && m.Author.ID == me:
		return false // my own, from any of my devices
	case live && focused && open == m.ConversationID:
		return false // I am looking at it
	case mentioned:
		return true // an @mention in a note or a team conversation, or an assignment to me
	case m.System != "", m.Author.Kind == chat.KindSystem:
		return false
	}
	ctx := context.Background()
	conv := look.conversation(ctx, c.Store, m.ConversationID)
	if conv == nil {
		return false
	}
	if m.Author.Kind == chat.KindCustomer && conv.CustomerID != 0 && look.supports(ctx, c.Store) {
		return true // From Customers
	}
	return look.members[m.ConversationID] // My Conversations
}

// show puts up (or replaces) the conversation's notification for m, with
// the sound when allowed (a customer's message; not an edit).
func (c *Center) show(m *chat.Message, allowSound bool) {
	if c.silent(m.ConversationID) {
		return
	}
	me := c.Store.Me()
	c.mu.Lock()
	s := c.track(m.ConversationID)
	s.message = m.ID
	s.count++
	if m.Author.Kind == chat.KindCustomer {
		s.customerID = m.Author.ID
	}
	started := c.started[m.ConversationID]
	delete(c.started, m.ConversationID)
	count, sound := s.count, allowSound && !c.prefs.SoundOff
	c.mu.Unlock()

	customer, lang := m.Author.Kind == chat.KindCustomer, c.lang()
	n := Notification{Key: Key(m.ConversationID), Body: previewText(m.Summary()), Actions: customer, Sound: customer && sound, Language: lang}
	switch {
	case m.System == chat.NoteAssigned && slices.Contains(m.Mentions, me):
		n.Title = locales.T(lang, "desktop.notify.assigned_to_you", nil)
	case slices.Contains(m.Mentions, me):
		n.Title = locales.T(lang, "desktop.notify.mentioned_you", locales.Args{"name": senderName(m, lang)})
	case started && count == 1:
		n.Title = locales.T(lang, "desktop.notify.new_conversation_from", locales.Args{"name": senderName(m, lang)})
	default:
		// A name alone is the whole title, balanced.
		n.Title = chat.Balance(senderName(m, lang))
	}
	if count > 1 {
		n.Body = withPreview(locales.T(lang, "desktop.notify.new_messages", locales.Args{"count": count}), n.Body)
	}
	c.notify(n)
}

func (c *Center) notify(n Notification) {
	c.do(func() {
		if c.Notifier.Quiet() {
			return // do-not-disturb: no pop-up, no sound (the badges still count)
		}
		if err := c.Notifier.Show(n); err != nil && c.Log != nil {
			// No notification service is not a reason to stop the app.
			c.Log.Warn("desktop notification failed", "err", err)
		}
	})
}

// track returns the record of the notification shown for a conversation,
// made if there is none (the caller holds c.mu).
func (c *Center) track(convID int64) *shownConv {
	if c.shown == nil {
		c.shown = map[int64]*shownConv{}
	}
	s := c.shown[convID]
	if s == nil {
		s = &shownConv{}
		c.shown[convID] = s
	}
	return s
}

// withdraw removes a conversation's notification.
func (c *Center) withdraw(convID int64) {
	c.mu.Lock()
	_, had := c.shown[convID]
	delete(c.shown, convID)
	c.mu.Unlock()
	if had {
		c.do(func() {
			if err := c.Notifier.Withdraw(Key(convID)); err != nil && c.Log != nil {
				c.Log.Warn("withdraw notification", "err", err)
			}
		})
	}
}

// revise follows an edit or delete of the message a notification shows.
func (c *Center) revise(m *chat.Message) {
	c.mu.Lock()
	s := c.shown[m.ConversationID]
	showing := s != nil && s.message == m.ID
	c.mu.Unlock()
	if !showing {
		return
	}
	if m.DeletedAt != nil {
		c.withdraw(m.ConversationID)
		return
	}
	c.mu.Lock()
	s.count-- // show counts it again
	c.mu.Unlock()
	c.show(m, false) // an edit is no new message: no sound
}

// forgetCustomer withdraws every notification about an erased customer.
func (c *Center) forgetCustomer(customerID int64) {
	c.mu.Lock()
	var ids []int64
	for id, s := range c.shown {
		if s.customerID == customerID {
			ids = append(ids, id)
		}
	}
	c.mu.Unlock()
	for _, id := range ids {
		c.withdraw(id)
	}
}

// itemAssigned notifies when an item newly lists me as an assignee (not
// one I created with myself assigned): at its linked conversation, or the
// list.
func (c *Center) itemAssigned(it *chat.Item, created, live bool) {
	me := c.Store.Me()
	mine := slices.ContainsFunc(it.Assignees, func(p chat.Person) bool { return p.ID == me })
	c.mu.Lock()
	was := c.assigned[it.Number]
	if c.assigned != nil {
		c.assigned[it.Number] = mine
	}
	c.mu.Unlock()
	if !mine || was || !live || (created && it.Creator.ID == me) || c.silent(0) {
		return
	}
	key := "desktop.notify.item_assigned"
	switch it.Type {
	case chat.ItemTicket:
		key = "desktop.notify.ticket_assigned"
	case chat.ItemTask:
		key = "desktop.notify.task_assigned"
	}
	lang := c.lang()
	n := Notification{Title: locales.T(lang, key, locales.Args{"number": it.Number}),
		Body: previewText(it.Title), Key: SummaryKey, Language: lang}
	if len(it.Conversations) > 0 {
		id := it.Conversations[0].ID
		n.Key = Key(id)
		c.mu.Lock()
		c.track(id)
		c.mu.Unlock()
	} else {
		c.mu.Lock()
		c.summary = true // its click opens the list
		c.mu.Unlock()
	}
	c.notify(n)
}

// countAway counts a message that arrived while catching up.
func (c *Center) countAway(m *chat.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.initial {
		return
	}
	if c.away.conversations == nil {
		c.away.conversations = map[int64]bool{}
	}
	if c.started[m.ConversationID] {
		c.away.conversations[m.ConversationID] = true
	}
	c.away.messages++
}

// CaughtUp is called when the sync engine has caught up: what arrived
// meanwhile becomes one summary ("8 new conversations, 40 messages while
// you were away"), never a storm and never nothing. After the first sync
// of a store, later catch-ups count.
func (c *Center) CaughtUp() {
	c.mu.Lock()
	initial, a := c.initial, c.away
	c.initial, c.away, c.started = false, away{}, nil
	c.mu.Unlock()
	if initial || a.messages == 0 || c.silent(0) {
		return
	}
	lang := c.lang()
	parts := map[string]string{"messages": locales.T(lang, "desktop.notify.messages", locales.Args{"count": a.messages})}
	body := locales.T(lang, "desktop.notify.away_messages", nil)
	if n := len(a.conversations); n > 0 {
		parts["conversations"] = locales.T(lang, "desktop.notify.new_conversations", locales.Args{"count": n})
		body = locales.T(lang, "desktop.notify.away", nil)
	}
	c.mu.Lock()
	c.summary = true
	c.mu.Unlock()
	c.notify(Notification{Key: SummaryKey, Title: "deskchat", Body: locales.Put(body, parts), Language: lang})
}

// senderName is the author's name, or the product's word for a nameless
// one in lang.
func senderName(m *chat.Message, lang string) string {
	if chat.Visible(m.Author.Name) {
		return m.Author.Name
	}
	if m.Author.Kind == chat.KindCustomer {
		return locales.T(lang, "desktop.notify.a_customer", nil)
	}
	return locales.T(lang, "desktop.someone", nil)
}

// withPreview puts a message preview (previewText: balanced, on one
// line) in the {{preview}} of a sentence from the catalog. A preview is
// the end of a notification's body and is not isolated, as a body that
// is only the preview is not.
func withPreview(text, preview string) string {
	return locales.Put(text, map[string]string{"preview": preview})
}

// preview is the body of a one-message notification: the text on one
// line, at most 120 characters, balanced (see chat.Balance).
func previewText(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > 120 {
		text = string([]rune(text)[:119]) + "…"
	}
	return chat.Balance(text)
}

// remindLoop looks for customers waiting too long (Settings.WaitingReminder).
func (c *Center) remindLoop(stop <-chan struct{}) {
	every := c.ReminderEvery
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.remind()
		}
	}
}

// remind notifies once per conversation and wait: a From Customers
// conversation, open, whose newest message a person wrote is the
// customer's and older than Settings.WaitingReminder minutes, unassigned
// or assigned to me. Support users only (they can answer it).
func (c *Center) remind() {
	c.mu.Lock()
	ready, since := c.connected && !c.initial, c.since
	c.mu.Unlock()
	if !ready {
		return // the local store is not current: its waits may be answered already
	}
	ctx := context.Background()
	st, err := c.Store.Settings(ctx)
	if chat.ErrorCode(err) == chat.ENotFound {
		def := chat.DefaultSettings() // never changed on the server: its defaults
		st, err = &def, nil
	}
	if err != nil || st.WaitingReminder <= 0 || !c.Store.Support(ctx) {
		return
	}
	unit := c.ReminderUnit
	if unit <= 0 {
		unit = time.Minute
	}
	wait := time.Duration(st.WaitingReminder) * unit
	waiting, err := c.Store.Waiting(ctx, c.now().Add(-wait))
	if err != nil {
		return
	}
	me := c.Store.Me()
	for _, w := range waiting {
		if w.Conversation.Assignee != nil && w.Conversation.Assignee.ID != me {
			continue // someone has it
		}
		preview := w.Last
		if preview == nil {
			preview = w.Message
		}
		c.mu.Lock()
		if c.waited == nil {
			c.waited = map[int64]int64{}
		}
		done := c.waited[w.Conversation.ID] == w.Message.ID
		c.waited[w.Conversation.ID] = w.Message.ID
		open, focused := c.open, c.focused
		c.mu.Unlock()
		// Once per wait (keyed by the message that began it); a wait that
		// passed its limit before this start is no news (no flood of old
		// waits on every start).
		if done || w.Message.CreatedAt.Add(wait).Before(since) || (focused && open == w.Conversation.ID) || c.silent(w.Conversation.ID) {
			continue
		}
		lang := c.lang()
		name := senderName(w.Message, lang)
		c.mu.Lock()
		*c.track(w.Conversation.ID) = shownConv{message: w.Message.ID, count: 1, customerID: w.Message.Author.ID}
		sound := !c.prefs.SoundOff
		c.mu.Unlock()
		c.notify(Notification{Key: Key(w.Conversation.ID), Title: locales.T(lang, "desktop.notify.is_waiting", locales.Args{"name": name}),
			Body:    withPreview(locales.T(lang, "desktop.notify.no_answer", locales.Args{"count": st.WaitingReminder}), previewText(preview.Summary())),
			Actions: true, Sound: sound, Language: lang})
	}
}
