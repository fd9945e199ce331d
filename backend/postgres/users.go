package postgres

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/deskchat/deskchat/backend/chat"
)

const userColumns = `id, email, name, admin, support, active, time_zone, created_at`

func scanUser(row interface{ Scan(...any) error }) (*chat.User, error) {
	var u chat.User
	var created int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Admin, &u.Support, &u.Active, &u.TimeZone, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

// CreateUser adds a team member (chat.CanCreateUser, chat.CheckNewUser).
func (s *Store) CreateUser(ctx context.Context, a chat.Actor, nu chat.NewUser) (*chat.User, error) {
	if err := chat.CanCreateUser(a); err != nil {
		return nil, err
	}
	if err := chat.CheckNewUser(&nu); err != nil {
		return nil, err
	}
	var u *chat.User
	err := s.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, admin, support, active, created_at)
			VALUES (?, ?, ?, ?, ?, true, ?) RETURNING id`, nu.Email, nu.Name, nu.PasswordHash, nu.Admin, nu.Support, ms(tx.now)).Scan(&id)
		if err != nil {
			if chat.ErrorCode(dbErr(err)) == chat.EConflict {
				return chat.EmailTaken(nu.Email)
			}
			return err
		}

		if u, err = findUser(ctx, tx, id); err != nil {
			return err
		}
		return tx.appendEvent(ctx, &chat.Event{Type: chat.EventUserCreated, Scope: chat.ScopeTeam}, u)
	})
	return u, err
}

func findUser(ctx context.Context, q queryer, id int64) (*chat.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, chat.UserNotFound(id)
	}
	return u, dbErr(err)
}

// FindUserByID returns a user.
func (s *Store) FindUserByID(ctx context.Context, id int64) (*chat.User, error) {
	return findUser(ctx, s.rdb, id)
}

// FindUserCredentials returns the user and password hash for an e-mail.
func (s *Store) FindUserCredentials(ctx context.Context, email string) (*chat.User, string, error) {
	email, err := chat.CheckEmail(email, false)
	if err != nil {
		return nil, "", chat.NoSuchLogin()
	}
	var hash string
	var u chat.User
	var created int64
	err = s.rdb.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = ?`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Admin, &u.Support, &u.Active, &u.TimeZone, &created, &hash)
	if err == sql.ErrNoRows {
		return nil, "", chat.NoSuchLogin()
	} else if err != nil {
		return nil, "", dbErr(err)
	}
	u.CreatedAt = fromMS(created)
	return &u, hash, nil
}

// ListUsers returns every user by name.
func (s *Store) ListUsers(ctx context.Context) ([]*chat.User, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY lower(name) COLLATE "C", id`)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	var out []*chat.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbErr(err)
		}
		out = append(out, u)
	}
	return out, dbErr(rows.Err())
}

// UpdateUser changes name and flags (chat.CanUpdateUser); deactivation
// revokes all sessions.
func (s *Store) UpdateUser(ctx context.Context, a chat.Actor, id int64, upd chat.UserUpdate) (*chat.User, error) {
	if err := chat.CanUpdateUser(a, id, upd); err != nil {
		return nil, err
	}
	if err := chat.CheckUserUpdate(&upd); err != nil {
		return nil, err
	}
	var u *chat.User
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		if u, err = findUser(ctx, tx, id); err != nil {
			return err
		}
		if upd.Name != nil {
			u.Name = *upd.Name
		}
		if upd.Admin != nil {
			u.Admin = *upd.Admin
		}
		if upd.Support != nil {
			u.Support = *upd.Support
		}
		if upd.Active != nil {
			u.Active = *upd.Active
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, admin = ?, support = ?, active = ? WHERE id = ?`,
			u.Name, u.Admin, u.Support, u.Active, id); err != nil {
			return err
		}
		if !u.Active {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		if err := tx.appendEvent(ctx, &chat.Event{Type: chat.EventUserUpdated, Scope: chat.ScopeTeam}, u); err != nil {
			return err
		}
		// Assignees are active support users (chat.CanBeAssigned): one who
		// no longer is gives their open conversations back to the queue.
		if chat.CanBeAssigned(u.ID, u) != nil {
			_, err := tx.release(ctx, u.ID, chat.ReleaseNotAgent)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SetUserPassword stores a new hash and revokes the user's other sessions.
func (s *Store) SetUserPassword(ctx context.Context, id int64, hash string, keepSessionID int64) error {
	if err := chat.CheckPasswordHash(hash); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return chat.UserNotFound(id)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, id, keepSessionID)
		return err
	})
}

// marshal encodes event data; our types always encode.
func marshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("postgres: marshal event data: " + err.Error())
	}
	return b
}
