// Package hub fans committed events out to connected streams.
//
// The store publishes while holding its write lock, so Publish never blocks:
// each subscription has a bounded queue, and a subscription whose queue is
// full is dropped (its Done channel closes with ReasonSlow). Its client then
// reconnects and replays from its cursor, so a slow reader never delays
// anyone else and never loses an event.
//
// Subscriptions are indexed by audience: a customer's stream is looked at
// only for events of that customer, so 100,000 idle widgets cost nothing per
// event.
package hub

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// Why a subscription ended.
const (
	ReasonSlow     = "slow_consumer" // queue overflowed
	ReasonRevoked  = "revoked"       // its session was revoked or the user changed
	ReasonErased   = "erased"        // its customer was erased
	ReasonShutdown = "shutdown"      // the server is stopping
)

// Hub holds the live subscriptions and the team's presence. The zero value
// is not usable; use New.
type Hub struct {
	mu        sync.Mutex
	last      int64
	users     map[*Sub]struct{}
	customers map[int64]map[*Sub]struct{}
	closed    bool
	presence  map[int64]*presence

	// Grace is how long a user stays online after their last stream
	// closes, so a reconnect does not flicker (default 10 s; set before use).
	Grace time.Duration
	// OnPresence, when set (before use), is told when a user comes online
	// on this hub or goes offline here (after Grace), instead of the hub
	// announcing it: a cluster node (backend/cluster) decides whether the
	// user is online on any node. It runs under the hub's lock: it must
	// not block or call the hub.
	OnPresence func(userID int64, online bool)
}

// presence counts a user's streams; gen cancels a pending offline.
type presence struct {
	conns  int
	gen    int
	online bool
}

var _ chat.Publisher = (*Hub)(nil)

// New returns a hub whose log head is lastSeq (the store's LastSeq at start).
func New(lastSeq int64) *Hub {
	return &Hub{last: lastSeq, users: map[*Sub]struct{}{}, customers: map[int64]map[*Sub]struct{}{},
		presence: map[int64]*presence{}, Grace: 10 * time.Second}
}

// Sub is one stream's subscription.
type Sub struct {
	Actor chat.Actor
	// The live events after the head returned by Subscribe, taken with
	// Next: at most queue of them wait (more drop the subscription as
	// slow). No buffer is held while none wait, so an idle stream costs
	// none (100,000 idle widgets are a target).
	mu     sync.Mutex
	events []*chat.Event // events[head:] wait
	head   int
	queue  int
	done   chan struct{}
	reason string // set before done closes
	wake   atomic.Pointer[func()]
}

// Next takes the oldest waiting event, or nil when none waits. The
// buffer stays for the next events until Idle.
func (s *Sub) Next() *chat.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.head == len(s.events) {
		return nil
	}
	ev := s.events[s.head]
	s.events[s.head] = nil
	if s.head++; s.head == len(s.events) {
		s.events, s.head = s.events[:0], 0
	}
	return ev
}

// Idle lets the buffer go if no event waits: a stream calls it when it
// has sent everything, so an idle subscription holds none while a busy
// one keeps reusing its buffer.
func (s *Sub) Idle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.head == len(s.events) {
		s.events, s.head = nil, 0
	}
}

// put queues ev unless queue events wait already.
func (s *Sub) put(ev *chat.Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.events)-s.head >= s.queue {
		return false
	}
	if len(s.events) == cap(s.events) && s.head > 0 {
		// Taken events' slots first, so a stream that never runs dry
		// does not grow its buffer.
		n := copy(s.events, s.events[s.head:])
		clear(s.events[n:])
		s.events, s.head = s.events[:n], 0
	}
	s.events = append(s.events, ev)
	return true
}

// OnWake sets f to be called after each event queued for Next and after
// Done closes, so a stream needs no goroutine parked while idle. f runs
// under the hub's lock: it must not block or call the hub.
func (s *Sub) OnWake(f func()) { s.wake.Store(&f) }

func (s *Sub) woken() {
	if f := s.wake.Load(); f != nil {
		(*f)()
	}
}

// Done closes when the hub drops the subscription.
func (s *Sub) Done() <-chan struct{} { return s.done }

// Reason says why Done closed (valid after Done).
func (s *Sub) Reason() string { return s.reason }

// Subscribe registers a stream for a and returns it with the head: every
// event with seq > head will come from Next (if visible), and every event
// with seq ≤ head is in the store for replay. At most queue events wait
// (queue < 1 counts as 1).
func (h *Hub) Subscribe(a chat.Actor, queue int) (*Sub, int64) {
	s := &Sub{Actor: a, queue: max(queue, 1), done: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.reason = ReasonShutdown
		close(s.done)
		return s, h.last
	}
	if a.IsCustomer() {
		m := h.customers[a.ID]
		if m == nil {
			m = map[*Sub]struct{}{}
			h.customers[a.ID] = m
		}
		m[s] = struct{}{}
	} else {
		h.users[s] = struct{}{}
		if a.IsUser() {
			h.connected(a.ID)
		}
	}
	return s, h.last
}

// connected counts a user's new stream; the first makes them online.
func (h *Hub) connected(userID int64) {
	p := h.presence[userID]
	if p == nil {
		p = &presence{}
		h.presence[userID] = p
	}
	p.conns++
	p.gen++ // cancels a pending offline
	if !p.online {
		p.online = true
		h.announce(userID, true)
	}
}

// disconnected counts a closed stream; after the last, Grace later, the
// user goes offline unless they came back.
func (h *Hub) disconnected(userID int64) {
	p := h.presence[userID]
	if p == nil || p.conns == 0 {
		return
	}
	p.conns--
	if p.conns > 0 || h.closed {
		return
	}
	p.gen++
	gen := p.gen
	time.AfterFunc(h.Grace, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if p.gen == gen && p.conns == 0 && p.online {
			p.online = false
			h.announce(userID, false)
		}
	})
}

