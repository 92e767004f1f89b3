package command

import (
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/resp"
)

// MONITOR, as Redis 7.0 shows it: every command a client runs, but for
// admin and skip_monitor ones, is pushed to the monitoring clients as a
// line `+<unix seconds>.<µs> [<db> <client address>] "arg" ...`, the
// arguments quoted as Redis's sdscatrepr quotes them and passwords
// redacted as in the slow log; a command a script calls shows "lua" as
// its client. A command flagged skip_monitor (EVAL, FCALL) is shown
// before it runs, so before the commands it calls; the rest after they
// ran (SELECT shows the database it chose, EXEC comes after its
// commands). A
// monitoring client may still run commands that touch no key (PING,
// QUIT, RESET); the others get Redis's "Replica can't interact with the
// keyspace".

type monitors struct {
	n    atomic.Int32 // len(list), read on every command
	mu   sync.Mutex
	list []Conn
}

func (m *monitors) add(c Conn) {
	m.mu.Lock()
	m.list = append(m.list, c)
	m.n.Store(int32(len(m.list)))
	m.mu.Unlock()
}

func (m *monitors) remove(c Conn) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i := slices.Index(m.list, c); i >= 0 {
		m.list = slices.Delete(m.list, i, i+1)
		m.n.Store(int32(len(m.list)))
	}
}

// feed pushes the command c runs, args, to the monitors (c.Args may
// have moved on: EXEC runs its commands through them).
func (m *monitors) feed(c *Ctx, spec *Spec, args [][]byte) {
	if spec.Flags&Admin != 0 {
		return
	}
	now := time.Now()
	line := make([]byte, 0, 64)
	line = append(line, '+')
	line = strconv.AppendInt(line, now.Unix(), 10)
	line = append(line, '.')
	us := strconv.AppendInt(nil, int64(now.Nanosecond()/1000), 10)
	for range 6 - len(us) {
		line = append(line, '0')
	}
	line = append(line, us...)
	line = append(line, " ["...)
	line = strconv.AppendInt(line, int64(c.Conn.DB()), 10)
	line = append(line, ' ')
	if c.inScript() {
		line = append(line, "lua"...)
	} else {
		line = append(line, c.Conn.Addr()...)
	}
	line = append(line, ']')
	redactFrom := redactedFrom(args)
	for i, a := range args {
		line = append(line, ' ')
		if i >= redactFrom {
			a = []byte("(redacted)")
		}
		line = resp.AppendRepr(line, a)
	}
	line = append(line, '\r', '\n')
	// A script's command in a run that may still be stopped and run
	// again (an attempt, a run beside others) is shown once the run ends,
	// so a command run twice is shown once, as its redis.log lines are.
	if sc, ok := c.Conn.(*scriptConn); ok && sc.host != nil && sc.host.holding() {
		sc.host.logs = append(sc.host.logs, scriptLog{monitor: line})
		return
	}
	m.send(c, line)
}

// send pushes a monitor line from the client of c to the monitors.
func (m *monitors) send(c *Ctx, line []byte) {
	m.mu.Lock()
	list := m.list
	m.mu.Unlock()
	for _, mc := range list {
		if mc == c.Conn {
			c.W.Raw(line) // its own command: in order with its replies
		} else {
			mc.Push(line)
		}
	}
}

func monitorCmd(c *Ctx) {
	if c.multi != nil || c.inExec {
		// Queued in a transaction, it is refused when EXEC runs it: a
		// client there expects one reply per command.
		c.Error("ERR MONITOR isn't allowed for DENY BLOCKING client")
		return
	}
	if !c.monitoring {
		c.monitoring = true
		c.Node.monitors.add(c.Conn)
	}
	c.W.OK()
}

func monitorCommands() []*Spec {
	return []*Spec{
		{Name: "monitor", Arity: 1, Flags: Admin | NoScript | Loading | Stale, Group: "server",
			Summary: "Listen for all requests received by the server in real time", Since: "1.0.0", Handler: monitorCmd},
	}
}
