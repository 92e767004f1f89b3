package netloop

import (
	"net"
	"sync"
	"sync/atomic"
	"syscall"
)

// Conn is one accepted connection.
type Conn struct {
	fd            int
	remote, local *net.TCPAddr
	ctx           any

	// loop is where the connection runs, or is on its way to; home the
	// loop that took it, set by that loop only. They differ while it
	// moves.
	loop atomic.Pointer[Loop]
	home *Loop
	// owner is home once the Handler knows (OnOpen, OnMove); nil while
	// the connection moves.
	owner atomic.Pointer[Loop]

	// Owner only.
	out         []byte // what the socket did not take yet, or was not given
	watchingOut bool   // EPOLLOUT is in the loop's interest
	held        bool   // out waits for the poll's end, on the loop's pending list
	opened      bool
	closed      bool
	failed      error // a write's error: the connection closes after the callback

	mu    sync.Mutex
	queue []queued // AsyncWrite's and Close's, in order
	spare []queued // the drained queue's array, for reuse (owner only)
	// scheduled: on a loop's ready list for its queue. Written under mu;
	// read without it where a stale false only delays the queue.
	scheduled atomic.Bool
	closing   bool
	fdClosed  bool // the descriptor is closed: Shutdown must not touch it
}

type queued struct {
	data []byte
	done func(c *Conn, err error)
}

// SetContext and Context keep the Handler's state for the connection.
func (c *Conn) SetContext(v any) { c.ctx = v }
func (c *Conn) Context() any     { return c.ctx }

// Fd is the socket's descriptor.
func (c *Conn) Fd() int { return c.fd }

// RemoteAddr is the peer's address; LocalAddr the connection's own end.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }
func (c *Conn) LocalAddr() net.Addr  { return c.local }

// Loop is the loop that runs the connection, or that it is moving to.
// On that loop it is the loop itself; elsewhere it may be a moment out of
// date.
func (c *Conn) Loop() *Loop { return c.loop.Load() }

// Owner is the loop that runs the connection and has told the Handler so;
// nil while it moves. On a loop, Owner() == that loop says the connection
// is that loop's to serve now, as its own are.
func (c *Conn) Owner() *Loop { return c.owner.Load() }

// Dup returns a duplicate of the socket's descriptor, which the caller
// closes; the socket stays open while either is.
func (c *Conn) Dup() (int, error) { return dupCloexec(c.fd) }

// Write sends p, or what the socket does not take of it once it can.
// Owner only. A failed write closes the connection once the callback that
// wrote returns.
func (c *Conn) Write(p []byte) (int, error) {
	if c.failed != nil {
		return 0, c.failed
	}
	if c.closed {
		return 0, ErrClosed
	}
	if c.held || len(c.out) > 0 {
		c.out = append(c.out, p...)
		if c.held && len(c.out) >= deferLimit {
			if err := c.writeHeld(true); err != nil {
				c.failed = err
				return len(p), err
			}
		}
		return len(p), nil
	}
	if l := c.home; l != nil && l.polling && len(p) < deferLimit {
		l.holdOutput(c)
		c.out = append(c.out, p...)
		return len(p), nil
	}
	n, err := writeSome(c.fd, p)
	if err != nil {
		c.failed = err
		return n, err
	}
	if n < len(p) {
		c.out = append(c.out, p[n:]...)
		c.watchOut(true)
	}
	return len(p), nil
}

// writeHeld writes the output held for the poll's end; what the socket
// does not take waits for it to take more. During the poll (more) the
// connection stays held with its buffer, for what it writes next: a
// stream of messages to one subscriber grows one buffer, not one per
// deferLimit. At the poll's end the buffer goes back to the loop.
func (c *Conn) writeHeld(more bool) error {
	if len(c.out) > 0 {
		n, err := writeSome(c.fd, c.out)
		if err != nil {
			c.held = false
			return err
		}
		if n < len(c.out) {
			c.held = false
			rest := copy(c.out, c.out[n:])
			c.out = c.out[:rest]
			c.watchOut(true)
			return nil
		}
	}
	if more {
		c.out = c.out[:0]
		return nil
	}
	c.held = false
	c.home.keepOutBuf(c.out)
	c.out = nil
	return nil
}

// OutboundBuffered is how much written output the socket has not taken
// yet. Owner only.
func (c *Conn) OutboundBuffered() int { return len(c.out) }

