package netloop

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// readSize is what one read takes from a socket at most; a client that
// sent more is read again on the next poll, after the loop's others.
const readSize = 64 << 10

// yieldEvery is how often a loop passes through Go's scheduler. Go's
// monitor thread (sysmon) counts a goroutine that has not been scheduled
// for 10 ms as running too long: it signals it to preempt and takes its
// processor while it is in a syscall, and each time it does, it drops
// back to checking every 20 µs. A loop only ever leaves its goroutine
// for syscalls, so without a yield the monitor woke about 2,000 times a
// second under a -P 1 load (0.044 nanosleeps per GET against 0.002),
// each wake a thread switch on a core the load needs.
const yieldEvery = 5 * time.Millisecond

// Loop is one event loop: an epoll instance and the goroutine that waits
// on it.
type Loop struct {
	srv    *Server
	id     int
	epfd   int
	wakefd int // an eventfd in the epoll set: post and schedule write it

	conns   map[int32]*Conn // by descriptor; loop only
	readBuf []byte
	after   []func() // AfterPoll's; loop only
	stopped bool     // loop only

	// polling is set while the loop handles a poll's events; the output
	// its connections write meanwhile waits in their buffers, and pending
	// lists them, until the poll's end (Conn.Write). outBufs are those
	// buffers, reused from poll to poll. Loop only.
	polling bool
	pending []*Conn
	outBufs [][]byte

	mu    sync.Mutex
	tasks []func() // post's, under mu
	ready []*Conn  // connections with queued work, under mu
	woken bool     // under mu: the eventfd was written and not yet read
	freed bool     // under mu: the descriptors are closed

	nconns atomic.Int32
	busyNs atomic.Int64 // time spent between polls, for the balancer
	// readBytes counts what the loop read from its clients: the work it
	// took, which the balancer compares between numbers of loops.
	readBytes atomic.Int64
	// pollStart is when (Unix ns) the loop's current poll started,
	// 0 while it waits: the balancer tells a stuck loop by it.
	pollStart atomic.Int64
}

func newLoop(s *Server, id int) (*Loop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	r, _, errno := syscall.Syscall(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if errno != 0 {
		syscall.Close(epfd)
		return nil, errno
	}
	l := &Loop{srv: s, id: id, epfd: epfd, wakefd: int(r), conns: map[int32]*Conn{}, readBuf: make([]byte, readSize)}
	if err := l.watch(l.wakefd, syscall.EPOLLIN, syscall.EPOLL_CTL_ADD); err != nil {
		l.free()
		return nil, err
	}
	return l, nil
}

// ID is the loop's number, from 0.
func (l *Loop) ID() int { return l.id }

func (l *Loop) free() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.freed = true
	syscall.Close(l.wakefd)
	syscall.Close(l.epfd)
}

func (l *Loop) watch(fd int, events uint32, op int) error {
	ev := syscall.EpollEvent{Events: events, Fd: int32(fd)}
	return syscall.EpollCtl(l.epfd, op, fd, &ev)
}

// post runs f on the loop, after the events of its current poll.
func (l *Loop) post(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.freed {
		return
	}
	l.tasks = append(l.tasks, f)
	l.wake()
}

// schedule has the loop serve c's queued work (or adopt c).
func (l *Loop) schedule(c *Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.freed {
		return // Server.Close closed it, or will
	}
	l.ready = append(l.ready, c)
	l.wake()
}

var one = [8]byte{1}

// wake writes the eventfd unless a write is pending; the caller holds mu,
// which keeps the descriptor from being closed meanwhile (free).
func (l *Loop) wake() {
	if l.woken {
		return
	}
	l.woken = true
	for {
		_, err := syscall.Write(l.wakefd, one[:])
		if err != syscall.EINTR {
			return
		}
	}
}

// AfterPoll runs f once the loop has handled every event of its current
// poll: one write after them carries what they all produced. Loop only.
func (l *Loop) AfterPoll(f func()) { l.after = append(l.after, f) }

