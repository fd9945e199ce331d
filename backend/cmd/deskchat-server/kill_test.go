package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// serveProcess starts `serve` as its own process on addr and waits until
// it listens.
func serveProcess(t *testing.T, db, addr string) *exec.Cmd {
	t.Helper()
	// All test customers share 127.0.0.1: lift the per-IP customer limits.
	cmd := exec.Command(os.Args[0], "serve", "--db", db, "--addr", addr, "--widget-session-rate", "100000", "--customer-send-rate", "100000")
	cmd.Env = append(os.Environ(), "DESKCHAT_TEST_RUN_MAIN=1")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "listening on") {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd
		}
	}
	t.Fatal("server did not start")
	return nil
}

// TestSIGKILLLosesNothingAcknowledged: 50 customers send while the server
// is killed with SIGKILL and restarted on the same database. Each customer
// retries what was not acknowledged with the same client id, as the widget
// does. Afterwards every message is on the server exactly once, everything
// acknowledged before the kill survived it, and SQLite's integrity check
// passes. Each customer also follows its event stream the way the widget
// does (reconnecting from its cursor after the kill): what it received is
// exactly a full replay of its events, with no gap and no duplicate.
func TestSIGKILLLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	db := filepath.Join(t.TempDir(), "d.db")
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	cmd := serveProcess(t, db, addr)
	base := "http://" + addr
	ctx := context.Background()

	const clients, each = 50, 12
	killed := make(chan struct{})
	var mu sync.Mutex
	ackedBeforeKill, retried := 0, 0
	customers := make([]*client.Client, clients)
	convs := make([]int64, clients)
	// Made before the customers start, so the kill below reads them while
	// slow starters are still connecting (each guards its own fields).
	followers := make([]*follower, clients)
	for i := range followers {
		followers[i] = &follower{}
	}
	followCtx, stopFollowing := context.WithCancel(ctx)
	defer stopFollowing()
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			retry := func(what string, fn func() error) {
				for deadline := time.Now().Add(30 * time.Second); ; {
					if err := fn(); err == nil {
						return
					} else if time.Now().After(deadline) {
						t.Errorf("client %d: %s: %v", i, what, err)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			retry("session", func() (err error) {
				customers[i], _, err = client.New(base).CreateWidgetSession(ctx, chat.CustomerInfo{Name: fmt.Sprintf("v%d", i)})
				return err
			})
			if customers[i] == nil {
				return // reported by retry
			}
			go followers[i].run(followCtx, customers[i])
			retry("conversation", func() error {
				c, _, _, err := customers[i].CreateConversation(ctx, chat.NewConversation{ClientID: "start", Text: "hello"})
				if err == nil {
					convs[i] = c.ID
				}
				return err
			})
			for j := 0; j < each; j++ {
				id := fmt.Sprintf("c%d-m%d", i, j)
				attempts := 0
				retry("send "+id, func() error {
					attempts++
					_, _, err := customers[i].SendMessage(ctx, convs[i], id, "message "+id)
					if err == nil {
						mu.Lock()
						select {
						case <-killed:
						default:
							ackedBeforeKill++
						}
						if attempts > 1 {
							retried++
						}
						mu.Unlock()
					}
					return err
				})
				time.Sleep(5 * time.Millisecond)
			}
		}(i)
	}
	// Kill once sends are flowing (not after a fixed time: on a loaded
	// machine the 50 customers may still be starting then).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := ackedBeforeKill
		mu.Unlock()
		if n >= 20 || time.Now().After(deadline) {
			break
		}
	}
	mu.Lock()
	cmd.Process.Signal(syscall.SIGKILL) // mid-send, no shutdown at all
	close(killed)
	mu.Unlock()
	// The streams open at the kill: each must be cut and come back. (On a
	// loaded machine some customers only start after the restart.)
	connectsAtKill := make([]int, clients)
	for i, f := range followers {
		if f != nil {
			f.mu.Lock()
			connectsAtKill[i] = f.connects
			f.mu.Unlock()
		}
	}
	cmd.Wait()
	time.Sleep(200 * time.Millisecond)
	cmd = serveProcess(t, db, addr)
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	wg.Wait()
	if ackedBeforeKill == 0 || retried == 0 {
		t.Fatalf("the kill did not land mid-send: %d acknowledged before, %d retried", ackedBeforeKill, retried)
	}
	for i, v := range customers {
		msgs, err := v.ListMessages(ctx, convs[i], chat.MessageFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, m := range msgs {
			seen[m.Text]++
		}
		for j := 0; j < each; j++ {
			if n := seen[fmt.Sprintf("message c%d-m%d", i, j)]; n != 1 {
				t.Errorf("c%d-m%d is on the server %d times", i, j, n)
			}
		}
	}
	t.Logf("%d messages: %d acknowledged before the kill, %d needed a retry", clients*each, ackedBeforeKill, retried)

	// Every customer's stream: the seqs received across the kill equal a
	// full replay from 0.
	cut, reconnected := 0, 0
	for i, v := range customers {
		want := replayAll(t, v)
		f := followers[i]
		for deadline := time.Now().Add(20 * time.Second); f.lastSeq() < want[len(want)-1]; {
			if time.Now().After(deadline) {
				t.Fatalf("customer %d's stream did not catch up: at %d, want %d", i, f.lastSeq(), want[len(want)-1])
			}
			time.Sleep(20 * time.Millisecond)
		}
		f.mu.Lock()
		got, dups := fmt.Sprint(f.seqs), f.dups
		if connectsAtKill[i] > 0 {
			cut++
			if f.connects > connectsAtKill[i] {
				reconnected++
			}
		}
		f.mu.Unlock()
		if got != fmt.Sprint(want) || dups != 0 {
			t.Fatalf("customer %d received %s (%d duplicates), a full replay is %v", i, got, dups, want)
		}
	}
	stopFollowing()
	if cut < 10 || reconnected != cut {
		t.Fatalf("%d streams were open at the kill, %d came back: the kill did not cut the streams, or they did not resume", cut, reconnected)
	}

	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	dbh, err := sql.Open("sqlite3", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer dbh.Close()
	var ok string
	if err := dbh.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
}

// follower keeps a customer's event stream like the widget: from cursor 0,
// and after any drop from the last seq it received.
type follower struct {
	mu       sync.Mutex
	seqs     []int64
	dups     int
	connects int
	epoch    string
}

func (f *follower) lastSeq() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.seqs) == 0 {
		return 0
	}
	return f.seqs[len(f.seqs)-1]
}

