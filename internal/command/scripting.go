package command

import (
	"strings"

	"github.com/shoal-cache/shoal/internal/scripting"
)

// Lua scripting: EVAL, EVALSHA, their read-only forms and SCRIPT, as
// Redis 7.0 has them. The Lua runtime (sandbox, redis.* library,
// conversions) is internal/scripting; how a script runs atomically, and
// is told BUSY and killed, is script_run.go; what a script's redis.call
// may run is script_host.go.

const (
	errNoScript       = "NOSCRIPT No matching script. Please use EVAL."
	errNumKeysGreater = "ERR Number of keys can't be greater than number of args"
	errNumKeysNeg     = "ERR Number of keys can't be negative"
	errWriteFlagRO    = "ERR Can not execute a script with write flag using *_ro command."
	errFlushOption    = "ERR SCRIPT FLUSH only support SYNC|ASYNC option"
	errDebugOption    = "ERR Use SCRIPT DEBUG YES/SYNC/NO"
)

func evalCmd(c *Ctx)    { evalGeneric(c, false, false) }
func evalRO(c *Ctx)     { evalGeneric(c, false, true) }
func evalSHA(c *Ctx)    { evalGeneric(c, true, false) }
func evalSHARO(c *Ctx)  { evalGeneric(c, true, true) }
func scriptHelp(c *Ctx) { replyHelp(c, "SCRIPT", scriptHelpLines) }

// evalGeneric is EVAL and its kin: script (or SHA1), numkeys, keys,
// arguments.
func evalGeneric(c *Ctx, bySHA, readOnly bool) {
	if bySHA && len(c.Args[1]) != 40 {
		c.Error(errNoScript)
		return
	}
	job, ok := parseEval(c, bySHA, readOnly)
	if !ok {
		return
	}
	c.runScript(job)
}

// parseEval reads the arguments, finds or compiles the script and checks
// what its flags require, replying the error if any.
func parseEval(c *Ctx, bySHA, readOnly bool) (scriptJob, bool) {
	numkeys, ok := parseInt(c.Args[2])
	switch {
	case !ok:
		c.Error(errNotInteger)
		return scriptJob{}, false
	case numkeys > int64(len(c.Args)-3):
		c.Error(errNumKeysGreater)
		return scriptJob{}, false
	case numkeys < 0:
		c.Error(errNumKeysNeg)
		return scriptJob{}, false
	}
	s := findScript(c, bySHA)
	if s == nil {
		return scriptJob{}, false
	}
	// Redis's order: what its command flags (the shebang's) refuse, then
	// what the run's preparation does.
	eng := c.Node.Engine
	oom := eng.OutOfMemory()
	if oom && s.Shebang && s.Flags&(scripting.AllowOOM|scripting.NoWrites) == 0 {
		c.Error(errOOM)
		return scriptJob{}, false
	}
	if msg := c.scriptRefusal(s.Shebang, s.Flags); msg != "" {
		c.Error(msg)
		return scriptJob{}, false
	}
	if readOnly && s.Shebang && s.Flags&scripting.NoWrites == 0 {
		c.Error(errWriteFlagRO)
		return scriptJob{}, false
	}
	args := c.Args[3:] // copied if the script leaves the event loop
	return scriptJob{
		script:   s,
		keys:     args[:numkeys],
		argv:     args[numkeys:],
		readOnly: readOnly || s.Shebang && s.Flags&scripting.NoWrites != 0,
		oom:      oom,
	}, true
}

// findScript returns the script EVAL names: cached by its SHA1, or
// compiled from its body and cached.
func findScript(c *Ctx, bySHA bool) *scripting.Script {
	e := &c.Node.scripts
	if bySHA {
		if s := e.last.Load(); s != nil && is(c.Args[1], s.SHA) {
			return s
		}
		var sha [40]byte
		s := e.lookupBytes(lower(sha[:0], c.Args[1]))
		if s == nil {
			c.Error(errNoScript)
		}
		return s
	}
	s, err := e.load(c.Args[1])
	if err != nil {
		c.Error("ERR " + err.Error())
		return nil
	}
	return s
}

