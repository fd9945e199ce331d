// Package notifytest is a freedesktop notification server for tests: it
// owns org.freedesktop.Notifications on the session bus (run tests under
// dbus-run-session, see RunUnderBus), answers with the capabilities a
// case switches on, records every Notify and CloseNotification call, and
// emits ActionInvoked, NotificationReplied and NotificationClosed the way
// a real server (dunst, GNOME, KDE) does.
package notifytest

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

const (
	name  = "org.freedesktop.Notifications"
	path  = dbus.ObjectPath("/org/freedesktop/Notifications")
	iface = "org.freedesktop.Notifications"
)

// RunUnderBus runs the test binary again under dbus-run-session when no
// session bus is set (TestMain calls it with m.Run); it returns the exit
// code.
func RunUnderBus(run func() int) int {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return run()
	}
	cmd := exec.Command("dbus-run-session", append([]string{"--", os.Args[0]}, os.Args[1:]...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "dbus-run-session:", err)
		return 1
	}
	return 0
}

// Call is one Notify as the server received it.
type Call struct {
	ID       uint32
	Replaces uint32
	Summary  string
	Body     string
	Actions  []string // key, label, key, label…
	Hints    map[string]dbus.Variant
	At       time.Time
}

// HasAction reports whether the notification offered action key.
func (c Call) HasAction(key string) bool {
	for i := 0; i+1 < len(c.Actions); i += 2 {
		if c.Actions[i] == key {
			return true
		}
	}
	return false
}

// Server is the test's notification server.
type Server struct {
	conn   *dbus.Conn
	props  *prop.Properties
	mu     sync.Mutex
	caps   []string
	next   uint32
	open   map[uint32]bool
	calls  []Call
	closed []uint32
	notify chan Call
	delay  time.Duration
}

// SetDelay makes Notify answer only after d (a hung daemon).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Start owns the notification service on the session bus with caps; the
// test's end releases it.
func Start(t testing.TB, caps ...string) *Server {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{conn: conn, caps: caps, open: map[uint32]bool{}, notify: make(chan Call, 256)}
	if err := conn.Export(s, path, iface); err != nil {
		t.Fatal(err)
	}
	s.props, err = prop.Export(conn, path, prop.Map{iface: {"Inhibited": {Value: false, Writable: false, Emit: prop.EmitTrue}}})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own the notification service: %v %v", reply, err)
	}
	t.Cleanup(func() {
		conn.ReleaseName(name)
		conn.Close()
	})
	return s
}

// SetCapabilities switches what the server says it offers.
func (s *Server) SetCapabilities(caps ...string) {
	s.mu.Lock()
	s.caps = caps
	s.mu.Unlock()
}

// SetInhibited switches do-not-disturb.
func (s *Server) SetInhibited(on bool) { s.props.SetMust(iface, "Inhibited", on) }

// Notify is the D-Bus method.
func (s *Server) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	time.Sleep(delay)
	s.mu.Lock()
	id := replaces
	if id == 0 || !s.open[id] {
		s.next++
		id = s.next
	}
	s.open[id] = true
	c := Call{ID: id, Replaces: replaces, Summary: summary, Body: body, Actions: actions, Hints: hints, At: time.Now()}
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	s.notify <- c
	return id, nil
}

// GetCapabilities is the D-Bus method.
func (s *Server) GetCapabilities() ([]string, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.caps), nil
}

// GetServerInformation is the D-Bus method.
func (s *Server) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "deskchat-test", "deskchat", "1", "1.2", nil
}

// CloseNotification is the D-Bus method: it records the call and emits
// NotificationClosed (reason 3, closed by a call).
func (s *Server) CloseNotification(id uint32) *dbus.Error {
	s.mu.Lock()
	s.closed = append(s.closed, id)
	was := s.open[id]
	delete(s.open, id)
	s.mu.Unlock()
	if was {
		s.conn.Emit(path, iface+".NotificationClosed", id, uint32(3))
	}
	return nil
}

// Next waits for the next Notify (at most d).
func (s *Server) Next(d time.Duration) (Call, bool) {
	select {
	case c := <-s.notify:
		return c, true
	case <-time.After(d):
		return Call{}, false
	}
}

// Calls returns every Notify so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Closed returns the ids CloseNotification was called with.
func (s *Server) Closed() []uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.closed)
}

// Invoke emits ActionInvoked as when the user clicks an action (then the
// server closes the notification, as the usual servers do).
func (s *Server) Invoke(id uint32, action string) {
	s.conn.Emit(path, iface+".ActionInvoked", id, action)
}

// Reply emits NotificationReplied: an answer typed in the notification.
func (s *Server) Reply(id uint32, text string) {
	s.conn.Emit(path, iface+".NotificationReplied", id, text)
}

// Dismiss emits NotificationClosed as when the user dismisses it (reason 2).
func (s *Server) Dismiss(id uint32) {
	s.mu.Lock()
	delete(s.open, id)
	s.mu.Unlock()
	s.conn.Emit(path, iface+".NotificationClosed", id, uint32(2))
}
