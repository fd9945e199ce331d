// Package notify shows desktop notifications for new messages: which
// messages deserve one (customer messages for support users, messages from
// others in My Conversations; never my own, never history arriving during
// sync, never the conversation open in the focused window), coalescing of
// bursts, and a mute switch. Notifications go through the Notifier
// interface; the real one is gen2brain/beeep (D-Bus, then notify-send).
package notify

import (
	"strings"

	"github.com/gen2brain/beeep"
	"github.com/godbus/dbus/v5"
)

// Notifier shows one desktop notification.
type Notifier interface {
	Notify(title, body string) error
}

// Beeep is the real Notifier.
type Beeep struct {
	Icon string // path to a PNG, or "" for none
}

// beeep reads its AppName from goroutines of its own: set it once.
func init() { beeep.AppName = "deskchat" }

// Notify shows a notification through beeep. The summary is plain text
// (the specification's rule; daemons escape it themselves), the body is
// markup wherever the daemon says it reads markup ("body-markup"), so user
// text there is escaped first: "Is 2 < 3?" shows as typed, "<b>urgent</b>"
// is not bold. This is the one place text enters the notification sink.
func (b Beeep) Notify(title, body string) error {
	if BodyMarkup() {
		body = MarkupEscape(body)
	}
	return beeep.Notify(title, body, b.Icon)
}

// BodyMarkup reports whether the session's notification daemon reads the
// body as markup. Asked at every notification (one D-Bus round trip; a
// daemon may be replaced while deskchat runs). When it cannot be asked it
// answers true: beeep's fallback, notify-send, reaches the same daemon, and
// the common daemons (dunst, GNOME, KDE, XFCE) all read markup.
func BodyMarkup() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return true
	}
	var caps []string
	err = conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications").
		Call("org.freedesktop.Notifications.GetCapabilities", 0).Store(&caps)
	if err != nil {
		return true
	}
	for _, c := range caps {
		if c == "body-markup" {
			return true
		}
	}
	return false
}

// markup escapes the five characters the notification body markup (a
// subset of XML) gives meaning to.
var markup = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// MarkupEscape returns text as notification body markup that shows it
// literally.
func MarkupEscape(text string) string { return markup.Replace(text) }
