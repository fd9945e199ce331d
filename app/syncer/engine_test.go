package syncer_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/demo"
)

var serverBin string

// TestMain builds the real server binary once; the tests run it as a
// process so they can kill it for real. With DESKCHAT_TEST_FLUSH set the
// binary instead acts as an app that flushes an outbox (and gets killed).
func TestMain(m *testing.M) {
	if db := os.Getenv("DESKCHAT_TEST_FLUSH"); db != "" {
		flushProcess(db)
		return
	}
	if db := os.Getenv("DESKCHAT_TEST_SYNC"); db != "" {
		syncProcess(db)
		return
	}
	dir, err := os.MkdirTemp("", "deskchat-syncer-")
	if err != nil {
		panic(err)
	}
	serverBin = filepath.Join(dir, "deskchat-server")
	if bin := os.Getenv("DESKCHAT_SERVER"); bin != "" {
		serverBin = bin
	} else if out, err := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", serverBin, "../../backend/cmd/deskchat-server").CombinedOutput(); err != nil {
		panic(fmt.Sprintf("build server: %v\n%s", err, out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// srv is a deskchat-server process on a fixed loopback address.
type srv struct {
	t     *testing.T
	addr  string
	db    string
	cmd   *exec.Cmd
	extra []string // more serve flags for the next start
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startSrv(t *testing.T) *srv {
	s := &srv{t: t, addr: freeAddr(t), db: filepath.Join(t.TempDir(), "server.db")}
	s.start()
	t.Cleanup(func() { s.kill() })
	return s
}

func (s *srv) url() string { return "http://" + s.addr }

func (s *srv) start() {
	s.t.Helper()
	s.cmd = exec.Command(serverBin, append([]string{"serve", "--demo", "--db", s.db, "--addr", s.addr}, s.extra...)...)
	out, _ := s.cmd.StdoutPipe()
	s.cmd.Stderr = nil
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "listening on") {
			go func() {
				for sc.Scan() {
				}
			}()
			return
		}
	}
	s.t.Fatal("server did not start")
}

// kill ends the server with SIGKILL: no graceful anything.
func (s *srv) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
		s.cmd = nil
	}
}

