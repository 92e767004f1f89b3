package list

import (
	"encoding/binary"
	"strconv"
)

// A listpack is Redis's compact sequence of strings and integers in one
// allocation, byte for byte as Redis lays it out (so that DUMP can write
// the nodes as they are):
//
//	total bytes (uint32 LE) | count (uint16 LE, 65535 = unknown) | entries | 0xFF
//
// Each entry is an encoding byte (with the data's length or a small
// integer folded in), the data, then a back-length: the size of encoding
// and data in 1 to 5 bytes of 7 bits each, written so that it can be read
// from its last byte backwards. Strings that are canonical decimal
// integers are stored as integers in the smallest of 7, 13, 16, 24, 32 or
// 64 bits.
const (
	hdrSize      = 6
	eofByte      = 0xff
	countUnknown = 65535
	emptySize    = hdrSize + 1

	enc6BitStr  = 0x80 // 10xxxxxx: string of up to 63 bytes
	enc13BitInt = 0xc0 // 110xxxxx yyyyyyyy
	enc12BitStr = 0xe0 // 1110xxxx yyyyyyyy: string of up to 4095 bytes
	enc32BitStr = 0xf0
	enc16BitInt = 0xf1
	enc24BitInt = 0xf2
	enc32BitInt = 0xf3
	enc64BitInt = 0xf4
)

// Value is one element read from a list: the bytes of a string entry,
// which alias the list's memory until its next change, or an integer.
type Value struct {
	Str   []byte
	Int   int64
	IsInt bool
}

// Append appends the element's bytes, an integer in decimal, to dst.
func (v Value) Append(dst []byte) []byte {
	if v.IsInt {
		return strconv.AppendInt(dst, v.Int, 10)
	}
	return append(dst, v.Str...)
}

// Equal reports whether the element is s. An integer entry equals only
// the canonical spelling of its number, as Redis's lpCompare decides.
func (v Value) Equal(s []byte) bool {
	if !v.IsInt {
		return string(v.Str) == string(s)
	}
	n, ok := parseInt(s)
	return ok && n == v.Int
}

// parseInt reads s as the integer Redis stores it as (lpStringToInt64):
// an optional minus sign and digits without leading zeros, in int64's
// range. "-0" is not one.
func parseInt(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	switch {
	case neg && v <= 1<<63:
		return int64(-v), true // -(1<<63) wraps to itself, as wanted
	case !neg && v < 1<<63:
		return int64(v), true
	}
	return 0, false
}

// newListpack returns an empty listpack with room for extra more bytes.
func newListpack(extra int) []byte {
	lp := make([]byte, emptySize, emptySize+extra)
	binary.LittleEndian.PutUint32(lp, emptySize)
	lp[hdrSize] = eofByte
	return lp
}

// setHeader writes the total size and the count n into lp's header.
func setHeader(lp []byte, n int) {
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	binary.LittleEndian.PutUint16(lp[4:], uint16(min(n, countUnknown)))
}

// encodedInt returns the size of integer n's encoding (without its
// back-length).
func encodedInt(n int64) int {
	switch {
	case n >= 0 && n <= 127:
		return 1
	case n >= -4096 && n <= 4095:
		return 2
	case n >= -32768 && n <= 32767:
		return 3
	case n >= -8388608 && n <= 8388607:
		return 4
	case n >= -2147483648 && n <= 2147483647:
		return 5
	}
	return 9
}

// encodedLen returns the size of s's encoding and data (without its
// back-length).
func encodedLen(s []byte) int {
	if n, ok := parseInt(s); ok {
		return encodedInt(n)
	}
	switch {
	case len(s) < 64:
		return 1 + len(s)
	case len(s) < 4096:
		return 2 + len(s)
	}
	return 5 + len(s)
}

// backlenSize is the size of the back-length of an l-byte entry. The
// limits are Redis's, off by one at each step as they are there.
func backlenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// entrySize returns the size s takes in a listpack.
func entrySize(s []byte) int {
	l := encodedLen(s)
	return l + backlenSize(l)
}

