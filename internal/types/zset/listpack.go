package zset

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

// Redis 7.0 DUMPs a small sorted set as the listpack it keeps it in
// (RDB_TYPE_ZSET_LISTPACK): member, score, member, score ... in order,
// each entry encoded as an integer when the string is one, and scores
// that are integers (see asInt) stored as integers, others as "%.17g"
// strings. AppendListpack writes that blob byte for byte, and
// ParseListpack reads one back.
//
// A listpack is a 4-byte total length and 2-byte entry count (little
// endian), the entries, and a 0xFF terminator; each entry is its encoding
// and data followed by their length, written backwards ("backlen").

const (
	lpHeaderSize = 6
	lpEOF        = 0xFF
)

var errListpack = errors.New("zset: malformed listpack")

// AppendListpack appends the set encoded as Redis's listpack.
func (z *ZSet) AppendListpack(dst []byte) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, lpHeaderSize)...)
	z.Ascend(0, func(m []byte, s float64) bool {
		dst = lpAppendString(dst, m)
		if i, ok := asInt(s); ok {
			dst = lpAppendInt(dst, i)
		} else {
			var buf [32]byte
			dst = lpAppendString(dst, FormatScore(buf[:0], s))
		}
		return true
	})
	dst = append(dst, lpEOF)
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	binary.LittleEndian.PutUint16(dst[start+4:], uint16(min(2*z.Len(), math.MaxUint16)))
	return dst
}

// FormatScore appends a score as Redis's "%.17g" does, "inf" and "-inf"
// for the infinities.
func FormatScore(dst []byte, s float64) []byte {
	switch {
	case math.IsInf(s, 1):
		return append(dst, "inf"...)
	case math.IsInf(s, -1):
		return append(dst, "-inf"...)
	}
	return strconv.AppendFloat(dst, s, 'g', 17, 64)
}

// lpAppendString appends an entry for s: an integer entry when s is the
// canonical form of a 64-bit integer, as lpAppend decides.
func lpAppendString(dst, s []byte) []byte {
	if len(s) < 21 {
		if i, ok := parseCanonicalInt(s); ok {
			return lpAppendInt(dst, i)
		}
	}
	start := len(dst)
	switch n := len(s); {
	case n < 64:
		dst = append(dst, 0x80|byte(n))
	case n < 4096:
		dst = append(dst, 0xE0|byte(n>>8), byte(n))
	default:
		dst = binary.LittleEndian.AppendUint32(append(dst, 0xF0), uint32(n))
	}
	dst = append(dst, s...)
	return lpAppendBacklen(dst, len(dst)-start)
}

