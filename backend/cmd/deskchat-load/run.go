package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/demo"
)

// source is one 127.0.0.x address with its HTTP client and stream dialer.
type source struct {
	http   *http.Client
	dialer *websocket.Dialer
}

func newSource(ip string) *source {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1024, MaxIdleConns: 4096}
	return &source{
		http: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		// Small buffers: an idle stream should cost the load tool little.
		dialer: &websocket.Dialer{NetDialContext: d.DialContext, HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 512},
	}
}

// runner is one load run.
type runner struct {
	c         config
	url       string   // the agents' node
	others    []string // the customers' nodes (none: url)
	sources   []*source
	errs      sync.Map // code -> *atomic.Int64
	sentAt    sync.Map // client_id -> time.Time
	ack       latencies
	delivery  latencies
	delivered atomic.Int64
	streams   []*client.Stream
	smu       sync.Mutex
	// closing is set while streams may close on purpose (a restart, the
	// end of the run); any other close is an error.
	closing atomic.Bool
}

func (r *runner) fail(code string) {
	v, _ := r.errs.LoadOrStore(code, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func errCode(err error) string {
	if c := client.Code(err); c != "" {
		return c
	}
	return "network"
}

func (r *runner) src(i int) *source { return r.sources[i%len(r.sources)] }

func (r *runner) keep(st *client.Stream) {
	r.smu.Lock()
	r.streams = append(r.streams, st)
	r.smu.Unlock()
}

// customer is one customer's client and where its stream is in the log.
type customer struct {
	c      *client.Client
	epoch  string
	cursor atomic.Int64
}

// read consumes a stream until it closes, keeping the customer's cursor;
// agents (v nil) time their deliveries.
func (r *runner) read(st *client.Stream, v *customer) {
	defer st.Conn.Close()
	agent := v == nil
	var seen map[string]bool
	if agent {
		seen = map[string]bool{}
	}
	for {
		st.Conn.SetReadDeadline(time.Now().Add(client.LiveWait))
		_, data, err := st.Conn.ReadMessage()
		if err != nil {
			if !r.closing.Load() {
				r.fail("stream_closed")
			}
			return
		}
		if !agent {
			// Only the position matters here: decode just the seq of
			// an event (event.seq) or of caught_up (seq), not the data.
			var f struct {
				Type  string `json:"type"`
				Seq   int64  `json:"seq"`
				Event *struct {
					Seq int64 `json:"seq"`
				} `json:"event"`
			}
			if json.Unmarshal(data, &f) != nil {
				continue
			}
			seq := f.Seq
			if f.Type == chat.FrameEvent && f.Event != nil {
				seq = f.Event.Seq
			}
			if (f.Type == chat.FrameEvent || f.Type == chat.FrameCaughtUp) && seq > v.cursor.Load() {
				v.cursor.Store(seq)
			}
			continue
		}
		var f client.Frame
		if json.Unmarshal(data, &f) != nil || f.Type != chat.FrameEvent || f.Event == nil || f.Event.Type != chat.EventMessageCreated {
			continue
		}
		var m chat.Message
		if json.Unmarshal(f.Event.Data, &m) == nil {
			// Only our messages count (system notes such as the offline
			// auto-reply carry no client id).
			if t, ok := r.sentAt.Load(m.ClientID); ok {
				if seen[m.ClientID] {
					r.fail("duplicate_delivery")
					continue
				}
				seen[m.ClientID] = true
				r.delivery.add(time.Since(t.(time.Time)))
				r.delivered.Add(1)
			}
		}
	}
}

// parallel runs fn(i) for i < n on up to width goroutines.
func parallel(ctx context.Context, n, width int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(width, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func run(ctx context.Context, c config) (*Report, error) {
	rep := &Report{Customers: c.customers, Agents: c.agents, TargetRate: c.rate, Errors: map[string]int{}}
	var err error
	if rep.FDLimit, err = raiseFDLimit(); err != nil {
		return nil, fmt.Errorf("raise the fd limit: %w", err)
	}
	// A socket per stream, pooled HTTP connections per source address,
	// and some to spare; the spawned server inherits the same limit.
	if need := uint64(c.customers+c.agents) + uint64(1024*c.addrs) + 256; rep.FDLimit < need {
		return nil, fmt.Errorf("fd limit %d is too low for %d streams (needs about %d)", rep.FDLimit, c.customers+c.agents, need)
	}
	r := &runner{c: c}
	if c.server != "" {
		urls := strings.Split(c.server, ",")
		r.url, r.others = urls[0], urls[1:]
	}
	pid := c.serverPID
	var sp *spawned
	if c.server == "" {
		if sp, err = spawn(ctx, c.binary); err != nil {
			return nil, err
		}
		defer sp.stop()
		r.url, pid = sp.url, sp.cmd.Process.Pid
	}
	rep.Server = r.url
	for i := range c.addrs {
		r.sources = append(r.sources, newSource(fmt.Sprintf("127.0.0.%d", 2+i)))
	}
	rep.SourceAddrs = len(r.sources)
	defer func() {
		r.closing.Store(true)
		r.smu.Lock()
		for _, st := range r.streams {
			st.Conn.Close()
		}
		r.smu.Unlock()
	}()

	// Agents: the support users of the demo helpdesk, streams round-robin.
	var tokens []string
	for _, a := range demo.Agents {
		if !a.Support {
			continue
		}
		ac := client.New(r.url)
		ac.HTTP = r.src(0).http
		cl, _, err := ac.Login(ctx, a.Email, demo.Password)
		if err != nil {
			return nil, fmt.Errorf("agent login %s (is the server's demo helpdesk seeded?): %w", a.Email, err)
		}
		tokens = append(tokens, cl.Token)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("the server has no demo support agent to sign in as")
	}
	for i := range c.agents {
		ac := client.New(r.url).WithToken(tokens[i%len(tokens)])
		st, err := ac.OpenStream(ctx, client.StreamOptions{Dialer: r.src(i).dialer})
		if err != nil {
			return nil, fmt.Errorf("agent stream: %w", err)
		}
		r.keep(st)
		go r.read(st, nil)
	}

	// Slow consumers: agent streams that never read.
	var slow []*client.Stream
	for i := range c.slow {
		ac := client.New(r.url).WithToken(tokens[i%len(tokens)])
		st, err := ac.OpenStream(ctx, client.StreamOptions{Dialer: r.src(i).dialer})
		if err != nil {
			return nil, fmt.Errorf("slow stream: %w", err)
		}
		r.keep(st)
		slow = append(slow, st)
	}
	rep.SlowStreams = len(slow)

	// Customers: a session and an idle stream each.
	rep.RSSBaseKB = rssKB(pid)
	customers := make([]*client.Client, c.customers)
	vs := make([]*customer, c.customers)
	var open atomic.Int64
	t0 := time.Now()
	parallel(ctx, c.customers, 64, func(i int) {
		s := r.src(i)
		vc := client.New(r.customerURL(i))
		vc.HTTP = s.http
		cl, _, err := vc.CreateWidgetSession(ctx, chat.CustomerInfo{Name: fmt.Sprintf("Load %d", i)})
		if err != nil {
			r.fail("session_" + errCode(err))
			return
		}
		customers[i] = cl
		st, err := cl.OpenStream(ctx, client.StreamOptions{Dialer: s.dialer})
		if err != nil {
			r.fail("stream_" + errCode(err))
			return
		}
		v := &customer{c: cl, epoch: st.Welcome.Epoch}
		v.cursor.Store(st.Welcome.Head)
		vs[i] = v
		open.Add(1)
		r.keep(st)
		go r.read(st, v)
	})
	rep.ConnectSeconds = time.Since(t0).Seconds()
	rep.CustomersOpen = int(open.Load())
	time.Sleep(c.settle) // let the server settle (GC, stacks, buffers)
	rep.RSSIdleKB = rssKB(pid)
	if rep.CustomersOpen > 0 && rep.RSSBaseKB > 0 {
		rep.PerStreamKB = float64(rep.RSSIdleKB-rep.RSSBaseKB) / float64(rep.CustomersOpen)
	}

	// Senders: each starts a conversation, then sends its share of the rate.
	convs := make([]int64, c.senders)
	parallel(ctx, c.senders, 32, func(i int) {
		if customers[i] == nil {
			return
		}
		conv, _, _, err := customers[i].CreateConversation(ctx, chat.NewConversation{ClientID: fmt.Sprintf("start-%d", i), Text: "Hello, a load test here."})
		if err != nil {
			r.fail("start_" + errCode(err))
			return
		}
		convs[i] = conv.ID
	})
	time.Sleep(500 * time.Millisecond) // those events reach the agents first
	cpu0, start := cpuTicks(pid), time.Now()
	floodDone := make(chan int, 1)
	if c.flood > 0 {
		go func() { floodDone <- r.floodOne(ctx) }()
	} else {
		floodDone <- 0
	}
	r.send(ctx, customers, convs, rep)
	rep.FloodAccepted = <-floodDone
	rep.SendSeconds = time.Since(start).Seconds()
	rep.ServerCPU = float64(cpuTicks(pid)-cpu0) / ticksPerSecond / rep.SendSeconds
	rep.RSSPeakKB = rssKB(pid)
	// Deliveries still in flight.
	want := int64(rep.Accepted * c.agents)
	for end := time.Now().Add(5 * time.Second); r.delivered.Load() < want && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
	}
	var closedN, overflowN atomic.Int64
	var cwg sync.WaitGroup
	for _, st := range slow {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			if closed, code := closedSlow(st); closed {
				closedN.Add(1)
				if code == chat.CloseSlowConsumer {
					overflowN.Add(1)
				}
			}
		}()
	}
	cwg.Wait()
	rep.SlowClosed, rep.SlowOverflow = int(closedN.Load()), int(overflowN.Load())
	rep.Ack = r.ack.summary()
	rep.Delivery = r.delivery.summary()
	rep.Deliveries = int(r.delivered.Load())
	rep.DeliveriesPerS = float64(rep.Deliveries) / rep.SendSeconds
	rep.Missing = int(want) - rep.Deliveries
	if rep.SendSeconds > 0 {
		rep.AcceptedPerSec = float64(rep.Accepted) / rep.SendSeconds
	}
	if c.restart && sp != nil && ctx.Err() == nil {
		if err := r.reconnect(ctx, sp, vs, rep); err != nil {
			return rep, err
		}
	}
	r.errs.Range(func(k, v any) bool {
		rep.Errors[k.(string)] = int(v.(*atomic.Int64).Load())
		return true
	})
	return rep, ctx.Err()
}

// send paces messages at the target rate (open loop: a tick every 1/rate
// goes to whichever sender is free; ticks nobody can take are counted as
// "behind") until the duration or the message count is reached.
func (r *runner) send(ctx context.Context, customers []*client.Client, convs []int64, rep *Report) {
	ctx, cancel := context.WithTimeout(ctx, r.c.duration)
	defer cancel()
	type tick struct {
		n   int
		due time.Time // latency counts from here, queueing included
	}
	ticks := make(chan tick, r.c.senders)
	var accepted atomic.Int64
	var wg sync.WaitGroup
	for w := range r.c.senders {
		if customers[w] == nil || convs[w] == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tk := range ticks {
				id := fmt.Sprintf("load-%d-%d", w, tk.n)
				t := tk.due
				r.sentAt.Store(id, t)
				// Not ctx: a send under way finishes, so "accepted" counts
				// only answers the client saw.
				_, _, err := customers[w].SendMessage(context.Background(), convs[w], id, "A load test message of ordinary length, with a few words.")
				if err != nil {
					r.fail("send_" + errCode(err))
					continue
				}
				r.ack.add(time.Since(t))
				accepted.Add(1)
			}
		}()
	}
	interval := time.Duration(float64(time.Second) / r.c.rate)
	start := time.Now()
	for n := 0; n < r.c.maxMessages && ctx.Err() == nil; n++ {
		if d := time.Until(start.Add(time.Duration(n) * interval)); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		}
		select {
		case ticks <- tick{n, start.Add(time.Duration(n) * interval)}:
		default:
			r.fail("behind") // every sender busy: the server is not keeping up
		}
	}
	close(ticks)
	wg.Wait()
	rep.Accepted = int(accepted.Load())
}

