package notify

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gen2brain/beeep"
	"github.com/godbus/dbus/v5"

	"github.com/deskchat/deskchat/locales"
)

// The freedesktop notification service (Desktop Notifications
// Specification 1.2, with the KDE/GNOME extensions "inline-reply" and the
// "Inhibited" property).
const (
	fdName      = "org.freedesktop.Notifications"
	fdPath      = "/org/freedesktop/Notifications"
	fdInterface = "org.freedesktop.Notifications"
)

// Desktop is the real Notifier. On a session with a notification server
// that offers "actions" it speaks the protocol itself: one notification
// per key (replaces_id), actions (Open on click; Reply, Mark as read and
// Close for customer messages; Reply typed in the notification where the
// server offers "inline-reply"), CloseNotification to withdraw, the
// "sound" capability for the sound, "Inhibited" for do-not-disturb.
// Elsewhere (no D-Bus, a server without actions, other systems) it shows
// plain notifications through beeep and plays the sound itself.
type Desktop struct {
	Icon string // a PNG path, or "" for none
	// Player is the sound player command tried when the server plays no
	// sound (default: the first of paplay, pw-play, aplay, afplay found);
	// the sound file's path is its last argument.
	Player []string
	Log    *slog.Logger

	mu     sync.Mutex
	conn   *dbus.Conn
	failAt time.Time // the last failed connect: retried after a while, not at every event
	closed bool
	ids    map[string]uint32
	keys   map[uint32]string
	acted  chan Acted
	sound  string // the sound file written out for the server and players

	gnomeMu    sync.Mutex
	gnomeAt    time.Time
	gnomeQuiet bool
}

// callTimeout bounds every call to the notification server: a hung daemon
// costs a notification, never the app's responsiveness.
const callTimeout = 2 * time.Second

// ActionDismissed is delivered when the user dismissed a notification
// (closed it without acting): the center forgets it.
const ActionDismissed Action = "dismissed"

// errNoBus: no session bus to talk to (another system, or none running).
var errNoBus = errors.New("no D-Bus session bus")

// sessionBus reports whether a session bus can be reached without
// starting one: godbus would otherwise launch a stray dbus-daemon (Linux
// without a session) or ask launchd (macOS) at every notification.
func sessionBus() bool {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return true
	}
	if runtime.GOOS != "linux" {
		return false
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "bus")); err == nil {
			return true
		}
	}
	return false
}

// NewDesktop returns the real Notifier.
func NewDesktop(icon string, log *slog.Logger) *Desktop {
	return &Desktop{Icon: icon, Log: log, acted: make(chan Acted, 16)}
}

// beeep reads its AppName from goroutines of its own: set it once.
func init() { beeep.AppName = "deskchat" }

// connect returns the private session bus connection, listening to the
// notification server's signals.
func (d *Desktop) connect() (*dbus.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil && d.conn.Connected() {
		return d.conn, nil
	}
	if d.closed || time.Since(d.failAt) < 30*time.Second {
		return nil, errNoBus
	}
	if !sessionBus() {
		d.failAt = time.Now()
		return nil, errNoBus
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		d.failAt = time.Now()
		return nil, err
	}
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(fdPath), dbus.WithMatchInterface(fdInterface)); err != nil {
		conn.Close()
		return nil, err
	}
	ch := make(chan *dbus.Signal, 64)
	conn.Signal(ch)
	go d.listen(ch)
	d.conn, d.ids, d.keys = conn, map[string]uint32{}, map[uint32]string{}
	return conn, nil
}

// listen turns the server's signals about our notifications into Acted.
func (d *Desktop) listen(ch <-chan *dbus.Signal) {
	for sig := range ch {
		if len(sig.Body) < 2 {
			continue
		}
		id, ok := sig.Body[0].(uint32)
		if !ok {
			continue
		}
		d.mu.Lock()
		key, ours := d.keys[id]
		if sig.Name == fdInterface+".NotificationClosed" && ours {
			delete(d.keys, id)
			if d.ids[key] == id {
				delete(d.ids, key)
			}
		}
		d.mu.Unlock()
		if !ours {
			continue // not ours, or withdrawn by us (Withdraw forgot it first)
		}
		var a Acted
		switch sig.Name {
		case fdInterface + ".NotificationClosed":
			a = Acted{Key: key, Action: ActionDismissed}
		case fdInterface + ".ActionInvoked":
			action, _ := sig.Body[1].(string)
			a = Acted{Key: key, Action: Action(action)}
		case fdInterface + ".NotificationReplied":
			text, _ := sig.Body[1].(string)
			a = Acted{Key: key, Action: ActionInlineReply, Text: text}
		default:
			continue
		}
		select {
		case d.acted <- a:
		default: // nobody listening: the click is lost, never the app
		}
	}
}

// capabilities asks the server what it offers (asked at every
// notification: a daemon may be replaced while deskchat runs).
func capabilities(conn *dbus.Conn) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var caps []string
	err := conn.Object(fdName, fdPath).CallWithContext(ctx, fdInterface+".GetCapabilities", 0).Store(&caps)
	return caps, err
}

