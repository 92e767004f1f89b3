package command

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/pubsub"
	"github.com/shoal-cache/shoal/internal/resp"
)

// Conn is what a handler may see and change of the client connection that
// sent the command. The server implements it.
type Conn interface {
	ID() int64
	Name() string
	SetName(string)
	DB() int
	SetDB(int)
	// Proto is the RESP version, 2 or 3; SetProto also switches the
	// connection's writer.
	Proto() int
	SetProto(int)
	User() string
	Authenticated() bool
	// Authenticate marks the connection as logged in as user.
	Authenticate(user string)
	SetLib(name, version string)
	SetNoEvict(bool)
	// Info is the client's line in CLIENT LIST / CLIENT INFO.
	Info() string
	Addr() string
	LocalAddr() string
	// Kill closes the connection from another goroutine (CLIENT KILL).
	Kill()
	// Block stops the connection from running further commands: its
	// command waits (blocking.go). Unblock, from any goroutine, sends the
	// waiting command's reply and resumes the connection.
	Block()
	Unblock(reply []byte)
	// Postpone parks the connection with the command it is running, which
	// has not run (CLIENT PAUSE); Resume, from any goroutine, has the
	// connection run it again on its loop, then the input that came
	// meanwhile.
	Postpone()
	Resume()
	// CloseAfterReply closes the connection once the pending replies are
	// flushed (QUIT).
	CloseAfterReply()
	// NoteCommand records the command about to run (nil for an unknown
	// one), as CLIENT LIST's cmd field shows it.
	NoteCommand(*Spec)
	// Reset returns the connection to its state right after connecting
	// (RESET): db 0, RESP2, no name.
	Reset()
	// Push sends msg, a complete Pub/Sub message in the connection's
	// protocol, from any goroutine: it is queued behind the replies the
	// connection is writing, and may close a subscriber that does not
	// read (client-output-buffer-limit). msg must not change afterwards.
	Push(msg []byte)
}

// ClientStats are the connection counters INFO clients and stats report.
type ClientStats struct {
	Connected, Blocked              int
	TotalConnections, Rejected      int64
	NetInputBytes, NetOutputBytes   int64
	MaxInputBuffer, MaxOutputBuffer int64
	// Reads counts the read events from clients, Writes the writes of
	// replies to them (Redis's calls of readQueryFromClient and
	// writeToClient).
	Reads, Writes int64
	// NetReplOutputBytes is what went to replicas (not counted in
	// NetOutputBytes, as in Redis).
	NetReplOutputBytes int64
	// EventLoops is how many event loops there are, ActiveLoops how
	// many take clients now, LoopMoves how many times a client moved
	// between loops (package netloop).
	EventLoops, ActiveLoops int
	LoopMoves               int64
}

// Clients is the node's registry of connections.
type Clients interface {
	// List returns the connected clients, ordered by id.
	List() []Conn
	Stats() ClientStats
	ResetStats()
}

// Node is what handlers need from the node around them.
type Node struct {
	Engine  *engine.Engine
	Config  *config.Config
	Table   *Table
	Clients Clients
	Log     *slog.Logger
	// RunID identifies this run of the node (INFO server run_id).
	RunID   string
	Version string
	Started time.Time
	// TCPPort is the port actually bound, for INFO server.
	TCPPort int
	// Shutdown stops the node; SHUTDOWN calls it after its checks.
	Shutdown func()

	// PubSub is who subscribed to which channels and patterns.
	PubSub pubsub.Registry[Conn]
	// sink receives what write commands changed (effects.go); nil when
	// nothing listens (no AOF).
	sink atomic.Pointer[sinkBox]
	// AOF is the append-only log (BGREWRITEAOF, INFO); nil when the node
	// has none to offer.
	AOF AOFControl
	// Repl is the node's replication (replication.go); nil without.
	Repl Replication
	// replAux are the replication AUX fields of the snapshot being taken.
	replAux atomic.Pointer[[][2]string]

	// gate lets EXEC run with no other command alongside.
	gate gate
	// blocked holds the clients parked by blocking commands.
	blocked blockRegistry
	// scripts is the script cache and the script running, if any.
	scripts scriptEngine
	// persist is the state of snapshots and loading (save.go).
	persist persistState
	// pause is CLIENT PAUSE's (pause.go).
	pause pauseState
	// hotOnce makes hotCfg (hotconfig.go).
	hotOnce  sync.Once
	hotCfg   *hotConfig
	slowlog  slowLog
	latency  latencyMonitor
	monitors monitors
}

