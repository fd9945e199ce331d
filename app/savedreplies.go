package app

import (
	"context"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// SavedReplyService keeps the saved replies the composer's "/" picker
// offers: the team's (admins manage them) and my own. The list is read
// from the local store, so it works offline; changes need the server
// (ErrOffline otherwise) and reach the local store as saved_reply events,
// their answer at once.
type SavedReplyService struct {
	Session *SessionService
}

// ListSavedReplies returns the team's saved replies and mine, by shortcut.
func (s *SavedReplyService) ListSavedReplies() ([]*chat.SavedReply, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	return st.ListSavedReplies(context.Background())
}

// CreateSavedReply adds one (Personal: mine; otherwise the team's, admins
// only).
func (s *SavedReplyService) CreateSavedReply(n chat.NewSavedReply) (*chat.SavedReply, error) {
	return s.change(func(ctx context.Context, c *client.Client) (*chat.SavedReply, error) {
		return c.CreateSavedReply(ctx, n)
	})
}

// UpdateSavedReplyParams change a saved reply; nil fields stay.
type UpdateSavedReplyParams struct {
	ID int64 `json:"id"`
	chat.SavedReplyUpdate
}

// UpdateSavedReply changes one.
func (s *SavedReplyService) UpdateSavedReply(p UpdateSavedReplyParams) (*chat.SavedReply, error) {
	return s.change(func(ctx context.Context, c *client.Client) (*chat.SavedReply, error) {
		return c.UpdateSavedReply(ctx, p.ID, p.SavedReplyUpdate)
	})
}

// DeleteSavedReply removes one.
func (s *SavedReplyService) DeleteSavedReply(id int64) error {
	_, err := s.change(func(ctx context.Context, c *client.Client) (*chat.SavedReply, error) {
		if err := c.DeleteSavedReply(ctx, id); err != nil {
			return nil, err
		}
		return &chat.SavedReply{ID: id}, nil
	})
	return err
}

// change calls the server and keeps its answer in the local store at once
// (a deleted reply, answered as its bare id, leaves it).
func (s *SavedReplyService) change(fn func(ctx context.Context, c *client.Client) (*chat.SavedReply, error)) (*chat.SavedReply, error) {
	r, err := call(s.Session, fn)
	if err != nil {
		return nil, err
	}
	if st, err := s.Session.store(); err == nil {
		st.KeepSavedReply(context.Background(), r)
		s.Session.Emit.Emit(EventInbox, InboxChange{Live: true})
	}
	return r, nil
}
