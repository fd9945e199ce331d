package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

const customerColumns = `id, name, email, first_seen, last_seen, page_url, browser, language, time_zone, erased_at`

func scanCustomer(row interface{ Scan(...any) error }) (*chat.Customer, error) {
	var c chat.Customer
	var first, last int64
	var erased sql.NullInt64
	if err := row.Scan(&c.ID, &c.Name, &c.Email, &first, &last, &c.PageURL, &c.Browser, &c.Language, &c.TimeZone, &erased); err != nil {
		return nil, err
	}
	c.FirstSeen, c.LastSeen, c.ErasedAt = fromMS(first), fromMS(last), fromNullMS(erased)
	return &c, nil
}

func findCustomer(ctx context.Context, q queryer, id int64) (*chat.Customer, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, chat.CustomerNotFound(id)
	}
	return c, dbErr(err)
}

// CreateCustomer adds a customer.
func (s *Store) CreateCustomer(ctx context.Context, info chat.CustomerInfo) (*chat.Customer, error) {
	info, err := chat.CheckCustomerInfo(info)
	if err != nil {
		return nil, err
	}
	var c *chat.Customer
	err = s.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO customers (name, email, first_seen, last_seen, page_url, browser, language, time_zone)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, info.Name, info.Email, ms(tx.now), ms(tx.now),
			info.PageURL, info.Browser, info.Language, info.TimeZone).Scan(&id)
		if err != nil {
			return err
		}
		c, err = findCustomer(ctx, tx, id)
		return err
	})
	return c, err
}

// refuseErased answers chat.CustomerGone for a customer erased since they
// authenticated: a request in flight when the erasure committed must not
// write their data back.
func refuseErased(ctx context.Context, q queryer, a chat.Actor) error {
	if !a.IsCustomer() {
		return nil
	}
	var erased sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT erased_at FROM customers WHERE id = ?`, a.ID).Scan(&erased); err != nil {
		return err
	}
	if erased.Valid {
		return chat.CustomerGone()
	}
	return nil
}

// FindCustomerByID returns a customer the actor may see.
func (s *Store) FindCustomerByID(ctx context.Context, a chat.Actor, id int64) (*chat.Customer, error) {
	if err := canSeeCustomer(ctx, s.rdb, a, id); err != nil {
		return nil, err
	}
	return findCustomer(ctx, s.rdb, id)
}

// canSeeCustomer: the customer themself, a support user, or a participant
// in one of the customer's conversations.
func canSeeCustomer(ctx context.Context, q queryer, a chat.Actor, id int64) error {
	notFound := chat.CustomerNotFound(id)
	switch {
	case a.IsCustomer():
		if a.ID != id {
			return notFound
		}
		return nil
	case a.IsUser():
		var ok bool
		err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE id = :id AND (:support
			OR EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = :id AND `+memberOf+`)))`,
			sql.Named("id", id), sql.Named("support", a.Support), sql.Named("aid", a.ID)).Scan(&ok)
		if err != nil {
			return dbErr(err)
		}
		if !ok {
			return notFound
		}
		return nil
	}
	return notFound
}

// UpdateCustomer records a visit and what the widget reports.
func (s *Store) UpdateCustomer(ctx context.Context, a chat.Actor, id int64, info chat.CustomerInfo) (*chat.Customer, error) {
	if err := chat.CanUpdateCustomer(a, id); err != nil {
		return nil, err
	}
	info, err := chat.CheckCustomerInfo(info)
	if err != nil {
		return nil, err
	}
	var c *chat.Customer
	err = s.write(ctx, func(tx *Tx) error {
		if err := refuseErased(ctx, tx, a); err != nil {
			return err
		}
		old, err := findCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET last_seen = ?,
			name = COALESCE(NULLIF(?, ''), name), email = COALESCE(NULLIF(?, ''), email),
			page_url = COALESCE(NULLIF(?, ''), page_url), browser = COALESCE(NULLIF(?, ''), browser),
			language = COALESCE(NULLIF(?, ''), language), time_zone = COALESCE(NULLIF(?, ''), time_zone)
			WHERE id = ?`, ms(tx.now), info.Name, info.Email, info.PageURL, info.Browser, info.Language, info.TimeZone, id); err != nil {
			return err
		}
		if c, err = findCustomer(ctx, tx, id); err != nil {
			return err
		}
		// A visit alone (last seen, page) is not worth waking every agent;
		// a new name or e-mail is.
		if c.Name == old.Name && c.Email == old.Email {
			return nil
		}
		return tx.appendEvent(ctx, &chat.Event{Type: chat.EventCustomerUpdated, Scope: chat.ScopeCustomer, CustomerID: id}, c)
	})
	return c, err
}

// FindCustomerDetails returns the customer panel.
func (s *Store) FindCustomerDetails(ctx context.Context, a chat.Actor, id int64) (*chat.CustomerDetails, error) {
	if err := chat.CanReadCustomerDetails(a); err != nil {
		return nil, err
	}
	c, err := s.FindCustomerByID(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &chat.CustomerDetails{Customer: *c, Conversations: []chat.ConversationRef{}, Items: []chat.ItemRef{}}
	if loc, err := time.LoadLocation(c.TimeZone); err == nil && c.TimeZone != "" {
		d.LocalTime = s.now().In(loc).Format(time.RFC3339)
	}
	args := append(visibilityArgs(a), sql.Named("cust", id))
	rows, err := s.rdb.QueryContext(ctx, `SELECT c.id, c.kind, c.status, c.last_activity_at FROM conversations c
		WHERE c.customer_id = :cust AND `+conversationVisible+` ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	for rows.Next() {
		r := chat.ConversationRef{CustomerName: c.Name}
		var at int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.Status, &at); err != nil {
			rows.Close()
			return nil, dbErr(err)
		}
		r.LastActivityAt = fromMS(at)
		d.Conversations = append(d.Conversations, r)
	}
	rows.Close()
	rows, err = s.rdb.QueryContext(ctx, `SELECT id, type, title, status FROM items WHERE requester_id = ? ORDER BY id DESC LIMIT 200`, id)
	if err != nil {
		return nil, dbErr(err)
	}
	if d.Items, err = scanItemRefs(rows); err != nil {
		return nil, dbErr(err)
	}
	return d, nil
}
