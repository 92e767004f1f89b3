package command

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
	disk "github.com/shoal-cache/shoal/internal/persist"
)

// A snapshot file, as Redis 7.0 writes it (docs/snapshot-format.md):
//
//	"REDIS0010"
//	AUX redis-ver, redis-bits, ctime, used-mem, aof-base
//	per database with keys: SELECTDB n, RESIZEDB keys expires, then its keys
//	EOF, CRC-64 (8 bytes LE; 0 with rdbchecksum no)

// BeginSnapshot starts a point-in-time snapshot of every database. The
// caller holds the node's gate exclusively (an exclusive command's
// handler does; WriteSnapshot takes it itself). atStart runs at the
// snapshot's moment, with every shard locked.
func (n *Node) BeginSnapshot(atStart func()) (*engine.Snapshot, error) {
	snap, err := n.Engine.BeginSnapshot(AppendRDBKey, n.withReplAux(atStart))
	if err == nil {
		// The function libraries as they are now, with the keys: the
		// gate is held, so no FUNCTION LOAD runs meanwhile.
		var funcs []byte
		for _, lib := range n.scripts.functions.libraries() {
			funcs = appendRDBString(append(funcs, disk.OpFunction2), []byte(lib.Code))
		}
		n.persist.snapFuncs.Store(&funcs)
	}
	return snap, err
}

// WriteSnapshot takes a point-in-time snapshot of the keyspace and streams
// it to w as an RDB file, header to checksum, while clients keep writing.
// It holds the command gate only to start the snapshot, so it must not be
// called from inside a command. aofBase sets the aof-base AUX field (an
// AOF's base file). atStart, if not nil, runs at the snapshot's moment,
// with the gate and every shard lock held: no command runs then. It
// returns the number of keys written.
func (n *Node) WriteSnapshot(w io.Writer, aofBase bool, atStart func()) (keys int64, err error) {
	n.gate.lock()
	snap, err := n.BeginSnapshot(atStart)
	n.gate.unlock()
	if err != nil {
		return 0, err
	}
	return n.StreamSnapshot(w, snap, aofBase)
}

// StreamSnapshot writes snap, begun by BeginSnapshot, to w as an RDB file
// and ends it. It may run on any goroutine.
func (n *Node) StreamSnapshot(w io.Writer, snap *engine.Snapshot, aofBase bool) (int64, error) {
	cw := &disk.CRCWriter{W: w}
	var funcs []byte
	if f := n.persist.snapFuncs.Load(); f != nil {
		funcs = *f
	}
	if _, err := cw.Write(append(n.appendReplAux(n.rdbHeaderAt(snap.Start(), aofBase)), funcs...)); err != nil {
		snap.Walk(func(int, []byte) error { return err }) // ends it
		return 0, err
	}
	sizes := snap.Sizes()
	cur := -1
	var head []byte
	err := snap.Walk(func(db int, chunk []byte) error {
		if db != cur {
			cur = db
			head = appendRDBLen(append(head[:0], disk.OpSelectDB), uint64(db))
			head = appendRDBLen(append(head, disk.OpResizeDB), uint64(sizes[db].Keys))
			head = appendRDBLen(head, uint64(sizes[db].Expires))
			if _, err := cw.Write(head); err != nil {
				return err
			}
		}
		_, err := cw.Write(chunk)
		return err
	})
	if err != nil {
		return 0, err
	}
	if _, err := cw.Write([]byte{disk.OpEOF}); err != nil {
		return 0, err
	}
	if _, err := w.Write(binary.LittleEndian.AppendUint64(nil, n.checksum(cw.CRC))); err != nil {
		return 0, err
	}
	return snap.Keys(), nil
}

// checksum is the CRC to write: 0, Redis's "not computed", with
// rdbchecksum no.
func (n *Node) checksum(crc uint64) uint64 {
	if !n.Config.Bool("rdbchecksum") {
		return 0
	}
	return crc
}

