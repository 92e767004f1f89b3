package command

import "errors"

// The append-only log as commands see it: BGREWRITEAOF and INFO
// persistence's aof_* fields. The log itself is internal/persist; the node
// wires it in as Node.AOF.

// AOFControl is the node's append-only log.
type AOFControl interface {
	// Rewrite starts a background rewrite (BGREWRITEAOF), or schedules it
	// after a running snapshot, reporting ErrAOFRewriteInProgress when
	// one runs.
	Rewrite() (scheduled bool, err error)
	Info() AOFInfo
}

// ErrAOFRewriteInProgress is Rewrite's refusal while one runs.
var ErrAOFRewriteInProgress = errors.New("ERR Background append only file rewriting already in progress")

// AOFInfo is what INFO persistence reports of the log.
type AOFInfo struct {
	Enabled               bool
	RewriteInProgress     bool
	RewriteScheduled      bool
	LastRewriteSecs       int64
	CurrentRewriteSecs    int64
	LastRewriteOK         bool
	Rewrites              int64
	RewriteFailuresInARow int64
	LastWriteOK           bool
	CurrentSize, BaseSize int64
	BufferLength          int64
}

func bgrewriteaof(c *Ctx) {
	if c.Node.AOF == nil {
		c.Error(errNotSupported)
		return
	}
	scheduled, err := c.Node.AOF.Rewrite()
	switch {
	case err != nil:
		c.Error(err.Error())
	case scheduled:
		c.W.Simple("Background append only file rewriting scheduled")
	default:
		c.W.Simple("Background append only file rewriting started")
	}
}

// writeAOFInfo writes the aof_* lines of INFO persistence, as Redis 7.0
// orders them.
func writeAOFInfo(w *infoWriter, c *Ctx) {
	var in AOFInfo
	if c.Node.AOF != nil {
		in = c.Node.AOF.Info()
	} else {
		in = AOFInfo{LastRewriteSecs: -1, CurrentRewriteSecs: -1, LastRewriteOK: true, LastWriteOK: true}
	}
	w.int("aof_enabled", int64(b2i(in.Enabled)))
	w.int("aof_rewrite_in_progress", int64(b2i(in.RewriteInProgress)))
	w.int("aof_rewrite_scheduled", int64(b2i(in.RewriteScheduled)))
	w.int("aof_last_rewrite_time_sec", in.LastRewriteSecs)
	w.int("aof_current_rewrite_time_sec", in.CurrentRewriteSecs)
	w.str("aof_last_bgrewrite_status", okOrErr(in.LastRewriteOK))
	w.int("aof_rewrites", in.Rewrites)
	w.int("aof_rewrites_consecutive_failures", in.RewriteFailuresInARow)
	w.str("aof_last_write_status", okOrErr(in.LastWriteOK))
	w.int("aof_last_cow_size", 0)
	w.int("module_fork_in_progress", 0)
	w.int("module_fork_last_cow_size", 0)
	if in.Enabled {
		w.int("aof_current_size", in.CurrentSize)
		w.int("aof_base_size", in.BaseSize)
		w.int("aof_pending_rewrite", 0)
		w.int("aof_buffer_length", in.BufferLength)
		w.int("aof_pending_bio_fsync", 0)
		w.int("aof_delayed_fsync", 0)
	}
}

func okOrErr(ok bool) string {
	if ok {
		return "ok"
	}
	return "err"
}

func aofCommands() []*Spec {
	return []*Spec{
		{Name: "bgrewriteaof", Arity: 1, Flags: Admin | NoScript | NoAsyncLoading, Group: "server",
			Summary: "Asynchronously rewrite the append-only file", Since: "1.0.0", Handler: bgrewriteaof},
	}
}
