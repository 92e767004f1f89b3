package command

import (
	"strconv"
	"sync"
	"time"
)

// SLOWLOG: the last slowlog-max-len commands that ran for at least
// slowlog-log-slower-than microseconds, as Redis 7.0 keeps and shows
// them: newest first, each with its id, the Unix time it ended, its
// duration, its arguments (at most 32, each cut at 128 bytes, passwords
// redacted) and its client's address and name. The time is the
// command's own, from its start to its end, as commandstats counts it;
// a blocked command's wait is not in it.

const (
	slowlogMaxArgs   = 32
	slowlogMaxString = 128
)

type slowEntry struct {
	id, at, usec int64
	args         [][]byte
	addr, name   string
}

// slowLog is a node's log, newest entry last.
type slowLog struct {
	mu      sync.Mutex
	nextID  int64
	entries []slowEntry
}

// add logs the command c ran for usec microseconds, keeping the last
// maxLen entries.
func (l *slowLog) add(c *Ctx, usec, maxLen int64) {
	e := slowEntry{at: time.Now().Unix(), usec: usec, args: slowlogArgs(c.Args), addr: c.Conn.Addr(), name: c.Conn.Name()}
	l.mu.Lock()
	defer l.mu.Unlock()
	e.id = l.nextID
	l.nextID++
	l.entries = append(l.entries, e)
	if over := int64(len(l.entries)) - maxLen; over > 0 {
		n := copy(l.entries, l.entries[over:])
		clear(l.entries[n:])
		l.entries = l.entries[:n]
	}
}

// slowlogArgs copies what the log keeps of a command's arguments (they
// alias the connection's input): the first 31 and a count of the rest
// past 32, strings cut at 128 bytes, and "(redacted)" for passwords.
func slowlogArgs(args [][]byte) [][]byte {
	n := min(len(args), slowlogMaxArgs)
	out := make([][]byte, n)
	redactFrom := redactedFrom(args)
	for i := range n {
		a := args[i]
		switch {
		case n != len(args) && i == n-1:
			out[i] = []byte("... (" + strconv.Itoa(len(args)-n+1) + " more arguments)")
		case i >= redactFrom:
			out[i] = []byte("(redacted)")
		case len(a) > slowlogMaxString:
			out[i] = append(append([]byte(nil), a[:slowlogMaxString]...), "... ("+strconv.Itoa(len(a)-slowlogMaxString)+" more bytes)"...)
		default:
			out[i] = append([]byte(nil), a...)
		}
	}
	return out
}

// redactedFrom is the first argument Redis hides from the log: AUTH's
// username and password, HELLO's after AUTH; len(args) when none.
func redactedFrom(args [][]byte) int {
	switch {
	case is(args[0], "auth"):
		return 1
	case is(args[0], "hello"):
		for i := 2; i < len(args); i++ {
			if is(args[i], "auth") {
				return i + 1
			}
		}
	}
	return len(args)
}

func slowlogGet(c *Ctx) {
	count := int64(10)
	if len(c.Args) == 3 {
		n, ok := parseInt(c.Args[2])
		if !ok || n < -1 {
			c.Error("ERR count should be greater than or equal to -1")
			return
		}
		count = n
	}
	l := &c.Node.slowlog
	l.mu.Lock()
	if count < 0 || count > int64(len(l.entries)) {
		count = int64(len(l.entries))
	}
	entries := make([]slowEntry, count)
	for i := range entries {
		entries[i] = l.entries[len(l.entries)-1-i]
	}
	l.mu.Unlock()
	c.W.Array(len(entries))
	for _, e := range entries {
		c.W.Array(6)
		c.W.Int(e.id)
		c.W.Int(e.at)
		c.W.Int(e.usec)
		c.W.Array(len(e.args))
		for _, a := range e.args {
			c.W.Bulk(a)
		}
		c.W.BulkString(e.addr)
		c.W.BulkString(e.name)
	}
}

func slowlogLen(c *Ctx) {
	l := &c.Node.slowlog
	l.mu.Lock()
	n := len(l.entries)
	l.mu.Unlock()
	c.W.Int(int64(n))
}

func slowlogReset(c *Ctx) {
	l := &c.Node.slowlog
	l.mu.Lock()
	l.entries = nil
	l.mu.Unlock()
	c.W.Simple("OK")
}

var slowlogHelp = []string{
	"GET [<count>]",
	"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
	"    Entries are made of:",
	"    id, timestamp, time in microseconds, arguments array, client IP and port,",
	"    client name",
	"LEN",
	"    Return the length of the slowlog.",
	"RESET",
	"    Reset the slowlog.",
}

func slowlogHelpCmd(c *Ctx) { replyHelp(c, "SLOWLOG", slowlogHelp) }

// slowlogCommand is SLOWLOG with Redis 7.0's subcommands and flags.
func slowlogCommand() *Spec {
	admin := Admin | Loading | Stale
	return &Spec{
		Name: "slowlog", Arity: -2, Group: "server", Summary: "A container for slow log commands", Since: "2.2.12",
		// In the order Redis 7.0's COMMAND lists them.
		Subcommands: []*Spec{
			{Name: "reset", Arity: 2, Flags: admin, Summary: "Clear all entries from the slow log", Since: "2.2.12", Handler: slowlogReset},
			{Name: "help", Arity: 2, Flags: Loading | Stale, Summary: "Show helpful text about the different subcommands", Since: "6.2.0", Handler: slowlogHelpCmd},
			{Name: "len", Arity: 2, Flags: admin, Summary: "Get the slow log's length", Since: "2.2.12", Handler: slowlogLen},
			{Name: "get", Arity: -2, Flags: admin, Summary: "Get the slow log's entries", Since: "2.2.12", Handler: slowlogGet},
		},
	}
}
