package server

import (
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/shoal-cache/shoal/internal/netloop"

	"github.com/shoal-cache/shoal/internal/command"
)

// A replica's connection: after PSYNC the replication writes +CONTINUE or
// the snapshot to it from its own goroutine, through the connection's
// event loop (AsyncWrite, which keeps the order of writes). Output is
// bounded: a write waits while what is queued for the loop plus what the
// loop could not send yet passes streamWindow, so a slow replica slows its
// own sender, not the node's memory. In async mode the command stream
// follows the same way. In sync mode the stream goes direct (GoDirect):
// once the loop holds nothing unsent for the connection, the command stream
// is written to a duplicate of its socket, by the event loop that ran the
// writes (TryWrite, never waiting) or by the link's goroutine (Write,
// waiting for the socket). The connection still reads:
// the replica's REPLCONF ACKs run as commands, and a write held for them
// (sync mode) whose client is on the same loop is answered there, at the
// end of the ACK's batch, without another wake-up (releaseHeld).

// streamWindow is the unsent output a replica's stream may have.
const streamWindow = 4 << 20

// replStream is a connection turned into a replication stream.
type replStream struct {
	c *conn
	// queued is the bytes handed to AsyncWrite and not written yet;
	// outbound what the loop held unsent when a write last completed.
	queued   atomic.Int64
	outbound atomic.Int64
	signal   chan struct{}

	// sock is the duplicate of the socket once direct; mu orders its
	// opening against closing (closed).
	sock   atomic.Pointer[net.TCPConn]
	raw    syscall.RawConn
	mu     sync.Mutex
	closed bool

	// held are the replies released by this connection's ACKs to clients
	// on its event loop, sent at the end of the ACK's batch. Loop only.
	held []heldReply
}

type heldReply struct {
	c     *conn
	reply []byte
}

// StartStream makes the connection a replica's stream (command.Streamer).
func (c *conn) StartStream() command.ReplStream {
	c.replica.Store(true)
	s := &replStream{c: c, signal: make(chan struct{}, 1)}
	c.stream.Store(s)
	return s
}

// Write sends p: once direct, straight to the socket, waiting for it to
// take all of p; before, queued for the connection's loop, waiting while
// its output is full.
func (s *replStream) Write(p []byte) error {
	if sock := s.sock.Load(); sock != nil {
		n, err := sock.Write(p)
		s.c.srv.netReplOut.Add(int64(n))
		return err
	}
	if err := s.drain(streamWindow, 5*time.Millisecond); err != nil {
		return err
	}
	if s.c.killed.Load() {
		return net.ErrClosed
	}
	return s.async(p)
}

// WaitSent waits until the loop has handed everything written so far to
// the socket (replication's sentWaiter).
func (s *replStream) WaitSent() error {
	return s.drain(0, 5*time.Millisecond)
}

// drain waits until what is queued for the loop plus what the loop still
// holds unsent is at most limit, looking again at least every poll; it
// fails once the connection is closed.
func (s *replStream) drain(limit int64, poll time.Duration) error {
	for s.queued.Load()+s.outbound.Load() > limit {
		if s.c.killed.Load() {
			return net.ErrClosed
		}
		if s.queued.Load() == 0 {
			s.async(nil) // learn how much the loop still holds
		}
		select {
		case <-s.signal:
		case <-time.After(poll):
		}
	}
	return nil
}

func (s *replStream) async(p []byte) error {
	n := int64(len(p))
	s.queued.Add(n)
	err := s.c.gc.AsyncWrite(p, func(gc *netloop.Conn, err error) {
		s.queued.Add(-n)
		if err == nil {
			s.c.srv.netReplOut.Add(n)
			s.outbound.Store(int64(gc.OutboundBuffered()))
		}
		select {
		case s.signal <- struct{}{}:
		default:
		}
	})
	if err != nil {
		s.queued.Add(-n)
	}
	return err
}

// GoDirect waits until the loop has sent everything queued for the
// connection, then opens the duplicate of its socket that the stream is
// written to from then on (replication.DirectStream).
func (s *replStream) GoDirect() error {
	if err := s.drain(0, time.Millisecond); err != nil {
		return err
	}
	fd, err := s.c.gc.Dup()
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), "replica")
	nc, err := net.FileConn(f) // a duplicate of the duplicate
	f.Close()
	if err != nil {
		return err
	}
	sock, ok := nc.(*net.TCPConn)
	if !ok {
		nc.Close()
		return errors.New("replica connection is not TCP")
	}
	raw, err := sock.SyscallConn()
	if err != nil {
		sock.Close()
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.c.killed.Load() {
		sock.Close()
		return net.ErrClosed
	}
	s.raw = raw
	s.sock.Store(sock)
	return nil
}

