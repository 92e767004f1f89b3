package command

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
	disk "github.com/shoal-cache/shoal/internal/persist"
)

// Snapshots to dir/dbfilename: SAVE, BGSAVE, LASTSAVE, the save schedule,
// and the state INFO persistence reports. Both SAVE and BGSAVE take a
// point-in-time snapshot without fork (engine/snapshot.go) while writers
// go on; SAVE only makes its own client wait for the file. They are
// exclusive commands: the moment of the snapshot is when the command runs,
// with no transaction or script half applied, and a command sent after
// the reply is not in the file, as with Redis's fork.

const (
	errSaveInProgress = "ERR Background save already in progress"
	errOtherChild     = "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
	errMisconf        = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
	errLoading        = "LOADING Shoal is loading the dataset in memory"

	// bgsaveRetryDelay is how long the schedule waits after a failed
	// save before trying again (CONFIG_BGSAVE_RETRY_DELAY).
	bgsaveRetryDelay = 5 * time.Second
)

// persistState is the node's snapshot bookkeeping.
type persistState struct {
	mu sync.Mutex
	// snapFuncs are the function libraries of the snapshot running, as
	// RDB function entries (atomic: BeginSnapshot may run under mu).
	snapFuncs atomic.Pointer[[]byte]
	// running is the save being written, nil when none.
	running *saveRun
	// scheduled is a BGSAVE waiting for the snapshot in the way (an AOF
	// rewrite's, or EXEC's) to end.
	scheduled bool
	// lastSave is the Unix second of the last successful save, 0 until
	// one (INFO then reports the start time).
	lastSave int64
	// lastTry is when the last background save started.
	lastTry time.Time
	// lastBgsaveSecs is the duration of the last background save, -1
	// before the first.
	lastBgsaveSecs int64
	saves          int64
	lastCow        int64
	// dirtyAtSave is the engine's change counter when the last
	// successful save began.
	dirtyAtSave int64

	// bgsaveErr is set while the last background save failed: with save
	// points and stop-writes-on-bgsave-error, writes get MISCONF.
	bgsaveErr atomic.Bool

	loading atomic.Bool
	load    loadProgress
}

// loadProgress is the loading_* fields of INFO.
type loadProgress struct {
	mu                  sync.Mutex
	start               time.Time
	total, loaded       int64
	lastKeys, lastExpir int64
}

// saveRun is one save being written.
type saveRun struct {
	snap       *engine.Snapshot
	started    time.Time
	background bool
	dirty      int64
	done       chan struct{}
	err        error // set before done closes
}

// SavePath is where snapshots go: dir/dbfilename.
func (n *Node) SavePath() string {
	return filepath.Join(n.Config.String("dir"), n.Config.String("dbfilename"))
}

// startSave begins a snapshot and writes it to the save path on a
// goroutine. The caller holds the gate exclusively.
func (n *Node) startSave(background bool) (*saveRun, error) {
	p := &n.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running != nil {
		return nil, errors.New(errSaveInProgress)
	}
	run := &saveRun{started: time.Now(), background: background, done: make(chan struct{})}
	run.dirty = n.Engine.Dirty()
	snap, err := n.BeginSnapshot(nil)
	if err != nil {
		return nil, err
	}
	run.snap = snap
	p.running = run
	if background {
		p.lastTry = run.started
		n.Log.Info("Background saving started")
	}
	go n.writeSave(run)
	return run, nil
}

// writeSave writes run's snapshot to a temporary file renamed over the
// save path once complete, and records the outcome.
func (n *Node) writeSave(run *saveRun) {
	path := n.SavePath()
	f, err := disk.CreateAtomic(path)
	if err != nil {
		run.snap.Walk(func(int, []byte) error { return err }) // ends it
	} else {
		var keys int64
		if keys, err = n.StreamSnapshot(f, run.snap, false); err == nil {
			err = f.Commit()
		} else {
			f.Abort()
		}
		if err == nil {
			n.Log.Info("DB saved on disk", "keys", keys, "bytes", f.Size(), "seconds", time.Since(run.started).Seconds())
		}
	}
	n.finishSave(run, err)
}

// finishSave records a save's outcome. A save aborted by a flush fails
// without marking the status as failed, as Redis's killed child (SIGUSR1)
// does not.
func (n *Node) finishSave(run *saveRun, err error) {
	p := &n.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = nil
	run.err = err
	switch {
	case err == nil:
		p.lastSave = time.Now().Unix()
		p.dirtyAtSave = run.dirty
		p.saves++
		p.bgsaveErr.Store(false)
	case errors.Is(err, engine.ErrSnapshotAborted):
		n.Log.Warn("Background saving terminated: the keyspace was flushed", "err", err)
	default:
		n.Log.Warn("Failed saving the DB", "path", n.SavePath(), "err", err)
		if run.background {
			p.bgsaveErr.Store(true)
		}
	}
	if run.background {
		p.lastBgsaveSecs = int64(time.Since(run.started).Seconds())
		p.lastCow = run.snap.PeakSideBytes()
	}
	close(run.done)
}

