// Package storesql is the SQL the SQLite and PostgreSQL stores share word
// for word: both speak it through their own transactions (PostgreSQL's
// rewrites the ? placeholders), so each rule is written once and the
// conformance suite (storetest) holds both to it.
package storesql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// Reader runs queries (a read-only transaction, a pool).
type Reader interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// Writer is a write transaction.
type Writer interface {
	Reader
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

const uploadColumns = `id, uploader_kind, uploader_id, COALESCE(message_id, 0), name, type, size, image, width, height,
	blob, COALESCE(thumb_blob, ''), COALESCE(thumb_type, ''), created_at`

func scanUpload(row interface{ Scan(...any) error }) (*chat.Upload, error) {
	var u chat.Upload
	var created int64
	if err := row.Scan(&u.ID, &u.Uploader.Kind, &u.Uploader.ID, &u.MessageID, &u.Name, &u.Type, &u.Size, &u.Image,
		&u.Width, &u.Height, &u.Blob, &u.ThumbBlob, &u.ThumbType, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = time.UnixMilli(created).UTC()
	return &u, nil
}

// CreateUpload records u (its ID, Uploader and CreatedAt set here) for the
// actor at now (Unix ms): ETooManyFiles past chat.MaxWaitingUploads. The
// caller checks SignedIn and an erased customer first.
func CreateUpload(ctx context.Context, tx Writer, a chat.Actor, u *chat.Upload, now int64) error {
	var waiting int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE uploader_kind = ? AND uploader_id = ?
		AND message_id IS NULL`, string(a.Kind), a.ID).Scan(&waiting); err != nil {
		return err
	}
	if waiting >= chat.MaxWaitingUploads {
		return chat.TooManyWaiting()
	}
	u.ID, u.Uploader, u.MessageID, u.CreatedAt = chat.NewAttachmentID(), chat.Author{Kind: a.Kind, ID: a.ID}, 0, time.UnixMilli(now).UTC()
	_, err := tx.ExecContext(ctx, `INSERT INTO attachments (id, uploader_kind, uploader_id, name, type, size, image, width, height,
		blob, thumb_blob, thumb_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, string(a.Kind), a.ID, u.Name, u.Type, u.Size, u.Image, u.Width, u.Height,
		u.Blob, nullString(u.ThumbBlob), nullString(u.ThumbType), now)
	return err
}

// FindAttachment reads an attachment the actor may read (see
// chat.AttachmentStore): a waiting upload of theirs, or one whose message
// visible (the store's visibility rule) lets them see.
func FindAttachment(ctx context.Context, q Reader, a chat.Actor, id string, visible func(messageID int64) error) (*chat.Upload, error) {
	if err := chat.SignedIn(a); err != nil {
		return nil, err
	}
	if !chat.ValidAttachmentID(id) {
		return nil, chat.AttachmentNotFound()
	}
	u, err := scanUpload(q.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM attachments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, chat.AttachmentNotFound()
	} else if err != nil {
		return nil, err
	}
	if u.MessageID == 0 {
		if !chat.CanSeeUpload(a, u) {
			return nil, chat.AttachmentNotFound()
		}
		return u, nil
	}
	if err := visible(u.MessageID); chat.ErrorCode(err) == chat.ENotFound {
		return nil, chat.AttachmentNotFound()
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// Attach gives message msgID the actor's waiting uploads ids, in order,
// and stores what clients see of them on the message. An id that is not
// the actor's waiting upload is EInvalid (chat.AttachmentUnknown).
func Attach(ctx context.Context, tx Writer, a chat.Actor, msgID int64, ids []string) error {
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
	b, _ := json.Marshal(list)
	_, err := tx.ExecContext(ctx, `UPDATE messages SET attachments = ? WHERE id = ?`, string(b), msgID)
	return err
}

// ScanAttachments decodes a message's attachments column ("" is none).
func ScanAttachments(raw string) ([]chat.Attachment, error) {
	if raw == "" {
		return nil, nil
	}
	var list []chat.Attachment
	return list, json.Unmarshal([]byte(raw), &list)
}

// Release removes the attachments where selects (over attachments) and
// records their blobs as released at now (Unix ms), for the sweeper.
func Release(ctx context.Context, tx Writer, now int64, where string, args ...any) (int, error) {
	for _, col := range []string{"blob", "thumb_blob"} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO released_blobs (blob, released_at)
			SELECT DISTINCT `+col+`, CAST(? AS BIGINT) FROM attachments WHERE `+col+` IS NOT NULL AND (`+where+`)
			ON CONFLICT (blob) DO UPDATE SET released_at = excluded.released_at`, append([]any{now}, args...)...); err != nil {
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

// DiscardUpload removes a waiting upload of the actor's: ENotFound for
// anyone else's, a sent one, or none.
func DiscardUpload(ctx context.Context, tx Writer, a chat.Actor, id string, now int64) error {
	n, err := Release(ctx, tx, now, `id = ? AND message_id IS NULL AND uploader_kind = ? AND uploader_id = ?`, id, string(a.Kind), a.ID)
	if err == nil && n == 0 {
		return chat.AttachmentNotFound()
	}
	return err
}

// ReleasedBlobs forgets released blobs an attachment uses again and
// returns up to limit of the others, oldest release first.
func ReleasedBlobs(ctx context.Context, tx Writer, limit int) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM released_blobs WHERE blob IN (SELECT blob FROM attachments)
		OR blob IN (SELECT thumb_blob FROM attachments WHERE thumb_blob IS NOT NULL)`); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT blob FROM released_blobs ORDER BY released_at LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// ForgetBlobs drops keys from the released blobs.
func ForgetBlobs(ctx context.Context, tx Writer, keys []string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM released_blobs WHERE blob IN (`+placeholders(len(keys))+`)`, strArgs(keys)...)
	return err
}

// BlobsInUse returns which of keys an attachment uses.
func BlobsInUse(ctx context.Context, q Reader, keys []string) (map[string]bool, error) {
	used := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		batch := keys[:n]
		keys = keys[n:]
		in := placeholders(len(batch))
		rows, err := q.QueryContext(ctx, `SELECT blob FROM attachments WHERE blob IN (`+in+`)
			UNION SELECT thumb_blob FROM attachments WHERE thumb_blob IN (`+in+`)`, append(strArgs(batch), strArgs(batch)...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			used[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
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

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
