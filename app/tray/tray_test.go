package tray_test

import (
	"testing"

	"github.com/deskchat/deskchat/app/tray"
)

// TestLabel: the tray's title and tooltip in the app's language, the
// unread count with its plural form.
func TestLabel(t *testing.T) {
	for _, tt := range []struct {
		lang          string
		unread        int
		online, known bool
		want          string
	}{
		{"en", 0, false, false, "deskchat"},
		{"en", 3, true, true, "deskchat: 3 unread · online"},
		{"en", 1, false, true, "deskchat: 1 unread · offline"},
		{"en", 0, true, true, "deskchat · online"},
		{"", 2, false, false, "deskchat: 2 unread"}, // no language: English
		{"de", 1, true, true, "deskchat: 1 ungelesen · online"},
		{"de", 3, false, true, "deskchat: 3 ungelesen · offline"},
		{"de", 0, false, true, "deskchat · offline"},
	} {
		if got := tray.Label(tt.lang, tt.unread, tt.online, tt.known); got != tt.want {
			t.Errorf("Label(%q, %d, %t, %t) = %q, want %q", tt.lang, tt.unread, tt.online, tt.known, got, tt.want)
		}
	}
}
