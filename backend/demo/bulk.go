package demo

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/deskchat/deskchat/backend/chat"
)

// Bulk adds n customer conversations of msgs messages each (the customer
// and a support agent taking turns), through the store like real traffic,
// for benchmarks of big helpdesks (the desktop app with 10,000
// conversations cached). The demo helpdesk must be seeded first.
func Bulk(ctx context.Context, s chat.Store, n, msgs int) error {
	agent, _, err := s.FindUserCredentials(ctx, Agents[1].Email)
	if err != nil {
		return fmt.Errorf("demo: bulk needs the demo helpdesk: %w", err)
	}
	ben := agent.Actor(0)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	// Concurrent writers share commits (group commit).
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1))
				if i > n || ctx.Err() != nil {
					return
				}
				if err := bulkOne(ctx, s, ben, i, msgs); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err() // interrupted: not all were added
}

func bulkOne(ctx context.Context, s chat.Store, agent chat.Actor, i, msgs int) error {
	c, err := s.CreateCustomer(ctx, chat.CustomerInfo{Name: fmt.Sprintf("Bulk customer %d", i), Email: fmt.Sprintf("bulk%d@example.com", i)})
	if err != nil {
		return err
	}
	cust := chat.Actor{Kind: chat.KindCustomer, ID: c.ID, Name: c.Name}
	conv, _, _, err := s.CreateConversation(ctx, cust, chat.NewConversation{ClientID: fmt.Sprintf("bulk-%d", i), Text: fmt.Sprintf("Question %d about my order", i)})
	if err != nil {
		return err
	}
	for m := 1; m < msgs; m++ {
		who, text := cust, fmt.Sprintf("Customer follow-up %d on order %d", m, i)
		if m%2 == 1 {
			who, text = agent, fmt.Sprintf("Agent answer %d for order %d", m, i)
		}
		if _, _, err := s.SendMessage(ctx, who, conv.ID, chat.NewMessage{ClientID: fmt.Sprintf("bulk-%d-%d", i, m), Text: text}); err != nil {
			return err
		}
	}
	return nil
}
