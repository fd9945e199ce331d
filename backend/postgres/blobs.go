package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"time"

	"github.com/deskchat/deskchat/backend/blob"
)

// Blobs is the blob.Store of a cluster: the table blobs in the same
// database, so every node reads every file, a backup holds the files with
// the messages that carry them, and an erasure leaves no copy in a second
// system. A file is at most chat.MaxFileBytesLimit (50 MB), far below
// bytea's 1 GB, and stored out of line (STORAGE EXTERNAL: images and
// archives do not compress). An S3-compatible store would fit the same
// interface for deployments whose files outgrow the database.
type Blobs struct{ s *Store }

// Blobs returns the store's blob.Store.
func (s *Store) Blobs() *Blobs { return &Blobs{s} }

// dbNow is the database's clock in Unix milliseconds: touch times and the
// sweeper's grace are measured by it, so nodes whose clocks differ agree.
const dbNow = `(extract(epoch from clock_timestamp()) * 1000)::bigint`

// Put stores data under key; see blob.Store.
func (b *Blobs) Put(ctx context.Context, key string, data []byte) error {
	res, err := b.s.rdb.ExecContext(ctx, `UPDATE blobs SET touched_at = `+dbNow+` WHERE key = ?`, key)
	if err != nil {
		return dbErr(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	_, err = b.s.rdb.ExecContext(ctx, `INSERT INTO blobs (key, data, touched_at) VALUES (?, ?, `+dbNow+`)
		ON CONFLICT (key) DO UPDATE SET touched_at = excluded.touched_at`, key, data)
	return dbErr(err)
}

type readSeekNopCloser struct{ *bytes.Reader }

func (readSeekNopCloser) Close() error { return nil }

// Open reads a blob into memory; see blob.Store.
func (b *Blobs) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	var data []byte
	err := b.s.rdb.QueryRowContext(ctx, `SELECT data FROM blobs WHERE key = ?`, key).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, blob.ErrNotFound
	} else if err != nil {
		return nil, dbErr(err)
	}
	return readSeekNopCloser{bytes.NewReader(data)}, nil
}

// Delete removes a blob not touched within grace; see blob.Store.
func (b *Blobs) Delete(ctx context.Context, key string, grace time.Duration) (bool, error) {
	var gone bool
	err := b.s.rdb.QueryRowContext(ctx, `WITH d AS (DELETE FROM blobs WHERE key = ? AND touched_at < `+dbNow+` - ? RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM d) OR NOT EXISTS (SELECT 1 FROM blobs WHERE key = ?)`, key, grace.Milliseconds(), key).Scan(&gone)
	return gone, dbErr(err)
}

// Walk calls fn for every blob; see blob.Store.
func (b *Blobs) Walk(ctx context.Context, fn func(key string, touched time.Time) error) error {
	rows, err := b.s.rdb.QueryContext(ctx, `SELECT key, touched_at FROM blobs`)
	if err != nil {
		return dbErr(err)
	}
	defer rows.Close()
	type kt struct {
		key string
		at  int64
	}
	var all []kt
	for rows.Next() {
		var k kt
		if err := rows.Scan(&k.key, &k.at); err != nil {
			return dbErr(err)
		}
		all = append(all, k)
	}
	if err := rows.Err(); err != nil {
		return dbErr(err)
	}
	rows.Close()
	for _, k := range all {
		if err := fn(k.key, time.UnixMilli(k.at)); err != nil {
			return err
		}
	}
	return nil
}
