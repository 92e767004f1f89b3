package replication

import (
	"sort"
	"time"
)

// waiter is a WAIT, or a sync-mode write whose reply is held, waiting for
// need replicas to acknowledge pos.
type waiter struct {
	pos   int64
	need  int
	fired bool
	// timer times out a WAIT; a held write has a deadline instead, which
	// the state's one hold timer watches (a timer per write costs more
	// than the write).
	timer    *time.Timer
	deadline time.Time
	// done gets the number of replicas that acknowledged pos; ok says
	// whether need of them did; by is the stream of the replica whose
	// acknowledgement released it, nil if none did (a timeout).
	done func(n int, ok bool, by Stream)
}

// ErrSyncTimeout is the error a sync-mode write gets when not enough
// replicas acknowledged it within sync-replication-timeout.
const ErrSyncTimeout = "NOREPLICAS Not enough in-sync replicas acknowledged the write within sync-replication-timeout: it was not acknowledged and may or may not have been applied"

// acked counts the online replicas that acknowledged pos. The caller
// holds mu.
func (s *State) acked(pos int64) int {
	n := 0
	for _, l := range s.links {
		if LinkState(l.state.Load()) == LinkOnline && l.ack.Load() >= pos {
			n++
		}
	}
	return n
}

// Acked counts the online replicas that acknowledged pos.
func (s *State) Acked(pos int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked(pos)
}

// Wait calls done once need replicas acknowledged pos, or timeout (0:
// none) passed, with their number. It reports false, and never calls
// done, when need are there already or there is nothing to wait for.
func (s *State) Wait(pos int64, need int, timeout time.Duration, done func(n int)) (int, bool) {
	s.mu.Lock()
	n := s.acked(pos)
	if n >= need {
		s.mu.Unlock()
		return n, false
	}
	w := &waiter{pos: pos, need: need, done: func(n int, _ bool, _ Stream) { done(n) }}
	s.addWaiter(w, timeout)
	s.mu.Unlock()
	s.FeedGetAck()
	return n, true
}

// addWaiter queues w, timing it out after timeout (0: never). The caller
// holds mu.
func (s *State) addWaiter(w *waiter, timeout time.Duration) {
	s.waiters = append(s.waiters, w)
	if timeout > 0 {
		w.timer = time.AfterFunc(timeout, func() { s.expire(w) })
	}
}

// expire ends w with the count it has: its time is up.
func (s *State) expire(w *waiter) {
	s.mu.Lock()
	if w.fired {
		s.mu.Unlock()
		return
	}
	w.fired = true
	s.removeWaiter(w)
	n := s.acked(w.pos)
	if n < w.need {
		s.dropLaggards(w.pos)
	}
	s.mu.Unlock()
	w.done(n, n >= w.need, nil)
}

// dropLaggards takes the replicas that did not acknowledge pos in time
// out of the in-sync set. The caller holds mu.
func (s *State) dropLaggards(pos int64) {
	for _, l := range s.links {
		if l.ack.Load() < pos && l.inSync.Swap(false) {
			s.log.Warn("replica left the in-sync set", "replica", l.addr, "acked", l.ack.Load(), "needed", pos)
		}
	}
}

func (s *State) removeWaiter(w *waiter) {
	for i, x := range s.waiters {
		if x == w {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			return
		}
	}
}

// released runs the waiters l's acknowledgement satisfied, and puts l
// back in the in-sync set once it has everything.
func (s *State) released(l *Link) {
	s.mu.Lock()
	if l.ack.Load() >= s.stream.end && !l.inSync.Load() && LinkState(l.state.Load()) == LinkOnline {
		l.inSync.Store(true)
		s.log.Info("replica rejoined the in-sync set", "replica", l.addr)
	}
	if len(s.waiters) == 0 {
		s.mu.Unlock()
		return
	}
	var ready []*waiter
	var counts []int
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if n := s.acked(w.pos); n >= w.need {
			w.fired = true
			ready = append(ready, w)
			counts = append(counts, n)
		} else {
			kept = append(kept, w)
		}
	}
	clear(s.waiters[len(kept):])
	s.waiters = kept
	s.mu.Unlock()
	for i, w := range ready {
		if w.timer != nil {
			w.timer.Stop()
		}
		w.done(counts[i], true, l.stream)
	}
}

// syncNeed is how many replicas a sync-mode write needs.
func (s *State) syncNeed() int { return max(1, s.Settings().MinReplicas) }

