package command

import (
	"time"

	"github.com/shoal-cache/shoal/internal/scripting"
)

// Redis 7 functions: FUNCTION LOAD and its kin manage libraries of Lua
// functions (function_libs.go; DUMP and RESTORE in function_dump.go), and
// FCALL and FCALL_RO call them. A function runs as an EVAL script does
// (script_exec.go): atomically, told BUSY past busy-reply-threshold, and
// killed by FUNCTION KILL, which does not kill a script, as SCRIPT KILL
// does not kill a function. The Lua side is internal/scripting's
// library.go.
//
// As in Redis, FUNCTION LOAD, DELETE, FLUSH and RESTORE propagate as they
// were sent (to the AOF, which replays them at start), and FCALL as the
// effects of the commands its function called.

const (
	errFunctionNotFound = "ERR Function not found"
	errBadNumKeys       = "ERR Bad number of keys provided"
	errLibraryNotFound  = "ERR Library not found"
	errFunctionFlush    = "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"
)

func fcall(c *Ctx)        { fcallGeneric(c, false) }
func fcallRO(c *Ctx)      { fcallGeneric(c, true) }
func functionHelp(c *Ctx) { replyHelp(c, "FUNCTION", functionHelpLines) }

// fcallGeneric is FCALL and FCALL_RO: function, numkeys, keys, arguments.
func fcallGeneric(c *Ctx, readOnly bool) {
	job, ok := parseFcall(c, readOnly)
	if !ok {
		return
	}
	c.runScript(job)
}

// parseFcall finds the function and reads the arguments, checking what
// the function's flags require in Redis's order (memory is checked before
// the command runs, the rest as it prepares the run), and replies the
// error if any.
func parseFcall(c *Ctx, readOnly bool) (scriptJob, bool) {
	fn := c.Node.scripts.functions.find(c.Args[1])
	if fn == nil {
		c.Error(errFunctionNotFound)
		return scriptJob{}, false
	}
	eng := c.Node.Engine
	oom := eng.OutOfMemory()
	if oom && fn.Flags&(scripting.AllowOOM|scripting.NoWrites) == 0 {
		c.Error(errOOM)
		return scriptJob{}, false
	}
	if msg := c.scriptRefusal(true, fn.Flags); msg != "" {
		c.Error(msg)
		return scriptJob{}, false
	}
	numkeys, ok := parseInt(c.Args[2])
	switch {
	case !ok:
		c.Error(errBadNumKeys)
		return scriptJob{}, false
	case numkeys > int64(len(c.Args)-3):
		c.Error(errNumKeysGreater)
		return scriptJob{}, false
	case numkeys < 0:
		c.Error(errNumKeysNeg)
		return scriptJob{}, false
	case readOnly && fn.Flags&scripting.NoWrites == 0:
		c.Error(errWriteFlagRO)
		return scriptJob{}, false
	}
	args := c.Args[3:] // copied if the function leaves the event loop
	return scriptJob{
		fn:       fn,
		head:     c.Args[:3],
		keys:     args[:numkeys],
		argv:     args[numkeys:],
		readOnly: readOnly || fn.Flags&scripting.NoWrites != 0,
		oom:      oom,
	}, true
}

// functionLoad is FUNCTION LOAD [REPLACE] code.
func functionLoad(c *Ctx) {
	replace := false
	args := c.Args[2:]
	for ; len(args) > 1; args = args[1:] {
		if !is(args[0], "replace") {
			c.Errorf("ERR Unknown option given: %s", args[0])
			return
		}
		replace = true
	}
	// The body's redis.log lines go to the node's log.
	host := &scriptHost{node: c.Node}
	name, err := c.Node.scripts.functions.load(host, string(args[0]), replace)
	if err != nil {
		c.Error("ERR " + err.Error())
		return
	}
	c.commitNow()
	c.W.BulkString(name)
}

func functionDelete(c *Ctx) {
	if !c.Node.scripts.functions.delete(string(c.Args[2])) {
		c.Error(errLibraryNotFound)
		return
	}
	c.commitNow()
	c.W.OK()
}

