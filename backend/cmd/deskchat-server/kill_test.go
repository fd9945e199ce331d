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
	// All test visitors share 127.0.0.1: lift the per-IP visitor limits.
	cmd := exec.Command(os.Args[0], "serve", "--db", db, "--addr", addr, "--visitor-rate", "100000", "--visitor-send-rate", "100000")
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

// TestSIGKILLLosesNothingAcknowledged: 50 visitors send while the server
// is killed with SIGKILL and restarted on the same database. Each visitor
// retries what was not acknowledged with the same client id, as the widget
// does. Afterwards every message is on the server exactly once, everything
// acknowledged before the kill survived it, and SQLite's integrity check
// passes.
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
	visitors := make([]*client.Client, clients)
	convs := make([]int64, clients)
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
				visitors[i], _, err = client.New(base).VisitorSession(ctx, chat.CustomerInfo{Name: fmt.Sprintf("v%d", i)})
				return err
			})
			retry("conversation", func() error {
				c, _, _, err := visitors[i].StartConversation(ctx, chat.NewConversation{ClientID: "start", Text: "hello"})
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
					_, _, err := visitors[i].Send(ctx, convs[i], id, "message "+id)
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
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	cmd.Process.Signal(syscall.SIGKILL) // mid-send, no shutdown at all
	close(killed)
	mu.Unlock()
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
	for i, v := range visitors {
		msgs, err := v.Messages(ctx, convs[i], 0, 0, 200)
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
