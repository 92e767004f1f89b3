package command

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/resp"
	"github.com/shoal-cache/shoal/internal/scripting"
)

// How a script's run is carried out. Most scripts end in microseconds,
// less than handing them to a goroutine of their own costs, so a script
// is first attempted on its client's event loop, with no effect allowed:
// if it calls a command with an effect (a write, a publish) or runs past
// a millisecond, it is stopped before it changed anything and run again
// from its start on a goroutine of its own, which may turn busy and let
// the event loop go (script_run.go). A script once stopped for an effect
// goes to its goroutine at once from then on, until its runs there have
// shown it quick: then it runs on its event loop again, to its end, its
// effects allowed (runInline). What a stopped attempt leaves behind: its
// reads counted twice in keyspace hits and command statistics; its
// redis.log and MONITOR lines are dropped, math.random is rewound. A function (FCALL)
// is never attempted: the locals of its library live on from call to
// call, and a function run again would change them twice; it starts on
// the goroutine, and runs on its event loop once shown quick.

// attemptSlice is how long a script runs on its client's event loop
// before it is run again on a goroutine of its own.
const attemptSlice = time.Millisecond

// scriptJob is a script to run for the client of c: an EVAL script, or
// a function (FCALL).
type scriptJob struct {
	script *scripting.Script
	fn     *scripting.Function
	// head is FCALL's name, function name and numkeys, which FUNCTION
	// STATS shows with the keys and arguments; it aliases the read buffer
	// as they do.
	head [][]byte
	// keys and argv alias the read buffer until the script leaves the
	// event loop, when they are copied.
	keys, argv [][]byte
	readOnly   bool
	// oom is set when the node was over maxmemory as the script started:
	// its first write that may grow memory is refused.
	oom bool
	// wroteAny is set once the script called a write command, hadEffect
	// once it called one with any effect (a write, a publish).
	wroteAny, hadEffect bool
	// undeclared is set once the script reached a key it did not
	// declare, another database or the whole keyspace; abandoned when
	// that ended a run beside other commands (script_beside.go).
	undeclared, abandoned bool
	// txn is the caller's Txn, which the script's commands use: a script
	// that outlives busy-reply-threshold keeps it, and the caller's
	// command, which ends then, goes on with a new one.
	txn *engine.Txn
}

// key is what the hints know the job by: its function or its script.
func (j *scriptJob) key() any {
	if j.fn != nil {
		return j.fn
	}
	return j.script
}

// flags are the flags the script or function declares.
func (j *scriptJob) flags() scripting.Flags {
	if j.fn != nil {
		return j.fn.Flags
	}
	return j.script.Flags
}

// runScript runs job atomically and replies its result. Inside EXEC the
// gate is EXEC's and the script runs here, to the end. Otherwise the
// script takes the gate and is attempted here, or run here to its end if
// it is known to be quick (runInline); if it must run again, or is a
// function not yet known, it runs on a goroutine of its own: if it ends
// within busy-reply-threshold
// its reply is written here, if not the connection is parked and the
// script's goroutine replies, serves the clients its writes unblocked and
// lets the gate go when it ends.
func (c *Ctx) runScript(parsed scriptJob) {
	e := &c.Node.scripts
	parsed.txn = c.Txn
	if c.inExec {
		job := new(scriptJob)
		*job = parsed
		res, errs := e.execute(c, job, nil)
		c.failed = c.writeScriptReply(c.W, res) || errs > 0
		return
	}
	if c.runBeside(&parsed) {
		return
	}
	r := newScriptRun()
	r.held = parsed
	job := &r.held
	r.job = job
	if !e.publish(r) {
		c.Error(e.busyError())
		return
	}
	c.Node.gate.lock()
	r.started = time.Now()
	threshold := c.busyThreshold()
	switch h := e.hints[job.key()]; {
	case (h == nil || h.quiet) && job.fn == nil:
		if res, errs, done := c.attemptScript(job, r, min(threshold, attemptSlice)); done {
			e.noteQuiet(job, h, time.Since(r.started))
			c.failed = c.writeScriptReply(c.W, res) || errs > 0
			c.endScript(r)
			return
		}
	case h != nil && h.inline():
		c.runInline(job, r, h, threshold)
		return
	}
	job.head, job.keys, job.argv = cloneJobArgs(job)
	r.wake = make(chan struct{})
	timer := time.AfterFunc(threshold-time.Since(r.started), r.turnBusy)
	var res *scripting.Result
	var errs int
	var took time.Duration
	e.worker.run(func() {
		start := time.Now()
		res, errs = e.execute(c, job, r)
		took = time.Since(start)
		timer.Stop()
		if r.state.CompareAndSwap(stateRunning, stateFinished) {
			close(r.wake)
			return
		}
		c.finishDetached(r, res)
	})
	<-r.wake
	if r.state.Load() == stateDetached {
		c.Txn = c.Node.Engine.NewTxn()
		c.Conn.Block()
		return
	}
	e.noteRun(job, took, false)
	c.failed = c.writeScriptReply(c.W, res) || errs > 0
	c.endScript(r)
}

