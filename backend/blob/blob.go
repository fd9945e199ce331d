// Package blob keeps the bytes of attachments, content-addressed: a blob's
// key is the sha-256 (hex) of its bytes, so the same file stored twice is
// stored once, and a key names its bytes for good.
//
// Two stores implement Store: Dir, a folder beside the SQLite database
// (the embedded default, one node), and postgres.Blobs, a table every node
// of a cluster reads. A blob is never visible half-written: Put makes it
// visible at once or not at all.
//
// Blobs are shared by every attachment with the same bytes, so none is
// deleted while an attachment uses it: the chat store records the blobs
// an attachment released (a delete, an erasure, an upload never sent) and
// the server's sweeper deletes those no attachment uses any more. A Put
// of bytes already stored refreshes the blob's touch time, and Delete
// spares a blob touched within its grace: an upload between its Put and
// the commit of its row is never swept from under it.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"time"
)

// ErrNotFound is Open's answer for a key the store does not hold.
var ErrNotFound = errors.New("blob: not found")

// Store keeps blobs.
type Store interface {
	// Put stores data under key (Key(data)); when the key is there
	// already it only refreshes its touch time. The blob is durable when
	// Put returns.
	Put(ctx context.Context, key string, data []byte) error
	// Open returns a blob for reading (and seeking: HTTP ranges), or
	// ErrNotFound.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Delete removes a blob unless it was touched within grace (by the
	// store's own clock, so nodes whose clocks differ agree), and reports
	// whether the blob is gone: deleted now, or not there at all.
	Delete(ctx context.Context, key string, grace time.Duration) (gone bool, err error)
	// Walk calls fn for every blob with its touch time, in no order.
	Walk(ctx context.Context, fn func(key string, touched time.Time) error) error
}

// Key is the content address of data: its sha-256 in lower-case hex.
func Key(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ValidKey reports whether key has Key's shape (64 lower-case hex
// digits), so that no key can name a path outside a store.
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