// announce tells streams (or OnPresence) that a user came or went (lock
// held).
func (h *Hub) announce(userID int64, online bool) {
	if h.OnPresence != nil {
		h.OnPresence(userID, online)
		return
	}
	h.fanout(PresenceEvent(userID, online))
}

// PresenceEvent is the ephemeral event that says a user came online or
// went offline (team scope).
func PresenceEvent(userID int64, online bool) *chat.Event {
	data, _ := json.Marshal(chat.PresenceData{UserID: userID, Online: online})
	return &chat.Event{Type: chat.EventPresence, Scope: chat.ScopeTeam, Data: data, CreatedAt: time.Now().UTC()}
}

// Online lists the users who are online now.
func (h *Hub) Online() map[int64]bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[int64]bool{}
	for id, p := range h.presence {
		if p.online {
			out[id] = true
		}
	}
	return out
}

// Ephemeral fans out an event that is not stored (Seq 0): typing.
func (h *Hub) Ephemeral(ev *chat.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fanout(ev)
}

// Unsubscribe removes a subscription; safe to call twice.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remove(s)
}

func (h *Hub) remove(s *Sub) bool {
	if s.Actor.IsCustomer() {
		m := h.customers[s.Actor.ID]
		if _, ok := m[s]; !ok {
			return false
		}
		delete(m, s)
		if len(m) == 0 {
			delete(h.customers, s.Actor.ID)
		}
		return true
	}
	if _, ok := h.users[s]; !ok {
		return false
	}
	delete(h.users, s)
	if s.Actor.IsUser() {
		h.disconnected(s.Actor.ID)
	}
	return true
}

// drop removes s and closes its Done with reason.
func (h *Hub) drop(s *Sub, reason string) {
	if h.remove(s) {
		s.reason = reason
		close(s.done)
		s.woken()
	}
}

// Publish delivers committed events in order. It must be called in
// sequence order (the store does so under its write lock) and never blocks.
func (h *Hub) Publish(events []*chat.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range events {
		if ev.Seq > h.last {
			h.last = ev.Seq
		}
		h.fanout(ev)
	}
}

// fanout offers ev to every subscription that may see it (lock held),
// with a Frame the first stream to send it encodes, once for all of them
// (no encoding under the hub's or the store's lock).
func (h *Hub) fanout(ev *chat.Event) {
	if ev.Frame == nil {
		ev.Frame = new(chat.Frame)
	}
	for s := range h.users {
		if ev.VisibleTo(s.Actor) {
			h.offer(s, ev)
		}
	}
	if ev.Scope == chat.ScopeAll {
		for _, m := range h.customers {
			for s := range m {
				h.offer(s, ev)
			}
		}
	} else if ev.CustomerID != 0 {
		for s := range h.customers[ev.CustomerID] {
			if ev.VisibleTo(s.Actor) {
				h.offer(s, ev)
			}
		}
	}
}

func (h *Hub) offer(s *Sub, ev *chat.Event) {
	if s.put(ev) {
		s.woken()
	} else {
		h.drop(s, ReasonSlow)
	}
}

// Head returns the newest published sequence number.
func (h *Hub) Head() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// Len returns the number of live subscriptions.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.users)
	for _, m := range h.customers {
		n += len(m)
	}
	return n
}

// CloseWhere drops every subscription for which match is true.
func (h *Hub) CloseWhere(reason string, match func(chat.Actor) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closeWhere(reason, match)
}

func (h *Hub) closeWhere(reason string, match func(chat.Actor) bool) {
	for s := range h.users {
		if match(s.Actor) {
			h.drop(s, reason)
		}
	}
	for _, m := range h.customers {
		for s := range m {
			if match(s.Actor) {
				h.drop(s, reason)
			}
		}
	}
}

// CloseSession drops the streams opened with one session (logout).
func (h *Hub) CloseSession(sessionID int64) {
	h.CloseWhere(ReasonRevoked, func(a chat.Actor) bool { return a.SessionID == sessionID })
}

// CloseUser drops every stream of a user (deactivation, new rights,
// password change).
func (h *Hub) CloseUser(userID int64) {
	h.CloseWhere(ReasonRevoked, func(a chat.Actor) bool { return a.IsUser() && a.ID == userID })
}

// CloseUserExcept drops a user's streams but those of one session (a
// password change keeps the session that made it).
func (h *Hub) CloseUserExcept(userID, keepSessionID int64) {
	h.CloseWhere(ReasonRevoked, func(a chat.Actor) bool { return a.IsUser() && a.ID == userID && a.SessionID != keepSessionID })
}

// CloseCustomer drops every stream of an erased customer.
func (h *Hub) CloseCustomer(customerID int64) {
	h.CloseWhere(ReasonErased, func(a chat.Actor) bool { return a.IsCustomer() && a.ID == customerID })
}

// Actors returns who each live stream acts for, by session (streams with
// no session are left out).
func (h *Hub) Actors() map[int64]chat.Actor {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[int64]chat.Actor{}
	for s := range h.users {
		if s.Actor.SessionID != 0 {
			out[s.Actor.SessionID] = s.Actor
		}
	}
	for _, m := range h.customers {
		for s := range m {
			if s.Actor.SessionID != 0 {
				out[s.Actor.SessionID] = s.Actor
			}
		}
	}
	return out
}

// Shutdown drops every stream and refuses new ones.
func (h *Hub) Shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	h.closeWhere(ReasonShutdown, func(chat.Actor) bool { return true })
}

// SetHead sets the log head before the hub is used (the store's LastSeq
// at start; the store needs the hub as its publisher first).
func (h *Hub) SetHead(seq int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = seq
}
