package notify_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/backend/chat"
)

// BenchmarkCatchUpEvents: what the center does with one catch-up batch of
// 2,000 events (400 conversations, each created with four messages), as
// the sync engine hands them over after applying them: on the first sync
// of a store (history, no news) and on a later catch-up (counted for the
// summary).
//
//	go test -tags sqlite_fts5 -run XXX -bench CatchUp ./app/notify/
func BenchmarkCatchUpEvents(b *testing.B) {
	st, err := localstore.Open(filepath.Join(b.TempDir(), "local.db"), 2)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	batch := []*chat.Event{ev(1, chat.EventUserCreated, 0, chat.User{ID: 2, Name: "Me", Support: true, Active: true})}
	for c := int64(1); c <= 400; c++ {
		batch = append(batch, ev(10*c, chat.EventConversationCreated, c, chat.Conversation{ID: c, Kind: chat.ConversationCustomer,
			Status: chat.StatusOpen, CustomerID: c, Customer: &chat.Customer{ID: c, Name: fmt.Sprintf("Customer %d", c)}, LastActivityAt: now}))
		for j := int64(1); j <= 4; j++ {
			batch = append(batch, ev(10*c+j, chat.EventMessageCreated, c, chat.Message{ID: 10*c + j, ConversationID: c,
				Author: chat.Author{Kind: chat.KindCustomer, ID: c, Name: "Customer"}, Text: "Where is my order?", CreatedAt: now}))
		}
	}
	if err := st.Apply(context.Background(), batch, 5000, "e"); err != nil {
		b.Fatal(err)
	}
	for _, first := range []bool{true, false} {
		b.Run(fmt.Sprintf("first-sync=%v", first), func(b *testing.B) {
			d := notify.NewDesktop("", nil)
			defer d.Close()
			c := &notify.Center{Notifier: d, Store: st}
			c.Start(first)
			defer c.Stop()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.Events(batch, false)
			}
			b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "events/s")
		})
	}
}
