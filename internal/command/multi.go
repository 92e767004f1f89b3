package command

import (
	"sync"

	"github.com/shoal-cache/shoal/internal/stripe"
)

// Transactions: MULTI queues commands, EXEC runs them as one step that no
// other client's command interleaves with, DISCARD drops them. WATCH makes
// EXEC fail (a null reply) if a watched key changed in between: the engine
// tells the connection's Watcher of every change to a watched key, whether
// a write, a delete, an expiry, an eviction or a flush.
//
// As in Redis, a command that cannot be queued (unknown, wrong arity,
// refused for auth or memory) replies its error at once and makes EXEC
// answer EXECABORT; a command that fails while EXEC runs it does not undo
// the others.

// multiState is a connection's open transaction.
type multiState struct {
	queued []queuedCommand
	// flags are the queued commands' flags together: EXEC of a
	// transaction holding a denyoom command is refused over maxmemory.
	flags Flags
	// aborted is set when a command could not be queued.
	aborted bool
}

type queuedCommand struct {
	spec *Spec
	args [][]byte // copied: the read buffer is reused
}

const (
	errExecAbort     = "EXECABORT Transaction discarded because of previous errors."
	errExecNoMulti   = "ERR EXEC without MULTI"
	errDiscardNoMult = "ERR DISCARD without MULTI"
	errMultiNested   = "ERR MULTI calls can not be nested"
	errWatchInMulti  = "ERR WATCH inside MULTI is not allowed"
	errNotInMulti    = "ERR Command not allowed inside a transaction"
)

