// Package cluster joins several deskchat server nodes on one PostgreSQL
// database through NATS, so that a stream on any node sees what every
// node commits, in order, exactly once.
//
// Committed events: the store hands each node's own commits to its Node
// (a chat.Publisher); the node delivers them to its hub and publishes them
// on NATS; every other node delivers what it receives. Delivery to the hub
// is strictly in sequence order: an event that arrives ahead of a hole
// waits, the hole is filled from the database (the log is contiguous in
// commit order, see backend/postgres) after GapWait, and what was
// delivered already is dropped. A tick compares the database's head with
// what was delivered, so events published while NATS was away (a restart,
// a partition) still arrive. NATS is never the record: losing or
// repeating a NATS message loses or repeats nothing on any stream.
//
// Ephemeral events (typing) and revocations (closing the streams of a
// session, a user or an erased customer) go to every node over NATS.
// Presence: each node announces who is online on it, on change and every
// Heartbeat; a user is online while any live node says so. A node that
// stops announcing (it died) is forgotten after NodeTimeout, and its users
// go offline unless they reconnected elsewhere.
package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/hub"
)

// Log is the database side a node needs: the committed events after a
// sequence number (with their audience), the head, and who live sessions
// act for now.
type Log interface {
	EventsForFanout(ctx context.Context, after, until int64) ([]*chat.Event, error)
	LastSeq(ctx context.Context) (int64, error)
	SessionActors(ctx context.Context, ids []int64) (map[int64]chat.Actor, error)
}

// Options configure a Node. URL, Hub and Log are required.
type Options struct {
	URL    string   // NATS, nats://HOST:4222
	Name   string   // subject prefix, one per helpdesk (the server uses "deskchat.EPOCH")
	NodeID string   // this node's name in presence (default a random one)
	Hub    *hub.Hub // this node's streams
	Log    Log      // the store
	Logger *slog.Logger
	// GapWait is how long an event ahead of a hole waits for the hole to
	// arrive over NATS before it is read from the database (default 50 ms).
	GapWait time.Duration
	// HeadEvery is how often the database's head is compared with what
	// was delivered (default 1 s).
	HeadEvery time.Duration
	// Heartbeat is how often a node announces who is online on it
	// (default 2 s); NodeTimeout forgets a node silent for longer
	// (default 3 heartbeats plus the hub's Grace).
	Heartbeat, NodeTimeout time.Duration
	// RecheckEvery is how often the node checks its streams' sessions
	// against the database (default 1 min; also at every NATS reconnect),
	// so a revocation whose NATS message it missed still ends the stream.
	RecheckEvery time.Duration
}

// Node is one server node's link to the others. It implements
// chat.Publisher (give it to the store) and httpapi.Streams (give it to the
// API instead of the hub).
type Node struct {
	*hub.Hub
	opt  Options
	nc   *nats.Conn
	subs []*nats.Subscription
	log  *slog.Logger

	mu        sync.Mutex
	delivered int64                 // the newest seq given to the hub
	pending   map[int64]*chat.Event // received ahead of a hole
	filling   bool

	pmu       sync.Mutex
	local     map[int64]bool         // online on this node
	remote    map[string]*remoteNode // other nodes' announcements
	announced map[int64]bool         // what our streams were last told
	presence  chan struct{}          // wakes the presence loop

	stop chan struct{}
	wg   sync.WaitGroup
}

type remoteNode struct {
	online map[int64]bool
	seen   time.Time
}

// Subjects, below Options.Name.
const (
	subjectEvents    = ".events"
	subjectEphemeral = ".ephemeral"
	subjectControl   = ".control"
	subjectPresence  = ".presence"
)

// envelope is what crosses NATS.
type envelope struct {
	Node      string       `json:"node"`
	Events    []*wireEvent `json:"events,omitempty"`
	Ephemeral *wireEvent   `json:"ephemeral,omitempty"`
	Control   *control     `json:"control,omitempty"`
	Online    []int64      `json:"online,omitempty"` // presence: everyone online on Node
}

// wireEvent is an event with its audience, which clients never see (its
// fields are json:"-" in chat.Event) but every node's hub needs.
type wireEvent struct {
	Event        *chat.Event `json:"event"`
	Scope        chat.Scope  `json:"scope"`
	CustomerID   int64       `json:"customer_id,omitempty"`
	UserID       int64       `json:"user_id,omitempty"`
	Participants []int64     `json:"participants,omitempty"`
	Origin       string      `json:"origin,omitempty"`
}

func toWire(ev *chat.Event) *wireEvent {
	return &wireEvent{Event: ev, Scope: ev.Scope, CustomerID: ev.CustomerID, UserID: ev.UserID, Participants: ev.Participants, Origin: ev.Origin}
}