// busyThreshold is how long a script runs before it turns busy. Redis
// looks at the clock every 100000 Lua instructions, so even at a
// busy-reply-threshold of 0 a script turns busy only after a millisecond
// or so.
func (c *Ctx) busyThreshold() time.Duration {
	return max(time.Duration(c.Node.hot().busyReply.Int())*time.Millisecond, time.Millisecond)
}

// runInline runs job, a script known to write, or a function, that is
// known to end quickly (scriptHint), to its
// end here, on its client's event loop, effects allowed: handing it to
// the scripts' goroutine would cost more than the script. Past threshold
// the run turns busy as on the goroutine (other clients get -BUSY, SCRIPT
// KILL stops it or answers UNKILLABLE) but the event loop stays with the
// script, so the clients sharing it wait instead; a run that lasted long
// sends the script back to the goroutine (scriptHint).
func (c *Ctx) runInline(job *scriptJob, r *scriptRun, h *scriptHint, threshold time.Duration) {
	e := &c.Node.scripts
	r.state.Store(stateInline)
	r.busyAt = r.started.Add(threshold)
	e.inlining.Store(r)
	e.armBusy(r.busyAt)
	res, errs := e.execute(c, job, r)
	e.inlining.Store(nil)
	h.note(time.Since(r.started), r.busy.Load())
	h.noteKeys(job.undeclared)
	c.failed = c.writeScriptReply(c.W, res) || errs > 0
	c.endScript(r)
}

// armBusy makes sure the busy timer fires by at: it stays armed from
// run to run (setting and stopping a timer for each would be a visible
// share of a short script's cost), and when it fires it looks at the run
// then on its event loop, if any (inlineTimeout).
func (e *scriptEngine) armBusy(at time.Time) {
	if armed := e.armedAt.Load(); armed != 0 && armed <= at.UnixNano() {
		return
	}
	e.timerMu.Lock()
	defer e.timerMu.Unlock()
	if !e.timerAt.IsZero() && !at.Before(e.timerAt) {
		return
	}
	e.timerAt = at
	e.armedAt.Store(at.UnixNano())
	if e.busyTimer == nil {
		e.busyTimer = time.AfterFunc(time.Until(at), e.inlineTimeout)
	} else {
		e.busyTimer.Reset(time.Until(at))
	}
}

// inlineTimeout turns the script running on its event loop busy when it
// passed its threshold; for a run that has not, it sets the timer again
// for that run's threshold. A run that starts meanwhile arms the timer
// itself (armBusy).
func (e *scriptEngine) inlineTimeout() {
	e.timerMu.Lock()
	e.timerAt = time.Time{}
	e.armedAt.Store(0)
	next := e.besideTimeout()
	r := e.inlining.Load()
	if r != nil && time.Until(r.busyAt) > 0 {
		if next.IsZero() || r.busyAt.Before(next) {
			next = r.busyAt
		}
		r = nil
	}
	if !next.IsZero() {
		e.timerAt = next
		e.armedAt.Store(next.UnixNano())
		e.busyTimer.Reset(time.Until(next))
	}
	e.timerMu.Unlock()
	if r != nil {
		r.turnBusy()
	}
}

