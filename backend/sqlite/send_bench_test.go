package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/sqlite"
)

// benchConversations opens a store (synchronous=FULL, as in production) in
// the benchmark's temp dir with n customers, each with a conversation.
func benchConversations(b *testing.B, n int) (*sqlite.Store, []chat.Actor, []int64) {
	b.Helper()
	s, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	actors := make([]chat.Actor, n)
	convs := make([]int64, n)
	for i := range n {
		c, err := s.CreateCustomer(ctx, chat.CustomerInfo{Name: fmt.Sprintf("Bench %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		actors[i] = chat.Actor{Kind: chat.KindCustomer, ID: c.ID, Name: c.Name}
		conv, _, _, err := s.CreateConversation(ctx, actors[i], chat.NewConversation{ClientID: fmt.Sprintf("c%d", i), Text: "hello"})
		if err != nil {
			b.Fatal(err)
		}
		convs[i] = conv.ID
	}
	return s, actors, convs
}

// BenchmarkSendMessage measures the hot write path: one message and its
// event committed durably (synchronous=FULL) per call, from 1 and from 32
// concurrent senders. Reports msgs/s and per-send latency percentiles.
// Target (issue 7): >= 2,000 persisted msgs/s, p50 <= 1 ms, p99 <= 10 ms.
//
//	go test -tags sqlite_fts5 -run XXX -bench SendMessage -benchtime 3s ./backend/sqlite/
func BenchmarkSendMessage(b *testing.B) {
	for _, senders := range []int{1, 32} {
		b.Run(fmt.Sprintf("senders=%d", senders), func(b *testing.B) {
			s, actors, convs := benchConversations(b, senders)
			ctx := context.Background()
			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			b.ResetTimer()
			start := time.Now()
			done := make(chan error, senders)
			for w := range senders {
				go func() {
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							done <- nil
							return
						}
						t0 := time.Now()
						_, _, err := s.SendMessage(ctx, actors[w], convs[w], chat.NewMessage{ClientID: fmt.Sprintf("m%d", i), Text: "a benchmark message of ordinary length"})
						lat[i] = time.Since(t0)
						if err != nil {
							done <- err
							return
						}
					}
				}()
			}
			for range senders {
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}

// BenchmarkEditMessage measures an edit's cost as a message is edited over
// and over (each edit strips the stored events that still carry the text,
// once each, so the cost must not grow with the number of edits), and a
// delete of a message whose item title follows it.
//
//	go test -tags sqlite_fts5 -run XXX -bench EditMessage -benchtime 2000x ./backend/sqlite/
func BenchmarkEditMessage(b *testing.B) {
	s, actors, convs := benchConversations(b, 1)
	ctx := context.Background()
	m, _, err := s.SendMessage(ctx, actors[0], convs[0], chat.NewMessage{Text: "version 0"})
	if err != nil {
		b.Fatal(err)
	}
	var first, last time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := s.EditMessage(ctx, actors[0], m.ID, fmt.Sprintf("version %d of a message that is edited again and again", i+1)); err != nil {
			b.Fatal(err)
		}
		d := time.Since(t0)
		if i < 10 {
			first += d
		}
		if i >= b.N-10 {
			last += d
		}
	}
	if b.N >= 20 {
		b.ReportMetric(float64(first.Microseconds())/10, "first10-µs/edit")
		b.ReportMetric(float64(last.Microseconds())/10, "last10-µs/edit")
	}
}
