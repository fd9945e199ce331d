package postgres

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// CreateSession stores a session by token hash.
func (s *Store) CreateSession(ctx context.Context, sess chat.Session) (*chat.Session, error) {
	if err := chat.CheckNewSession(sess); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *Tx) error {
		sess.CreatedAt = tx.now
		return tx.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, customer_id, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, sess.TokenHash, nullID(sess.UserID), nullID(sess.CustomerID), ms(sess.CreatedAt), ms(sess.ExpiresAt)).Scan(&sess.ID)
	})
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// Authenticate resolves a token hash to its actor.
func (s *Store) Authenticate(ctx context.Context, tokenHash []byte, now time.Time) (chat.Actor, *chat.Session, error) {
	var sess chat.Session
	var userID, customerID sql.NullInt64
	var created, expires int64
	err := s.rdb.QueryRowContext(ctx, `SELECT id, token_hash, user_id, customer_id, created_at, expires_at
		FROM sessions WHERE token_hash = ?`, tokenHash).
		Scan(&sess.ID, &sess.TokenHash, &userID, &customerID, &created, &expires)
	// The lookup is by a SHA-256 of a 256-bit random token, so its timing
	// tells nothing; the explicit constant-time check guards the equality
	// the index lookup implies.
	if err == sql.ErrNoRows || (err == nil && subtle.ConstantTimeCompare(sess.TokenHash, tokenHash) != 1) {
		return chat.Actor{}, nil, chat.TokenUnknown()
	} else if err != nil {
		return chat.Actor{}, nil, dbErr(err)
	}
	sess.UserID, sess.CustomerID = userID.Int64, customerID.Int64
	sess.CreatedAt, sess.ExpiresAt = fromMS(created), fromMS(expires)
	if !now.Before(sess.ExpiresAt) {
		return chat.Actor{}, nil, chat.TokenExpired()
	}
	if sess.UserID != 0 {
		u, err := findUser(ctx, s.rdb, sess.UserID)
		if err != nil {
			return chat.Actor{}, nil, chat.TokenUnknown()
		}
		if !u.Active {
			return chat.Actor{}, nil, chat.AccountDeactivated()
		}
		return u.Actor(sess.ID), &sess, nil
	}
	var name string
	var erased sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, `SELECT name, erased_at FROM customers WHERE id = ?`, sess.CustomerID).Scan(&name, &erased); err != nil {
		return chat.Actor{}, nil, chat.TokenUnknown()
	}
	if erased.Valid {
		return chat.Actor{}, nil, chat.CustomerGone()
	}
	return chat.Actor{Kind: chat.KindCustomer, ID: sess.CustomerID, Name: name, SessionID: sess.ID}, &sess, nil
}

// DeleteSession revokes a session.
func (s *Store) DeleteSession(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
		return err
	})
}

// DeleteExpiredSessions removes sessions past expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, ms(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SessionActors returns, for each of the given sessions that still counts
// (not revoked, not expired at now, its user active or its customer not
// erased), who it acts for now (flags included). A cluster node uses it to
// find streams whose revocation it may have missed (backend/cluster).
func (s *Store) SessionActors(ctx context.Context, ids []int64) (map[int64]chat.Actor, error) {
	out := map[int64]chat.Actor{}
	if len(ids) == 0 {
		return out, nil
	}
	list, _ := json.Marshal(ids)
	rows, err := s.rdb.QueryContext(ctx, `SELECT s.id, COALESCE(s.user_id, 0), COALESCE(s.customer_id, 0),
			COALESCE(u.name, c.name, ''), COALESCE(u.admin, false), COALESCE(u.support, false)
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id LEFT JOIN customers c ON c.id = s.customer_id
		WHERE s.id IN (SELECT value::bigint FROM json_array_elements_text(?::json)) AND s.expires_at > ?
			AND (u.active OR (s.customer_id IS NOT NULL AND c.erased_at IS NULL))`, string(list), ms(s.now()))
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, userID, customerID int64
		var a chat.Actor
		if err := rows.Scan(&id, &userID, &customerID, &a.Name, &a.Admin, &a.Support); err != nil {
			return nil, dbErr(err)
		}
		a.SessionID = id
		if userID != 0 {
			a.Kind, a.ID = chat.KindUser, userID
		} else {
			a.Kind, a.ID = chat.KindCustomer, customerID
		}
		out[id] = a
	}
	return out, dbErr(rows.Err())
}
