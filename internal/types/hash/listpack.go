package hash

import (
	"encoding/binary"
	"math"
)

// A listpack is Redis's compact sequence of strings and integers, byte for
// byte as Redis 7 lays it out, so that a small hash's DUMP payload is the
// blob itself:
//
//	total bytes (uint32 LE) | element count (uint16 LE) | entries... | 0xFF
//
// Each entry is an encoding byte (and length or integer bytes), the string
// data, then "backlen": the size of what precedes it in the entry, written
// so that it can be read backwards. A string that is a canonical 64-bit
// integer ("12", never "012" or "+1") is stored as the smallest integer
// encoding that holds it.

const (
	lpHeaderSize = 6
	lpEOF        = 0xFF
	// lpCountUnknown in the header means "count the entries": the count
	// no longer fits in 16 bits.
	lpCountUnknown = math.MaxUint16
	// lpMaxSafeSize is the size past which Redis stops growing a listpack
	// (LISTPACK_MAX_SAFETY_SIZE) and converts to its large encoding.
	lpMaxSafeSize = 1 << 30
)

// Encoding bytes (first byte of an entry) and their masks.
const (
	lp7BitUint     = 0x00 // 0xxxxxxx
	lp6BitStr      = 0x80 // 10xxxxxx
	lp13BitInt     = 0xC0 // 110xxxxx
	lp12BitStr     = 0xE0 // 1110xxxx
	lp32BitStr     = 0xF0
	lp16BitInt     = 0xF1
	lp24BitInt     = 0xF2
	lp32BitInt     = 0xF3
	lp64BitInt     = 0xF4
	lp6BitStrMask  = 0xC0
	lp13BitIntMask = 0xE0
	lp12BitStrMask = 0xF0
)

// lpEmpty returns a listpack with no entries.
func lpEmpty() []byte { return []byte{lpHeaderSize + 1, 0, 0, 0, 0, 0, lpEOF} }

// lpCount returns the number of entries the header records.
func lpCount(lp []byte) int { return int(binary.LittleEndian.Uint16(lp[4:])) }

// lpSetHeader writes the total size and the entry count n into the header.
func lpSetHeader(lp []byte, n int) {
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	binary.LittleEndian.PutUint16(lp[4:], uint16(min(n, lpCountUnknown)))
}

// parseInt64 reports whether s is a canonical decimal int64 as Redis's
// lpStringToInt64 (and string2ll) reads one: an optional minus, no leading
// zero, no plus, no space, at most 20 characters.
func parseInt64(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	neg := s[0] == '-'
	digits := s
	if neg {
		digits = s[1:]
	}
	if len(digits) == 0 || digits[0] < '1' || digits[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	switch {
	case neg && v <= 1<<63:
		return int64(-v), true
	case !neg && v <= math.MaxInt64:
		return int64(v), true
	}
	return 0, false
}

// lpEncodedSize is the size of the entry for s without its backlen.
func lpEncodedSize(s []byte) int {
	if v, ok := parseInt64(s); ok {
		return lpIntSize(v)
	}
	return lpStrHeaderSize(len(s)) + len(s)
}

func lpIntSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 1
	case v >= -4096 && v <= 4095:
		return 2
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 3
	case v >= -1<<23 && v < 1<<23:
		return 4
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 5
	}
	return 9
}

func lpStrHeaderSize(n int) int {
	switch {
	case n < 64:
		return 1
	case n < 4096:
		return 2
	}
	return 5
}

// lpBacklenSize is the size of the backlen that follows an entry of n
// bytes (Redis's lpEncodeBacklen; note the strict bounds).
func lpBacklenSize(n int) int {
	switch {
	case n <= 127:
		return 1
	case n < 16383:
		return 2
	case n < 2097151:
		return 3
	case n < 268435455:
		return 4
	}
	return 5
}

// lpEntrySize is the full size, backlen included, of the entry for s.
func lpEntrySize(s []byte) int {
	n := lpEncodedSize(s)
	return n + lpBacklenSize(n)
}

// lpAppendEntry appends the entry for s, backlen included.
func lpAppendEntry(dst, s []byte) []byte {
	start := len(dst)
	if v, ok := parseInt64(s); ok {
		dst = lpAppendInt(dst, v)
	} else {
		dst = lpAppendStr(dst, s)
	}
	return lpAppendBacklen(dst, len(dst)-start)
}

