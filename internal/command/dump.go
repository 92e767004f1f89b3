package command

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc64"
	"math"
	"strconv"
	"sync"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
)

// DUMP and RESTORE serialize one value. The payload is Redis's own:
//
//	type byte | value in RDB encoding | RDB version (2 bytes, LE) | CRC-64 (8 bytes, LE)
//
// with the RDB version of Redis 7.0 (10) and Redis's CRC-64 (Jones
// polynomial, reflected, no final xor) over everything before it. Strings
// are encoded as Redis encodes them: small integers as 8/16/32-bit numbers,
// strings longer than 20 bytes LZF-compressed when that saves at least 4
// bytes, others as length-prefixed bytes. So a Shoal DUMP of a string is the
// payload Redis would produce and each side RESTOREs the other's.
//
// Other types get an RDB type byte of their own: a value in Entry.Obj that
// implements [rdbEncoder] is dumped by it, and a loader registered in
// rdbLoaders reads it back. Redis's plain encodings (RDB_TYPE_SET 2,
// RDB_TYPE_HASH 4, RDB_TYPE_ZSET_2 5, ...) are the natural choice.

const (
	rdbVersion    = 10 // Redis 7.0
	rdbTypeString = 0

	// Length prefixes and special string encodings (RDB_6BITLEN ...).
	rdb6BitLen  = 0
	rdb14BitLen = 1
	rdb32BitLen = 0x80
	rdb64BitLen = 0x81
	rdbEncVal   = 3
	rdbEncInt8  = 0
	rdbEncInt16 = 1
	rdbEncInt32 = 2
	rdbEncLZF   = 3

	dumpFooterLen = 10 // version + CRC
)

const (
	errDumpPayload = "ERR DUMP payload version or checksum are wrong"
	errBadFormat   = "ERR Bad data format"
)

var errBadRDB = errors.New("bad rdb data")

// rdbEncoder is implemented by aggregate values that DUMP can serialize.
type rdbEncoder interface {
	// AppendRDB appends the value in RDB encoding to dst and returns the
	// RDB type byte that precedes it.
	AppendRDB(dst []byte) (rdbType byte, out []byte)
}

// rdbLoaders read a value of each RDB type RESTORE understands.
var rdbLoaders = map[byte]func(*rdbReader) (*engine.Entry, error){
	rdbTypeString: func(r *rdbReader) (*engine.Entry, error) {
		s, err := r.readString()
		if err != nil {
			return nil, err
		}
		return engine.NewString(s), nil
	},
}

// crc64Table is for Redis's CRC-64/Jones, given as Go wants it: reversed.
var crc64Table = crc64.MakeTable(0x95ac9329ac4bc9b5)

// redisCRC64 is Redis's crc64(0, p): Go's Update inverts the crc before and
// after, Redis's does not, so we undo both.
func redisCRC64(p []byte) uint64 { return ^crc64.Update(^uint64(0), crc64Table, p) }

// dumpPayload serializes e, or returns false for a value type that cannot
// be dumped yet.
func dumpPayload(e *engine.Entry) ([]byte, bool) {
	var b []byte
	switch obj := e.Obj.(type) {
	case nil:
		if e.Kind != engine.KindString {
			return nil, false
		}
		b = appendRDBString([]byte{rdbTypeString}, e.Str)
	case rdbEncoder:
		typ, out := obj.AppendRDB([]byte{0})
		out[0] = typ
		b = out
	default:
		return nil, false
	}
	b = binary.LittleEndian.AppendUint16(b, rdbVersion)
	return binary.LittleEndian.AppendUint64(b, redisCRC64(b)), true
}

// appendRDBLen appends an RDB length.
func appendRDBLen(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n)|rdb6BitLen<<6)
	case n < 1<<14:
		return append(dst, byte(n>>8)|rdb14BitLen<<6, byte(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, rdb32BitLen), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, rdb64BitLen), n)
}

