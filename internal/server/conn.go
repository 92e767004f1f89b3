package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/netloop"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/resp"
)

// flushThreshold bounds the replies buffered within one batch, so a client
// that pipelines thousands of large GETs does not make the server hold
// them all.
const flushThreshold = 256 * 1024

// conn is one client connection. Its parsing and execution run on its
// event loop only; the fields other clients read (CLIENT LIST, CLIENT
// KILL) are atomics or under mu.
type conn struct {
	srv *Server
	gc  *netloop.Conn
	id  int64

	in     inbound
	rd     *resp.Reader
	peeked [][]byte // the keys prefetch found, reused
	// samePeeks is how many more batches prefetch skips: the last one it
	// looked at repeated one key (LPUSH to one list), which is cached.
	samePeeks uint8
	wr        *resp.Writer
	ctx       command.Ctx

	db, proto  atomic.Int32
	authed     atomic.Bool
	created    time.Time
	lastActive atomic.Int64 // Unix ms
	qbufLen    atomic.Int64
	lastCmd    atomic.Pointer[command.Spec]
	noEvict    atomic.Bool
	replica    atomic.Bool // a replica's link: CLIENT LIST flag S (replica.go)
	stream     atomic.Pointer[replStream]
	loop       *loopState // the state of its event loop, for the loop only

	mu      sync.Mutex
	name    string
	user    string
	libName string
	libVer  string

	// Fixed at accept.
	addr, laddr string
	fd          int

	killed     atomic.Bool
	closeAfter bool
	// blocked is set while a blocking command waits (BLPOP ...): the
	// connection's further input is kept, not run.
	blocked atomic.Bool
	// held counts the commands whose replies are buffered, not yet sent
	// (replica.go: a failed sync-mode wait replaces each by an error).
	held int
	// earlier is set while replies that came before a parked command wait
	// for their writes to be durable (holdEarlier); resumed holds what
	// the connection does once they are out. Loop only.
	earlier bool
	resumed func()
	// earlierPos is the position holdEarlier held the replies for: once
	// they are out (sent or failed), the connection's next
	// TakeEffectPos must not wait for it again. Loop only.
	earlierPos int64
	// dropParked says the parked command's reply is dropped when it
	// comes: it parked under CLIENT REPLY OFF or SKIP. Loop only.
	dropParked bool
	// repliesOff and skipReply are CLIENT REPLY OFF and SKIP. Loop only.
	repliesOff, skipReply bool

	push pushState // Pub/Sub output (pubsub.go)
}

func newConn(s *Server, gc *netloop.Conn, id int64) *conn {
	c := &conn{srv: s, gc: gc, id: id, created: time.Now(), user: "default",
		addr: gc.RemoteAddr().String(), laddr: gc.LocalAddr().String(), fd: gc.Fd()}
	c.loop = s.loopOf(gc.Loop())
	c.rd = resp.NewReader(&c.in)
	c.wr = resp.NewWriter(outbound{c})
	c.proto.Store(2)
	c.authed.Store(s.node.Config.String("requirepass") == "")
	c.lastActive.Store(c.created.UnixMilli())
	c.ctx = command.Ctx{W: c.wr, Conn: c, Node: s.node, Txn: s.node.Engine.NewTxn(), Stripe: c.loop.stripe}
	return c
}

// inbound hands the bytes of one read event to the RESP reader.
type inbound struct{ data []byte }

func (in *inbound) Read(p []byte) (int, error) {
	if len(in.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, in.data)
	in.data = in.data[n:]
	return n, nil
}

// outbound writes replies to the connection from its event loop.
type outbound struct{ c *conn }

func (o outbound) Write(p []byte) (int, error) {
	n, err := o.c.gc.Write(p)
	o.c.wrote(int64(n))
	return n, err
}

// wrote counts n bytes of replies written to the client in one write.
func (c *conn) wrote(n int64) {
	c.srv.netOut.Add(c.loop.stripe, n)
	c.srv.writes.Add(c.loop.stripe, 1)
}