func lpAppendInt(dst []byte, v int64) []byte {
	u := uint64(v)
	switch lpIntSize(v) {
	case 1:
		return append(dst, byte(v))
	case 2:
		u &= 1<<13 - 1
		return append(dst, byte(u>>8)|lp13BitInt, byte(u))
	case 3:
		return append(dst, lp16BitInt, byte(u), byte(u>>8))
	case 4:
		return append(dst, lp24BitInt, byte(u), byte(u>>8), byte(u>>16))
	case 5:
		return binary.LittleEndian.AppendUint32(append(dst, lp32BitInt), uint32(u))
	}
	return binary.LittleEndian.AppendUint64(append(dst, lp64BitInt), u)
}

func lpAppendStr(dst, s []byte) []byte {
	n := len(s)
	switch lpStrHeaderSize(n) {
	case 1:
		dst = append(dst, lp6BitStr|byte(n))
	case 2:
		dst = append(dst, lp12BitStr|byte(n>>8), byte(n))
	default:
		dst = binary.LittleEndian.AppendUint32(append(dst, lp32BitStr), uint32(n))
	}
	return append(dst, s...)
}

// lpAppendBacklen appends n, the size of the entry before it, as Redis
// does: big-endian groups of 7 bits, every byte but the first with its
// high bit set.
func lpAppendBacklen(dst []byte, n int) []byte {
	size := lpBacklenSize(n)
	dst = append(dst, byte(n>>(7*(size-1))))
	for i := size - 2; i >= 0; i-- {
		dst = append(dst, byte(n>>(7*i))&127|128)
	}
	return dst
}

// lpDecode reads the entry at p: its string, or its integer when isInt,
// and the offset of the next entry. The listpack must be valid (built here
// or checked by lpValidate).
func lpDecode(lp []byte, p int) (s []byte, v int64, isInt bool, next int) {
	c := lp[p]
	var n, hdr int
	switch {
	case c&0x80 == lp7BitUint:
		return nil, int64(c), true, p + 2
	case c&lp6BitStrMask == lp6BitStr:
		n, hdr = int(c&0x3f), 1
	case c&lp13BitIntMask == lp13BitInt:
		u := int64(c&0x1f)<<8 | int64(lp[p+1])
		if u >= 1<<12 {
			u -= 1 << 13
		}
		return nil, u, true, p + 3
	case c&lp12BitStrMask == lp12BitStr:
		n, hdr = int(c&0x0f)<<8|int(lp[p+1]), 2
	case c == lp16BitInt:
		return nil, int64(int16(binary.LittleEndian.Uint16(lp[p+1:]))), true, p + 4
	case c == lp24BitInt:
		u := uint32(lp[p+1]) | uint32(lp[p+2])<<8 | uint32(lp[p+3])<<16
		return nil, int64(int32(u<<8) >> 8), true, p + 5
	case c == lp32BitInt:
		return nil, int64(int32(binary.LittleEndian.Uint32(lp[p+1:]))), true, p + 6
	case c == lp64BitInt:
		return nil, int64(binary.LittleEndian.Uint64(lp[p+1:])), true, p + 10
	default: // lp32BitStr
		n, hdr = int(binary.LittleEndian.Uint32(lp[p+1:])), 5
	}
	size := hdr + n
	return lp[p+hdr : p+size], 0, false, p + size + lpBacklenSize(size)
}

// lpElem returns the entry at p as an Elem, and the next entry's offset.
func lpElem(lp []byte, p int) (Elem, int) {
	s, v, isInt, next := lpDecode(lp, p)
	return Elem{b: s, n: v, isInt: isInt}, next
}

// lpSkip returns the offset of the entry after the one at p, at once for
// the usual small integer or short string.
func lpSkip(lp []byte, p int) int {
	switch c := lp[p]; {
	case c&0x80 == lp7BitUint:
		return p + 2
	case c&lp6BitStrMask == lp6BitStr:
		return p + int(c&0x3f) + 2
	}
	_, _, _, next := lpDecode(lp, p)
	return next
}

// lpMatches reports whether the entry at p holds s, whose integer reading
// is (sv, sIsInt), and returns the next entry's offset. An integer entry
// matches only an integer string, a string entry the same bytes (as
// Redis's lpFind compares them). A short string, the usual field, is
// compared without a full decode.
func lpMatches(lp []byte, p int, s []byte, sv int64, sIsInt bool) (bool, int) {
	if c := lp[p]; c&lp6BitStrMask == lp6BitStr {
		n := int(c & 0x3f)
		return n == len(s) && string(lp[p+1:p+1+n]) == string(s), p + n + 2
	}
	es, ev, eIsInt, next := lpDecode(lp, p)
	if eIsInt {
		return sIsInt && ev == sv, next
	}
	return string(es) == string(s), next
}