// lpAppendInt appends an integer entry in the smallest encoding.
func lpAppendInt(dst []byte, v int64) []byte {
	start := len(dst)
	switch {
	case v >= 0 && v <= 127:
		dst = append(dst, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint64(v) & (1<<13 - 1)
		dst = append(dst, 0xC0|byte(u>>8), byte(u))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		dst = binary.LittleEndian.AppendUint16(append(dst, 0xF1), uint16(v))
	case v >= -1<<23 && v < 1<<23:
		u := uint32(v)
		dst = append(dst, 0xF2, byte(u), byte(u>>8), byte(u>>16))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		dst = binary.LittleEndian.AppendUint32(append(dst, 0xF3), uint32(v))
	default:
		dst = binary.LittleEndian.AppendUint64(append(dst, 0xF4), uint64(v))
	}
	return lpAppendBacklen(dst, len(dst)-start)
}

// lpAppendBacklen appends an entry's length in 7-bit groups, most
// significant first, every byte but the first with its top bit set. The
// group count follows Redis's lpEncodeBacklen, thresholds included.
func lpAppendBacklen(dst []byte, l int) []byte {
	n := 5
	switch {
	case l <= 127:
		n = 1
	case l < 16383:
		n = 2
	case l < 2097151:
		n = 3
	case l < 268435455:
		n = 4
	}
	for i := n - 1; i >= 0; i-- {
		b := byte(l>>(7*i)) & 0x7f
		if i != n-1 {
			b |= 0x80
		}
		dst = append(dst, b)
	}
	return dst
}

// parseCanonicalInt reads s when it is an integer written as Redis writes
// them: an optional minus, no leading zeros, no plus sign.
func parseCanonicalInt(s []byte) (int64, bool) {
	if len(s) == 0 || (s[0] == '0' && len(s) > 1) || (s[0] == '-' && (len(s) == 1 || s[1] == '0')) {
		return 0, false
	}
	i, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil || s[0] == '+' {
		return 0, false
	}
	return i, true
}

// ParseListpack reads a sorted set's listpack: its members and scores. It
// checks the whole structure (lengths, encodings, backlens, terminator,
// count) and refuses an empty set, an odd number of entries, a score that
// is not a number and a member given twice.
func ParseListpack(b []byte) ([]Item, error) {
	if len(b) < lpHeaderSize+1 || binary.LittleEndian.Uint32(b) != uint32(len(b)) || b[len(b)-1] != lpEOF {
		return nil, errListpack
	}
	count := int(binary.LittleEndian.Uint16(b[4:]))
	var entries [][]byte
	for p := lpHeaderSize; p < len(b)-1; {
		e, next, err := lpEntry(b, p)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
		p = next
	}
	if (count != math.MaxUint16 && count != len(entries)) || len(entries) == 0 || len(entries)%2 != 0 {
		return nil, errListpack
	}
	return listpackItems(entries)
}

func listpackItems(entries [][]byte) ([]Item, error) {
	items := make([]Item, 0, len(entries)/2)
	seen := make(map[string]struct{}, len(entries)/2)
	for i := 0; i < len(entries); i += 2 {
		m := string(entries[i])
		if _, dup := seen[m]; dup {
			return nil, errListpack
		}
		seen[m] = struct{}{}
		// Redis reads listpack scores with a bare strtod: whatever
		// number starts the string.
		s, _, _ := strtod(entries[i+1])
		if s != s {
			return nil, errListpack
		}
		items = append(items, Item{Member: m, Score: s})
	}
	return items, nil
}

// lpEntry decodes the entry at p as a string (integers in decimal) and
// returns where the next begins.
func lpEntry(b []byte, p int) (val []byte, next int, err error) {
	c := b[p]
	var head, n int // bytes of encoding, of data
	var isInt bool
	switch {
	case c < 0x80:
		return lpEntryEnd(b, p, 1, strconv.AppendInt(nil, int64(c), 10))
	case c&0xC0 == 0x80:
		head, n = 1, int(c&0x3f)
	case c&0xE0 == 0xC0:
		head, n, isInt = 1, 1, true
	case c&0xF0 == 0xE0:
		if p+1 >= len(b) {
			return nil, 0, errListpack
		}
		head, n = 2, int(c&0x0f)<<8|int(b[p+1])
	case c == 0xF0:
		if p+5 > len(b) {
			return nil, 0, errListpack
		}
		head, n = 5, int(binary.LittleEndian.Uint32(b[p+1:]))
	case c >= 0xF1 && c <= 0xF4:
		head, n, isInt = 1, []int{2, 3, 4, 8}[c-0xF1], true
	default:
		return nil, 0, errListpack
	}
	if n < 0 || p+head+n > len(b)-1 {
		return nil, 0, errListpack
	}
	data := b[p+head : p+head+n]
	if !isInt {
		return lpEntryEnd(b, p, head+n, data)
	}
	return lpEntryEnd(b, p, head+n, strconv.AppendInt(nil, lpInt(c, data), 10))
}

// lpInt decodes an integer entry's value from its encoding byte and data.
func lpInt(c byte, data []byte) int64 {
	switch c {
	case 0xF1:
		return int64(int16(binary.LittleEndian.Uint16(data)))
	case 0xF2:
		u := uint32(data[0]) | uint32(data[1])<<8 | uint32(data[2])<<16
		return int64(int32(u<<8) >> 8)
	case 0xF3:
		return int64(int32(binary.LittleEndian.Uint32(data)))
	case 0xF4:
		return int64(binary.LittleEndian.Uint64(data))
	}
	u := int64(c&0x1f)<<8 | int64(data[0]) // 13-bit
	if u >= 1<<12 {
		u -= 1 << 13
	}
	return u
}

// lpEntryEnd checks the backlen after an entry of l bytes at p.
func lpEntryEnd(b []byte, p, l int, val []byte) ([]byte, int, error) {
	want := lpAppendBacklen(nil, l)
	end := p + l + len(want)
	if end > len(b)-1 || string(b[p+l:end]) != string(want) {
		return nil, 0, errListpack
	}
	return val, end, nil
}
