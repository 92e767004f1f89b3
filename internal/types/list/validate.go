package list

import (
	"encoding/binary"
	"errors"
)

// ErrCorrupt is returned for a listpack that is not well formed.
var ErrCorrupt = errors.New("list: corrupt listpack")

// validate checks every byte of lp, a listpack from outside (a RESTORE
// payload), and returns its number of entries. Redis checks as much with
// sanitize-dump-payload on; Shoal always does, since the rest of this
// package trusts its listpacks.
func validate(lp []byte) (int, error) {
	if len(lp) < emptySize || int(binary.LittleEndian.Uint32(lp)) != len(lp) || lp[len(lp)-1] != eofByte {
		return 0, ErrCorrupt
	}
	end := len(lp) - 1
	n := 0
	for p := hdrSize; p < end; n++ {
		l, ok := encodingLen(lp[p:end])
		if !ok {
			return 0, ErrCorrupt
		}
		w := backlenSize(l)
		if l+w > end-p || !backlenIs(lp[p+l:p+l+w], l) {
			return 0, ErrCorrupt
		}
		p += l + w
	}
	if c := int(binary.LittleEndian.Uint16(lp[4:])); c != countUnknown && c != n {
		return 0, ErrCorrupt
	}
	return n, nil
}

// encodingLen returns the size of the encoding and data of the entry at
// the start of b, false when it is no valid entry or runs past b.
func encodingLen(b []byte) (int, bool) {
	c := b[0]
	var l int
	switch {
	case c < 0x80:
		l = 1
	case c&0xc0 == enc6BitStr:
		l = 1 + int(c&0x3f)
	case c&0xe0 == enc13BitInt:
		l = 2
	case c&0xf0 == enc12BitStr:
		if len(b) < 2 {
			return 0, false
		}
		l = 2 + (int(c&0x0f)<<8 | int(b[1]))
	case c == enc32BitStr:
		if len(b) < 5 {
			return 0, false
		}
		l = 5 + int(binary.LittleEndian.Uint32(b[1:]))
	default:
		l = intSize(c)
		if l == 0 {
			return 0, false
		}
	}
	return l, l <= len(b)
}

// backlenIs reports whether b is exactly the back-length of an l-byte
// entry.
func backlenIs(b []byte, l int) bool {
	var want [5]byte
	putBacklen(want[:], l)
	return string(b) == string(want[:len(b)])
}
