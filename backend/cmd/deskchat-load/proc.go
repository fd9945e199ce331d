package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// spawned is a deskchat-server started for the run.
type spawned struct {
	url  string
	cmd  *exec.Cmd
	dir  string
	args []string
	bin  string
}

// spawn starts the server on a free loopback port with the demo helpdesk
// and rate limits opened up (the load comes from a handful of addresses).
func spawn(ctx context.Context, binary string) (*spawned, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	dir, err := os.MkdirTemp("", "deskchat-load-")
	if err != nil {
		return nil, err
	}
	s := &spawned{url: "http://" + addr, dir: dir, bin: binary, args: []string{"serve", "--demo", "--db", filepath.Join(dir, "load.db"), "--addr", addr,
		"--login-rate", "100000", "--widget-session-rate", "100000000", "--customer-send-rate", "100000000"}}
	if err := s.start(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// start runs the server process and waits until it is healthy.
func (s *spawned) start(ctx context.Context) error {
	cmd := exec.Command(s.bin, s.args...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.halt()
			return fmt.Errorf("server did not become healthy: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// restart stops the server gracefully and starts it again on the same
// database and address.
func (s *spawned) restart(ctx context.Context) error {
	s.halt()
	return s.start(ctx)
}

func (s *spawned) stop() {
	s.halt()
	os.RemoveAll(s.dir)
}

// halt stops the process (SIGTERM, then SIGKILL after 10 s).
func (s *spawned) halt() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// rssKB reads VmRSS of a process.
func rssKB(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	return 0
}

// cpuTicks reads utime+stime of a process (clock ticks, 100 per second).
func cpuTicks(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+2:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

const ticksPerSecond = 100
