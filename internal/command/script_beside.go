package command

import (
	"bytes"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/scripting"
)

// Scripts beside other commands. A script is atomic because it runs alone
// behind the node's gate (script_run.go); with several event loops that
// makes every script wait for every command and script of the other
// loops, so that one core runs all scripts. A script that has shown, in
// runs behind the gate, that it is quick (runInline's hint) and that it
// touches only the keys it declares (KEYS) in the database it starts in,
// runs instead as a command does: through the gate's shared side, with the
// shards of its KEYS locked for its whole run (the engine's pinned locks),
// on a VM of its own. It is still atomic for everything that could see it:
// no other command reaches its keys while it runs, and every command that
// reaches no key of it could have run before or after it.
//
// Such a run checks each command the script calls. One that reaches a key
// outside the locked shards, another database, or the whole keyspace
// (KEYS, SCAN, FLUSHALL, ...) ends the run if the script has had no
// effect yet: it starts again behind the gate, and the script runs there
// from then on. After a write or a publish it cannot start again: a key
// outside the locked shards is locked if another command lets go of it
// within pinWait, and otherwise, as for a command that reaches the whole
// keyspace, the call fails with errBeside. That needs a script that touched only its KEYS in
// a row of runs to touch others all at once, while another script holds
// them.

// pinWait is how long a script running beside others waits for a shard
// it did not declare, after it had an effect.
const pinWait = 10 * time.Millisecond

// provenRuns is how many runs behind the gate that touched only their
// KEYS let a script run beside other commands.
const provenRuns = 4

const errBeside = "ERR Script reached keys it did not declare in KEYS while other commands held them; declare every key a script touches"

// scriptRunner is a VM, and the host of its commands, for scripts that
// run beside others. active is its run, for the busy timer.
type scriptRunner struct {
	vm     *scripting.VM
	host   scriptHost
	active atomic.Pointer[scriptRun]
}

// runners are the VMs for scripts beside others, made as needed, each
// taken by one run at a time.
type runners struct {
	slots [scripting.MaxVMs - 1]struct {
		busy   atomic.Bool
		runner atomic.Pointer[scriptRunner]
		_      [64 - 16]byte // a cache line each: loops take them at once
	}
}

// take returns a free runner, making one if needed, or nil when as many
// as can run at once are running. The search starts at the runner of the
// caller's event loop (its stripe): a VM used by one loop stays in that
// core's cache instead of moving between loops run by run.
func (rs *runners) take(stripe int) (*scriptRunner, int) {
	for n := range rs.slots {
		i := (stripe + n) % len(rs.slots)
		s := &rs.slots[i]
		if !s.busy.CompareAndSwap(false, true) {
			continue
		}
		r := s.runner.Load()
		if r == nil {
			r = &scriptRunner{vm: scripting.NewVMAt(RedisVersion, i+1)}
			r.host.pinned = true
			s.runner.Store(r)
		}
		return r, i
	}
	return nil, 0
}

func (rs *runners) give(i int) { rs.slots[i].busy.Store(false) }

// due returns the runners whose runs passed their busy time, and the
// earliest busy time of the runs that have not.
func (rs *runners) due(now time.Time) (late []*scriptRunner, next time.Time) {
	for i := range rs.slots {
		x := rs.slots[i].runner.Load()
		if x == nil {
			continue
		}
		r := x.active.Load()
		switch {
		case r == nil:
		case !r.busyAt.After(now):
			late = append(late, x)
		case next.IsZero() || r.busyAt.Before(next):
			next = r.busyAt
		}
	}
	return late, next
}

// besideHint is what the hints know of a script's keys: how many runs in
// a row behind the gate touched only its KEYS, and whether it ever did
// otherwise (then it stays behind the gate), or turned busy beside others
// (then it also leaves its event loop, as scriptHint.busy says). Runs
// beside others read and write it at the same time.
type besideHint struct {
	declared   atomic.Uint32
	alone      atomic.Bool
	turnedBusy atomic.Bool
}

// beside reports whether the script may run beside other commands.
func (h *scriptHint) beside() bool {
	return h.inline() && !h.alone.Load() && h.declared.Load() >= provenRuns
}

// noteKeys counts a run behind the gate that touched only its KEYS, or
// not.
func (h *scriptHint) noteKeys(undeclared bool) {
	if undeclared {
		h.alone.Store(true)
		return
	}
	if h.declared.Load() < provenRuns {
		h.declared.Add(1)
	}
}

// runBeside runs job beside other commands if its hint allows, and
// reports whether it did; if not, the caller runs it behind the gate.
func (c *Ctx) runBeside(job *scriptJob) bool {
	e := &c.Node.scripts
	if job.fn != nil {
		return false
	}
	slot := c.gateSlot()
	c.Node.gate.enter(slot)
	// The hints change only behind the exclusive gate.
	h := e.hints[job.key()]
	if h == nil || !h.beside() {
		c.Node.gate.leave(slot)
		return false
	}
	runner, slotOfRunner := e.runners.take(c.Stripe)
	if runner == nil {
		c.Node.gate.leave(slot)
		return false
	}
	c.Txn.Keys(c.DB(), job.keys).Acquire()
	c.Txn.Pin()
	// The run starts once it holds its keys: waiting for them behind a
	// slow command is not running.
	r := newScriptRun()
	r.held = *job
	j := &r.held
	r.job, j.txn = j, c.Txn
	r.started = c.now()
	r.state.Store(stateInline)
	r.busyAt = r.started.Add(c.busyThreshold())
	runner.active.Store(r)
	e.armBusy(r.busyAt)

	mark := runner.vm.Mark()
	res, errs := e.executeOn(runner.vm, &runner.host, c, j, r)
	runner.active.Store(nil)
	if j.abandoned {
		runner.host.logs = runner.host.logs[:0] // the run behind the gate logs them
		c.Txn.Unpin()
		runner.vm.Rewind(mark)
		e.runners.give(slotOfRunner)
		e.endBeside(r)
		h.alone.Store(true)
		c.Node.gate.leave(slot)
		return false
	}
	runner.host.flushLogs()
	if time.Since(r.started) > shortRun {
		h.declared.Store(0) // prove it quick again behind the gate
	}
	if r.busy.Load() {
		h.turnedBusy.Store(true)
	}
	if j.undeclared {
		h.alone.Store(true)
	}
	c.failed = c.writeScriptReply(c.W, res) || errs > 0
	c.Txn.Unpin()
	e.runners.give(slotOfRunner)
	c.serveReady()
	e.endBeside(r)
	c.Node.gate.leave(slot)
	return true
}

