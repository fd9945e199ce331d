package app

import "sync"

// Events is the desktop's event bus. Services emit to it; it hands every
// event to the frontend (Out) and then to each subscriber in order (the
// desktop shell), so the shell sees what the UI sees without standing in
// between.
type Events struct {
	Out Emitter

	mu   sync.Mutex
	subs []func(name string, data any)
}

// Emit sends an event to the frontend and the subscribers.
func (e *Events) Emit(name string, data any) {
	if e.Out != nil {
		e.Out.Emit(name, data)
	}
	e.mu.Lock()
	subs := e.subs
	e.mu.Unlock()
	for _, f := range subs {
		f(name, data)
	}
}

// Subscribe adds f to the subscribers. f runs synchronously on the
// emitter's goroutine (often the sync engine's), with name one of the
// Event* constants and data what EventData lists for it, so it must not
// block.
func (e *Events) Subscribe(f func(name string, data any)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.subs = append(e.subs[:len(e.subs):len(e.subs)], f)
}