// reconnect restarts the spawned server and has every customer stream
// resume from its cursor at once, timing until all are caught up.
func (r *runner) reconnect(ctx context.Context, sp *spawned, vs []*customer, rep *Report) error {
	t0 := time.Now()
	r.closing.Store(true) // the server closes every stream (1001)
	defer r.closing.Store(false)
	if err := sp.restart(ctx); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	up := time.Now()
	rep.RestartSeconds = up.Sub(t0).Seconds()
	var caught latencies
	var resumed, resyncs atomic.Int64
	parallel(ctx, len(vs), 256, func(i int) {
		v := vs[i]
		if v == nil {
			return
		}
		cur := v.cursor.Load()
		st, err := v.c.OpenStream(ctx, client.StreamOptions{Cursor: &cur, Epoch: v.epoch, Dialer: r.src(i).dialer})
		if client.Code(err) == chat.EResync {
			resyncs.Add(1)
			return
		}
		if err != nil {
			r.fail("reconnect_" + errCode(err))
			return
		}
		r.keep(st)
		for {
			f, err := st.Next(ctx)
			if err != nil {
				r.fail("catchup_" + errCode(err))
				return
			}
			if f.Type == chat.FrameCaughtUp {
				caught.add(time.Since(up))
				resumed.Add(1)
				go r.read(st, v)
				return
			}
		}
	})
	rep.Reconnected = int(resumed.Load())
	rep.Resyncs = int(resyncs.Load())
	rep.CaughtUp = caught.summary()
	return nil
}

