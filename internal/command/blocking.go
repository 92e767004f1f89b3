package command

import (
	"bytes"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/resp"
)

// Blocking commands (BLPOP, BRPOP, BLMOVE, BZPOPMIN, ...). A client whose
// keys hold nothing is parked: the server stops reading its commands, and
// the client waits in a queue per key, in the order clients blocked. When
// a command creates a list or sorted set under such a key (the engine
// notes it), the command's connection serves the waiters right after the
// command, as Redis does after each command: it runs each waiter's command
// again on the waiter's behalf, in order, until one finds nothing, and
// hands each served waiter its reply. A waiter whose timeout passes gets a
// null; one that disconnects leaves its queues.

// blockedClient is a parked command.
type blockedClient struct {
	conn Conn
	db   int
	keys []string
	spec *Spec
	args [][]byte // copied
	// took is how long the command ran before it parked: the duration a
	// timeout or CLIENT UNBLOCK counts for it, as Redis's does.
	took time.Duration
	// timer delivers the timeout; nil when the client waits forever.
	timer *time.Timer
	// timeoutReply is what the client gets on timeout (a null array for
	// BLPOP, a null for BLMOVE).
	timeoutReply func(w *resp.Writer)
	// serving is set while a push runs the command for the client (under
	// the registry's lock): its timeout then waits for the outcome,
	// setting late, so that a command that popped is answered with what it
	// popped, never with the timeout.
	serving, late bool
}

// timedOut answers a client taken out of the queues because its time
// ran out; the command counts as called then, as in Redis, where a
// timeout is left out of the latency histogram (it is in with CLIENT
// UNBLOCK).
func (b *blockedClient) timedOut() {
	st := b.spec.stats.on(0) // on a timer's goroutine, no loop's
	st.calls.Add(1)
	st.usec.Add(b.took.Microseconds())
	b.conn.Unblock(replyBytes(b.conn.Proto(), b.timeoutReply))
}

// blockRegistry holds the parked clients of a node.
type blockRegistry struct {
	mu      sync.Mutex
	waiters map[engine.ReadyKey][]*blockedClient
	byConn  map[int64]*blockedClient
}

func (r *blockRegistry) addLocked(b *blockedClient) {
	if r.waiters == nil {
		r.waiters = map[engine.ReadyKey][]*blockedClient{}
		r.byConn = map[int64]*blockedClient{}
	}
	for _, k := range b.keys {
		rk := engine.ReadyKey{DB: b.db, Key: k}
		r.waiters[rk] = append(r.waiters[rk], b)
	}
	r.byConn[b.conn.ID()] = b
}

// removeLocked takes b out of every queue; it reports false if b was not
// parked any more (served or timed out already).
func (r *blockRegistry) removeLocked(b *blockedClient) bool {
	if r.byConn[b.conn.ID()] != b {
		return false
	}
	delete(r.byConn, b.conn.ID())
	for _, k := range b.keys {
		rk := engine.ReadyKey{DB: b.db, Key: k}
		q := r.waiters[rk]
		for i, other := range q {
			if other == b {
				q = append(q[:i:i], q[i+1:]...)
				break
			}
		}
		if len(q) == 0 {
			delete(r.waiters, rk)
		} else {
			r.waiters[rk] = q
		}
	}
	if b.timer != nil {
		b.timer.Stop()
	}
	return true
}

// waiting reports whether any client is parked on key.
func (r *blockRegistry) waiting(key engine.ReadyKey) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.waiters[key]) > 0
}

// claimFirst returns the longest-waiting client parked on key for a
// value of kind that no other push is serving, marked as being served, or
// nil. Pushes on two event loops may serve one key at once: each claims
// its own waiter, so no client's command runs twice (popping twice, once
// for nothing). A client that waits for the other kind (BZPOPMIN on a key
// that became a list) stays parked, as in Redis 7.0.
func (r *blockRegistry) claimFirst(key engine.ReadyKey, kind engine.Kind) *blockedClient {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.waiters[key] {
		if !b.serving && waitsFor(b.spec) == kind {
			b.serving = true
			return b
		}
	}
	return nil
}

// count returns the number of parked clients (INFO blocked_clients).
func (r *blockRegistry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byConn)
}

// CanBlock reports whether the command may park its client: not inside
// EXEC, and not while it is being run again for a waiter.
func (c *Ctx) CanBlock() bool { return !c.inExec && !c.serving }