func login(t *testing.T, base, email string) *client.Client {
	t.Helper()
	c, _, err := client.New(base).Login(context.Background(), email, demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// engine starts a sync engine for c on a fresh local store.
func engine(t *testing.T, c *client.Client, path string, configure ...func(*syncer.Engine)) (*syncer.Engine, *localstore.Store, func()) {
	t.Helper()
	me, err := c.Me(context.Background())
	if err != nil || me.User == nil {
		t.Fatal(err)
	}
	st, err := localstore.Open(path, me.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	e := &syncer.Engine{Client: c, Store: st, BackoffBase: 50 * time.Millisecond, BackoffMax: 500 * time.Millisecond}
	for _, f := range configure {
		f(e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	return e, st, func() { cancel(); <-done; st.Close() }
}

// serverView is everything the user may see on the server: conversation
// id → status and message id → text (deleted as "").
func serverView(t *testing.T, c *client.Client) (map[int64]string, map[int64]string) {
	t.Helper()
	ctx := context.Background()
	convs, msgs := map[int64]string{}, map[int64]string{}
	cursor := ""
	for {
		page, err := c.ListConversations(ctx, client.ConversationQuery{Cursor: cursor, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, cv := range page.Conversations {
			convs[cv.ID] = string(cv.Status)
			ms, err := c.History(ctx, cv.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				msgs[m.ID] = m.Text
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	return convs, msgs
}

func localView(t *testing.T, st *localstore.Store) (map[int64]string, map[int64]string) {
	t.Helper()
	ctx := context.Background()
	convs, msgs := map[int64]string{}, map[int64]string{}
	var list []*chat.Conversation
	for f := (chat.ConversationFilter{Limit: 200}); ; {
		page, err := st.ListConversations(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, page...)
		if len(page) < 200 {
			break
		}
		last := page[len(page)-1]
		f.BeforeActivity, f.BeforeID = last.LastActivityAt, last.ID
	}
	for _, cv := range list {
		convs[cv.ID] = string(cv.Status)
		for before := int64(0); ; {
			ms, _ := st.ListMessages(ctx, cv.ID, before, 200)
			for _, m := range ms {
				msgs[m.ID] = m.Text
			}
			if len(ms) < 200 {
				break
			}
			before = ms[0].ID
		}
	}
	return convs, msgs
}

// eventually waits until the local view equals the server's.
func eventually(t *testing.T, c *client.Client, st *localstore.Store, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		sc, sm := serverView(t, c)
		lc, lm := localView(t, st)
		if fmt.Sprint(sc) == fmt.Sprint(lc) && fmt.Sprint(sm) == fmt.Sprint(lm) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("local view differs from the server's:\nserver %d conversations %d messages\nlocal  %d conversations %d messages",
				len(sc), len(sm), len(lc), len(lm))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestInitialSyncLiveAndOffline(t *testing.T) {
	s := startSrv(t)
	ben := login(t, s.url(), "ben@deskchat.test")
	var states []string
	var mu sync.Mutex
	_, st, stop := engine(t, ben, filepath.Join(t.TempDir(), "local.db"), func(e *syncer.Engine) {
		e.OnState = func(x syncer.State) { mu.Lock(); states = append(states, x.Phase); mu.Unlock() }
	})
	eventually(t, ben, st, 10*time.Second)

	// Live: a new customer conversation arrives.
	v, _, _ := client.New(s.url()).CreateWidgetSession(context.Background(), chat.CustomerInfo{Name: "Live Larry"})
	conv, _, _, _ := v.CreateConversation(context.Background(), chat.NewConversation{Text: "live question about invoices"})
	eventually(t, ben, st, 10*time.Second)

	// Server gone: every read is local.
	s.kill()
	ctx := context.Background()
	list, err := st.ListConversations(ctx, chat.ConversationFilter{Section: chat.SectionCustomers, Status: chat.StatusOpen})
	if err != nil || len(list) == 0 || list[0].ID != conv.ID || list[0].Customer == nil || list[0].Customer.Name != "Live Larry" || list[0].Unread != 1 {
		t.Fatalf("offline list: %+v %v", list, err)
	}
	res, err := st.Search(ctx, "invoic", 10)
	if err != nil || len(res) == 0 || res[0].ConversationID != conv.ID {
		t.Fatalf("offline search: %+v %v", res, err)
	}
	counts, _ := st.SectionCounts(ctx)
	if counts.Customers == nil || counts.Customers.Open == 0 {
		t.Fatalf("offline counts: %+v", counts)
	}
	// The engine notices the server gone (its stream breaks) on its own
	// time: wait for it rather than race it.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		seen := slices.Contains(states, syncer.PhaseReconnecting)
		mu.Unlock()
		if seen {
			break
		}
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(states, syncer.PhaseConnected) || !slices.Contains(states, syncer.PhaseReconnecting) {
		t.Fatalf("states seen: %v", states)
	}
}

// TestKilledServerAndDroppedConnection: concurrent senders keep writing
// while the server is SIGKILLed and restarted on the same database, and
// while the stream is cut; afterwards local equals server exactly.
func TestKilledServerAndDroppedConnection(t *testing.T) {
	s := startSrv(t)
	ben := login(t, s.url(), "ben@deskchat.test")
	_, st, stop := engine(t, ben, filepath.Join(t.TempDir(), "local.db"))
	defer stop()
	eventually(t, ben, st, 10*time.Second)

	const senders, each = 4, 25
	var wg sync.WaitGroup
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx := context.Background()
			var v *client.Client
			var conv *chat.Conversation
			for v == nil || conv == nil { // retry through the outage
				var err error
				if v == nil {
					v, _, err = client.New(s.url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: fmt.Sprintf("sender %d", i)})
					if err != nil {
						v = nil
					}
				}
				if v != nil {
					conv, _, _, err = v.CreateConversation(ctx, chat.NewConversation{ClientID: "start", Text: "hi"})
					if err != nil {
						conv = nil
					}
				}
				if conv == nil {
					time.Sleep(50 * time.Millisecond)
				}
			}
			for j := 0; j < each; j++ {
				for {
					if _, _, err := v.SendMessage(ctx, conv.ID, fmt.Sprintf("m%d", j), fmt.Sprintf("sender %d message %d", i, j)); err == nil {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}(i)
	}
	time.Sleep(150 * time.Millisecond)
	s.kill() // mid-stream, mid-send
	time.Sleep(300 * time.Millisecond)
	s.start() // same database, same address
	wg.Wait()
	eventually(t, ben, st, 20*time.Second)
	_, msgs := serverView(t, ben)
	if n := len(msgs); n < senders*(each+1) {
		t.Fatalf("server has %d messages, want at least %d", n, senders*(each+1))
	}
}

// flushProcess is the app process of TestOutboxSurvivesKill: it flushes
// the outbox slowly until it is killed.
func flushProcess(db string) {
	c := client.New(os.Getenv("DESKCHAT_TEST_URL")).WithToken(os.Getenv("DESKCHAT_TEST_TOKEN"))
	st, err := localstore.Open(db, 0)
	if err != nil {
		os.Exit(3)
	}
	e := &syncer.Engine{Client: c, Store: st}
	e.Flush(context.Background())
	os.Exit(0)
}

// TestOutboxSurvivesKill: messages written offline wait in the outbox; the
// app is killed mid-flush and started again; each message exists exactly
// once on the server.
func TestOutboxSurvivesKill(t *testing.T) {
	s := startSrv(t)
	ben := login(t, s.url(), "ben@deskchat.test")
	ctx := context.Background()
	page, _ := ben.ListConversations(ctx, client.ConversationQuery{Status: chat.StatusOpen, Kind: chat.ConversationCustomer, Limit: 1})
	conv := page.Conversations[0].ID
	local := filepath.Join(t.TempDir(), "local.db")
	st, err := localstore.Open(local, 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	for i := 0; i < n; i++ {
		st.Enqueue(ctx, localstore.Entry{ClientID: fmt.Sprintf("offline-%d", i), Kind: localstore.OutSendMessage, ConversationID: conv, Text: fmt.Sprintf("offline note %d", i)})
	}
	st.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DESKCHAT_TEST_FLUSH="+local, "DESKCHAT_TEST_URL="+s.url(), "DESKCHAT_TEST_TOKEN="+ben.Token)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once some, not all, have gone out.
	for deadline := time.Now().Add(20 * time.Second); ; {
		_, msgs := serverView(t, ben)
		sent := 0
		for _, text := range msgs {
			if strings.HasPrefix(text, "offline note") {
				sent++
			}
		}
		if sent >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the flushing process sent nothing")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	st, err = localstore.Open(local, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	left, _ := st.Outbox(ctx, 0)
	if len(left) == 0 || len(left) == n {
		t.Fatalf("kill did not land mid-flush: %d of %d left", len(left), n)
	}
	e := &syncer.Engine{Client: ben, Store: st}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if left, _ := st.Outbox(ctx, 0); len(left) != 0 {
		t.Fatalf("%d entries left after the restart's flush", len(left))
	}
	_, msgs := serverView(t, ben)
	count := map[string]int{}
	for _, text := range msgs {
		if strings.HasPrefix(text, "offline note") {
			count[text]++
		}
	}
	if len(count) != n {
		t.Fatalf("server has %d distinct offline notes, want %d", len(count), n)
	}
	for text, c := range count {
		if c != 1 {
			t.Fatalf("%q exists %d times", text, c)
		}
	}
}

// TestResyncKeepsOutbox: while the app is away the server prunes its event
// log past the app's cursor; on return the app gets resync, rebuilds from
// the API, keeps and sends its outbox, and equals the server again.
func TestResyncKeepsOutbox(t *testing.T) {
	s := startSrv(t)
	ben := login(t, s.url(), "ben@deskchat.test")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "local.db")
	_, st, stop := engine(t, ben, path)
	eventually(t, ben, st, 10*time.Second)
	stop()

	// Away: new traffic, then a restart that keeps only 3 events.
	v, _, _ := client.New(s.url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "While away"})
	conv, _, _, _ := v.CreateConversation(ctx, chat.NewConversation{Text: "written while the app was closed"})
	for i := 0; i < 5; i++ {
		v.SendMessage(ctx, conv.ID, "", fmt.Sprintf("more %d", i))
	}
	s.kill()
	s.extra = []string{"--keep-events", "3"}
	s.start()
	ben = login(t, s.url(), "ben@deskchat.test")

	local, err := localstore.Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The log really no longer reaches the app's cursor: equality below
	// can only come from the snapshot path.
	cursor, epoch, _ := local.Cursor(ctx)
	if _, err := ben.OpenStream(ctx, client.StreamOptions{Cursor: &cursor, Epoch: epoch}); client.Code(err) != chat.EResync {
		t.Fatalf("cursor %d still replayable: %v", cursor, err)
	}
	local.Enqueue(ctx, localstore.Entry{ClientID: "kept-1", Kind: localstore.OutSendMessage, ConversationID: conv.ID, Text: "queued before the resync"})
	local.Close()

	_, st, stop = engine(t, ben, path)
	defer stop()
	eventually(t, ben, st, 15*time.Second)
	// The snapshot can equal the server before the outbox goes out (it is
	// sent once the next connection has caught up): wait for the send.
	deadline := time.Now().Add(15 * time.Second)
	for {
		msgs, _ := ben.ListMessages(ctx, conv.ID, chat.MessageFilter{Limit: 50})
		n := 0
		for _, m := range msgs {
			if m.Text == "queued before the resync" {
				n++
			}
		}
		out, _ := st.Outbox(ctx, 0)
		if n == 1 && len(out) == 0 {
			break
		}
		if n > 1 || time.Now().After(deadline) {
			t.Fatalf("outbox entry on the server %d times, %d entries left in the outbox", n, len(out))
		}
		time.Sleep(50 * time.Millisecond)
	}
	eventually(t, ben, st, 15*time.Second)
}

// TestMembershipComesWithHistoryAndGoes: assigned to a ticket on a
// customer conversation, a user without the support flag gets the whole
// conversation locally; unassigned, it leaves the local store (not listed,
// not searchable).
func TestMembershipComesWithHistoryAndGoes(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	chris := login(t, s.url(), "chris@deskchat.test")
	_, st, stop := engine(t, chris, filepath.Join(t.TempDir(), "chris.db"))
	defer stop()
	eventually(t, chris, st, 10*time.Second)

	var sally *chat.Conversation
	page, _ := ben.ListConversations(ctx, client.ConversationQuery{Kind: chat.ConversationCustomer, Limit: 50})
	for _, c := range page.Conversations {
		if c.Customer != nil && c.Customer.Name == "Sally C" {
			sally = c
		}
	}
	me, err := chris.Me(ctx)
	if err != nil || me.User == nil {
		t.Fatal(err)
	}
	chrisID := me.User.ID
	it, err := ben.CreateItem(ctx, chat.NewItem{Type: chat.ItemTicket, Title: "Double charge", ConversationID: sally.ID, AssigneeIDs: []int64{chrisID}})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, chris, st, 10*time.Second)
	msgs, _ := st.ListMessages(ctx, sally.ID, 0, 50)
	if len(msgs) < 4 {
		t.Fatalf("chris has %d of Sally's messages locally", len(msgs))
	}
	if res, _ := st.Search(ctx, "charges", 10); len(res) == 0 {
		t.Fatal("Sally's history is not searchable for the assignee")
	}
	if _, err := ben.SetItemRole(ctx, it.Number, chrisID, chat.RoleAssignee, false); err != nil {
		t.Fatal(err)
	}
	eventually(t, chris, st, 10*time.Second)
	if _, err := st.FindConversationByID(ctx, sally.ID); err == nil {
		t.Fatal("Sally's conversation is still in chris's local store")
	}
	if res, _ := st.Search(ctx, "charges", 10); len(res) != 0 {
		t.Fatalf("still searchable after losing access: %+v", res)
	}
}

// cutProxy forwards loopback TCP to target and cuts each of its first
// `cuts` connections after `after` bytes from the server, mid-frame.
type cutProxy struct {
	l     net.Listener
	mu    sync.Mutex
	cuts  int
	after int
}

func newCutProxy(t *testing.T, target string, cuts, after int) *cutProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{l: l, cuts: cuts, after: after}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			cut := p.cuts > 0
			if cut {
				p.cuts--
			}
			p.mu.Unlock()
			go p.serve(c, target, cut)
		}
	}()
	return p
}

func (p *cutProxy) serve(c net.Conn, target string, cut bool) {
	defer c.Close()
	s, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer s.Close()
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				s.Write(buf[:n])
			}
			if err != nil {
				s.Close()
				return
			}
		}
	}()
	buf := make([]byte, 1500)
	sent := 0
	for {
		n, err := s.Read(buf)
		if n > 0 {
			if cut && sent+n > p.after {
				c.Write(buf[:(p.after-sent)/2+1]) // half of what is left: mid-frame
				return
			}
			c.Write(buf[:n])
			sent += n
		}
		if err != nil {
			return
		}
	}
}

func (p *cutProxy) url() string { return "http://" + p.l.Addr().String() }

// TestConnectionsCutMidFrame: during the initial sync and while the outbox
// is flushed, TCP connections are cut in the middle of frames and answers;
// the engine recovers by itself and ends equal to the server, every queued
// message sent exactly once.
func TestConnectionsCutMidFrame(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	page, _ := ben.ListConversations(ctx, client.ConversationQuery{Status: chat.StatusOpen, Kind: chat.ConversationCustomer, Limit: 1})
	conv := page.Conversations[0].ID
	for i := 0; i < 200; i++ { // a history worth several frames
		ben.SendMessage(ctx, conv, fmt.Sprintf("h%d", i), fmt.Sprintf("history line %d with some words in it", i))
	}
	proxy := newCutProxy(t, s.addr, 6, 6000)
	viaProxy := client.New(proxy.url()).WithToken(ben.Token)
	local := filepath.Join(t.TempDir(), "local.db")
	st, _ := localstore.Open(local, 0)
	for i := 0; i < 30; i++ {
		st.Enqueue(ctx, localstore.Entry{ClientID: fmt.Sprintf("cut-%d", i), Kind: localstore.OutSendMessage, ConversationID: conv, Text: fmt.Sprintf("queued %d", i)})
	}
	st.Close()
	_, st, stop := engine(t, viaProxy, local)
	defer stop()
	eventually(t, ben, st, 20*time.Second)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if left, _ := st.Outbox(ctx, 0); len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("outbox never emptied")
		}
		time.Sleep(50 * time.Millisecond)
	}
	eventually(t, ben, st, 10*time.Second)
	_, msgs := serverView(t, ben)
	count := map[string]int{}
	for _, text := range msgs {
		count[text]++
	}
	for i := 0; i < 30; i++ {
		if n := count[fmt.Sprintf("queued %d", i)]; n != 1 {
			t.Fatalf("queued %d is on the server %d times", i, n)
		}
	}
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	if proxy.cuts != 0 {
		t.Fatalf("only %d of 6 connections were cut", 6-proxy.cuts)
	}
}
