package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/sqlite"
	"github.com/deskchat/deskchat/backend/storetest"
)

func openStore(t *testing.T, pub chat.Publisher, now func() time.Time) chat.Store {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "deskchat.db"), sqlite.Options{Publisher: pub, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, openStore)
}

func TestReopenKeepsDataAndEpoch(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "deskchat.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, chat.Operator, chat.NewUser{Email: "a@b.example", Name: "A", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	epoch, _ := s.Epoch(ctx)
	last, _ := s.LastSeq(ctx)
	s.Close()

	s, err = sqlite.Open(path, sqlite.Options{}) // migrations must not run twice
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if e, _ := s.Epoch(ctx); e != epoch {
		t.Fatalf("epoch changed: %s -> %s", epoch, e)
	}
	if l, _ := s.LastSeq(ctx); l != last || l == 0 {
		t.Fatalf("LastSeq %d -> %d", last, l)
	}
	if _, _, err := s.FindUserCredentials(ctx, "a@b.example"); err != nil {
		t.Fatal(err)
	}
	// A fresh database has a different epoch.
	other, _ := sqlite.Open(filepath.Join(t.TempDir(), "other.db"), sqlite.Options{})
	defer other.Close()
	if e, _ := other.Epoch(ctx); e == epoch {
		t.Fatal("two databases share an epoch")
	}
}

func TestPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deskchat.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := s.Pragmas(context.Background())
	want := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2", "busy_timeout": "5000"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("PRAGMA %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestOpenRejectsMemory(t *testing.T) {
	if _, err := sqlite.Open(":memory:", sqlite.Options{}); err == nil {
		t.Fatal("Open(:memory:) succeeded; pooled connections would each see an empty database")
	}
}

// TestExternalWritesArePublished: events another process appends to the
// same file (deskchat-server user add against a live database) reach the
// publisher, in order, before the server's own next events.
func TestExternalWritesArePublished(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "deskchat.db")
	rec := &storetest.Recorder{}
	server, err := sqlite.Open(path, sqlite.Options{Publisher: rec})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	cli, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	server.CreateUser(ctx, chat.Operator, chat.NewUser{Email: "a@x.example", Name: "A", PasswordHash: "h"})
	cli.CreateUser(ctx, chat.Operator, chat.NewUser{Email: "b@x.example", Name: "B", PasswordHash: "h"})
	cli.Close()
	server.CreateUser(ctx, chat.Operator, chat.NewUser{Email: "c@x.example", Name: "C", PasswordHash: "h"})
	evs := rec.Events()
	if len(evs) != 3 {
		t.Fatalf("published %d events, want 3", len(evs))
	}
	for i, ev := range evs {
		if ev.Seq != int64(i+1) || ev.Type != chat.EventUserCreated || !ev.VisibleTo(chat.Actor{Kind: chat.KindUser, ID: 1}) {
			t.Fatalf("event %d = %+v", i, ev)
		}
	}
}

// TestFullDiskFailsCleanly: when the database cannot grow (SQLite's full
// disk error, forced with a page cap), a send fails with a retryable
// unavailable error, nothing of it is stored or published, and reads go on.
func TestFullDiskFailsCleanly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "deskchat.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := s.CreateCustomer(ctx, chat.CustomerInfo{Name: "Fay"})
	v := chat.Actor{Kind: chat.KindCustomer, ID: c.ID}
	conv, _, _, err := s.CreateConversation(ctx, v, chat.NewConversation{Text: "first"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	rec := &storetest.Recorder{}
	s, err = sqlite.Open(path, sqlite.Options{Publisher: rec, MaxPages: 1}) // below the current size: no growth at all
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var failed bool
	long := strings.Repeat("payload ", 500)
	for i := 0; i < 200 && !failed; i++ {
		_, _, err := s.SendMessage(ctx, v, conv.ID, chat.NewMessage{ClientID: fmt.Sprintf("m%d", i), Text: long})
		if err != nil {
			if chat.ErrorCode(err) != chat.EUnavailable {
				t.Fatalf("send on a full disk: %v (code %s), want unavailable", err, chat.ErrorCode(err))
			}
			failed = true
			msgs, _ := s.ListMessages(ctx, v, conv.ID, chat.MessageFilter{Limit: 200})
			for _, m := range msgs {
				if m.ClientID == fmt.Sprintf("m%d", i) {
					t.Fatal("the refused message was stored")
				}
			}
			for _, ev := range rec.Events() {
				if strings.Contains(string(ev.Data), fmt.Sprintf(`"client_id":"m%d"`, i)) {
					t.Fatal("the refused message was published")
				}
			}
		}
	}
	if !failed {
		t.Fatal("the page cap never filled")
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("reads stop on a full disk: %v", err)
	}
	if _, err := s.FindConversationByID(ctx, v, conv.ID); err != nil {
		t.Fatal(err)
	}
}

// TestUnsaidLeavesNoBytes: a deleted or edited message's earlier text is
// in no table but the admin audit (FTS5 shadow tables included), and an
// erased customer leaves no byte in the database file or its WAL at all.
func TestUnsaidLeavesNoBytes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "deskchat.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, _ := s.CreateUser(ctx, chat.Operator, chat.NewUser{Email: "ada@test.example", Name: "Ada", PasswordHash: "h", Admin: true, Support: true})
	admin := u.Actor(0)
	c, err := s.CreateCustomer(ctx, chat.CustomerInfo{Name: "Quincy Xylophagous", Email: "quincy@xylo.example", PageURL: "https://shop.example/zyzzyva"})
	if err != nil {
		t.Fatal(err)
	}
	quincy := chat.Actor{Kind: chat.KindCustomer, ID: c.ID, Name: c.Name}
	conv, first, _, err := s.CreateConversation(ctx, quincy, chat.NewConversation{Text: "the vault code is xptarmigan"})
	if err != nil {
		t.Fatal(err)
	}
	gone, _, _ := s.SendMessage(ctx, quincy, conv.ID, chat.NewMessage{Text: "please delete qkestrelwing"})
	s.SendMessage(ctx, admin, conv.ID, chat.NewMessage{Text: "Noted."})
	if _, err := s.EditMessage(ctx, quincy, first.ID, "the vault code is (removed)"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteMessage(ctx, quincy, gone.ID); err != nil {
		t.Fatal(err)
	}

	// FTS5 stores terms prefix-compressed: look for the tail of each word.
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tables, err := raw.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		tables.Scan(&n)
		names = append(names, n)
	}
	tables.Close()
	for _, name := range names {
		rows, err := raw.QueryContext(ctx, `SELECT * FROM "`+name+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			row := fmt.Sprint(vals...)
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					row += string(b)
				}
			}
			for _, w := range []string{"tarmigan", "kestrelwing"} {
				if strings.Contains(row, w) && name != "message_audit" {
					t.Errorf("table %s still holds %q: %.200s", name, w, row)
				}
			}
		}
		rows.Close()
	}

	if _, err := s.EraseCustomer(ctx, admin, c.ID); err != nil {
		t.Fatal(err)
	}
	// The WAL is checkpointed in the background after the erasure.
	var left []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		left = nil
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(path + suffix)
			if err != nil && suffix == "" {
				t.Fatal(err)
			}
			for _, w := range []string{"Xylophagous", "ylophagous", "quincy@xylo", "zyzzyva", "tarmigan", "kestrelwing"} {
				if i := bytes.Index(b, []byte(w)); i >= 0 {
					left = append(left, fmt.Sprintf("%s holds %q at offset %d", filepath.Base(path+suffix), w, i))
				}
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("after the erasure: %v", left)
	}
}
