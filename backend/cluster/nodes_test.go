package cluster_test

// The multi-node tests: real deskchat-server processes on one real
// PostgreSQL, joined by a real nats-server process.

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

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/demo"
	"github.com/deskchat/deskchat/backend/media/mediatest"
	"github.com/deskchat/deskchat/backend/postgres/pgtest"
)

var serverBin, natsBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deskchat-cluster-")
	if err != nil {
		panic(err)
	}
	serverBin, natsBin = os.Getenv("DESKCHAT_SERVER"), os.Getenv("DESKCHAT_NATS_SERVER")
	for _, b := range []struct {
		bin *string
		pkg string
	}{{&serverBin, "../cmd/deskchat-server"}, {&natsBin, "github.com/nats-io/nats-server/v2"}} {
		if *b.bin != "" {
			continue
		}
		*b.bin = filepath.Join(dir, filepath.Base(b.pkg))
		if out, err := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", *b.bin, b.pkg).CombinedOutput(); err != nil {
			panic(fmt.Sprintf("build %s: %v\n%s", b.pkg, err, out))
		}
	}
	defer os.RemoveAll(dir)
	pgtest.Main(m)
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// natsProc is a nats-server process on a fixed port.
type natsProc struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startNATS(t *testing.T) *natsProc {
	n := &natsProc{t: t, port: freePort(t)}
	n.start()
	t.Cleanup(n.kill)
	return n
}

func (n *natsProc) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.port) }

func (n *natsProc) start() {
	n.cmd = exec.Command(natsBin, "-a", "127.0.0.1", "-p", fmt.Sprint(n.port))
	if err := n.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", n.port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.t.Fatal("nats-server did not start")
}

func (n *natsProc) kill() {
	if n.cmd != nil {
		n.cmd.Process.Signal(syscall.SIGKILL)
		n.cmd.Wait()
		n.cmd = nil
	}
}

// node is a deskchat-server process.
type node struct {
	t         *testing.T
	name, db  string
	nats      string
	addr      string
	cmd       *exec.Cmd
	extraArgs []string
}

func startNode(t *testing.T, name, db, natsURL string, extra ...string) *node {
	n := &node{t: t, name: name, db: db, nats: natsURL, addr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), extraArgs: extra}
	n.start()
	t.Cleanup(n.kill)
	return n
}

func (n *node) url() string { return "http://" + n.addr }