// Ctx is one command being executed.
type Ctx struct {
	// Args are the command's arguments, Args[0] its name. They alias the
	// connection's read buffer: copy what must outlive the command.
	Args [][]byte
	W    *resp.Writer
	Conn Conn
	Node *Node
	Txn  *engine.Txn
	// Stripe is the stripe (package stripe) of the event loop the
	// command runs on: its counters are added there.
	Stripe int

	spec   *Spec
	failed bool
	// monitoring: the connection ran MONITOR (monitor.go).
	monitoring bool
	// replicaLink: the connection is a replica's, streaming (PSYNC).
	replicaLink bool
	// postponed is the command a pause holds back (pause.go).
	postponed [][]byte
	// watchedLapsed are the watched keys that had lapsed, kept by a
	// replica or a pause, when WATCH looked at them (multi.go).
	watchedLapsed map[watchedKey]bool
	// batchStart is when the batch's input arrived, and sinceBatch how
	// long after it the next command starts (when the one before ended).
	// A command's wall-clock time and its duration both derive from one
	// monotonic clock read per command: the vDSO clock is a visible share
	// of a pipelined GET's cost.
	batchStart   time.Time
	batchStartMs int64
	sinceBatch   time.Duration

	// multi is the open transaction (MULTI), nil outside one; watcher
	// is the connection's WATCH state.
	multi   *multiState
	watcher engine.Watcher
	// inExec is set while EXEC runs the queue, serving while the command
	// runs for a parked client; wouldBlock is set by a command that found
	// nothing while serving (blocking.go); parked by one that parked its
	// client. Neither counts as a call: as in Redis, a blocking command
	// counts once, when it is served or times out.
	inExec, serving, wouldBlock, parked bool

	// multiGauge is 1 + the commands queued while in MULTI, 0 outside:
	// CLIENT LIST reads it from other goroutines.
	multiGauge atomic.Int32

	// subs are the connection's Pub/Sub subscriptions.
	subs pubsub.Subscriber[Conn]
	// scriptPushes are the Pub/Sub messages to this client that the
	// script it runs published, encoded, to go ahead of the script's
	// reply (pushToSelf).
	scriptPushes []byte
	// heldPushes are the keyspace notifications to this client that its
	// command sent, encoded, to go after the command's reply
	// (repliesBeforeNotifying).
	heldPushes []byte

	// lastSpec is the command the connection ran last: clients tend to
	// repeat one, and comparing its name is cheaper than the table lookup.
	lastSpec *Spec

	// effect is what the running command propagates instead of its Args
	// (propagateAs), propagated whether it was, batch where EXEC and
	// scripts collect effects (effects, kept from one to the next, unless
	// the batch is a script's caller's), commit the Txn's OnCommit for
	// this Ctx (effects.go).
	effect     [][]byte
	propagated bool
	fedPos     int64
	// woff is the stream position after the connection's last write
	// (WAIT waits for it).
	woff int64
	// loading is set for the Replayer's commands.
	loading bool
	batch   *effectBatch
	effects effectBatch
	commit  func()
}

// StartBatch tells the Ctx that input arrived at now, after the
// connection waited for it: the next command starts then.
func (c *Ctx) StartBatch(now time.Time) {
	c.batchStart, c.batchStartMs, c.sinceBatch = now, now.UnixMilli(), 0
}

// now is the time, derived from the batch's start with one monotonic
// clock read: time.Now reads the wall clock as well, twice the cost, and
// a short script reads the time several times.
func (c *Ctx) now() time.Time {
	if c.batchStart.IsZero() {
		return time.Now()
	}
	return c.batchStart.Add(time.Since(c.batchStart))
}

// DB returns the connection's selected database.
func (c *Ctx) DB() *engine.DB { return c.Node.Engine.DB(c.Conn.DB()) }

// Spec returns the command being executed.
func (c *Ctx) Spec() *Spec { return c.spec }

// Error replies with an error ("ERR ...", "WRONGTYPE ...") and counts it
// in INFO errorstats and the command's failed_calls.
func (c *Ctx) Error(msg string) {
	c.failed = true
	c.W.Error(msg)
	c.Node.Table.countError(msg)
}

// Errorf formats an error reply.
func (c *Ctx) Errorf(format string, args ...any) { c.Error(fmt.Sprintf(format, args...)) }