// block parks the client on keys for timeout (0: forever). The command
// replies nothing now: its reply comes when it is served or times out.
func (c *Ctx) block(keys [][]byte, timeout time.Duration, timeoutReply func(w *resp.Writer)) {
	if c.serving {
		c.wouldBlock = true
		return
	}
	b := &blockedClient{conn: c.Conn, db: c.Conn.DB(), spec: c.spec, args: cloneArgs(c.Args), timeoutReply: timeoutReply,
		took: time.Since(c.batchStart) - c.sinceBatch} // sinceBatch is when the command started
	for _, k := range keys {
		b.keys = append(b.keys, string(k))
	}
	reg := &c.Node.blocked
	c.parked = true
	c.Conn.Block()
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.addLocked(b)
	if timeout > 0 {
		b.timer = time.AfterFunc(timeout, func() {
			reg.mu.Lock()
			if b.serving {
				b.late = true
				reg.mu.Unlock()
				return
			}
			parked := reg.removeLocked(b)
			reg.mu.Unlock()
			if parked {
				b.timedOut()
			}
		})
	}
}

// unblock takes the client of c out of the queues (it disconnected).
func (c *Ctx) unblock() {
	reg := &c.Node.blocked
	reg.mu.Lock()
	if b := reg.byConn[c.Conn.ID()]; b != nil {
		reg.removeLocked(b)
	}
	reg.mu.Unlock()
}

// serveBlocked serves the clients parked on the keys the command just
// filled, in the order they blocked, until a key has nothing left. A
// served command may fill other keys (BLMOVE); those are served too.
func (c *Ctx) serveBlocked(ready []engine.ReadyKey) {
	reg := &c.Node.blocked
	txn := c.Node.Engine.NewTxn()
	for len(ready) > 0 {
		key := ready[0]
		ready = ready[1:]
		if !reg.waiting(key) {
			continue // most keys a push creates: no one to look the kind up for
		}
		kind, ok := readyKind(txn, c.Node.Engine.DB(key.DB), key.Key)
		for ok {
			b := reg.claimFirst(key, kind)
			if b == nil {
				break // none, or each is being served by another push
			}
			var out bytes.Buffer
			w := resp.NewWriter(&out)
			w.Proto = b.conn.Proto()
			sc := &Ctx{Args: servedArgs(b, key.Key), W: w, Conn: b.conn, Node: c.Node, Txn: txn, Stripe: c.Stripe, serving: true}
			c.Node.Table.run(sc, b.spec)
			reg.mu.Lock()
			b.serving = false
			if sc.wouldBlock {
				timedOut := b.late && reg.removeLocked(b)
				reg.mu.Unlock()
				if timedOut { // its time ran out while it was tried
					b.timedOut()
				}
				break // nothing left for the next waiter either
			}
			parked := reg.removeLocked(b)
			reg.mu.Unlock()
			if !parked {
				continue // it disconnected meanwhile
			}
			w.Flush()
			c.unblockWhenDurable(b.conn, sc.TakeEffectPos(), out.Bytes())
			ready = append(ready, txn.TakeReady()...)
		}
	}
}

// readyKind returns the kind of the value at key, if it is one that
// blocked clients pop (a list or a sorted set).
func readyKind(txn *engine.Txn, db *engine.DB, key string) (engine.Kind, bool) {
	k := []byte(key)
	v := txn.LockKeys(db, [][]byte{k})
	defer txn.Unlock()
	e := v.Peek(k)
	if e == nil || e.Kind != engine.KindList && e.Kind != engine.KindZSet {
		return 0, false
	}
	return e.Kind, true
}

// waitsFor returns the kind of value a parked command pops.
func waitsFor(spec *Spec) engine.Kind {
	if strings.HasPrefix(spec.Name, "bz") {
		return engine.KindZSet
	}
	return engine.KindList
}

// servedArgs returns the parked command of b narrowed to the key being
// served: Redis 7.0 serves a client from the key that became ready, not
// from the first of its keys that holds something (BLPOP a b 0 blocked,
// then a MULTI that pushes to b and then to a: the client gets b's).
func servedArgs(b *blockedClient, key string) [][]byte {
	a := b.args
	switch b.spec.Name {
	case "blpop", "brpop", "bzpopmin", "bzpopmax":
		return [][]byte{a[0], []byte(key), a[len(a)-1]}
	case "blmpop", "bzmpop":
		n, ok := parseInt(a[2])
		if !ok || n < 1 || int64(len(a)) < 3+n {
			return a
		}
		out := [][]byte{a[0], a[1], []byte("1"), []byte(key)}
		return append(out, a[3+n:]...)
	}
	return a // BLMOVE, BRPOPLPUSH: one source key
}

