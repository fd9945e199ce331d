package webview_test

import (
	"os"
	"testing"

	"github.com/deskchat/deskchat/app/webview"
)

func TestPrepareKeepsTheUsersSetting(t *testing.T) {
	t.Setenv("JSC_useJIT", "1")
	t.Setenv("GDK_GL", "")
	os.Unsetenv("GDK_GL")
	webview.Prepare()
	if got := os.Getenv("JSC_useJIT"); got != "1" {
		t.Errorf("JSC_useJIT = %q, want the user's 1", got)
	}
	if got := os.Getenv("GDK_GL"); got != webview.Env["GDK_GL"] {
		t.Errorf("GDK_GL = %q, want %q", got, webview.Env["GDK_GL"])
	}
}
