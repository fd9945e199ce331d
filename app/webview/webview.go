// Package webview holds the settings of the app's WebKitGTK webview that
// lower its memory, each measured with scripts/app-bench.sh (see
// docs/PERFORMANCE.md). The benchmark builds the bare Wails template with
// this same package, so the floor it reports runs with the same settings.
package webview

import (
	"os"

	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

// Env is the environment the webview starts with; WebKit's web and
// network processes inherit it. A variable the user has set wins.
var Env = map[string]string{
	// JavaScript runs in JavaScriptCore's interpreter: the UI's scripts
	// are small and DOM-bound, and the JIT tiers' code and profiling data
	// cost 17 MB of the web process (130-132 → 113-115 MB PSS).
	"JSC_useJIT": "0",
	// No GL in the app process: the webview draws without hardware
	// acceleration (WebviewGpuPolicyNever), so neither GTK's GL context
	// nor WebKit's DMA-BUF renderer is used (4-8 MB of the app process).
	"GDK_GL":                         "disable",
	"WEBKIT_DISABLE_DMABUF_RENDERER": "1",
}

// Prepare sets Env. Call it first in main, before Wails starts GTK and
// WebKit.
func Prepare() {
	for k, v := range Env {
		if _, set := os.LookupEnv(k); !set {
			os.Setenv(k, v)
		}
	}
}

// Linux is the Wails options for Linux: the webview draws without
// hardware acceleration (what Wails does when the options are nil).
func Linux() *linux.Options {
	return &linux.Options{WebviewGpuPolicy: linux.WebviewGpuPolicyNever}
}
