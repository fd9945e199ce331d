package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/chat"
)

// Event names the frontend listens to (namespaced by area). What each
// carries is in EventData.
const (
	EventSyncState   = "sync:state"       // syncer.State
	EventInbox       = "inbox:changed"    // InboxChange: lists and counts may have changed
	EventEphemeral   = "inbox:ephemeral"  // *chat.Event: typing and presence
	EventSessionInfo = "session:changed"  // SessionStatus
	EventHelpdesk    = "helpdesk:changed" // *chat.Settings: the switch or options changed
	EventWindowMode  = "window:mode"      // WindowMode
	EventOpen        = "window:open"      // int64: a conversation id to show (tray, notification)
	EventCompose     = "window:compose"   // int64: the compact window's composer for a conversation (a notification's Reply)
	EventPrefs       = "prefs:changed"    // Prefs: the notification pause changed (tray menu)
	// Between the session and the desktop shell (a notification's
	// click or Reply): the conversation id, 0 for the list.
	EventNotifyOpen    = "notify:open"
	EventNotifyCompose = "notify:compose"
)

// EventData is what each event carries, by name: the one list the emitters
// follow and bindings.gen.ts types the frontend's listeners from
// (AppEvents, checked by TestBindingsTypeScript).
var EventData = map[string]any{
	EventSyncState:   syncer.State{},
	EventInbox:       InboxChange{},
	EventEphemeral:   chat.Event{},
	EventSessionInfo: SessionStatus{},
	EventHelpdesk:    chat.Settings{},
	EventWindowMode:  WindowMode(""),
	EventOpen:        int64(0),
	EventCompose:     int64(0),
	EventPrefs:       Prefs{},
	// The shell's own, not the frontend's (it ignores them).
	EventNotifyOpen:    int64(0),
	EventNotifyCompose: int64(0),
}

// InboxChange says that lists and counts may have changed; Live is false
// for history arriving during a catch-up.
type InboxChange struct {
	Live bool `json:"live"`
}

// WindowMode is the window's size: full or compact.
type WindowMode string

// The window modes.
const (
	WindowFull    WindowMode = "full"
	WindowCompact WindowMode = "compact"
)

// Emitter sends events to the frontend. Services hold one so they compile
// and test without Wails (whose runtime calls kill a process whose context
// Wails did not create).
type Emitter interface {
	Emit(name string, data any)
}

// WailsEmitter emits through the Wails runtime once started.
type WailsEmitter struct{ ctx context.Context }

// Start keeps the context Wails gave OnStartup.
func (w *WailsEmitter) Start(ctx context.Context) { w.ctx = ctx }

// Emit sends an event; before startup it does nothing.
func (w *WailsEmitter) Emit(name string, data any) {
	if w.ctx != nil {
		runtime.EventsEmit(w.ctx, name, data)
	}
}

// NopEmitter drops events (tests, headless use).
type NopEmitter struct{}

// Emit does nothing.
func (NopEmitter) Emit(string, any) {}
