package app

import (
	"context"
	"errors"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/locales"
)

// onlineTimeout bounds calls that need the server, so a dead network
// answers the UI within seconds instead of hanging a dialog.
const onlineTimeout = 10 * time.Second

// ErrOffline is returned by actions that need the server while it cannot
// be reached. Replies, edits, deletes, close and reopen never need it: they
// wait in the outbox. The services return it written in the app's
// language (SessionService.offline); errors.Is finds it in that error.
var ErrOffline = errors.New("The server cannot be reached right now; try again when deskchat is connected.")

// online returns an API client for the signed-in user.
func (s *SessionService) online() (*client.Client, error) {
	s.mu.Lock()
	rt, cfg := s.rt, s.cfg
	s.mu.Unlock()
	if rt == nil {
		return nil, s.notSignedIn()
	}
	return client.New(cfg.ServerURL).WithToken(cfg.Token), nil
}

// errNotSignedIn answers calls made before a session exists (or after
// sign-out); the services return it in the app's language
// (SessionService.notSignedIn).
var errNotSignedIn = errors.New("Not signed in.")

// textError is a sentinel error (ErrOffline, errNotSignedIn) as the user
// reads it: written in the app's language, and still the sentinel for
// errors.Is.
type textError struct {
	text string
	is   error
}

func (e *textError) Error() string { return e.text }
func (e *textError) Unwrap() error { return e.is }

// offline is ErrOffline in the app's language.
func (s *SessionService) offline() error {
	return &textError{text: locales.T(s.Language(), "desktop.errors.offline", nil), is: ErrOffline}
}

// notSignedIn is errNotSignedIn in the app's language. The caller must
// not hold s.mu (the language is read from the config).
func (s *SessionService) notSignedIn() error {
	return &textError{text: locales.T(s.Language(), "desktop.errors.not_signed_in", nil), is: errNotSignedIn}
}

// fail is an error whose text is the catalog's key (a sentence of the
// app's own) in the app's language.
func (s *SessionService) fail(key string) error { return errors.New(locales.T(s.Language(), key, nil)) }

// call runs fn against the server with a timeout and turns its error into
// a sentence the UI can show: the server's own message for a refusal,
// ErrOffline for a network failure.
func call[T any](s *SessionService, fn func(ctx context.Context, c *client.Client) (T, error)) (T, error) {
	var zero T
	c, err := s.online()
	if err != nil {
		return zero, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), onlineTimeout)
	defer cancel()
	v, err := fn(ctx, c)
	if err != nil {
		return zero, s.userError(err)
	}
	return v, nil
}

// userError is what a bound method returns for a failed server call: the
// server's message as the error's text (the bridge carries only text) —
// in English; in another language the catalogs' sentence for its code
// (errors.<code>, else errors.general), since the server writes English —
// or ErrOffline (in the app's language) for a network failure and for a
// server that is there but not serving (unavailable: a proxy's 502/503
// while the server is down, a database restarting), which the offline
// paths treat alike.
func (s *SessionService) userError(err error) error {
	var e *chat.Error
	if errors.As(err, &e) && e.Code != chat.EUnavailable {
		return errors.New(ServerErrorText(s.Language(), e))
	}
	return s.offline()
}

// ServerErrorText is how the app shows a server's refusal in lang: the
// server's own sentence in English, the catalogs' for its code otherwise.
func ServerErrorText(lang string, e *chat.Error) string {
	if lang == locales.Fallback && e.Message != "" {
		return e.Message
	}
	if _, ok := locales.Catalog(locales.Fallback)["errors."+e.Code]; ok {
		return locales.T(lang, "errors."+e.Code, nil)
	}
	return locales.T(lang, "errors.general", nil)
}

// orLocal answers from the local store when the server cannot be reached
// (v, err come from call); other errors and successes pass through.
func orLocal[T any](s *SessionService, v T, err error, local func(context.Context, *localstore.Store) (T, error)) (T, error) {
	if !errors.Is(err, ErrOffline) {
		return v, err
	}
	st, e := s.store()
	if e != nil {
		return v, err
	}
	if lv, e := local(context.Background(), st); e == nil {
		return lv, nil
	}
	return v, err
}
