// Command deskchat-load puts a deskchat server under load on loopback and
// reports what it measured: idle customer streams held (and the server
// memory each costs), messages accepted per second, send→ack latency,
// delivery latency to agents (fan-out), server RSS and CPU, and errors.
//
// It starts a server (deskchat-server serve --demo on a temp database)
// or targets one (--server), opens N customer streams and M agent streams
// from several 127.0.0.x source addresses (Linux allows ~28k ports per
// address pair), raises its own file-descriptor limit, sends at a chosen
// rate, and stops by itself (bounded time and count).
//
//	deskchat-load --customers 2000 --senders 200 --agents 20 --rate 2000 --duration 10s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type config struct {
	server      string // target; empty: spawn one
	serverPID   int    // for RSS/CPU of a targeted server
	binary      string // deskchat-server to spawn
	customers   int
	senders     int
	agents      int
	rate        float64
	duration    time.Duration
	maxMessages int
	addrs       int
	jsonOut     string
	timeout     time.Duration
	strict      bool
	restart     bool
	slow        int
	flood       float64
	settle      time.Duration
	peer        string // "centrifugo": the idle measure against a peer at --server
	peerAPI     string // with peer: its publish URL; the fan-out measure instead
}

func main() {
	var c config
	flag.StringVar(&c.server, "server", "", "target server URL (default: spawn one on 127.0.0.1); several, comma-separated, for a cluster: agents on the first, customers spread over the others (deliveries cross nodes)")
	flag.IntVar(&c.serverPID, "server-pid", 0, "PID of the targeted server, for its RSS and CPU")
	flag.StringVar(&c.binary, "binary", "bin/deskchat-server", "deskchat-server binary to spawn")
	flag.IntVar(&c.customers, "customers", 1000, "customer streams to open (idle, except the senders)")
	flag.IntVar(&c.customers, "visitors", 1000, "the old name of --customers")
	flag.IntVar(&c.senders, "senders", 100, "customers that send messages (each in its own conversation)")
	flag.IntVar(&c.agents, "agents", 10, "agent streams (support users, receiving every customer message)")
	flag.Float64Var(&c.rate, "rate", 1000, "messages per second to send, over all senders")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "length of the send phase")
	flag.IntVar(&c.maxMessages, "max-messages", 1_000_000, "stop sending after this many messages")
	flag.IntVar(&c.addrs, "addrs", 0, "source addresses 127.0.0.2… to spread connections over (0: one per 20,000 connections)")
	flag.StringVar(&c.jsonOut, "json", "", "also write the raw figures as JSON to this file")
	flag.DurationVar(&c.timeout, "timeout", 10*time.Minute, "hard limit for the whole run")
	flag.DurationVar(&c.settle, "settle", 2*time.Second, "wait after the streams open before measuring the server's memory (the Go runtime forces a GC at least every 2 minutes)")
	flag.IntVar(&c.slow, "slow", 0, "agent streams that never read (slow consumers the server must cut off)")
	flag.Float64Var(&c.flood, "flood", 0, "messages per second flooding one extra conversation (not in the latency figures)")
	flag.BoolVar(&c.restart, "restart", false, "after sending, restart the spawned server and time every customer stream resuming from its cursor")
	flag.BoolVar(&c.strict, "strict", false, "exit 1 on any error, missing delivery or unopened stream (smoke tests)")
	flag.StringVar(&c.peer, "peer", "", `"centrifugo": hold --customers idle client connections on the peer server at --server (its WebSocket URL) and report its memory per connection (--server-pid); see scripts/bench-peer.sh`)
	flag.StringVar(&c.peerAPI, "peer-api", "", "with --peer: the peer's publish URL (Centrifugo: http://…/api/publish); runs the fan-out measure (--agents subscribers, --rate, --duration) instead of the idle one")
	flag.Parse()
	if c.rate <= 0 || c.customers <= 0 || c.senders <= 0 || c.agents <= 0 {
		fmt.Fprintln(os.Stderr, "deskchat-load: --rate, --customers, --senders and --agents must be positive")
		os.Exit(2)
	}
	if c.senders > c.customers {
		c.senders = c.customers
	}
	if c.addrs <= 0 {
		c.addrs = 1 + (c.customers+c.agents)/20000
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if c.peer != "" {
		if c.peer != "centrifugo" || c.server == "" || c.serverPID == 0 {
			fmt.Fprintln(os.Stderr, "deskchat-load: --peer centrifugo needs --server ws://…/connection/websocket and --server-pid")
			os.Exit(2)
		}
		if _, err := raiseFDLimit(); err != nil {
			fmt.Fprintln(os.Stderr, "deskchat-load:", err)
		}
		run := func() error { return peerIdle(ctx, c, c.server, c.serverPID, os.Stdout) }
		if c.peerAPI != "" { // the fan-out measure
			run = func() error { return peerFanout(ctx, c, c.server, c.peerAPI, c.serverPID, os.Stdout) }
		}
		if err := run(); err != nil {
			fmt.Fprintln(os.Stderr, "deskchat-load:", err)
			os.Exit(1)
		}
		return
	}
	r, err := run(ctx, c)
	if r != nil {
		r.print(os.Stdout)
		if c.jsonOut != "" {
			data, _ := json.MarshalIndent(r, "", "  ")
			if werr := os.WriteFile(c.jsonOut, data, 0o644); werr != nil {
				fmt.Fprintln(os.Stderr, "deskchat-load:", werr)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "deskchat-load:", err)
		os.Exit(1)
	}
	if c.strict {
		if problem := r.problem(); problem != "" {
			fmt.Fprintln(os.Stderr, "deskchat-load: strict:", problem)
			os.Exit(1)
		}
	}
}

// raiseFDLimit lifts the open-files limit (every stream is a socket): to
// the kernel's nr_open when allowed (root), else to the hard limit. A
// spawned server inherits it.
func raiseFDLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if data, err := os.ReadFile("/proc/sys/fs/nr_open"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64); err == nil && n > lim.Max {
			if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}) == nil {
				return n, nil
			}
		}
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	return lim.Cur, nil
}
