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
//
// Only in sync mode: there a write's reply waits for the replica, so every
// wake-up on the way out is on its latency, and the loop's write saves
// two. In async mode the reply does not wait, and the loop writing the
// socket itself (and the duplicate of the socket in Go's netpoller) cost
// the loops more than the link's goroutine does: measured, async SET/s
// at 10 clients fell from 47.7k to 31.7k. So an async link keeps the
// link's goroutine and the event loop's AsyncWrite, and the loops skip the batch
// bookkeeping while no link is direct. A mode change drops every
// replica (node), so each link picks its path once, when it starts.
//
// The link's goroutine, in turn, batches: after each write it waits
// repl-async-batch-usec before it takes the next bytes (run), so under
// load one wake-up, one hand-off to the loop and one write carry every
// effect of that window instead of one each, as one beforeSleep write
// carries every effect of Redis's event-loop iteration. A write after a
// quiet spell leaves at once; only a busy stream waits, at most that long,
// and WAIT's GETACK ends the wait (hurryUp), as does a full batch of
// effects waiting (fullBatch, fed).

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
// before it sends anything, once the snapshot or +CONTINUE was queued),
// and reports whether it did.
func (l *Link) goDirect() (bool, error) {
	ds, ok := l.stream.(DirectStream)
	if !ok || !l.s.Settings().Sync {
		return false, nil
	}
	if err := ds.GoDirect(); err != nil {
		return false, err
	}
	l.s.mu.Lock()
	l.direct = ds
	l.s.directs.Add(1)
	l.s.mu.Unlock()
	return true, nil
}

// BeginBatch tells the state an event loop starts running a batch of
// commands: until its EndBatch, the effects fed need not wake the direct
// links, the loop sends them. It reports false, and the loop must not
// call EndBatch, when no link is direct: then Feed wakes every link's
// goroutine (a link that goes direct meanwhile is woken too, since no
// batch is counted).
func (s *State) BeginBatch() bool {
	if s.directs.Load() == 0 {
		return false
	}
	s.batches.Add(1)
	return true
}

// EndBatch ends a loop's batch that BeginBatch counted. It reports
// whether the stream holds bytes unsent: the loop must then call Flush
// (soon: it may first run the other batches its poll returned, so that
// one write carries them all, as Redis's beforeSleep does).
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
		ds   DirectStream // l.direct, which close clears
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
		claims = append(claims, claim{l: l, ds: l.direct, data: s.stream.read(l.next, sendChunk)})
	}
	s.mu.Unlock()
	if len(claims) == 0 {
		return
	}
	for i := range claims {
		c := &claims[i]
		c.n, c.err = c.ds.TryWrite(c.data)
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
	inBatch := s.batches.Load() > 0
	for _, l := range s.links {
		switch {
		case inBatch && l.direct != nil:
			s.unsent.Store(true)
		case l.gathering && s.stream.end-l.next >= fullBatch:
			l.gathering = false
			l.hurryUp()
		default:
			l.wakeUp()
		}
	}
}