// Show shows n; see Notifier.
func (d *Desktop) Show(n Notification) error {
	conn, err := d.connect()
	var caps []string
	if err == nil {
		caps, err = capabilities(conn)
	}
	if errors.Is(err, errNoBus) && runtime.GOOS == "linux" {
		// Every notification server on Linux sits on the session bus:
		// without one there is nobody to show it (and beeep would start a
		// stray bus to find out).
		return err
	}
	if err != nil || !slices.Contains(caps, "actions") {
		// Other systems (beeep's own ways) read no markup; a freedesktop
		// server without actions says whether it does.
		return d.fallback(n, slices.Contains(caps, "body-markup"))
	}
	body := n.Body
	if slices.Contains(caps, "body-markup") {
		body = MarkupEscape(body)
	}
	label := func(key string) string { return locales.T(n.Language, "desktop.notify."+key, nil) }
	actions := []string{string(ActionOpen), label("action_open")}
	if n.Actions {
		if slices.Contains(caps, "inline-reply") {
			actions = append(actions, string(ActionInlineReply), label("action_reply"))
		} else {
			actions = append(actions, string(ActionReply), label("action_reply"))
		}
		actions = append(actions, string(ActionRead), label("action_read"), string(ActionClose), label("action_close"))
	}
	hints := map[string]dbus.Variant{
		"category":                     dbus.MakeVariant("im.received"),
		"desktop-entry":                dbus.MakeVariant("deskchat"),
		"x-kde-reply-placeholder-text": dbus.MakeVariant(label("reply_placeholder")),
	}
	switch {
	case !n.Sound:
		hints["suppress-sound"] = dbus.MakeVariant(true)
	case slices.Contains(caps, "sound"):
		if path, err := d.soundFile(); err == nil {
			hints["sound-file"] = dbus.MakeVariant(path)
		}
		hints["sound-name"] = dbus.MakeVariant("message-new-instant")
	default:
		d.play()
	}
	// Held across the call: a click on the new notification (its signal
	// may be read before this call's answer) finds its key.
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errNoBus
	}
	replaces := d.ids[n.Key]
	var id uint32
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	err = conn.Object(fdName, fdPath).CallWithContext(ctx, fdInterface+".Notify", 0, "deskchat", replaces, d.Icon, n.Title, body,
		actions, hints, int32(-1)).Store(&id)
	if err != nil {
		return err
	}
	if replaces != 0 && replaces != id {
		delete(d.keys, replaces)
	}
	d.ids[n.Key], d.keys[id] = id, n.Key
	return nil
}

// fallback shows n through beeep: no actions, no replacing; the sound
// played here.
func (d *Desktop) fallback(n Notification, bodyMarkup bool) error {
	body := n.Body
	if bodyMarkup {
		body = MarkupEscape(body)
	}
	if n.Sound {
		d.play()
	}
	return beeep.Notify(n.Title, body, d.Icon)
}

// Withdraw closes the notification shown for key.
func (d *Desktop) Withdraw(key string) error {
	d.mu.Lock()
	id, ok := d.ids[key]
	conn := d.conn
	if ok {
		delete(d.ids, key)
		delete(d.keys, id)
	}
	d.mu.Unlock()
	if !ok || conn == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return conn.Object(fdName, fdPath).CallWithContext(ctx, fdInterface+".CloseNotification", 0, id).Err
}

// Quiet reports do-not-disturb: the server's "Inhibited" property, or
// GNOME's show-banners off (asked at most every 10 s).
func (d *Desktop) Quiet() bool {
	if conn, err := d.connect(); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		var v dbus.Variant
		err := conn.Object(fdName, fdPath).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, fdInterface, "Inhibited").Store(&v)
		if b, ok := v.Value().(bool); err == nil && ok && b {
			return true
		}
	}
	return d.gnomeBannersOff()
}

func (d *Desktop) gnomeBannersOff() bool {
	if !strings.Contains(strings.ToUpper(os.Getenv("XDG_CURRENT_DESKTOP")), "GNOME") {
		return false
	}
	d.gnomeMu.Lock()
	defer d.gnomeMu.Unlock()
	if time.Since(d.gnomeAt) < 10*time.Second {
		return d.gnomeQuiet
	}
	d.gnomeAt = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "gsettings", "get", "org.gnome.desktop.notifications", "show-banners").Output()
	d.gnomeQuiet = err == nil && strings.TrimSpace(string(out)) == "false"
	return d.gnomeQuiet
}

// Acted delivers the user's actions.
func (d *Desktop) Acted() <-chan Acted { return d.acted }

// Close ends the D-Bus connection for good.
func (d *Desktop) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.conn != nil {
		d.conn.Close()
		d.conn = nil
	}
}

var errNoPlayer = errors.New("no sound player")

// play plays the message sound with the first player found, in the
// background (a missing player is logged once, never an error).
func (d *Desktop) play() {
	path, err := d.soundFile()
	if err != nil {
		return
	}
	cmd := d.Player
	if len(cmd) == 0 {
		for _, p := range []string{"paplay", "pw-play", "aplay", "afplay"} {
			if full, err := exec.LookPath(p); err == nil {
				cmd = []string{full}
				break
			}
		}
	}
	if len(cmd) == 0 {
		d.logOnce("no sound player found (paplay, pw-play, aplay, afplay)", errNoPlayer)
		return
	}
	c := exec.Command(cmd[0], append(cmd[1:], path)...)
	if err := c.Start(); err != nil {
		d.logOnce("sound player failed", err)
		return
	}
	go c.Wait()
}

var warned sync.Map

func (d *Desktop) logOnce(msg string, err error) {
	if _, done := warned.LoadOrStore(msg, true); !done && d.Log != nil {
		d.Log.Warn("notifications: "+msg, "err", err)
	}
}
