package replication

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Stream is a replica's connection as its primary writes to it.
type Stream interface {
	// Write sends p, which must not change afterwards; it blocks while the
	// connection's unsent output is large, and fails once it is closed.
	Write(p []byte) error
	// Close closes the connection.
	Close()
	// Alive reports whether the connection is still open.
	Alive() bool
}

// sentWaiter is a Stream whose writes go through another goroutine (an
// event loop): WaitSent returns once everything written so far has been
// handed to the socket, or the connection closed.
type sentWaiter interface {
	WaitSent() error
}

// LinkState is where a replica's synchronisation stands.
type LinkState int32

const (
	// LinkWaitSnapshot: a full sync waits for its snapshot to start.
	LinkWaitSnapshot LinkState = iota
	// LinkSendSnapshot: the snapshot is being sent.
	LinkSendSnapshot
	// LinkOnline: the replica receives the command stream.
	LinkOnline
)

// String is the state as INFO's slaveN state field shows it.
func (s LinkState) String() string {
	switch s {
	case LinkWaitSnapshot:
		return "wait_bgsave"
	case LinkSendSnapshot:
		return "send_bulk"
	}
	return "online"
}

// Link is one replica connected to this node.
type Link struct {
	s      *State
	id     int64
	addr   string // the replica's IP
	port   int    // its listening port (REPLCONF listening-port)
	stream Stream

	next int64 // the next stream position to send; under s.mu
	// direct is the stream once event loops may write it themselves
	// (direct.go); writing says a writer, a loop or run, holds it. Both
	// under s.mu.
	direct  DirectStream
	writing bool
	// gathering is set while run waits out the batch window (under
	// s.mu): fed ends the wait once a full batch is waiting.
	gathering bool
	state     atomic.Int32
	ack       atomic.Int64 // the offset the replica acknowledged
	ackAt     atomic.Int64 // when, Unix ms
	// inSync is whether the replica counts as in sync (sync mode): it
	// leaves the set when it holds back a write past the timeout, and
	// rejoins once it acknowledges everything.
	inSync atomic.Bool

	wake chan struct{}
	// hurry ends run's wait for more effects (WAIT wants its GETACK out).
	hurry     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func newLink(s *State, id int64, addr string, port int, stream Stream) *Link {
	l := &Link{s: s, id: id, addr: addr, port: port, stream: stream,
		wake: make(chan struct{}, 1), hurry: make(chan struct{}, 1), done: make(chan struct{})}
	l.ackAt.Store(time.Now().UnixMilli())
	return l
}

func (l *Link) wakeUp() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// hurryUp wakes run and ends its wait for more effects.
func (l *Link) hurryUp() {
	l.wakeUp()
	select {
	case l.hurry <- struct{}{}:
	default:
	}
}

// close drops the replica: its connection closes and it leaves the
// state's links (the caller may already have removed it).
func (l *Link) close() {
	l.closeOnce.Do(func() {
		close(l.done)
		l.stream.Close()
		l.s.mu.Lock()
		if l.direct != nil {
			l.direct = nil
			l.s.directs.Add(-1)
		}
		if l.s.links[l.id] == l {
			delete(l.s.links, l.id)
			if len(l.s.links) == 0 {
				l.s.idleSince = time.Now()
			}
		}
		l.s.mu.Unlock()
	})
}

// sendChunk is the most one write hands to the connection.
const sendChunk = 256 << 10

// fullBatch is how much a link gathering effects (repl-async-batch-usec)
// lets wait before it sends them without waiting out the window: a
// socket write this large costs little more per byte than a larger one,
// and a fast stream of large values should not wait the whole window.
const fullBatch = 64 << 10

// errTooSlow drops a replica whose unsent stream passed the hard limit.
var errTooSlow = errors.New("replica output buffer hard limit reached")

// run copies the stream to the replica from next on, until the link
// closes.
func (l *Link) run() {
	defer l.close()
	direct, err := l.goDirect()
	if err != nil {
		return
	}
	var pause *time.Timer
	for {
		data, more, err := l.take()
		if err != nil {
			l.s.log.Warn("dropping replica", "replica", l.addr, "error", err)
			return
		}
		if len(data) == 0 {
			select {
			case <-l.wake:
			case <-l.done:
				return
			}
			continue
		}
		err = l.stream.Write(data)
		batch := l.s.Settings().AsyncBatch
		// One write in flight at a time: the effects that arrive while the
		// loop sends this one go out together in the next, as Redis's
		// beforeSleep gathers an event-loop iteration's. With a batch
		// window the wait below outlasts the loop's write: waiting for it
		// too would only cost a wake-up.
		if w, ok := l.stream.(sentWaiter); ok && err == nil && !direct && !more && batch == 0 {
			l.s.mu.Lock()
			l.gathering = true // fed need not wake run meanwhile
			l.s.mu.Unlock()
			err = w.WaitSent()
		}
		// Let the next effects gather (direct.go); a direct link's
		// goroutine only sends what a loop left, and a sync-mode write
		// waits for it. With more waiting already (a replica catching
		// up, effects larger than a read), it goes on without a pause.
		gather := batch > 0 && !direct && !more
		l.s.mu.Lock()
		l.writing = false
		l.gathering = gather
		l.s.mu.Unlock()
		if err != nil {
			return
		}
		if gather {
			if pause == nil {
				pause = time.NewTimer(batch)
			} else {
				pause.Reset(batch)
			}
			select {
			case <-pause.C:
			case <-l.hurry:
				pause.Stop() // no stale tick after Stop (Go 1.23 timers)
			case <-l.done:
				return
			}
		}
	}
}

// take returns the next bytes to send, and moves next past them, and
// whether more bytes wait after them; it returns none while an event loop
// is writing (which wakes run when it leaves bytes behind).
func (l *Link) take() ([]byte, bool, error) {
	s := l.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if hard := s.Settings().OutputHardLimit; hard > 0 && s.stream.end-l.next > hard {
		return nil, false, errTooSlow
	}
	if l.writing {
		return nil, false, nil
	}
	l.gathering = false
	// What a full batch hurried (fed) is taken now: a hurry left from
	// after the window ended must not cut the next window short.
	select {
	case <-l.hurry:
	default:
	}
	data := s.stream.read(l.next, sendChunk)
	l.next += int64(len(data))
	l.writing = len(data) > 0
	s.trim()
	return data, l.next < s.stream.end, nil
}

// Ack records the replica's acknowledged offset (REPLCONF ACK).
func (l *Link) Ack(off int64) {
	l.ackAt.Store(time.Now().UnixMilli())
	if off > l.ack.Load() {
		l.ack.Store(off)
	}
	l.s.released(l)
}

// Info is what INFO replication shows of one replica.
type Info struct {
	Addr   string
	Port   int
	State  string
	Offset int64
	Lag    int64 // seconds since the last ack
	InSync bool
}

// LinkInfo describes every replica, in connection order.
func (s *State) LinkInfo() []Info {
	now := time.Now().UnixMilli()
	var out []Info
	for _, l := range s.sortedLinks() {
		st := LinkState(l.state.Load())
		out = append(out, Info{Addr: l.addr, Port: l.port, State: st.String(), Offset: l.ack.Load(),
			Lag: (now - l.ackAt.Load()) / 1000, InSync: st == LinkOnline && l.inSync.Load()})
	}
	return out
}

// Link returns the replica on connection id, nil if there is none.
func (s *State) Link(id int64) *Link {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.links[id]
}

// Replicas is the number of connected replicas (connected_slaves).
func (s *State) Replicas() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.links)
}

// GoodReplicas counts the online replicas that acknowledged within
// min-replicas-max-lag (min-replicas-to-write's count).
func (s *State) GoodReplicas() int {
	maxLag := s.Settings().MinReplicasLag.Milliseconds()
	now := time.Now().UnixMilli()
	n := 0
	for _, l := range s.sortedLinks() {
		if LinkState(l.state.Load()) == LinkOnline && now-l.ackAt.Load() <= maxLag {
			n++
		}
	}
	return n
}
