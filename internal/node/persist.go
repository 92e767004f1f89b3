package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/persist"
	"github.com/shoal-cache/shoal/internal/replication"
)

// aofState is the node's append-only log: nil while appendonly is off.
// mu serialises turning it on and off (start, CONFIG SET appendonly).
type aofState struct {
	mu  sync.Mutex
	log atomic.Pointer[persist.AOF]
	// scheduled is set while a BGREWRITEAOF waits for a snapshot to end.
	scheduled atomic.Bool
}

func (n *Node) aofFiles() (*persist.Files, bool, error) {
	return persist.OpenFiles(n.cfg.String("dir"), n.cfg.String("appenddirname"), n.cfg.String("appendfilename"))
}

func (n *Node) fsyncPolicy() persist.Fsync {
	p, _ := persist.ParseFsync(n.cfg.String("appendfsync"))
	return p
}

// openAOF loads the append-only log when appendonly is on and attaches it
// to the node as the sink of every effect: from then on each write is
// logged before (appendfsync always) or as (everysec, no) it is
// acknowledged. The log is loaded alone, as Redis 7 loads it: its base
// and incremental files hold the whole dataset. The port is open
// meanwhile: clients get LOADING.
func (n *Node) openAOF() error {
	n.aof.mu.Lock()
	defer n.aof.mu.Unlock()
	files, exists, err := n.aofFiles()
	if err != nil {
		return fmt.Errorf("reading the append only file manifest: %w", err)
	}
	if exists {
		start := time.Now()
		progress, done := n.cmd.StartLoading(files.TotalSize())
		replay := n.cmd.NewReplayer()
		var base int64
		commands, err := persist.LoadAOF(files, persist.LoadOptions{
			Apply: replay.Apply,
			LoadSnapshot: func(path string) error {
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				defer f.Close()
				st, err := n.cmd.LoadSnapshot(f, progress)
				base = st.Keys
				if err != nil {
					return fmt.Errorf("the AOF base %s: %w", path, err)
				}
				return nil
			},
			Truncated: n.cfg.Bool("aof-load-truncated"),
			Progress:  func(loaded, _ int64) { progress(loaded) },
			Log:       n.log,
		})
		done()
		if err != nil {
			return err
		}
		n.log.Info("DB loaded from append only file", "dir", files.Dir(), "base_keys", base, "commands", commands,
			"seconds", time.Since(start).Seconds())
	}
	a, err := persist.OpenAOF(files, n.fsyncPolicy(), n.log)
	if err != nil {
		return fmt.Errorf("opening the append only file: %w", err)
	}
	n.aof.log.Store(a)
	n.attachAOF(a)
	return nil
}

// aofBase writes the keyspace as a log's base: a snapshot marked as one.
func (n *Node) aofBase(w io.Writer, atStart func()) error {
	_, err := n.cmd.WriteSnapshot(w, true, atStart)
	return err
}

// applyAOFConfig follows CONFIG SET appendonly and appendfsync. Turning
// the log on writes a base of the keyspace and attaches the log at the
// base's instant, as Redis 7 starts its AOF with a rewrite; turning it
// off detaches and closes it.
func (n *Node) applyAOFConfig() {
	if a := n.aof.log.Load(); a != nil {
		a.SetFsync(n.fsyncPolicy())
	}
	on := n.cfg.Bool("appendonly")
	if on == (n.aof.log.Load() != nil) {
		return
	}
	go func() {
		n.aof.mu.Lock()
		defer n.aof.mu.Unlock()
		if on == (n.aof.log.Load() != nil) || on != n.cfg.Bool("appendonly") {
			return
		}
		if !on {
			n.attachAOF(nil)
			n.closeLog(n.aof.log.Swap(nil))
			return
		}
		if err := n.startAOF(); err != nil {
			n.log.Error("can't turn the append only file on", "error", err)
		}
	}()
}

// startAOF makes a fresh log whose base is the keyspace now, and
// attaches it at the base's instant. The caller holds aof.mu.
func (n *Node) startAOF() error {
	files, _, err := n.aofFiles()
	if err != nil {
		return err
	}
	a, err := persist.OpenAOF(files, n.fsyncPolicy(), n.log)
	if err != nil {
		return err
	}
	attach := func(w io.Writer, atStart func()) error {
		return n.aofBase(w, func() {
			atStart()
			n.attachAOF(a)
		})
	}
	if err := n.waitForSnapshot(); err != nil {
		n.closeLog(a)
		return err
	}
	if err := a.Rewrite(attach); err != nil {
		if n.repl.st.AOF() == replication.Sink(a) {
			n.attachAOF(nil)
		}
		n.closeLog(a)
		return err
	}
	n.aof.log.Store(a)
	n.log.Info("append only file turned on", "dir", files.Dir())
	return nil
}