// rdbHeaderAt is the magic and the AUX fields, in Redis 7.0's order, of a
// snapshot taken at startMs.
func (n *Node) rdbHeaderAt(startMs int64, aofBase bool) []byte {
	b := fmt.Appendf(nil, "%s%04d", disk.Magic, disk.Version)
	aux := func(name, value string) {
		b = appendRDBString(appendRDBString(append(b, disk.OpAux), []byte(name)), []byte(value))
	}
	aux("redis-ver", RedisVersion)
	aux("redis-bits", strconv.Itoa(bits.UintSize))
	aux("ctime", strconv.FormatInt(startMs/1000, 10))
	aux("used-mem", strconv.FormatInt(n.Engine.UsedMemory(), 10))
	aux("aof-base", strconv.Itoa(b2i(aofBase)))
	return b
}

// LoadStats are what a load did.
type LoadStats struct {
	Keys, Expired int64
	// Aux are the file's AUX fields.
	Aux map[string]string
}

// loadState is where a load is in the file: the database and the
// metadata of the next key.
type loadState struct {
	db       int
	expireAt int64
	lru      int64 // idle seconds, -1 when not given
	lfu      int   // -1 when not given
	// dryRun decodes keys without storing them (check-rdb).
	dryRun bool
}

// LoadSnapshot reads an RDB file (Shoal's or Redis 7.0's, for the types
// Shoal has) into the keyspace, skipping keys already expired. progress,
// if not nil, is told the file offset as the load goes. A key that exists
// already is an error, as a key twice in the file is. Errors are
// *persist.FormatError, naming the offset.
func (n *Node) LoadSnapshot(r io.Reader, progress func(offset int64)) (LoadStats, error) {
	return n.readRDB(r, progress, true)
}

// CheckSnapshot reads an RDB file through to its checksum, decoding every
// value without storing any, and returns what it holds (Keys counts the
// keys not expired now) or the first error, a *persist.FormatError.
func CheckSnapshot(r io.Reader, cfg *config.Config) (LoadStats, error) {
	n := &Node{Engine: engine.New(engine.Options{Databases: int(cfg.Int("databases")), Shards: 1}), Config: cfg}
	return n.readRDB(r, nil, false)
}

// readRDB reads an RDB file, storing its keys when store is set.
func (n *Node) readRDB(r io.Reader, progress func(offset int64), store bool) (LoadStats, error) {
	src := disk.NewSource(r)
	it := &rdbItems{src: src, r: rdbReader{cfg: n.Config}}
	st := LoadStats{Aux: map[string]string{}}
	fail := func(what string, err error) (LoadStats, error) {
		if errors.Is(err, disk.ErrTruncated) {
			what = "unexpected end of file (truncated) " + what
		} else if err != nil && err != errBadRDB {
			what += ": " + err.Error()
		}
		return st, &disk.FormatError{Offset: src.Offset(), What: what}
	}
	if err := it.parse(readRDBMagic); err != nil {
		return fail("reading the header", err)
	}
	ls := loadState{lru: -1, lfu: -1, dryRun: !store}
	for {
		var op byte
		var item error
		err := it.parse(func(r *rdbReader) error {
			var err error
			if op, err = r.byte(); err != nil {
				return err
			}
			err = n.loadItem(r, op, &ls, &st)
			if _, ok := err.(contentError); ok {
				item, err = err, nil // not a parse error: no retry
			}
			return err
		})
		switch {
		case err != nil:
			return fail(fmt.Sprintf("reading an item (opcode 0x%02x)", op), err)
		case item != nil:
			return fail(item.Error(), nil)
		}
		if progress != nil {
			progress(src.Offset())
		}
		if op == disk.OpEOF {
			break
		}
	}
	return st, checkRDBChecksum(it, src)
}

// readRDBMagic checks the signature and the version: 1 to Redis 7.0's.
func readRDBMagic(r *rdbReader) error {
	if k := min(len(r.b), len(disk.Magic)); string(r.b[:k]) != disk.Magic[:k] {
		return errors.New("wrong signature: not an RDB file")
	}
	head, err := r.next(9)
	if err != nil {
		return err
	}
	if string(head[:5]) != disk.Magic {
		return errors.New("wrong signature: not an RDB file")
	}
	v, err := strconv.Atoi(string(head[5:]))
	if err != nil || v < 1 || v > disk.Version {
		return fmt.Errorf("can't handle RDB format version %q", head[5:])
	}
	return nil
}

