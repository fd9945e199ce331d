package app

import (
	"context"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// ItemService turns conversations into tickets and tasks, links them to
// existing items and edits item details. Items are shared team state, so
// these calls need the server; the sync engine then brings the change into
// the local store like any other event.
type ItemService struct {
	Session *SessionService
}

// ProposeParams ask for a pre-filled item form.
type ProposeParams struct {
	ConversationID int64         `json:"conversation_id"`
	Type           chat.ItemType `json:"type"`
}

// Propose returns the server's suggestion for a new item from a
// conversation: title, description (transcript) and requester.
func (s *ItemService) Propose(p ProposeParams) (*chat.NewItem, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.NewItem, error) {
		return c.ProposeItem(ctx, p.ConversationID, p.Type)
	})
}

// Create creates the item (linked to ni.ConversationID when set).
func (s *ItemService) Create(ni chat.NewItem) (*chat.Item, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.CreateItem(ctx, ni)
	})
}

// Find looks items up by number ("12", "#12") or title words.
func (s *ItemService) Find(q string) ([]*chat.ItemRef, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) ([]*chat.ItemRef, error) {
		return c.FindItems(ctx, q)
	})
}

// Get returns an item's details; offline, the copy in the local store.
func (s *ItemService) Get(number int64) (*chat.Item, error) {
	it, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.Item(ctx, number)
	})
	return orLocal(s.Session, it, err, func(ctx context.Context, st *localstore.Store) (*chat.Item, error) {
		return st.Item(ctx, number)
	})
}

// UpdateItemParams change an item; nil fields stay as they are.
type UpdateItemParams struct {
	Number int64 `json:"number"`
	chat.ItemUpdate
}

// Update changes title, description, status, priority or requester.
func (s *ItemService) Update(p UpdateItemParams) (*chat.Item, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.UpdateItem(ctx, p.Number, p.ItemUpdate)
	})
}

// RoleParams add or remove an assignee or follower.
type RoleParams struct {
	Number int64         `json:"number"`
	UserID int64         `json:"user_id"`
	Role   chat.ItemRole `json:"role"` // assignee or follower
	On     bool          `json:"on"`
}

// SetRole assigns/unassigns or follows/unfollows.
func (s *ItemService) SetRole(p RoleParams) (*chat.Item, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.SetItemRole(ctx, p.Number, p.UserID, p.Role, p.On)
	})
}

// LinkParams link a conversation to an item; number 0 unlinks.
type LinkParams struct {
	ConversationID int64 `json:"conversation_id"`
	Number         int64 `json:"number"`
}

// Link links (or unlinks) a conversation.
func (s *ItemService) Link(p LinkParams) (*chat.Conversation, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Conversation, error) {
		return c.Link(ctx, p.ConversationID, p.Number)
	})
}
