package app

import (
	"encoding/json"
	"time"

	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/chat"
)

// releaseAfterSync is how long after a sync the memory its burst freed is
// given back: the UI's own reads of the synced lists come first.
const releaseAfterSync = 3 * time.Second

// route connects a runtime's sync engine to the rest of the desktop: sync
// state to the UI, every batch of events to notifications and to the UI's
// inbox, helpdesk changes to the switch, typing and presence to the open
// conversation. This is the one place events flow through; the desktop
// shell listens on the Events bus like the UI does.
func (s *SessionService) route(rt *signedIn) {
	rt.engine.OnState = func(x syncer.State) {
		s.mu.Lock()
		s.state = x
		s.mu.Unlock()
		s.Emit.Emit(EventSyncState, x)
		if s.Notifier != nil {
			rt.center.SetConnected(x.Phase == syncer.PhaseConnected)
			if x.Phase == syncer.PhaseConnected {
				rt.center.CaughtUp() // what arrived meanwhile: one summary
			}
		}
		if x.Phase == syncer.PhaseConnected {
			time.AfterFunc(releaseAfterSync, releaseMemory)
		}
	}
	rt.engine.OnEvents = func(evs []*chat.Event, live bool) {
		if s.Notifier != nil {
			rt.center.Events(evs, live)
		}
		s.Emit.Emit(EventInbox, InboxChange{Live: live})
		for _, ev := range evs {
			var hs chat.Settings
			if ev.Type == chat.EventHelpdeskUpdated && json.Unmarshal(ev.Data, &hs) == nil {
				s.Emit.Emit(EventHelpdesk, &hs)
			}
		}
	}
	rt.engine.OnEphemeral = func(ev *chat.Event) { s.Emit.Emit(EventEphemeral, ev) }
	// Read at each connection: the switch and the tray follow the server
	// at once when it comes back.
	rt.engine.OnServerState = func(st *chat.Settings) { s.Emit.Emit(EventHelpdesk, st) }
}
