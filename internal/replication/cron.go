package replication

import (
	"context"
	"time"
)

// Run does the primary side's periodic work until ctx is done: a PING in
// the stream every repl-ping-replica-period, dropping replicas silent for
// repl-timeout, freeing the backlog after repl-backlog-ttl without
// replicas.
func (s *State) Run(ctx context.Context) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	lastPing := time.Now()
	for {
		select {
		case <-ctx.Done():
			s.closeAll()
			return
		case now := <-tick.C:
			set := s.Settings()
			if set.PingPeriod > 0 && now.Sub(lastPing) >= set.PingPeriod {
				lastPing = now
				s.feedPing()
			}
			s.dropSilent(now, set.Timeout)
			s.expireBacklog(now, set.BacklogTTL)
		}
	}
}

// dropSilent closes the online replicas that acknowledged nothing for
// timeout.
func (s *State) dropSilent(now time.Time, timeout time.Duration) {
	for _, l := range s.sortedLinks() {
		if !l.stream.Alive() {
			s.log.Info("connection with replica lost", "replica", l.addr)
			l.close()
			continue
		}
		if timeout <= 0 {
			continue
		}
		if LinkState(l.state.Load()) == LinkOnline && now.UnixMilli()-l.ackAt.Load() > timeout.Milliseconds() {
			s.log.Warn("disconnecting timedout replica (streaming sync)", "replica", l.addr)
			l.close()
		}
	}
}

// expireBacklog frees the backlog of a primary without replicas for ttl,
// as Redis does; the replication ID changes then, since the history it
// named is gone.
func (s *State) expireBacklog(now time.Time, ttl time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ttl <= 0 || !s.active || s.mirror || len(s.links) > 0 || s.idleSince.IsZero() || now.Sub(s.idleSince) < ttl {
		return
	}
	s.log.Info("replication backlog freed after being idle", "seconds", int(ttl.Seconds()))
	s.active = false
	s.stream.reset(s.stream.end)
	s.replID, s.replID2, s.secondOff = NewReplID(), zeroID, -1
}

// closeAll drops every replica (the node stops).
func (s *State) closeAll() {
	s.mu.Lock()
	links := s.takeLinks()
	s.mu.Unlock()
	for _, l := range links {
		l.close()
	}
}

// DropReplicas disconnects every replica: they reconnect (continuing
// from their offset) and learn what changed, such as the ack mode.
func (s *State) DropReplicas() { s.closeAll() }
