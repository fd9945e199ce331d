package main

import (
	"context"
	"fmt"
	"io"
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
