package localstore

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/deskchat/deskchat/backend/sqlite/migrate"
)

// TestUpgradeIndexesTheHistoryKept: a store written before migration 0011
// (messages, one deleted, the index keyed by id) opens with every message
// in the ranked index and its words, and only its current words, in the
// vocabulary; search ranks it shortest first.
func TestUpgradeIndexesTheHistoryKept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open(driver, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	for _, n := range names {
		if strings.Compare(filepath.Base(n), "0011") < 0 {
			b, _ := migrations.ReadFile(n)
			old[n] = &fstest.MapFile{Data: b}
		}
	}
	if len(old) != 10 {
		t.Fatalf("%d migrations before 0011", len(old))
	}
	if err := migrate.Apply(ctx, db, old, "migrations"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO conversations (id, kind, status, last_activity_at, data) VALUES (1, 'team', 'open', 0, '{"id":1,"kind":"team","status":"open"}')`,
		`INSERT INTO messages (id, conversation_id, author_kind, author_id, text, data) VALUES
			(1, 1, 'user', 3, 'Refund?', '{"id":1,"conversation_id":1,"text":"Refund?"}'),
			(2, 1, 'user', 3, 'the refund of the parcel is late again', '{"id":2,"conversation_id":1,"text":"the refund of the parcel is late again"}'),
			(3, 1, 'user', 3, 'refund please', '{"id":3,"conversation_id":1,"text":"refund please"}'),
			(4, 1, 'user', 3, '', '{"id":4,"conversation_id":1,"text":"","deleted_at":"2026-01-01T00:00:00Z"}')`,
		`UPDATE messages SET deleted = 1 WHERE id = 4`,
		`INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()

	st, err := Open(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := st.Search(ctx, "refu", 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range res {
		ids = append(ids, r.MessageID)
	}
	if !slices.Equal(ids, []int64{1, 3, 2}) {
		t.Fatalf("after the upgrade: %v, want shortest first [1 3 2]", ids)
	}
	var words []string
	rows, _ := st.db.Query(`SELECT word FROM vocab ORDER BY word`)
	for rows.Next() {
		var w string
		rows.Scan(&w)
		words = append(words, w)
	}
	rows.Close()
	if want := []string{"again", "is", "late", "of", "parcel", "please", "refund", "the"}; !slices.Equal(words, want) {
		t.Fatalf("vocabulary %v, want %v", words, want)
	}
	// Deleting the long message takes its own words out, not shared ones.
	if _, err := st.db.Exec(`DELETE FROM messages WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	words = words[:0]
	rows, _ = st.db.Query(`SELECT word FROM vocab ORDER BY word`)
	for rows.Next() {
		var w string
		rows.Scan(&w)
		words = append(words, w)
	}
	rows.Close()
	if want := []string{"please", "refund"}; !slices.Equal(words, want) {
		t.Fatalf("vocabulary after a delete %v, want %v", words, want)
	}
}
