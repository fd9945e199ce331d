package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app"
	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/app/notify/notifytest"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/demo"
	"github.com/deskchat/deskchat/backend/httpapi"
	"github.com/deskchat/deskchat/backend/server"
)

// The app's tests run on a private D-Bus session bus, where the
// notification tests own the notification service, and in English: the
// app speaks the system's language (SessionService.Language), and the
// tests read its texts (a test of another language sets its own).
func TestMain(m *testing.M) {
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		os.Unsetenv(v)
	}
	os.Setenv("LANG", "C.UTF-8")
	os.Exit(notifytest.RunUnderBus(m.Run))
}

// events records what the app emitted to the frontend.
type events struct {
	mu  sync.Mutex
	got []string
}

func (e *events) Emit(name string, data any) {
	if id, ok := data.(int64); ok && (name == app.EventOpen || name == app.EventCompose) {
		e.mu.Lock()
		e.got = append(e.got, name+" "+strings.TrimSpace(itoa64(id)))
		e.mu.Unlock()
	}
}

func (e *events) has(s string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Contains(e.got, s)
}

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }

// device is one running copy of the app, signed in as Ben.
type device struct {
	a      *app.App
	out    *events
	window *recorder
}

func startDevice(t testing.TB, url, dir string) *device {
	t.Helper()
	d := &device{out: &events{}, window: &recorder{}}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	notifier := notify.NewDesktop("", nil)
	t.Cleanup(notifier.Close)
	d.a = app.New("test", d.out, notifier, dir)
	d.a.Session.ReminderEvery = time.Hour // not this test's subject
	d.a.Desktop.Badge = d.window
	d.a.Desktop.Start(d.window)
	// Signed in to the test's server (a first Startup would start the
	// embedded helpdesk instead); a later Startup resumes this session.
	if _, err := d.a.Session.SignIn(app.SignInParams{ServerURL: url, Email: "ben@deskchat.test", Password: demo.Password}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.a.Session.Shutdown)
	waitFor(t, "the device to be connected", func() bool { return d.a.Session.Status().Sync.Phase == "connected" })
	return d
}

