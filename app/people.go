package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// PeopleService shows customer and teammate details and starts team
// conversations.
type PeopleService struct {
	Session *SessionService
}

// Team lists the team members with their presence.
func (s *PeopleService) Team() ([]*chat.User, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) ([]*chat.User, error) {
		return c.Users(ctx)
	})
}

// User returns a teammate; offline, the copy in the local store.
func (s *PeopleService) User(id int64) (*chat.User, error) {
	u, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.User, error) {
		return c.User(ctx, id)
	})
	return orLocal(s.Session, u, err, func(ctx context.Context, st *localstore.Store) (*chat.User, error) {
		return st.User(ctx, id)
	})
}

// Customer returns the customer panel (local time, conversations, items);
// offline, the profile from the local store without the lists.
func (s *PeopleService) Customer(id int64) (*chat.CustomerDetails, error) {
	cd, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.CustomerDetails, error) {
		return c.Customer(ctx, id)
	})
	return orLocal(s.Session, cd, err, func(ctx context.Context, st *localstore.Store) (*chat.CustomerDetails, error) {
		local, err := st.Customer(ctx, id)
		if err != nil {
			return nil, err
		}
		return &chat.CustomerDetails{Customer: *local, Conversations: []chat.ConversationRef{}, Items: []chat.ItemRef{}}, nil
	})
}

// EraseCustomer erases a customer for good (admins; the right to erasure):
// their details and the text of their messages leave the server, its event
// log and, through customer.erased, every synced desktop, this one at once.
// It needs the server (ErrOffline otherwise); a non-admin gets the server's
// refusal.
func (s *PeopleService) EraseCustomer(id int64) (*chat.Erasure, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Erasure, error) {
		return c.EraseCustomer(ctx, id)
	})
}

// TeamParams start a team conversation.
type TeamParams struct {
	ParticipantIDs []int64 `json:"participant_ids"`
	Text           string  `json:"text"`
}

// StartTeamConversation creates a conversation with teammates and its
// first message, and puts it in the local store at once so the UI can
// open it before the event arrives.
func (s *PeopleService) StartTeamConversation(p TeamParams) (*chat.Conversation, error) {
	if _, err := chat.CheckMessageText(p.Text); err != nil {
		return nil, err
	}
	b := make([]byte, 12)
	rand.Read(b)
	nc := chat.NewConversation{ClientID: "app-" + hex.EncodeToString(b), Text: p.Text, ParticipantIDs: p.ParticipantIDs}
	type started struct {
		conv *chat.Conversation
		msg  *chat.Message
	}
	r, err := call(s.Session, func(ctx context.Context, c *client.Client) (started, error) {
		conv, msg, _, err := c.StartConversation(ctx, nc)
		return started{conv, msg}, err
	})
	if err != nil {
		return nil, err
	}
	if st, _, _, e := s.Session.current(); e == nil {
		var msgs []*chat.Message
		if r.msg != nil {
			msgs = append(msgs, r.msg)
		}
		if err := st.StoreSnapshot(context.Background(), []*chat.Conversation{r.conv}, msgs, nil, nil); err != nil {
			return nil, err
		}
		s.Session.Emit.Emit(EventInbox, map[string]bool{"live": true})
	}
	return r.conv, nil
}
