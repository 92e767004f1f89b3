package command

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/scripting"
)

// How a script runs. A script is atomic: EVAL takes the node's gate
// exclusively, so no other command runs until it ends. A script that
// writes or runs long runs on a goroutine of its own while the caller's
// event loop waits for it (script_exec.go); if it is still running after
// busy-reply-threshold, the script turns busy:
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
	errBusyFcall  = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	errNotBusy    = "NOTBUSY No scripts in execution right now."
	errUnkillable = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
)

// scriptEngine is a node's scripting state: the script cache, the Lua VM,
// the function libraries and the script running.
type scriptEngine struct {
	mu    sync.Mutex
	cache map[string]*scripting.Script
	// last is the script EVALSHA found last, in the cache until a flush
	// (clients tend to call one script over and over).
	last atomic.Pointer[scripting.Script]
	// vm runs every script, one at a time, and host runs their
	// commands: only the holder of the exclusive gate uses them, and
	// hints (script_exec.go).
	vm    *scripting.VM
	host  scriptHost
	hints map[any]*scriptHint
	// functions are the libraries of FUNCTION LOAD, with their own VM.
	functions functionLibs
	// worker runs the scripts that leave their client's event loop;
	// attemptTimer ends the attempt of attempting when it runs out of
	// time (script_exec.go).
	worker       scriptWorker
	attemptTimer *time.Timer
	attempting   atomic.Pointer[scriptRun]
	// inlining is the script running on its event loop with its effects
	// (runInline), which busyTimer turns busy.
	busyTimer *time.Timer
	timerMu   sync.Mutex
	timerAt   time.Time // when busyTimer fires; zero when it is not set
	// armedAt is timerAt in Unix ns, 0 when not set, read without the
	// lock: most runs find the timer armed early enough.
	armedAt  atomic.Int64
	inlining atomic.Pointer[scriptRun]
	// running is the script that runs or waits for the gate, nil when
	// there is none.
	running atomic.Pointer[scriptRun]
	// runners are the VMs of scripts that run beside other commands
	// (script_beside.go); besideBusy is such a run past
	// busy-reply-threshold, which clients are told BUSY about beside
	// running (a script waiting for the gate the busy run holds a side of);
	// besideWake is closed when one turns busy, for the commands waiting
	// on running.
	runners    runners
	besideBusy atomic.Pointer[scriptRun]
	besideWake atomic.Pointer[chan struct{}]
}

// busyRun is the busy script clients hear about, nil when none is.
func (e *scriptEngine) busyRun() *scriptRun {
	if b := e.besideBusy.Load(); b != nil {
		return b
	}
	if r := e.running.Load(); r != nil && r.busy.Load() {
		return r
	}
	return nil
}

// besideWoken returns the channel closed when a run beside others turns
// busy.
func (e *scriptEngine) besideWoken() <-chan struct{} {
	for {
		if ch := e.besideWake.Load(); ch != nil {
			return *ch
		}
		made := make(chan struct{})
		e.besideWake.CompareAndSwap(nil, &made)
	}
}

// wakeForBeside wakes the commands waiting on the running script: a run
// beside others turned busy.
func (e *scriptEngine) wakeForBeside() {
	if ch := e.besideWake.Swap(nil); ch != nil {
		close(*ch)
	}
}

// lookup returns the cached script named sha (lower case), or nil.
func (e *scriptEngine) lookup(sha string) *scripting.Script {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cache[sha]
}

// lookupBytes is lookup of a name in a byte slice, which it does not
// copy; it remembers what it found in last.
func (e *scriptEngine) lookupBytes(sha []byte) *scripting.Script {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.cache[string(sha)]
	if s != nil {
		e.last.Store(s)
	}
	return s
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

// cached returns the number of scripts in the cache.
func (e *scriptEngine) cached() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.cache)
}

// flush empties the cache (SCRIPT FLUSH).
func (e *scriptEngine) flush() {
	e.mu.Lock()
	e.cache = nil
	e.last.Store(nil)
	e.mu.Unlock()
}