// moved follows the connection to the event loop it now runs on
// (netloop moves connections as the number of busy loops changes): its
// counters and gate side are that loop's from now on.
func (c *conn) moved() {
	c.loop = c.srv.loopOf(c.gc.Loop())
	c.ctx.Stripe = c.loop.stripe
}

// streamBatcher is the replication state as the event loops see it: a
// loop tells it when it runs a batch of commands, and writes the stream
// to the replicas itself at the batch's end (sync mode only: while no
// replica is written by the loops, BeginBatch says so and that is all).
type streamBatcher interface {
	BeginBatch() (counted bool)
	EndBatch() (unsent bool)
	Flush()
}

// traffic runs a batch (runBatch); then, on a replica's connection, it
// sends the replies the replica's acknowledgements released, and has
// the loop send the batch's effects to the sync-mode replicas once it has
// run the other batches its poll returned (flushLater).
func (c *conn) traffic(data []byte) bool {
	b, _ := c.srv.node.Effects().(streamBatcher)
	counted := b != nil && b.BeginBatch()
	act := c.runBatch(data)
	if rs := c.stream.Load(); rs != nil {
		rs.releaseHeld()
	}
	if counted && b.EndBatch() {
		c.loop.flushLater(c.gc, b)
	}
	return act
}

// runBatch runs every complete command in what arrived, then writes the
// replies once: a pipelined batch costs one read and one write.
func (c *conn) runBatch(data []byte) bool {
	if c.killed.Load() {
		return true
	}
	if c.blocked.Load() {
		c.keep(data)
		return false
	}
	now := time.Now()
	c.lastActive.Store(now.UnixMilli())
	c.ctx.StartBatch(now)
	c.prefetch(data)
	c.in.data = data
	c.rd.MaxBulkLen = c.srv.maxBulk.Int()
	for {
		c.rd.AuthRequired = !c.authed.Load()
		args, err := c.rd.Next()
		switch {
		case err == nil:
			if len(args) == 0 {
				continue
			}
			earlier, before := c.ctx.EffectPos(), c.held
			c.exec(args)
			if c.blocked.Load() {
				c.keep(c.in.data)
				c.holdEarlier(earlier, before)
				return c.endBatch()
			}
			if c.closeAfter || c.killed.Load() {
				c.wr.Flush()
				return true
			}
			if c.wr.Len() > flushThreshold {
				if c.awaitDurable() {
					c.keep(c.in.data)
					return c.endBatch()
				}
				if c.wr.Flush() != nil {
					return true
				}
				c.held = 0
			}
		case errors.Is(err, resp.ErrIncomplete):
			if len(c.in.data) > 0 {
				c.rd.Fill()
				continue
			}
			return c.endBatch()
		default:
			var pe *resp.ProtocolError
			if errors.As(err, &pe) {
				c.wr.Error("ERR " + pe.Error())
				c.srv.log.Debug("closing client after protocol error", "client", c.id, "addr", c.addr, "error", pe.Msg)
			}
			c.wr.Flush()
			return true
		}
	}
}

// prefetch has the engine bring into the cache what the keys of a
// pipelined batch will read (engine.DB.Prefetch), when the batch starts
// at a command's start: a client that has authenticated, with nothing
// left over from its last batch. A client whose batch ran a pipeline on
// one key is likely to send the next one so: the next skipSamePeeks
// batches are not looked at (finding their keys took 4-5 % of the CPU
// of a pipelined LPUSH to one list).
func (c *conn) prefetch(data []byte) {
	if c.rd.Buffered() > 0 || !c.authed.Load() || len(data) < 64 {
		return
	}
	if c.samePeeks > 0 {
		c.samePeeks--
		return
	}
	c.peeked = resp.PeekKeys(data, 32, c.peeked[:0])
	if oneKey(c.peeked) {
		c.samePeeks = skipSamePeeks
	} else {
		c.srv.node.Engine.DB(int(c.db.Load())).Prefetch(c.peeked)
	}
	clear(c.peeked) // they alias the event's bytes
}

