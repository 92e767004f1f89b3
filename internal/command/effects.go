package command

import (
	"strconv"

	settype "github.com/shoal-cache/shoal/internal/types/set"
)

// Effect propagation: the one place where what a command changed leaves
// the node, for the AOF now and the replication stream later. What is
// propagated is the command's effect, not its text, so that replaying it
// gives the same keyspace whenever and wherever it is replayed: a relative
// TTL becomes an absolute one, a random pop names what it popped, a
// served blocking pop becomes its non-blocking form. A handler whose
// command text is not its effect says so with c.propagateAs before it
// unlocks; every other command that changed the keyspace is propagated as
// it was sent.
//
// The effect is handed to the sink when the command's Txn unlocks with
// changes (engine/effects.go), while the keys' locks are held, so effects
// on one key reach the sink in the order they were applied. EXEC and
// scripts, which run with no other command alongside, collect their
// commands' effects and hand them over as one MULTI ... EXEC block.

// EffectSink receives effects in the order they were applied.
type EffectSink interface {
	// Feed receives one command, as the arguments of a command run in
	// database db, and returns its position in the sink's stream. It runs
	// with the command's keys locked: it must be quick and must not lock
	// keys. args may be reused once it returns.
	Feed(db int, args [][]byte) int64
	// FeedBlock receives the commands of EXEC or a script, cmds[i] run
	// in database dbs[i], as one MULTI ... EXEC block that no command of
	// another client comes into (scripts run beside other commands), and
	// returns the position after it. cmds may be reused once it returns.
	FeedBlock(dbs []int, cmds [][][]byte) int64
	// AwaitDurable arranges for done to run, from any goroutine, once the
	// stream up to pos is as safe as the node promises before it
	// acknowledges a write (appendfsync always: on disk), and reports
	// true; it reports false, and never calls done, when it is already.
	AwaitDurable(pos int64, done func()) bool
	// Durable reports whether the stream up to pos needs no waiting.
	Durable(pos int64) bool
}

// effectBatch collects the effects of EXEC or a script. A connection
// keeps its batch from one EXEC or script to the next, as the sink copies
// what it is fed: a short script's run would otherwise allocate its batch
// and a copy of each effect, several percent of its cost.
type effectBatch struct {
	dbs  []int
	cmds [][][]byte
	// args and bytes back the effects' argument lists and arguments. An
	// append that moves them leaves the effects already added on the old
	// arrays, which stay valid.
	args  [][]byte
	bytes []byte
}

// maxKeptEffects is the most bytes a connection's batch keeps for the
// next one: a transaction or script that wrote a lot does not pin its
// effects (the sinks copied them) while the connection idles.
const maxKeptEffects = 16 << 10

// size is what b's arrays take.
func (b *effectBatch) size() int {
	return cap(b.bytes) + 24*(cap(b.args)+cap(b.cmds)) + 8*cap(b.dbs)
}

// release empties b for the next EXEC or script, letting its arrays go
// if they grew past maxKeptEffects.
func (b *effectBatch) release() {
	if b.size() > maxKeptEffects {
		*b = effectBatch{}
		return
	}
	clear(b.cmds)
	clear(b.args)
	b.dbs, b.cmds, b.args, b.bytes = b.dbs[:0], b.cmds[:0], b.args[:0], b.bytes[:0]
}

// propagateAs makes args the command's effect instead of its own text.
// The caller keeps args unchanged until the command ends.
func (c *Ctx) propagateAs(args ...[]byte) { c.effect = args }

// commitEffects hands the running command's effect to the sink once, the
// first time its Txn unlocks with changes.
func (c *Ctx) commitEffects() {
	sink := c.Node.Effects()
	if c.propagated || sink == nil {
		return
	}
	c.propagated = true
	args := c.Args
	if c.effect != nil {
		args = c.effect
	}
	if c.batch != nil {
		c.batch.add(c.Conn.DB(), args)
		return
	}
	c.fedPos = sink.Feed(c.Conn.DB(), args)
}

// unblockWhenDurable sends a parked client's reply once the effects it
// waits for (up to pos, 0 for none) are as durable as the node promises:
// a blocked pop served by another client's push, a script that ran past
// busy-reply-threshold.
// A sink that may give up (sync replication) has the reply replaced by
// its error, as a reply on the connection's loop is: nothing is
// acknowledged that is not replicated.
func (c *Ctx) unblockWhenDurable(conn Conn, pos int64, reply []byte) {
	sink := c.Node.Effects()
	if pos == 0 || sink == nil || sink.Durable(pos) {
		conn.Unblock(reply)
		return
	}
	done := func() { conn.Unblock(reply) }
	if fs, ok := sink.(FallibleSink); ok {
		if fs.AwaitDurableOrFail(pos, done, func(msg string) { conn.Unblock([]byte("-" + msg + "\r\n")) }) {
			return
		}
	} else if sink.AwaitDurable(pos, done) {
		return
	}
	conn.Unblock(reply)
}

// EffectPos is what TakeEffectPos would return now, without taking it.
// The connection's loop reads it before each command: once a command has
// parked the connection, a script it left running on a goroutine of its
// own owns the Ctx.
func (c *Ctx) EffectPos() int64 { return c.fedPos }

// TakeEffectPos returns the stream position of the last effect the
// connection's commands fed since the last call, 0 if none: the
// connection's replies wait until the sink has made it durable.
func (c *Ctx) TakeEffectPos() int64 {
	pos := c.fedPos
	c.fedPos = 0
	c.woff = max(c.woff, pos)
	return pos
}

// commitNow propagates a command that changed the keyspace without
// changing it through a View (FLUSHALL, SWAPDB).
func (c *Ctx) commitNow() {
	c.Txn.Changed()
	c.Txn.Commit()
}