// scriptRun is one script's execution. It is also the context the VM
// runs the script under, cancelled by SCRIPT KILL (or SHUTDOWN NOSAVE),
// by the end of an attempt (script_exec.go) and at the end of the run:
// context.WithCancel would cost four allocations, a visible share of a
// short script's run.
type scriptRun struct {
	// job is what runs, and started when: FUNCTION STATS reads them when
	// the run is busy, after job's arguments were copied.
	job     *scriptJob
	started time.Time
	// held is the job of a run outside EXEC, kept here to save an
	// allocation (job points to it).
	held scriptJob
	// done is the context's channel: nil, read as neverDone, until stop
	// points it to closedDone (restart sets it back). The VM reads it at
	// every instruction. after holds what AfterFunc registered: gopher-lua's
	// coroutines derive their contexts from the run's, and a context
	// derived from one that is not an afterFuncer costs a goroutine.
	done    atomic.Pointer[chan struct{}]
	stopped atomic.Bool
	afterMu sync.Mutex
	after   []*afterStop
	// late are the calls AfterFunc started for a run already stopped:
	// restart waits for them, as they read Err.
	late sync.WaitGroup
	// stopping is held, shared, by each stop while it calls the
	// functions AfterFunc registered, which read Err: restart takes it
	// alone, so that a stop on another goroutine (the attempt's timer)
	// does not call one after restart cleared Err ("context: internal
	// error: missing cancel error").
	stopping sync.RWMutex
	// wrote is set once the script called a write command: SCRIPT KILL
	// then refuses, as the dataset would be left half changed.
	wrote atomic.Bool
	// busy is set when the script passes busy-reply-threshold.
	busy atomic.Bool
	// changed is closed when the script turns busy or ends (signalled):
	// commands waiting on the script look again. It is made by the first
	// command that waits (waitChanged): most runs have none, and a
	// channel each would be a visible share of a short script's cost.
	changed   atomic.Pointer[chan struct{}]
	signalled atomic.Bool
	// state says who finishes a run on a goroutine of its own: see
	// runScript. wake, made for such a run, is closed when the caller's
	// event loop may go on: the script ended (stateFinished) or turned
	// busy (stateDetached).
	state atomic.Int32
	wake  chan struct{}
	// busyAt is when a run on its event loop turns busy.
	busyAt time.Time

	// attempt is the state of the attempt on the event loop
	// (script_exec.go); effectStopped says it was stopped for an effect.
	attempt       atomic.Int32
	effectStopped atomic.Bool
}

const (
	stateRunning int32 = iota
	stateFinished
	stateDetached
	// stateInline: the run is on its client's event loop, to its end.
	stateInline
)

const (
	attemptNone int32 = iota
	attemptRunning
	attemptStopped
)

func newScriptRun() *scriptRun { return &scriptRun{} }

// neverDone is the channel of a run not stopped, and closedDone that of
// one stopped: swapping them, and not closing a channel of the run's
// own, saves making one for each run.
var (
	neverDone  = make(chan struct{})
	closedDone = func() chan struct{} {
		done := make(chan struct{})
		close(done)
		return done
	}()
)

// Deadline, Done, Err and Value make the run a context.Context.
func (r *scriptRun) Deadline() (time.Time, bool) { return time.Time{}, false }
func (r *scriptRun) Value(any) any               { return nil }

func (r *scriptRun) Done() <-chan struct{} {
	if done := r.done.Load(); done != nil {
		return *done
	}
	return neverDone
}

// afterStop is a function AfterFunc registered; done is set once it was
// called or unregistered.
type afterStop struct {
	f    func()
	done atomic.Bool
}

// AfterFunc arranges for f to run once the run is stopped and returns
// what unregisters it (true if it did before f was called).
// context.WithCancel uses it instead of starting a goroutine to watch
// Done; its f cancels the derived context with the run's Err. stop calls
// f itself, before a restart can clear Err; on a run already stopped f
// runs on a goroutine of its own, as context.AfterFunc's does (the
// caller holds the derived context's lock), which restart waits for.
func (r *scriptRun) AfterFunc(f func()) (stop func() bool) {
	a := &afterStop{f: f}
	r.afterMu.Lock()
	if r.stopped.Load() {
		// Counted under afterMu: restart, which holds it while it waits
		// for late calls, cannot miss this one.
		r.late.Add(1)
		r.afterMu.Unlock()
		a.done.Store(true)
		go func() {
			defer r.late.Done()
			f()
		}()
		return func() bool { return false }
	}
	if len(r.after) == cap(r.after) && len(r.after) >= 8 {
		// Drop the unregistered before the list grows: a long script
		// that makes many coroutines leaves them behind.
		r.after = slices.DeleteFunc(r.after, func(a *afterStop) bool { return a.done.Load() })
	}
	r.after = append(r.after, a)
	r.afterMu.Unlock()
	return func() bool { return a.done.CompareAndSwap(false, true) }
}

func (r *scriptRun) Err() error {
	if r.stopped.Load() {
		return context.Canceled
	}
	return nil
}

// stop cancels the run's context.
func (r *scriptRun) stop() {
	r.stopping.RLock()
	defer r.stopping.RUnlock()
	r.stopLocked()
}