// appendRDBString appends s as Redis's rdbSaveRawString does.
func appendRDBString(dst, s []byte) []byte {
	if len(s) <= 11 {
		if n, ok := parseInt(s); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			return appendRDBInt(dst, n)
		}
	}
	if len(s) > 20 {
		if c := lzfCompress(s, len(s)-4); c != nil {
			dst = append(dst, rdbEncVal<<6|rdbEncLZF)
			dst = appendRDBLen(dst, uint64(len(c)))
			dst = appendRDBLen(dst, uint64(len(s)))
			return append(dst, c...)
		}
	}
	return append(appendRDBLen(dst, uint64(len(s))), s...)
}

// appendRDBInt appends a 32-bit integer in the smallest integer encoding.
func appendRDBInt(dst []byte, n int64) []byte {
	switch {
	case n >= math.MinInt8 && n <= math.MaxInt8:
		return append(dst, rdbEncVal<<6|rdbEncInt8, byte(n))
	case n >= math.MinInt16 && n <= math.MaxInt16:
		return binary.LittleEndian.AppendUint16(append(dst, rdbEncVal<<6|rdbEncInt16), uint16(n))
	}
	return binary.LittleEndian.AppendUint32(append(dst, rdbEncVal<<6|rdbEncInt32), uint32(n))
}

// checkPayload verifies a payload's RDB version and checksum.
func checkPayload(p []byte) bool {
	if len(p) < dumpFooterLen {
		return false
	}
	footer := p[len(p)-dumpFooterLen:]
	if binary.LittleEndian.Uint16(footer) > rdbVersion {
		return false
	}
	return binary.LittleEndian.Uint64(footer[2:]) == redisCRC64(p[:len(p)-8])
}

// loadPayload decodes a checked payload. Like Redis, it reads the value
// from the whole payload, footer included: a value that runs into the
// footer is read from the footer's bytes, and what follows the value is
// ignored.
func loadPayload(p []byte, cfg *config.Config) (*engine.Entry, error) {
	load, ok := rdbLoaders[p[0]]
	if !ok {
		return nil, errBadRDB
	}
	return load(&rdbReader{b: p[1:], cfg: cfg})
}

// rdbReader reads RDB encodings from a payload, never past its end.
type rdbReader struct {
	b []byte
	// cfg is the node's configuration, whose thresholds decide the
	// encoding a restored aggregate gets; nil means the defaults.
	cfg *config.Config
	// short is set when a read ran past the end of b: a snapshot's reader
	// (rdbcodec.go) then tries again with more of the file.
	short bool
}

var defaultConfig = sync.OnceValue(config.Default)

// config returns the configuration the loaded value is encoded by.
func (r *rdbReader) config() *config.Config {
	if r.cfg != nil {
		return r.cfg
	}
	return defaultConfig()
}

func (r *rdbReader) next(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)) {
		r.short = true
		return nil, errBadRDB
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out, nil
}

// readLen reads an RDB length, or the number of a special encoding when
// encoded is set.
func (r *rdbReader) readLen() (n uint64, encoded bool, err error) {
	b, err := r.next(1)
	if err != nil {
		return 0, false, err
	}
	switch b[0] >> 6 {
	case rdb6BitLen:
		return uint64(b[0] & 0x3f), false, nil
	case rdb14BitLen:
		lo, err := r.next(1)
		if err != nil {
			return 0, false, err
		}
		return uint64(b[0]&0x3f)<<8 | uint64(lo[0]), false, nil
	case rdbEncVal:
		return uint64(b[0] & 0x3f), true, nil
	}
	switch b[0] {
	case rdb32BitLen:
		v, err := r.next(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(v)), false, nil
	case rdb64BitLen:
		v, err := r.next(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(v), false, nil
	}
	return 0, false, errBadRDB
}

// readString reads a string in any of its RDB encodings, as a new slice.
func (r *rdbReader) readString() ([]byte, error) {
	n, encoded, err := r.readLen()
	if err != nil {
		return nil, err
	}
	if !encoded {
		s, err := r.next(n)
		return bytes.Clone(s), err
	}
	switch n {
	case rdbEncInt8, rdbEncInt16, rdbEncInt32:
		v, err := r.next(1 << n)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, leInt(v), 10), nil
	case rdbEncLZF:
		return r.readLZF()
	}
	return nil, errBadRDB
}

