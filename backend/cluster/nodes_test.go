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
	w.mu.Lock()
	w.stream, w.ended = st, nil
	w.mu.Unlock()
	go func() {
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
	errors    map[string]int   // error code → count
}

func newLoad(t *testing.T, c *cluster, customers int) *load {
	ctx := context.Background()
	ben, _, err := client.New(c.nodes[0].url()).Login(ctx, "ben@deskchat.test", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	l := &load{agent: ben, acked: map[int64]string{}, errors: map[string]int{}}
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
// nodes; it returns when all are acknowledged.
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
	if during != nil {
		go during(done)
	}
	wg.Wait()
	close(done)
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