func (w *wireEvent) event() *chat.Event {
	if w == nil || w.Event == nil {
		return nil
	}
	ev := w.Event
	ev.Scope, ev.CustomerID, ev.UserID, ev.Participants, ev.Origin = w.Scope, w.CustomerID, w.UserID, w.Participants, w.Origin
	return ev
}

func toWireAll(evs []*chat.Event) []*wireEvent {
	out := make([]*wireEvent, len(evs))
	for i, ev := range evs {
		out[i] = toWire(ev)
	}
	return out
}

func fromWireAll(ws []*wireEvent) []*chat.Event {
	var out []*chat.Event
	for _, w := range ws {
		if ev := w.event(); ev != nil {
			out = append(out, ev)
		}
	}
	return out
}

// control closes streams on every node.
type control struct {
	Session     int64 `json:"session,omitempty"`
	User        int64 `json:"user,omitempty"`
	KeepSession int64 `json:"keep_session,omitempty"`
	Customer    int64 `json:"customer,omitempty"`
}

// Join connects to NATS and starts following the other nodes. The hub's
// head must be the store's LastSeq (the node delivers from there on).
func Join(opt Options) (*Node, error) {
	if opt.Name == "" {
		opt.Name = "deskchat"
	}
	if opt.NodeID == "" {
		opt.NodeID = nats.NewInbox()[7:]
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.GapWait == 0 {
		opt.GapWait = 50 * time.Millisecond
	}
	if opt.HeadEvery == 0 {
		opt.HeadEvery = time.Second
	}
	if opt.Heartbeat == 0 {
		opt.Heartbeat = 2 * time.Second
	}
	if opt.NodeTimeout == 0 {
		opt.NodeTimeout = 3*opt.Heartbeat + opt.Hub.Grace
	}
	if opt.RecheckEvery == 0 {
		opt.RecheckEvery = time.Minute
	}
	n := &Node{Hub: opt.Hub, opt: opt, log: opt.Logger, delivered: opt.Hub.Head(), pending: map[int64]*chat.Event{},
		local: map[int64]bool{}, remote: map[string]*remoteNode{}, announced: map[int64]bool{},
		presence: make(chan struct{}, 1), stop: make(chan struct{})}
	opt.Hub.OnPresence = n.localPresence
	opts := []nats.Option{nats.Name("deskchat " + opt.NodeID), nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectHandler(func(*nats.Conn) {
			n.log.Info("nats: reconnected")
			n.kickHead()
			go n.recheck() // revocations sent while we were away are lost
		}),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { n.log.Warn("nats: disconnected", "err", err) }),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { n.log.Warn("nats", "err", err) })}
	// A NATS server that is down at start is waited for (the database is
	// the record; the node catches up when it connects). One that refuses
	// the credentials is a mistake to report now, not a silence.
	nc, err := nats.Connect(opt.URL, opts...)
	if err != nil {
		if errors.Is(err, nats.ErrAuthorization) || strings.Contains(strings.ToLower(err.Error()), "authorization") {
			return nil, err
		}
		n.log.Warn("nats: not reachable yet; retrying", "err", err)
		if nc, err = nats.Connect(opt.URL, append(opts, nats.RetryOnFailedConnect(true))...); err != nil {
			return nil, err
		}
	}
	n.nc = nc
	for _, s := range []struct {
		subject string
		fn      func(*envelope)
	}{
		{subjectEvents, func(e *envelope) { n.deliver(fromWireAll(e.Events)) }},
		{subjectEphemeral, func(e *envelope) {
			if ev := e.Ephemeral.event(); ev != nil {
				n.Hub.Ephemeral(ev)
			}
		}},
		{subjectControl, func(e *envelope) { n.apply(e.Control) }},
		{subjectPresence, n.remotePresence},
	} {
		fn := s.fn
		sub, err := nc.Subscribe(opt.Name+s.subject, func(m *nats.Msg) {
			var e envelope
			if json.Unmarshal(m.Data, &e) != nil || e.Node == opt.NodeID {
				return // ours, or not ours to read
			}
			fn(&e)
		})
		if err != nil {
			nc.Close()
			return nil, err
		}
		sub.SetPendingLimits(-1, -1) // never drop: a gap would cost a database read
		n.subs = append(n.subs, sub)
	}
	n.wg.Add(3)
	go n.headLoop()
	go n.presenceLoop()
	go n.recheckLoop()
	return n, nil
}

// Close leaves the cluster (the hub stays).
func (n *Node) Close() {
	select {
	case <-n.stop:
		return
	default:
	}
	close(n.stop)
	n.wg.Wait()
	// Nobody is online here any more: the other nodes need not wait for
	// this node's silence to tell.
	n.send(subjectPresence, &envelope{})
	n.nc.Flush()
	n.nc.Drain()
}

