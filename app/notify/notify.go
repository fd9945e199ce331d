// Package notify shows desktop notifications for new messages: which
// messages deserve one (customer messages for support users, messages from
// others in My Conversations; never my own, never history arriving during
// sync, never the conversation open in the focused window), coalescing of
// bursts, and a mute switch. Notifications go through the Notifier
// interface; the real one is gen2brain/beeep (D-Bus, then notify-send).
package notify

import (
	"github.com/gen2brain/beeep"
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

// Notify shows a notification through beeep.
func (b Beeep) Notify(title, body string) error {
	return beeep.Notify(title, body, b.Icon)
}
