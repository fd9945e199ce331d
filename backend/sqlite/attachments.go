package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/storesql"
)

// The attachments' SQL is shared with the other store (backend/storesql);
// here are the transactions and this store's visibility rule.

// CreateUpload records an upload; see chat.AttachmentStore.
func (s *Store) CreateUpload(ctx context.Context, a chat.Actor, u *chat.Upload) (*chat.Upload, error) {
	if err := chat.SignedIn(a); err != nil {
		return nil, err
	}
	var out chat.Upload
	err := s.write(ctx, func(tx *Tx) error {
		if err := refuseErased(ctx, tx, a); err != nil {
			return err
		}
		out = *u
		return storesql.CreateUpload(ctx, tx, a, &out, ms(tx.now))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// FindAttachment returns an attachment the actor may read; see
// chat.AttachmentStore.
func (s *Store) FindAttachment(ctx context.Context, a chat.Actor, id string) (*chat.Upload, error) {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, dbErr(err)
	}
	defer tx.Rollback()
	u, err := storesql.FindAttachment(ctx, tx, a, id, func(msgID int64) error {
		_, err := visibleMessage(ctx, tx, a, msgID)
		return err
	})
	if err != nil {
		return nil, dbErr(err)
	}
	return u, nil
}

// attach gives message msgID the actor's waiting uploads (storesql.Attach).
func (tx *Tx) attach(ctx context.Context, a chat.Actor, msgID int64, ids []string) error {
	return storesql.Attach(ctx, tx, a, msgID, ids)
}

// scanAttachments decodes a message's attachments column.
func scanAttachments(raw string) ([]chat.Attachment, error) { return storesql.ScanAttachments(raw) }

// releaseAttachments removes the attachments where selects and releases
// their blobs (storesql.Release).
func (tx *Tx) releaseAttachments(ctx context.Context, where string, args ...any) (int, error) {
	return storesql.Release(ctx, tx, ms(tx.now), where, args...)
}

// DiscardUpload removes a waiting upload of the actor's; see
// chat.AttachmentStore.
func (s *Store) DiscardUpload(ctx context.Context, a chat.Actor, id string) error {
	if err := chat.SignedIn(a); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error { return storesql.DiscardUpload(ctx, tx, a, id, ms(tx.now)) })
}

// PruneUploads removes uploads never sent; see chat.AttachmentStore.
func (s *Store) PruneUploads(ctx context.Context, before time.Time) (int, error) {
	var n int
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.releaseAttachments(ctx, `message_id IS NULL AND created_at < ?`, ms(before))
		return err
	})
	return n, err
}

// ReleasedBlobs returns released blobs no attachment uses; see
// chat.AttachmentStore.
func (s *Store) ReleasedBlobs(ctx context.Context, limit int) ([]string, error) {
	var keys []string
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		keys, err = storesql.ReleasedBlobs(ctx, tx, limit)
		return err
	})
	return keys, err
}

// ForgetBlobs drops keys from the released blobs.
func (s *Store) ForgetBlobs(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *Tx) error { return storesql.ForgetBlobs(ctx, tx, keys) })
}

// BlobsInUse returns which of keys an attachment uses.
func (s *Store) BlobsInUse(ctx context.Context, keys []string) (map[string]bool, error) {
	used, err := storesql.BlobsInUse(ctx, s.rdb, keys)
	return used, dbErr(err)
}