func scriptLoad(c *Ctx) {
	s, err := c.Node.scripts.load(c.Args[2])
	if err != nil {
		c.Error("ERR " + err.Error())
		return
	}
	c.W.BulkString(s.SHA)
}

func scriptExists(c *Ctx) {
	c.W.Array(len(c.Args) - 2)
	for _, sha := range c.Args[2:] {
		if c.Node.scripts.lookup(strings.ToLower(string(sha))) != nil {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	}
}

// scriptFlush empties the cache. ASYNC and SYNC are the same here: the
// cache is dropped at once and the Go collector frees it.
func scriptFlush(c *Ctx) {
	if len(c.Args) > 3 || len(c.Args) == 3 && !is(c.Args[2], "sync") && !is(c.Args[2], "async") {
		c.Error(errFlushOption)
		return
	}
	c.Node.scripts.flush()
	c.W.OK()
}

// scriptDebug accepts NO; the Lua debugger (YES, SYNC) is not supported.
func scriptDebug(c *Ctx) {
	switch {
	case is(c.Args[2], "no"):
		c.W.OK()
	case is(c.Args[2], "yes"), is(c.Args[2], "sync"):
		c.Error(errNotSupported)
	default:
		c.Error(errDebugOption)
	}
}

var scriptHelpLines = []string{
	"DEBUG (YES|SYNC|NO)",
	"    Set the debug mode for subsequent scripts executed.",
	"EXISTS <sha1> [<sha1> ...]",
	"    Return information about the existence of the scripts in the script cache.",
	"FLUSH [ASYNC|SYNC]",
	"    Flush the Lua scripts cache. Very dangerous on replicas.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the scripts cache.",
	"    * SYNC: Synchronously flush the scripts cache.",
	"KILL",
	"    Kill the currently executing Lua script.",
	"LOAD <script>",
	"    Load a script into the scripts cache without executing it.",
}

func scriptingCommands() []*Spec {
	const (
		grp   = "scripting"
		flags = NoScript | Stale | SkipMonitor | NoMandatoryKeys
	)
	eval := func(name string, ro bool, since, summary string, h func(*Ctx)) *Spec {
		f := Flags(flags)
		if ro {
			f |= ReadOnly
		} else {
			f |= MayReplicate
		}
		return &Spec{Name: name, Arity: -3, Flags: f, Group: grp, Summary: summary, Since: since, Handler: h, ownsGate: true}
	}
	return []*Spec{
		eval("eval", false, "2.6.0", "Execute a Lua script server side", evalCmd),
		eval("evalsha", false, "2.6.0", "Execute a Lua script server side", evalSHA),
		eval("eval_ro", true, "7.0.0", "Execute a read-only Lua script server side", evalRO),
		eval("evalsha_ro", true, "7.0.0", "Execute a read-only Lua script server side", evalSHARO),
		{Name: "script", Arity: -2, Group: grp, Summary: "A container for Lua scripts management commands", Since: "2.6.0",
			Subcommands: []*Spec{
				{Name: "debug", Arity: 3, Flags: NoScript, Summary: "Set the debug mode for executed scripts.", Since: "3.2.0", Handler: scriptDebug},
				{Name: "exists", Arity: -3, Flags: NoScript, Summary: "Check existence of scripts in the script cache.", Since: "2.6.0", Handler: scriptExists},
				{Name: "flush", Arity: -2, Flags: NoScript, Summary: "Remove all the scripts from the script cache.", Since: "2.6.0", Handler: scriptFlush},
				{Name: "help", Arity: 2, Flags: Loading | Stale, Summary: "Show helpful text about the different subcommands", Since: "5.0.0", Handler: scriptHelp},
				{Name: "kill", Arity: 2, Flags: NoScript | AllowBusy, Summary: "Kill the script currently in execution.", Since: "2.6.0", Handler: scriptKill},
				{Name: "load", Arity: 3, Flags: NoScript | Stale, Summary: "Load the specified Lua script into the script cache.", Since: "2.6.0", Handler: scriptLoad},
			}},
	}
}