// putEntry writes s's entry, entrySize(s) bytes, at the start of dst.
func putEntry(dst, s []byte) {
	var l int
	if n, ok := parseInt(s); ok {
		l = putInt(dst, n)
	} else {
		l = putString(dst, s)
	}
	putBacklen(dst[l:], l)
}

func putInt(dst []byte, n int64) int {
	l := encodedInt(n)
	u := uint64(n)
	switch l {
	case 1:
		dst[0] = byte(n)
		return 1
	case 2:
		u &= 1<<13 - 1
		dst[0], dst[1] = byte(u>>8)|enc13BitInt, byte(u)
		return 2
	}
	dst[0] = intEncoding[l]
	for i := 1; i < l; i++ {
		dst[i] = byte(u >> (8 * (i - 1)))
	}
	return l
}

// intEncoding is the encoding byte of the 16 to 64-bit integers, by the
// size of their encoding.
var intEncoding = [10]byte{3: enc16BitInt, 4: enc24BitInt, 5: enc32BitInt, 9: enc64BitInt}

func putString(dst, s []byte) int {
	n := len(s)
	switch {
	case n < 64:
		dst[0] = enc6BitStr | byte(n)
		return 1 + copy(dst[1:], s)
	case n < 4096:
		dst[0], dst[1] = enc12BitStr|byte(n>>8), byte(n)
		return 2 + copy(dst[2:], s)
	}
	dst[0] = enc32BitStr
	binary.LittleEndian.PutUint32(dst[1:], uint32(n))
	return 5 + copy(dst[5:], s)
}

// putBacklen writes l's back-length: the high bits first, every byte but
// the first flagged with 128, so that reading backwards from the last byte
// the flag says "more before".
func putBacklen(dst []byte, l int) {
	w := backlenSize(l)
	for i := range w {
		b := byte(l>>(7*(w-1-i))) & 127
		if i > 0 {
			b |= 128
		}
		dst[i] = b
	}
}

// readEntry decodes the entry at lp[p:] and returns it with the offset of
// the next entry. lp must be valid (see validate).
func readEntry(lp []byte, p int) (Value, int) {
	b := lp[p]
	var v Value
	var l int
	switch {
	case b < 0x80:
		v, l = Value{Int: int64(b), IsInt: true}, 1
	case b&0xc0 == enc6BitStr:
		n := int(b & 0x3f)
		v, l = Value{Str: lp[p+1 : p+1+n]}, 1+n
	case b&0xe0 == enc13BitInt:
		u := int64(b&0x1f)<<8 | int64(lp[p+1])
		v, l = Value{Int: signExtend(u, 13), IsInt: true}, 2
	case b&0xf0 == enc12BitStr:
		n := int(b&0x0f)<<8 | int(lp[p+1])
		v, l = Value{Str: lp[p+2 : p+2+n]}, 2+n
	case b == enc32BitStr:
		n := int(binary.LittleEndian.Uint32(lp[p+1:]))
		v, l = Value{Str: lp[p+5 : p+5+n]}, 5+n
	default:
		l = intSize(b)
		var u int64
		for i := l - 1; i >= 1; i-- {
			u = u<<8 | int64(lp[p+i])
		}
		v = Value{Int: signExtend(u, 8*(l-1)), IsInt: true}
	}
	return v, p + l + backlenSize(l)
}

// intSize is the size of an integer entry with encoding byte b (one of
// the 16 to 64-bit encodings), or 0 when b is no such encoding.
func intSize(b byte) int {
	switch b {
	case enc16BitInt:
		return 3
	case enc24BitInt:
		return 4
	case enc32BitInt:
		return 5
	case enc64BitInt:
		return 9
	}
	return 0
}

func signExtend(u int64, bits int) int64 {
	if bits >= 64 {
		return u
	}
	shift := 64 - bits
	return u << shift >> shift
}

// prevEntry returns the offset of the entry that ends at p (an entry's
// start or the EOF byte), reading its back-length backwards.
func prevEntry(lp []byte, p int) int {
	l, shift, w := 0, 0, 0
	for i := p - 1; ; i-- {
		b := lp[i]
		l |= int(b&127) << shift
		w++
		if b&128 == 0 {
			break
		}
		shift += 7
	}
	return p - w - l
}