// Exec runs one command: look it up, check its arity and the client's
// right to run it, queue it in an open transaction or call the handler,
// and account for it.
func (t *Table) Exec(c *Ctx) {
	spec := t.resolve(c)
	if spec == nil {
		return
	}
	// Redis checks its protected commands before the client's right to
	// run anything.
	if spec.Flags&Admin != 0 && spec.Name == "debug" && debugRefused(c) {
		c.reject(spec, errDebugNotAllowed)
		return
	}
	if spec.Flags&NoAuth == 0 && !c.Conn.Authenticated() {
		c.reject(spec, errNoAuth)
		return
	}
	if c.monitoring && spec.Flags&(Write|ReadOnly|MayReplicate) != 0 {
		c.reject(spec, "ERR Replica can't interact with the keyspace")
		return
	}
	if msg := c.persistenceRefusal(spec); msg != "" {
		c.reject(spec, msg)
		return
	}
	if msg := c.replicationRefusal(spec); msg != "" {
		c.reject(spec, msg)
		return
	}
	pass := c.passScript(spec)
	if pass == refuseBusy {
		c.reject(spec, c.Node.scripts.busyError())
		return
	}
	if c.Node.pause.mode.Load() != int32(pauseNone) && c.pauseHolds(spec) {
		return
	}
	if c.multi != nil && !runsInMulti(spec) {
		if spec.Flags&NoMulti != 0 {
			c.reject(spec, errNotInMulti)
			return
		}
		// Queueing takes memory too: over maxmemory Redis refuses every
		// command a transaction would queue, not only those that grow
		// the dataset.
		if !c.memoryFor(DenyOOM) {
			c.reject(spec, errOOM)
			return
		}
		c.multi.queue(spec, c.Args)
		c.multiGauge.Add(1)
		c.W.Simple("QUEUED")
		return
	}
	needs := spec.Flags
	if spec.exclusive && c.multi != nil {
		needs = c.multi.flags // EXEC needs what its commands need
	}
	if !c.memoryFor(needs) {
		c.reject(spec, errOOM)
		return
	}
	if msg := c.subscribedRefusal(spec); msg != "" {
		c.reject(spec, msg)
		return
	}
	if pass == besideScript || spec.ownsGate {
		t.run(c, spec)
		return
	}
	if spec.exclusive {
		c.Node.gate.lock()
		t.run(c, spec)
		c.serveReady()
		c.Node.gate.unlock()
		return
	}
	slot := c.gateSlot()
	c.Node.gate.enter(slot)
	t.run(c, spec)
	c.serveReady()
	c.Node.gate.leave(slot)
}

// serveReady serves the clients blocked on keys the command filled.
func (c *Ctx) serveReady() {
	if ready := c.Txn.TakeReady(); ready != nil {
		c.serveBlocked(ready)
	}
}

// memoryFor checks maxmemory for a command with the given flags: one that
// may grow memory (denyoom) first evicts what the policy allows, and may
// not run (Redis's OOM error) when memory stays over the limit.
func (c *Ctx) memoryFor(flags Flags) bool {
	if c.loading {
		return true // a log replays what was accepted when it was written
	}
	eng := c.Node.Engine
	return flags&DenyOOM == 0 || !eng.OutOfMemory()
}

// reject refuses spec before it runs, as Redis's rejectCommand does: the
// refusal is counted, and an open transaction fails at EXEC. A refused
// EXEC (its arity, the client's state, the node's: anything checked before
// it runs) discards the transaction at once and answers EXECABORT with
// the reason, without the ERR code Redis's own texts for these lack.
func (c *Ctx) reject(spec *Spec, msg string) {
	spec.stats.on(c.Stripe).rejected.Add(1)
	if spec.Name == "exec" {
		c.endMulti()
		c.unwatch()
		c.Error("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR "))
		return
	}
	c.Error(msg)
	c.abortMulti()
}

// abortMulti makes the open transaction, if any, fail at EXEC: a command
// could not be queued.
func (c *Ctx) abortMulti() {
	if c.multi != nil {
		c.multi.aborted = true
	}
}

// run calls the handler of spec with c.Args, timing and counting it.
func (t *Table) run(c *Ctx, spec *Spec) {
	c.spec, c.failed = spec, false
	if c.batchStart.IsZero() {
		c.StartBatch(time.Now())
	}
	start := c.sinceBatch
	c.Txn.Begin(c.Node.Engine.NowMs(c.batchStartMs + start.Milliseconds()))
	c.effect, c.propagated, c.parked = nil, false, false
	if c.commit == nil {
		c.commit = c.commitEffects
	}
	outer := c.Txn.OnCommit // a script's command runs inside EVAL's run
	c.Txn.OnCommit = c.commit
	monitored, args := c.Node.monitors.n.Load() > 0, c.Args
	if monitored && spec.Flags&SkipMonitor != 0 {
		c.Node.monitors.feed(c, spec, args)
	}
	spec.Handler(c)
	c.Txn.Commit() // a handler that did not unlock through the Txn
	c.Txn.OnCommit = outer
	if len(c.heldPushes) > 0 {
		c.W.Raw(c.heldPushes)
		c.heldPushes = c.heldPushes[:0]
	}
	c.sinceBatch = time.Since(c.batchStart)
	took := c.sinceBatch - start
	if c.parked || c.wouldBlock {
		return
	}
	us := took.Microseconds()
	st := spec.stats.on(c.Stripe)
	st.usec.Add(us)
	st.calls.Add(1)
	if c.failed {
		st.failed.Add(1)
	}
	hot := c.Node.hot()
	if hot.latencyTracking.Int() != 0 {
		st.latencyCounts().Record(us)
	}
	if spec.latency != nil {
		spec.latency.ObserveLatency(c.Stripe, took)
	}
	if th := hot.slowerThan.Int(); th >= 0 && us >= th && spec.Flags&SkipSlowlog == 0 {
		c.Node.slowlog.add(c, us, hot.slowMaxLen.Int())
	}
	if th := hot.latencyThreshold.Int(); th > 0 && took.Milliseconds() >= th {
		c.Node.latency.add(latencyEventOf(spec), took.Milliseconds())
	}
	if monitored && spec.Flags&SkipMonitor == 0 {
		c.Node.monitors.feed(c, spec, args)
	}
}