// leInt reads a little-endian signed integer of 1, 2 or 4 bytes.
func leInt(v []byte) int64 {
	switch len(v) {
	case 1:
		return int64(int8(v[0]))
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(v)))
	}
	return int64(int32(binary.LittleEndian.Uint32(v)))
}

func (r *rdbReader) readLZF() ([]byte, error) {
	clen, enc1, err := r.readLen()
	if err != nil {
		return nil, err
	}
	n, enc2, err := r.readLen()
	if err != nil || enc1 || enc2 {
		return nil, errBadRDB
	}
	c, err := r.next(clen)
	if err != nil {
		return nil, err
	}
	out, ok := lzfDecompress(c, n)
	if !ok {
		return nil, errBadRDB
	}
	return out, nil
}

func dump(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	e := v.Read(c.Args[1])
	if e == nil {
		c.W.Null()
		return
	}
	p, ok := dumpPayload(e)
	if !ok {
		c.Errorf("ERR DUMP of a %s value is not supported by this version of Shoal", e.Kind)
		return
	}
	c.W.Bulk(p)
}

// restoreArgs is a parsed RESTORE. Redis reports a bad TTL or payload only
// after checking that the key is free, so their errors wait in ttlErr and
// payloadErr until then.
type restoreArgs struct {
	key             []byte
	ttl             int64
	replace, absTTL bool
	idle, freq      int64 // -1 when not given
	ttlErr          string
	payloadErr      string
	value           *engine.Entry
}

func parseRestore(c *Ctx) (restoreArgs, bool) {
	a := restoreArgs{key: c.Args[1], idle: -1, freq: -1}
	opts := c.Args[4:]
	for i := 0; i < len(opts); i++ {
		more := i+1 < len(opts)
		switch {
		case is(opts[i], "replace"):
			a.replace = true
		case is(opts[i], "absttl"):
			a.absTTL = true
		case is(opts[i], "idletime") && more && a.freq == -1:
			n, ok := parseInt(opts[i+1])
			if !ok {
				c.Error(errNotInteger)
				return a, false
			}
			if n < 0 {
				c.Error("ERR Invalid IDLETIME value, must be >= 0")
				return a, false
			}
			a.idle = n
			i++
		case is(opts[i], "freq") && more && a.idle == -1:
			n, ok := parseInt(opts[i+1])
			if !ok {
				c.Error(errNotInteger)
				return a, false
			}
			if n < 0 || n > 255 {
				c.Error("ERR Invalid FREQ value, must be >= 0 and <= 255")
				return a, false
			}
			a.freq = n
			i++
		default:
			c.Error(errSyntax)
			return a, false
		}
	}
	ttl, ok := parseInt(c.Args[2])
	switch {
	case !ok:
		a.ttlErr = errNotInteger
	case ttl < 0:
		a.ttlErr = "ERR Invalid TTL value, must be >= 0"
	}
	a.ttl = ttl
	a.value, a.payloadErr = decodePayload(c.Args[3], c.Node.Config)
	return a, true
}

// decodePayload checks and decodes a DUMP payload, returning the error
// RESTORE replies with when it is not valid.
func decodePayload(p []byte, cfg *config.Config) (*engine.Entry, string) {
	if !checkPayload(p) {
		return nil, errDumpPayload
	}
	e, err := loadPayload(p, cfg)
	if err != nil {
		return nil, errBadFormat
	}
	return e, ""
}

