package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Event names the frontend listens to (namespaced by area).
const (
	EventSyncState   = "sync:state"       // syncer.State
	EventInbox       = "inbox:changed"    // {live bool}: lists and counts may have changed
	EventEphemeral   = "inbox:ephemeral"  // typing and presence
	EventSessionInfo = "session:changed"  // SessionStatus
	EventHelpdesk    = "helpdesk:changed" // chat.Settings: the switch or options changed
	EventWindowMode  = "window:mode"      // "compact" or "full"
	EventOpen        = "window:open"      // a conversation id to show (tray, notification)
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
