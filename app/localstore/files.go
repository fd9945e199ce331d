package localstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// Files the desktop keeps. Two folders beside the database:
//
//   - <db>.files: attachments it has shown (files and thumbnails), so an
//     agent can review them offline. A file is served from here only while
//     a message in this store carries it: a delete or an erasure that
//     reaches the store removes the message's attachments row, and the
//     next purge (after every batch that redacts) removes the bytes. The
//     folder is capped (FileCacheBytes), least recently used first.
//   - <db>.outbox: files a queued reply will send, copied here when they
//     are attached, so the reply survives going offline, a restart, and
//     the original being moved; removed once the server has the message
//     (or the reply is discarded).

// DefaultFileCacheBytes caps the attachment cache (Store.FileCacheBytes).
const DefaultFileCacheBytes = 256 << 20

// OutFile is a file of a queued reply: the copy waiting in the outbox
// folder, and the server's upload once it went up (so a retry does not
// upload it again).
type OutFile struct {
	Token      string           `json:"token"` // the copy's name in <db>.outbox
	Name       string           `json:"name"`
	Size       int64            `json:"size"`
	Upload     *chat.Attachment `json:"upload,omitempty"`
	UploadedAt *time.Time       `json:"uploaded_at,omitempty"`
}

func (s *Store) cacheDir() string  { return s.path + ".files" }
func (s *Store) outboxDir() string { return s.path + ".outbox" }

// cacheName is a cached file's name: the attachment id (its shape is
// checked: no path can come of it) and ".thumb" for its thumbnail.
func cacheName(id string, thumb bool) (string, error) {
	if !chat.ValidAttachmentID(id) {
		return "", chat.AttachmentNotFound()
	}
	if thumb {
		return id + ".thumb", nil
	}
	return id, nil
}

// Attachment returns an attachment of a message this store holds and that
// is not deleted: the message's copy names it. ENotFound otherwise.
func (s *Store) Attachment(ctx context.Context, messageID int64, id string) (*chat.Attachment, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT m.data FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE a.id = ? AND a.message_id = ? AND m.deleted = 0`, id, messageID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, chat.AttachmentNotFound()
	} else if err != nil {
		return nil, err
	}
	var m chat.Message
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return nil, err
	}
	for _, a := range m.Attachments {
		if a.ID == id {
			return &a, nil
		}
	}
	return nil, chat.AttachmentNotFound()
}

// CachedFile returns a cached attachment's bytes (ok false when not
// cached), refreshing its place in the cache. Callers check Attachment
// first.
func (s *Store) CachedFile(id string, thumb bool) ([]byte, bool) {
	name, err := cacheName(id, thumb)
	if err != nil {
		return nil, false
	}
	p := filepath.Join(s.cacheDir(), name)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	now := time.Now()
	os.Chtimes(p, now, now)
	return data, true
}

// CacheFile keeps an attachment's bytes (written whole or not at all),
// then trims the cache to FileCacheBytes, oldest use first.
func (s *Store) CacheFile(id string, thumb bool, data []byte) error {
	name, err := cacheName(id, thumb)
	if err != nil {
		return err
	}
	if err := writeWhole(s.cacheDir(), name, data); err != nil {
		return err
	}
	return s.trimCache()
}

func (s *Store) cacheCap() int64 {
	if s.FileCacheBytes > 0 {
		return s.FileCacheBytes
	}
	return DefaultFileCacheBytes
}

// trimCache removes the least recently used files past the cap.
func (s *Store) trimCache() error {
	entries, err := os.ReadDir(s.cacheDir())
	if err != nil {
		return err
	}
	type f struct {
		name string
		size int64
		at   time.Time
	}
	var files []f
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		files = append(files, f{e.Name(), info.Size(), info.ModTime()})
		total += info.Size()
	}
	sort.Slice(files, func(i, j int) bool { return files[i].at.Before(files[j].at) })
	for _, x := range files {
		if total <= s.cacheCap() {
			break
		}
		if err := os.Remove(filepath.Join(s.cacheDir(), x.name)); err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= x.size
		}
	}
	return nil
}

// CacheSize is the bytes the attachment cache holds.
func (s *Store) CacheSize() int64 {
	entries, _ := os.ReadDir(s.cacheDir())
	var n int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
	}
	return n
}

// purgeFiles removes cached files no message here carries any more (a
// delete, an erasure, a resync that forgot them).
func (s *Store) purgeFiles(ctx context.Context) {
	entries, err := os.ReadDir(s.cacheDir())
	if err != nil || len(entries) == 0 {
		return
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, strings.TrimSuffix(e.Name(), ".thumb"))
	}
	b, _ := json.Marshal(ids)
	rows, err := s.db.QueryContext(ctx, `SELECT a.id FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE a.id IN (SELECT value FROM json_each(?)) AND m.deleted = 0`, string(b))
	if err != nil {
		return // kept until the next purge: never served meanwhile (Attachment)
	}
	kept := map[string]bool{}
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			kept[id] = true
		}
	}
	rows.Close()
	if rows.Err() != nil {
		return
	}
	for i, e := range entries {
		if !kept[ids[i]] {
			os.Remove(filepath.Join(s.cacheDir(), e.Name()))
		}
	}
}

// StageFile copies a file the agent attached into the outbox folder and
// returns it as an OutFile for a queued reply (EInvalid for a bad name,
// EFileEmpty, EFileTooLarge past limit).
func (s *Store) StageFile(name string, data []byte, limit int64) (*OutFile, error) {
	name, err := chat.CheckFileName(name)
	if err != nil {
		return nil, err
	}
	if err := chat.CheckFileSize(int64(len(data)), limit); err != nil {
		return nil, err
	}
	b := make([]byte, 16)
	rand.Read(b)
	f := &OutFile{Token: hex.EncodeToString(b), Name: name, Size: int64(len(data))}
	if err := writeWhole(s.outboxDir(), f.Token, data); err != nil {
		return nil, err
	}
	return f, nil
}

// StagedFile reads a staged or queued file's bytes.
func (s *Store) StagedFile(token string) ([]byte, error) {
	if !validToken(token) {
		return nil, chat.Errorf(chat.EInvalid, "No such file.")
	}
	return os.ReadFile(filepath.Join(s.outboxDir(), token))
}

// Unstage removes a staged file's copy.
func (s *Store) Unstage(token string) {
	if validToken(token) {
		os.Remove(filepath.Join(s.outboxDir(), token))
	}
}

func validToken(t string) bool {
	if len(t) != 32 {
		return false
	}
	_, err := hex.DecodeString(t)
	return err == nil
}

// SetUploads records the uploads of a queued reply's files.
func (s *Store) SetUploads(ctx context.Context, clientID string, files []OutFile) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		b, _ := json.Marshal(files)
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET files = ? WHERE client_id = ?`, string(b), clientID)
		return err
	})
}

// PurgeOutboxFiles removes copies no queued reply names (a staged file
// never sent, a reply sent or discarded), except those staged within the
// last hour (an agent may still send them).
func (s *Store) PurgeOutboxFiles(ctx context.Context) error {
	entries, err := os.ReadDir(s.outboxDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	out, err := s.Outbox(ctx, 0)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, e := range out {
		for _, f := range e.Files {
			keep[f.Token] = true
		}
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || keep[e.Name()] || time.Since(info.ModTime()) < time.Hour {
			continue
		}
		os.Remove(filepath.Join(s.outboxDir(), e.Name()))
	}
	return nil
}

// writeWhole writes dir/name through a synced temporary file and a rename.
func writeWhole(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}