func (n *Node) send(subject string, e *envelope) {
	e.Node = n.opt.NodeID
	b, err := json.Marshal(e)
	if err != nil {
		return
	}
	// Buffered by nats.go while reconnecting; lost if the buffer fills,
	// which the other nodes' head check repairs for committed events.
	if err := n.nc.Publish(n.opt.Name+subject, b); err != nil {
		n.log.Warn("nats: publish", "subject", n.opt.Name+subject, "err", err)
	}
}

// FillsGaps tells the store that the node reads other nodes' events
// itself (postgres.GapFiller): the store hands it only its own commits,
// and only those go out on NATS, once.
func (n *Node) FillsGaps() bool { return true }

// Publish is the store's: this node committed events (in seq order).
func (n *Node) Publish(events []*chat.Event) {
	n.deliver(events)
	n.send(subjectEvents, &envelope{Events: toWireAll(events)})
}

// deliver hands events to the hub in seq order, each once.
func (n *Node) deliver(events []*chat.Event) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ev := range events {
		if ev.Seq > n.delivered {
			n.pending[ev.Seq] = ev
		}
	}
	n.flushLocked()
	if len(n.pending) > 0 && !n.filling {
		n.filling = true
		time.AfterFunc(n.opt.GapWait, n.fill)
	}
}

// flushLocked delivers the pending events that follow what was delivered.
func (n *Node) flushLocked() {
	for seq := range n.pending {
		if seq <= n.delivered {
			delete(n.pending, seq) // delivered meanwhile, or pruned and skipped
		}
	}
	var out []*chat.Event
	for {
		ev, ok := n.pending[n.delivered+1]
		if !ok {
			break
		}
		delete(n.pending, ev.Seq)
		out = append(out, ev)
		n.delivered = ev.Seq
	}
	if len(out) > 0 {
		n.Hub.Publish(out)
	}
}

// fill reads the holes before the pending events from the database.
func (n *Node) fill() {
	select {
	case <-n.stop:
		return
	default:
	}
	n.mu.Lock()
	n.filling = false
	if len(n.pending) == 0 {
		n.mu.Unlock()
		return
	}
	from := n.delivered
	until := slices.Min(slices.Collect(maps.Keys(n.pending))) - 1
	n.mu.Unlock()
	n.readFrom(from, until)
}

// fillPage is how many events one read of the log brings at most.
const fillPage = 1000

// readFrom reads (after, until] from the database and delivers it.
func (n *Node) readFrom(after, until int64) {
	// A node far behind (cut off from the database for a while) catches
	// up a page at a time, each read well within its timeout.
	for until-after > fillPage {
		n.readFrom(after, after+fillPage)
		n.mu.Lock()
		next := n.delivered
		n.mu.Unlock()
		if next < after+fillPage {
			return // that page failed: the head check tries again
		}
		after = next
	}
	if until <= after {
		n.deliver(nil)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	evs, err := n.opt.Log.EventsForFanout(ctx, after, until)
	if err != nil {
		n.log.Warn("cluster: reading the log to fill a gap", "after", after, "until", until, "err", err)
		n.mu.Lock()
		if len(n.pending) > 0 && !n.filling {
			n.filling = true
			time.AfterFunc(n.opt.HeadEvery, n.fill)
		}
		n.mu.Unlock()
		return
	}
	n.mu.Lock()
	// The log has no holes (backend/postgres): numbers missing from the
	// read were pruned. They are skipped; a stream that needed them gets
	// resync when it replays.
	first := until + 1
	if len(evs) > 0 {
		first = evs[0].Seq
	}
	if n.delivered < first-1 && n.delivered >= after {
		n.delivered = first - 1
	}
	for _, ev := range evs {
		if ev.Seq > n.delivered {
			n.pending[ev.Seq] = ev
		}
	}
	n.mu.Unlock()
	n.deliver(nil)
}

// headLoop compares the database's head with what was delivered.
func (n *Node) headLoop() {
	defer n.wg.Done()
	t := time.NewTicker(n.opt.HeadEvery)
	defer t.Stop()
	for {
		select {
		case <-n.stop:
			return
		case <-t.C:
			n.checkHead()
		}
	}
}

func (n *Node) kickHead() { go n.checkHead() }

func (n *Node) checkHead() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	head, err := n.opt.Log.LastSeq(ctx)
	cancel()
	if err != nil {
		return
	}
	n.mu.Lock()
	from := n.delivered
	n.mu.Unlock()
	if head > from {
		n.readFrom(from, head)
	}
}

func (n *Node) recheckLoop() {
	defer n.wg.Done()
	t := time.NewTicker(n.opt.RecheckEvery)
	defer t.Stop()
	for {
		select {
		case <-n.stop:
			return
		case <-t.C:
			n.recheck()
		}
	}
}