// skipSamePeeks is how many batches prefetch skips after one that
// repeated a key.
const skipSamePeeks = 31

// oneKey reports whether keys are a pipeline's on one key: at least
// eight, all equal (a transaction's INCR and EXPIRE of one key are not).
func oneKey(keys [][]byte) bool {
	if len(keys) < 8 {
		return false
	}
	for _, k := range keys[1:] {
		if !bytes.Equal(k, keys[0]) {
			return false
		}
	}
	return true
}

// keep moves input into the reader's buffer without running it: the
// event's bytes are only valid during the event.
func (c *conn) keep(data []byte) {
	c.in.data = data
	for len(c.in.data) > 0 {
		c.rd.Fill()
	}
	c.qbufLen.Store(int64(c.rd.Buffered()))
}

// Block parks the connection: its command waits for a key.
func (c *conn) Block() { c.blocked.Store(true) }

// Unblock sends the waiting command's reply, from any goroutine, and then
// lets the connection run the commands that came in meanwhile. The reply
// is queued on the connection's event loop like a pub/sub message, so the
// two keep their order; the callback runs on the loop once it is out.
func (c *conn) Unblock(reply []byte) {
	_ = c.gc.AsyncWrite(nil, func(_ *netloop.Conn, err error) {
		if err == nil {
			c.afterEarlier(func() {
				if c.dropParked { // parked under CLIENT REPLY OFF or SKIP
					c.dropParked = false
					reply = nil
				}
				c.unblockHere(reply)
			})
		}
	})
}

// Postpone parks the connection with the command it is running, which
// did not run (command.Conn): Resume runs it.
func (c *conn) Postpone() { c.blocked.Store(true) }

// Resume runs the postponed command on the connection's loop, then the
// commands that came in meanwhile, unless it parks the connection again.
func (c *conn) Resume() {
	_ = c.gc.AsyncWrite(nil, func(_ *netloop.Conn, err error) {
		if err == nil {
			c.afterEarlier(c.resume)
		}
	})
}

func (c *conn) resume() {
	args := c.ctx.TakePostponed()
	if args == nil || c.killed.Load() {
		return
	}
	c.blocked.Store(false)
	c.ctx.StartBatch(time.Now())
	c.exec(args)
	switch {
	case c.closeAfter || c.killed.Load(): // QUIT, or CLIENT KILL of itself
		c.wr.Flush()
		c.gc.Close()
	case c.blocked.Load():
		c.endBatch()
	case c.traffic(nil):
		c.gc.Close()
	}
}

// awaitDurable parks the connection with its pending replies when its
// writes are not yet as durable as the node promises before it answers
// (appendfsync always): they are sent, and the connection's further input
// run, once they are. It reports whether it parked the connection.
func (c *conn) awaitDurable() bool {
	pos := c.ctx.TakeEffectPos()
	sink := c.srv.node.Effects()
	// No reply held (CLIENT REPLY OFF): nothing is acknowledged, nothing
	// waits.
	if pos == 0 || c.held == 0 || sink == nil || sink.Durable(pos) {
		return false
	}
	c.blocked.Store(true)
	reply := c.wr.Take()
	held := c.held
	c.held = 0
	if awaitSink(sink, pos, reply, held, c.release) {
		return true
	}
	c.blocked.Store(false)
	c.wr.Raw(reply)
	return false
}

