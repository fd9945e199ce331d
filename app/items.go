package app

import (
	"context"
	"errors"
	"github.com/deskchat/deskchat/locales"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// ItemService turns conversations into tickets and tasks, links them to
// existing items and edits item details. Items are shared team state, so
// these calls need the server (a link made offline waits in the outbox);
// the sync engine then brings the change into the local store like any
// other event.
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
// Offline, the same rule over the local copy (chat.ProposeItem).
func (s *ItemService) ProposeItem(p ProposeItemParams) (*chat.NewItem, error) {
	ni, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.NewItem, error) {
		return c.ProposeItem(ctx, p.ConversationID, p.Type)
	})
	ni, err = orLocal(s.Session, ni, err, func(ctx context.Context, st *localstore.Store) (*chat.NewItem, error) {
		return st.ProposeItem(ctx, p.ConversationID, p.Type)
	})
	if err == nil {
		localizeProposal(ni, s.Session.Language())
	}
	return ni, err
}

// localizeProposal writes a proposal's fallback title and its summary
// (chat.ProposeItem's, in English) in lang, from the facts it was made
// from; in English the words are chat.ProposalSummary's.
func localizeProposal(ni *chat.NewItem, lang string) {
	if ni == nil || ni.Proposal == nil {
		return
	}
	f := ni.Proposal
	if f.FallbackTitle {
		ni.Title = locales.T(lang, "proposal.title", locales.Args{"number": f.ConversationID})
	}
	if f.Messages == 0 {
		ni.Description = locales.T(lang, "proposal.summary_empty", locales.Args{"number": f.ConversationID})
		return
	}
	layout := func(key string) string { return locales.T(lang, "proposal."+key, nil) }
	until := f.Last.UTC().Format(layout("until_layout"))
	if f.Last.UTC().Format("2006-01-02") != f.First.UTC().Format("2006-01-02") {
		until = f.Last.UTC().Format(layout("until_day_layout"))
	}
	ni.Description = locales.Put(locales.T(lang, "proposal.summary", locales.Args{"number": f.ConversationID, "count": f.Messages}),
		map[string]string{"from": f.First.UTC().Format(layout("from_layout")), "until": until})
}

// CreateItem creates the item (linked to ni.ConversationID when set).
// Offline it waits in the outbox like a reply and the answer is nil: the
// conversation shows it as pending, with Retry / Discard if the server
// refuses it, and the server creates it once (its client id) when the
// connection returns. Errors: those of chat.CheckNewItem at once.
func (s *ItemService) CreateItem(ni chat.NewItem) (*chat.Item, error) {
	ni.Proposal = nil // read-only: what the form was proposed from
	it, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Item, error) {
		return c.CreateItem(ctx, ni)
	})
	if !errors.Is(err, ErrOffline) {
		return it, err
	}
	if err := chat.CheckNewItem(&ni); err != nil {
		return nil, err
	}
	rt, err := s.Session.current()
	if err != nil {
		return nil, err
	}
	return nil, s.queue(rt, localstore.Entry{Kind: localstore.OutCreateItem, ConversationID: ni.ConversationID, Item: &ni})
}

// queue puts an item act made offline in the outbox, as a reply waits.
func (s *ItemService) queue(rt *signedIn, en localstore.Entry) error {
	return (&InboxService{Session: s.Session}).queue(rt.store, rt.engine, en)
}

// FindItems looks items up by number ("12", "#12") or title words;
// offline, in the local store (the same rules).
func (s *ItemService) FindItems(q string) ([]*chat.ItemRef, error) {
	refs, err := call(s.Session, func(ctx context.Context, c *client.Client) ([]*chat.ItemRef, error) {
		return c.FindItems(ctx, q)
	})
	return orLocal(s.Session, refs, err, func(ctx context.Context, st *localstore.Store) ([]*chat.ItemRef, error) {
		return st.FindItems(ctx, q, 0)
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

// LinkConversation links (or unlinks, number 0) a conversation; offline it
// is queued (see below).
func (s *ItemService) LinkConversation(p LinkParams) (*chat.Conversation, error) {
	c, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Conversation, error) {
		return c.LinkConversation(ctx, p.ConversationID, p.Number)
	})
	if !errors.Is(err, ErrOffline) {
		return c, err
	}
	// Offline: it waits in the outbox like a reply (the last choice for a
	// conversation wins), shown as pending, with Retry / Discard if the
	// server refuses it; the local copy changes when the server's event
	// comes back.
	rt, err := s.Session.current()
	if err != nil {
		return nil, err
	}
	if _, err := rt.store.FindItemByNumber(context.Background(), p.Number); p.Number != 0 && err != nil {
		return nil, s.Session.fail("desktop.errors.item_not_here")
	}
	if err := s.queue(rt, localstore.Entry{Kind: localstore.OutLinkConversation, ConversationID: p.ConversationID, ItemNumber: p.Number}); err != nil {
		return nil, err
	}
	return rt.store.FindConversationByID(context.Background(), p.ConversationID)
}