// run is the loop's goroutine. It keeps one OS thread for life, as
// redis-server's event loop is one thread: otherwise Go hands the
// goroutine to whichever thread is free after a syscall or a yield, and
// the kernel, which places a waking thread by where that thread last ran,
// wakes a thread with no history here on the core a client is using and
// preempts it. Measured on 2 cores with redis-benchmark and a replica
// beside the node (-c 50 -P 1 SET): redis-benchmark was preempted 11,000-
// 16,000 times per 200,000 requests, against 4,000-5,800 with the thread
// kept (Redis: 2,200-3,300), and throughput rose 6-9 % (docs/benchmarks.md).
// The thread exits with the loop.
func (l *Loop) run() {
	defer l.srv.done.Done()
	runtime.LockOSThread()
	events := make([]syscall.EpollEvent, 256)
	var tasks []func()
	var ready []*Conn
	var drain [8]byte
	var yielded time.Time
	for !l.stopped {
		n, err := syscall.EpollWait(l.epfd, events, -1)
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			panic("netloop: epoll_wait: " + err.Error())
		}
		start := time.Now()
		l.pollStart.Store(start.UnixNano())
		l.polling = true
		queued := false
		for i := range n {
			ev := &events[i]
			switch fd := int(ev.Fd); {
			case fd == l.wakefd:
				syscall.Read(l.wakefd, drain[:])
				queued = true
			default:
				c := l.conns[ev.Fd]
				if c == nil || c.home != l {
					continue // closed or moved earlier in this poll
				}
				if ev.Events&syscall.EPOLLOUT != 0 {
					c.flush()
				}
				if ev.Events&(syscall.EPOLLIN|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 && !c.closed {
					c.read()
				}
			}
		}
		if queued {
			l.mu.Lock()
			l.woken = false
			tasks, l.tasks = l.tasks, tasks[:0]
			ready, l.ready = l.ready, ready[:0]
			l.mu.Unlock()
			for i, c := range ready {
				ready[i] = nil
				l.serve(c)
			}
			for i, f := range tasks {
				tasks[i] = nil
				f()
			}
		}
		for i := 0; i < len(l.after); i++ {
			l.after[i]()
			l.after[i] = nil
		}
		l.after = l.after[:0]
		l.polling = false
		l.writePending()
		l.busyNs.Add(int64(time.Since(start)))
		l.pollStart.Store(0)
		if start.Sub(yielded) >= yieldEvery {
			yielded = start
			runtime.Gosched()
		}
	}
}

// Output held for the poll's end. A loop that wrote each client's replies
// as soon as it had them woke a client's process for each: the client,
// having read one reply, went back to waiting just before the next came.
// Redis writes every client's replies once it has read them all (its
// beforeSleep), and its clients find the second and later replies while
// they are still awake. Measured on 2 cores under EVALSHA -P 16 from 50
// clients: waking redis-benchmark took 10 % of the node's CPU against
// 4 % of redis-server's (docs/benchmarks.md).
const (
	// deferLimit is how much output a connection holds for the poll's
	// end: more is written at once, so that a large reply streams.
	deferLimit = 64 << 10
	// keptOutBufs and keptOutBufSize bound the buffers a loop keeps for
	// held output.
	keptOutBufs    = 128
	keptOutBufSize = 32 << 10
)

// holdOutput starts holding c's output for the poll's end.
func (l *Loop) holdOutput(c *Conn) {
	if cap(c.out) == 0 {
		if n := len(l.outBufs); n > 0 {
			c.out, l.outBufs[n-1] = l.outBufs[n-1], nil
			l.outBufs = l.outBufs[:n-1]
		} else {
			c.out = make([]byte, 0, 4<<10)
		}
	}
	c.held = true
	l.pending = append(l.pending, c)
}

// writePending writes the output its connections held during the poll.
func (l *Loop) writePending() {
	for i, c := range l.pending {
		l.pending[i] = nil
		if c == nil || !c.held {
			continue // moved away, written already, or closed
		}
		if err := c.writeHeld(false); err != nil {
			c.close(err)
		}
	}
	l.pending = l.pending[:0]
}

