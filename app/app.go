package app

import "github.com/deskchat/deskchat/app/notify"

// App is the desktop app's services, built and wired by New: the one place
// that knows how they depend on each other.
type App struct {
	Events   *Events
	About    *AboutService
	Session  *SessionService
	Inbox    *InboxService
	Items    *ItemService
	People   *PeopleService
	Helpdesk *HelpdeskService
	Desktop  *DesktopService
	Replies  *SavedReplyService
	Files    *AttachmentService
}

// New builds the services. out is the frontend (the Wails event bus, or a
// stand-in in tests), notifier shows desktop notifications (nil: none),
// dir the config directory ("" for ConfigDir()).
func New(version string, out Emitter, notifier notify.Notifier, dir string) *App {
	a := &App{Events: &Events{Out: out}, About: NewAboutService(version)}
	a.Session = &SessionService{Emit: a.Events, Notifier: notifier, Dir: dir}
	a.Files = &AttachmentService{Session: a.Session}
	a.Inbox = &InboxService{Session: a.Session, Files: a.Files}
	a.Items = &ItemService{Session: a.Session}
	a.People = &PeopleService{Session: a.Session}
	a.Helpdesk = &HelpdeskService{Session: a.Session}
	a.Replies = &SavedReplyService{Session: a.Session}
	a.Desktop = &DesktopService{Session: a.Session, Helpdesk: a.Helpdesk, Out: a.Events}
	a.Desktop.listen(a.Events)
	return a
}

// Bind lists the services Wails binds for the frontend (their methods are
// typed in frontend/src/lib/bindings.gen.ts, checked by
// TestBindingsTypeScript).
func (a *App) Bind() []any {
	return []any{a.About, a.Session, a.Inbox, a.Items, a.People, a.Helpdesk, a.Desktop, a.Replies, a.Files}
}