// endBeside ends r's time as the busy script, if it was, and lets go of
// what the VM's coroutines wait on.
func (e *scriptEngine) endBeside(r *scriptRun) {
	// Loaded first: every command reads besideBusy, and a CAS, even one
	// that fails, takes its cache line from the other cores.
	if e.besideBusy.Load() == r {
		e.besideBusy.CompareAndSwap(r, nil)
	}
	r.signalChanged()
	r.stop()
}

// besideTimeout turns a run beside others that passed
// busy-reply-threshold busy: it becomes the busy script other clients are
// told BUSY about and SCRIPT KILL stops (besideBusy; running may hold a
// script that waits for the gate the run holds a side of). One is busy at
// a time; another late one is looked at again a millisecond later. It
// returns when the timer should fire next, zero for never.
func (e *scriptEngine) besideTimeout() time.Time {
	now := time.Now()
	late, next := e.runners.due(now)
	for _, x := range late {
		r := x.active.Load()
		if r == nil || r.busy.Load() {
			continue
		}
		if !e.besideBusy.CompareAndSwap(nil, r) {
			if again := now.Add(time.Millisecond); next.IsZero() || again.Before(next) {
				next = again
			}
			continue
		}
		if x.active.Load() != r { // it ended meanwhile
			e.besideBusy.CompareAndSwap(r, nil)
			continue
		}
		r.turnBusy()
		e.wakeForBeside()
	}
	return next
}

// checkKeys looks at the keys a command the script calls reaches: it
// notes a script that reaches beyond its KEYS, and, for a run beside
// other commands, makes sure the keys' shards are locked. It returns the
// call's refusal, or stop when the run ends here to start again behind the
// gate.
func (h *scriptHost) checkKeys(spec *Spec, args [][]byte) (refused string, stop bool) {
	if !h.pinned && h.job.undeclared {
		return "", false
	}
	if h.conn.db != h.startDB || spec.exclusive || reachesOtherDB(spec) {
		h.job.undeclared = true
		return h.outside()
	}
	first, last, step, ok := plainKeys(spec, len(args))
	if !ok && touchesNoKey(spec) {
		return "", false
	}
	if !ok {
		h.job.undeclared = true
		return h.outside()
	}
	db := h.c.Node.Engine.DB(h.conn.db)
	for i := first; i <= last; i += step {
		key := args[i]
		if !h.job.undeclared && !declares(h.job.keys, key) {
			h.job.undeclared = true
		}
		if h.pinned && !h.job.txn.Covers(db, key) {
			if !h.job.hadEffect {
				return h.abandon()
			}
			if !h.job.txn.TryPin(db, key, pinWait) {
				return errBeside, false
			}
		}
	}
	return "", false
}

// outside handles a call that reaches beyond what a run beside others
// may: it ends the run, or fails the call once the script had an effect
// (run again, it would write or publish twice).
func (h *scriptHost) outside() (string, bool) {
	switch {
	case !h.pinned:
		return "", false
	case !h.job.hadEffect:
		return h.abandon()
	}
	return errBeside, false
}

// abandon ends a run beside others that has had no effect, to start again
// behind the gate.
func (h *scriptHost) abandon() (string, bool) {
	h.job.abandoned = true
	h.run.stop()
	return "", true
}

// plainKeys returns where the keys of a call are when they are at fixed
// positions (first to last, every step), and false for a command without
// keys or whose keys depend on its arguments (those go behind the gate).
func plainKeys(spec *Spec, n int) (first, last, step int, ok bool) {
	if spec.FirstKey <= 0 || spec.movable() {
		return 0, 0, 0, false
	}
	last = spec.LastKey
	if last < 0 {
		last += n
	}
	return spec.FirstKey, min(last, n-1), max(spec.Step, 1), true
}

// movable reports whether the command's keys are not all at its
// first/last/step positions.
func (s *Spec) movable() bool { return s.multiKeys }

// touchesNoKey reports whether a command without keys leaves the
// keyspace alone, so that a script may call it beside other commands: it
// takes no shard lock (INFO does, for its keyspace and memory figures,
// which would wait forever on a shard the script holds).
func touchesNoKey(s *Spec) bool {
	if s.FirstKey > 0 || s.movable() {
		return false
	}
	switch s.fullName {
	case "time", "ping", "echo", "publish", "spublish", "lastsave":
		return true
	}
	return false
}

// reachesOtherDB reports whether a command reaches a database other than
// the one it runs in.
func reachesOtherDB(s *Spec) bool { return s.Name == "move" || s.Name == "copy" }

func declares(keys [][]byte, key []byte) bool {
	for _, k := range keys {
		if bytes.Equal(k, key) {
			return true
		}
	}
	return false
}
