package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/demo"
	"github.com/deskchat/deskchat/backend/postgres"
	"github.com/deskchat/deskchat/backend/postgres/pgtest"
	"github.com/deskchat/deskchat/backend/server"
	"github.com/deskchat/deskchat/backend/sqlite"
)

// The test binary doubles as deskchat-server when asked, so the serve test
// runs the real command in its own process.
func TestMain(m *testing.M) {
	if os.Getenv("DESKCHAT_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	pgtest.Main(m)
}

// databases are the stores every command is tried on: a new SQLite file
// and a new PostgreSQL database.
func databases(t *testing.T) map[string]string {
	return map[string]string{"sqlite": filepath.Join(t.TempDir(), "d.db"), "postgres": pgtest.Database(t)}
}

func run(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.Execute()
	return out.String(), err
}

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	out, err := run(t, "a long password\n", "user", "add", "--db", db, "--email", "Zoe@Example.com", "--name", "Zoe", "--support")
	if err != nil || !strings.Contains(out, "<zoe@example.com> admin=false support=true") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if _, err := run(t, "a long password\n", "user", "add", "--db", db, "--email", "zoe@example.com", "--name", "Zoe 2"); err == nil {
		t.Fatal("duplicate e-mail accepted")
	}
	if out, err := run(t, "short\n", "user", "add", "--db", db, "--email", "x@example.com", "--name", "X"); err == nil || !strings.Contains(out, "at least 8") {
		t.Fatalf("weak password accepted: %v %s", err, out)
	}
	if _, err := run(t, "", "user", "add", "--db", db, "--email", "y@example.com", "--name", "Y"); err == nil {
		t.Fatal("empty stdin accepted")
	}
	st, err := sqlite.Open(db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, hash, err := st.FindUserCredentials(context.Background(), "zoe@example.com")
	if err != nil || !u.Support || u.Admin || !strings.HasPrefix(hash, "$2") {
		t.Fatalf("stored user %+v hash %q err %v", u, hash, err)
	}
}

func TestDemo(t *testing.T) {
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) { testDemo(t, db) })
	}
}

func testDemo(t *testing.T, db string) {
	ctx := context.Background()
	if out, err := run(t, "", "demo", "--db", db); err != nil || !strings.Contains(out, "chris@deskchat.test") {
		t.Fatalf("demo: %v %s", err, out)
	}
	if out, _ := run(t, "", "demo", "--db", db); !strings.Contains(out, "already present") {
		t.Fatalf("second demo run: %s", out)
	}
	st, err := server.OpenStore(db, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users, _ := st.ListUsers(ctx)
	nonSupport := 0
	actors := map[string]chat.Actor{}
	for _, u := range users {
		if !u.Support {
			nonSupport++
		}
		actors[u.Email] = u.Actor(0)
	}
	if len(users) != len(demo.Agents) || nonSupport != 1 {
		t.Fatalf("%d users, %d without support", len(users), nonSupport)
	}
	ben := actors["ben@deskchat.test"]
	open, _ := st.ListConversations(ctx, ben, chat.ConversationFilter{Status: chat.StatusOpen, Kind: chat.ConversationCustomer})
	closed, _ := st.ListConversations(ctx, ben, chat.ConversationFilter{Status: chat.StatusClosed})
	if len(open) < 2 || len(closed) < 1 {
		t.Fatalf("open %d closed %d", len(open), len(closed))
	}
	chris := actors["chris@deskchat.test"]
	// Chris has no support flag: his team chat, and Tom's conversation
	// through the ticket he is assigned to.
	mine, _ := st.ListConversations(ctx, chris, chat.ConversationFilter{Section: chat.SectionMine})
	if len(mine) != 2 {
		t.Fatalf("chris sees %d conversations", len(mine))
	}
	for _, c := range mine {
		if c.Kind == chat.ConversationCustomer && (c.Item == nil || c.Customer.Name != "Tom Becker") {
			t.Fatalf("chris's customer conversation: %+v", c)
		}
	}
	_, err = st.ListConversations(ctx, chris, chat.ConversationFilter{Section: chat.SectionCustomers})
	if chat.ErrorCode(err) != chat.EForbidden {
		t.Fatalf("chris lists From Customers: %v", err)
	}
	if u, _ := st.UnreadCounts(ctx, ben); u.Conversations == 0 {
		t.Fatal("demo has nothing unread for a support agent")
	}
}

// TestServeAndGracefulShutdown runs `serve` as a real process, uses it,
// then sends SIGTERM: the open stream gets a close frame (1001) and the
// process exits 0.
func TestServeAndGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) { testServe(t, db) })
	}
}

