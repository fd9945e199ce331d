package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

const uploadColumns = `id, uploader_kind, uploader_id, COALESCE(message_id, 0), name, type, size, image, width, height,
	blob, COALESCE(thumb_blob, ''), COALESCE(thumb_type, ''), created_at`

func scanUpload(row interface{ Scan(...any) error }) (*chat.Upload, error) {
	var u chat.Upload
	var created int64
	if err := row.Scan(&u.ID, &u.Uploader.Kind, &u.Uploader.ID, &u.MessageID, &u.Name, &u.Type, &u.Size, &u.Image,
		&u.Width, &u.Height, &u.Blob, &u.ThumbBlob, &u.ThumbType, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

// CreateUpload records an upload; see chat.AttachmentStore.
func (s *Store) CreateUpload(ctx context.Context, a chat.Actor, u *chat.Upload) (*chat.Upload, error) {
	if err := chat.SignedIn(a); err != nil {
		return nil, err
	}
	out := *u
	out.ID, out.Uploader, out.MessageID = chat.NewAttachmentID(), chat.Author{Kind: a.Kind, ID: a.ID}, 0
	err := s.write(ctx, func(tx *Tx) error {
		if err := refuseErased(ctx, tx, a); err != nil {
			return err
		}
		var waiting int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE uploader_kind = ? AND uploader_id = ?
			AND message_id IS NULL`, string(a.Kind), a.ID).Scan(&waiting); err != nil {
			return err
		}
		if waiting >= chat.MaxWaitingUploads {
			return chat.TooManyWaiting()
		}
		out.CreatedAt = fromMS(ms(tx.now))
		_, err := tx.ExecContext(ctx, `INSERT INTO attachments (id, uploader_kind, uploader_id, name, type, size, image, width, height,
			blob, thumb_blob, thumb_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			out.ID, string(a.Kind), a.ID, out.Name, out.Type, out.Size, out.Image, out.Width, out.Height,
			out.Blob, nullString(out.ThumbBlob), nullString(out.ThumbType), ms(tx.now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// FindAttachment returns an attachment the actor may read; see
// chat.AttachmentStore.
func (s *Store) FindAttachment(ctx context.Context, a chat.Actor, id string) (*chat.Upload, error) {
	if err := chat.SignedIn(a); err != nil {
		return nil, err
	}
	if !chat.ValidAttachmentID(id) {
		return nil, chat.AttachmentNotFound()
	}
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := scanUpload(tx.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM attachments WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, chat.AttachmentNotFound()
	} else if err != nil {
		return nil, dbErr(err)
	}
	if u.MessageID == 0 {
		if !chat.CanSeeUpload(a, u) {
			return nil, chat.AttachmentNotFound()
		}
		return u, nil
	}
	if _, err := visibleMessage(ctx, tx, a, u.MessageID); chat.ErrorCode(err) == chat.ENotFound {
		return nil, chat.AttachmentNotFound()
	} else if err != nil {
		return nil, dbErr(err)
	}
	return u, nil
}

// attach gives message msgID the actor's waiting uploads ids, in order,
// and stores what clients see of them on the message. An id that is not
// the actor's waiting upload is EInvalid (chat.AttachmentUnknown).
func (tx *Tx) attach(ctx context.Context, a chat.Actor, msgID int64, ids []string) error {
	list := make([]chat.Attachment, 0, len(ids))
	for i, id := range ids {
		res, err := tx.ExecContext(ctx, `UPDATE attachments SET message_id = ?, position = ? WHERE id = ? AND message_id IS NULL
			AND uploader_kind = ? AND uploader_id = ?`, msgID, i, id, string(a.Kind), a.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return chat.AttachmentUnknown(id)
		}
		u, err := scanUpload(tx.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM attachments WHERE id = ?`, id))
		if err != nil {
			return err
		}
		list = append(list, u.Attachment)
	}
	_, err := tx.ExecContext(ctx, `UPDATE messages SET attachments = ? WHERE id = ?`, string(marshal(list)), msgID)
	return err
}

// scanAttachments decodes a message's attachments column.
func scanAttachments(raw string) ([]chat.Attachment, error) {
	if raw == "" {
		return nil, nil
	}
	var list []chat.Attachment
	return list, json.Unmarshal([]byte(raw), &list)
}

// releaseAttachments removes the attachments where selects (over
// attachments) and records their blobs as released, for the sweeper.
func (tx *Tx) releaseAttachments(ctx context.Context, where string, args ...any) (int, error) {
	for _, col := range []string{"blob", "thumb_blob"} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO released_blobs (blob, released_at)
			SELECT DISTINCT `+col+`, CAST(? AS BIGINT) FROM attachments WHERE `+col+` IS NOT NULL AND (`+where+`)
			ON CONFLICT (blob) DO UPDATE SET released_at = excluded.released_at`, append([]any{ms(tx.now)}, args...)...); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE `+where, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// DiscardUpload removes a waiting upload of the actor's; see
// chat.AttachmentStore.
func (s *Store) DiscardUpload(ctx context.Context, a chat.Actor, id string) error {
	if err := chat.SignedIn(a); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		n, err := tx.releaseAttachments(ctx, `id = ? AND message_id IS NULL AND uploader_kind = ? AND uploader_id = ?`, id, string(a.Kind), a.ID)
		if err == nil && n == 0 {
			return chat.AttachmentNotFound()
		}
		return err
	})
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
		keys = nil
		if _, err := tx.ExecContext(ctx, `DELETE FROM released_blobs WHERE blob IN (SELECT blob FROM attachments)
			OR blob IN (SELECT thumb_blob FROM attachments WHERE thumb_blob IS NOT NULL)`); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT blob FROM released_blobs ORDER BY released_at LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return err
			}
			keys = append(keys, k)
		}
		return rows.Err()
	})
	return keys, err
}

// ForgetBlobs drops keys from the released blobs.
func (s *Store) ForgetBlobs(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM released_blobs WHERE blob IN (`+placeholders(len(keys))+`)`, strArgs(keys)...)
		return err
	})
}

// BlobsInUse returns which of keys an attachment uses.
func (s *Store) BlobsInUse(ctx context.Context, keys []string) (map[string]bool, error) {
	used := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		batch := keys[:n]
		keys = keys[n:]
		in := placeholders(len(batch))
		args := append(strArgs(batch), strArgs(batch)...)
		rows, err := s.rdb.QueryContext(ctx, `SELECT blob FROM attachments WHERE blob IN (`+in+`)
			UNION SELECT thumb_blob FROM attachments WHERE thumb_blob IN (`+in+`)`, args...)
		if err != nil {
			return nil, dbErr(err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, dbErr(err)
			}
			used[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, dbErr(err)
		}
	}
	return used, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func strArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
