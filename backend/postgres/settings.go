package postgres

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/deskchat/deskchat/backend/chat"
)

const settingsKey = "helpdesk"

// loadSettings reads the settings over the defaults.
func loadSettings(ctx context.Context, q queryer) (*chat.Settings, error) {
	st := chat.DefaultSettings()
	var raw string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingsKey).Scan(&raw)
	if err == sql.ErrNoRows {
		return &st, nil
	} else if err != nil {
		return nil, dbErr(err)
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return nil, err
	}
	if st.AllowedOrigins == nil {
		st.AllowedOrigins = []string{}
	}
	return &st, nil
}

// Settings returns the helpdesk settings.
func (s *Store) Settings(ctx context.Context) (*chat.Settings, error) {
	return loadSettings(ctx, s.rdb)
}

// saveSettings stores st and publishes it to the team and, in its public
// form, to every widget.
func (tx *Tx) saveSettings(ctx context.Context, st *chat.Settings) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		settingsKey, string(marshal(st)), ms(tx.now)); err != nil {
		return err
	}
	if err := tx.appendEvent(ctx, &chat.Event{Type: chat.EventHelpdeskUpdated, Scope: chat.ScopeTeam}, st); err != nil {
		return err
	}
	return tx.appendEvent(ctx, &chat.Event{Type: chat.EventWidgetConfig, Scope: chat.ScopeAll}, st.Widget())
}

// UpdateSettings changes the admin options.
func (s *Store) UpdateSettings(ctx context.Context, a chat.Actor, upd chat.SettingsUpdate) (*chat.Settings, error) {
	if err := chat.CanUpdateSettings(a); err != nil {
		return nil, err
	}
	var st *chat.Settings
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		if st, err = loadSettings(ctx, tx); err != nil {
			return err
		}
		if err := st.Apply(upd); err != nil {
			return err
		}
		return tx.saveSettings(ctx, st)
	})
	return st, err
}

// SetOnline flips the helpdesk switch.
func (s *Store) SetOnline(ctx context.Context, a chat.Actor, online bool) (*chat.Settings, error) {
	if err := chat.CanSetOnline(a); err != nil {
		return nil, err
	}
	var st *chat.Settings
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		if st, err = loadSettings(ctx, tx); err != nil {
			return err
		}
		if st.Online == online {
			return nil
		}
		st.Online, st.OnlineChangedAt = online, tx.now
		return tx.saveSettings(ctx, st)
	})
	return st, err
}

// offlineReply posts the offline message once per conversation and offline
// period, when the helpdesk is offline and the option is on. The customer's
// own message is already stored: nothing they write waits for this.
func (tx *Tx) offlineReply(ctx context.Context, convID int64) error {
	st, err := loadSettings(ctx, tx)
	if err != nil || st.Online || !st.OfflineAutoReply || !chat.Visible(st.OfflineMessage) {
		return err
	}
	var already bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ?
		AND system = 'offline_reply' AND created_at >= ?)`, convID, ms(st.OnlineChangedAt)).Scan(&already); err != nil || already {
		return err
	}
	_, err = tx.insertMessage(ctx, chat.Actor{Kind: chat.KindSystem}, convID, st.OfflineMessage, note{code: chat.NoteOfflineReply, params: chat.OfflineReplyParams(st)}, "")
	return err
}

// SetUserTimeZone records the actor's IANA time zone.
func (s *Store) SetUserTimeZone(ctx context.Context, a chat.Actor, tz string) (*chat.User, error) {
	if err := chat.CanSetTimeZone(a); err != nil {
		return nil, err
	}
	tz, err := chat.CheckTimeZone(tz, false)
	if err != nil {
		return nil, err
	}
	var u *chat.User
	err = s.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET time_zone = ? WHERE id = ?`, tz, a.ID); err != nil {
			return err
		}
		var err error
		if u, err = findUser(ctx, tx, a.ID); err != nil {
			return err
		}
		return tx.appendEvent(ctx, &chat.Event{Type: chat.EventUserUpdated, Scope: chat.ScopeTeam}, u)
	})
	return u, err
}