// checkRDBChecksum reads the CRC after EOF and compares it with the
// file's; 0 means the writer did not checksum.
func checkRDBChecksum(it *rdbItems, src *disk.Source) error {
	want := src.CRC()
	var got uint64
	err := it.parse(func(r *rdbReader) error {
		b, err := r.next(8)
		if err == nil {
			got = binary.LittleEndian.Uint64(b)
		}
		return err
	})
	if err != nil {
		return &disk.FormatError{Offset: src.Offset(), What: "unexpected end of file (truncated) reading the checksum"}
	}
	if got != 0 && got != want {
		return &disk.FormatError{Offset: src.Offset() - 8, What: fmt.Sprintf("wrong RDB checksum: the file says %016x, its content gives %016x", got, want)}
	}
	return nil
}

// contentError is a load error about what the file holds rather than how
// it is encoded: trying a longer window would not help.
type contentError string

func (e contentError) Error() string { return string(e) }

// loadItem acts on one opcode (or key, whose type byte is op) read from r.
// A format error is errBadRDB (with r.short when r ran out of bytes); a
// contentError ends the load.
func (n *Node) loadItem(r *rdbReader, op byte, ls *loadState, st *LoadStats) error {
	switch op {
	case disk.OpEOF:
		return nil
	case disk.OpSelectDB:
		db, err := r.plainLen()
		if err != nil {
			return err
		}
		if db >= uint64(n.Engine.NumDBs()) {
			return contentError(fmt.Sprintf("the file has database %d, and this node has %d (databases)", db, n.Engine.NumDBs()))
		}
		ls.db = int(db)
	case disk.OpResizeDB:
		if _, err := r.plainLen(); err != nil {
			return err
		}
		_, err := r.plainLen()
		return err
	case disk.OpAux:
		name, err := r.readString()
		if err != nil {
			return err
		}
		value, err := r.readString()
		if err != nil {
			return err
		}
		st.Aux[string(name)] = string(value)
	case disk.OpExpireTimeMs:
		b, err := r.next(8)
		if err != nil {
			return err
		}
		ls.expireAt = int64(binary.LittleEndian.Uint64(b))
	case disk.OpExpireTime:
		b, err := r.next(4)
		if err != nil {
			return err
		}
		ls.expireAt = int64(binary.LittleEndian.Uint32(b)) * 1000
	case disk.OpIdle:
		idle, err := r.plainLen()
		ls.lru = int64(idle)
		return err
	case disk.OpFreq:
		f, err := r.byte()
		ls.lfu = int(f)
		return err
	case disk.OpFunction2:
		code, err := r.readString()
		if err != nil || ls.dryRun {
			return err
		}
		return n.scripts.functions.loadLibrary(n, string(code))
	case disk.OpModuleAux, disk.OpFunction:
		return errUnsupported(op)
	default:
		return n.loadKey(r, op, ls, st)
	}
	return nil
}

func errUnsupported(op byte) error {
	return contentError(fmt.Sprintf("RDB type or opcode %d is not supported by Shoal (a stream or module value?)", op))
}

// loadKey reads a key of type typ and stores it unless it has expired.
func (n *Node) loadKey(r *rdbReader, typ byte, ls *loadState, st *LoadStats) error {
	load, ok := rdbLoaders[typ]
	if !ok {
		return errUnsupported(typ)
	}
	key, err := r.readString()
	if err != nil {
		return err
	}
	e, err := load(r)
	if err != nil {
		return err
	}
	meta := *ls
	ls.expireAt, ls.lru, ls.lfu = 0, -1, -1
	if r.short {
		return errBadRDB // do not store a key parsed from half a window
	}
	db := n.Engine.DB(meta.db)
	t := n.Engine.NewTxn()
	t.Quiet()
	v := t.LockKey(db, key)
	defer t.Unlock()
	if meta.expireAt != 0 && meta.expireAt <= v.Now() {
		st.Expired++
		return nil
	}
	if meta.dryRun {
		st.Keys++
		return nil
	}
	if v.Peek(key) != nil {
		return contentError(fmt.Sprintf("duplicate key %q in database %d", key, meta.db))
	}
	v.Put(key, e, meta.expireAt)
	if meta.lfu >= 0 {
		e.SetAccess(e.AccessTime(), uint8(meta.lfu))
	}
	if meta.lru >= 0 {
		e.SetAccess(uint32(max(v.Now()/1000-meta.lru, 0)), e.Freq())
	}
	st.Keys++
	return nil
}
