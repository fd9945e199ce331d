package main

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// latencies collects durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// Summary is a latency distribution in milliseconds.
type Summary struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func (l *latencies) summary() Summary {
	l.mu.Lock()
	d := slices.Clone(l.d)
	l.mu.Unlock()
	if len(d) == 0 {
		return Summary{}
	}
	slices.Sort(d)
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	at := func(p float64) float64 { return ms(d[int(p*float64(len(d)-1))]) }
	return Summary{N: len(d), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(d[len(d)-1])}
}

func (s Summary) String() string {
	return fmt.Sprintf("p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)", s.P50, s.P95, s.P99, s.Max, s.N)
}

// Report is what a run measured.
type Report struct {
	Server         string         `json:"server"`
	FDLimit        uint64         `json:"fd_limit"`
	SourceAddrs    int            `json:"source_addrs"`
	Customers      int            `json:"customers"`
	CustomersOpen  int            `json:"customer_streams_open"`
	ConnectSeconds float64        `json:"connect_seconds"`
	Agents         int            `json:"agents"`
	RSSBaseKB      int64          `json:"server_rss_base_kb"`
	RSSIdleKB      int64          `json:"server_rss_with_streams_kb"`
	PerStreamKB    float64        `json:"server_kb_per_stream"`
	SendSeconds    float64        `json:"send_seconds"`
	TargetRate     float64        `json:"target_rate"`
	Accepted       int            `json:"accepted"`
	AcceptedPerSec float64        `json:"accepted_per_s"`
	Ack            Summary        `json:"send_to_ack"`
	Deliveries     int            `json:"deliveries"`
	DeliveriesPerS float64        `json:"deliveries_per_s"`
	Delivery       Summary        `json:"delivery"`
	Missing        int            `json:"deliveries_missing"`
	ServerCPU      float64        `json:"server_cpu_cores"`
	RSSPeakKB      int64          `json:"server_rss_after_kb"`
	Errors         map[string]int `json:"errors"`
	SlowStreams    int            `json:"slow_streams,omitempty"`
	SlowClosed     int            `json:"slow_cut_off,omitempty"`
	SlowOverflow   int            `json:"slow_closed_4008,omitempty"`
	FloodAccepted  int            `json:"flood_accepted,omitempty"`
	RestartSeconds float64        `json:"restart_seconds,omitempty"`
	Reconnected    int            `json:"reconnected,omitempty"`
	Resyncs        int            `json:"resyncs,omitempty"`
	CaughtUp       Summary        `json:"caught_up_after_restart"`
}

func (r *Report) print(w io.Writer) {
	fmt.Fprintf(w, "deskchat-load: server %s · fd limit %d · %d source addresses\n", r.Server, r.FDLimit, r.SourceAddrs)
	fmt.Fprintf(w, "streams: %d/%d customer streams open in %.1f s, %d agent streams\n", r.CustomersOpen, r.Customers, r.ConnectSeconds, r.Agents)
	if r.RSSBaseKB > 0 {
		fmt.Fprintf(w, "server memory: RSS %.1f MB before, %.1f MB with the streams: %.1f KB per customer stream\n",
			float64(r.RSSBaseKB)/1024, float64(r.RSSIdleKB)/1024, r.PerStreamKB)
	}
	fmt.Fprintf(w, "send phase: %.1f s at a target of %.0f msg/s\n", r.SendSeconds, r.TargetRate)
	fmt.Fprintf(w, "  accepted:   %d messages, %.0f msg/s\n", r.Accepted, r.AcceptedPerSec)
	fmt.Fprintf(w, "  send→ack:   %s\n", r.Ack)
	fmt.Fprintf(w, "  deliveries: %d to agents, %.0f/s, %d missing\n", r.Deliveries, r.DeliveriesPerS, r.Missing)
	fmt.Fprintf(w, "  delivery:   %s\n", r.Delivery)
	if r.RSSPeakKB > 0 {
		fmt.Fprintf(w, "  server:     %.2f cores (user+sys), RSS %.1f MB after\n", r.ServerCPU, float64(r.RSSPeakKB)/1024)
	}
	if r.SlowStreams > 0 || r.FloodAccepted > 0 {
		fmt.Fprintf(w, "isolation: %d flood messages on one conversation; %d slow agent streams, %d cut off by the server (%d with close 4008)\n",
			r.FloodAccepted, r.SlowStreams, r.SlowClosed, r.SlowOverflow)
	}
	if r.RestartSeconds > 0 {
		fmt.Fprintf(w, "restart: server back in %.1f s; %d streams resumed from their cursors (%d resync), caught up %s after it was back\n",
			r.RestartSeconds, r.Reconnected, r.Resyncs, r.CaughtUp)
	}
	if len(r.Errors) == 0 {
		fmt.Fprintln(w, "errors: none")
	} else {
		fmt.Fprintf(w, "errors: %v\n", r.Errors)
	}
}

// problem names what makes a run unclean for --strict, or "".
func (r *Report) problem() string {
	switch {
	case r.CustomersOpen < r.Customers:
		return fmt.Sprintf("only %d of %d customer streams opened", r.CustomersOpen, r.Customers)
	case r.Accepted == 0:
		return "no message was accepted"
	case r.Missing != 0:
		return fmt.Sprintf("%d deliveries missing", r.Missing)
	case r.RestartSeconds > 0 && r.Reconnected < r.CustomersOpen:
		return fmt.Sprintf("only %d of %d streams resumed after the restart", r.Reconnected, r.CustomersOpen)
	case len(r.Errors) > 0:
		return fmt.Sprintf("errors %v", r.Errors)
	}
	return ""
}
