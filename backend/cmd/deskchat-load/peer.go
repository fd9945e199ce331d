package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Peer mode (--peer centrifugo): the idle-streams measure against a peer
// server started elsewhere (scripts/bench-peer.sh starts Centrifugo at a
// pinned version): the same N connections from the same source addresses,
// each made a client the way that server expects, then held idle; the
// server's RSS per connection, as for deskchat's customer streams. The
// figures are comparable: both sides hold an authenticated, subscribed-
// to-nothing-but-its-own connection that receives nothing.

// peerIdle opens n Centrifugo clients on url (its /connection/websocket,
// protocol v2 JSON: a connect command answered by a connect reply; the
// server runs with client.insecure, so no token), waits settle, and
// reports the RSS of pid before and with them.
func peerIdle(ctx context.Context, c config, url string, pid int, out io.Writer) error {
	var sources []*source
	for i := range c.addrs {
		sources = append(sources, newSource(fmt.Sprintf("127.0.0.%d", i+2)))
	}
	base := rssKB(pid)
	conns := make([]*websocket.Conn, c.customers)
	var opened, failed atomic.Int64
	start := time.Now()
	parallel(ctx, c.customers, 64, func(i int) {
		conn, err := peerDial(ctx, sources[i%len(sources)].dialer, url, `{"id":1,"connect":{}}`)
		if err != nil {
			failed.Add(1)
			return
		}
		go peerRead(conn, nil)
		conns[i] = conn
		opened.Add(1)
	})
	fmt.Fprintf(out, "peer streams: %d/%d open in %.1f s (%d failed)\n", opened.Load(), c.customers, time.Since(start).Seconds(), failed.Load())
	select {
	case <-ctx.Done():
	case <-time.After(c.settle):
	}
	idle := rssKB(pid)
	if n := opened.Load(); n > 0 && base > 0 {
		fmt.Fprintf(out, "peer memory: RSS %.1f MB before, %.1f MB with the streams: %.1f KB per stream\n",
			float64(base)/1024, float64(idle)/1024, float64(idle-base)/float64(n))
	}
	for _, conn := range conns {
		if conn != nil {
			conn.Close()
		}
	}
	return nil
}

// peerFanout is the fan-out measure against Centrifugo: --agents clients
// subscribe to one channel, and publications go to its HTTP API
// (/api/publish, the server runs with http_api.insecure) at --rate for
// --duration, each carrying its send time; it reports publish→answer and
// publish→delivery latencies and the server's CPU, as deskchat's fan-out
// run does for its agents.
func peerFanout(ctx context.Context, c config, wsURL, apiURL string, pid int, out io.Writer) error {
	src := newSource("127.0.0.2")
	var ack, delivery latencies
	var delivered atomic.Int64
	const channel = "fanout"
	for i := range c.agents {
		conn, err := peerDial(ctx, src.dialer, wsURL, `{"id":1,"connect":{}}`, `{"id":2,"subscribe":{"channel":"`+channel+`"}}`)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		defer conn.Close()
		go peerRead(conn, func(line []byte) {
			var push struct {
				Push struct {
					Pub struct {
						Data struct {
							T int64 `json:"t"`
						} `json:"data"`
					} `json:"pub"`
				} `json:"push"`
			}
			if json.Unmarshal(line, &push) == nil && push.Push.Pub.Data.T != 0 {
				delivery.add(time.Since(time.Unix(0, push.Push.Pub.Data.T)))
				delivered.Add(1)
			}
		})
	}
	cpu0, start := cpuTicks(pid), time.Now()
	interval := time.Duration(float64(time.Second) / c.rate)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	deadline := time.After(c.duration)
	var sent atomic.Int64
	var wg sync.WaitGroup
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-deadline:
			break loop
		case <-tick.C:
			wg.Add(1)
			go func() {
				defer wg.Done()
				t := time.Now()
				body := fmt.Sprintf(`{"channel":%q,"data":{"t":%d}}`, channel, t.UnixNano())
				res, err := src.http.Post(apiURL, "application/json", strings.NewReader(body))
				if err != nil {
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == 200 {
					ack.add(time.Since(t))
					sent.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	time.Sleep(time.Second) // the last deliveries
	cores := float64(cpuTicks(pid)-cpu0) / ticksPerSecond / time.Since(start).Seconds()
	fmt.Fprintf(out, "peer fan-out: %d published at %.0f/s to %d subscribers, %d delivered\n", sent.Load(), c.rate, c.agents, delivered.Load())
	fmt.Fprintf(out, "  publish→ack: %s\n  delivery:    %s\n  server:      %.2f cores (user+sys)\n", ack.summary(), delivery.summary(), cores)
	return nil
}

// peerDial opens a Centrifugo client on url and sends each command,
// waiting for its reply (protocol v2 JSON: one reply per command).
func peerDial(ctx context.Context, d *websocket.Dialer, url string, commands ...string) (*websocket.Conn, error) {
	conn, _, err := d.DialContext(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for _, cmd := range commands {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(cmd)); err != nil {
			conn.Close()
			return nil, err
		}
		if _, reply, err := conn.ReadMessage(); err != nil || len(reply) == 0 || reply[0] != '{' {
			conn.Close()
			return nil, fmt.Errorf("no reply to %s: %v", cmd, err)
		}
	}
	conn.SetReadDeadline(time.Time{})
	return conn, nil
}

// peerRead reads a Centrifugo client until it closes: answers the
// server's pings ({} → {}), so it keeps the client, and hands every other
// reply to onPush, one per line (a frame may carry several); onPush may
// be nil.
func peerRead(conn *websocket.Conn, onPush func(line []byte)) {
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		if string(msg) == "{}" {
			conn.WriteMessage(websocket.TextMessage, []byte("{}"))
			continue
		}
		if onPush != nil {
			for _, line := range bytes.Split(msg, []byte("\n")) {
				onPush(line)
			}
		}
	}
}