// abortSave stops a running save, if any, and waits for it to end.
func (n *Node) abortSave() {
	n.persist.mu.Lock()
	run := n.persist.running
	n.persist.mu.Unlock()
	if run != nil {
		run.snap.Abort()
		<-run.done
	}
}

// changesSinceSave is rdb_changes_since_last_save.
func (n *Node) changesSinceSave() int64 {
	n.persist.mu.Lock()
	defer n.persist.mu.Unlock()
	return n.Engine.Dirty() - n.persist.dirtyAtSave
}

// writesDenied reports whether writes get MISCONF: the last background
// save failed, save points are set and stop-writes-on-bgsave-error is on.
func (n *Node) writesDenied() bool {
	return n.persist.bgsaveErr.Load() && n.Config.Bool("stop-writes-on-bgsave-error") && n.Config.String("save") != ""
}

// Loading reports whether the node is loading its dataset.
func (n *Node) Loading() bool { return n.persist.loading.Load() }

func save(c *Ctx) {
	if c.Node.Engine.SnapshotRunning() && !c.Node.saveRunning() {
		c.Error("ERR Another child process is active (AOF?): can't SAVE right now.")
		return
	}
	run, err := c.Node.startSave(false)
	if err != nil {
		c.Error(err.Error())
		return
	}
	// The client waits for the file; other clients go on.
	c.Conn.Block()
	go func() {
		<-run.done
		reply := []byte("+OK\r\n")
		if run.err != nil {
			reply = []byte("-ERR\r\n")
		}
		c.Conn.Unblock(reply)
	}()
}

func (n *Node) saveRunning() bool {
	n.persist.mu.Lock()
	defer n.persist.mu.Unlock()
	return n.persist.running != nil
}

func bgsave(c *Ctx) {
	schedule := false
	if len(c.Args) > 2 || len(c.Args) == 2 && !is(c.Args[1], "schedule") {
		c.Error(errSyntax)
		return
	}
	schedule = len(c.Args) == 2
	n := c.Node
	switch {
	case n.saveRunning():
		c.Error(errSaveInProgress)
	case n.Engine.SnapshotRunning() || c.inExec:
		// Another snapshot (AOF rewrite) runs, or EXEC holds the node:
		// the save starts from the schedule's next tick.
		if !schedule && !c.inExec {
			c.Error(errOtherChild)
			return
		}
		n.persist.mu.Lock()
		n.persist.scheduled = true
		n.persist.mu.Unlock()
		c.W.Simple("Background saving scheduled")
	default:
		if _, err := n.startSave(true); err != nil {
			c.Error("ERR " + err.Error())
			return
		}
		c.W.Simple("Background saving started")
	}
}

func lastsave(c *Ctx) { c.W.Int(c.Node.lastSaveTime()) }

func (n *Node) lastSaveTime() int64 {
	n.persist.mu.Lock()
	defer n.persist.mu.Unlock()
	if n.persist.lastSave == 0 {
		return n.Started.Unix()
	}
	return n.persist.lastSave
}

// RunSaveSchedule starts background saves as the save directive asks, and
// the ones BGSAVE SCHEDULE left, until ctx is done: it checks ten times a
// second, as Redis's cron does at its default hz.
func (n *Node) RunSaveSchedule(ctx context.Context) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if n.saveDue() {
			n.gate.lock()
			_, err := n.startSave(true)
			n.gate.unlock()
			if err != nil && !errors.Is(err, engine.ErrSnapshotRunning) {
				n.Log.Warn("Can't start a background save", "err", err)
			}
		}
	}
}

// saveDue reports whether a background save should start now.
func (n *Node) saveDue() bool {
	if n.Loading() || n.Engine.SnapshotRunning() {
		return false
	}
	p := &n.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running != nil {
		return false
	}
	if p.scheduled {
		p.scheduled = false
		return true
	}
	points, _ := config.ParseSavePoints(n.Config.String("save"))
	changes := n.Engine.Dirty() - p.dirtyAtSave
	last := p.lastSave
	if last == 0 {
		last = n.Started.Unix()
	}
	now := time.Now()
	for _, sp := range points {
		if changes >= sp.Changes && now.Unix()-last > sp.Seconds &&
			(!p.bgsaveErr.Load() || now.Sub(p.lastTry) > bgsaveRetryDelay) {
			n.Log.Info("Saving on schedule", "changes", changes, "seconds", sp.Seconds)
			return true
		}
	}
	return false
}

