package server

import (
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/netloop"

	"github.com/shoal-cache/shoal/internal/config"
)

// Pub/Sub delivery. A publisher runs on its own connection's event loop
// and its subscribers may be served by any loop, so a message is handed to
// the subscriber's loop with AsyncWrite, which queues it behind
// whatever that loop is doing: a subscriber's replies, flushed within the
// event that produced them, never interleave with a message.
//
// A subscriber that does not read makes its output pile up. Redis counts
// the replies it holds for the client against client-output-buffer-limit;
// here that is what waits in the loop's outbound buffer plus what is queued
// for the loop and not yet written. Only the loop may read the outbound
// buffer, so the limits are checked there, after each message is written;
// the publisher checks the queued bytes alone against the hard limit, so
// that a stalled loop cannot make the queue grow without bound.

// pushState is a connection's Pub/Sub output accounting.
type pushState struct {
	// queued is the bytes handed to AsyncWrite and not yet written.
	queued atomic.Int64
	// softSince is when (Unix seconds) the pending output reached the
	// soft limit, 0 while it is below. Event loop only.
	softSince int64
}

// Push queues a Pub/Sub message for the client; safe from any goroutine.
func (c *conn) Push(msg []byte) {
	if c.killed.Load() {
		return
	}
	n := int64(len(msg))
	queued := c.push.queued.Add(n)
	if lim := c.pubsubLimit(); lim.Hard > 0 && uint64(queued) >= lim.Hard {
		// Not Kill: the publisher holds the registry's lock, which
		// dropping the subscriptions needs. They go when the loop
		// closes the connection.
		if c.killed.CompareAndSwap(false, true) {
			c.logOutputLimit(uint64(queued))
			c.gc.Close()
		}
		return
	}
	err := c.gc.AsyncWrite(msg, func(gc *netloop.Conn, err error) {
		queued := c.push.queued.Add(-n)
		if err == nil {
			c.wrote(n)
			c.checkOutputLimit(uint64(gc.OutboundBuffered()) + uint64(queued))
		}
	})
	if err != nil {
		c.push.queued.Add(-n)
	}
}

// pubsubLimit is the limit of the pubsub client class, the class of every
// client with a subscription (whatever its protocol, as in Redis 7.0),
// which is every client a message is pushed to.
func (c *conn) pubsubLimit() config.OutputBufferLimit {
	return c.srv.node.Config.ClientOutputBufferLimit(config.ClassPubSub)
}

// checkOutputLimit closes the client when its pending output, used bytes,
// passes its limit. It runs on the client's event loop.
func (c *conn) checkOutputLimit(used uint64) {
	lim := c.pubsubLimit()
	var now int64
	if lim.Soft > 0 && used >= lim.Soft {
		now = time.Now().Unix()
	}
	if c.push.overLimit(lim, used, now) && !c.killed.Load() {
		c.logOutputLimit(used)
		c.Kill()
	}
}

// overLimit decides as Redis's checkClientOutputBufferLimits: at or over
// the hard limit at once; at or over the soft limit only once it has been
// for more than SoftSeconds, counted from the first time it was seen
// there (now, in Unix seconds, matters only then).
func (p *pushState) overLimit(lim config.OutputBufferLimit, used uint64, now int64) bool {
	hard := lim.Hard > 0 && used >= lim.Hard
	if lim.Soft == 0 || used < lim.Soft {
		p.softSince = 0
		return hard
	}
	if p.softSince == 0 {
		p.softSince = now
		return hard
	}
	return hard || now-p.softSince > lim.SoftSeconds
}

func (c *conn) logOutputLimit(used uint64) {
	c.srv.log.Warn("closing client for overcoming of output buffer limits", "client", c.id, "addr", c.addr,
		"class", "pubsub", "omem", used)
}
