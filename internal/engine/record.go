package engine

import (
	"encoding/binary"
	"unsafe"
)

// A key's record is one slab chunk holding the key, its value and its
// metadata, with no Go pointer in it:
//
//	flags   1 byte   kind (3 bits), has-TTL, raw encoding, LFU form
//	freq    1 byte   LFU counter
//	access  4 bytes  Unix second of the last access
//	expire  8 bytes  expiry, Unix ms        } only with the TTL flag
//	exppos  4 bytes  place in expiry bucket }
//	klen    uvarint
//	vlen    uvarint
//	key, value
//
// An aggregate's value is the 4-byte number of its Go object in the
// shard's object table: aggregates stay Go values, strings do not.
//
// The first four bytes of a freed chunk hold the slab's free list, which is
// why nothing reads a record's header after freeing it.
const (
	flagKind = 0x07
	flagTTL  = 0x08
	flagRaw  = 0x10
	flagLFU  = 0x20 // access and freq were last set under an LFU policy (lfu.go)

	recFlags  = 0
	recFreq   = 1
	recAccess = 2
	recExpire = 6
	recExpPos = 14

	headerFixed = 6
	headerTTL   = headerFixed + 12
)

// record is a decoded record; key and val alias its chunk, val with the
// chunk's spare bytes as its capacity, so that a string handle can grow in
// place (APPEND, SETRANGE, SETBIT).
type record struct {
	flags    byte
	freq     uint8
	access   uint32
	expireAt int64
	expPos   uint32
	key, val []byte
}

func (r *record) kind() Kind   { return Kind(r.flags & flagKind) }
func (r *record) hasTTL() bool { return r.flags&flagTTL != 0 }

// lruField is Redis's robj.lru for the record (lfu.go).
func (r *record) lruField() uint32 { return lruField(r.access, r.freq, r.flags&flagLFU != 0) }
func (r *record) setTTL(at int64) {
	r.expireAt = at
	if at != 0 {
		r.flags |= flagTTL
	} else {
		r.flags &^= flagTTL
	}
}

// size is the bytes r takes encoded.
func (r *record) size() int {
	n := headerFixed
	if r.hasTTL() {
		n = headerTTL
	}
	return n + uvarintLen(len(r.key)) + uvarintLen(len(r.val)) + len(r.key) + len(r.val)
}

// decodeRecord reads the record at the start of chunk b.
func decodeRecord(b []byte) record {
	r := record{flags: b[recFlags], freq: b[recFreq], access: binary.LittleEndian.Uint32(b[recAccess:])}
	i := headerFixed
	if r.hasTTL() {
		r.expireAt = int64(binary.LittleEndian.Uint64(b[recExpire:]))
		r.expPos = binary.LittleEndian.Uint32(b[recExpPos:])
		i = headerTTL
	}
	klen, n := binary.Uvarint(b[i:])
	i += n
	vlen, n := binary.Uvarint(b[i:])
	i += n
	r.key = b[i : i+int(klen) : i+int(klen)]
	i += int(klen)
	r.val = b[i : i+int(vlen)]
	return r
}

// setValueLen changes the value length of the record in chunk b to n in
// place, the value's bytes having been written already, and reports
// whether it could: the new length must take as many varint bytes as the
// old (else key and value would have to move).
func setValueLen(b []byte, n int) bool {
	i := headerFixed
	if b[recFlags]&flagTTL != 0 {
		i = headerTTL
	}
	_, kn := binary.Uvarint(b[i:])
	i += kn
	old, vn := binary.Uvarint(b[i:])
	if uvarintLen(n) != vn || uvarintLen(int(old)) != vn {
		return false
	}
	binary.PutUvarint(b[i:], uint64(n))
	return true
}

// recordKey reads only the key of the record in chunk b.
func recordKey(b []byte) []byte {
	i := headerFixed
	if b[recFlags]&flagTTL != 0 {
		i = headerTTL
	}
	klen, n := binary.Uvarint(b[i:])
	i += n
	_, n = binary.Uvarint(b[i:])
	i += n
	return b[i : i+int(klen) : i+int(klen)]
}

// recordExpireAt reads the expiry of the record in chunk b, 0 for none.
func recordExpireAt(b []byte) int64 {
	if b[recFlags]&flagTTL == 0 {
		return 0
	}
	return int64(binary.LittleEndian.Uint64(b[recExpire:]))
}

// encode writes r at the start of dst, which must hold r.size() bytes
// and must not overlap r.key or r.val.
func (r *record) encode(dst []byte) {
	dst[recFlags], dst[recFreq] = r.flags, r.freq
	binary.LittleEndian.PutUint32(dst[recAccess:], r.access)
	i := headerFixed
	if r.hasTTL() {
		binary.LittleEndian.PutUint64(dst[recExpire:], uint64(r.expireAt))
		binary.LittleEndian.PutUint32(dst[recExpPos:], r.expPos)
		i = headerTTL
	}
	i += binary.PutUvarint(dst[i:], uint64(len(r.key)))
	i += binary.PutUvarint(dst[i:], uint64(len(r.val)))
	i += copy(dst[i:], r.key)
	copy(dst[i:], r.val)
}

// setAccess writes the access metadata of the record in chunk b in place.
func setAccess(b []byte, access uint32, freq uint8, lfu bool) {
	b[recFreq] = freq
	b[recFlags] &^= flagLFU
	if lfu {
		b[recFlags] |= flagLFU
	}
	binary.LittleEndian.PutUint32(b[recAccess:], access)
}

// setExpPos writes the expiry bucket place of the record in chunk b.
func setExpPos(b []byte, pos uint32) { binary.LittleEndian.PutUint32(b[recExpPos:], pos) }

func uvarintLen(n int) int {
	l := 1
	for n >= 0x80 {
		n >>= 7
		l++
	}
	return l
}

// overlaps reports whether a and b share memory.
func overlaps(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	a0, b0 := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&b[0]))
	return a0 < b0+uintptr(len(b)) && b0 < a0+uintptr(len(a))
}

// sameBytes reports whether a and b are the same memory, not just equal.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || unsafe.Pointer(&a[0]) == unsafe.Pointer(&b[0]))
}

// sameStart reports whether a and b start at the same byte.
func sameStart(a, b []byte) bool {
	return cap(a) > 0 && cap(b) > 0 && unsafe.Pointer(unsafe.SliceData(a)) == unsafe.Pointer(unsafe.SliceData(b))
}
