package command

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/scripting"
)

// Client pauses (CLIENT PAUSE, CLIENT UNPAUSE). A pause holds back the
// commands of every client but replicas and MONITOR: all of them (ALL),
// or those that may change the dataset or the replication stream (WRITE:
// write commands, EVAL, FCALL, PUBLISH, and an EXEC that queued one). A
// held command is not refused: its connection is parked with it, as
// Redis postpones it, and runs it when the pause ends, then whatever it
// sent meanwhile. While a pause lasts keys do not expire or get evicted:
// a lapsed key reads as missing but stays, so that the dataset is still
// when an operator (or a failover) reads the replication offset.
//
// Two pauses make one, as in Redis 7.0: the stricter mode of the two
// until the later end. Only the end (its time, or CLIENT UNPAUSE) lets
// the held connections run their commands again.

// pauseMode is what a pause holds back.
type pauseMode int32

const (
	pauseNone pauseMode = iota
	pauseWrite
	pauseAll
)

// pauseState is the node's pause.
type pauseState struct {
	// mode is read by every command: pauseNone, with no lock, while no
	// pause was set since the last one ended.
	mode atomic.Int32

	mu      sync.Mutex
	until   int64 // Unix ms, under mu
	timer   *time.Timer
	waiting []Conn // parked connections, in the order they came, under mu
}

// pauseHolds reports whether the pause holds back spec for c, and if so
// parks the connection: the command runs again when the pause ends.
func (c *Ctx) pauseHolds(spec *Spec) bool {
	p := &c.Node.pause
	if pauseMode(p.mode.Load()) == pauseNone || c.loading || c.monitoring || c.replicaLink {
		return false
	}
	writes := pauseMode(p.mode.Load()) == pauseWrite && c.pauseNeeds(spec)&(Write|MayReplicate) != 0
	p.mu.Lock()
	mode := pauseMode(p.mode.Load())
	if mode == pauseNone || time.Now().UnixMilli() >= p.until || mode == pauseWrite && !writes {
		p.mu.Unlock()
		return false
	}
	p.waiting = append(p.waiting, c.Conn)
	p.mu.Unlock()
	// Resume may come before Postpone runs: it runs on the connection's
	// loop, after this command.
	c.postponed = cloneArgs(c.Args)
	c.Conn.Postpone()
	return true
}

// Postponed reports whether a pause holds the connection's command.
func (c *Ctx) Postponed() bool { return c.postponed != nil }

// TakePostponed returns the command CLIENT PAUSE held back, nil if none,
// for the connection to run it again.
func (c *Ctx) TakePostponed() [][]byte {
	args := c.postponed
	c.postponed = nil
	return args
}

// pauseNeeds is what spec may do, as a pause sees it: an EXEC what its
// queued commands may, and EVAL, EVALSHA and FCALL what their script or
// function declares (Redis's evalGetCommandFlags): one that declares
// flags writes unless it declares no-writes, one that declares none may
// write or publish.
func (c *Ctx) pauseNeeds(spec *Spec) Flags {
	needs := spec.Flags
	if spec.Name == "exec" && c.multi != nil {
		needs |= c.multi.flags
	}
	if !spec.ownsGate || spec.Flags&MayReplicate == 0 || len(c.Args) < 2 {
		return needs
	}
	var declared scripting.Flags
	var shebang bool
	switch spec.Name {
	case "eval":
		declared, shebang, _ = scripting.ShebangFlags(string(c.Args[1]))
	case "evalsha":
		var sha [40]byte
		if s := c.Node.scripts.lookup(string(lower(sha[:0], c.Args[1]))); s != nil {
			declared, shebang = s.Flags, s.Shebang
		}
	case "fcall":
		if fn := c.Node.scripts.functions.find(c.Args[1]); fn != nil {
			declared, shebang = fn.Flags, true
		}
	}
	if !shebang {
		return needs
	}
	needs &^= Write | MayReplicate
	if declared&scripting.NoWrites == 0 {
		needs |= Write
	}
	return needs
}

// set starts a pause of mode until the Unix ms until, or makes the one
// in force stricter or longer.
func (p *pauseState) set(n *Node, mode pauseMode, until int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := pauseMode(p.mode.Load()); old != pauseNone {
		mode, until = max(mode, old), max(until, p.until)
	}
	p.mode.Store(int32(mode))
	p.until = until
	n.Engine.SetPaused(true)
	p.armLocked(n)
}

// maxPauseWait is the longest the end's timer waits at once: a timeout
// near 2^63 ms would overflow a Duration.
const maxPauseWait = 24 * time.Hour

// armLocked sets the timer for the pause's end. The caller holds mu.
func (p *pauseState) armLocked(n *Node) {
	if p.timer != nil {
		p.timer.Stop()
	}
	wait := time.Duration(min(max(0, p.until-time.Now().UnixMilli()), maxPauseWait.Milliseconds())) * time.Millisecond
	p.timer = time.AfterFunc(wait, func() { p.expire(n) })
}

// expire ends the pause if its time has come (its timer fired).
func (p *pauseState) expire(n *Node) {
	p.mu.Lock()
	if pauseMode(p.mode.Load()) != pauseNone && time.Now().UnixMilli() < p.until {
		p.armLocked(n)
		p.mu.Unlock()
		return
	}
	resume := p.endLocked(n)
	p.mu.Unlock()
	resumeAll(resume)
}

// end lifts the pause and lets the held connections run.
func (p *pauseState) end(n *Node) {
	p.mu.Lock()
	resume := p.endLocked(n)
	p.mu.Unlock()
	resumeAll(resume)
}

// endLocked lifts the pause and returns the held connections. The caller
// holds mu.
func (p *pauseState) endLocked(n *Node) []Conn {
	p.mode.Store(int32(pauseNone))
	p.until = 0
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	n.Engine.SetPaused(false)
	resume := p.waiting
	p.waiting = nil
	return resume
}

// resumeAll has the held connections run their commands, in the order
// they came.
func resumeAll(conns []Conn) {
	for _, conn := range conns {
		conn.Resume()
	}
}

// clientPause is CLIENT PAUSE timeout [WRITE|ALL].
func clientPause(c *Ctx) {
	if len(c.Args) > 4 {
		clientSyntaxError(c)
		return
	}
	timeout, ok := parseMsTimeout(c, c.Args[2])
	if !ok {
		return
	}
	mode := pauseAll
	if len(c.Args) == 4 {
		switch {
		case is(c.Args[3], "write"):
			mode = pauseWrite
		case is(c.Args[3], "all"):
		default:
			c.Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
	}
	// Redis adds the time to its clock without a check: a timeout near
	// 2^63 wraps (as Go's addition does) to the past and pauses nothing.
	c.Node.pause.set(c.Node, mode, time.Now().UnixMilli()+timeout)
	c.W.OK()
}

// clientUnpause is CLIENT UNPAUSE.
func clientUnpause(c *Ctx) {
	c.Node.pause.end(c.Node)
	c.W.OK()
}