func (b *effectBatch) add(db int, args [][]byte) {
	b.dbs = append(b.dbs, db)
	first := len(b.args)
	for _, a := range args {
		b.bytes = append(b.bytes, a...)
		end := len(b.bytes)
		b.args = append(b.args, b.bytes[end-len(a):end:end])
	}
	end := len(b.args)
	b.cmds = append(b.cmds, b.args[first:end:end])
}

// beginEffects starts collecting the effects of EXEC or a script run by
// c, returning the batch to pass to endEffects.
func (c *Ctx) beginEffects() *effectBatch {
	if c.Node.Effects() == nil || c.batch != nil { // a script inside EXEC
		return nil
	}
	b := &c.effects
	b.release()
	c.batch = b
	return b
}

// endEffects hands the batch to the sink: one effect alone, several as a
// MULTI ... EXEC block so that a replay applies all or none.
func (c *Ctx) endEffects(b *effectBatch) {
	if b == nil {
		return
	}
	c.batch = nil
	defer b.release()
	if len(b.cmds) == 0 {
		return
	}
	sink := c.Node.Effects()
	if sink == nil { // the log was turned off meanwhile
		return
	}
	if len(b.cmds) == 1 {
		c.fedPos = sink.Feed(b.dbs[0], b.cmds[0])
		return
	}
	c.fedPos = sink.FeedBlock(b.dbs, b.cmds)
}

// propagating reports whether anything listens for effects: a handler
// builds a rewritten effect only then.
func (c *Ctx) propagating() bool { return c.Node.Effects() != nil }

// sinkBox holds the node's sink for an atomic pointer.
type sinkBox struct{ sink EffectSink }

// Effects returns the sink of the node's effects, nil when nothing
// listens.
func (n *Node) Effects() EffectSink {
	if b := n.sink.Load(); b != nil {
		return b.sink
	}
	return nil
}

// SetEffects attaches the sink (nil detaches it). To make a new log start
// at a definite point, attach it while no command runs (a snapshot's
// start, which holds every lock).
func (n *Node) SetEffects(s EffectSink) {
	if s == nil {
		n.sink.Store(nil)
		return
	}
	n.sink.Store(&sinkBox{s})
}

// Words of the rewritten effects.
var (
	wordDEL       = []byte("DEL")
	wordSET       = []byte("SET")
	wordPXAT      = []byte("PXAT")
	wordKEEPTTL   = []byte("KEEPTTL")
	wordPEXPIREAT = []byte("PEXPIREAT")
	wordPERSIST   = []byte("PERSIST")
	wordHSET      = []byte("HSET")
	wordSREM      = []byte("SREM")
)

// propagateExpireAt makes the effect PEXPIREAT key when, the absolute form
// of every relative or conditional expiry change.
func (c *Ctx) propagateExpireAt(key []byte, when int64) {
	if c.propagating() {
		c.propagateAs(wordPEXPIREAT, key, strconv.AppendInt(nil, when, 10))
	}
}

// propagateDel makes the effect DEL key: an expiry already past deletes.
func (c *Ctx) propagateDel(key []byte) {
	if c.propagating() {
		c.propagateAs(wordDEL, key)
	}
}

// propagateSet makes the effect SET key val with an absolute expiry (or
// KEEPTTL, or none when expireAt is 0 and keepTTL is false).
func (c *Ctx) propagateSet(key, val []byte, expireAt int64, keepTTL bool) {
	if !c.propagating() {
		return
	}
	switch {
	case keepTTL:
		c.propagateAs(wordSET, key, val, wordKEEPTTL)
	case expireAt != 0:
		c.propagateAs(wordSET, key, val, wordPXAT, strconv.AppendInt(nil, expireAt, 10))
	default:
		c.propagateAs(wordSET, key, val)
	}
}

// spopEffect collects what SPOP removed, so that its effect is SREM of
// those members rather than another random draw.
type spopEffect struct {
	c    *Ctx
	args [][]byte
}

func (c *Ctx) spopEffect(key []byte) *spopEffect {
	if !c.propagating() {
		return nil
	}
	return &spopEffect{c: c, args: [][]byte{wordSREM, key}}
}

func (s *spopEffect) add(m settype.Elem) {
	if s != nil {
		s.args = append(s.args, m.AppendTo(nil))
	}
}

func (s *spopEffect) done() {
	if s != nil && len(s.args) > 2 {
		s.c.propagateAs(s.args...)
	}
}

var (
	wordLPOP  = []byte("LPOP")
	wordRPOP  = []byte("RPOP")
	wordLMOVE = []byte("LMOVE")
	wordLEFT  = []byte("LEFT")
	wordRIGHT = []byte("RIGHT")
)

// propagatePop makes a blocking or multi-key pop's effect the plain pop
// of the key it popped from: LPOP/RPOP key [count]. count 0 pops one.
func (c *Ctx) propagatePop(pop, key []byte, count int) {
	if !c.propagating() {
		return
	}
	if count == 0 {
		c.propagateAs(pop, key)
		return
	}
	c.propagateAs(pop, key, strconv.AppendInt(nil, int64(count), 10))
}

func listPopWord(head bool) []byte {
	if head {
		return wordLPOP
	}
	return wordRPOP
}

func endWord(head bool) []byte {
	if head {
		return wordLEFT
	}
	return wordRIGHT
}

var (
	wordZPOPMIN = []byte("ZPOPMIN")
	wordZPOPMAX = []byte("ZPOPMAX")
)

func zsetPopWord(max bool) []byte {
	if max {
		return wordZPOPMAX
	}
	return wordZPOPMIN
}

var (
	wordRESTORE = []byte("RESTORE")
	wordREPLACE = []byte("REPLACE")
	wordABSTTL  = []byte("ABSTTL")
)
