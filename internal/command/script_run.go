package command

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/resp"
	"github.com/shoal-cache/shoal/internal/scripting"
)

// How a script runs. A script is atomic: EVAL takes the node's gate
// exclusively, so no other command runs until it ends. The script runs on
// a goroutine of its own while the caller's event loop waits for it; if
// it is still running after busy-reply-threshold, the script turns busy:
// the event loop is let go (the caller's connection stays parked, as a
// blocked client's does, until the reply is ready) and every other client
// gets -BUSY, but for the few commands Redis allows then (allow_busy:
// SCRIPT KILL, SHUTDOWN NOSAVE, AUTH, HELLO, MULTI, ...), which run beside
// the script without the gate. SCRIPT KILL cancels a busy script that has
// not written.
//
// Commands look at the running script before they enter the gate: one
// that arrives while a script runs waits until the script ends or turns
// busy, instead of waiting on the gate, so that it can be told BUSY.

const (
	errBusy       = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	errNotBusy    = "NOTBUSY No scripts in execution right now."
	errUnkillable = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
)

// scriptEngine is a node's scripting state: the script cache, the Lua VM
// and the script running.
type scriptEngine struct {
	mu    sync.Mutex
	cache map[string]*scripting.Script
	// vm runs every script, one at a time, and host runs their
	// commands: only the holder of the exclusive gate uses them.
	vm   *scripting.VM
	host scriptHost
	// running is the script that runs or waits for the gate, nil when
	// there is none.
	running atomic.Pointer[scriptRun]
}

// lookup returns the cached script named sha (lower case), or nil.
func (e *scriptEngine) lookup(sha string) *scripting.Script {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cache[sha]
}

// load compiles body, or finds it compiled, and caches it.
func (e *scriptEngine) load(body []byte) (*scripting.Script, error) {
	sha := scripting.SHA1Hex(string(body))
	if s := e.lookup(sha); s != nil {
		return s, nil
	}
	s, err := scripting.Compile(string(body))
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cache == nil {
		e.cache = map[string]*scripting.Script{}
	}
	e.cache[sha] = s
	return s, nil
}

// flush empties the cache (SCRIPT FLUSH).
func (e *scriptEngine) flush() {
	e.mu.Lock()
	e.cache = nil
	e.mu.Unlock()
}

// scriptRun is one script's execution.
type scriptRun struct {
	ctx    context.Context
	cancel context.CancelFunc
	// wrote is set once the script called a write command: SCRIPT KILL
	// then refuses, as the dataset would be left half changed.
	wrote atomic.Bool
	// busy is set when the script passes busy-reply-threshold.
	busy atomic.Bool
	// changed is closed when the script turns busy or ends: commands
	// waiting on the script look again.
	changed     chan struct{}
	changedOnce sync.Once
	// state says who finishes the run: see runScript.
	state atomic.Int32
	// wake is closed when the caller's event loop may go on: the script
	// ended (stateFinished) or turned busy (stateDetached).
	wake chan struct{}
}

const (
	stateRunning int32 = iota
	stateFinished
	stateDetached
)

