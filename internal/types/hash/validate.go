package hash

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// ErrCorrupt is returned for a serialized hash that is not well formed.
var ErrCorrupt = errors.New("hash: corrupt listpack")

// lpValidate checks an untrusted listpack as Redis's deep integrity check
// does: the header's size and count agree with the entries, every entry
// lies inside the blob with a consistent backlen, and the blob ends with
// the end marker right after the last entry. It returns the entry count.
func lpValidate(lp []byte) (int, error) {
	if len(lp) < lpHeaderSize+1 || int(binary.LittleEndian.Uint32(lp)) != len(lp) || lp[len(lp)-1] != lpEOF {
		return 0, ErrCorrupt
	}
	end := len(lp) - 1
	n := 0
	for p := lpHeaderSize; p < end; n++ {
		size, ok := lpCheckedEntry(lp[:end], p)
		if !ok {
			return 0, ErrCorrupt
		}
		p += size
	}
	if c := lpCount(lp); c != lpCountUnknown && c != n {
		return 0, ErrCorrupt
	}
	return n, nil
}

// lpCheckedEntry returns the full size of the entry at p, checking that it
// fits in lp and that its backlen is the one Redis would write.
func lpCheckedEntry(lp []byte, p int) (int, bool) {
	hdr, data, ok := lpCheckedHeader(lp, p)
	if !ok {
		return 0, false
	}
	enc := hdr + data
	back := lpBacklenSize(enc)
	if enc < hdr || p+enc+back > len(lp) {
		return 0, false
	}
	var want [5]byte
	if !bytes.Equal(lp[p+enc:p+enc+back], lpAppendBacklen(want[:0], enc)) {
		return 0, false
	}
	return enc + back, true
}

// lpCheckedHeader returns the sizes of the entry's encoding header and of
// its data, reading the header only within lp.
func lpCheckedHeader(lp []byte, p int) (hdr, data int, ok bool) {
	c := lp[p]
	need := func(n int) bool { return p+n <= len(lp) }
	switch {
	case c&0x80 == lp7BitUint:
		return 1, 0, true
	case c&lp6BitStrMask == lp6BitStr:
		return 1, int(c & 0x3f), true
	case c&lp13BitIntMask == lp13BitInt:
		return 2, 0, need(2)
	case c&lp12BitStrMask == lp12BitStr:
		if !need(2) {
			return 0, 0, false
		}
		return 2, int(c&0x0f)<<8 | int(lp[p+1]), true
	case c == lp16BitInt:
		return 3, 0, need(3)
	case c == lp24BitInt:
		return 4, 0, need(4)
	case c == lp32BitInt:
		return 5, 0, need(5)
	case c == lp64BitInt:
		return 9, 0, need(9)
	case c == lp32BitStr:
		if !need(5) {
			return 0, 0, false
		}
		n := binary.LittleEndian.Uint32(lp[p+1:])
		if uint64(n) > uint64(len(lp)) {
			return 0, 0, false
		}
		return 5, int(n), true
	}
	return 0, 0, false // 0xF5..0xFF: no entry starts so
}
