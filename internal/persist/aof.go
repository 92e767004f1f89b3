package persist

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/resp"
)

// Fsync is appendfsync: when the log is forced to disk.
type Fsync int32

const (
	// FsyncAlways acknowledges a write only once it is on disk; the
	// commands of every client that arrive while one fsync runs share the
	// next (group commit).
	FsyncAlways Fsync = iota
	// FsyncEverySec forces the log to disk once a second.
	FsyncEverySec
	// FsyncNo leaves it to the operating system.
	FsyncNo
)

// ParseFsync reads appendfsync's value.
func ParseFsync(s string) (Fsync, bool) {
	switch s {
	case "always":
		return FsyncAlways, true
	case "everysec":
		return FsyncEverySec, true
	case "no":
		return FsyncNo, true
	}
	return 0, false
}

// AOF is the append-only log of one node: effects are fed to it in the
// order they were applied (command.EffectSink), kept in memory by Feed
// and written to the current incremental file by a goroutine of its own,
// which also forces them to disk as the fsync policy says and tells the
// clients waiting for that.
type AOF struct {
	files *Files
	log   *slog.Logger

	// mu guards what Feed touches: the pending bytes and the database the
	// log stands in.
	mu  sync.Mutex
	buf []byte
	db  int   // the database of the last command in the log; -1: none
	fed int64 // bytes fed since the log was opened: buf ends there

	// wmu is held while pending bytes are written, so that switching
	// files (rewrite) finds every byte fed before it in the old file.
	wmu   sync.Mutex
	file  *os.File
	size  int64 // of the current incremental file
	spare []byte

	policy  atomic.Int32
	written atomic.Int64 // fed bytes written to the file
	synced  atomic.Int64 // fed bytes forced to disk
	// idle is set while the writer waits for work: Feed wakes it only
	// then, so a busy log costs no channel operation per command.
	idle     atomic.Bool
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	lastSync time.Time

	waitMu  sync.Mutex
	waiters []waiter

	// lastWriteErr is the last write or fsync error, nil once a write
	// succeeded again (aof_last_write_status).
	lastWriteErr atomic.Pointer[error]
	// baseSize is the size of the log after its last rewrite or load,
	// for auto-aof-rewrite-percentage.
	baseSize atomic.Int64

	// filesMu guards the manifest against a rewrite changing it while
	// Status reads it.
	filesMu         sync.Mutex
	rewriting       atomic.Bool
	rewriteStart    atomic.Int64 // Unix ns, 0 when none runs
	rewrites        atomic.Int64
	lastRewriteSecs atomic.Int64
	lastRewriteOK   atomic.Bool
}

type waiter struct {
	pos  int64
	done func()
}

// OpenAOF opens the log described by files for appending: its last
// incremental file, made (with a new manifest) if there is none. Load the
// log before opening it, so that a torn tail is cut first.
func OpenAOF(files *Files, policy Fsync, log *slog.Logger) (*AOF, error) {
	if log == nil {
		log = slog.Default()
	}
	a := &AOF{files: files, log: log, db: -1, wake: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}), lastSync: time.Now()}
	a.policy.Store(int32(policy))
	a.lastRewriteOK.Store(true)
	files.removeTemp()
	if files.manifest.lastIncr() == nil {
		if err := files.addIncr(); err != nil {
			return nil, err
		}
	}
	f, size, err := files.openLastIncr()
	if err != nil {
		return nil, err
	}
	a.file, a.size = f, size
	a.baseSize.Store(files.TotalSize())
	go a.run()
	return a, nil
}

// SetFsync changes the policy (CONFIG SET appendfsync).
func (a *AOF) SetFsync(p Fsync) { a.policy.Store(int32(p)) }

// Feed appends one command run in database db and returns the log's
// position after it.
func (a *AOF) Feed(db int, args [][]byte) int64 {
	a.mu.Lock()
	pos := a.feedLocked(db, args)
	a.mu.Unlock()
	a.wakeWriter()
	return pos
}

// FeedBlock appends the commands of a transaction or script, cmds[i] run
// in database dbs[i], as one MULTI ... EXEC block that no other command
// comes into, and returns the log's position after it.
func (a *AOF) FeedBlock(dbs []int, cmds [][][]byte) int64 {
	a.mu.Lock()
	a.feedLocked(dbs[0], wordsMULTI)
	for i, args := range cmds {
		a.feedLocked(dbs[i], args)
	}
	pos := a.feedLocked(dbs[len(dbs)-1], wordsEXEC)
	a.mu.Unlock()
	a.wakeWriter()
	return pos
}

// feedLocked appends one command. The caller holds mu.
func (a *AOF) feedLocked(db int, args [][]byte) int64 {
	n := len(a.buf)
	if db != a.db {
		a.buf = appendSelect(a.buf, db)
		a.db = db
	}
	a.buf = resp.AppendCommand(a.buf, args...)
	a.fed += int64(len(a.buf) - n)
	return a.fed
}

// wakeWriter wakes the writer goroutine if it sleeps.
func (a *AOF) wakeWriter() {
	if a.idle.Load() && a.idle.CompareAndSwap(true, false) {
		select {
		case a.wake <- struct{}{}:
		default:
		}
	}
}

var (
	wordsMULTI = [][]byte{[]byte("MULTI")}
	wordsEXEC  = [][]byte{[]byte("EXEC")}
)

