// Package pgtest runs throwaway PostgreSQL servers for tests: initdb into a
// temporary folder, pg_ctl on a free loopback port, one database per test.
// It needs Debian's postgresql-15 (binaries in /usr/lib/postgresql/15/bin,
// or $DESKCHAT_PG_BIN). PostgreSQL refuses to run as root, so as root the
// server runs as the postgres user (runuser), as ENVIRONMENT.md describes.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Cluster is one PostgreSQL server.
type Cluster struct {
	Dir  string // data in Dir/data, socket and log in Dir
	Port int
	bin  string
	dbs  atomic.Int64
}

// BinDir is where the PostgreSQL programs are.
func BinDir() string {
	if d := os.Getenv("DESKCHAT_PG_BIN"); d != "" {
		return d
	}
	return "/usr/lib/postgresql/15/bin"
}

// Available reports whether PostgreSQL is installed here.
func Available() bool {
	_, err := os.Stat(filepath.Join(BinDir(), "initdb"))
	return err == nil
}

// asPostgres runs a PostgreSQL program, as the postgres user when we are
// root.
func asPostgres(name string, args ...string) *exec.Cmd {
	prog := filepath.Join(BinDir(), name)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", prog}, args...)...)
	}
	return exec.Command(prog, args...)
}

// New initialises and starts a cluster in a new temporary folder. The
// caller stops it with Stop.
func New() (*Cluster, error) {
	dir, err := os.MkdirTemp("", "deskchat-pg-")
	if err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("pgtest: running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	c := &Cluster{Dir: dir, bin: BinDir()}
	if out, err := asPostgres("initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "deskchat", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgtest: initdb: %v: %s", err, out)
	}
	if c.Port, err = freePort(); err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	return c, nil
}

// Start starts the server (again, after Stop or Kill) on its port.
func (c *Cluster) Start() error {
	// fsync stays on: durability tests kill the server, not the machine,
	// so it costs little and keeps the measurements honest.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", c.Port, c.Dir)
	if out, err := asPostgres("pg_ctl", "-D", filepath.Join(c.Dir, "data"), "-o", opts, "-l", filepath.Join(c.Dir, "log"), "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: pg_ctl start: %v: %s", err, out)
	}
	return nil
}

// Stop stops the server (fast shutdown: sessions are cut, nothing lost).
func (c *Cluster) Stop() error {
	out, err := asPostgres("pg_ctl", "-D", filepath.Join(c.Dir, "data"), "-m", "fast", "-w", "stop").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// Remove stops the server and deletes its folder.
func (c *Cluster) Remove() {
	c.Stop()
	os.RemoveAll(c.Dir)
}

// URL is the connection URL of database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://deskchat@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase() (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.dbs.Add(1))
	db, err := sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("pgtest: create database: %w", err)
	}
	return c.URL(name), nil
}

var (
	sharedOnce sync.Once
	shared     *Cluster
	sharedErr  error
)

// Shared returns the cluster shared by the tests of this process,
// starting it on first use; Main removes it at the end. Tests fail (they
// do not skip) when PostgreSQL cannot start: make test installs it.
func Shared(tb testing.TB) *Cluster {
	tb.Helper()
	sharedOnce.Do(func() { shared, sharedErr = New() })
	if sharedErr != nil {
		tb.Fatal(sharedErr)
	}
	return shared
}

// Database returns a new database on the shared cluster.
func Database(tb testing.TB) string {
	tb.Helper()
	url, err := Shared(tb).NewDatabase()
	if err != nil {
		tb.Fatal(err)
	}
	return url
}

// Main runs the tests and then removes the shared cluster, if started.
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Remove()
	}
	os.Exit(code)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