// functionFlush is FUNCTION FLUSH [ASYNC|SYNC]; both are the same here,
// the Go collector frees the libraries.
func functionFlush(c *Ctx) {
	switch {
	case len(c.Args) > 3:
		c.Error(functionSyntaxError(c))
		return
	case len(c.Args) == 3 && !is(c.Args[2], "sync") && !is(c.Args[2], "async"):
		c.Error(errFunctionFlush)
		return
	}
	c.Node.scripts.functions.flush()
	c.commitNow()
	c.W.OK()
}

// functionSyntaxError is Redis's addReplySubcommandSyntaxError for
// FUNCTION: it names the subcommand as the client wrote it.
func functionSyntaxError(c *Ctx) string {
	return "ERR unknown subcommand or wrong number of arguments for '" + string(truncate(c.Args[1], 128)) + "'. Try FUNCTION HELP."
}

// functionListArgs are FUNCTION LIST's options.
type functionListArgs struct {
	withCode bool
	pattern  []byte // nil: every library
}

// parseFunctionList reads [WITHCODE] [LIBRARYNAME pattern], each at most
// once, as Redis does: a second WITHCODE is an unknown argument.
func parseFunctionList(c *Ctx) (functionListArgs, bool) {
	var a functionListArgs
	args := c.Args[2:]
	for i := 0; i < len(args); i++ {
		switch {
		case !a.withCode && is(args[i], "withcode"):
			a.withCode = true
		case a.pattern == nil && is(args[i], "libraryname"):
			if i == len(args)-1 {
				c.Error("ERR library name argument was not given")
				return a, false
			}
			i++
			a.pattern = args[i]
		default:
			c.Errorf("ERR Unknown argument %s", args[i])
			return a, false
		}
	}
	return a, true
}

func functionList(c *Ctx) {
	a, ok := parseFunctionList(c)
	if !ok {
		return
	}
	libs := c.Node.scripts.functions.libraries()
	if a.pattern != nil {
		kept := libs[:0]
		for _, lib := range libs {
			if matchGlob(a.pattern, []byte(lib.Name), true) {
				kept = append(kept, lib)
			}
		}
		libs = kept
	}
	c.W.Array(len(libs))
	for _, lib := range libs {
		writeLibrary(c, lib, a.withCode)
	}
}

// writeLibrary writes one library as FUNCTION LIST shows it.
func writeLibrary(c *Ctx, lib *scripting.Library, withCode bool) {
	w := c.W
	if withCode {
		w.Map(4)
	} else {
		w.Map(3)
	}
	w.BulkString("library_name")
	w.BulkString(lib.Name)
	w.BulkString("engine")
	w.BulkString(scripting.EngineName)
	w.BulkString("functions")
	w.Array(len(lib.Functions))
	for _, fn := range lib.Functions {
		w.Map(3)
		w.BulkString("name")
		w.BulkString(fn.Name)
		w.BulkString("description")
		if fn.Description == nil {
			w.Null()
		} else {
			w.BulkString(*fn.Description)
		}
		w.BulkString("flags")
		flags := fn.Flags.Names()
		w.Set(len(flags))
		for _, f := range flags {
			w.Simple(f)
		}
	}
	if withCode {
		w.BulkString("library_code")
		w.BulkString(lib.Code)
	}
}

// functionStats is FUNCTION STATS: the function running, if one is busy,
// and the count of libraries and functions. It runs beside a busy
// function; beside a busy EVAL script it is refused as other commands
// are.
func functionStats(c *Ctx) {
	r := c.Node.scripts.busyRun()
	busy := r != nil
	if busy && r.job.fn == nil {
		c.Error(errBusy)
		return
	}
	w := c.W
	w.Map(2)
	w.BulkString("running_script")
	if busy {
		writeRunningFunction(c, r)
	} else {
		w.Null()
	}
	libs, funcs := c.Node.scripts.functions.counts()
	w.BulkString("engines")
	w.Map(1)
	w.BulkString(scripting.EngineName)
	w.Map(2)
	w.BulkString("libraries_count")
	w.Int(int64(libs))
	w.BulkString("functions_count")
	w.Int(int64(funcs))
}

