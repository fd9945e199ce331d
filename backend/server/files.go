package server

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/postgres"
)

// openBlobs opens the blob store for the database db: PostgreSQL's own
// table when the store is PostgreSQL (every node reads it), else the
// folder dir, by default "<database>.files" beside the SQLite file.
func openBlobs(st chat.Store, db, dir string) (blob.Store, error) {
	if pg, ok := st.(*postgres.Store); ok && dir == "" {
		return pg.Blobs(), nil
	}
	if dir == "" {
		dir = strings.TrimPrefix(db, "sqlite:") + ".files"
	}
	return blob.OpenDir(filepath.Clean(dir))
}

// DefaultFileGrace is how long a blob written by an upload is spared by
// the sweeper although no attachment uses it yet: far longer than an
// upload takes from its Put to its commit.
const DefaultFileGrace = 5 * time.Minute

// sweeping deletes the bytes attachments no longer use, on one node of a
// helpdesk (the leader): at once after a local delete or erasure (kick),
// else every FilesEvery; and every hour it removes uploads never sent
// (chat.UploadTTL) and blobs no attachment names (an upload cut off
// between writing its bytes and committing its record).
func (s *Server) sweeping() {
	defer s.wg.Done()
	every := s.cfg.FilesEvery
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var lastFull time.Time
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		if l, ok := s.Store.(leader); !ok || l.Lead(ctx) {
			if time.Since(lastFull) >= time.Hour || s.cfg.FilesEvery > 0 && time.Since(lastFull) >= 10*every {
				lastFull = time.Now()
				if n, err := s.Store.PruneUploads(ctx, time.Now().Add(-chat.UploadTTL)); err != nil {
					s.log.Warn("files: prune uploads", "err", err)
				} else if n > 0 {
					s.log.Info("files: removed uploads never sent", "count", n)
				}
				if err := s.sweepOrphans(ctx); err != nil {
					s.log.Warn("files: orphans", "err", err)
				}
			}
			if err := s.sweepReleased(ctx); err != nil {
				s.log.Warn("files: released", "err", err)
			}
		}
		cancel()
		select {
		case <-s.stop:
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

func (s *Server) fileGrace() time.Duration {
	if s.cfg.FileGrace > 0 {
		return s.cfg.FileGrace
	}
	return DefaultFileGrace
}

// sweepReleased deletes the released blobs no attachment uses.
func (s *Server) sweepReleased(ctx context.Context) error {
	for {
		keys, err := s.Store.ReleasedBlobs(ctx, 500)
		if err != nil || len(keys) == 0 {
			return err
		}
		var done []string
		for _, k := range keys {
			if !blob.ValidKey(k) {
				done = append(done, k)
				continue
			}
			gone, err := s.Blobs.Delete(ctx, k, s.fileGrace())
			if err != nil {
				return err
			}
			if gone {
				done = append(done, k)
			}
			// else touched within the grace (a new upload of the same
			// bytes): asked again next time.
		}
		if err := s.Store.ForgetBlobs(ctx, done); err != nil {
			return err
		}
		if len(done) < len(keys) {
			return nil // the rest waits for its grace
		}
	}
}

// sweepOrphans deletes blobs past their grace that no attachment names.
func (s *Server) sweepOrphans(ctx context.Context) error {
	cutoff := time.Now().Add(-s.fileGrace())
	var old []string
	if err := s.Blobs.Walk(ctx, func(key string, touched time.Time) error {
		if touched.Before(cutoff) {
			old = append(old, key)
		}
		return nil
	}); err != nil {
		return err
	}
	used, err := s.Store.BlobsInUse(ctx, old)
	if err != nil {
		return err
	}
	for _, k := range old {
		if used[k] {
			continue
		}
		if _, err := s.Blobs.Delete(ctx, k, s.fileGrace()); err != nil {
			return err
		}
	}
	return nil
}

// kickSweep wakes the sweeper after events that release files.
func (s *Server) kickSweep(events []*chat.Event) {
	for _, ev := range events {
		if ev.Type == chat.EventMessageDeleted || ev.Type == chat.EventCustomerErased {
			select {
			case s.kick <- struct{}{}:
			default:
			}
			return
		}
	}
}
