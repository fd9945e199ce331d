package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Dir is a Store in a folder: blob ab12… is the file ab/ab12…; a Put
// writes tmp/<random>, syncs it and renames it into place (rename is
// atomic), so a crash leaves at most a file in tmp/, which OpenDir
// removes. The touch time is the file's modification time. One process
// uses a Dir at a time (the SQLite server); the mutex orders a Put
// against a Delete of the same blob.
type Dir struct {
	root string
	mu   sync.Mutex
}

// OpenDir opens (creating) the blob folder root and removes what an
// interrupted Put left in root/tmp.
func OpenDir(root string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		return nil, err
	}
	left, err := os.ReadDir(filepath.Join(root, "tmp"))
	if err != nil {
		return nil, err
	}
	for _, e := range left {
		if err := os.Remove(filepath.Join(root, "tmp", e.Name())); err != nil {
			return nil, err
		}
	}
	return &Dir{root: root}, nil
}

func (d *Dir) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("blob: invalid key %q", key)
	}
	return filepath.Join(d.root, key[:2], key), nil
}

// Put stores data under key; see Store.
func (d *Dir) Put(ctx context.Context, key string, data []byte) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if err := os.Chtimes(p, now, now); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename: nothing to remove
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
	if _, err := os.Stat(filepath.Dir(p)); errors.Is(err, fs.ErrNotExist) {
		// A new shard folder: its entry in the root must survive a crash too.
		if err := os.Mkdir(filepath.Dir(p), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := syncDir(d.root); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, p); err != nil {
		return err
	}
	return syncDir(filepath.Dir(p)) // the rename itself must survive a crash
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Open returns the blob's file; see Store.
func (d *Dir) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, ErrNotFound
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete removes a blob not touched within grace; see Store.
func (d *Dir) Delete(ctx context.Context, key string, grace time.Duration) (bool, error) {
	p, err := d.path(key)
	if err != nil {
		return false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	} else if err != nil {
		return false, err
	}
	if !st.ModTime().Before(time.Now().Add(-grace)) {
		return false, nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
}

// Walk calls fn for every blob; see Store.
func (d *Dir) Walk(ctx context.Context, fn func(key string, touched time.Time) error) error {
	shards, err := os.ReadDir(d.root)
	if err != nil {
		return err
	}
	for _, sh := range shards {
		if !sh.IsDir() || len(sh.Name()) != 2 {
			continue // tmp/
		}
		files, err := os.ReadDir(filepath.Join(d.root, sh.Name()))
		if err != nil {
			return err
		}
		for _, f := range files {
			if !ValidKey(f.Name()) {
				continue
			}
			info, err := f.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // deleted meanwhile
			} else if err != nil {
				return err
			}
			if err := fn(f.Name(), info.ModTime()); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}