// dropPending takes c off the connections whose output waits.
func (l *Loop) dropPending(c *Conn) {
	for i, p := range l.pending {
		if p == c {
			l.pending[i] = nil
		}
	}
}

// keepOutBuf keeps buf for the next connection that holds output.
func (l *Loop) keepOutBuf(buf []byte) {
	if cap(buf) <= keptOutBufSize && len(l.outBufs) < keptOutBufs {
		l.outBufs = append(l.outBufs, buf[:0])
	}
}

// serve runs what is queued for c, adopting c first if it is new here.
func (l *Loop) serve(c *Conn) {
	// Only the loop c is bound for may look at its owner-only fields.
	if to := c.loop.Load(); to != l {
		to.schedule(c) // moved on before this loop took it
		return
	}
	if c.home != l {
		if c.closed || !l.adopt(c) {
			return
		}
		if l.id >= int(l.srv.active.Load()) && !l.srv.stopping.Load() {
			l.post(func() { l.shed(0) }) // sent here just before the loop was taken away
		}
	}
	c.runQueue()
}

// runQueue writes what AsyncWrite queued for c and closes it if Close
// was called. Owner only.
func (c *Conn) runQueue() {
	c.mu.Lock()
	work := c.queue
	c.queue = c.spare[:0]
	closing := c.closing
	c.scheduled.Store(false)
	c.mu.Unlock()
	for i := range work {
		w := &work[i]
		var err error
		if c.closed {
			err = ErrClosed
		} else if len(w.data) > 0 {
			_, err = c.Write(w.data)
		}
		if w.done != nil {
			w.done(c, err)
		}
		*w = queued{}
	}
	c.spare = work[:0]
	if closing || c.failed != nil {
		c.close(c.failed)
	}
}

// adopt registers c with this loop: a new connection opens here, a moved
// one resumes. It reports whether c is still open.
func (l *Loop) adopt(c *Conn) bool {
	c.home = l
	l.conns[int32(c.fd)] = c
	events := uint32(syscall.EPOLLIN)
	if len(c.out) > 0 {
		events |= syscall.EPOLLOUT
		c.watchingOut = true
	}
	if err := l.watch(c.fd, events, syscall.EPOLL_CTL_ADD); err != nil {
		c.close(err)
		return false
	}
	if !c.opened {
		c.opened = true
		greeting, closeIt := l.srv.h.OnOpen(c)
		if len(greeting) > 0 {
			c.Write(greeting)
		}
		if closeIt {
			c.close(nil)
			return false
		}
		c.owner.Store(l)
		return true
	}
	l.srv.h.OnMove(c)
	c.owner.Store(l)
	return true
}

// shed moves this loop's connections beyond keep to the other active
// loops, each to the one with the fewest.
func (l *Loop) shed(keep int) {
	if l.stopped || l.srv.stopping.Load() {
		return
	}
	excess := len(l.conns) - keep
	for fd, c := range l.conns {
		if excess <= 0 {
			return
		}
		to := l.srv.pick(l)
		if to == l {
			return // loop 0 alone
		}
		excess--
		if c.held {
			// The next loop must not find c on this one's list.
			l.dropPending(c)
			if err := c.writeHeld(false); err != nil {
				c.failed = err // the next loop closes it
			}
		}
		syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, c.fd, nil)
		delete(l.conns, fd)
		c.home = nil
		c.owner.Store(nil)
		c.watchingOut = false
		l.nconns.Add(-1)
		to.nconns.Add(1)
		c.mu.Lock()
		c.loop.Store(to)
		c.mu.Unlock()
		l.srv.moves.Add(1)
		to.schedule(c)
	}
}

// stop closes the loop's connections and ends the loop after this poll.
func (l *Loop) stop() {
	for _, c := range l.conns {
		c.close(nil)
	}
	l.stopped = true
}
