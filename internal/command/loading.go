package command

import "time"

// StartLoading marks the node as loading a dataset of total bytes from
// something other than a snapshot file (the append-only log): commands
// without the loading flag get LOADING and INFO shows progress until
// done is called. progress reports the bytes loaded so far.
func (n *Node) StartLoading(total int64) (progress func(loaded int64), done func()) {
	lp := &n.persist.load
	lp.mu.Lock()
	lp.start, lp.total, lp.loaded = time.Now(), total, 0
	lp.mu.Unlock()
	n.persist.loading.Store(true)
	progress = func(loaded int64) {
		lp.mu.Lock()
		lp.loaded = loaded
		lp.mu.Unlock()
	}
	done = func() {
		n.persist.mu.Lock()
		n.persist.dirtyAtSave = n.Engine.Dirty()
		n.persist.mu.Unlock()
		n.persist.loading.Store(false)
	}
	return progress, done
}
