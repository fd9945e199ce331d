// Package tray shows deskchat in the desktop's status area as a
// StatusNotifierItem (fyne.io/systray speaks D-Bus directly, so it runs
// inside the Wails process next to GTK): the unread count in the title and
// tooltip, and a menu with the helpdesk switch, Open deskchat and Quit.
// Without a StatusNotifier host it only logs that registration failed and
// the app works as before.
package tray

import (
	"bytes"
	_ "embed"
	"io"
	"log"
	"log/slog"
	"sync"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"

	"github.com/deskchat/deskchat/locales"
)

//go:embed icon.png
var icon []byte

// Tray is the one status icon of the process (systray is process-global).
type Tray struct {
	// OnOnline is called when the user flips the helpdesk switch in the
	// menu; the tray shows the new state once SetOnline confirms it.
	OnOnline func(online bool)
	OnOpen   func()
	OnQuit   func()
	// OnPause pauses notifications: "hour", "tomorrow", or "off" to resume.
	OnPause func(length string)

	mu      sync.Mutex
	ready   bool
	unread  int
	online  bool
	known   bool // online is known
	paused  bool
	lang    string // the language of the title and the menu ("": English)
	items   []menuItem
	onlineI *systray.MenuItem
	pauseI  *systray.MenuItem
	resumeI *systray.MenuItem
	end     func()
}

// menuItem is an item of the menu with its words: the catalog keys of its
// label (desktop.tray.<key>) and tooltip (<key>_tip).
type menuItem struct {
	item *systray.MenuItem
	key  string
}

// text is a text of the tray in lang.
func text(lang, key string) string { return locales.T(lang, "desktop.tray."+key, nil) }

// Start registers the icon. Call it once, from Wails' OnStartup. Without
// a StatusNotifier host it says so in one calm line (the icon appears when
// a host starts: systray registers again then) instead of the library's
// "systray error: failed to register".
func (t *Tray) Start() {
	if !t.Available() {
		log.SetOutput(quietRegister{log.Writer()})
		slog.Info("tray: this desktop shows no status icons right now; the icon appears when it does (the window and notifications work as before)")
	}
	start, end := systray.RunWithExternalLoop(t.onReady, func() {})
	t.end = end
	start()
}

// Stop removes the icon. Call it from Wails' OnShutdown.
func (t *Tray) Stop() {
	if t.end != nil {
		t.end()
	}
}

// quietRegister drops systray's log line for a failed registration (no
// host yet: said once, calmly, by Start) and passes every other line.
type quietRegister struct{ w io.Writer }

func (q quietRegister) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("systray error: failed to register")) {
		return len(p), nil
	}
	return q.w.Write(p)
}

func (t *Tray) onReady() {
	systray.SetIcon(icon)
	t.mu.Lock()
	lang := t.lang
	t.mu.Unlock()
	var items []menuItem
	add := func(key string, newItem func(title, tooltip string) *systray.MenuItem) *systray.MenuItem {
		i := newItem(text(lang, key), text(lang, key+"_tip"))
		items = append(items, menuItem{i, key})
		return i
	}
	onlineI := add("online", func(title, tip string) *systray.MenuItem { return systray.AddMenuItemCheckbox(title, tip, false) })
	openI := add("open", systray.AddMenuItem)
	systray.AddSeparator()
	pauseI := add("pause", systray.AddMenuItem)
	hourI := add("pause_hour", pauseI.AddSubMenuItem)
	tomorrowI := add("pause_tomorrow", pauseI.AddSubMenuItem)
	resumeI := add("resume", systray.AddMenuItem)
	systray.AddSeparator()
	quitI := add("quit", systray.AddMenuItem)
	systray.SetOnTapped(func() { t.call(t.OnOpen) })
	t.mu.Lock()
	t.ready, t.onlineI, t.pauseI, t.resumeI, t.items = true, onlineI, pauseI, resumeI, items
	relabel := t.lang != lang // changed while the menu was made
	t.mu.Unlock()
	if relabel {
		t.relabel()
	}
	t.render()
	go func() {
		for {
			select {
			case <-onlineI.ClickedCh:
				// The menu shows the server's state, not the click: the
				// check mark moves once the switch is confirmed. The call
				// goes to the server, so it runs aside: systray drops
				// clicks while this loop is busy.
				t.mu.Lock()
				want := !t.online
				t.mu.Unlock()
				if t.OnOnline != nil {
					go t.OnOnline(want)
				}
			case <-openI.ClickedCh:
				t.call(t.OnOpen)
			case <-hourI.ClickedCh:
				t.pause("hour")
			case <-tomorrowI.ClickedCh:
				t.pause("tomorrow")
			case <-resumeI.ClickedCh:
				t.pause("off")
			case <-quitI.ClickedCh:
				t.call(t.OnQuit)
				return
			}
		}
	}()
}

func (t *Tray) pause(length string) {
	if t.OnPause != nil {
		go t.OnPause(length)
	}
}

// SetPaused shows whether notifications are paused: the menu offers
// Resume instead of Pause.
func (t *Tray) SetPaused(paused bool) {
	t.mu.Lock()
	changed := t.paused != paused
	t.paused = paused
	t.mu.Unlock()
	if changed {
		t.render()
	}
}

func (t *Tray) call(fn func()) {
	if fn != nil {
		fn()
	}
}

// Available reports whether a StatusNotifier host is there to show the
// icon (without one, systray only logs and nothing is visible, so hiding
// the window to the tray would lose it).
func (t *Tray) Available() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}

// SetUnread shows the number of conversations with unread messages.
func (t *Tray) SetUnread(n int) {
	t.mu.Lock()
	changed := t.unread != n
	t.unread = n
	t.mu.Unlock()
	if changed {
		t.render()
	}
}

// SetOnline shows the helpdesk switch state.
func (t *Tray) SetOnline(online bool) {
	t.mu.Lock()
	changed := !t.known || t.online != online
	t.online, t.known = online, true
	t.mu.Unlock()
	if changed {
		t.render()
	}
}

// SetLanguage writes the title, the tooltip and the menu in lang (the
// app's language; "" is English), at once when it changes.
func (t *Tray) SetLanguage(lang string) {
	t.mu.Lock()
	changed := t.lang != lang
	t.lang = lang
	t.mu.Unlock()
	if changed {
		t.relabel()
		t.render()
	}
}

// relabel writes the menu's labels and tooltips in the current language
// (the items stay: their ids are the menu's).
func (t *Tray) relabel() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, i := range t.items {
		i.item.SetTitle(text(t.lang, i.key))
		i.item.SetTooltip(text(t.lang, i.key+"_tip"))
	}
}

// Label is the title and tooltip for a state in lang, e.g. "deskchat: 3
// unread · online".
func Label(lang string, unread int, online, known bool) string {
	key := "label"
	if unread > 0 {
		key = "label_unread"
	}
	if known {
		if online {
			key += "_online"
		} else {
			key += "_offline"
		}
	}
	if unread > 0 {
		return locales.T(lang, "desktop.tray."+key, locales.Args{"count": unread})
	}
	return text(lang, key)
}

func (t *Tray) render() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.ready {
		return // onReady renders the state kept meanwhile
	}
	label := Label(t.lang, t.unread, t.online, t.known)
	systray.SetTitle(label)
	systray.SetTooltip(label)
	if t.online {
		t.onlineI.Check()
	} else {
		t.onlineI.Uncheck()
	}
	if t.paused {
		t.pauseI.Hide()
		t.resumeI.Show()
	} else {
		t.resumeI.Hide()
		t.pauseI.Show()
	}
}
