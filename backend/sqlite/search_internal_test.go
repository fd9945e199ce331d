package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/fts"
)

// TestRankWindowWidens: with a tiny rank window, a user who may see only
// the oldest matches still finds them (the window and candidates grow).
func TestRankWindowWidens(t *testing.T) {
	defer func(w int) { fts.RankWindow = w }(fts.RankWindow)
	fts.RankWindow = 3
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "d.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mk := func(email string, support bool) chat.Actor {
		u, err := s.CreateUser(ctx, chat.Operator, chat.NewUser{Email: email, Name: email, PasswordHash: "h", Support: support})
		if err != nil {
			t.Fatal(err)
		}
		return u.Actor(0)
	}
	dev, sup := mk("dev@x.example", false), mk("sup@x.example", true)
	team, _, _, err := s.CreateConversation(ctx, dev, chat.NewConversation{ParticipantIDs: []int64{sup.ID}, Text: "apple pie recipe"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 120; i++ {
		c, _ := s.CreateCustomer(ctx, chat.CustomerInfo{})
		s.CreateConversation(ctx, chat.Actor{Kind: chat.KindCustomer, ID: c.ID}, chat.NewConversation{Text: fmt.Sprintf("apple number %d", i)})
	}
	res, err := s.Search(ctx, dev, chat.SearchQuery{Text: "apple", Limit: 5})
	if err != nil || len(res) != 1 || res[0].ConversationID != team.ID {
		t.Fatalf("dev's results = %+v, %v", res, err)
	}
	res, _ = s.Search(ctx, sup, chat.SearchQuery{Text: "apple", Limit: 200})
	if len(res) != 121 {
		t.Fatalf("support found %d of 121", len(res))
	}
}
