package storesql

import (
	"context"
	"database/sql"
	"errors"
)

// ItemByClientID is the item creator made under clientID (chat.NewItem's
// ClientID: an outbox sending a create again), if any: the number and
// true, or 0 and false.
func ItemByClientID(ctx context.Context, r Reader, creator int64, clientID string) (int64, bool, error) {
	var number int64
	err := r.QueryRowContext(ctx, `SELECT id FROM items WHERE creator_id = ? AND client_id = ?`, creator, clientID).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return number, err == nil, err
}