// resolve finds the command or subcommand named by the arguments and
// checks its arity, refusing it with Redis's error when either fails. The
// connection is told which command runs (CLIENT LIST's cmd field).
func (t *Table) resolve(c *Ctx) *Spec {
	spec := c.lastSpec
	if spec == nil || !is(c.Args[0], spec.Name) {
		spec = t.Lookup(c.Args[0])
		c.lastSpec = spec
	}
	c.Conn.NoteCommand(spec)
	if spec == nil {
		c.Error(unknownCommand(c.Args))
		c.abortMulti()
		return nil
	}
	if !arityOK(spec, len(c.Args)) {
		c.reject(spec, "ERR wrong number of arguments for '"+spec.fullName+"' command")
		return nil
	}
	// A container called alone (COMMAND) runs its own handler.
	if spec.subs != nil && len(c.Args) > 1 {
		sub := spec.Sub(c.Args[1])
		c.Conn.NoteCommand(sub)
		if sub == nil {
			c.Error(unknownSubcommand(c.Args[1], spec.Name))
			c.abortMulti()
			return nil
		}
		if !arityOK(sub, len(c.Args)) {
			c.reject(sub, "ERR wrong number of arguments for '"+sub.fullName+"' command")
			return nil
		}
		spec = sub
	}
	return spec
}

func arityOK(s *Spec, n int) bool {
	if s.Arity >= 0 {
		return n == s.Arity
	}
	return n >= -s.Arity
}

// unknownCommand is Redis's text: the name and up to 128 bytes of quoted
// arguments, each cut at a NUL as C strings are.
func unknownCommand(args [][]byte) string {
	var quoted strings.Builder
	for _, a := range args[1:] {
		if quoted.Len() >= 128 {
			break
		}
		fmt.Fprintf(&quoted, "'%s' ", truncate(cutNUL(a), 128-quoted.Len()))
	}
	return fmt.Sprintf("ERR unknown command '%s', with args beginning with: %s", truncate(cutNUL(args[0]), 128), quoted.String())
}

func cutNUL(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

func unknownSubcommand(sub []byte, container string) string {
	return fmt.Sprintf("ERR unknown subcommand '%s'. Try %s HELP.", truncate(sub, 128), strings.ToUpper(container))
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:max(n, 0)]
	}
	return b
}

func (t *Table) countError(msg string) {
	code, _, _ := strings.Cut(msg, " ")
	t.errMu.Lock()
	if len(t.errCounts) < 128 || t.errCounts[code] > 0 {
		t.errCounts[code]++
	}
	t.errMu.Unlock()
}

// ErrorCounts returns how many error replies were sent per error code.
func (t *Table) ErrorCounts() map[string]int64 {
	t.errMu.Lock()
	defer t.errMu.Unlock()
	out := make(map[string]int64, len(t.errCounts))
	for k, v := range t.errCounts {
		out[k] = v
	}
	return out
}

// CommandStat is one line of INFO commandstats.
type CommandStat struct {
	Name                          string
	Calls, Usec, Rejected, Failed int64
}

// Stats returns the counters of every command and subcommand that was
// called or rejected at least once.
func (t *Table) Stats() []CommandStat {
	var out []CommandStat
	visit := func(s *Spec) {
		st := CommandStat{Name: s.fullName}
		st.Calls, st.Usec, st.Rejected, st.Failed = s.stats.sum()
		if st.Calls+st.Rejected+st.Failed > 0 {
			out = append(out, st)
		}
	}
	for _, s := range t.All() {
		visit(s)
		for _, sub := range s.Subcommands {
			visit(sub)
		}
	}
	return out
}

// ResetStats zeroes command and error counters (CONFIG RESETSTAT).
func (t *Table) ResetStats() {
	for _, s := range t.cmds {
		for _, x := range append([]*Spec{s}, s.Subcommands...) {
			x.stats.reset()
		}
	}
	t.errMu.Lock()
	t.errCounts = map[string]int64{}
	t.errMu.Unlock()
}