// AsyncWrite queues p for the connection's loop, from any goroutine, and
// has it call done (if not nil) on the loop once p is written or failed.
// The queue keeps the order of what one goroutine queues; p must not
// change until done runs.
func (c *Conn) AsyncWrite(p []byte, done func(c *Conn, err error)) error {
	if !c.enqueue(func() { c.queue = append(c.queue, queued{data: p, done: done}) }) {
		return ErrClosed
	}
	return nil
}

// Close closes the connection after what is queued for it, from any
// goroutine. OnClose runs on its loop.
func (c *Conn) Close() error {
	c.enqueue(func() { c.closing = true })
	return nil
}

// Shutdown ends the connection at once, from any goroutine: the peer sees
// it closed before Shutdown returns, as a client Redis frees is, and what
// was not written yet is dropped. The loop then closes it as Close does.
func (c *Conn) Shutdown() {
	c.mu.Lock()
	if !c.fdClosed {
		syscall.Shutdown(c.fd, syscall.SHUT_RDWR)
	}
	c.mu.Unlock()
	c.Close()
}

// enqueue runs add under mu, unless the connection is closing, and has
// the connection's loop serve its queue; it reports whether add ran.
func (c *Conn) enqueue(add func()) bool {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return false
	}
	add()
	wake := !c.scheduled.Load()
	c.scheduled.Store(true)
	l := c.loop.Load()
	c.mu.Unlock()
	if wake {
		l.schedule(c)
	}
	return true
}

// read reads once and hands the bytes to the Handler.
func (c *Conn) read() {
	l := c.home
	n, err := readSome(c.fd, l.readBuf)
	switch {
	case err != nil && temporary(err):
		return
	case err != nil:
		c.close(err)
		return
	case n == 0:
		c.close(nil) // the peer closed
		return
	}
	l.readBytes.Add(int64(n))
	// What other goroutines queued before these bytes arrived goes out
	// before their replies, as Redis's PUBLISH puts a message in the
	// subscriber's buffer before replying: a subscriber that sends a
	// command after a publisher was told its message was delivered gets
	// the message first. The loop may not have served the queue yet.
	if c.scheduled.Load() {
		if c.runQueue(); c.closed {
			return
		}
	}
	if l.srv.h.OnData(c, l.readBuf[:n]) || c.failed != nil {
		c.close(c.failed)
	}
}

// flush writes what is waiting, once the socket takes more.
func (c *Conn) flush() {
	n, err := writeSome(c.fd, c.out)
	if err != nil {
		c.close(err)
		return
	}
	rest := copy(c.out, c.out[n:])
	c.out = c.out[:rest]
	if rest == 0 {
		if cap(c.out) > readSize {
			c.out = nil // a burst's buffer is not kept for good
		}
		c.watchOut(false)
	}
}

func (c *Conn) watchOut(on bool) {
	if c.watchingOut == on || c.home == nil {
		return
	}
	events := uint32(syscall.EPOLLIN)
	if on {
		events |= syscall.EPOLLOUT
	}
	if err := c.home.watch(c.fd, events, syscall.EPOLL_CTL_MOD); err == nil {
		c.watchingOut = on
	}
}

// close ends the connection on its loop: the socket, its place in the
// loop, the queued work (each done is told), and the Handler's OnClose.
func (c *Conn) close(err error) {
	if c.closed {
		return
	}
	c.closed = true
	if err == nil && len(c.out) > 0 && c.failed == nil {
		writeSome(c.fd, c.out) // what the socket takes now, as gnet did
	}
	c.held = false
	l := c.home
	if l != nil {
		syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, c.fd, nil)
		delete(l.conns, int32(c.fd))
		l.nconns.Add(-1)
		l.srv.lastClosed()
	}
	c.out = nil
	c.mu.Lock()
	syscall.Close(c.fd)
	c.fdClosed = true
	c.closing = true
	work := c.queue
	c.queue = nil
	c.mu.Unlock()
	for _, w := range work {
		if w.done != nil {
			w.done(c, ErrClosed)
		}
	}
	if c.opened {
		c.loop.Load().srv.h.OnClose(c, err)
	}
}

func readSome(fd int, p []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, p)
		if err == syscall.EINTR {
			continue
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}

// writeSome writes what the socket takes of p now.
func writeSome(fd int, p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := syscall.Write(fd, p[done:])
		if n > 0 {
			done += n
		}
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			if err == syscall.EAGAIN {
				return done, nil
			}
			return done, err
		}
	}
	return done, nil
}

func dupCloexec(fd int) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}
