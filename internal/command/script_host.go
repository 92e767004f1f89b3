package command

import (
	"bytes"
	"time"

	"github.com/shoal-cache/shoal/internal/resp"
	"github.com/shoal-cache/shoal/internal/scripting"
)

// scriptHost runs the commands of redis.call for a script, as Redis's
// scriptCall does: the command is looked up and checked (arity, not
// noscript, no write from a read-only script, memory), then run like a
// command inside EXEC (a blocking command answers at once) with the
// caller's connection seen through a scriptConn, its reply written to a
// buffer for the scripting package to turn into Lua values.
type scriptHost struct {
	c     *Ctx
	node  *Node // kept after the script, for the lines of its attempt
	job   *scriptJob
	run   *scriptRun // nil inside EXEC
	inner Ctx
	conn  scriptConn
	out   bytes.Buffer
	// started is when the script started: its commands see the keyspace
	// at that time, so that no key expires halfway through a script.
	started time.Time
	// errors counts the error replies of the commands called.
	errors int
	// logs holds the redis.log and MONITOR lines of an attempt until it
	// ends.
	logs []scriptLog
	// last is the command called last: scripts tend to call the same
	// ones, and comparing its name is cheaper than the table lookup.
	last *Spec
	// pinned is set for a run beside other commands, which holds the
	// shards of its keys (script_beside.go); startDB is the database the
	// script started in.
	pinned  bool
	startDB int
}

// scriptLog is a redis.log line, or a MONITOR line (monitor) of a
// command the script called, held until the run ends.
type scriptLog struct {
	level   int
	msg     string
	monitor []byte
}

// effects are the flags of commands whose effect an attempt on the event
// loop may not have (script_exec.go).
const effects = Write | MayReplicate | PubSub

const (
	errScriptUnknown  = "ERR Unknown Redis command called from script"
	errScriptArity    = "ERR Wrong number of args calling Redis command from script"
	errScriptNoScript = "ERR This Redis command is not allowed from script"
	errScriptReadOnly = "ERR Write commands are not allowed from read-only scripts."
	errScriptStale    = "ERR Can not execute the command on a stale replica"
)

// reset prepares h, which the node keeps from script to script (its
// reply buffer is worth keeping), for a script run by c.
func (h *scriptHost) reset(c *Ctx, job *scriptJob, r *scriptRun) {
	if h.inner.W == nil {
		h.inner.W = resp.NewWriter(&h.out)
	}
	h.c, h.node, h.job, h.run, h.errors, h.logs = c, c.Node, job, r, 0, h.logs[:0]
	if r != nil {
		h.started = r.started
	} else {
		h.started = c.now()
	}
	h.conn = scriptConn{Conn: c.Conn, db: c.Conn.DB(), proto: 2, host: h}
	h.startDB = h.conn.db
	// commit, bound to h.inner, is kept: making it costs an allocation.
	h.inner = Ctx{W: h.inner.W, commit: h.inner.commit, Conn: &h.conn, Node: c.Node, Txn: job.txn, Stripe: c.Stripe, inExec: true, batch: c.batch}
}

// release drops what h holds of the script that ended.
func (h *scriptHost) release() {
	h.c, h.job, h.run = nil, nil, nil
	h.conn = scriptConn{}
	h.inner = Ctx{W: h.inner.W, commit: h.inner.commit}
}

// Call runs one command for the script.
func (h *scriptHost) Call(args [][]byte, proto int) ([]byte, string) {
	spec, refused := h.check(args)
	if refused != "" {
		h.errors++
		h.c.Node.Table.countError(refused)
		if spec != nil {
			spec.stats.on(h.c.Stripe).rejected.Add(1)
		}
		return nil, refused
	}
	if h.job.abandoned {
		return nil, "" // the run stops here; it starts again behind the gate
	}
	if refused, stop := h.checkKeys(spec, args); stop {
		return nil, ""
	} else if refused != "" {
		h.errors++
		h.c.Node.Table.countError(refused)
		return nil, refused
	}
	if spec.Flags&effects != 0 && h.run != nil && !h.run.endAttempt(true) {
		return nil, "" // the attempt stops here; the script runs again
	}
	if spec.Flags&Write != 0 && h.run != nil {
		h.run.wrote.Store(true)
	}
	h.job.wroteAny = h.job.wroteAny || spec.Flags&Write != 0
	h.job.hadEffect = h.job.hadEffect || spec.Flags&effects != 0
	ic := &h.inner
	ic.Args = args
	ic.W.Proto = proto
	h.conn.proto = proto
	// The keyspace's clock stands at the script's start; the command's
	// own duration is measured from now.
	ic.StartBatch(h.started.Add(time.Since(h.started)))
	ic.batchStartMs = h.started.UnixMilli()
	h.c.Node.Table.run(ic, spec)
	if ic.failed {
		h.errors++
	}
	h.out.Reset()
	ic.W.Flush()
	return h.out.Bytes(), ""
}