func (f *follower) run(ctx context.Context, c *client.Client) {
	for ctx.Err() == nil {
		cur := f.lastSeq()
		st, err := c.OpenStream(ctx, client.StreamOptions{Cursor: &cur, Epoch: f.epoch})
		if err != nil {
			time.Sleep(20 * time.Millisecond) // the server is down: retry
			continue
		}
		f.mu.Lock()
		f.epoch = st.Welcome.Epoch
		f.connects++
		f.mu.Unlock()
		for {
			fr, err := st.Next(ctx)
			if err != nil {
				st.Conn.Close()
				break
			}
			if fr.Type == "event" && fr.Event != nil {
				f.mu.Lock()
				if n := len(f.seqs); n > 0 && fr.Event.Seq <= f.seqs[n-1] {
					f.dups++
				} else {
					f.seqs = append(f.seqs, fr.Event.Seq)
				}
				f.mu.Unlock()
			}
		}
	}
}

// replayAll reads a customer's whole event log from 0 until caught up.
func replayAll(t *testing.T, c *client.Client) []int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	zero := int64(0)
	st, err := c.OpenStream(ctx, client.StreamOptions{Cursor: &zero})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var seqs []int64
	for {
		fr, err := st.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch fr.Type {
		case "event":
			seqs = append(seqs, fr.Event.Seq)
		case "caught_up":
			return seqs
		}
	}
}
