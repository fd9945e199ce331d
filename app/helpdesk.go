package app

import (
	"context"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// HelpdeskService carries the online/offline switch and the admin options:
// widget texts, allowed origins and team members.
type HelpdeskService struct {
	Session *SessionService
}

// Settings returns the switch and options; offline, the last synced copy.
func (s *HelpdeskService) Settings() (*chat.Settings, error) {
	st, err := call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Settings, error) {
		return c.Settings(ctx)
	})
	return orLocal(s.Session, st, err, func(ctx context.Context, ls *localstore.Store) (*chat.Settings, error) {
		return ls.Settings(ctx)
	})
}

// SetOnline flips the helpdesk switch for the whole team and every widget.
func (s *HelpdeskService) SetOnline(online bool) (*chat.Settings, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Settings, error) {
		return c.SetOnline(ctx, online)
	})
}

// UpdateSettings changes admin options (admins only; the server checks).
func (s *HelpdeskService) UpdateSettings(upd chat.SettingsUpdate) (*chat.Settings, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.Settings, error) {
		return c.UpdateSettings(ctx, upd)
	})
}

// WidgetSnippet is the one tag a website embeds to show the widget.
func (s *HelpdeskService) WidgetSnippet() string {
	return `<script src="` + s.Session.Status().ServerURL + `/widget.js" async></script>`
}

// NewUserParams add a team member.
type NewUserParams struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Admin    bool   `json:"admin"`
	Support  bool   `json:"support"`
}

// CreateUser creates a team member (admins only).
func (s *HelpdeskService) CreateUser(p NewUserParams) (*chat.User, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.User, error) {
		return c.CreateUser(ctx, p.Email, p.Name, p.Password, p.Admin, p.Support)
	})
}

// UpdateUserParams change a team member's flags or deactivate them.
type UpdateUserParams struct {
	ID int64 `json:"id"`
	chat.UserUpdate
}

// UpdateUser changes admin/support flags, the name, or deactivates.
func (s *HelpdeskService) UpdateUser(p UpdateUserParams) (*chat.User, error) {
	return call(s.Session, func(ctx context.Context, c *client.Client) (*chat.User, error) {
		return c.UpdateUser(ctx, p.ID, p.UserUpdate)
	})
}
