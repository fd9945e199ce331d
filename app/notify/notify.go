// Package notify shows desktop notifications an agent can act on: which
// events deserve one (customer messages for support users, messages from
// others in My Conversations, @mentions, assignments to me, a customer
// waiting too long; never my own, never the conversation open in the
// focused window), one notification per conversation (a new message
// replaces it, reading the conversation on any device withdraws it), a
// summary of what arrived while the app was away, quiet times (the
// desktop's do-not-disturb, the app's pause, a muted conversation) and the
// sound. Notifications go through the Notifier interface: Desktop speaks
// the freedesktop protocol over D-Bus (actions, inline reply, replacing,
// withdrawing, do-not-disturb) and falls back to gen2brain/beeep where the
// session offers no actions (other systems, minimal daemons).
package notify

import "strings"

// Action is what the user did with a notification, named as the
// freedesktop action keys deskchat sends.
type Action string

const (
	ActionOpen        Action = "default"      // a click: show the conversation (a summary: the list)
	ActionReply       Action = "reply"        // Reply where there is no inline reply: the compact composer
	ActionInlineReply Action = "inline-reply" // the answer typed in the notification (Acted.Text)
	ActionRead        Action = "read"         // Mark as read
	ActionClose       Action = "close"        // Close the conversation
)

// Notification is one notification. Key names what it is about
// ("c:12" for conversation 12, "summary"): showing a notification with the
// same key replaces the one on screen instead of adding to a stack.
type Notification struct {
	Key   string
	Title string // plain text
	Body  string // plain text: the notifier escapes it where the daemon reads markup
	// Actions offers Reply, Mark as read and Close (customer messages);
	// every notification can be clicked (ActionOpen).
	Actions bool
	// Sound plays the app's message sound with it.
	Sound bool
	// Language is the language of its action labels (the title and body
	// come written in it); "" is English.
	Language string
}

// Acted is a user's answer to a notification.
type Acted struct {
	Key    string
	Action Action
	Text   string // the inline reply
}

// Notifier shows and withdraws notifications.
type Notifier interface {
	// Show shows n, replacing the notification with its key if one is shown.
	Show(n Notification) error
	// Withdraw removes the notification with key from the screen (none: a no-op).
	Withdraw(key string) error
	// Quiet reports the desktop's do-not-disturb: no pop-ups, no sound.
	Quiet() bool
	// Acted delivers what the user does with the notifications; nil
	// where the notifier offers no actions.
	Acted() <-chan Acted
}

// markup escapes the five characters the notification body markup (a
// subset of XML) gives meaning to.
var markup = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// MarkupEscape returns text as notification body markup that shows it
// literally. It is the one place user text is prepared for a notification
// body (Desktop and Beeep both call it when the daemon reads markup).
func MarkupEscape(text string) string { return markup.Replace(text) }