// waitForSnapshot waits for a running snapshot (BGSAVE) to end: one
// snapshot runs at a time.
func (n *Node) waitForSnapshot() error {
	for n.engine.SnapshotRunning() {
		select {
		case <-n.stopped:
			return errors.New("the node stopped")
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// runAOFRewrites starts automatic rewrites once the log has grown by
// auto-aof-rewrite-percentage of its size after the last one.
func (n *Node) runAOFRewrites(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		a := n.aof.log.Load()
		if a == nil || n.engine.SnapshotRunning() || n.aof.scheduled.Load() {
			continue
		}
		if a.NeedsRewrite(n.cfg.Int("auto-aof-rewrite-percentage"), n.cfg.Int("auto-aof-rewrite-min-size")) {
			n.log.Info("starting automatic rewriting of AOF", "growth_percent", n.cfg.Int("auto-aof-rewrite-percentage"))
			a.StartRewrite(n.aofBase, nil)
		}
	}
}

var delWord = []byte("DEL")

// closeAOF writes and forces to disk what the log holds.
func (n *Node) closeAOF() {
	n.aof.mu.Lock()
	defer n.aof.mu.Unlock()
	n.closeLog(n.aof.log.Swap(nil))
}

func (n *Node) closeLog(a *persist.AOF) {
	if a == nil {
		return
	}
	if err := a.Close(); err != nil {
		n.log.Error("closing the append only file", "error", err)
	}
}

// aofControl is the node's log as commands see it (command.AOFControl).
type aofControl struct{ n *Node }

// Rewrite is BGREWRITEAOF. With the log off it writes a log anyway, as
// Redis does, which a later start with appendonly yes loads. While a
// snapshot runs it is scheduled to start after it.
func (c aofControl) Rewrite() (scheduled bool, err error) {
	n := c.n
	a := n.aof.log.Load()
	if a != nil && a.RewriteRunning() || n.aof.scheduled.Load() {
		return false, command.ErrAOFRewriteInProgress
	}
	if n.engine.SnapshotRunning() {
		n.aof.scheduled.Store(true)
		go func() {
			defer n.aof.scheduled.Store(false)
			if n.waitForSnapshot() == nil {
				c.start()
			}
		}()
		return true, nil
	}
	return false, c.start()
}

func (c aofControl) start() error {
	n := c.n
	if a := n.aof.log.Load(); a != nil {
		err := a.StartRewrite(n.aofBase, nil)
		if errors.Is(err, persist.ErrRewriteInProgress) {
			return command.ErrAOFRewriteInProgress
		}
		return err
	}
	files, _, err := n.aofFiles()
	if err != nil {
		return err
	}
	a, err := persist.OpenAOF(files, n.fsyncPolicy(), n.log)
	if err != nil {
		return err
	}
	return a.StartRewrite(n.aofBase, func(error) { n.closeLog(a) })
}

func (c aofControl) Info() command.AOFInfo {
	a := c.n.aof.log.Load()
	if a == nil {
		return command.AOFInfo{LastRewriteSecs: -1, CurrentRewriteSecs: -1, LastRewriteOK: true, LastWriteOK: true,
			RewriteScheduled: c.n.aof.scheduled.Load()}
	}
	st, rw := a.Status(), a.RewriteStats()
	return command.AOFInfo{
		Enabled: true, RewriteInProgress: rw.InProgress, RewriteScheduled: c.n.aof.scheduled.Load(),
		LastRewriteSecs: rw.LastSecs, CurrentRewriteSecs: rw.CurSecs,
		LastRewriteOK: rw.LastOK, Rewrites: rw.Rewrites, LastWriteOK: st.WriteOK,
		CurrentSize: st.CurrentSize, BaseSize: st.BaseSize, BufferLength: st.Pending,
	}
}

// loadSnapshot loads dir/dbfilename at start, when there is one and the
// AOF is not the source of truth. A file that cannot be read whole stops
// the start: serving a partial dataset as if it were complete would be
// worse than not serving.
func (n *Node) loadSnapshot() error {
	if n.cfg.Bool("appendonly") {
		return nil
	}
	path := n.cmd.SavePath()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	start := time.Now()
	st, err := n.cmd.LoadSnapshotFile(path)
	if err != nil {
		return fmt.Errorf("can't load the snapshot %s: %w (check it with: shoal check-rdb %s)", path, err, path)
	}
	n.restoreReplication(st.Aux)
	n.log.Info("DB loaded from disk", "path", path, "keys", st.Keys, "expired_skipped", st.Expired,
		"seconds", time.Since(start).Seconds())
	return nil
}