// holdEarlier is awaitDurable for a batch whose last command parked the
// connection (a blocking command with nothing to pop, a command held by
// CLIENT PAUSE, a script that turned busy): the replies of the commands
// before it wait for their writes, up to pos (read before the parking
// command ran: the Ctx may now be a busy script's), to be durable, as any
// reply does, and the parked command's own reply, when it comes, waits
// for them (afterEarlier), so the client hears nothing out of order and
// no write before it is durable. The position stays in the Ctx until
// the parked command is done; forgetEarlier then takes it.
func (c *conn) holdEarlier(pos int64, held int) {
	sink := c.srv.node.Effects()
	// held counts the replies before the parked command, which has none
	// yet.
	if pos == 0 || held <= 0 || sink == nil || sink.Durable(pos) {
		return
	}
	reply := c.wr.Take()
	c.held = 0
	c.earlier = true
	c.earlierPos = pos
	if !awaitSink(sink, pos, reply, held, func(reply []byte, _ any) { c.earlierOut(reply) }) {
		c.earlier = false
		c.wr.Raw(reply)
	}
}

// earlierOut sends the replies holdEarlier held, from any goroutine, and
// then what waited for them.
func (c *conn) earlierOut(reply []byte) {
	_ = c.gc.AsyncWrite(reply, func(_ *netloop.Conn, err error) {
		if err != nil {
			return
		}
		c.wrote(int64(len(reply)))
		c.earlier = false
		if then := c.resumed; then != nil {
			c.resumed = nil
			c.forgetEarlier()
			then()
		}
	})
}

// afterEarlier runs then on the loop now, or once the replies
// holdEarlier held are out.
func (c *conn) afterEarlier(then func()) {
	if c.earlier {
		c.resumed = then
		return
	}
	c.forgetEarlier()
	then()
}

// forgetEarlier takes the position holdEarlier held the replies for,
// once they are out and the parked command is done (the Ctx is the
// loop's again), unless a later effect replaced it: made durable, taking
// it changes nothing; failed (sync mode without replicas), the commands
// after the parked one must not wait for it, and fail, again.
func (c *conn) forgetEarlier() {
	if c.earlierPos != 0 && c.ctx.EffectPos() == c.earlierPos {
		c.ctx.TakeEffectPos()
	}
	c.earlierPos = 0
}

// endBatch flushes the replies and enforces the query buffer limit on
// what is left of an incomplete command.
func (c *conn) endBatch() bool {
	if !c.blocked.Load() && c.awaitDurable() {
		return false
	}
	if c.wr.Flush() != nil {
		return true
	}
	c.held = 0
	buffered := int64(c.rd.Buffered())
	c.qbufLen.Store(buffered)
	if buffered > c.srv.queryLimit.Int() {
		c.srv.log.Warn("closing client that reached max query buffer length", "client", c.id, "addr", c.addr, "qbuf", buffered)
		return true
	}
	return false
}

func (c *conn) exec(args [][]byte) {
	c.ctx.Args = args
	mark, skip := c.wr.Len(), c.skipReply
	c.skipReply = false
	c.srv.node.Table.Exec(&c.ctx)
	if c.ctx.Postponed() {
		c.skipReply = skip // CLIENT REPLY SKIP is for the command when it runs
		return
	}
	dropped := c.repliesOff || skip
	if c.blocked.Load() {
		// Its reply comes later (Unblock), and goes the same way.
		c.dropParked = dropped
	}
	if dropped {
		c.wr.Truncate(mark)
	}
	if c.wr.Len() != mark {
		// held counts replies, not commands: a failed sync-mode wait
		// replaces each by an error, and adds none for a command that
		// answered nothing (CLIENT REPLY OFF, one parked).
		c.held++
	}
}

// SetReplies is CLIENT REPLY's (command.ReplyController): off drops every
// reply until ON, skip the next command's.
func (c *conn) SetReplies(off, skip bool) {
	c.repliesOff, c.skipReply = off, skip
}

// NoteCommand records the command about to run for CLIENT LIST's cmd
// field. Redis records it before running it, so CLIENT INFO shows itself
// and a command that does not exist shows as NULL.
func (c *conn) NoteCommand(s *command.Spec) {
	if c.lastCmd.Load() != s {
		c.lastCmd.Store(s)
	}
}

// The command.Conn interface.

func (c *conn) ID() int64 { return c.id }

func (c *conn) Name() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.name
}

func (c *conn) SetName(n string) {
	c.mu.Lock()
	c.name = n
	c.mu.Unlock()
}