// attemptScript runs job here with no effect allowed, for at most slice,
// and reports whether it got to its end.
func (c *Ctx) attemptScript(job *scriptJob, r *scriptRun, slice time.Duration) (*scripting.Result, int, bool) {
	e := &c.Node.scripts
	mark := e.machine().Mark()
	r.attempt.Store(attemptRunning)
	e.attempting.Store(r)
	if e.attemptTimer == nil {
		e.attemptTimer = time.AfterFunc(slice, e.attemptTimeout)
	} else {
		e.attemptTimer.Reset(slice)
	}
	res, errs := e.execute(c, job, r)
	e.attemptTimer.Stop()
	e.attempting.Store(nil)
	if r.attempt.CompareAndSwap(attemptRunning, attemptNone) {
		e.host.flushLogs()
		return res, errs, true
	}
	e.vm.Rewind(mark)
	if r.effectStopped.Load() {
		e.noteEffectful(job.script)
	}
	r.attempt.Store(attemptNone)
	r.restart()
	return nil, 0, false
}

// attemptTimeout ends the attempt running when its time is up. A late
// call may end the attempt of a later script early, which only makes
// that script run on a goroutine of its own.
func (e *scriptEngine) attemptTimeout() {
	if r := e.attempting.Load(); r != nil {
		r.endAttempt(false)
	}
}

// finishDetached ends a script that outlived busy-reply-threshold, on the
// script's goroutine: its event loop has let the connection go.
func (c *Ctx) finishDetached(r *scriptRun, res *scripting.Result) {
	var out bytes.Buffer
	w := resp.NewWriter(&out)
	w.Proto = c.Conn.Proto()
	c.writeScriptReply(w, res)
	w.Flush()
	pos := c.TakeEffectPos()
	c.Node.scripts.noteRun(r.job, time.Since(r.started), true)
	c.endScript(r)
	c.unblockWhenDurable(c.Conn, pos, out.Bytes())
}

// endScript serves the clients the script's writes unblocked and lets the
// gate go.
func (c *Ctx) endScript(r *scriptRun) {
	if ready := r.job.txn.TakeReady(); ready != nil {
		c.serveBlocked(ready)
	}
	c.Node.scripts.unpublish(r)
	r.stop() // releases what gopher-lua's coroutines wait on
	c.Node.gate.unlock()
}

// machine returns the node's VM for EVAL, made at the first script.
func (e *scriptEngine) machine() *scripting.VM {
	if e.vm == nil {
		e.vm = scripting.NewVM(RedisVersion)
	}
	return e.vm
}

// execute runs job in the node's VM, stopped when r is; r is nil inside
// EXEC, where the script cannot turn busy. errs counts the error replies
// of the commands the script called: like Redis, EVAL counts as failed
// when there were any.
func (e *scriptEngine) execute(c *Ctx, job *scriptJob, r *scriptRun) (res *scripting.Result, errs int) {
	return e.executeOn(e.machine(), &e.host, c, job, r)
}

// executeOn is execute on vm, with h running the script's commands.
func (e *scriptEngine) executeOn(vm *scripting.VM, h *scriptHost, c *Ctx, job *scriptJob, r *scriptRun) (res *scripting.Result, errs int) {
	effects := c.beginEffects()
	defer c.endEffects(effects)
	h.reset(c, job, r)
	defer h.release()
	// A run stopped and run again publishes again.
	c.scriptPushes = c.scriptPushes[:0]
	var ctx context.Context // none inside EXEC
	if r != nil {
		ctx = r
	}
	if job.fn != nil {
		res = e.functions.machine().Call(ctx, job.fn, job.keys, job.argv, h)
	} else {
		res = vm.Run(ctx, job.script, job.keys, job.argv, h)
	}
	return res, h.errors
}

// cloneJobArgs copies FCALL's head, the keys and the arguments, which
// alias the read buffer: a script on a goroutine of its own may outlive
// it.
func cloneJobArgs(job *scriptJob) (head, keys, argv [][]byte) {
	all := make([][]byte, 0, len(job.head)+len(job.keys)+len(job.argv))
	all = cloneArgs(append(append(append(all, job.head...), job.keys...), job.argv...))
	h, k := len(job.head), len(job.head)+len(job.keys)
	return all[:h:h], all[h:k:k], all[k:]
}

// noteEffectful remembers a script stopped for an effect in an attempt:
// it goes to the scripts' goroutine, or runs on its event loop with its
// effects, from then on.
func (e *scriptEngine) noteEffectful(s *scripting.Script) {
	if h := e.hints[s]; h == nil {
		e.newHint(s)
	} else {
		h.quiet = false
	}
}

