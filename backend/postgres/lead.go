package postgres

import "context"

// leadLock is the advisory lock key of the housekeeping leader.
const leadLock = 0x6c656164 // "lead"

// Lead reports whether this node leads the helpdesk's housekeeping (token
// expiry, event pruning), so that it runs once per helpdesk, not once per
// node. The first node to ask takes a session-level advisory lock on a
// connection of its own and keeps it while that connection lives; when
// the leader dies or loses the database, its connection ends, the lock is
// released, and the next node that asks leads.
func (s *Store) Lead(ctx context.Context) bool {
	s.leadMu.Lock()
	defer s.leadMu.Unlock()
	if s.leadConn != nil {
		if s.leadConn.PingContext(ctx) == nil {
			return true
		}
		s.leadConn.Close()
		s.leadConn = nil
	}
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return false
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, leadLock).Scan(&got); err != nil || !got {
		conn.Close()
		return false
	}
	s.leadConn = conn
	return true
}

// closeLead gives up the lead (Close).
func (s *Store) closeLead() {
	s.leadMu.Lock()
	defer s.leadMu.Unlock()
	if s.leadConn != nil {
		s.leadConn.Close()
		s.leadConn = nil
	}
}

var _ interface{ Lead(context.Context) bool } = (*Store)(nil)
