package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// TestSIGKILLDuringUploads: customers upload files (and send them) while
// the server is killed with SIGKILL, one upload stalled half-way through
// its body at that moment. After a restart on the same files, every upload
// that was acknowledged serves exactly the bytes sent, every acknowledged
// message still carries its file, no blob is half-written (each file's
// name is the sha-256 of what it holds, and nothing is left in tmp/), and
// SQLite's integrity check passes.
func TestSIGKILLDuringUploads(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	cmd := serveProcess(t, db, addr)
	base := "http://" + addr
	ctx := context.Background()

	type acked struct {
		c       *client.Client
		conv    int64
		att     *chat.Attachment
		sum     [32]byte
		message int64 // 0 when the send was not acknowledged
	}
	var mu sync.Mutex
	var acks []acked
	killed := make(chan struct{})
	const customers = 6
	var wg sync.WaitGroup
	for i := 0; i < customers; i++ {
		v, _, err := client.New(base).CreateWidgetSession(ctx, chat.CustomerInfo{Name: fmt.Sprintf("c%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		conv, _, _, err := v.CreateConversation(ctx, chat.NewConversation{Text: "files follow"})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(i), 7))
			for j := 0; ; j++ {
				select {
				case <-killed:
					return
				default:
				}
				data := make([]byte, 256<<10+rnd.IntN(1<<20))
				for k := range data {
					data[k] = byte(rnd.Uint32())
				}
				att, err := v.Upload(ctx, fmt.Sprintf("c%d-f%d.bin", i, j), "", data)
				if err != nil {
					continue // cut by the kill: never acknowledged
				}
				a := acked{c: v, conv: conv.ID, att: att, sum: sha256.Sum256(data)}
				m, _, err := v.Post(ctx, conv.ID, chat.NewMessage{ClientID: att.ID, Attachments: []string{att.ID}})
				if err == nil {
					a.message = m.ID
				}
				mu.Lock()
				acks = append(acks, a)
				mu.Unlock()
			}
		}(i)
	}
	// A stalled upload: its headers promise 5 MB, half arrives.
	v, _, _ := client.New(base).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "stalled"})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/uploads?name=half.bin HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", addr, v.Token, 5<<20)
	conn.Write(make([]byte, 5<<19))

	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(acks)
		mu.Unlock()
		if n >= 12 || time.Now().After(deadline) {
			break
		}
	}
	mu.Lock()
	cmd.Process.Signal(syscall.SIGKILL) // mid-upload, no shutdown at all
	close(killed)
	mu.Unlock()
	cmd.Wait()
	wg.Wait()
	conn.Close()
	cmd = serveProcess(t, db, addr)
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	if len(acks) < 12 {
		t.Fatalf("only %d uploads before the kill", len(acks))
	}
	sent := 0
	for _, a := range acks {
		d, err := a.c.Download(ctx, a.att.ID, false)
		if err != nil {
			t.Fatalf("acknowledged upload %s (%s) lost: %v", a.att.ID, a.att.Name, err)
		}
		if sha256.Sum256(d.Data) != a.sum {
			t.Fatalf("upload %s serves other bytes than were sent", a.att.Name)
		}
		if a.message == 0 {
			continue
		}
		sent++
		msgs, err := a.c.ListMessages(ctx, a.conv, chat.MessageFilter{After: chat.ID(a.message - 1), Limit: 1})
		if err != nil || len(msgs) != 1 || len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].ID != a.att.ID {
			t.Fatalf("acknowledged message %d lost its file: %v %+v", a.message, err, msgs)
		}
	}
	t.Logf("%d uploads acknowledged before the kill, %d of them sent", len(acks), sent)
	// No blob half-written: nothing in tmp/, every file holds what its
	// name says.
	files := db + ".files"
	if left, _ := os.ReadDir(filepath.Join(files, "tmp")); len(left) != 0 {
		t.Fatalf("%d partial files left in tmp/ after the restart", len(left))
	}
	n := 0
	filepath.WalkDir(files, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(filepath.Dir(p)) == "tmp" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%x", sha256.Sum256(data)) != d.Name() {
			t.Fatalf("blob %s holds other bytes (%d): half-written", d.Name(), len(data))
		}
		n++
		return nil
	})
	if n < len(acks) {
		t.Fatalf("%d blobs for %d acknowledged uploads", n, len(acks))
	}
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
