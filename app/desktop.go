package app

import (
	"context"
	"github.com/deskchat/deskchat/locales"
	"slices"
	"sync"
	"time"

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

// urlOpener is a Window that opens web pages in the system's browser
// (WailsWindow; test windows need not).
type urlOpener interface{ OpenURL(url string) }

// OpenPreview opens the local helpdesk's widget preview page in the
// system's browser (the page Settings links to). ENotFound when there is
// no preview (signed in to a remote server, or not started);
// EUnavailable when this window cannot open a browser.
func (d *DesktopService) OpenPreview() error {
	url := d.Session.Status().PreviewURL
	if url == "" {
		return chat.Errorf(chat.ENotFound, "%s", locales.T(d.Session.Language(), "desktop.errors.no_preview", nil))
	}
	d.mu.Lock()
	w := d.Window
	d.mu.Unlock()
	o, ok := w.(urlOpener)
	if !ok {
		return chat.Errorf(chat.EUnavailable, "%s", locales.T(d.Session.Language(), "desktop.errors.no_browser", nil))
	}
	o.OpenURL(url)
	return nil
}

// Badge is what shows the unread count and the helpdesk state outside the
// window (the tray icon).
type Badge interface {
	SetUnread(n int)
	SetOnline(online bool)
	// SetPaused shows whether notifications are paused (the tray's menu).
	SetPaused(paused bool)
	// Available reports whether the desktop shows it (a tray host runs).
	Available() bool
}

// Speaker is a Badge that writes words (the tray's title and menu): it
// is told the app's language, and again when it changes.
type Speaker interface {
	SetLanguage(lang string)
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
	case EventNotifyOpen:
		if id, ok := data.(int64); ok && id > 0 {
			go d.Open(id)
		} else if ok {
			go d.OpenList()
		}
	case EventNotifyCompose:
		if id, ok := data.(int64); ok {
			go d.Compose(id)
		}
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
	if d.Session != nil && !d.Session.Status().SignedIn {
		d.Badge.SetOnline(false) // signed out: no helpdesk to be online for
		return
	}
	if st, err := d.Helpdesk.Settings(); err == nil && st != nil {
		d.Badge.SetOnline(st.Online)
	}
}

// Title is the window title for an unread count, in lang.
func Title(lang string, unread int) string {
	if unread > 0 {
		return locales.T(lang, "desktop.window.title_unread", locales.Args{"count": unread})
	}
	return AppName
}

// Refresh recounts unread conversations and updates the title and tray,
// in the app's language.
func (d *DesktopService) Refresh() {
	n := 0
	if st, err := d.Session.store(); err == nil {
		n, _ = st.UnreadTotal(context.Background())
	}
	lang := d.Session.Language()
	if d.Badge != nil {
		if sp, ok := d.Badge.(Speaker); ok {
			sp.SetLanguage(lang)
		}
		d.Badge.SetPaused(time.Now().Before(d.Session.config().PausedUntil))
		d.Badge.SetUnread(n)
	}
	title := Title(lang, n)
	d.mu.Lock()
	w, changed := d.Window, d.title != title
	d.title = title
	d.mu.Unlock()
	if w != nil && changed {
		w.SetTitle(title)
	}
}

// Prefs are the window and notification settings.
type Prefs struct {
	HideOnClose  bool `json:"hide_on_close"`
	CompactOnTop bool `json:"compact_on_top"`
	Muted        bool `json:"muted"`
	SoundOff     bool `json:"sound_off"`
	// PausedUntil is when paused notifications resume (RFC 3339), "" when
	// not paused; set with PauseNotifications.
	PausedUntil string `json:"paused_until,omitempty"`
	Tray        bool   `json:"tray"` // a tray icon is running (hide to tray makes sense)
	Compact     bool   `json:"compact"`
	// Language is the language chosen in Settings ("" follows the
	// system); SystemLanguage is the system's (locales.System), and
	// Languages every language with a catalog. The app speaks
	// Language, or SystemLanguage when it is "".
	Language       string   `json:"language"`
	SystemLanguage string   `json:"system_language"`
	Languages      []string `json:"languages"`
	// Theme is "light" or "dark", or "" to follow the system.
	Theme string `json:"theme"`
}

// Themes a user may choose (Prefs.Theme); "" follows the system.
const (
	ThemeLight = "light"
	ThemeDark  = "dark"
)

// Prefs returns the window and notification settings.
func (d *DesktopService) Prefs() Prefs {
	cfg, tray := d.Session.config(), d.trayShown()
	d.mu.Lock()
	defer d.mu.Unlock()
	p := Prefs{HideOnClose: cfg.HideOnClose, CompactOnTop: cfg.CompactOnTop, Muted: cfg.Muted, SoundOff: cfg.SoundOff, Tray: tray, Compact: d.compact,
		Language: cfg.Language, SystemLanguage: locales.System(), Languages: locales.Languages(), Theme: cfg.Theme}
	if time.Now().Before(cfg.PausedUntil) {
		p.PausedUntil = cfg.PausedUntil.Format(time.RFC3339)
	}
	return p
}

// SetPrefs saves the window settings (and applies always-on-top at once),
// the language and the theme. EInvalid for a language without a catalog
// or a theme other than "", ThemeLight and ThemeDark.
func (d *DesktopService) SetPrefs(p Prefs) error {
	if p.Language != "" && !slices.Contains(locales.Languages(), p.Language) {
		return chat.Errorf(chat.EInvalid, "There is no catalog for language %q.", p.Language)
	}
	if p.Theme != "" && p.Theme != ThemeLight && p.Theme != ThemeDark {
		return chat.Errorf(chat.EInvalid, "The theme is light, dark or empty (follow the system).")
	}
	if err := d.Session.updateConfig(func(c *Config) {
		c.HideOnClose, c.CompactOnTop, c.Muted, c.SoundOff = p.HideOnClose, p.CompactOnTop, p.Muted, p.SoundOff
		c.Language, c.Theme = p.Language, p.Theme
	}); err != nil {
		return err
	}
	if d.Out != nil {
		d.Out.Emit(EventPrefs, d.Prefs())
	}
	d.Refresh() // the title and the tray in the language chosen, at once
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

// Pause lengths for PauseNotifications.
const (
	PauseHour     = "hour"     // one hour from now
	PauseTomorrow = "tomorrow" // until 8:00 tomorrow, local time
	PauseOff      = "off"      // resume now
)

// PauseNotifications pauses notifications (no pop-ups, no sound; badges
// and the tray count still update) for an hour or until tomorrow morning,
// or resumes them (tray menu, Settings). EInvalid for another length.
func (d *DesktopService) PauseNotifications(length string) (Prefs, error) {
	until, err := PauseUntil(length, time.Now())
	if err != nil {
		return d.Prefs(), err
	}
	if err := d.Session.updateConfig(func(c *Config) { c.PausedUntil = until }); err != nil {
		return d.Prefs(), err
	}
	p := d.Prefs()
	if d.Out != nil {
		d.Out.Emit(EventPrefs, p)
	}
	if d.Badge != nil {
		d.Badge.SetPaused(!until.IsZero())
	}
	if !until.IsZero() {
		// When the pause ends, the tray and Settings say so.
		time.AfterFunc(time.Until(until)+time.Second, func() {
			d.Refresh()
			if d.Out != nil {
				d.Out.Emit(EventPrefs, d.Prefs())
			}
		})
	}
	return p, nil
}

// PauseUntil is when a pause of length started at now ends: an hour
// later, 8:00 the next morning (local time), or never (PauseOff: zero).
func PauseUntil(length string, now time.Time) (time.Time, error) {
	switch length {
	case PauseHour:
		return now.Add(time.Hour), nil
	case PauseTomorrow:
		y, m, day := now.AddDate(0, 0, 1).Date()
		return time.Date(y, m, day, 8, 0, 0, 0, now.Location()), nil
	case PauseOff:
		return time.Time{}, nil
	}
	return time.Time{}, chat.Errorf(chat.EInvalid, "Pause for hour or tomorrow, or off.")
}

// MuteParams mute or unmute one conversation's notifications.
type MuteParams struct {
	ConversationID int64 `json:"conversation_id"`
	Muted          bool  `json:"muted"`
}

// MuteConversation mutes (or unmutes) one conversation's notifications on
// this desktop.
func (d *DesktopService) MuteConversation(p MuteParams) error {
	return d.Session.updateConfig(func(c *Config) {
		ids := slices.DeleteFunc(slices.Clone(c.MutedConversations), func(id int64) bool { return id == p.ConversationID })
		if p.Muted {
			ids = append(ids, p.ConversationID)
		}
		c.MutedConversations = ids
	})
}

// ConversationMuted reports whether a conversation's notifications are muted.
func (d *DesktopService) ConversationMuted(conversationID int64) bool {
	return slices.Contains(d.Session.config().MutedConversations, conversationID)
}

// Compose shows the compact window with the composer of a conversation (a
// notification's Reply where the notification takes no typed answer).
func (d *DesktopService) Compose(id int64) {
	d.SetCompact(true)
	d.mu.Lock()
	w := d.Window
	d.mu.Unlock()
	if w != nil {
		w.Show()
	}
	if d.Out != nil {
		d.Out.Emit(EventCompose, id)
	}
}

// OpenList shows the full window at the conversation list (a summary
// notification's click).
func (d *DesktopService) OpenList() {
	d.Open(0)
	if d.Out != nil {
		d.Out.Emit(EventOpen, int64(0))
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
