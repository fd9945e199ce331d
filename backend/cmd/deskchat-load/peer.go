package main

import (
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
		conn, _, err := sources[i%len(sources)].dialer.DialContext(ctx, url, nil)
		if err != nil {
			failed.Add(1)
			return
		}
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"id":1,"connect":{}}`)); err != nil {
			conn.Close()
			failed.Add(1)
			return
		}
		if _, reply, err := conn.ReadMessage(); err != nil || len(reply) == 0 || reply[0] != '{' {
			conn.Close()
			failed.Add(1)
			return
		}
		conn.SetReadDeadline(time.Time{})
		// Answer the server's pings ({} → {}), so it keeps the client.
		go func() {
			for {
				_, msg, err := conn.ReadMessage()
				if err != nil {
					return
				}
				if string(msg) == "{}" {
					conn.WriteMessage(websocket.TextMessage, []byte("{}"))
				}
			}
		}()
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
		conn, _, err := src.dialer.DialContext(ctx, wsURL, nil)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		defer conn.Close()
		for _, cmd := range []string{`{"id":1,"connect":{}}`, `{"id":2,"subscribe":{"channel":"` + channel + `"}}`} {
			if err := conn.WriteMessage(websocket.TextMessage, []byte(cmd)); err != nil {
				return err
			}
			if _, _, err := conn.ReadMessage(); err != nil {
				return err
			}
		}
		go func() {
			for {
				_, msg, err := conn.ReadMessage()
				if err != nil {
					return
				}
				if string(msg) == "{}" {
					conn.WriteMessage(websocket.TextMessage, []byte("{}"))
					continue
				}
				// One frame may carry several replies, one per line.
				for _, line := range strings.Split(string(msg), "\n") {
					var push struct {
						Push struct {
							Pub struct {
								Data struct {
									T int64 `json:"t"`
								} `json:"data"`
							} `json:"pub"`
						} `json:"push"`
					}
					if json.Unmarshal([]byte(line), &push) == nil && push.Push.Pub.Data.T != 0 {
						delivery.add(time.Since(time.Unix(0, push.Push.Pub.Data.T)))
						delivered.Add(1)
					}
				}
			}
		}()
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
