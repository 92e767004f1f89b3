package node

import (
	"fmt"

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
	n.cmd.Effects = aof
	n.engine.SetDropHook(func(db int, key []byte) { aof.Feed(db, [][]byte{delWord, key}) })
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
