package hub

// BufferCap is the capacity of the subscription's event buffer (tests).
func (s *Sub) BufferCap() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cap(s.events)
}
