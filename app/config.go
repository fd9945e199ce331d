package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/backend/chat"
)

// Config is what the app remembers between runs. It holds a bearer token,
// so it is written 0600 in a 0700 directory.
type Config struct {
	ServerURL string `json:"server_url,omitempty"`
	Token     string `json:"token,omitempty"`
	UserID    int64  `json:"user_id,omitempty"`
	Local     bool   `json:"local,omitempty"` // the embedded local helpdesk
	Muted     bool   `json:"muted,omitempty"` // notifications off
	SoundOff  bool   `json:"sound_off,omitempty"`
	// PausedUntil pauses notifications (the tray's and Settings' Pause).
	PausedUntil time.Time `json:"paused_until,omitzero"`
	// MutedConversations get no notifications.
	MutedConversations []int64 `json:"muted_conversations,omitempty"`
	// HideOnClose: closing the main window hides it to the tray.
	HideOnClose bool `json:"hide_on_close,omitempty"`
	// CompactOnTop: the compact window stays above other windows.
	CompactOnTop bool `json:"compact_on_top,omitempty"`
	// Language is the app's language chosen in Settings (a locales code);
	// "" follows the system (locales.System).
	Language string `json:"language,omitempty"`
	// Theme is "light" or "dark" chosen in Settings; "" follows the system.
	Theme string `json:"theme,omitempty"`
	// User is the signed-in user as last seen, so an offline start still
	// knows their name and flags (From Customers for support users).
	User *chat.User `json:"user,omitempty"`
}

// prefs is c without the session: what survives sign-out and sign-in.
func (c Config) prefs() Config {
	return Config{Muted: c.Muted, SoundOff: c.SoundOff, PausedUntil: c.PausedUntil, HideOnClose: c.HideOnClose, CompactOnTop: c.CompactOnTop,
		Language: c.Language, Theme: c.Theme}
}

// notifyPrefs are the notification settings of c.
func (c Config) notifyPrefs() notify.Prefs {
	muted := map[int64]bool{}
	for _, id := range c.MutedConversations {
		muted[id] = true
	}
	return notify.Prefs{Muted: c.Muted, SoundOff: c.SoundOff, PausedUntil: c.PausedUntil, MutedConvs: muted}
}

// ConfigDir is os.UserConfigDir()/deskchat, or $DESKCHAT_CONFIG_DIR.
func ConfigDir() (string, error) {
	if d := os.Getenv("DESKCHAT_CONFIG_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "deskchat"), nil
}

// LoadConfig reads the config; a missing file is an empty config.
func LoadConfig(dir string) (Config, error) {
	var c Config
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	} else if err != nil {
		return c, err
	}
	return c, json.Unmarshal(data, &c)
}

// saveMu serialises config writes (preferences and sign-in may race).
var saveMu sync.Mutex

// SaveConfig writes the config atomically with 0600 permissions.
func SaveConfig(dir string, c Config) error {
	saveMu.Lock()
	defer saveMu.Unlock()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// An existing directory may have been created looser.
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "config.json.tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	// WriteFile keeps the mode of an existing file: set it.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "config.json"))
}

// InstanceID names the app instance of this config directory (one window
// per directory; tests with their own directories run side by side).
func InstanceID() string {
	dir, _ := ConfigDir()
	sum := sha256.Sum256([]byte(dir))
	return "deskchat-" + hex.EncodeToString(sum[:8])
}
