package persist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrRewriteInProgress is BGREWRITEAOF's answer while one runs.
var ErrRewriteInProgress = errors.New("ERR Background append only file rewriting already in progress")

// BaseWriter writes a point-in-time image of the keyspace to w. It calls
// atStart exactly once, at the instant the image stands for, with no
// command running (the log switches files there), before it writes.
type BaseWriter func(w io.Writer, atStart func()) error

// RewriteStats are INFO's aof_rewrite_* figures.
type RewriteStats struct {
	InProgress bool
	Rewrites   int64
	LastOK     bool
	LastSecs   int64 // -1 before the first
	CurSecs    int64 // -1 when none runs
}

// Rewrite compacts the log while writes go on: it names a new
// incremental file in the manifest, has base write an image of the
// keyspace, switching the log to the new file at the image's instant,
// and then makes the manifest name the new base and the new incremental
// file alone. Effects before the instant are in the base, effects after it
// in the new file, none in both. A crash at any step leaves a manifest
// that loads every acknowledged effect once; an error leaves the log
// whole, only not compacted.
func (a *AOF) Rewrite(base BaseWriter) error {
	if !a.rewriting.CompareAndSwap(false, true) {
		return ErrRewriteInProgress
	}
	return a.rewrite(base)
}

// StartRewrite is Rewrite in the background: it returns at once, with
// ErrRewriteInProgress if one runs; done, if set, is told how it ended.
func (a *AOF) StartRewrite(base BaseWriter, done func(error)) error {
	if !a.rewriting.CompareAndSwap(false, true) {
		return ErrRewriteInProgress
	}
	go func() {
		err := a.rewrite(base)
		if done != nil {
			done(err)
		}
	}()
	return nil
}

// RewriteRunning reports whether a rewrite runs.
func (a *AOF) RewriteRunning() bool { return a.rewriting.Load() }

// rewrite is Rewrite once the caller won the right to run it.
func (a *AOF) rewrite(base BaseWriter) (err error) {
	started := time.Now()
	a.rewriteStart.Store(started.UnixNano())
	defer func() {
		a.rewriteStart.Store(0)
		a.lastRewriteSecs.Store(int64(time.Since(started).Seconds()))
		a.lastRewriteOK.Store(err == nil)
		a.rewrites.Add(1)
		a.rewriting.Store(false)
		if err != nil {
			a.log.Warn("background AOF rewrite failed", "error", err)
		} else {
			a.log.Info("background AOF rewrite finished successfully", "took", time.Since(started).Round(time.Millisecond))
		}
	}()

	a.filesMu.Lock()
	err = a.files.addIncr()
	var next *os.File
	if err == nil {
		next, _, err = a.files.openLastIncr()
	}
	incr := a.files.manifest.lastIncr()
	a.filesMu.Unlock()
	if err != nil {
		return err
	}
	switched := false
	atStart := func() {
		a.switchTo(next)
		switched = true
	}

	seq := a.files.manifest.maxSeq(kindBase) + 1
	// The base is always a snapshot (aof-use-rdb-preamble yes); a base of
	// commands is only read, from logs Redis wrote.
	baseName := fmt.Sprintf("%s.%d.base.rdb", a.files.name, seq)
	tmp := a.files.path(fmt.Sprintf("temp-rewriteaof-bg-%d.rdb", os.Getpid()))
	err = writeBaseFile(tmp, base, atStart)
	if !switched {
		// The image never started: the log goes on in its old file, and
		// the empty file named in the manifest stays empty.
		next.Close()
		if err == nil {
			err = errors.New("the keyspace image did not start")
		}
		return err
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, a.files.path(baseName)); err != nil {
		os.Remove(tmp)
		return err
	}
	a.filesMu.Lock()
	defer a.filesMu.Unlock()
	old := a.files.manifest.entries
	m := &manifest{entries: []manifestEntry{{baseName, seq, kindBase}, *incr}}
	if err := a.files.writeManifest(m); err != nil {
		return err
	}
	a.files.manifest = m
	for _, e := range old {
		if e.name != incr.name {
			os.Remove(a.files.path(e.name))
		}
	}
	a.baseSize.Store(a.files.fileSize(baseName))
	return nil
}

// writeBaseFile has base write the image to path and forces it to disk.
func writeBaseFile(path string, base BaseWriter, atStart func()) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = base(w, atStart)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// switchTo makes next the file the log appends to. Everything fed before
// goes to the old file, which is forced to disk and closed: a client
// waiting for a position in it is released by the next flush.
func (a *AOF) switchTo(next *os.File) {
	a.wmu.Lock()
	defer a.wmu.Unlock()
	err := a.writePending()
	if err == nil {
		if err = a.file.Sync(); err == nil {
			a.synced.Store(a.written.Load())
		}
	}
	if err != nil {
		a.noteError(err)
	}
	a.file.Close()
	a.file, a.size = next, 0
	a.mu.Lock()
	a.db = -1 // the new file starts with a SELECT
	a.mu.Unlock()
	a.kick()
}

// RewriteStats reports the rewrites.
func (a *AOF) RewriteStats() RewriteStats {
	s := RewriteStats{InProgress: a.rewriting.Load(), Rewrites: a.rewrites.Load(), LastOK: a.lastRewriteOK.Load(),
		LastSecs: -1, CurSecs: -1}
	if s.Rewrites > 0 {
		s.LastSecs = a.lastRewriteSecs.Load()
	}
	if at := a.rewriteStart.Load(); at != 0 {
		s.CurSecs = int64(time.Since(time.Unix(0, at)).Seconds())
	}
	return s
}

// NeedsRewrite reports whether the log grew enough since its last rewrite
// for an automatic one: by percent of its base size (0 turns it off),
// and past minSize.
func (a *AOF) NeedsRewrite(percent, minSize int64) bool {
	if percent <= 0 || a.rewriting.Load() {
		return false
	}
	cur := a.Status().CurrentSize
	base := max(a.baseSize.Load(), 1)
	return cur > minSize && (cur-base)*100/base >= percent
}

// removeTemp deletes what an interrupted rewrite left behind.
func (f *Files) removeTemp() {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "temp-rewriteaof-") {
			os.Remove(filepath.Join(f.dir, e.Name()))
		}
	}
}