// runsInMulti reports whether spec runs at once inside MULTI instead of
// being queued: the transaction's own commands, and QUIT and RESET.
func runsInMulti(spec *Spec) bool {
	switch spec.fullName {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

// queue adds the command in c.Args to the open transaction.
func (m *multiState) queue(spec *Spec, args [][]byte) {
	m.queued = append(m.queued, queuedCommand{spec: spec, args: cloneArgs(args)})
	m.flags |= spec.Flags
}

func multi(c *Ctx) {
	if c.multi != nil {
		c.Error(errMultiNested)
		return
	}
	c.multi = &multiState{}
	c.multiGauge.Store(1)
	c.W.OK()
}

func discard(c *Ctx) {
	if c.multi == nil {
		c.Error(errDiscardNoMult)
		return
	}
	c.endMulti()
	c.unwatch()
	c.W.OK()
}

func (c *Ctx) endMulti() {
	c.multi = nil
	c.multiGauge.Store(0)
}

// exec runs the queued commands. Table.Exec holds the node's gate
// exclusively around it, so no other client's command runs meanwhile.
func exec(c *Ctx) {
	m := c.multi
	if m == nil {
		c.Error(errExecNoMulti)
		return
	}
	// While the queue runs, CLIENT LIST still shows the transaction, as
	// Redis's does.
	c.multi = nil
	defer c.endMulti()
	if m.aborted {
		c.unwatch()
		c.Error(errExecAbort)
		return
	}
	if c.watchBroken() {
		c.unwatch()
		c.W.NullArray()
		return
	}
	c.unwatch()
	c.W.Array(len(m.queued))
	c.inExec = true
	effects := c.beginEffects()
	for _, q := range m.queued {
		c.Args = q.args
		c.Node.Table.run(c, q.spec)
	}
	c.endEffects(effects)
	c.inExec = false
}

// watchBroken reports whether EXEC must fail: a watched key changed, or
// expired since it was watched (an expired key nobody touched is deleted
// by looking at it, which marks the watcher).
func (c *Ctx) watchBroken() bool {
	if !c.watcher.Watching() {
		return false
	}
	dbs, keys := c.Node.Engine.WatchedKeys(&c.watcher)
	lapsed := false
	for i, k := range keys {
		db := c.Node.Engine.DB(dbs[i])
		v := c.Txn.LockKey(db, []byte(k))
		// A replica, or a node whose clients are paused, keeps a lapsed
		// key: it reads as missing but looking deletes nothing. It
		// counts as changed unless it had lapsed when it was watched, as
		// Redis's isWatchedKeyExpired has it.
		if v.Peek([]byte(k)) == nil && v.PeekRaw([]byte(k)) != nil && !c.watchedLapsed[watchedKey{dbs[i], k}] {
			lapsed = true
		}
		c.Txn.Unlock()
	}
	return lapsed || c.watcher.Dirty()
}

// watchedKey names a watched key in its database.
type watchedKey struct {
	db  int
	key string
}

func watch(c *Ctx) {
	if c.multi != nil {
		c.Error(errWatchInMulti)
		return
	}
	db := c.DB()
	for _, k := range c.Args[1:] {
		// Looking first deletes a key that already expired, so that its
		// later reclaiming does not count as a change.
		v := c.Txn.LockKey(db, k)
		if v.Peek(k) == nil && v.PeekRaw(k) != nil {
			if c.watchedLapsed == nil {
				c.watchedLapsed = map[watchedKey]bool{}
			}
			c.watchedLapsed[watchedKey{db.Index(), string(k)}] = true
		}
		c.Node.Engine.Watch(&c.watcher, db.Index(), k)
		c.Txn.Unlock()
	}
	c.W.OK()
}

func unwatchCmd(c *Ctx) {
	c.unwatch()
	c.W.OK()
}

func (c *Ctx) unwatch() {
	if c.watcher.Watching() || c.watcher.Dirty() {
		c.Node.Engine.Unwatch(&c.watcher)
	}
	c.watchedLapsed = nil
}

// MultiState reports, for CLIENT LIST, the commands queued in the open
// transaction (-1 outside one) and whether a watched key changed. It is
// safe to call from another goroutine.
func (c *Ctx) MultiState() (queued int, dirty bool) {
	return int(c.multiGauge.Load()) - 1, c.watcher.Dirty()
}

// Release frees what the connection holds in the node (its watched keys,
// open transaction and subscriptions); the server calls it when the
// connection closes.
func (c *Ctx) Release() {
	if c.monitoring {
		c.monitoring = false
		c.Node.monitors.remove(c.Conn)
	}
	c.endMulti()
	c.unwatch()
	c.unblock()
	c.DropSubscriptions()
}

// resetTransaction is RESET's part: no transaction, no watched keys.
func (c *Ctx) resetTransaction() { c.Release() }

// gate lets commands run side by side, and EXEC (later scripts) run with
// no other command at all. Commands enter one of several read locks, their
// event loop's, so that loops do not share a cache line; an exclusive
// holder takes every one.
type gate struct {
	exclusive sync.Mutex
	slots     [gateSlots]struct {
		sync.RWMutex
		_ [64 - 24]byte // a cache line each
	}
}

const gateSlots = stripe.Count

// gateSlot is the side of the gate c enters: its event loop's (stripe),
// so that loops entering at once take and release different cache lines.
func (c *Ctx) gateSlot() int { return stripe.Of(c.Stripe) }

func (g *gate) enter(slot int) { g.slots[slot].RLock() }
func (g *gate) leave(slot int) { g.slots[slot].RUnlock() }

func (g *gate) lock() {
	g.exclusive.Lock()
	for i := range g.slots {
		g.slots[i].Lock()
	}
}

func (g *gate) unlock() {
	for i := range g.slots {
		g.slots[i].Unlock()
	}
	g.exclusive.Unlock()
}

func transactionCommands() []*Spec {
	const flags = NoScript | Loading | Stale | Fast | AllowBusy
	return []*Spec{
		{Name: "multi", Arity: 1, Flags: flags, Group: "transactions", Summary: "Mark the start of a transaction block", Since: "1.2.0", Handler: multi},
		{Name: "exec", Arity: 1, Flags: NoScript | Loading | Stale | SkipSlowlog, Group: "transactions", Summary: "Execute all commands issued after MULTI", Since: "1.2.0", Handler: exec, exclusive: true},
		{Name: "discard", Arity: 1, Flags: flags, Group: "transactions", Summary: "Discard all commands issued after MULTI", Since: "2.0.0", Handler: discard},
		{Name: "watch", Arity: -2, Flags: flags, FirstKey: 1, LastKey: -1, Step: 1, Group: "transactions", Summary: "Watch the given keys to determine execution of the MULTI/EXEC block", Since: "2.2.0", Handler: watch},
		{Name: "unwatch", Arity: 1, Flags: flags, Group: "transactions", Summary: "Forget about all watched keys", Since: "2.2.0", Handler: unwatchCmd},
	}
}
