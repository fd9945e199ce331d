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

// ListUsers lists the team members with their presence; offline, the
// copy in the local store (everyone offline).
func (s *PeopleService) ListUsers() ([]*chat.User, error) {
	us, err := call(s.Session, func(ctx context.Context, c *client.Client) ([]*chat.User, error) {
		return c.ListUsers(ctx)
	})
	return orLocal(s.Session, us, err, func(ctx context.Context, st *localstore.Store) ([]*chat.User, error) {
		return st.ListUsers(ctx)
	})
}

// FindUserByID returns a teammate; offline, the copy in the local store.
func (s *PeopleService) FindUserByID(id int64) (*chat.User, error) {
	u, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.User, error) {
		return c.FindUserByID(ctx, id)
	})
	return orLocal(s.Session, u, err, func(ctx context.Context, st *localstore.Store) (*chat.User, error) {
		return st.FindUserByID(ctx, id)
	})
}

// FindCustomerDetails returns the customer panel (local time, conversations, items);
// offline, the profile from the local store without the lists.
func (s *PeopleService) FindCustomerDetails(id int64) (*chat.CustomerDetails, error) {
	cd, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.CustomerDetails, error) {
		return c.FindCustomerDetails(ctx, id)
	})
	return orLocal(s.Session, cd, err, func(ctx context.Context, st *localstore.Store) (*chat.CustomerDetails, error) {
		return st.FindCustomerDetails(ctx, id) // offline: complete from the local store
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

// CreateConversationParams start a team conversation.
type CreateConversationParams struct {
	ParticipantIDs []int64 `json:"participant_ids"`
	Text           string  `json:"text"`
}

// CreateConversation creates a conversation with teammates and its
// first message, and puts it in the local store at once so the UI can
// open it before the event arrives.
func (s *PeopleService) CreateConversation(p CreateConversationParams) (*chat.Conversation, error) {
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
		conv, msg, _, err := c.CreateConversation(ctx, nc)
		return started{conv, msg}, err
	})
	if err != nil {
		return nil, err
	}
	if st, e := s.Session.store(); e == nil {
		var msgs []*chat.Message
		if r.msg != nil {
			msgs = append(msgs, r.msg)
		}
		if err := st.StoreSnapshot(context.Background(), []*chat.Conversation{r.conv}, msgs, nil, nil); err != nil {
			return nil, err
		}
		s.Session.Emit.Emit(EventInbox, InboxChange{Live: true})
	}
	return r.conv, nil
}

// SetTimeZone records my IANA time zone (the frontend reads it from the
// system at every sign-in), so teammates see my local time.
func (s *PeopleService) SetTimeZone(tz string) (*chat.User, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.User, error) {
		return c.SetTimeZone(ctx, tz)
	})
}