// customerURL is the node customer i uses: with several --server URLs the
// customers spread over all but the first (the agents'), so every delivery
// to an agent crosses nodes.
func (r *runner) customerURL(i int) string {
	if len(r.others) == 0 {
		return r.url
	}
	return r.others[i%len(r.others)]
}

// floodOne floods one extra customer conversation at --flood messages/s for
// the send phase; its messages are not in the latency figures.
func (r *runner) floodOne(ctx context.Context) int {
	vc := client.New(r.url)
	vc.HTTP = r.src(0).http
	cl, _, err := vc.CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Flood"})
	if err != nil {
		r.fail("flood_" + errCode(err))
		return 0
	}
	conv, _, _, err := cl.CreateConversation(ctx, chat.NewConversation{ClientID: "flood-start", Text: "flood"})
	if err != nil {
		r.fail("flood_" + errCode(err))
		return 0
	}
	ctx, cancel := context.WithTimeout(ctx, r.c.duration)
	defer cancel()
	interval := time.Duration(float64(time.Second) / r.c.flood)
	sent := 0
	// Eight at a time: one conversation written to as fast as it goes.
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := time.Now()
	sem := make(chan struct{}, 8)
	for n := 0; ctx.Err() == nil; n++ {
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		next = next.Add(interval)
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, _, err := cl.SendMessage(context.Background(), conv.ID, fmt.Sprintf("flood-%d", n), "flood message"); err == nil {
				mu.Lock()
				sent++
				mu.Unlock()
			} else if client.Code(err) != chat.ERateLimited {
				r.fail("flood_" + errCode(err))
			}
		}()
	}
	wg.Wait()
	return sent
}

// closedSlow drains a stream that was never read and reports whether the
// server had cut it off, and with which close code (4008: queue overflow;
// 0: the connection was dropped, e.g. a write or pong deadline).
func closedSlow(st *client.Stream) (bool, int) {
	for {
		st.Conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, _, err := st.Conn.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return true, ce.Code
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return false, 0 // still open: the server kept it
			}
			return true, 0
		}
	}
}