func newScriptRun() *scriptRun {
	r := &scriptRun{changed: make(chan struct{}), wake: make(chan struct{})}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

func (r *scriptRun) signalChanged() { r.changedOnce.Do(func() { close(r.changed) }) }

// turnBusy runs when the script passes busy-reply-threshold.
func (r *scriptRun) turnBusy() {
	r.busy.Store(true)
	r.signalChanged()
	if r.state.CompareAndSwap(stateRunning, stateDetached) {
		close(r.wake)
	}
}

// scriptPass is what a command may do while a script runs.
type scriptPass int

const (
	// throughGate: no script runs; the command enters the gate.
	throughGate scriptPass = iota
	// besideScript: a busy script holds the gate, and the command is
	// one Redis lets run meanwhile.
	besideScript
	// refuseBusy: a busy script holds the gate; the reply is -BUSY.
	refuseBusy
)

// passScript waits while a script runs and has not turned busy, and says
// how the command goes on.
func (c *Ctx) passScript(spec *Spec) scriptPass {
	for {
		r := c.Node.scripts.running.Load()
		if r == nil {
			return throughGate
		}
		if r.busy.Load() {
			return c.busyPass(spec, r)
		}
		<-r.changed
	}
}

// busyPass decides for a command sent while a script is busy. SHUTDOWN
// passes only with NOSAVE (and kills the script, which could otherwise
// run on after the node stopped).
func (c *Ctx) busyPass(spec *Spec, r *scriptRun) scriptPass {
	if spec.Flags&AllowBusy == 0 {
		return refuseBusy
	}
	if spec.Name == "shutdown" {
		if len(c.Args) < 2 || !is(c.Args[1], "nosave") {
			return refuseBusy
		}
		r.cancel()
	}
	return besideScript
}

// refuseBusy replies -BUSY. EXEC is refused as Redis refuses it: the
// transaction is discarded with EXECABORT.
func (c *Ctx) refuseBusy(spec *Spec) {
	spec.stats.rejected.Add(1)
	if spec.Name == "exec" && c.multi != nil {
		c.endMulti()
		c.unwatch()
		c.Error("EXECABORT Transaction discarded because of: " + errBusy)
		return
	}
	c.Error(errBusy)
	c.abortMulti()
}

// publish makes r the running script, once no other script runs; it
// reports false when another is busy (the caller replies BUSY).
func (e *scriptEngine) publish(r *scriptRun) bool {
	for !e.running.CompareAndSwap(nil, r) {
		cur := e.running.Load()
		if cur == nil {
			continue
		}
		if cur.busy.Load() {
			return false
		}
		<-cur.changed
	}
	return true
}

// unpublish ends r's time as the running script.
func (e *scriptEngine) unpublish(r *scriptRun) {
	e.running.CompareAndSwap(r, nil)
	r.signalChanged()
}

// scriptJob is a script to run for the client of c.
type scriptJob struct {
	script     *scripting.Script
	keys, argv [][]byte // copied from the read buffer
	readOnly   bool
	// oom is set when the node was over maxmemory as the script started:
	// its first write that may grow memory is refused.
	oom bool
	// wroteAny is set once the script called a write command.
	wroteAny bool
}

// runScript runs job atomically and replies its result. Inside EXEC the
// gate is EXEC's and the script runs here, to the end. Otherwise the
// script takes the gate and runs on a goroutine of its own; if it ends
// within busy-reply-threshold, its reply is written here; if not, the
// connection is parked and the script's goroutine replies, serves the
// clients its writes unblocked and lets the gate go when it ends.
func (c *Ctx) runScript(job *scriptJob) {
	e := &c.Node.scripts
	if c.inExec {
		res, errs := e.execute(c, job, nil)
		c.failed = c.writeScriptReply(c.W, res) || errs > 0
		return
	}
	r := newScriptRun()
	if !e.publish(r) {
		c.Error(errBusy)
		return
	}
	c.Node.gate.lock()
	threshold := time.Duration(c.Node.Config.Int("busy-reply-threshold")) * time.Millisecond
	timer := time.AfterFunc(threshold, r.turnBusy)
	var res *scripting.Result
	var errs int
	go func() {
		res, errs = e.execute(c, job, r)
		timer.Stop()
		if r.state.CompareAndSwap(stateRunning, stateFinished) {
			close(r.wake)
			return
		}
		c.finishDetached(r, res)
	}()
	<-r.wake
	if r.state.Load() == stateDetached {
		c.Conn.Block()
		return
	}
	c.failed = c.writeScriptReply(c.W, res) || errs > 0
	c.endScript(r)
}

// finishDetached ends a script that outlived busy-reply-threshold, on the
// script's goroutine: its event loop has let the connection go.
func (c *Ctx) finishDetached(r *scriptRun, res *scripting.Result) {
	var out bytes.Buffer
	w := resp.NewWriter(&out)
	w.Proto = c.Conn.Proto()
	c.writeScriptReply(w, res)
	w.Flush()
	c.endScript(r)
	c.Conn.Unblock(out.Bytes())
}

// endScript serves the clients the script's writes unblocked and lets the
// gate go.
func (c *Ctx) endScript(r *scriptRun) {
	c.serveReady()
	c.Node.scripts.unpublish(r)
	r.cancel()
	c.Node.gate.unlock()
}

// execute runs job in the node's VM; r is nil inside EXEC, where the
// script cannot be killed. errs counts the error replies of the commands
// the script called: like Redis, EVAL counts as failed when there were
// any.
func (e *scriptEngine) execute(c *Ctx, job *scriptJob, r *scriptRun) (res *scripting.Result, errs int) {
	if e.vm == nil {
		e.vm = scripting.NewVM(RedisVersion)
	}
	h := &e.host
	h.reset(c, job, r)
	defer h.release()
	ctx := context.Background()
	if r != nil {
		ctx = r.ctx
	}
	res = e.vm.Run(ctx, job.script, job.keys, job.argv, h)
	return res, h.errors
}

// writeScriptReply writes the script's result to w and reports whether
// it holds an error. Errors count in INFO errorstats as in Redis: one
// that a command in the script replied was counted then.
func (c *Ctx) writeScriptReply(w *resp.Writer, res *scripting.Result) (failed bool) {
	res.Write(w, func(msg string, counted bool) {
		failed = true
		w.Error(msg)
		if !counted {
			c.Node.Table.countError(msg)
		}
	})
	return failed
}

// scriptKill is SCRIPT KILL.
func scriptKill(c *Ctx) {
	r := c.Node.scripts.running.Load()
	switch {
	case r == nil || !r.busy.Load():
		c.Error(errNotBusy)
	case r.wrote.Load():
		c.Error(errUnkillable)
	default:
		r.cancel()
		c.W.OK()
	}
}