func (n *node) start() {
	args := append([]string{"serve", "--db", n.db, "--nats", n.nats, "--node", n.name, "--addr", n.addr,
		"--customer-send-rate", "1000000", "--widget-session-rate", "1000000", "--login-rate", "1000000"}, n.extraArgs...)
	n.cmd = exec.Command(serverBin, args...)
	out, _ := n.cmd.StdoutPipe()
	n.cmd.Stderr = os.Stderr
	if err := n.cmd.Start(); err != nil {
		n.t.Fatal(err)
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
	n.t.Fatalf("node %s did not start", n.name)
}

// kill ends the node with SIGKILL.
func (n *node) kill() {
	if n.cmd != nil {
		n.cmd.Process.Signal(syscall.SIGKILL)
		n.cmd.Wait()
		n.cmd = nil
	}
}

// cluster is PostgreSQL, NATS and three nodes, the first with the demo.
type cluster struct {
	t     *testing.T
	db    string
	nats  *natsProc
	nodes []*node
}

func startCluster(t *testing.T, db string) *cluster {
	c := &cluster{t: t, db: db, nats: startNATS(t)}
	c.nodes = append(c.nodes, startNode(t, "n1", db, c.nats.url(), "--demo"))
	for _, name := range []string{"n2", "n3"} {
		c.nodes = append(c.nodes, startNode(t, name, db, c.nats.url()))
	}
	return c
}

// watcher follows one stream and records every stored event it gets, in
// order; it can move to another node, resuming from its cursor.
type watcher struct {
	c       *client.Client
	mu      sync.Mutex
	first   int64 // the cursor it started from
	cursor  int64
	epoch   string
	seqs    []int64
	ended   error
	stream  *client.Stream
	stopped chan struct{}
	reading chan struct{} // closed when the current stream's reader ends
}

func watch(t *testing.T, c *client.Client) *watcher {
	t.Helper()
	w := &watcher{c: c, stopped: make(chan struct{})}
	st, err := c.OpenStream(context.Background(), client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.first, w.cursor, w.epoch = st.Welcome.Head, st.Welcome.Head, st.Welcome.Epoch
	w.follow(st)
	t.Cleanup(w.stop)
	return w
}

func (w *watcher) follow(st *client.Stream) {
	reading := make(chan struct{})
	w.mu.Lock()
	w.stream, w.ended, w.reading = st, nil, reading
	w.mu.Unlock()
	go func() {
		defer close(reading)
		for {
			f, err := st.Next(context.Background())
			if err != nil {
				w.mu.Lock()
				w.ended = err
				w.mu.Unlock()
				return
			}
			if f.Type == chat.FrameEvent && f.Event != nil {
				w.mu.Lock()
				w.seqs = append(w.seqs, f.Event.Seq)
				w.cursor = f.Event.Seq
				w.mu.Unlock()
			}
		}
	}()
}

// moveTo resumes the stream on another node from the watcher's cursor.
func (w *watcher) moveTo(t *testing.T, url string) {
	t.Helper()
	// As a client does: stop reading the old connection first. Frames of
	// the old node still buffered in the socket would otherwise arrive
	// after the cursor is taken, and the resume would repeat them.
	w.mu.Lock()
	old, reading := w.stream, w.reading
	w.mu.Unlock()
	if old != nil {
		old.Close()
		<-reading
	}
	w.mu.Lock()
	cursor, epoch := w.cursor, w.epoch
	w.mu.Unlock()
	c := client.New(url).WithToken(w.c.Token)
	var st *client.Stream
	var err error
	for try := 0; try < 50; try++ {
		if st, err = c.OpenStream(context.Background(), client.StreamOptions{Cursor: &cursor, Epoch: epoch}); err == nil {
			w.follow(st)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("resume on %s: %v", url, err)
}

func (w *watcher) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stream != nil {
		w.stream.Close()
	}
}

func (w *watcher) got() []int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.seqs)
}

// replay reads what a fresh stream from cursor gets, up to caught_up.
func replay(t *testing.T, c *client.Client, cursor int64, epoch string) []int64 {
	t.Helper()
	st, err := c.OpenStream(context.Background(), client.StreamOptions{Cursor: &cursor, Epoch: epoch})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []int64
	for {
		f, err := st.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		switch f.Type {
		case chat.FrameEvent:
			out = append(out, f.Event.Seq)
		case chat.FrameCaughtUp:
			return out
		}
	}
}

// sameAsReplay waits until every watcher holds exactly what a fresh
// replay from its first cursor gives (no event missing, none twice, the
// same order), or fails after a while.
func sameAsReplay(t *testing.T, url string, ws map[string]*watcher) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for name, w := range ws {
		for {
			want := replay(t, client.New(url).WithToken(w.c.Token), w.first, w.epoch)
			got := w.got()
			if slices.Equal(got, want) {
				t.Logf("%s: %d events, the same as a replay", name, len(got))
				break
			}
			if time.Now().After(deadline) || len(got) > len(want) {
				t.Fatalf("%s: live %d events, replay %d; first difference at %d (live ended: %v)",
					name, len(got), len(want), firstDiff(got, want), w.ended)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

func firstDiff(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// load is the traffic of the tests: customers on nodes 2 and 3 and an
// agent on node 1 each write in their conversations through every node in
// turn. A send that fails is tried again (same client id) on the next node
// until it is acknowledged; acked collects the acknowledged message ids.
type load struct {
	agent     *client.Client // ben, support
	customers []*client.Client
	convs     []int64
	mu        sync.Mutex
	acked     map[int64]string // message id → client id
	convOf    map[int64]int64  // message id → conversation
	errors    map[string]int   // error code → count
}

func newLoad(t *testing.T, c *cluster, customers int) *load {
	ctx := context.Background()
	ben, _, err := client.New(c.nodes[0].url()).Login(ctx, "ben@deskchat.test", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	l := &load{agent: ben, acked: map[int64]string{}, convOf: map[int64]int64{}, errors: map[string]int{}}
	for i := range customers {
		home := c.nodes[1+i%2]
		v, _, err := client.New(home.url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: fmt.Sprintf("Customer %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		conv, _, _, err := v.CreateConversation(ctx, chat.NewConversation{Text: "hello from customer " + fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		l.customers, l.convs = append(l.customers, v), append(l.convs, conv.ID)
	}
	return l
}

// run starts senders goroutines of n messages each, spread over the
// nodes, and during (if not nil) beside them, which injects a fault; done
// closes when the senders finished. run returns when every message is
// acknowledged and during has returned.
func (l *load) run(t *testing.T, c *cluster, senders, n int, during func(done <-chan struct{})) {
	var wg sync.WaitGroup
	done := make(chan struct{})
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := s % len(l.convs)
			who := l.customers[k]
			if s%4 == 0 {
				who = l.agent
			}
			for i := range n {
				clientID := fmt.Sprintf("s%d-%d", s, i)
				text := fmt.Sprintf("sender %d message %d", s, i)
				for try := 0; ; try++ {
					nd := c.nodes[(s+i+try)%len(c.nodes)]
					m, _, err := client.New(nd.url()).WithToken(who.Token).SendMessage(context.Background(), l.convs[k], clientID, text)
					if err == nil {
						l.mu.Lock()
						l.acked[m.ID] = clientID
						l.convOf[m.ID] = l.convs[k]
						l.mu.Unlock()
						break
					}
					l.mu.Lock()
					l.errors[client.Code(err)]++
					l.mu.Unlock()
					if try > 400 {
						t.Errorf("sender %d: message %d never acknowledged: %v", s, i, err)
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	faultDone := make(chan struct{})
	if during != nil {
		go func() { defer close(faultDone); during(done) }()
	} else {
		close(faultDone)
	}
	wg.Wait()
	close(done)
	<-faultDone // the fault is over (a restarted server is up again)
}

// watchers are an agent stream on node 1 and every customer's stream on
// their home node.
func (l *load) watchers(t *testing.T, c *cluster) map[string]*watcher {
	ws := map[string]*watcher{"agent@n1": watch(t, client.New(c.nodes[0].url()).WithToken(l.agent.Token))}
	for i, v := range l.customers {
		home := c.nodes[1+i%2]
		ws[fmt.Sprintf("customer%d@%s", i, home.name)] = watch(t, client.New(home.url()).WithToken(v.Token))
	}
	return ws
}

// TestThreeNodes: agents' streams on node 1, customers' on nodes 2 and 3,
// 20 concurrent senders over all nodes. Every stream receives exactly
// what a fresh replay from its first cursor gives it.
func TestThreeNodes(t *testing.T) {
	c := startCluster(t, pgtest.Database(t))
	l := newLoad(t, c, 6)
	ws := l.watchers(t, c)
	l.run(t, c, 20, 15, nil)
	sameAsReplay(t, c.nodes[2].url(), ws)
	t.Logf("%d messages acknowledged; errors %v", len(l.acked), l.errors)
}

// deliveredOnce checks that every acknowledged message reached the
// agent's stream exactly once, and is stored.
func deliveredOnce(t *testing.T, c *cluster, l *load) {
	t.Helper()
	ctx := context.Background()
	// Each stream equals its replay (sameAsReplay) and a replay holds
	// each stored event once; so: every acknowledged message is stored,
	// and no client id was acknowledged as two messages.
	for i, conv := range l.convs {
		msgs, err := client.New(c.nodes[0].url()).WithToken(l.customers[i].Token).History(ctx, conv)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[int64]bool{}
		for _, m := range msgs {
			stored[m.ID] = true
		}
		l.mu.Lock()
		for id := range l.acked {
			if l.convOf[id] == conv && !stored[id] {
				t.Errorf("acknowledged message %d is not stored", id)
			}
		}
		l.mu.Unlock()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	byClient := map[string]int{}
	for _, cid := range l.acked {
		byClient[cid]++
	}
	for cid, n := range byClient {
		if n != 1 {
			t.Errorf("client id %s acknowledged as %d messages", cid, n)
		}
	}
}

// ackedNow counts the acknowledged messages so far.
func (l *load) ackedNow() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// stillRunning fails the test if the load ended before a fault.
func stillRunning(t *testing.T, done <-chan struct{}, fault string) {
	select {
	case <-done:
		t.Errorf("the load ended before %s: the test would prove nothing", fault)
	default:
	}
}

// TestNodeKilledMidLoad: node 2 is SIGKILLed while messages flow; its
// customers' streams resume on node 3 from their cursors. Every
// acknowledged message is stored and delivered exactly once; every stream
// equals its replay.
func TestNodeKilledMidLoad(t *testing.T) {
	c := startCluster(t, pgtest.Database(t))
	l := newLoad(t, c, 6)
	ws := l.watchers(t, c)
	l.run(t, c, 20, 25, func(done <-chan struct{}) {
		time.Sleep(300 * time.Millisecond)
		stillRunning(t, done, "node 2 was killed")
		c.nodes[1].kill()
		for name, w := range ws {
			if strings.HasSuffix(name, "@n2") {
				w.moveTo(t, c.nodes[2].url())
			}
		}
	})
	if c.nodes[1].cmd != nil {
		t.Fatal("node 2 was not killed during the load")
	}
	c.nodes = []*node{c.nodes[0], c.nodes[2]}
	sameAsReplay(t, c.nodes[1].url(), ws)
	deliveredOnce(t, c, l)
	t.Logf("%d messages acknowledged; errors while node 2 died: %v", len(l.acked), l.errors)
}

// TestNATSRestartedMidLoad: the NATS server is killed and started again
// while messages flow. No stream loses or repeats an event.
func TestNATSRestartedMidLoad(t *testing.T) {
	c := startCluster(t, pgtest.Database(t))
	l := newLoad(t, c, 6)
	ws := l.watchers(t, c)
	during := 0
	l.run(t, c, 20, 25, func(done <-chan struct{}) {
		time.Sleep(300 * time.Millisecond)
		stillRunning(t, done, "NATS was killed")
		before := l.ackedNow()
		c.nats.kill()
		time.Sleep(time.Second)
		during = l.ackedNow() - before
		c.nats.start()
	})
	if during == 0 {
		t.Fatal("nothing was sent while NATS was down: the test would prove nothing")
	}
	t.Logf("%d messages acknowledged while NATS was down", during)
	sameAsReplay(t, c.nodes[2].url(), ws)
	deliveredOnce(t, c, l)
	t.Logf("%d messages acknowledged; errors %v", len(l.acked), l.errors)
}

// TestPostgresRestartedMidLoad: PostgreSQL stops and starts again while
// messages flow. Meanwhile writes answer 503 unavailable; nothing
// acknowledged is lost, and the streams go on.
func TestPostgresRestartedMidLoad(t *testing.T) {
	pg, err := pgtest.New() // its own server: the others' tests keep theirs
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Remove)
	db, err := pg.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	c := startCluster(t, db)
	l := newLoad(t, c, 6)
	ws := l.watchers(t, c)
	statusWhileDown := make(chan int, 1)
	l.run(t, c, 20, 25, func(done <-chan struct{}) {
		time.Sleep(300 * time.Millisecond)
		stillRunning(t, done, "PostgreSQL was stopped")
		if err := pg.Stop(); err != nil {
			t.Error(err)
			return
		}
		// A write while the database is down: 503 with its stable code.
		status, err := client.New(c.nodes[0].url()).WithToken(l.agent.Token).Do(context.Background(), "POST",
			fmt.Sprintf("/v1/conversations/%d/messages", l.convs[0]), map[string]string{"text": "while down", "client_id": "down-1"}, nil)
		if client.Code(err) != chat.EUnavailable {
			t.Errorf("a write while PostgreSQL is down: %d %v, want 503 unavailable", status, err)
		}
		statusWhileDown <- status
		time.Sleep(time.Second)
		if err := pg.Start(); err != nil {
			t.Error(err)
		}
	})
	if s := <-statusWhileDown; s != 503 {
		t.Fatalf("status while down %d, want 503", s)
	}
	sameAsReplay(t, c.nodes[2].url(), ws)
	deliveredOnce(t, c, l)
	t.Logf("%d messages acknowledged; errors while PostgreSQL was down: %v", len(l.acked), l.errors)
}

// online asks a node whether a user is online.
func online(t *testing.T, c *client.Client, id int64) bool {
	t.Helper()
	u, err := c.FindUserByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Online
}

// TestPresenceTypingAndRevocationAcrossNodes: who is online on one node
// is online on all; typing on one node reaches a customer on another; a
// logout on one node closes the session's stream on another; and when a
// node dies, its users go offline everywhere once it stops announcing them.
func TestPresenceTypingAndRevocationAcrossNodes(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Database(t)
	c := &cluster{t: t, db: db, nats: startNATS(t)}
	for i, name := range []string{"n1", "n2", "n3"} {
		extra := []string{"--presence-grace", "500ms"}
		if i == 0 {
			extra = append(extra, "--demo")
		}
		c.nodes = append(c.nodes, startNode(t, name, db, c.nats.url(), extra...))
	}
	anna, _, err := client.New(c.nodes[0].url()).Login(ctx, "anna@deskchat.test", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	ben, tr, err := client.New(c.nodes[1].url()).Login(ctx, "ben@deskchat.test", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	benID := tr.User.ID
	waitFor := func(what string, d time.Duration, ok func() bool) {
		t.Helper()
		for end := time.Now().Add(d); !ok(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("%s: not after %s", what, d)
			}
		}
	}

	// Ben streams on node 2: node 1 says he is online.
	bs, err := ben.OpenStream(ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor("ben online on node 1", 5*time.Second, func() bool { return online(t, anna, benID) })

	// A customer on node 3 sees Ben typing on node 2.
	v, _, err := client.New(c.nodes[2].url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Typing Tess"})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, _, err := v.CreateConversation(ctx, chat.NewConversation{Text: "anyone there?"})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := v.OpenStream(ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	time.Sleep(200 * time.Millisecond) // Ben's node learns the conversation's audience from the store
	if err := bs.Typing(conv.ID, false); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	for {
		f, err := vs.Next(tctx)
		if err != nil {
			t.Fatalf("the customer on node 3 never saw Ben typing on node 2: %v", err)
		}
		if f.Type == chat.FrameEphemeral && f.Event != nil && f.Event.Type == chat.EventTyping {
			break
		}
	}
	cancel()

	// Ben logs out through node 1: his stream on node 2 closes (4001).
	if err := client.New(c.nodes[0].url()).WithToken(ben.Token).Logout(ctx); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for {
		_, err := bs.Next(cctx)
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprint(chat.CloseUnauthorized)) {
			t.Fatalf("Ben's stream on node 2 ended with %v, want close %d", err, chat.CloseUnauthorized)
		}
		break
	}

	// Ben signs in again on node 3, which then dies: node 1 keeps him
	// online for a while (a node's silence is not yet its death), then
	// not.
	ben2, _, err := client.New(c.nodes[2].url()).Login(ctx, "ben@deskchat.test", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ben2.OpenStream(ctx, client.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor("ben online again on node 1", 5*time.Second, func() bool { return online(t, anna, benID) })
	killed := time.Now()
	c.nodes[2].kill()
	if !online(t, anna, benID) {
		t.Fatal("Ben went offline on node 1 the moment node 3 died")
	}
	waitFor("ben offline on node 1 after node 3 died", 20*time.Second, func() bool { return !online(t, anna, benID) })
	t.Logf("offline everywhere %s after his node died", time.Since(killed).Round(100*time.Millisecond))
}

// TestRevocationMissedOverNATS: Ben logs out through node 1 while NATS is
// down, and node 1 dies before it could send the revocation, so node 2
// never hears of it; when NATS is back, node 2 checks its streams'
// sessions against the database and ends Ben's stream.
func TestRevocationMissedOverNATS(t *testing.T) {
	ctx := context.Background()
	c := startCluster(t, pgtest.Database(t))
	ben, _, err := client.New(c.nodes[1].url()).Login(ctx, "ben@deskchat.test", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := ben.OpenStream(ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	c.nats.kill()
	if err := client.New(c.nodes[0].url()).WithToken(ben.Token).Logout(ctx); err != nil {
		t.Fatal(err)
	}
	// Node 1 holds the revocation in its NATS client's buffer until NATS
	// is back; it dies first, so the message is really lost.
	c.nodes[0].kill()
	c.nats.start()
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		_, err := bs.Next(cctx)
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprint(chat.CloseUnauthorized)) {
			t.Fatalf("Ben's stream on node 2 ended with %v, want close %d after NATS came back", err, chat.CloseUnauthorized)
		}
		return
	}
}

// TestWrongNATSPasswordStopsTheNode: a node whose NATS credentials are
// refused does not start (silently alone it would miss every other node's
// live events); one whose NATS is merely down starts and waits for it.
func TestWrongNATSPasswordStopsTheNode(t *testing.T) {
	port := freePort(t)
	ns := exec.Command(natsBin, "-a", "127.0.0.1", "-p", fmt.Sprint(port), "--user", "deskchat", "--pass", "right")
	if err := ns.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { ns.Process.Kill(); ns.Wait() }()
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	db := pgtest.Database(t)
	cmd := exec.Command(serverBin, "serve", "--db", db, "--addr", fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		"--nats", fmt.Sprintf("nats://deskchat:wrong@127.0.0.1:%d", port))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(strings.ToLower(string(out)), "authorization") {
		t.Fatalf("a node with a refused NATS password: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "wrong@") {
		t.Fatalf("the password is in the output:\n%s", out)
	}
	// NATS down at start: the node starts, and joins once NATS is up.
	down := freePort(t)
	n := startNode(t, "late", db, fmt.Sprintf("nats://127.0.0.1:%d", down))
	if status, err := client.New(n.url()).Do(context.Background(), "GET", "/healthz", nil, nil); err != nil || status != 200 {
		t.Fatalf("node without NATS yet: %d %v", status, err)
	}
}

// TestTeamworkAcrossNodes: auto-assignment sees the support agents online
// on every node and assigns each waiting conversation once (the leader
// does it); a private note written on one node reaches the team on
// another and never the customer, live on a third node or replayed.
func TestTeamworkAcrossNodes(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Database(t)
	c := &cluster{t: t, db: db, nats: startNATS(t)}
	for i, name := range []string{"n1", "n2", "n3"} {
		extra := []string{"--presence-grace", "500ms"}
		if i == 0 {
			extra = append(extra, "--demo")
		}
		c.nodes = append(c.nodes, startNode(t, name, db, c.nats.url(), extra...))
	}
	agents := map[int64]*client.Client{}
	var streams []*client.Stream
	for i, email := range []string{"anna@deskchat.test", "ben@deskchat.test", "dana@deskchat.test"} {
		a, tr, err := client.New(c.nodes[i].url()).Login(ctx, email, demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		st, err := a.OpenStream(ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		streams = append(streams, st)
		agents[tr.User.ID] = a
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for end := time.Now().Add(20 * time.Second); !ok(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("timed out: %s", what)
			}
		}
	}
	var admin *client.Client
	for _, a := range agents {
		if me, _ := a.Me(ctx); me.User.Admin {
			admin = a
		}
	}
	waitFor("all three online everywhere", func() bool {
		for id := range agents {
			if !online(t, admin, id) {
				return false
			}
		}
		return true
	})
	on, capacity := true, 10
	if _, err := admin.UpdateSettings(ctx, chat.SettingsUpdate{AutoAssign: &on, AssignCapacity: &capacity}); err != nil {
		t.Fatal(err)
	}
	// Six customers arrive on node 3.
	for i := range 6 {
		v, _, err := client.New(c.nodes[2].url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: fmt.Sprintf("Visitor %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := v.CreateConversation(ctx, chat.NewConversation{Text: "hello"}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("every open customer conversation assigned", func() bool {
		page, err := admin.ListConversations(ctx, client.ConversationQuery{Section: chat.SectionCustomers, Status: chat.StatusOpen, Assignee: chat.Unassigned})
		return err == nil && len(page.Conversations) == 0
	})
	page, _ := admin.ListConversations(ctx, client.ConversationQuery{Section: chat.SectionCustomers, Status: chat.StatusOpen, Limit: 200})
	load := map[int64]int{}
	for _, conv := range page.Conversations {
		load[conv.Assignee.ID]++
		msgs, _ := admin.ListMessages(ctx, conv.ID, chat.MessageFilter{Limit: 200})
		notes := 0
		for _, m := range msgs {
			if m.System == chat.NoteAssigned && strings.HasPrefix(m.Text, "Auto-assignment") {
				notes++
			}
		}
		if notes > 1 {
			t.Fatalf("conversation %d was auto-assigned %d times", conv.ID, notes)
		}
	}
	for id := range agents {
		if load[id] == 0 {
			t.Fatalf("agent %d (online on another node) got nothing: %v", id, load)
		}
	}

	// A note on node 2 about a customer whose stream is on node 3.
	v, _, err := client.New(c.nodes[2].url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Nora Note"})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, _, err := v.CreateConversation(ctx, chat.NewConversation{Text: "is my order shipped?"})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := v.OpenStream(ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	var ben *client.Client
	for _, a := range agents {
		if me, _ := a.Me(ctx); me.User.Email == "ben@deskchat.test" {
			ben = a
		}
	}
	if _, _, err := ben.Post(ctx, conv.ID, chat.NewMessage{Text: "CROSSNODE secret: refund approved", Internal: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ben.SendMessage(ctx, conv.ID, "", "PUBLIC shipped today"); err != nil {
		t.Fatal(err)
	}
	// The team on node 1 gets the note.
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for got := false; !got; {
		f, err := streams[0].Next(tctx)
		if err != nil {
			t.Fatalf("the team on node 1 never got the note: %v", err)
		}
		got = f.Event != nil && strings.Contains(string(f.Event.Data), "CROSSNODE")
	}
	// The customer on node 3 gets the reply and never the note.
	for {
		f, err := vs.Next(tctx)
		if err != nil {
			t.Fatalf("the customer never got the reply: %v", err)
		}
		if f.Event == nil {
			continue
		}
		if strings.Contains(string(f.Event.Data), "CROSSNODE") {
			t.Fatalf("the customer on node 3 got the note: %s", f.Event.Data)
		}
		if strings.Contains(string(f.Event.Data), "PUBLIC shipped") {
			break
		}
	}
	zero := int64(0)
	all, err := client.New(c.nodes[0].url()).WithToken(v.Token).OpenStream(ctx, client.StreamOptions{Cursor: &zero})
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	for {
		f, err := all.Next(tctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Type == chat.FrameCaughtUp {
			break
		}
		if f.Event != nil && strings.Contains(string(f.Event.Data), "CROSSNODE") {
			t.Fatalf("the customer's replay on node 1 has the note: %s", f.Event.Data)
		}
	}
}

// TestFilesAcrossNodes: a file uploaded to one node is served by every
// node (the blob store is PostgreSQL's), sends on another node may name
// it, and a delete on any node takes it from all of them.
func TestFilesAcrossNodes(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Database(t)
	c := &cluster{t: t, db: db, nats: startNATS(t)}
	c.nodes = append(c.nodes, startNode(t, "n1", db, c.nats.url(), "--demo"), startNode(t, "n2", db, c.nats.url()))
	cust, _, err := client.New(c.nodes[0].url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Nina Nodes"})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, _, err := cust.CreateConversation(ctx, chat.NewConversation{Text: "see my screenshot"})
	if err != nil {
		t.Fatal(err)
	}
	shot, err := cust.Upload(ctx, "screen.png", "", mediatest.PNG(800, 600))
	if err != nil {
		t.Fatal(err)
	}
	// Sent through the other node.
	other := client.New(c.nodes[1].url()).WithToken(cust.Token)
	m, _, err := other.Post(ctx, conv.ID, chat.NewMessage{Attachments: []string{shot.ID}})
	if err != nil || len(m.Attachments) != 1 {
		t.Fatal(err, m)
	}
	for _, n := range c.nodes {
		agent, _, err := client.New(n.url()).Login(ctx, "ben@deskchat.test", demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		if d, err := agent.Download(ctx, shot.ID, true); err != nil || d.ContentType != "image/jpeg" {
			t.Fatalf("%s: thumbnail %v", n.url(), err)
		}
		if d, err := agent.Download(ctx, shot.ID, false); err != nil || int64(len(d.Data)) != shot.Size {
			t.Fatalf("%s: file %v", n.url(), err)
		}
	}
	if _, err := other.DeleteMessage(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	for _, n := range c.nodes {
		agent, _, _ := client.New(n.url()).Login(ctx, "ben@deskchat.test", demo.Password)
		if _, err := agent.Download(ctx, shot.ID, false); client.Code(err) != chat.ENotFound {
			t.Fatalf("%s serves a deleted file: %v", n.url(), err)
		}
	}
}