func testServe(t *testing.T, db string) {
	cmd := exec.Command(os.Args[0], "serve", "--demo", "--db", db, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DESKCHAT_TEST_RUN_MAIN=1")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	var url string
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for lines.Scan() {
		if m := re.FindStringSubmatch(lines.Text()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		t.Fatalf("no URL printed; stderr:\n%s", stderr.String())
	}
	go func() {
		for lines.Scan() {
		}
	}()
	ctx := context.Background()
	if status, err := client.New(url).Do(ctx, "GET", "/healthz", nil, nil); err != nil || status != 200 {
		t.Fatalf("healthz %d %v", status, err)
	}
	ben, _, err := client.New(url).Login(ctx, "ben@deskchat.test", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := ben.OpenStream(ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		_, err := stream.Next(rctx)
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			if ce.Code != websocket.CloseGoingAway {
				t.Fatalf("close code %d", ce.Code)
			}
			break
		} else if err != nil {
			t.Fatalf("stream ended without a close frame: %v", err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	// The database is intact after the shutdown.
	st, err := server.OpenStore(db, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateToPostgres: a used SQLite helpdesk (edits, a deletion, an
// erasure, a pruned log) is copied into PostgreSQL. Every actor's replay
// from any cursor, the epoch and the head are the same there, so clients
// resume without a resync; new writes continue the ids and the log.
func TestMigrateToPostgres(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "d.db")
	if _, err := run(t, "", "demo", "--db", file); err != nil {
		t.Fatal(err)
	}
	src, err := sqlite.Open(file, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	users, _ := src.ListUsers(ctx)
	var actors []chat.Actor
	var anna, ben chat.Actor
	for _, u := range users {
		actors = append(actors, u.Actor(0))
		switch u.Email {
		case "anna@deskchat.test":
			anna = u.Actor(0)
		case "ben@deskchat.test":
			ben = u.Actor(0)
		}
	}
	convs, _ := src.ListConversations(ctx, ben, chat.ConversationFilter{Kind: chat.ConversationCustomer})
	m, _, err := src.SendMessage(ctx, ben, convs[0].ID, chat.NewMessage{Text: "a first draft", ClientID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.EditMessage(ctx, ben, m.ID, "the final text"); err != nil {
		t.Fatal(err)
	}
	m2, _, _ := src.SendMessage(ctx, ben, convs[0].ID, chat.NewMessage{Text: "said by mistake"})
	if _, err := src.DeleteMessage(ctx, ben, m2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := src.EraseCustomer(ctx, anna, convs[len(convs)-1].Customer.ID); err != nil {
		t.Fatal(err)
	}
	// A private note with a mention, an assignment, saved replies.
	if _, _, err := src.SendMessage(ctx, ben, convs[0].ID, chat.NewMessage{Text: "@Anna see this", Internal: true, Mentions: []int64{anna.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.AssignConversation(ctx, anna, convs[0].ID, ben.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := src.CreateSavedReply(ctx, ben, chat.NewSavedReply{Shortcut: "hi", Title: "Hi", Text: "Hi {{customer.name}}", Personal: true}); err != nil {
		t.Fatal(err)
	}
	// A file: its bytes in the folder beside the database.
	files, err := blob.OpenDir(file + ".files")
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4 moved along")
	key := blob.Key(pdf)
	if err := files.Put(ctx, key, pdf); err != nil {
		t.Fatal(err)
	}
	up, err := src.CreateUpload(ctx, ben, &chat.Upload{Attachment: chat.Attachment{Name: "guide.pdf", Type: "application/pdf", Size: int64(len(pdf))}, Blob: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.SendMessage(ctx, ben, convs[0].ID, chat.NewMessage{Text: "the guide", Attachments: []string{up.ID}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range convs[:len(convs)-1] {
		actors = append(actors, chat.Actor{Kind: chat.KindCustomer, ID: c.Customer.ID})
	}
	head, _ := src.LastSeq(ctx)
	if err := src.PruneEvents(ctx, 3); err != nil {
		t.Fatal(err)
	}
	src.Close()

	url := pgtest.Database(t)
	if out, err := run(t, "", "migrate", "--from", filepath.Join(t.TempDir(), "missing.db"), "--to", url); err == nil {
		t.Fatalf("a missing source file was migrated: %s", out)
	}
	out, err := run(t, "", "migrate", "--from", file, "--to", url)
	if err != nil || !strings.Contains(out, "copied") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	if _, err := run(t, "", "migrate", "--from", file, "--to", url); err == nil {
		t.Fatal("a second copy into the same database was accepted")
	}
	src, _ = sqlite.Open(file, sqlite.Options{})
	defer src.Close()
	dst, err := server.OpenStore(url, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for _, f := range []func(chat.Store) (any, error){
		func(s chat.Store) (any, error) { return s.Epoch(ctx) },
		func(s chat.Store) (any, error) { return s.LastSeq(ctx) },
	} {
		a, errA := f(src)
		b, errB := f(dst)
		if fmt.Sprint(a, errA) != fmt.Sprint(b, errB) {
			t.Fatalf("SQLite %v %v, PostgreSQL %v %v", a, errA, b, errB)
		}
	}
	for _, a := range actors {
		for _, cursor := range []int64{3, 10, head - 2} {
			x, errX := src.ListEvents(ctx, a, cursor, 0, 10000)
			y, errY := dst.ListEvents(ctx, a, cursor, 0, 10000)
			jx, _ := json.Marshal(x)
			jy, _ := json.Marshal(y)
			if errX != nil || errY != nil || string(jx) != string(jy) {
				t.Fatalf("%+v from %d: SQLite %d events (%v), PostgreSQL %d (%v)", a, cursor, len(x), errX, len(y), errY)
			}
		}
		if _, err := dst.ListEvents(ctx, a, 2, 0, 10); chat.ErrorCode(err) != chat.EResync {
			t.Fatalf("a cursor before the pruning point: %v, want resync", err)
		}
		if a.IsUser() {
			x, _ := src.ListConversations(ctx, a, chat.ConversationFilter{})
			y, _ := dst.ListConversations(ctx, a, chat.ConversationFilter{})
			jx, _ := json.Marshal(x)
			jy, _ := json.Marshal(y)
			if string(jx) != string(jy) {
				t.Fatalf("%+v: conversations differ:\n%s\n%s", a, jx, jy)
			}
		}
	}
	x, errX := src.ListSavedReplies(ctx, ben)
	y, errY := dst.ListSavedReplies(ctx, ben)
	if a, b := mustList(t, x, errX), mustList(t, y, errY); a != b || !strings.Contains(b, "customer.name") {
		t.Fatalf("saved replies differ:\n%s\n%s", a, b)
	}
	// The file moved with its message, bytes and all.
	if !strings.Contains(out, "1 files") {
		t.Fatalf("migrate did not count the file: %s", out)
	}
	if got, err := dst.FindAttachment(ctx, ben, up.ID); err != nil || got.Blob != key || got.Name != "guide.pdf" {
		t.Fatalf("attachment after migrate: %+v %v", got, err)
	}
	rd, err := dst.(*postgres.Store).Blobs().Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(rd); string(b) != string(pdf) {
		t.Fatalf("blob after migrate: %q", b)
	}
	// Writing goes on where SQLite stopped.
	m3, _, err := dst.SendMessage(ctx, ben, convs[0].ID, chat.NewMessage{Text: "now on PostgreSQL"})
	if err != nil || m3.ID <= m2.ID {
		t.Fatalf("new message %+v %v after %d", m3, err, m2.ID)
	}
	if last, _ := dst.LastSeq(ctx); last <= head {
		t.Fatalf("head %d after %d", last, head)
	}
}

func mustList[T any](t *testing.T, v T, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