// restore creates a key from a DUMP payload.
func restore(c *Ctx) {
	a, ok := parseRestore(c)
	if !ok {
		return
	}
	v := c.Txn.LockKey(c.DB(), a.key)
	defer c.Txn.Unlock()
	switch {
	case !a.replace && v.Lookup(a.key) != nil:
		c.Error("BUSYKEY Target key name already exists.")
		return
	case a.ttlErr != "":
		c.Error(a.ttlErr)
		return
	case a.payloadErr != "":
		c.Error(a.payloadErr)
		return
	}
	deleted := a.replace && v.Delete(a.key)
	expireAt := a.ttl
	if expireAt != 0 && !a.absTTL {
		expireAt += v.Now() // wraps past the end of time, as in Redis: then it is expired
	}
	if expireAt != 0 && expireAt <= v.Now() {
		c.propagateDel(a.key) // what REPLACE deleted, if anything
		if deleted {
			c.notifyDel(a.key)
		}
		c.W.OK()
		return
	}
	v.Put(a.key, a.value, expireAt)
	c.notify(notifyGeneric, "restore", a.key)
	setRestoredAccess(c, a, v.Now())
	if c.propagating() && expireAt != 0 && !a.absTTL {
		c.propagateAs(wordRESTORE, a.key, strconv.AppendInt(nil, expireAt, 10), c.Args[3], wordREPLACE, wordABSTTL)
	}
	c.W.OK()
}

// setRestoredAccess applies IDLETIME or FREQ: the idle time when keys are
// tracked by recency, the frequency under an LFU policy (ignored otherwise,
// as in Redis).
func setRestoredAccess(c *Ctx, a restoreArgs, now int64) {
	e := a.value
	switch {
	case a.freq >= 0 && lfuPolicy(c):
		e.SetAccess(e.AccessTime(), uint8(a.freq))
	case a.idle >= 0 && !lfuPolicy(c):
		at := max(now/1000-a.idle, 0)
		e.SetAccess(uint32(at), e.Freq())
	}
}

func dumpCommands() []*Spec {
	return []*Spec{
		{Name: "dump", Arity: 2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Returns a serialized representation of the value stored at a key.", Since: "2.6.0", Handler: dump},
		{Name: "restore", Arity: -4, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Categories: []string{"dangerous"}, Summary: "Creates a key from the serialized representation of a value.", Since: "2.6.0", Handler: restore},
	}
}

// LZF is the compression RDB uses for long strings (Marc Lehmann's liblzf
// format, as Redis configures it: 16-bit hash table, "very fast" mode).
// The compressor is written to choose exactly the matches Redis's does, so
// that DUMP output is byte for byte Redis's.
const (
	lzfHashLog = 16
	lzfMaxLit  = 1 << 5
	lzfMaxOff  = 1 << 13
	lzfMaxRef  = 1<<8 + 1<<3
)

// lzfTables recycles the compressor's 256 KB hash tables.
var lzfTables = sync.Pool{New: func() any { return new([1 << lzfHashLog]uint32) }}

func lzfHash(h uint32) uint32 { return (h>>(24-lzfHashLog) - h*5) & (1<<lzfHashLog - 1) }

// lzfCompress compresses in into at most maxOut bytes, or returns nil when
// the result would not fit.
//
// The output is a series of literal runs (a byte 0..31 = run length - 1,
// then the bytes) and back references (3 bits of length - 2, 5 bits of
// offset - 1 high; a length extension byte when the 3 bits are all ones;
// the offset's low byte). Position 0 is never a reference target: a zero
// in the table means "no candidate", as in liblzf.
func lzfCompress(in []byte, maxOut int) []byte {
	n := len(in)
	if n < 3 || maxOut <= 0 {
		return nil
	}
	tab := lzfTables.Get().(*[1 << lzfHashLog]uint32)
	defer lzfPutTable(tab, in)
	out := make([]byte, maxOut)
	ip, op, lit := 0, 1, 0 // op starts past the first run's length byte
	h := uint32(in[0])<<8 | uint32(in[1])
	for ip < n-2 {
		h = h<<8 | uint32(in[ip+2])
		slot := lzfHash(h)
		ref := int(tab[slot])
		tab[slot] = uint32(ip)
		off := ip - ref - 1
		if ref == 0 || off < 0 || off >= lzfMaxOff ||
			in[ref] != in[ip] || in[ref+1] != in[ip+1] || in[ref+2] != in[ip+2] {
			// No match: one more literal byte.
			if op >= maxOut {
				return nil
			}
			out[op] = in[ip]
			op, ip, lit = op+1, ip+1, lit+1
			if lit == lzfMaxLit {
				out[op-lit-1] = byte(lit - 1)
				op, lit = op+1, 0
			}
			continue
		}
		if op-b2i(lit == 0)+4 >= maxOut {
			return nil
		}
		out[op-lit-1] = byte(lit - 1) // close the literal run...
		op -= b2i(lit == 0)           // ...or drop it if empty
		l := lzfMatchLen(in, ref, ip) - 2
		ip++
		if l < 7 {
			out[op] = byte(off>>8 + l<<5)
			op++
		} else {
			out[op], out[op+1] = byte(off>>8+7<<5), byte(l-7)
			op += 2
		}
		out[op] = byte(off)
		op, lit = op+2, 0 // and open the next literal run
		ip += l + 1
		if ip >= n-2 {
			break
		}
		// Hash the last two positions of the match, as liblzf's
		// VERY_FAST mode does, so the next match can start inside it.
		ip -= 2
		h = uint32(in[ip])<<8 | uint32(in[ip+1])
		for range 2 {
			h = h<<8 | uint32(in[ip+2])
			tab[lzfHash(h)] = uint32(ip)
			ip++
		}
	}
	if op+3 > maxOut {
		return nil
	}
	for ; ip < n; ip++ {
		out[op] = in[ip]
		op, lit = op+1, lit+1
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			op, lit = op+1, 0
		}
	}
	out[op-lit-1] = byte(lit - 1)
	op -= b2i(lit == 0)
	return out[:op]
}

