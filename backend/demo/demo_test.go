package demo_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/demo"
	"github.com/deskchat/deskchat/backend/sqlite"
)

// TestSeedTellsAStory: the demo spreads over the last four days in the
// order things happened (ids follow time), with a German customer whose
// message carries a photo, a ticket and a task, and seeding again changes
// nothing.
func TestSeedTellsAStory(t *testing.T) {
	ctx := context.Background()
	clock := &demo.Clock{}
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "d.db"), sqlite.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := demo.SeedWith(ctx, s, demo.Options{Clock: clock, Blobs: blobs}); err != nil {
		t.Fatal(err)
	}
	if got := clock.Now(); got.Before(start) {
		t.Fatalf("the clock still reads the story's time after seeding: %v", got)
	}
	_, hash, err := s.FindUserCredentials(ctx, demo.Agents[0].Email)
	if err != nil || hash == "" {
		t.Fatal(err)
	}
	anna, _, _ := s.FindUserCredentials(ctx, demo.Agents[0].Email)
	a := anna.Actor(0)
	convs, err := s.ListConversations(ctx, a, chat.ConversationFilter{Section: chat.SectionCustomers, Status: chat.StatusOpen})
	if err != nil {
		t.Fatal(err)
	}
	closed, _ := s.ListConversations(ctx, a, chat.ConversationFilter{Section: chat.SectionCustomers, Status: chat.StatusClosed})
	convs = append(convs, closed...)
	var oldest, newest time.Time
	var photo, german bool
	var prevID int64
	var prevAt time.Time
	for _, c := range convs {
		msgs, err := s.ListMessages(ctx, a, c.ID, chat.MessageFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if oldest.IsZero() || m.CreatedAt.Before(oldest) {
				oldest = m.CreatedAt
			}
			if m.CreatedAt.After(newest) {
				newest = m.CreatedAt
			}
			if len(m.Attachments) == 1 && m.Attachments[0].Image {
				photo = true
			}
			if c.Customer != nil && c.Customer.Language == "de-DE" && m.Author.Kind == chat.KindCustomer && m.Text != "" && m.Text[:5] == "Hallo" {
				german = true
			}
			if m.ID > prevID && prevID != 0 && m.CreatedAt.Before(prevAt) && m.ConversationID == c.ID {
				t.Errorf("message %d is older than %d before it", m.ID, prevID)
			}
			prevID, prevAt = m.ID, m.CreatedAt
		}
	}
	if span := newest.Sub(oldest); span < 3*24*time.Hour || newest.After(time.Now()) {
		t.Errorf("the history spans %v, from %v to %v; want days, none in the future", span, oldest, newest)
	}
	if !photo || !german {
		t.Errorf("photo %v, German customer %v", photo, german)
	}
	types := map[chat.ItemType]int{}
	for n := int64(1); n <= 2; n++ {
		it, err := s.FindItemByNumber(ctx, a, n)
		if err != nil {
			t.Fatal(err)
		}
		types[it.Type]++
	}
	if types[chat.ItemTicket] == 0 || types[chat.ItemTask] == 0 {
		t.Errorf("items %v, want a ticket and a task", types)
	}
	if err := demo.SeedWith(ctx, s, demo.Options{Clock: clock, Blobs: blobs}); err != nil {
		t.Fatalf("seeding a seeded helpdesk again: %v", err)
	}
}

// TestSeedRefusesAPartialDemo: a database where seeding stopped midway
// (the agents are there, the rest is not) answers ErrPartial instead of
// passing for a whole demo.
func TestSeedRefusesAPartialDemo(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "d.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, a := range demo.Agents {
		if _, err := s.CreateUser(ctx, chat.Operator, chat.NewUser{Email: a.Email, Name: a.Name, PasswordHash: "x", Admin: a.Admin, Support: a.Support}); err != nil {
			t.Fatal(err)
		}
	}
	if err := demo.Seed(ctx, s); !errors.Is(err, demo.ErrPartial) {
		t.Fatalf("a partial demo: %v, want ErrPartial", err)
	}
}
