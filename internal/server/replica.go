package server

import (
	"net"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/shoal-cache/shoal/internal/command"
)

// A replica's connection: after PSYNC the replication writes the snapshot
// and the command stream to it from its own goroutine, through the
// connection's event loop (AsyncWrite, which keeps the order of writes).
// The connection still reads: the replica's REPLCONF ACKs run as
// commands. Output is bounded: a write waits while what is queued for the
// loop plus what the loop could not send yet passes streamWindow, so a
// slow replica slows its own sender, not the node's memory.

// streamWindow is the unsent output a replica's stream may have.
const streamWindow = 4 << 20

// replStream is a connection turned into a replication stream.
type replStream struct {
	c *conn
	// queued is the bytes handed to AsyncWrite and not written yet;
	// outbound what gnet held unsent when a write last completed.
	queued   atomic.Int64
	outbound atomic.Int64
	signal   chan struct{}
}

// StartStream makes the connection a replica's stream (command.Streamer).
func (c *conn) StartStream() command.ReplStream {
	c.replica.Store(true)
	return &replStream{c: c, signal: make(chan struct{}, 1)}
}

// Write queues p for the connection, waiting while its output is full.
func (s *replStream) Write(p []byte) error {
	for s.queued.Load()+s.outbound.Load() > streamWindow {
		if s.c.killed.Load() {
			return net.ErrClosed
		}
		if s.queued.Load() == 0 {
			s.async(nil) // learn how much gnet still holds
		}
		select {
		case <-s.signal:
		case <-time.After(5 * time.Millisecond):
		}
	}
	if s.c.killed.Load() {
		return net.ErrClosed
	}
	return s.async(p)
}

func (s *replStream) async(p []byte) error {
	n := int64(len(p))
	s.queued.Add(n)
	err := s.c.gc.AsyncWrite(p, func(gc gnet.Conn, err error) error {
		s.queued.Add(-n)
		if err == nil {
			s.c.srv.netReplOut.Add(n)
			s.outbound.Store(int64(gc.OutboundBuffered()))
		}
		select {
		case s.signal <- struct{}{}:
		default:
		}
		return nil
	})
	if err != nil {
		s.queued.Add(-n)
	}
	return err
}

// Close closes the connection.
func (s *replStream) Close() { s.c.Kill() }

// Alive reports whether the connection is still open.
func (s *replStream) Alive() bool { return !s.c.killed.Load() }

// awaitSink waits for the sink to make pos durable, then sends reply. A
// sink that may give up (sync replication) replaces the held replies, one
// per command, by its error: nothing is acknowledged that is not
// replicated.
func (c *conn) awaitSink(sink command.EffectSink, pos int64, reply []byte, held int) bool {
	fs, ok := sink.(command.FallibleSink)
	if !ok {
		return sink.AwaitDurable(pos, func() { c.Unblock(reply) })
	}
	return fs.AwaitDurableOrFail(pos, func() { c.Unblock(reply) }, func(msg string) {
		var errs []byte
		for range max(1, held) {
			errs = append(append(append(errs, '-'), msg...), '\r', '\n')
		}
		c.Unblock(errs)
	})
}