// Durable reports whether a write at pos may be acknowledged now: the
// policy is not always, or pos is on disk.
func (a *AOF) Durable(pos int64) bool {
	return Fsync(a.policy.Load()) != FsyncAlways || a.synced.Load() >= pos
}

// AwaitDurable arranges for done to run once the log up to pos is on
// disk, and reports true, when the policy is always and it is not yet;
// otherwise it reports false and never calls done.
func (a *AOF) AwaitDurable(pos int64, done func()) bool {
	if Fsync(a.policy.Load()) != FsyncAlways || a.synced.Load() >= pos {
		return false
	}
	a.waitMu.Lock()
	if a.synced.Load() >= pos {
		a.waitMu.Unlock()
		return false
	}
	a.waiters = append(a.waiters, waiter{pos, done})
	a.waitMu.Unlock()
	a.kick()
	return true
}

func (a *AOF) kick() {
	a.idle.Store(false)
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// run writes what is fed until Close.
func (a *AOF) run() {
	defer close(a.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		a.idle.Store(true)
		if !a.pending() {
			select {
			case <-a.wake:
			case <-tick.C:
			case <-a.stop:
				a.idle.Store(false)
				a.flush(true)
				return
			}
		}
		a.idle.Store(false)
		a.flush(false)
	}
}

func (a *AOF) pending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.buf) > 0
}

// flush writes the pending bytes and forces them to disk when the policy
// (or final) says so, then releases the waiters that are covered.
func (a *AOF) flush(final bool) {
	a.wmu.Lock()
	err := a.writePending()
	policy := Fsync(a.policy.Load())
	sync := final || policy == FsyncAlways ||
		policy == FsyncEverySec && time.Since(a.lastSync) >= time.Second && a.synced.Load() < a.written.Load()
	if err == nil && sync {
		upTo := a.written.Load()
		if err = a.file.Sync(); err == nil {
			a.lastSync = time.Now()
			a.synced.Store(upTo)
		}
	}
	a.wmu.Unlock()
	if err != nil {
		a.noteError(err)
		time.Sleep(10 * time.Millisecond) // a full disk: retry, do not spin
		return
	}
	a.lastWriteErr.Store(nil)
	a.release()
}

// writePending writes what was fed to the current file; the caller holds
// wmu. On a failed write the bytes stay pending and are tried again.
func (a *AOF) writePending() error {
	a.mu.Lock()
	buf := a.buf
	end := a.fed
	if len(buf) == 0 {
		a.mu.Unlock()
		return nil
	}
	// The spare becomes the buffer Feed appends to while buf is written;
	// the two never share memory.
	a.buf, a.spare = a.spare[:0], nil
	a.mu.Unlock()
	n, err := a.file.Write(buf)
	a.size += int64(n)
	if err != nil {
		// Put back what was not written, ahead of what came since.
		a.mu.Lock()
		a.buf = append(buf[n:len(buf):len(buf)], a.buf...)
		a.mu.Unlock()
		a.written.Store(end - int64(len(buf)-n))
		return err
	}
	a.written.Store(end)
	if cap(buf) <= 1<<20 {
		a.spare = buf[:0]
	} else {
		a.spare = nil
	}
	return nil
}

func (a *AOF) noteError(err error) {
	if a.lastWriteErr.Load() == nil {
		a.log.Error("writing the append only file failed", "file", a.file.Name(), "error", err)
	}
	a.lastWriteErr.Store(&err)
}

// release calls the waiters whose position is on disk.
func (a *AOF) release() {
	synced := a.synced.Load()
	a.waitMu.Lock()
	var ready []waiter
	kept := a.waiters[:0]
	for _, w := range a.waiters {
		if w.pos <= synced {
			ready = append(ready, w)
		} else {
			kept = append(kept, w)
		}
	}
	a.waiters = kept
	a.waitMu.Unlock()
	for _, w := range ready {
		w.done()
	}
}

// Close writes and forces to disk everything fed, and closes the file.
func (a *AOF) Close() error {
	select {
	case <-a.done:
		return nil
	default:
	}
	close(a.stop)
	<-a.done
	a.release()
	return a.file.Close()
}

// Status is what INFO persistence reports of the log.
type Status struct {
	WriteOK     bool
	CurrentSize int64
	BaseSize    int64
	Pending     int64 // fed bytes not yet written (aof_pending_bio_fsync-ish)
	Fsync       Fsync
}

// Status reports the log's state.
func (a *AOF) Status() Status {
	a.mu.Lock()
	pending := int64(len(a.buf))
	a.mu.Unlock()
	a.filesMu.Lock()
	before := a.files.sizeBeforeLastIncr()
	a.filesMu.Unlock()
	a.wmu.Lock()
	size := before + a.size
	a.wmu.Unlock()
	return Status{WriteOK: a.lastWriteErr.Load() == nil, CurrentSize: size,
		BaseSize: a.baseSize.Load(), Pending: pending, Fsync: Fsync(a.policy.Load())}
}

func appendSelect(dst []byte, db int) []byte {
	var num [20]byte
	return resp.AppendCommand(dst, []byte("SELECT"), strconv.AppendInt(num[:0], int64(db), 10))
}

func fileErr(op, path string, err error) error {
	return fmt.Errorf("%s %s: %w", op, filepath.Base(path), err)
}
