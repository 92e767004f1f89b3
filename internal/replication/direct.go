package replication

// Writing the stream from the event loops. A write to the primary runs on
// the event loop that read it; handing its effect to the link's goroutine
// (run), which hands it to the replica connection's loop, costs two
// wake-ups before the bytes leave. So, as Redis does in beforeSleep, a
// loop that ran batches of commands writes what the stream gained to every
// replica itself once they are done (EndBatch, Flush), with a write that
// never waits: what the socket does not take, effects that do not come from a
// loop's batch (expiry, eviction, a script on its own goroutine, the
// keepalive PING), and the snapshot of a full sync are left to run, which
// may wait. One writer at a time holds a link (Link.writing, under s.mu),
// so the replica gets the stream in order.

// DirectStream is a Stream that any goroutine may write once its earlier
// writes are out.
type DirectStream interface {
	Stream
	// GoDirect waits until everything written so far has left the
	// connection's buffers; from then on Write sends straight to the
	// socket, and TryWrite may be used.
	GoDirect() error
	// TryWrite writes as much of p as the socket takes now, without
	// waiting: 0 and no error when it takes nothing.
	TryWrite(p []byte) (int, error)
}

// goDirect lets event loops write l's stream, if it can be (run calls it
// before it sends anything, once the snapshot or +CONTINUE was queued).
func (l *Link) goDirect() error {
	ds, ok := l.stream.(DirectStream)
	if !ok {
		return nil
	}
	if err := ds.GoDirect(); err != nil {
		return err
	}
	l.s.mu.Lock()
	l.direct = ds
	l.s.mu.Unlock()
	return nil
}

// BeginBatch tells the state an event loop starts running a batch of
// commands: until its EndBatch, the effects fed need not wake the links,
// the loop sends them.
func (s *State) BeginBatch() { s.batches.Add(1) }

// EndBatch ends a loop's batch. It reports whether the stream holds
// bytes unsent: the loop must then call Flush (soon: it may first run
// the other batches its poll returned, so that one write carries them
// all, as Redis's beforeSleep does).
func (s *State) EndBatch() bool {
	// Feed stores unsent before it loads batches, and this loads unsent
	// after it lowers batches: either Feed saw no batch and woke the
	// links, or this sees what Feed left.
	s.batches.Add(-1)
	return s.unsent.Load()
}

// Flush writes what the stream holds unsent to the replicas an event
// loop may write to, without waiting, and leaves the rest to their
// links' goroutines.
func (s *State) Flush() {
	if !s.unsent.Load() {
		return
	}
	type claim struct {
		l    *Link
		data []byte
		n    int
		err  error
	}
	var buf [4]claim
	claims := buf[:0]
	s.mu.Lock()
	s.unsent.Store(false)
	hard := s.Settings().OutputHardLimit
	for _, l := range s.links {
		if l.direct == nil || l.writing || l.next >= s.stream.end {
			continue
		}
		if hard > 0 && s.stream.end-l.next > hard {
			l.wakeUp() // run drops it
			continue
		}
		l.writing = true
		claims = append(claims, claim{l: l, data: s.stream.read(l.next, sendChunk)})
	}
	s.mu.Unlock()
	if len(claims) == 0 {
		return
	}
	for i := range claims {
		c := &claims[i]
		c.n, c.err = c.l.direct.TryWrite(c.data)
	}
	s.mu.Lock()
	for _, c := range claims {
		c.l.next += int64(c.n)
		c.l.writing = false
		if c.err != nil || c.l.next < s.stream.end {
			c.l.wakeUp() // the rest, or the error, is run's
		}
	}
	s.trim()
	s.mu.Unlock()
}

// fed follows bytes appended to the stream: the links' goroutines send
// them, except to the links a loop's batch in progress will write to at
// its end. The caller holds mu.
func (s *State) fed() {
	s.unsent.Store(true)
	inBatch := s.batches.Load() > 0
	for _, l := range s.links {
		if !inBatch || l.direct == nil {
			l.wakeUp()
		}
	}
}