// Durable reports whether the stream up to pos may be acknowledged: the
// log has it (appendfsync always) and, in sync mode, enough replicas do.
func (s *State) Durable(pos int64) bool {
	if !s.hasAOF.Load() && !s.Settings().Sync {
		return true // async, no log: every write, and Durable runs per batch
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.aofDurable(pos) {
		return false
	}
	return !s.Settings().Sync || s.mirror || s.acked(pos) >= s.syncNeed()
}

// AwaitDurable is AwaitDurableOrFail where a failure acknowledges anyway:
// for callers that cannot report one.
func (s *State) AwaitDurable(pos int64, done func()) bool {
	return s.AwaitDurableOrFail(pos, done, func(string) { done() })
}

// AwaitDurableOrFail is AwaitReleased for callers that need not know
// what released the write.
func (s *State) AwaitDurableOrFail(pos int64, done func(), fail func(msg string)) bool {
	return s.AwaitReleased(pos, func(any) { done() }, fail)
}

// AwaitReleased arranges for done to run once pos is durable, or fail
// with the error to reply when sync mode gives up on it, and reports
// true; it reports false, calling neither, when pos is durable already.
// done gets the Stream of the replica whose acknowledgement released the
// write, from the goroutine that ran that acknowledgement (the replica
// connection's event loop), or nil. Without a log to wait for first, it
// decides and queues under one lock: this is on the path of every
// sync-mode write.
func (s *State) AwaitReleased(pos int64, done func(by any), fail func(msg string)) bool {
	s.mu.Lock()
	if s.aof == nil {
		if s.replicated(pos) {
			s.mu.Unlock()
			return false
		}
		s.holdWrite(pos, done, fail)
		s.mu.Unlock()
		return true
	}
	durable := s.aofDurable(pos) && s.replicated(pos)
	s.mu.Unlock()
	if durable {
		return false
	}
	s.awaitAOF(pos, func() { s.awaitAcks(pos, done, fail) })
	return true
}

// replicated reports whether the replication mode lets pos be
// acknowledged. The caller holds mu.
func (s *State) replicated(pos int64) bool {
	return !s.Settings().Sync || s.mirror || s.acked(pos) >= s.syncNeed()
}

func (s *State) awaitAcks(pos int64, done func(any), fail func(string)) {
	s.mu.Lock()
	if s.replicated(pos) {
		s.mu.Unlock()
		done(nil)
		return
	}
	s.holdWrite(pos, done, fail)
	s.mu.Unlock()
}

// holdWrite queues a sync-mode write's reply until enough replicas
// acknowledge pos, or sync-replication-timeout passes. The caller holds
// mu.
func (s *State) holdWrite(pos int64, done func(any), fail func(string)) {
	timeout := s.Settings().SyncTimeout
	if timeout <= 0 {
		timeout = time.Millisecond
	}
	w := &waiter{pos: pos, need: s.syncNeed(), deadline: time.Now().Add(timeout), done: func(_ int, ok bool, by Stream) {
		if ok {
			done(by)
		} else {
			fail(ErrSyncTimeout)
		}
	}}
	s.waiters = append(s.waiters, w)
	if !s.holdArmed {
		s.armHold(timeout)
	}
}

// armHold makes the hold timer fire after d. The caller holds mu.
func (s *State) armHold(d time.Duration) {
	s.holdArmed = true
	if s.holdTimer == nil {
		s.holdTimer = time.AfterFunc(d, s.expireHeld)
		return
	}
	s.holdTimer.Reset(d)
}

// expireHeld fails the held writes whose deadline passed and arms the
// timer again for the next one. Writes are held in arrival order with one
// timeout, so the timer fires about once per timeout while writes wait.
func (s *State) expireHeld() {
	s.mu.Lock()
	s.holdArmed = false
	now := time.Now()
	var late []*waiter
	var counts []int
	next := time.Duration(-1)
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		switch {
		case w.deadline.IsZero():
			kept = append(kept, w)
		case !w.deadline.After(now):
			w.fired = true
			n := s.acked(w.pos)
			if n < w.need {
				s.dropLaggards(w.pos)
			}
			late = append(late, w)
			counts = append(counts, n)
		default:
			kept = append(kept, w)
			if d := w.deadline.Sub(now); next < 0 || d < next {
				next = d
			}
		}
	}
	clear(s.waiters[len(kept):])
	s.waiters = kept
	if next >= 0 {
		s.armHold(next)
	}
	s.mu.Unlock()
	for i, w := range late {
		w.done(counts[i], counts[i] >= w.need, nil)
	}
}

// aofDurable reports whether the log has made the effect at pos durable.
// The caller holds mu.
func (s *State) aofDurable(pos int64) bool {
	aofPos, ok := s.aofPosFor(pos)
	return !ok || s.aof == nil || s.aof.Durable(aofPos)
}

// aofPosFor finds the log position to wait for before pos, trimming the
// pairs the log already made durable. The caller holds mu.
func (s *State) aofPosFor(pos int64) (int64, bool) {
	if s.aof == nil {
		return 0, false
	}
	i := 0
	for i < len(s.aofPairs) && s.aof.Durable(s.aofPairs[i].aofPos) {
		i++
	}
	s.aofPairs = s.aofPairs[i:]
	j := sort.Search(len(s.aofPairs), func(k int) bool { return s.aofPairs[k].pos > pos })
	if j == 0 {
		return 0, false
	}
	return s.aofPairs[j-1].aofPos, true
}

func (s *State) awaitAOF(pos int64, then func()) {
	s.mu.Lock()
	aofPos, ok := s.aofPosFor(pos)
	aof := s.aof
	s.mu.Unlock()
	if !ok || aof == nil || !aof.AwaitDurable(aofPos, then) {
		then()
	}
}
