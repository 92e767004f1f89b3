package hash

import (
	"encoding/binary"
	"strconv"
)

// A ziplist is the listpack's predecessor, the compact encoding of Redis
// up to 6.2, whose DUMP payloads (RDB_TYPE_HASH_ZIPLIST) Redis 7.0 still
// restores, converting them to listpacks:
//
//	total bytes (uint32 LE) | offset of the last entry (uint32 LE) | count (uint16 LE) | entries... | 0xFF
//
// Each entry is the previous entry's size (1 byte, or 0xFE and 4 bytes
// LE), an encoding (string length, or integer type, or a small integer in
// the encoding byte itself), then the data.

const (
	zlHeaderSize   = 10
	zlEnd          = 0xFF
	zlBigPrevLen   = 0xFE
	zlCountUnknown = 0xFFFF
)

// FromZiplist returns a hash holding the fields of zl, a ziplist from an
// untrusted source, checked as Redis checks it: well formed, an even
// number of entries, at least two, no field twice. Like Redis 7.0's
// loader, it keeps long strings in the listpack but converts to a
// hashtable when there are more fields than lim.MaxEntries.
func FromZiplist(zl []byte, lim Limits) (*Hash, error) {
	entries, err := zlEntries(zl)
	if err != nil {
		return nil, err
	}
	lp := lpEmpty()[:lpHeaderSize]
	for _, e := range entries {
		lp = lpAppendEntry(lp, e)
	}
	lp = append(lp, lpEOF)
	lpSetHeader(lp, len(entries))
	return FromListpack(lp, lim)
}

// zlEntries validates zl and returns its entries as strings.
func zlEntries(zl []byte) ([][]byte, error) {
	if len(zl) < zlHeaderSize+1 || int(binary.LittleEndian.Uint32(zl)) != len(zl) || zl[len(zl)-1] != zlEnd {
		return nil, ErrCorrupt
	}
	tail := int(binary.LittleEndian.Uint32(zl[4:]))
	var out [][]byte
	prev, last := 0, zlHeaderSize
	for p := zlHeaderSize; zl[p] != zlEnd; {
		s, size, ok := zlEntry(zl[:len(zl)-1], p, prev)
		if !ok {
			return nil, ErrCorrupt
		}
		out = append(out, s)
		last, prev = p, size
		p += size
	}
	if n := int(binary.LittleEndian.Uint16(zl[8:])); n != zlCountUnknown && n != len(out) || len(out) > 0 && tail != last {
		return nil, ErrCorrupt
	}
	return out, nil
}

// zlEntry reads the entry at p, checking that it lies within zl and that
// it records prev as the previous entry's size. It returns the entry as a
// string and its size.
func zlEntry(zl []byte, p, prev int) ([]byte, int, bool) {
	start := p
	if zl[p] == zlBigPrevLen {
		if p+5 > len(zl) || int(binary.LittleEndian.Uint32(zl[p+1:])) != prev {
			return nil, 0, false
		}
		p += 5
	} else {
		if int(zl[p]) != prev {
			return nil, 0, false
		}
		p++
	}
	if p >= len(zl) {
		return nil, 0, false
	}
	c := zl[p]
	var n, hdr int
	switch c >> 6 {
	case 0:
		n, hdr = int(c&0x3f), 1
	case 1:
		if p+2 > len(zl) {
			return nil, 0, false
		}
		n, hdr = int(c&0x3f)<<8|int(zl[p+1]), 2
	case 2:
		if c != 0x80 || p+5 > len(zl) {
			return nil, 0, false
		}
		n, hdr = int(binary.BigEndian.Uint32(zl[p+1:])), 5
	default:
		return zlInt(zl, start, p)
	}
	if n > len(zl)-p-hdr {
		return nil, 0, false
	}
	end := p + hdr + n
	return zl[p+hdr : end], end - start, true
}

// zlInt reads an integer entry whose encoding byte is at p.
func zlInt(zl []byte, start, p int) ([]byte, int, bool) {
	c := zl[p]
	size := zlIntSize(c)
	if size < 0 || p+1+size > len(zl) {
		return nil, 0, false
	}
	d := zl[p+1 : p+1+size]
	var v int64
	switch c {
	case 0xC0:
		v = int64(int16(binary.LittleEndian.Uint16(d)))
	case 0xD0:
		v = int64(int32(binary.LittleEndian.Uint32(d)))
	case 0xE0:
		v = int64(binary.LittleEndian.Uint64(d))
	case 0xF0:
		v = int64(int32(uint32(d[0])<<8|uint32(d[1])<<16|uint32(d[2])<<24) >> 8)
	case 0xFE:
		v = int64(int8(d[0]))
	default:
		v = int64(c&0x0f) - 1
	}
	return strconv.AppendInt(nil, v, 10), p + 1 + size - start, true
}

// zlIntSize is the data size of an integer encoding, -1 for none.
func zlIntSize(c byte) int {
	switch {
	case c == 0xC0:
		return 2
	case c == 0xD0:
		return 4
	case c == 0xE0:
		return 8
	case c == 0xF0:
		return 3
	case c == 0xFE:
		return 1
	case c >= 0xF1 && c <= 0xFD:
		return 0 // the value is in the encoding byte
	}
	return -1
}