// TryWrite writes what the socket takes of p now, from whichever
// goroutine holds the link: in practice the event loop that ran the
// writes (replication.DirectStream).
func (s *replStream) TryWrite(p []byte) (int, error) {
	var n int
	var werr error
	err := s.raw.Write(func(fd uintptr) bool {
		n, werr = syscall.Write(int(fd), p)
		return true // never wait for the socket
	})
	if n < 0 {
		n = 0
	}
	if errors.Is(werr, syscall.EAGAIN) || errors.Is(werr, syscall.EINTR) {
		werr = nil
	}
	s.c.srv.netReplOut.Add(int64(n))
	return n, errors.Join(err, werr)
}

// Close closes the connection, after what is queued for it, and the
// stream's socket.
func (s *replStream) Close() {
	s.c.closeGently()
	s.closeSock()
}

// closeSock closes the duplicate of the socket, if open: the stream's
// Close and the connection's OnClose do, since the socket stays open
// while either descriptor is.
func (s *replStream) closeSock() {
	s.mu.Lock()
	s.closed = true
	sock := s.sock.Load()
	s.mu.Unlock()
	if sock != nil {
		sock.Close()
	}
}

// Alive reports whether the connection is still open.
func (s *replStream) Alive() bool { return !s.c.killed.Load() }

// awaitSink waits for the sink to make pos durable, then hands reply to
// deliver, from any goroutine, with the replica stream whose
// acknowledgement released it (or nil). A sink that may give up (sync
// replication) replaces the held replies, each by its error:
// nothing is acknowledged that is not replicated.
func awaitSink(sink command.EffectSink, pos int64, reply []byte, held int, deliver func(reply []byte, by any)) bool {
	fail := func(msg string) {
		var errs []byte
		for range held {
			errs = append(append(append(errs, '-'), msg...), '\r', '\n')
		}
		deliver(errs, nil)
	}
	if rs, ok := sink.(releasingSink); ok {
		return rs.AwaitReleased(pos, func(by any) { deliver(reply, by) }, fail)
	}
	if fs, ok := sink.(command.FallibleSink); ok {
		return fs.AwaitDurableOrFail(pos, func() { deliver(reply, nil) }, fail)
	}
	return sink.AwaitDurable(pos, func() { deliver(reply, nil) })
}

// releasingSink is a sink that tells a held write what released it: the
// replica's stream whose acknowledgement did, called on that
// connection's event loop (replication.State).
type releasingSink interface {
	AwaitReleased(pos int64, done func(by any), fail func(msg string)) bool
}

// release sends a held reply. Released by an acknowledgement that runs
// on the loop that owns the connection (not one it is moving to), it is
// sent from there at the end of that batch (releaseHeld); otherwise
// through Unblock.
func (c *conn) release(reply []byte, by any) {
	if rs, ok := by.(*replStream); ok && rs.c.gc.Owner() == c.gc.Owner() {
		rs.held = append(rs.held, heldReply{c, reply})
		return
	}
	c.Unblock(reply)
}

// releaseHeld sends the replies this connection's acknowledgements
// released to clients of its loop, and runs what those clients sent
// meanwhile: what Unblock's callback does, without the hop through the
// loop's queue. It runs after the ACK's batch, outside any command.
func (s *replStream) releaseHeld() {
	for i := 0; i < len(s.held); i++ {
		h := s.held[i]
		s.held[i] = heldReply{}
		h.c.unblockHere(h.reply)
	}
	s.held = s.held[:0]
}

// unblockHere is Unblock run on the connection's event loop.
func (c *conn) unblockHere(reply []byte) {
	if c.killed.Load() {
		return
	}
	n, _ := c.gc.Write(reply)
	c.wrote(int64(n))
	c.blocked.Store(false)
	if c.traffic(nil) {
		c.gc.Close()
	}
}

// loopState is what an event loop keeps for itself: its stripe of the
// counters (package stripe), and whether it has a flush of the
// replication stream queued.
type loopState struct {
	stripe      int
	flushQueued bool
}

// loopOf returns the state of event loop el.
func (s *Server) loopOf(el *netloop.Loop) *loopState { return s.loopStates[el.ID()] }

// flushLater has b's Flush run once on the loop, after the other
// connections ready in this poll: one write to each replica carries all
// their batches' effects.
func (ls *loopState) flushLater(gc *netloop.Conn, b streamBatcher) {
	if ls.flushQueued {
		return
	}
	ls.flushQueued = true
	gc.Loop().AfterPoll(func() {
		ls.flushQueued = false
		b.Flush()
	})
}
