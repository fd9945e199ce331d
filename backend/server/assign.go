package server

import (
	"context"
	"slices"
	"time"
)

// assigning runs auto-assignment (chat.Settings.AutoAssign, see
// chat/assign.go) every Config.AssignEvery: it hands waiting
// conversations to the support users online now (on any node), and gives
// back to the queue the open conversations of an assignee offline for
// Settings.UnassignOfflineAfter minutes. With several nodes only the
// leader does it. The offline time is counted from when this node's
// leader first saw the assignee offline (a restart starts it afresh).
func (s *Server) assigning() {
	defer s.wg.Done()
	every := s.cfg.AssignEvery
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	offlineSince := map[int64]time.Time{}
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		s.assignOnce(ctx, offlineSince)
		cancel()
	}
}

func (s *Server) assignOnce(ctx context.Context, offlineSince map[int64]time.Time) {
	st, err := s.Store.Settings(ctx)
	if err != nil || !st.AutoAssign {
		clear(offlineSince)
		return
	}
	if l, ok := s.Store.(leader); ok && !l.Lead(ctx) {
		clear(offlineSince)
		return
	}
	online := s.streams.Online()
	ids := make([]int64, 0, len(online))
	for id, on := range online {
		if on {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if st.UnassignOfflineAfter > 0 {
		assignees, err := s.Store.Assignees(ctx)
		if err != nil {
			s.log.Warn("auto-assignment: assignees", "err", err)
			return
		}
		now := time.Now()
		for id := range offlineSince {
			if !slices.Contains(assignees, id) || online[id] {
				delete(offlineSince, id)
			}
		}
		for _, id := range assignees {
			if online[id] {
				continue
			}
			since, ok := offlineSince[id]
			if !ok {
				offlineSince[id] = now
				continue
			}
			if now.Sub(since) >= time.Duration(st.UnassignOfflineAfter)*s.minute() {
				if n, err := s.Store.ReleaseAssignments(ctx, id); err != nil {
					s.log.Warn("auto-assignment: release", "user", id, "err", err)
				} else {
					s.log.Info("auto-assignment: an assignee offline too long; their conversations went back to the queue", "user", id, "count", n)
					delete(offlineSince, id)
				}
			}
		}
	}
	if n, err := s.Store.AutoAssign(ctx, ids); err != nil {
		s.log.Warn("auto-assignment", "err", err)
	} else if n > 0 {
		s.log.Debug("auto-assignment", "assigned", n)
	}
}

// minute is the unit of Settings.UnassignOfflineAfter: a minute, or
// Config.AssignMinute in tests.
func (s *Server) minute() time.Duration {
	if s.cfg.AssignMinute > 0 {
		return s.cfg.AssignMinute
	}
	return time.Minute
}
