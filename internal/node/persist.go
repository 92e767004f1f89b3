package node

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/persist"
)

// openAOF loads the append-only log when appendonly is on and attaches it
// to the node as the sink of every effect: from then on each write is
// logged before (appendfsync always) or as (everysec, no) it is
// acknowledged. The log is loaded alone, as Redis 7 loads it: its base
// and incremental files hold the whole dataset.
func (n *Node) openAOF() error {
	if !n.cfg.Bool("appendonly") {
		return nil
	}
	files, exists, err := persist.OpenFiles(n.cfg.String("dir"), n.cfg.String("appenddirname"), n.cfg.String("appendfilename"))
	if err != nil {
		return fmt.Errorf("reading the append only file manifest: %w", err)
	}
	if exists {
		replay := n.cmd.NewReplayer()
		commands, err := persist.LoadAOF(files, persist.LoadOptions{
			Apply:        replay.Apply,
			LoadSnapshot: func(path string) error { return fmt.Errorf("%s: snapshot bases are not supported yet", path) },
			Truncated:    n.cfg.Bool("aof-load-truncated"),
			Log:          n.log,
		})
		if err != nil {
			return err
		}
		n.log.Info("DB loaded from append only file", "dir", files.Dir(), "commands", commands)
	}
	policy, _ := persist.ParseFsync(n.cfg.String("appendfsync"))
	aof, err := persist.OpenAOF(files, policy, n.log)
	if err != nil {
		return fmt.Errorf("opening the append only file: %w", err)
	}
	n.aof = aof
	n.cmd.SetEffects(aof)
	n.cfg.Watch(func() {
		if p, ok := persist.ParseFsync(n.cfg.String("appendfsync")); ok {
			aof.SetFsync(p)
		}
	})
	return nil
}

var delWord = []byte("DEL")

// closeAOF writes and forces to disk what the log holds.
func (n *Node) closeAOF() {
	if n.aof == nil {
		return
	}
	if err := n.aof.Close(); err != nil {
		n.log.Error("closing the append only file", "error", err)
	}
}

// aofControl is the node's log as commands see it (command.AOFControl).
type aofControl struct{ n *Node }

func (c aofControl) Rewrite() error {
	return errors.New("ERR BGREWRITEAOF is not supported yet: it needs the snapshot writer")
}

func (c aofControl) Info() command.AOFInfo {
	a := c.n.aof
	if a == nil {
		return command.AOFInfo{LastRewriteSecs: -1, CurrentRewriteSecs: -1, LastRewriteOK: true, LastWriteOK: true}
	}
	st, rw := a.Status(), a.RewriteStats()
	return command.AOFInfo{
		Enabled: true, RewriteInProgress: rw.InProgress, LastRewriteSecs: rw.LastSecs, CurrentRewriteSecs: rw.CurSecs,
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
	n.log.Info("DB loaded from disk", "path", path, "keys", st.Keys, "expired_skipped", st.Expired,
		"seconds", time.Since(start).Seconds())
	return nil
}