// lzfPutTable returns a table to the pool zeroed, as the next compression
// expects it. A short input wrote only the slots of its own 3-byte
// windows, and zeroing those is far cheaper than clearing 256 KB: a
// snapshot compresses every string of more than 20 bytes.
func lzfPutTable(tab *[1 << lzfHashLog]uint32, in []byte) {
	if len(in) > 1<<14 {
		clear(tab[:])
	} else {
		for i := 0; i+2 < len(in); i++ {
			tab[lzfHash(uint32(in[i])<<16|uint32(in[i+1])<<8|uint32(in[i+2]))] = 0
		}
	}
	lzfTables.Put(tab)
}

// lzfMatchLen measures the match at ip against ref, whose first 3 bytes
// are known equal. It returns the index where the match stopped, as
// liblzf's loop does: up to 16 bytes are compared without looking at the
// limit when more than 16 remain, then byte by byte up to the limit. The
// exact stopping rule decides the output, so it is kept as is.
func lzfMatchLen(in []byte, ref, ip int) int {
	l := 2
	limit := min(len(in)-ip-l, lzfMaxRef)
	if limit > 16 {
		for range 16 {
			l++
			if in[ref+l] != in[ip+l] {
				return l
			}
		}
	}
	for {
		l++
		if l >= limit || in[ref+l] != in[ip+l] {
			return l
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lzfDecompress expands in, which must produce exactly n bytes. As in
// Redis, a zero length is always accepted (and gives an empty string): its
// check compares the length liblzf returns, which is 0 on error too.
func lzfDecompress(in []byte, n uint64) ([]byte, bool) {
	if n == 0 {
		return []byte{}, true
	}
	out := make([]byte, 0, min(n, uint64(len(in))*4+64))
	for ip := 0; ip < len(in); {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 { // literal run
			l := ctrl + 1
			if ip+l > len(in) || uint64(len(out)+l) > n {
				return nil, false
			}
			out = append(out, in[ip:ip+l]...)
			ip += l
			continue
		}
		l := ctrl >> 5
		if l == 7 {
			if ip >= len(in) {
				return nil, false
			}
			l += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return nil, false
		}
		ref := len(out) - (ctrl&0x1f)<<8 - int(in[ip]) - 1
		ip++
		l += 2
		if ref < 0 || uint64(len(out)+l) > n {
			return nil, false
		}
		for k := range l { // byte by byte: the source may overlap the output
			out = append(out, out[ref+k])
		}
	}
	return out, uint64(len(out)) == n
}
