package localstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
)

// words is a Zipf-distributed vocabulary like the server's search bench.
func words(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for s := 0; s < 2+r.IntN(2); s++ {
			b.WriteByte("bcdfgklmnprstvz"[r.IntN(15)])
			b.WriteByte("aeiou"[r.IntN(5)])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// messageEvents makes n message.created events over convs conversations.
func messageEvents(n, convs, firstID int, vocab []string) []*chat.Event {
	r := rand.New(rand.NewPCG(uint64(firstID), 4))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(5, uint64(firstID))), 1.1, 2, uint64(len(vocab)-1))
	out := make([]*chat.Event, n)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		var text strings.Builder
		for w := 0; w < 5+r.IntN(20); w++ {
			if w > 0 {
				text.WriteByte(' ')
			}
			text.WriteString(vocab[zipf.Uint64()])
		}
		id := int64(firstID + i)
		m := chat.Message{ID: id, ConversationID: int64(1 + i%convs), Author: chat.Author{Kind: chat.KindCustomer, ID: int64(1 + i%convs), Name: "C"},
			Text: text.String(), CreatedAt: at.Add(time.Duration(id) * time.Second)}
		data, _ := json.Marshal(m)
		out[i] = &chat.Event{Seq: id, Type: chat.EventMessageCreated, ConversationID: m.ConversationID, Data: data}
	}
	return out
}

func conversationEvents(convs int) []*chat.Event {
	var out []*chat.Event
	for c := 1; c <= convs; c++ {
		data, _ := json.Marshal(chat.Conversation{ID: int64(c), Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: int64(c),
			Customer: &chat.Customer{ID: int64(c), Name: fmt.Sprintf("Customer %d", c)}})
		out = append(out, &chat.Event{Type: chat.EventConversationCreated, ConversationID: int64(c), Data: data})
	}
	return out
}

// BenchmarkApply measures initial-sync apply speed: batches of 2,000
// message.created events into the local store. Target: ≥ 50,000 msgs/s.
//
//	go test -tags sqlite_fts5 -run XXX -bench Apply ./app/localstore/
func BenchmarkApply(b *testing.B) {
	st, err := localstore.Open(filepath.Join(b.TempDir(), "l.db"), 1)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	st.Apply(ctx, conversationEvents(1000), 0, "e")
	vocab := words(5000)
	batch := 2000 // as the sync engine applies while catching up
	if n, err := strconv.Atoi(os.Getenv("DESKCHAT_BENCH_BATCH")); err == nil && n > 0 {
		batch = n
	}
	events := messageEvents(b.N*batch, 1000, 1, vocab)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		chunk := events[i*batch : (i+1)*batch]
		if err := st.Apply(ctx, chunk, chunk[len(chunk)-1].Seq, "e"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "msgs/s")
}

// bigStore builds (once, cached in the temp dir) a local store with n
// messages over n/100 conversations plus one conversation of 10,000.
func bigStore(b *testing.B, n int) *localstore.Store {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("deskchat-bench-local-%d.db", n))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		os.Remove(tmp)
		st, err := localstore.Open(tmp, 1)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		convs := n / 100
		st.Apply(ctx, conversationEvents(convs+1), 0, "e")
		vocab := words(5000)
		start := time.Now()
		for done := 0; done < n; done += 10000 {
			evs := messageEvents(10000, convs, done+1, vocab)
			if err := st.Apply(ctx, evs, int64(done+10000), "e"); err != nil {
				b.Fatal(err)
			}
		}
		// Conversation convs+1 holds 10,000 messages.
		big := messageEvents(10000, 1, n+1, vocab)
		for _, ev := range big {
			var m chat.Message
			json.Unmarshal(ev.Data, &m)
			m.ConversationID = int64(convs + 1)
			ev.Data, _ = json.Marshal(m)
		}
		st.Apply(ctx, big, int64(n+10000), "e")
		b.Logf("built %d messages in %s", n+10000, time.Since(start).Round(time.Second))
		st.Close()
		os.Rename(tmp, path)
	}
	st, err := localstore.Open(path, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func benchMessages() int {
	if n, err := strconv.Atoi(os.Getenv("DESKCHAT_BENCH_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkLocalSearch: one- and two-word queries on 1,000,000 messages,
// ranked over every match (a common word is in about 1 message in 8).
// Target: p95 ≤ 10 ms.
func BenchmarkLocalSearch(b *testing.B) {
	st := bigStore(b, benchMessages())
	vocab := words(5000)
	for _, tc := range []struct {
		name    string
		queries []string
	}{
		{"one-word", []string{vocab[20], vocab[200], vocab[2000]}},
		{"two-word", []string{vocab[20] + " " + vocab[200], vocab[200] + " " + vocab[2000], vocab[20] + " " + vocab[2000]}},
		// As typed: prefixes of one to four letters.
		{"prefix", []string{vocab[20][:1], vocab[20][:2], vocab[20][:3], vocab[200][:4], vocab[20][:2] + " " + vocab[200][:1]}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				res, err := st.Search(context.Background(), tc.queries[i%len(tc.queries)], 20)
				lat = append(lat, time.Since(start))
				if err != nil || len(res) == 0 {
					b.Fatalf("search: %d results, %v", len(res), err)
				}
			}
			report(b, lat)
		})
	}
}

// BenchmarkOpenConversation: the last page of a 10,000-message
// conversation. Target: ≤ 20 ms.
func BenchmarkOpenConversation(b *testing.B) {
	n := benchMessages()
	st := bigStore(b, n)
	conv := int64(n/100 + 1)
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		start := time.Now()
		msgs, err := st.ListMessages(context.Background(), conv, 0, 50)
		lat = append(lat, time.Since(start))
		if err != nil || len(msgs) != 50 {
			b.Fatalf("%d messages, %v", len(msgs), err)
		}
	}
	report(b, lat)
}