func (c *conn) DB() int           { return int(c.db.Load()) }
func (c *conn) SetDB(i int)       { c.db.Store(int32(i)) }
func (c *conn) Proto() int        { return int(c.proto.Load()) }
func (c *conn) SetNoEvict(b bool) { c.noEvict.Store(b) }

func (c *conn) SetProto(p int) {
	c.proto.Store(int32(p))
	c.wr.Proto = p
}

func (c *conn) User() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user
}

func (c *conn) Authenticated() bool { return c.authed.Load() }

func (c *conn) Authenticate(user string) {
	c.mu.Lock()
	c.user = user
	c.mu.Unlock()
	c.authed.Store(true)
}

func (c *conn) SetLib(name, version string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if name != "" {
		c.libName = name
	}
	if version != "" {
		c.libVer = version
	}
}

func (c *conn) Addr() string      { return c.addr }
func (c *conn) LocalAddr() string { return c.laddr }

// Kill closes the connection; safe from any goroutine. It goes at once,
// as Redis frees a killed client at once: its subscriptions (PUBSUB
// NUMSUB right after CLIENT KILL does not count it) and its socket, which
// the peer sees closed before CLIENT KILL replies, even while the
// connection's loop is busy.
func (c *conn) Kill() {
	if c.killed.CompareAndSwap(false, true) {
		c.ctx.DropSubscriptions()
		c.gc.Shutdown()
	}
}

// closeGently is Kill for a connection whose queued output must still
// go out first: the replication stream a stopping primary closes ends
// with writes its clients were told were done.
func (c *conn) closeGently() {
	if c.killed.CompareAndSwap(false, true) {
		c.ctx.DropSubscriptions()
		c.gc.Close()
	}
}

func (c *conn) CloseAfterReply() { c.closeAfter = true }

func (c *conn) Reset() {
	c.SetDB(0)
	c.SetProto(2)
	c.SetName("")
	c.mu.Lock()
	c.user = "default"
	c.mu.Unlock()
	c.authed.Store(c.srv.node.Config.String("requirepass") == "")
}

// Info formats the client as a CLIENT LIST line, with Redis's fields.
func (c *conn) Info() string {
	now := time.Now()
	cmd := "NULL"
	if s := c.lastCmd.Load(); s != nil {
		cmd = s.FullName()
	}
	multi, dirty := c.ctx.MultiState()
	sub, psub, ssub := c.ctx.SubscriptionCounts()
	flags := ""
	if c.replica.Load() {
		flags += "S" // Redis puts it first
	}
	if sub+psub+ssub > 0 {
		flags += "P"
	}
	if c.blocked.Load() {
		flags += "b"
	}
	if multi >= 0 {
		flags += "x"
	}
	if dirty {
		flags += "d"
	}
	if c.noEvict.Load() {
		flags += "e"
	}
	if flags == "" {
		flags = "N"
	}
	c.mu.Lock()
	name, user, libName, libVer := c.name, c.user, c.libName, c.libVer
	c.mu.Unlock()
	qbuf := c.qbufLen.Load()
	return fmt.Sprintf("id=%d addr=%s laddr=%s fd=%d name=%s age=%d idle=%d flags=%s db=%d sub=%d psub=%d ssub=%d multi=%d "+
		"qbuf=%d qbuf-free=%d argv-mem=0 multi-mem=0 rbs=%d rbp=0 obl=0 oll=0 omem=0 tot-mem=%d events=r cmd=%s user=%s redir=-1 resp=%d lib-name=%s lib-ver=%s",
		c.id, c.Addr(), c.LocalAddr(), c.fd, name, int64(now.Sub(c.created).Seconds()),
		(now.UnixMilli()-c.lastActive.Load())/1000, flags, c.DB(), sub, psub, ssub, multi, qbuf, max(0, 16384-qbuf), 16384, 16384+qbuf,
		cmd, user, c.Proto(), libName, libVer)
}