// SaveOnShutdown saves a snapshot in the foreground, for SHUTDOWN: a
// background save running is stopped first, as Redis kills its child.
// The caller holds the gate exclusively.
func (n *Node) SaveOnShutdown() error {
	n.abortSave()
	run, err := n.startSave(false)
	if err != nil {
		return err
	}
	<-run.done
	return run.err
}

// HasSavePoints reports whether the save directive schedules saves.
func (n *Node) HasSavePoints() bool { return n.Config.String("save") != "" }

// LoadSnapshotFile loads path into the keyspace, with the node marked as
// loading (clients get LOADING, INFO shows progress) meanwhile.
func (n *Node) LoadSnapshotFile(path string) (LoadStats, error) {
	f, err := os.Open(path)
	if err != nil {
		return LoadStats{}, err
	}
	defer f.Close()
	var total int64
	if st, err := f.Stat(); err == nil {
		total = st.Size()
	}
	lp := &n.persist.load
	lp.mu.Lock()
	lp.start, lp.total, lp.loaded = time.Now(), total, 0
	lp.mu.Unlock()
	n.persist.loading.Store(true)
	defer n.persist.loading.Store(false)
	st, err := n.LoadSnapshot(f, func(off int64) {
		lp.mu.Lock()
		lp.loaded = off
		lp.mu.Unlock()
	})
	lp.mu.Lock()
	lp.lastKeys, lp.lastExpir = st.Keys, st.Expired
	lp.mu.Unlock()
	if err == nil {
		n.persist.mu.Lock()
		n.persist.dirtyAtSave = n.Engine.Dirty()
		n.persist.mu.Unlock()
	}
	return st, err
}

func saveCommands() []*Spec {
	admin := []string{"dangerous"}
	return []*Spec{
		{Name: "save", Arity: 1, Flags: Admin | NoScript | NoAsyncLoading | NoMulti, Group: "server", Categories: admin,
			Summary: "Synchronously save the dataset to disk", Since: "1.0.0", Handler: save, exclusive: true},
		{Name: "bgsave", Arity: -1, Flags: Admin | NoScript | NoAsyncLoading, Group: "server", Categories: admin,
			Summary: "Asynchronously save the dataset to disk", Since: "1.0.0", Handler: bgsave, exclusive: true},
		{Name: "lastsave", Arity: 1, Flags: Loading | Stale | Fast, Group: "server", Categories: []string{"admin", "dangerous"},
			Summary: "Get the UNIX time stamp of the last successful save to disk", Since: "1.0.0", Handler: lastsave},
	}
}

// persistenceRefusal is MISCONF for a write (and PING, as Redis does)
// while the last background save failed, and LOADING for a command
// without the loading flag while the dataset loads; "" otherwise.
func (c *Ctx) persistenceRefusal(spec *Spec) string {
	if c.loading {
		return "" // the loader's own commands
	}
	n := c.Node
	if n.persist.bgsaveErr.Load() && n.writesDenied() {
		write := spec.Flags&Write != 0 || spec.exclusive && c.multi != nil && c.multi.flags&Write != 0
		if write || spec.Name == "ping" {
			return errMisconf
		}
	}
	if n.persist.loading.Load() && spec.Flags&Loading == 0 {
		return errLoading
	}
	return ""
}

// SaveAfterFlushAll does what Redis's FLUSHALL does with save points set:
// the running background save, now stale, is stopped, and an empty
// snapshot replaces the file at once, so a restart does not bring the
// flushed keys back. The changes stay counted, as in Redis, where the
// FLUSHALL still reaches the AOF and the replicas.
func (n *Node) SaveAfterFlushAll() {
	n.abortSave()
	if !n.HasSavePoints() {
		return
	}
	f, err := disk.CreateAtomic(n.SavePath())
	if err == nil {
		cw := &disk.CRCWriter{W: f}
		b := n.rdbHeaderAt(time.Now().UnixMilli(), false)
		cw.Write(append(b, disk.OpEOF))
		f.Write(binary.LittleEndian.AppendUint64(nil, n.checksum(cw.CRC)))
		err = f.Commit()
	}
	if err != nil {
		n.Log.Warn("Failed saving the DB after FLUSHALL", "path", n.SavePath(), "err", err)
		return
	}
	n.persist.mu.Lock()
	n.persist.lastSave = time.Now().Unix()
	n.persist.saves++
	n.persist.mu.Unlock()
}

// SaveOnSignal saves before the node stops for SIGINT or SIGTERM, as
// SHUTDOWN with the shutdown-on-sigint/sigterm flags would: with SAVE,
// or when save points are set unless NOSAVE.
func (n *Node) SaveOnSignal(save, noSave bool) error {
	if !save && (noSave || !n.HasSavePoints()) || n.Loading() {
		return nil
	}
	n.gate.lock()
	defer n.gate.unlock()
	return n.SaveOnShutdown()
}
