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

// ProposeItemParams ask for a pre-filled item form.
type ProposeItemParams struct {
	ConversationID int64         `json:"conversation_id"`
	Type           chat.ItemType `json:"type"`
}

// ProposeItem returns the server's suggestion for a new item from a
// conversation: title, description (transcript) and requester.
func (s *ItemService) ProposeItem(p ProposeItemParams) (*chat.NewItem, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.NewItem, error) {
		return c.ProposeItem(ctx, p.ConversationID, p.Type)
	})
}

// CreateItem creates the item (linked to ni.ConversationID when set).
func (s *ItemService) CreateItem(ni chat.NewItem) (*chat.Item, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.CreateItem(ctx, ni)
	})
}

// FindItems looks items up by number ("12", "#12") or title words.
func (s *ItemService) FindItems(q string) ([]*chat.ItemRef, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) ([]*chat.ItemRef, error) {
		return c.FindItems(ctx, q)
	})
}

// FindItemByNumber returns an item's details; offline, the copy in the local store.
func (s *ItemService) FindItemByNumber(number int64) (*chat.Item, error) {
	it, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.FindItemByNumber(ctx, number)
	})
	return orLocal(s.Session, it, err, func(ctx context.Context, st *localstore.Store) (*chat.Item, error) {
		return st.FindItemByNumber(ctx, number)
	})
}

// UpdateItemParams change an item; nil fields stay as they are.
type UpdateItemParams struct {
	Number int64 `json:"number"`
	chat.ItemUpdate
}

// UpdateItem changes title, description, status, priority or requester.
func (s *ItemService) UpdateItem(p UpdateItemParams) (*chat.Item, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.UpdateItem(ctx, p.Number, p.ItemUpdate)
	})
}

// ItemRoleParams add or remove an assignee or follower.
type ItemRoleParams struct {
	Number int64         `json:"number"`
	UserID int64         `json:"user_id"`
	Role   chat.ItemRole `json:"role"` // assignee or follower
	On     bool          `json:"on"`
}

// SetItemRole assigns/unassigns or follows/unfollows.
func (s *ItemService) SetItemRole(p ItemRoleParams) (*chat.Item, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.SetItemRole(ctx, p.Number, p.UserID, p.Role, p.On)
	})
}

// LinkParams link a conversation to an item; number 0 unlinks.
type LinkParams struct {
	ConversationID int64 `json:"conversation_id"`
	Number         int64 `json:"number"`
}

// LinkConversation links (or unlinks) a conversation.
func (s *ItemService) LinkConversation(p LinkParams) (*chat.Conversation, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Conversation, error) {
		return c.LinkConversation(ctx, p.ConversationID, p.Number)
	})
}
