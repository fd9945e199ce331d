package app

import (
	"context"
	"fmt"
	"sync"

	"github.com/deskchat/deskchat/backend/chat"
)

// Window is the part of the Wails window runtime the desktop shell uses,
// behind an interface so the shell is tested without a window.
type Window interface {
	SetTitle(title string)
	SetSize(width, height int)
	SetAlwaysOnTop(on bool)
	Show()
	Hide()
	Quit()
}

// Badge is what shows the unread count and the helpdesk state outside the
// window (the tray icon).
type Badge interface {
	SetUnread(n int)
	SetOnline(online bool)
	// Available reports whether the desktop shows it (a tray host runs).
	Available() bool
}

// Window sizes of the two modes.
const (
	FullWidth, FullHeight       = 1100, 720
	CompactWidth, CompactHeight = 360, 560
)

// DesktopService is the desktop shell: it keeps the window title and the
// tray in step with the inbox (unread count, helpdesk switch), switches
// between the full and the compact window, and hides to the tray on close
// when the user wants that. It listens on the Events bus (see listen), like
// the UI, so it sees every change the UI is told about.
type DesktopService struct {
	Session  *SessionService
	Helpdesk *HelpdeskService
	Out      Emitter // the frontend (window:mode, window:open)
	Window   Window  // nil until Wails started
	Badge    Badge   // nil without a tray

	mu       sync.Mutex
	compact  bool
	quitting bool
	title    string
	kick     chan struct{}
	once     sync.Once
}

// Start gives the shell the window once Wails has started.
func (d *DesktopService) Start(w Window) {
	d.mu.Lock()
	d.Window = w
	d.mu.Unlock()
	d.refreshSoon()
}

// listen subscribes the shell to bus: it refreshes the title and tray
// after inbox, session and helpdesk changes.
func (d *DesktopService) listen(bus *Events) { bus.Subscribe(d.onEvent) }

func (d *DesktopService) onEvent(name string, data any) {
	switch name {
	case EventHelpdesk:
		if st, ok := data.(*chat.Settings); ok && d.Badge != nil {
			d.Badge.SetOnline(st.Online)
		}
	case EventInbox, EventSessionInfo:
		d.refreshSoon()
	}
	if name == EventSessionInfo && d.Badge != nil {
		go d.fetchOnline()
	}
}

// refreshSoon coalesces refreshes: a burst of events costs one count.
func (d *DesktopService) refreshSoon() {
	d.once.Do(func() {
		d.kick = make(chan struct{}, 1)
		go func() {
			for range d.kick {
				d.Refresh()
			}
		}()
	})
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

func (d *DesktopService) fetchOnline() {
	if d.Helpdesk == nil {
		return
	}
	if st, err := d.Helpdesk.Settings(); err == nil && st != nil {
		d.Badge.SetOnline(st.Online)
	}
}

// Title is the window title for an unread count.
func Title(unread int) string {
	if unread > 0 {
		return fmt.Sprintf("(%d) %s", unread, AppName)
	}
	return AppName
}

// Refresh recounts unread conversations and updates the title and tray.
func (d *DesktopService) Refresh() {
	n := 0
	if st, err := d.Session.store(); err == nil {
		n, _ = st.UnreadTotal(context.Background())
	}
	if d.Badge != nil {
		d.Badge.SetUnread(n)
	}
	title := Title(n)
	d.mu.Lock()
	w, changed := d.Window, d.title != title
	d.title = title
	d.mu.Unlock()
	if w != nil && changed {
		w.SetTitle(title)
	}
}

// Prefs are the window settings.
type Prefs struct {
	HideOnClose  bool `json:"hide_on_close"`
	CompactOnTop bool `json:"compact_on_top"`
	Muted        bool `json:"muted"`
	Tray         bool `json:"tray"` // a tray icon is running (hide to tray makes sense)
	Compact      bool `json:"compact"`
}

// Prefs returns the window settings.
func (d *DesktopService) Prefs() Prefs {
	cfg, tray := d.Session.config(), d.trayShown()
	d.mu.Lock()
	defer d.mu.Unlock()
	return Prefs{HideOnClose: cfg.HideOnClose, CompactOnTop: cfg.CompactOnTop, Muted: cfg.Muted, Tray: tray, Compact: d.compact}
}

// SetPrefs saves the window settings (and applies always-on-top at once).
func (d *DesktopService) SetPrefs(p Prefs) error {
	if err := d.Session.updateConfig(func(c *Config) {
		c.HideOnClose, c.CompactOnTop, c.Muted = p.HideOnClose, p.CompactOnTop, p.Muted
	}); err != nil {
		return err
	}
	d.mu.Lock()
	w, compact := d.Window, d.compact
	d.mu.Unlock()
	if w != nil && compact {
		w.SetAlwaysOnTop(p.CompactOnTop)
	}
	return nil
}

// SetCompact switches between the small tray-style window and the full one.
func (d *DesktopService) SetCompact(on bool) {
	d.mu.Lock()
	d.compact = on
	w := d.Window
	d.mu.Unlock()
	if w != nil {
		if on {
			w.SetSize(CompactWidth, CompactHeight)
			w.SetAlwaysOnTop(d.Session.config().CompactOnTop)
		} else {
			w.SetAlwaysOnTop(false)
			w.SetSize(FullWidth, FullHeight)
		}
	}
	mode := WindowFull
	if on {
		mode = WindowCompact
	}
	if d.Out != nil {
		d.Out.Emit(EventWindowMode, mode)
	}
}

// Open shows the full window, at a conversation when id > 0 (tray menu,
// notification click).
func (d *DesktopService) Open(id int64) {
	d.SetCompact(false)
	d.mu.Lock()
	w := d.Window
	d.mu.Unlock()
	if w != nil {
		w.Show()
	}
	if id > 0 && d.Out != nil {
		d.Out.Emit(EventOpen, id)
	}
}

// SetOnline flips the helpdesk switch from the tray; the tray shows the
// confirmed state.
func (d *DesktopService) SetOnline(online bool) {
	st, err := d.Helpdesk.SetOnline(online)
	if err != nil {
		d.Session.log().Warn("tray: helpdesk switch", "err", err)
		return
	}
	if d.Badge != nil {
		d.Badge.SetOnline(st.Online)
	}
	if d.Out != nil {
		d.Out.Emit(EventHelpdesk, st)
	}
}

// Quit quits for real, even when closing hides to the tray.
func (d *DesktopService) Quit() {
	d.mu.Lock()
	d.quitting = true
	w := d.Window
	d.mu.Unlock()
	if w != nil {
		w.Quit()
	}
}

func (d *DesktopService) trayShown() bool { return d.Badge != nil && d.Badge.Available() }

// BeforeClose decides what closing the window does: with hide-on-close and
// a visible tray icon, it hides the window (and reports true: prevent the
// close). Without a tray host, closing quits, or the window would be lost.
func (d *DesktopService) BeforeClose() bool {
	d.mu.Lock()
	quitting, w := d.quitting, d.Window
	d.mu.Unlock()
	if quitting || w == nil || !d.Session.config().HideOnClose || !d.trayShown() {
		return false
	}
	w.Hide()
	return true
}
