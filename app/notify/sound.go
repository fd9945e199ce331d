package notify

import (
	_ "embed"
	"os"
	"path/filepath"
)

// messageSound is the sound of a customer message: a short two-tone chime
// (22.05 kHz mono WAV, 0.34 s), shipped with the app.
//
//go:embed message.wav
var messageSound []byte

// soundFile writes the sound out once (the server and the players read a
// file) and returns its path.
func (d *Desktop) soundFile() (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sound != "" {
		if _, err := os.Stat(d.sound); err == nil {
			return d.sound, nil
		}
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "deskchat")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "message.wav")
	if err := os.WriteFile(path, messageSound, 0o600); err != nil {
		return "", err
	}
	d.sound = path
	return path, nil
}