// check resolves args to a command and applies Redis's checks for a
// command called from a script, returning its refusal text if any.
func (h *scriptHost) check(args [][]byte) (*Spec, string) {
	spec := h.lookup(args[0])
	if spec != nil && spec.subs != nil && len(args) > 1 {
		spec = spec.Sub(args[1])
	}
	if spec == nil {
		return nil, errScriptUnknown
	}
	if !arityOK(spec, len(args)) {
		return spec, errScriptArity
	}
	if spec.Flags&NoScript != 0 {
		return spec, errScriptNoScript
	}
	if spec.Flags&Stale == 0 && h.c.replRefusal(false, true) != "" {
		return spec, errScriptStale
	}
	if h.job.readOnly && spec.Flags&(Write|MayReplicate) != 0 {
		return spec, errScriptReadOnly
	}
	if spec.Flags&Write != 0 {
		if msg := h.c.replRefusal(true, false); msg != "" {
			return spec, msg // READONLY on a replica, NOREPLICAS on a primary
		}
	}
	if h.job.oom && !h.job.wroteAny && spec.Flags&DenyOOM != 0 && h.job.flags()&scripting.AllowOOM == 0 {
		return spec, errOOM
	}
	return spec, ""
}

// lookup finds the command named name (any case), or nil.
func (h *scriptHost) lookup(name []byte) *Spec {
	if s := h.last; s != nil && is(name, s.Name) {
		return s
	}
	s := h.c.Node.Table.Lookup(name)
	if s != nil {
		h.last = s
	}
	return s
}

// CommandExists reports whether args name a command (redis.acl_check_cmd).
func (h *scriptHost) CommandExists(args [][]byte) bool {
	spec := h.lookup(args[0])
	if spec != nil && spec.subs != nil && len(args) > 1 {
		spec = spec.Sub(args[1])
	}
	return spec != nil && arityOK(spec, len(args))
}

// Log writes a redis.log line to the node's log, or keeps it until the
// attempt the script runs in, or its run beside other commands, ends
// (one abandoned runs again behind the gate, which logs them).
func (h *scriptHost) Log(level int, msg string) {
	if h.holding() {
		h.logs = append(h.logs, scriptLog{level: level, msg: msg})
		return
	}
	h.log(level, msg)
}

// holding reports whether the script runs where it may be stopped and
// run again from its start: what it shows of itself waits for the end.
func (h *scriptHost) holding() bool {
	return h.pinned || h.run != nil && h.run.attempt.Load() != attemptNone
}

// flushLogs writes the lines of an attempt that got to its end.
func (h *scriptHost) flushLogs() {
	for _, l := range h.logs {
		if l.monitor != nil {
			h.node.monitors.send(&h.inner, l.monitor)
			continue
		}
		h.log(l.level, l.msg)
	}
	h.logs = h.logs[:0]
}

func (h *scriptHost) log(level int, msg string) {
	log := h.node.Log
	if log == nil {
		return
	}
	switch level {
	case scripting.LogDebug, scripting.LogVerbose:
		log.Debug(msg, "source", "script")
	case scripting.LogNotice:
		log.Info(msg, "source", "script")
	default:
		log.Warn(msg, "source", "script")
	}
}

// scriptConn is the caller's connection as the script's commands see it:
// with the script's own database (SELECT in a script does not change the
// caller's since Redis 7.0) and protocol (redis.setresp), and without
// the effects that belong to the caller's own commands.
type scriptConn struct {
	Conn
	db, proto int
	host      *scriptHost
}

func (s *scriptConn) DB() int              { return s.db }
func (s *scriptConn) SetDB(db int)         { s.db = db }
func (s *scriptConn) Proto() int           { return s.proto }
func (s *scriptConn) SetProto(p int)       { s.proto = p }
func (s *scriptConn) NoteCommand(*Spec)    {}
func (s *scriptConn) Block()               {}
func (s *scriptConn) Unblock(reply []byte) {}
func (s *scriptConn) Postpone()            {}
func (s *scriptConn) Resume()              {}
func (s *scriptConn) CloseAfterReply()     {}
