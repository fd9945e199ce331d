package blob_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/blob/blobtest"
)

func TestDir(t *testing.T) {
	root := t.TempDir()
	d, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Run(t, d)
	// What an interrupted Put leaves in tmp/ goes at the next open, and
	// no key names a path outside the folder.
	os.WriteFile(filepath.Join(root, "tmp", "put-123"), []byte("half"), 0o600)
	if _, err := blob.OpenDir(root); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(filepath.Join(root, "tmp")); len(left) != 0 {
		t.Fatalf("%d files left in tmp/", len(left))
	}
	if err := d.Put(context.Background(), "../../etc/passwd", []byte("x")); err == nil {
		t.Fatal("a key that is a path was stored")
	}
}
