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

// BenchmarkApply measures initial-sync apply speed, in batches of 2,000
// events as the sync engine applies while catching up. Target: ≥ 50,000
// msgs/s.
//
//	go test -tags sqlite_fts5 -run XXX -bench Apply ./app/localstore/
//
// messages: message.created events only, into 1,000 conversations.
// replay: what an initial sync of a helpdesk replays (syncReplay: each
// conversation created with its customer, a teammate added, four
// messages), so the cost of conversation events (customers and their
// search index) shows too; msgs/s counts the messages, events/s every
// event.
func BenchmarkApply(b *testing.B) {
	b.Run("messages", func(b *testing.B) {
		st := openBench(b)
		st.Apply(context.Background(), conversationEvents(1000), 0, "e")
		benchApply(b, st, messageEvents(b.N*applyBatch(), 1000, 1, words(5000)))
	})
	b.Run("replay", func(b *testing.B) {
		benchApply(b, openBench(b), syncReplay(b.N*applyBatch()))
	})
}

func openBench(b *testing.B) *localstore.Store {
	st, err := localstore.Open(filepath.Join(b.TempDir(), "l.db"), 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// applyBatch is 2,000 (the sync engine's catch-up batch) or
// DESKCHAT_BENCH_BATCH.
func applyBatch() int {
	if n, err := strconv.Atoi(os.Getenv("DESKCHAT_BENCH_BATCH")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// benchApply applies events in b.N batches and reports msgs/s and events/s.
func benchApply(b *testing.B, st *localstore.Store, events []*chat.Event) {
	ctx := context.Background()
	batch := applyBatch()
	msgs := 0
	for _, ev := range events {
		if ev.Type == chat.EventMessageCreated {
			msgs++
		}
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		chunk := events[i*batch : (i+1)*batch]
		if err := st.Apply(ctx, chunk, chunk[len(chunk)-1].Seq, "e"); err != nil {
			b.Fatal(err)
		}
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(msgs)/secs, "msgs/s")
	b.ReportMetric(float64(len(events))/secs, "events/s")
}

// syncReplay makes n events as the log of a busy helpdesk replays them to
// an admin (the demo helpdesk of scripts/app-bench.sh: deskchat-server demo
// --messages 4): per conversation conversation.created with its customer,
// the customer's question, conversation.participant_added for the
// teammate who answers (the conversation and its customer again), the
// answer, and two more messages; eight conversations at a time
// interleaved, as they happen.
func syncReplay(n int) []*chat.Event {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []*chat.Event
	seq, msgID := int64(0), int64(0)
	add := func(typ string, conv int64, v any) {
		seq++
		data, _ := json.Marshal(v)
		out = append(out, &chat.Event{Seq: seq, Type: typ, ConversationID: conv, Data: data})
	}
	agent := chat.Author{Kind: chat.KindUser, ID: 2, Name: "Ben Support"}
	for first := int64(1); len(out) < n; first += 8 {
		convs := make([]*chat.Conversation, 8)
		for i := range convs {
			id := first + int64(i)
			cu := &chat.Customer{ID: id, Name: fmt.Sprintf("Bulk customer %d", id), Email: fmt.Sprintf("bulk%d@example.com", id),
				FirstSeen: at, LastSeen: at}
			convs[i] = &chat.Conversation{ID: id, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: id, Customer: cu,
				Participants: []chat.Participant{}, CreatedAt: at, LastActivityAt: at}
		}
		for step := 0; step < 6; step++ {
			for _, c := range convs {
				at = at.Add(time.Second)
				msg := func(author chat.Author, text string) {
					msgID++
					m := chat.Message{ID: msgID, ConversationID: c.ID, Author: author, Text: text, CreatedAt: at}
					add(chat.EventMessageCreated, c.ID, m)
					c.LastActivityAt, c.LastMessage = at, &m
				}
				customer := chat.Author{Kind: chat.KindCustomer, ID: c.CustomerID, Name: c.Customer.Name}
				switch step {
				case 0:
					add(chat.EventConversationCreated, c.ID, c)
				case 1:
					msg(customer, fmt.Sprintf("Question %d about my order", c.ID))
				case 2:
					c.Participants = []chat.Participant{{UserID: agent.ID, Name: agent.Name, AddedAt: at}}
					add(chat.EventParticipantAdded, c.ID, chat.ParticipantAdded{Conversation: c, UserID: agent.ID})
				case 3, 5:
					msg(agent, fmt.Sprintf("Agent answer %d for order %d", step/2, c.ID))
				case 4:
					msg(customer, fmt.Sprintf("Thanks, the parcel number is %d", 1000+c.ID))
				}
			}
		}
	}
	return out[:n]
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