// writeRunningFunction writes the busy function's name, the command that
// called it and how long it has run.
func writeRunningFunction(c *Ctx, r *scriptRun) {
	w, job := c.W, r.job
	w.Map(3)
	w.BulkString("name")
	w.BulkString(job.fn.Name)
	w.BulkString("command")
	w.Array(len(job.head) + len(job.keys) + len(job.argv))
	for _, part := range [][][]byte{job.head, job.keys, job.argv} {
		for _, a := range part {
			w.Bulk(a)
		}
	}
	w.BulkString("duration_ms")
	w.Int(time.Since(r.started).Milliseconds())
}

var functionHelpLines = []string{
	"LOAD [REPLACE] <FUNCTION CODE>",
	"    Create a new library with the given library name and code.",
	"DELETE <LIBRARY NAME>",
	"    Delete the given library.",
	"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
	"    Return general information on all the libraries:",
	"    * Library name",
	"    * The engine used to run the Library",
	"    * Library description",
	"    * Functions list",
	"    * Library code (if WITHCODE is given)",
	"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
	"STATS",
	"    Return information about the current function running:",
	"    * Function name",
	"    * Command used to run the function",
	"    * Duration in MS that the function is running",
	"    If no function is running, return nil",
	"    In addition, returns a list of available engines.",
	"KILL",
	"    Kill the current running function.",
	"FLUSH [ASYNC|SYNC]",
	"    Delete all the libraries.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the libraries.",
	"    * SYNC: Synchronously flush the libraries.",
	"DUMP",
	"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
	"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
	"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
	"    control how to handle existing libraries (default APPEND):",
	"    * FLUSH: delete all existing libraries.",
	"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
	"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
	"      libraries with the new libraries (notice that even on this option there is a chance of failure",
	"      in case of functions name collision with another library).",
}

func functionCommands() []*Spec {
	const grp = "scripting"
	fcallSpec := func(name string, ro bool, summary string, h func(*Ctx)) *Spec {
		f := Flags(NoScript | Stale | SkipMonitor | NoMandatoryKeys)
		if ro {
			f |= ReadOnly
		} else {
			f |= MayReplicate
		}
		return &Spec{Name: name, Arity: -3, Flags: f, Group: grp, Summary: summary, Since: "7.0.0", Handler: h, ownsGate: true}
	}
	return []*Spec{
		fcallSpec("fcall", false, "Invoke a function", fcall),
		fcallSpec("fcall_ro", true, "Invoke a read-only function", fcallRO),
		{Name: "function", Arity: -2, Group: grp, Summary: "A container for function commands", Since: "7.0.0",
			Subcommands: []*Spec{
				{Name: "delete", Arity: 3, Flags: Write | NoScript, Summary: "Delete a function by name", Since: "7.0.0", Handler: functionDelete},
				{Name: "dump", Arity: 2, Flags: NoScript, Summary: "Dump all functions into a serialized binary payload", Since: "7.0.0", Handler: functionDump},
				{Name: "flush", Arity: -2, Flags: Write | NoScript, Summary: "Deleting all functions", Since: "7.0.0", Handler: functionFlush},
				{Name: "help", Arity: 2, Flags: Loading | Stale, Summary: "Show helpful text about the different subcommands", Since: "7.0.0", Handler: functionHelp},
				{Name: "kill", Arity: 2, Flags: NoScript | AllowBusy, Summary: "Kill the function currently in execution.", Since: "7.0.0", Handler: functionKill},
				{Name: "list", Arity: -2, Flags: NoScript, Summary: "List information about all the functions", Since: "7.0.0", Handler: functionList},
				{Name: "load", Arity: -3, Flags: Write | DenyOOM | NoScript, Summary: "Create a function with the given arguments (name, code, description)", Since: "7.0.0", Handler: functionLoad},
				{Name: "restore", Arity: -3, Flags: Write | DenyOOM | NoScript, Summary: "Restore all the functions on the given payload", Since: "7.0.0", Handler: functionRestore},
				{Name: "stats", Arity: 2, Flags: NoScript | AllowBusy, Summary: "Return information about the function currently running (name, description, duration)", Since: "7.0.0", Handler: functionStats},
			}},
	}
}
