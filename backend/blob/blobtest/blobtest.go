// Package blobtest is the conformance suite every blob.Store passes (the
// folder and PostgreSQL's table).
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/blob"
)

// Run checks s: content-addressed puts, reads with seeking, deletes that
// spare what was touched within their grace and report what is gone, and
// a walk over everything.
func Run(t *testing.T, s blob.Store) {
	ctx := context.Background()
	a, b := []byte("first file"), bytes.Repeat([]byte{0, 1, 2, 255}, 1<<18)
	ka, kb := blob.Key(a), blob.Key(b)
	if !blob.ValidKey(ka) || blob.ValidKey("../"+ka[3:]) || blob.ValidKey(ka[:63]) {
		t.Fatal("ValidKey")
	}
	for _, p := range []struct {
		k string
		d []byte
	}{{ka, a}, {kb, b}, {ka, a}} { // a second Put of the same bytes only touches
		if err := s.Put(ctx, p.k, p.d); err != nil {
			t.Fatal(err)
		}
	}
	f, err := s.Open(ctx, kb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(int64(len(b)-4), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	tail, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(tail, b[len(b)-4:]) {
		t.Fatalf("read after seek: %x", tail)
	}
	missing := blob.Key([]byte("never stored"))
	if _, err := s.Open(ctx, missing); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Open(missing) = %v", err)
	}
	seen := map[string]bool{}
	if err := s.Walk(ctx, func(k string, touched time.Time) error {
		seen[k] = true
		if time.Since(touched) > time.Minute || time.Until(touched) > time.Minute {
			t.Errorf("blob %s touched at %v", k[:8], touched)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || !seen[ka] || !seen[kb] {
		t.Fatalf("walk saw %v", seen)
	}
	// Touched just now: spared by an hour's grace, gone with almost none.
	if gone, err := s.Delete(ctx, ka, time.Hour); err != nil || gone {
		t.Fatalf("Delete within grace = %v, %v", gone, err)
	}
	time.Sleep(30 * time.Millisecond)
	if gone, err := s.Delete(ctx, ka, time.Millisecond); err != nil || !gone {
		t.Fatalf("Delete past grace = %v, %v", gone, err)
	}
	if _, err := s.Open(ctx, ka); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Open after Delete = %v", err)
	}
	if gone, err := s.Delete(ctx, missing, time.Hour); err != nil || !gone {
		t.Fatalf("Delete(missing) = %v, %v (a missing blob is gone)", gone, err)
	}
	// A Put refreshes the touch: the same bytes stored again are spared.
	time.Sleep(30 * time.Millisecond)
	if err := s.Put(ctx, kb, b); err != nil {
		t.Fatal(err)
	}
	if gone, err := s.Delete(ctx, kb, 20*time.Millisecond); err != nil || gone {
		t.Fatalf("Delete of a blob just put again = %v, %v", gone, err)
	}
}
