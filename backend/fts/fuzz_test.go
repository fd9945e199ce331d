package fts_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/fts"
)

// FuzzQueryIsNeverSyntax: whatever a user types, the FTS5 query we build
// parses (no syntax error, no column filter, no operator) on a real SQLite
// FTS5 table, and snippets give back the text's own characters.
func FuzzQueryIsNeverSyntax(f *testing.F) {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(f.TempDir(), "f.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE t USING fts5 (text, other, tokenize = 'unicode61 remove_diacritics 2');
		INSERT INTO t (text, other) VALUES ('parcel late again', 'secret')`); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"parcel", `"parcel`, `parcel OR secret`, `other:secret`, `NEAR(a b)`, `-parcel`, `parcel*`, `^parcel`,
		`(parcel)`, `{text other}: x`, "café ÄÖÜ 日本語", "a\x00b", "\xff\xfe", strings.Repeat("ab ", 100), `" OR "`, `AND`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		words, err := chat.SearchWords(q)
		if err != nil {
			if code := chat.ErrorCode(err); code != chat.EInvalid && code != chat.EInvalidUTF8 {
				t.Fatalf("SearchWords(%q) = %v", q, err)
			}
			return
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM t WHERE t MATCH ?`, fts.Query(words)).Scan(&n); err != nil {
			t.Fatalf("query for %q does not parse: %v (%s)", q, err, fts.Query(words))
		}
		// The row matches exactly when every word prefixes one of its
		// tokens: words are words, never operators or column filters.
		want := 1
		for _, w := range words {
			hit := false
			for _, tok := range []string{"parcel", "late", "again", "secret"} {
				hit = hit || strings.HasPrefix(tok, fts.Fold(w))
			}
			if !hit {
				want = 0
			}
		}
		if n != want {
			t.Fatalf("%q (%s) matched %d rows, want %d", q, fts.Query(words), n, want)
		}
		var got strings.Builder
		for _, seg := range fts.Snippet("parcel late again, "+q, words) {
			got.WriteString(seg.Text)
		}
		if !strings.Contains("…parcel late again, "+q+"…", strings.Trim(got.String(), "…")) {
			t.Fatalf("snippet %q is not the text's own", got.String())
		}
	})
}