// stopAttempt is stop for the attempt endAttempt ended. Once that attempt
// is over (attemptScript set it back to none and restarted the run, which
// a stop from the attempt's timer may have waited for), it stops nothing:
// it would stop the run that follows, as if killed.
func (r *scriptRun) stopAttempt() {
	r.stopping.RLock()
	defer r.stopping.RUnlock()
	if r.attempt.Load() == attemptStopped {
		r.stopLocked()
	}
}

// stopLocked is stop; the caller holds stopping shared.
func (r *scriptRun) stopLocked() {
	if !r.stopped.CompareAndSwap(false, true) {
		return
	}
	r.done.Store(&closedDone)
	r.afterMu.Lock()
	after := r.after
	r.after = nil
	r.afterMu.Unlock()
	for _, a := range after {
		if a.done.CompareAndSwap(false, true) {
			a.f()
		}
	}
}

// restart gives a run whose attempt was stopped a live context again.
// Nothing else stops a run during its attempt: it cannot be busy yet.
func (r *scriptRun) restart() {
	r.stopping.Lock()
	defer r.stopping.Unlock()
	// No AfterFunc may start a late call between the wait and the reset.
	r.afterMu.Lock()
	defer r.afterMu.Unlock()
	r.late.Wait()
	r.done.Store(nil)
	r.stopped.Store(false)
}

// endAttempt stops the attempt, if one runs, because the script is about
// to have an effect or ran out of time; it reports whether the script
// may go on, which it may outside an attempt.
func (r *scriptRun) endAttempt(effect bool) bool {
	if r.attempt.CompareAndSwap(attemptRunning, attemptStopped) {
		r.effectStopped.Store(effect)
		r.stopAttempt()
		return false
	}
	return r.attempt.Load() == attemptNone
}

// signalChanged wakes the commands waiting on the run. One that makes
// the channel after signalled was set finds it set and does not wait.
func (r *scriptRun) signalChanged() {
	if r.signalled.CompareAndSwap(false, true) {
		if ch := r.changed.Load(); ch != nil {
			close(*ch)
		}
	}
}

// waitChanged waits until the run turns busy or ends, or, with a
// channel other, until other is closed.
func (r *scriptRun) waitChanged(other ...<-chan struct{}) {
	ch := r.changed.Load()
	if ch == nil {
		made := make(chan struct{})
		if r.changed.CompareAndSwap(nil, &made) {
			ch = &made
		} else {
			ch = r.changed.Load()
		}
	}
	if r.signalled.Load() {
		return
	}
	if len(other) == 0 {
		<-*ch
		return
	}
	select {
	case <-*ch:
	case <-other[0]:
	}
}

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
	e := &c.Node.scripts
	for {
		if b := e.besideBusy.Load(); b != nil {
			return c.busyPass(spec, b)
		}
		r := e.running.Load()
		if r == nil {
			return throughGate
		}
		if r.busy.Load() {
			return c.busyPass(spec, r)
		}
		r.waitChanged(e.besideWoken())
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
		r.stop()
	}
	return besideScript
}

// busyError is the -BUSY reply while a script runs, which names the
// command that can kill it.
func (e *scriptEngine) busyError() string {
	r := e.busyRun()
	if r == nil {
		r = e.running.Load()
	}
	if r != nil && r.job.fn != nil {
		return errBusyFcall
	}
	return errBusy
}

// publish makes r the running script, once no other script runs; it
// reports false when another is busy (the caller replies BUSY).
func (e *scriptEngine) publish(r *scriptRun) bool {
	for {
		if e.besideBusy.Load() != nil {
			return false
		}
		if e.running.CompareAndSwap(nil, r) {
			return true
		}
		cur := e.running.Load()
		if cur == nil {
			continue
		}
		if cur.busy.Load() {
			return false
		}
		cur.waitChanged(e.besideWoken())
	}
}

// unpublish ends r's time as the running script.
func (e *scriptEngine) unpublish(r *scriptRun) {
	e.running.CompareAndSwap(r, nil)
	r.signalChanged()
}

func scriptKill(c *Ctx)   { killScript(c, false) }
func functionKill(c *Ctx) { killScript(c, true) }

// killScript is SCRIPT KILL and FUNCTION KILL: each kills only its own
// kind, a script (EVAL) or a function (FCALL), and names the other when
// it finds the wrong one running, after checking for writes as Redis does.
func killScript(c *Ctx, function bool) {
	r := c.Node.scripts.busyRun()
	switch {
	case r == nil:
		c.Error(errNotBusy)
	case r.wrote.Load():
		c.Error(errUnkillable)
	case !function && r.job.fn != nil:
		c.Error(errBusyFcall)
	case function && r.job.fn == nil:
		c.Error(errBusy)
	default:
		r.stop()
		c.W.OK()
	}
}
