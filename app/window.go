package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// WailsWindow is Window over the Wails runtime of a started app.
type WailsWindow struct{ Ctx context.Context }

func (w WailsWindow) SetTitle(title string)     { runtime.WindowSetTitle(w.Ctx, title) }
func (w WailsWindow) SetSize(width, height int) { runtime.WindowSetSize(w.Ctx, width, height) }
func (w WailsWindow) SetAlwaysOnTop(on bool)    { runtime.WindowSetAlwaysOnTop(w.Ctx, on) }
func (w WailsWindow) Show()                     { runtime.WindowShow(w.Ctx); runtime.WindowUnminimise(w.Ctx) }
func (w WailsWindow) Hide()                     { runtime.WindowHide(w.Ctx) }
func (w WailsWindow) Quit()                     { runtime.Quit(w.Ctx) }

// OpenURL opens url in the system's browser.
func (w WailsWindow) OpenURL(url string) { runtime.BrowserOpenURL(w.Ctx, url) }

// OpenFiles asks for files to attach (Dialogs).
func (w WailsWindow) OpenFiles(title string) ([]string, error) {
	return runtime.OpenMultipleFilesDialog(w.Ctx, runtime.OpenDialogOptions{Title: title})
}

// SaveFile asks where to save a file (Dialogs).
func (w WailsWindow) SaveFile(title, name string) (string, error) {
	return runtime.SaveFileDialog(w.Ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: name})
}
