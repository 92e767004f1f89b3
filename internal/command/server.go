package command

import (
	"math"
	"time"
)

// Server commands: the keyspace as a whole (DBSIZE, FLUSHDB, FLUSHALL,
// SWAPDB), the clock, and stopping the node. INFO and CONFIG have their
// own files.

func dbsize(c *Ctx) { c.W.Int(int64(c.DB().Size())) }

// parseFlushMode accepts FLUSHDB/FLUSHALL's optional ASYNC or SYNC. Both
// flush at once: dropping a database's tables is already cheap, and the
// collector reclaims the values in the background.
func parseFlushMode(c *Ctx) bool {
	switch {
	case len(c.Args) == 1:
	case len(c.Args) == 2 && (is(c.Args[1], "async") || is(c.Args[1], "sync")):
	default:
		c.Error(errSyntax)
		return false
	}
	return true
}

func flushdb(c *Ctx) {
	if !parseFlushMode(c) {
		return
	}
	c.DB().Flush()
	c.commitNow()
	c.W.OK()
}

func flushall(c *Ctx) {
	if !parseFlushMode(c) {
		return
	}
	c.Node.Engine.FlushAll()
	c.commitNow()
	c.Node.SaveAfterFlushAll()
	c.W.OK()
}

func swapdb(c *Ctx) {
	a, ok := parseInt(c.Args[1])
	if !ok || a < math.MinInt32 || a > math.MaxInt32 {
		c.Error("ERR invalid first DB index")
		return
	}
	b, ok := parseInt(c.Args[2])
	if !ok || b < math.MinInt32 || b > math.MaxInt32 {
		c.Error("ERR invalid second DB index")
		return
	}
	n := int64(c.Node.Engine.NumDBs())
	if a < 0 || a >= n || b < 0 || b >= n {
		c.Error(errDBIndex)
		return
	}
	c.Node.Engine.SwapDB(int(a), int(b))
	c.commitNow()
	c.W.OK()
}

func timeCommand(c *Ctx) {
	now := time.Now()
	c.W.Array(2)
	c.W.BulkInt(now.Unix())
	c.W.BulkInt(int64(now.Nanosecond() / 1000))
}

// shutdownArgs is SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT].
type shutdownArgs struct {
	noSave, save, now, force, abort bool
}

func parseShutdown(c *Ctx) (shutdownArgs, bool) {
	var a shutdownArgs
	for _, arg := range c.Args[1:] {
		switch {
		case is(arg, "nosave"):
			a.noSave = true
		case is(arg, "save"):
			a.save = true
		case is(arg, "now"):
			a.now = true
		case is(arg, "force"):
			a.force = true
		case is(arg, "abort"):
			a.abort = true
		default:
			c.Error(errSyntax)
			return a, false
		}
	}
	if a.abort && (a.noSave || a.save || a.now || a.force) || a.noSave && a.save {
		c.Error(errSyntax)
		return a, false
	}
	return a, true
}

// shutdown stops the node. As in Redis, a successful SHUTDOWN has no
// reply: the client sees its connection close.
func shutdown(c *Ctx) {
	a, ok := parseShutdown(c)
	if !ok {
		return
	}
	if a.abort {
		// Shoal's shutdown does not wait for anything, so there is never
		// one in progress to abort.
		c.Error("ERR No shutdown in progress.")
		return
	}
	// As Redis: save with SAVE, or when save points are set unless
	// NOSAVE; a failed save stops the shutdown unless FORCE.
	if (a.save || !a.noSave && c.Node.HasSavePoints()) && !c.Node.Loading() {
		if err := c.Node.SaveOnShutdown(); err != nil && !a.force {
			c.Error("ERR Errors trying to SHUTDOWN. Check logs.")
			return
		}
	}
	c.Node.Log.Warn("User requested shutdown...", "client", c.Conn.ID(), "addr", c.Conn.Addr())
	c.Conn.CloseAfterReply()
	if c.Node.Shutdown != nil {
		c.Node.Shutdown()
	}
}

func infoCommand(st *serverState) *Spec {
	return &Spec{Name: "info", Arity: -1, Flags: Loading | Stale, Group: "server", Categories: []string{"dangerous"},
		Summary: "Get information and statistics about the server", Since: "1.0.0",
		Handler: func(c *Ctx) { info(c, st) }}
}

func serverCommands() []*Spec {
	st := newServerState()
	keyspace := []string{"keyspace"}
	dangerous := []string{"keyspace", "dangerous"}
	return []*Spec{
		{Name: "dbsize", Arity: 1, Flags: ReadOnly | Fast, Group: "server", Categories: keyspace, Summary: "Return the number of keys in the selected database", Since: "1.0.0", Handler: dbsize},
		{Name: "flushdb", Arity: -1, Flags: Write, Group: "server", Categories: dangerous, Summary: "Remove all keys from the current database", Since: "1.0.0", Handler: flushdb, exclusive: true},
		{Name: "flushall", Arity: -1, Flags: Write, Group: "server", Categories: dangerous, Summary: "Remove all keys from all databases", Since: "1.0.0", Handler: flushall, exclusive: true},
		{Name: "swapdb", Arity: 3, Flags: Write | Fast, Group: "server", Categories: dangerous, Summary: "Swaps two Redis databases", Since: "4.0.0", Handler: swapdb, exclusive: true},
		{Name: "time", Arity: 1, Flags: Loading | Stale | Fast, Group: "server", Summary: "Return the current server time", Since: "2.6.0", Handler: timeCommand},
		{Name: "shutdown", Arity: -1, Flags: Admin | NoScript | Loading | Stale | NoMulti | AllowBusy, Group: "server",
			Summary: "Synchronously save the dataset to disk and then shut down the server", Since: "1.0.0", Handler: shutdown, exclusive: true},
		infoCommand(st),
		memoryCommand(st),
		slowlogCommand(),
		latencyCommand(),
		configCommand(st),
	}
}
