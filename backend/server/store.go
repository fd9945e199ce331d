package server

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/postgres"
	"github.com/deskchat/deskchat/backend/sqlite"
)

// OpenStore opens the store a --db value names: a postgres:// or
// postgresql:// URL is PostgreSQL (backend/postgres); anything else is an
// SQLite file, as a path or a sqlite:PATH URL (backend/sqlite), the
// embedded default. pub receives committed events (may be nil); now is the
// clock (nil: time.Now); busy is how long an SQLite write waits for a
// locked file (0: 5 s).
func OpenStore(db string, pub chat.Publisher, now func() time.Time, busy time.Duration) (chat.Store, error) {
	switch {
	case db == "":
		return nil, fmt.Errorf("no database: give --db a file path or a postgres:// URL")
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return postgres.Open(db, postgres.Options{Publisher: pub, Now: now})
	}
	return sqlite.Open(strings.TrimPrefix(db, "sqlite:"), sqlite.Options{Publisher: pub, Now: now, BusyTimeout: busy})
}

// publisher forwards the store's commits to the hub, or to the cluster
// node once it has joined (the store is opened before the node, which
// needs the store's head).
type publisher struct {
	mu    sync.Mutex
	to    chat.Publisher
	after func([]*chat.Event) // sees every local commit after it was handed on
}

func (p *publisher) set(to chat.Publisher) {
	p.mu.Lock()
	p.to = to
	p.mu.Unlock()
}

// FillsGaps reports whether the current target reads other nodes' events
// itself (a cluster node; postgres.GapFiller).
func (p *publisher) FillsGaps() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	gf, ok := p.to.(postgres.GapFiller)
	return ok && gf.FillsGaps()
}

// Publish hands events on (the store calls it in seq order).
func (p *publisher) Publish(events []*chat.Event) {
	p.mu.Lock()
	to := p.to
	p.mu.Unlock()
	to.Publish(events)
	if p.after != nil {
		p.after(events)
	}
}