// TestNotificationsAgainstARealServer: the real app (two devices signed in
// as Ben), a real chat server, a real widget customer and a notification
// server of our own on a private D-Bus: a click opens the conversation,
// Reply typed in the notification reaches the customer, Reply elsewhere
// opens the compact composer, Mark as read reads it on the server and
// withdraws the other device's notification, do-not-disturb shows
// nothing while the badge counts, a new message replaces the
// notification, the body is escaped, and a device that was closed while
// 40 messages arrived in 8 new conversations starts with one summary.
func TestNotificationsAgainstARealServer(t *testing.T) {
	ctx := context.Background()
	ns := notifytest.Start(t, "body", "body-markup", "actions", "inline-reply")
	srv, err := server.Open(server.Config{DB: filepath.Join(t.TempDir(), "server.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(ctx, srv.Store); err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Shutdown(ctx) })
	url := srv.URL()
	ben, _, err := client.New(url).Login(ctx, "ben@deskchat.test", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	devA := startDevice(t, url, filepath.Join(t.TempDir(), "a"))
	devB := startDevice(t, url, filepath.Join(t.TempDir(), "b"))

	// A customer writes through the widget API.
	cust, _, err := client.New(url).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Wanda <b>Widget</b>"})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, _, err := cust.CreateConversation(ctx, chat.NewConversation{Text: "Is 2 < 3? <i>help</i>"})
	if err != nil {
		t.Fatal(err)
	}
	// Both devices notify: the title names her, the body is escaped.
	var calls []notifytest.Call
	for len(calls) < 2 {
		c, ok := ns.Next(10 * time.Second)
		if !ok {
			t.Fatalf("notifications: %+v", calls)
		}
		calls = append(calls, c)
	}
	for _, c := range calls {
		if c.Summary != "New conversation from \u2068Wanda <b>Widget</b>\u2069" || c.Body != "Is 2 &lt; 3? &lt;i&gt;help&lt;/i&gt;" {
			t.Fatalf("notification %q / %q", c.Summary, c.Body)
		}
	}
	a, b := calls[0], calls[1]
	// A second message replaces each device's notification (same id).
	cust.SendMessage(ctx, conv.ID, "", "hello?")
	for range 2 {
		c, ok := ns.Next(10 * time.Second)
		if !ok || (c.ID != a.ID && c.ID != b.ID) || c.Replaces != c.ID || !strings.HasSuffix(c.Body, "hello?") {
			t.Fatalf("a new message did not replace the notification: %+v (ids %d, %d)", c, a.ID, b.ID)
		}
	}
	// Which device got which id: click A's.
	ns.Invoke(a.ID, "default")
	waitFor(t, "a click to open the conversation", func() bool {
		return devA.out.has(app.EventOpen+" "+itoa64(conv.ID)) || devB.out.has(app.EventOpen+" "+itoa64(conv.ID))
	})
	clicked := devA
	if devB.out.has(app.EventOpen + " " + itoa64(conv.ID)) {
		clicked = devB
	}
	if clicked.window.get().hidden {
		t.Fatal("the click did not bring up the window")
	}

	// Reply typed in the notification: through the outbox to the customer.
	ns.Reply(a.ID, "On it, Wanda!")
	waitFor(t, "the inline reply at the customer", func() bool {
		msgs, _ := cust.ListMessages(ctx, conv.ID, chat.MessageFilter{})
		return slices.ContainsFunc(msgs, func(m *chat.Message) bool { return m.Text == "On it, Wanda!" })
	})
	// Ben wrote: the conversation is read on the server; both
	// notifications are withdrawn.
	waitFor(t, "both notifications withdrawn after the reply", func() bool {
		cl := ns.Closed()
		return slices.Contains(cl, a.ID) && slices.Contains(cl, b.ID)
	})

	// Mark as read on one device: unread 0 on the server, the other
	// device's notification withdrawn.
	cust.SendMessage(ctx, conv.ID, "", "thanks, and one more thing")
	var again []notifytest.Call
	for len(again) < 2 {
		c, ok := ns.Next(10 * time.Second)
		if !ok {
			t.Fatal("no notifications for the new message")
		}
		again = append(again, c)
	}
	closedBefore := len(ns.Closed())
	ns.Invoke(again[0].ID, "read")
	waitFor(t, "unread 0 on the server", func() bool {
		u, err := ben.UnreadCounts(ctx)
		if err != nil {
			return false
		}
		for _, cu := range u.ByConversation {
			if cu.ConversationID == conv.ID {
				return false
			}
		}
		return true
	})
	waitFor(t, "the other device's notification withdrawn", func() bool {
		return slices.Contains(ns.Closed()[closedBefore:], again[1].ID)
	})

	// Without inline reply, Reply opens the compact composer there.
	ns.SetCapabilities("body", "body-markup", "actions")
	cust.SendMessage(ctx, conv.ID, "", "are you there?")
	c, ok := ns.Next(10 * time.Second)
	if !ok || !c.HasAction("reply") || c.HasAction("inline-reply") {
		t.Fatalf("without inline reply: %+v", c)
	}
	ns.Next(10 * time.Second) // the other device's
	ns.Invoke(c.ID, "reply")
	waitFor(t, "the compact composer", func() bool {
		for _, d := range []*device{devA, devB} {
			if d.out.has(app.EventCompose+" "+itoa64(conv.ID)) && d.window.get().size == [2]int{app.CompactWidth, app.CompactHeight} {
				return true
			}
		}
		return false
	})

	// Do-not-disturb: no Notify, while the badge counts.
	ns.SetInhibited(true)
	cust2, _, _ := client.New(url).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Quiet Quinn"})
	before := devA.window.get().unread
	cust2.CreateConversation(ctx, chat.NewConversation{Text: "during do-not-disturb"})
	waitFor(t, "the badge to count it", func() bool { return devA.window.get().unread > before })
	if c, ok := ns.Next(time.Second); ok {
		t.Fatalf("a notification under do-not-disturb: %+v", c)
	}
	ns.SetInhibited(false)

	// Device B is closed while 40 messages arrive in 8 new conversations;
	// its start brings exactly one summary. (Device A, running, would
	// notify each live: it is muted for this part.)
	if err := devA.a.Session.SetMuted(true); err != nil {
		t.Fatal(err)
	}
	devB.a.Session.Shutdown()
	for i := range 8 {
		v, _, err := client.New(url).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Away " + itoa64(int64(i))})
		if err != nil {
			t.Fatal(err)
		}
		cv, _, _, _ := v.CreateConversation(ctx, chat.NewConversation{Text: "first"})
		for j := range 4 {
			v.SendMessage(ctx, cv.ID, "", "more "+itoa64(int64(j)))
		}
	}
	if c, ok := ns.Next(time.Second); ok {
		t.Fatalf("a muted device notified: %+v", c)
	}
	if err := devB.a.Session.Startup(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "device B connected again", func() bool { return devB.a.Session.Status().Sync.Phase == "connected" })
	var summary []notifytest.Call
	for {
		c, ok := ns.Next(time.Second)
		if !ok {
			break
		}
		summary = append(summary, c)
	}
	if len(summary) != 1 || summary[0].Body != "8 new conversations, 40 messages while you were away" {
		t.Fatalf("after the start: %d notifications %+v", len(summary), summary)
	}
}

// BenchmarkNotifyLatency: from a customer's send (HTTP) to the Notify call
// on D-Bus (as the notification server receives it), through the real
// server, the app's sync engine, local store and notification center;
// 200 messages, one at a time, each in a conversation of its own so each
// is a new notification. Reports p50/p99 in ms (goal: p99 ≤ 100 ms).
func BenchmarkNotifyLatency(b *testing.B) {
	ctx := context.Background()
	ns := notifytest.Start(b, "body", "body-markup", "actions", "inline-reply")
	srv, err := server.Open(server.Config{DB: filepath.Join(b.TempDir(), "server.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		API: httpapiConfig()})
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Seed(ctx, srv.Store); err != nil {
		b.Fatal(err)
	}
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	go srv.Serve()
	b.Cleanup(func() { srv.Shutdown(ctx) })
	startDevice(b, srv.URL(), filepath.Join(b.TempDir(), "dev"))
	const n = 200
	var lat []time.Duration
	for b.Loop() {
		lat = lat[:0]
		for i := range n {
			v, _, err := client.New(srv.URL()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Bench " + itoa64(int64(i))})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if _, _, _, err := v.CreateConversation(ctx, chat.NewConversation{Text: "hello"}); err != nil {
				b.Fatal(err)
			}
			c, ok := ns.Next(5 * time.Second)
			if !ok {
				b.Fatalf("message %d: no notification", i)
			}
			lat = append(lat, c.At.Sub(start))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// httpapiConfig lets one benchmark customer session per message through.
func httpapiConfig() httpapi.Config {
	return httpapi.Config{WidgetSessionRate: 100000, CustomerSendRate: 100000}
}

// TestPauseNotifications: the pause ends an hour later or at 8:00 the
// next morning; the tray shows it; a pause survives a restart of the
// session (it is in the config) and "off" resumes.
func TestPauseNotifications(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	late := time.Date(2026, 11, 29, 23, 30, 0, 0, loc)
	for length, want := range map[string]time.Time{
		app.PauseHour:     late.Add(time.Hour),
		app.PauseTomorrow: time.Date(2026, 11, 30, 8, 0, 0, 0, loc),
		app.PauseOff:      {},
	} {
		if got, err := app.PauseUntil(length, late); err != nil || !got.Equal(want) {
			t.Errorf("PauseUntil(%s) = %v, %v; want %v", length, got, err, want)
		}
	}
	if _, err := app.PauseUntil("forever", late); chat.ErrorCode(err) != chat.EInvalid {
		t.Errorf("PauseUntil(forever) = %v", err)
	}
	dir := t.TempDir()
	rec := &recorder{}
	a := app.New("test", app.NopEmitter{}, nil, dir)
	a.Desktop.Badge = rec
	p, err := a.Desktop.PauseNotifications(app.PauseHour)
	if err != nil || p.PausedUntil == "" || !rec.get().paused {
		t.Fatalf("paused: %+v, %v, tray %v", p, err, rec.get().paused)
	}
	cfg, _ := app.LoadConfig(dir)
	if time.Until(cfg.PausedUntil) < 59*time.Minute {
		t.Fatalf("the pause was not saved: %v", cfg.PausedUntil)
	}
	if err := a.Desktop.MuteConversation(app.MuteParams{ConversationID: 7, Muted: true}); err != nil || !a.Desktop.ConversationMuted(7) {
		t.Fatalf("mute: %v", err)
	}
	if p, _ := a.Desktop.PauseNotifications(app.PauseOff); p.PausedUntil != "" || rec.get().paused {
		t.Fatalf("resumed: %+v", p)
	}
	if err := a.Desktop.MuteConversation(app.MuteParams{ConversationID: 7}); err != nil || a.Desktop.ConversationMuted(7) {
		t.Fatalf("unmute: %v", err)
	}
}
