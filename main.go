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
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	about := app.NewAboutService(version)
	emitter := &app.WailsEmitter{}
	session := &app.SessionService{Emit: emitter, Notifier: notify.Beeep{}}
	inbox := &app.InboxService{Session: session}

	err := wails.Run(&options.App{
		Title:     app.AppName,
		Width:     1100,
		Height:    720,
		MinWidth:  720,
		MinHeight: 480,
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		BackgroundColour: &options.RGBA{R: 248, G: 250, B: 252, A: 255},
		OnStartup: func(ctx context.Context) {
			about.OnStartup(ctx)
			emitter.Start(ctx)
			// The embedded helpdesk or a saved session; the window shows
			// meanwhile, with the sync state as it changes.
			go func() {
				if err := session.Startup(ctx); err != nil {
					log.Printf("deskchat: start session: %v", err)
				}
			}()
		},
		OnShutdown: func(context.Context) {
			session.Shutdown()
		},
		Bind: []any{
			about,
			session,
			inbox,
		},
	})
	if err != nil {
		log.Fatal(err)
	}
}
