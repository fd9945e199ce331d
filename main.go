// Command deskchat is the deskchat agent desktop app: a Wails window showing the
// agent UI from frontend/dist, backed by the services in package app.
package main

import (
	"context"
	"embed"
	"log"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"github.com/deskchat/deskchat/app"
	"github.com/deskchat/deskchat/app/notify"
	"github.com/deskchat/deskchat/app/tray"
	"github.com/deskchat/deskchat/app/webview"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	webview.Prepare() // before GTK and WebKit start
	emitter := &app.WailsEmitter{}
	notifier := notify.NewDesktop("", nil)
	a := app.New(version, emitter, notifier, "")
	desktop, session := a.Desktop, a.Session
	icon := &tray.Tray{OnOnline: desktop.SetOnline, OnOpen: func() { desktop.Open(0) }, OnQuit: desktop.Quit,
		OnPause: func(length string) { desktop.PauseNotifications(length) }}
	desktop.Badge = icon

	err := wails.Run(&options.App{
		Title:     app.AppName,
		Width:     app.FullWidth,
		Height:    app.FullHeight,
		MinWidth:  app.CompactWidth,
		MinHeight: 480,
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		BackgroundColour: &options.RGBA{R: 248, G: 250, B: 252, A: 255},
		Linux:            webview.Linux(),
		// One app per config directory: a second start shows the first.
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               app.InstanceID(),
			OnSecondInstanceLaunch: func(options.SecondInstanceData) { desktop.Open(0) },
		},
		OnStartup: func(ctx context.Context) {
			a.About.OnStartup(ctx)
			emitter.Start(ctx)
			desktop.Start(app.WailsWindow{Ctx: ctx})
			a.Files.Dialogs = app.WailsWindow{Ctx: ctx}
			icon.Start()
			// The embedded helpdesk or a saved session; the window shows
			// meanwhile, with the sync state as it changes.
			go func() {
				if err := session.Startup(ctx); err != nil {
					log.Printf("deskchat: start session: %v", err)
				}
			}()
		},
		OnBeforeClose: func(context.Context) bool { return desktop.BeforeClose() },
		OnShutdown: func(context.Context) {
			session.Shutdown()
			icon.Stop()
		},
		Bind: a.Bind(),
	})
	if err != nil {
		log.Fatal(err)
	}
}