// noteQuiet counts a run of a script that got to its end in its attempt,
// having had no effect: h is its hint, nil for its first. A script quick
// and keeping to its KEYS in a row of such runs may run beside other
// commands (script_beside.go).
func (e *scriptEngine) noteQuiet(job *scriptJob, h *scriptHint, took time.Duration) {
	if h == nil {
		h = e.newHint(job.script)
		h.quiet = true
	}
	h.note(took, false)
	h.noteKeys(job.undeclared)
}

// noteRun counts a run of job off its event loop, which lasted took
// and turned busy or not. A function is known from its first run; a
// script from its attempt that was stopped for an effect.
func (e *scriptEngine) noteRun(job *scriptJob, took time.Duration, busy bool) {
	h := e.hints[job.key()]
	if h == nil {
		if job.fn == nil {
			return
		}
		h = e.newHint(job.fn)
	}
	h.note(took, busy)
	h.noteKeys(job.undeclared)
}

// newHint makes the hint of key, a script or a function. Only the holder
// of the exclusive gate uses the hints; they are dropped when they grow
// many.
func (e *scriptEngine) newHint(key any) *scriptHint {
	if e.hints == nil || len(e.hints) >= 4096 {
		e.hints = map[any]*scriptHint{}
	}
	h := &scriptHint{}
	e.hints[key] = h
	return h
}

// scriptHint is what is known of how a script with effects runs: whether
// it may run on its client's event loop (runInline). It may once its
// last runs all ended within shortRun, four of them, or more after runs
// past shortRun: each doubles the count, up to 4096, and a long enough
// row of short runs halves it again, so that a script the machine's noise
// once slowed soon comes back while one often slow stays away. A script
// that once turned busy never comes back: a run that long would keep the
// clients of its event loop waiting instead of told BUSY.
type scriptHint struct {
	besideHint
	// short counts the runs since the last long one; longs is the
	// doubling of their count.
	short uint32
	longs uint8
	busy  bool
	// quiet is set while the script has had no effect in any run: it is
	// attempted on its event loop, and runs there to its end.
	quiet bool
}

// shortRun is how long a run may last and still count as short.
const shortRun = time.Millisecond

// inline reports whether the script may run on its event loop.
func (h *scriptHint) inline() bool {
	return !h.busy && !h.turnedBusy.Load() && h.short >= 4<<h.longs
}

// note counts a run that lasted took and turned busy or not.
func (h *scriptHint) note(took time.Duration, busy bool) {
	h.busy = h.busy || busy
	if took > shortRun {
		h.short = 0
		h.longs = min(h.longs+1, 10)
		return
	}
	h.short++
	if h.longs > 0 && h.short >= 64<<h.longs {
		h.longs--
		h.short = 4 << h.longs
	}
}

// writeScriptReply writes the Pub/Sub messages the script sent its
// caller, then the script's result, to w and reports whether the result
// holds an error. Errors count in INFO errorstats as in Redis: one
// that a command in the script replied was counted then.
func (c *Ctx) writeScriptReply(w *resp.Writer, res *scripting.Result) (failed bool) {
	if len(c.scriptPushes) > 0 {
		w.Raw(c.scriptPushes)
		c.scriptPushes = c.scriptPushes[:0]
	}
	res.Write(w, func(msg string, counted bool) {
		failed = true
		w.Error(msg)
		if !counted {
			c.Node.Table.countError(msg)
		}
	})
	return failed
}

// scriptWorker is the goroutine scripts run on when they leave their
// client's event loop. It is kept from script to script because a new
// goroutine would grow its stack, copying it several times, to the depth
// a script's Lua and commands reach, which costs more than the script;
// it ends after a second without scripts.
type scriptWorker struct {
	mu   sync.Mutex
	jobs chan func()
}

const workerIdle = time.Second

// run hands job to the worker, starting one if there is none. Only the
// holder of the exclusive gate calls it, so jobs never queue.
func (w *scriptWorker) run(job func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.jobs == nil {
		w.jobs = make(chan func(), 1)
		go w.loop(w.jobs)
	}
	w.jobs <- job
}

func (w *scriptWorker) loop(jobs chan func()) {
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		select {
		case job := <-jobs:
			job()
			idle.Reset(workerIdle)
		case <-idle.C:
			w.mu.Lock()
			if len(jobs) == 0 {
				w.jobs = nil
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
		}
	}
}