// replyBytes renders one reply in protocol proto.
func replyBytes(proto int, write func(w *resp.Writer)) []byte {
	var out bytes.Buffer
	w := resp.NewWriter(&out)
	w.Proto = proto
	write(w)
	w.Flush()
	return out.Bytes()
}

func cloneArgs(args [][]byte) [][]byte {
	size := 0
	for _, a := range args {
		size += len(a)
	}
	buf := make([]byte, 0, size)
	out := make([][]byte, len(args))
	for i, a := range args {
		buf = append(buf, a...)
		out[i] = buf[len(buf)-len(a):]
	}
	return out
}

const (
	errTimeoutFloat    = "ERR timeout is not a float or out of range"
	errTimeoutNegative = "ERR timeout is negative"
)

// parseTimeout reads a blocking command's timeout in seconds (a float,
// truncated to a millisecond) as Redis 7.0 does: its conversion of a
// timeout beyond the range of a 64-bit millisecond count (inf, 1e400)
// comes out negative, so that is the error those get.
func parseTimeout(c *Ctx, arg []byte) (time.Duration, bool) {
	// Read as Redis reads it (strtold): "0x10" is 16 seconds.
	ld, ok := parseLongDouble(arg)
	if !ok {
		c.Error(errTimeoutFloat)
		return 0, false
	}
	secs, _ := ld.f.Float64()
	ms := math.Trunc(secs * 1000)
	if ms < 0 || ms >= math.MaxInt64 {
		c.Error(errTimeoutNegative)
		return 0, false
	}
	if ms >= float64(math.MaxInt64/int64(time.Millisecond)) {
		return 0, true // centuries: as good as forever, which 0 means
	}
	return time.Duration(ms) * time.Millisecond, true
}

// parseMsTimeout reads a timeout in milliseconds (WAIT, CLIENT PAUSE) as
// Redis's getTimeoutFromObjectOrReply does, replying its error if any.
func parseMsTimeout(c *Ctx, arg []byte) (int64, bool) {
	ms, ok := parseInt(arg)
	if !ok {
		c.Error("ERR timeout is not an integer or out of range")
		return 0, false
	}
	if ms < 0 {
		c.Error(errTimeoutNegative)
		return 0, false
	}
	return ms, true
}

// clientSyntaxError is Redis's reply to a CLIENT subcommand given
// arguments it does not take.
func clientSyntaxError(c *Ctx) {
	c.Errorf("ERR unknown subcommand or wrong number of arguments for '%s'. Try CLIENT HELP.", truncate(c.Args[1], 128))
}

// clientUnblock is CLIENT UNBLOCK id [TIMEOUT|ERROR]: the client blocked
// in a blocking command gets its timeout reply, or with ERROR Redis's
// UNBLOCKED error; the reply is 1 if the client was blocked, else 0.
func clientUnblock(c *Ctx) {
	if len(c.Args) > 4 {
		clientSyntaxError(c)
		return
	}
	asError := false
	if len(c.Args) == 4 {
		switch {
		case is(c.Args[3], "timeout"):
		case is(c.Args[3], "error"):
			asError = true
		default:
			c.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	}
	id, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	reg := &c.Node.blocked
	reg.mu.Lock()
	b := reg.byConn[id]
	parked := b != nil && !b.serving && reg.removeLocked(b) // one being served is answered by it
	reg.mu.Unlock()
	if !parked {
		c.W.Int(0)
		return
	}
	reply := b.timeoutReply
	st, us := b.spec.stats.on(c.Stripe), b.took.Microseconds()
	st.calls.Add(1)
	st.usec.Add(us)
	if c.Node.hot().latencyTracking.Int() != 0 {
		st.latencyCounts().Record(us)
	}
	if asError {
		const unblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK"
		reply = func(w *resp.Writer) { w.Error(unblocked) }
		st.failed.Add(1)
		c.Node.Table.countError(unblocked)
	}
	b.conn.Unblock(replyBytes(b.conn.Proto(), reply))
	c.W.Int(1)
}
