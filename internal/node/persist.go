package node

import (
	"errors"
	"fmt"
	"os"
	"time"
)

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