// recheck ends the streams whose session no longer counts (logged out,
// expired, deactivated, erased) or whose rights changed: what the
// revocations on NATS do, for those this node may have missed.
func (n *Node) recheck() {
	actors := n.Hub.Actors()
	if len(actors) == 0 {
		return
	}
	ids := slices.Sorted(maps.Keys(actors))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now, err := n.opt.Log.SessionActors(ctx, ids)
	if err != nil {
		n.log.Warn("cluster: checking sessions", "err", err)
		return
	}
	for id, a := range actors {
		b, ok := now[id]
		if !ok || b.Kind != a.Kind || b.ID != a.ID || b.Admin != a.Admin || b.Support != a.Support {
			n.Hub.CloseSession(id)
		}
	}
}

// Ephemeral fans out a typing signal here and on every node.
func (n *Node) Ephemeral(ev *chat.Event) {
	n.Hub.Ephemeral(ev)
	n.send(subjectEphemeral, &envelope{Ephemeral: toWire(ev)})
}

// CloseSession ends a revoked session's streams on every node.
func (n *Node) CloseSession(id int64) { n.control(&control{Session: id}) }

// CloseUser ends a user's streams on every node.
func (n *Node) CloseUser(id int64) { n.control(&control{User: id}) }

// CloseUserExcept ends a user's streams but one session's, on every node.
func (n *Node) CloseUserExcept(id, keep int64) { n.control(&control{User: id, KeepSession: keep}) }

// CloseCustomer ends an erased customer's streams on every node.
func (n *Node) CloseCustomer(id int64) { n.control(&control{Customer: id}) }

func (n *Node) control(c *control) {
	n.apply(c)
	n.send(subjectControl, &envelope{Control: c})
}

func (n *Node) apply(c *control) {
	switch {
	case c == nil:
	case c.Session != 0:
		n.Hub.CloseSession(c.Session)
	case c.User != 0 && c.KeepSession != 0:
		n.Hub.CloseUserExcept(c.User, c.KeepSession)
	case c.User != 0:
		n.Hub.CloseUser(c.User)
	case c.Customer != 0:
		n.Hub.CloseCustomer(c.Customer)
	}
}

// Online lists the users online on any live node.
func (n *Node) Online() map[int64]bool {
	n.pmu.Lock()
	defer n.pmu.Unlock()
	return n.onlineLocked(time.Now())
}

func (n *Node) onlineLocked(now time.Time) map[int64]bool {
	out := maps.Clone(n.local)
	for _, r := range n.remote {
		if now.Sub(r.seen) <= n.opt.NodeTimeout {
			for id := range r.online {
				out[id] = true
			}
		}
	}
	return out
}

// localPresence is the hub's OnPresence (called under the hub's lock).
func (n *Node) localPresence(userID int64, online bool) {
	n.pmu.Lock()
	if online {
		n.local[userID] = true
	} else {
		delete(n.local, userID)
	}
	n.pmu.Unlock()
	n.wakePresence()
}

func (n *Node) wakePresence() {
	select {
	case n.presence <- struct{}{}:
	default:
	}
}

func (n *Node) remotePresence(e *envelope) {
	online := map[int64]bool{}
	for _, id := range e.Online {
		online[id] = true
	}
	n.pmu.Lock()
	n.remote[e.Node] = &remoteNode{online: online, seen: time.Now()}
	n.pmu.Unlock()
	n.wakePresence()
}

// presenceLoop announces this node's online users (on change and every
// Heartbeat) and tells this node's streams when someone's presence
// changed anywhere.
func (n *Node) presenceLoop() {
	defer n.wg.Done()
	t := time.NewTicker(n.opt.Heartbeat)
	defer t.Stop()
	var lastLocal []int64
	for {
		beat := false
		select {
		case <-n.stop:
			return
		case <-t.C:
			beat = true
		case <-n.presence:
		}
		n.pmu.Lock()
		now := time.Now()
		for id, r := range n.remote {
			if now.Sub(r.seen) > n.opt.NodeTimeout {
				delete(n.remote, id) // that node is gone
			}
		}
		online := n.onlineLocked(now)
		var changes []*chat.Event
		for id := range online {
			if !n.announced[id] {
				changes = append(changes, hub.PresenceEvent(id, true))
			}
		}
		for id := range n.announced {
			if !online[id] {
				changes = append(changes, hub.PresenceEvent(id, false))
			}
		}
		n.announced = online
		local := slices.Sorted(maps.Keys(n.local))
		n.pmu.Unlock()
		for _, ev := range changes {
			n.Hub.Ephemeral(ev)
		}
		if beat || !slices.Equal(local, lastLocal) {
			n.send(subjectPresence, &envelope{Online: local})
			lastLocal = local
		}
	}
}
