package command

import (
	"math/bits"

	"github.com/shoal-cache/shoal/internal/engine"
)

// Bitmap commands: strings seen as arrays of bits, bit 0 being the most
// significant bit of the first byte. SETBIT, GETBIT, BITCOUNT, BITPOS and
// BITOP are here; BITFIELD is in string_bitfield.go.

const errBitOffset = "ERR bit offset is not an integer or out of range"

// parseBitOffset reads a bit offset as Redis's getBitOffsetFromArgument
// does. With hashBits > 0 (BITFIELD) "#N" means N times the field width.
// The offset must address a byte below proto-max-bulk-len.
func parseBitOffset(c *Ctx, arg []byte, hashBits int) (uint64, bool) {
	mul := int64(1)
	if hashBits > 0 && len(arg) > 0 && arg[0] == '#' {
		arg, mul = arg[1:], int64(hashBits)
	}
	n, ok := parseInt(arg)
	n *= mul // wraps negative on overflow, as in C, and is refused below
	if !ok || n < 0 || n>>3 >= c.Node.Config.Int("proto-max-bulk-len") {
		c.Error(errBitOffset)
		return 0, false
	}
	return uint64(n), true
}

// bitString returns the string at key for a command that writes bits up
// to maxBit, created or zero-padded so that the bit exists, and whether it
// had to be (a change already recorded). The value is then "raw". It
// replies WRONGTYPE and reports false for another type.
func bitString(c *Ctx, v engine.View, key []byte, maxBit uint64) (e *engine.Entry, grown, ok bool) {
	e, ok = writeString(c, v, key)
	if !ok {
		return nil, false, false
	}
	n := int(maxBit>>3) + 1
	switch {
	case e == nil:
		e = &engine.Entry{Kind: engine.KindString, Str: make([]byte, n)}
		v.Put(key, e, 0)
		grown = true
	case len(e.Str) < n:
		e.Str = growZero(e.Str, n)
		v.Modified(key, e)
		grown = true
	}
	e.MarkRaw()
	return e, grown, true
}

func setbit(c *Ctx) {
	const errBit = "ERR bit is not an integer or out of range"
	offset, ok := parseBitOffset(c, c.Args[2], 0)
	if !ok {
		return
	}
	on, ok := parseInt(c.Args[3])
	if !ok || on&^1 != 0 {
		c.Error(errBit)
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, grown, ok := bitString(c, v, key, offset)
	if !ok {
		return
	}
	byteIdx, mask := offset>>3, byte(1)<<(7-offset&7)
	old := e.Str[byteIdx]&mask != 0
	if on == 1 {
		e.Str[byteIdx] |= mask
	} else {
		e.Str[byteIdx] &^= mask
	}
	if !grown && old != (on == 1) {
		v.Modified(key, e)
	}
	if grown || old != (on == 1) {
		c.notify(notifyString, "setbit", key)
	}
	if old {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

func getbit(c *Ctx) {
	offset, ok := parseBitOffset(c, c.Args[2], 0)
	if !ok {
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := readString(c, v, key)
	if !ok {
		return
	}
	bit := int64(0)
	if e != nil && offset>>3 < uint64(len(e.Str)) && e.Str[offset>>3]&(1<<(7-offset&7)) != 0 {
		bit = 1
	}
	c.W.Int(bit)
}

// bitRange is a resolved BITCOUNT/BITPOS range: whole bytes from..to and,
// in BIT mode, the bits of the first and last byte outside the range.
type bitRange struct {
	from, to            int64
	firstMask, lastMask byte // bits to ignore in s[from] and s[to]
}

// resolveBitRange turns start and end (bytes, or bits when isBit) into a
// byte range of a string of n bytes, as Redis does: negative offsets count
// from the end, both are clamped. It reports false for an empty range.
func resolveBitRange(start, end, n int64, isBit bool) (bitRange, bool) {
	total := n
	if isBit {
		total <<= 3
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	end = min(end, total-1)
	if start > end {
		return bitRange{}, false
	}
	if !isBit {
		return bitRange{from: start, to: end}, true
	}
	return bitRange{
		from:      start >> 3,
		to:        end >> 3,
		firstMask: ^byte(0xff >> (start & 7)),
		lastMask:  byte(0xff) >> (end&7 + 1),
	}, true
}

// parseBitUnit reads BYTE or BIT.
func parseBitUnit(c *Ctx, arg []byte) (isBit, ok bool) {
	switch {
	case is(arg, "bit"):
		return true, true
	case is(arg, "byte"):
		return false, true
	}
	c.Error(errSyntax)
	return false, false
}

// bitcount counts set bits. As in Redis 7.0 the key is looked up before
// the range is parsed: a missing key is 0 whatever the arguments.
func bitcount(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := readString(c, v, key)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(0)
		return
	}
	s := e.Str
	r := bitRange{from: 0, to: int64(len(s)) - 1}
	switch len(c.Args) {
	case 2:
		if len(s) == 0 {
			c.W.Int(0)
			return
		}
	case 4, 5:
		start, ok1 := parseInt(c.Args[2])
		end, ok2 := parseInt(c.Args[3])
		if !ok1 || !ok2 {
			c.Error(errNotInteger)
			return
		}
		if start < 0 && end < 0 && start > end {
			c.W.Int(0)
			return
		}
		isBit := false
		if len(c.Args) == 5 {
			if isBit, ok = parseBitUnit(c, c.Args[4]); !ok {
				return
			}
		}
		if r, ok = resolveBitRange(start, end, int64(len(s)), isBit); !ok {
			c.W.Int(0)
			return
		}
	default:
		c.Error(errSyntax)
		return
	}
	n := popcount(s[r.from : r.to+1])
	n -= int64(bits.OnesCount8(s[r.from]&r.firstMask) + bits.OnesCount8(s[r.to]&r.lastMask))
	c.W.Int(n)
}

func popcount(b []byte) int64 {
	n := 0
	for len(b) >= 8 {
		n += bits.OnesCount64(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56)
		b = b[8:]
	}
	for _, x := range b {
		n += bits.OnesCount8(x)
	}
	return int64(n)
}

// bitpos finds the first bit set to 0 or 1. A missing key is an endless
// run of zeros. Looking for a 0 without an explicit end, the bit past the
// string counts as a 0 (the string is seen as zero-padded); with an end
// given, not finding one is -1.
func bitpos(c *Ctx) {
	bit, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	if bit != 0 && bit != 1 {
		c.Error("ERR The bit argument must be 1 or 0.")
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := readString(c, v, key)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(-bit)
		return
	}
	s := e.Str
	start, end, isBit, endGiven, ok := parseBitposRange(c, int64(len(s)))
	if !ok {
		return
	}
	r, ok := resolveBitRange(start, end, int64(len(s)), isBit)
	if !ok {
		c.W.Int(-1)
		return
	}
	pos := findBit(s, r, bit == 1)
	if pos < 0 && bit == 0 && !endGiven {
		pos = (r.to + 1) << 3
	}
	c.W.Int(pos)
}

// parseBitposRange parses BITPOS's optional start, end and unit; without
// them the range is the whole string.
func parseBitposRange(c *Ctx, n int64) (start, end int64, isBit, endGiven, ok bool) {
	args := c.Args[3:]
	if len(args) > 3 {
		c.Error(errSyntax)
		return
	}
	end = n - 1
	if len(args) == 0 {
		return 0, end, false, false, true
	}
	if start, ok = parseInt(args[0]); !ok {
		c.Error(errNotInteger)
		return
	}
	if len(args) == 3 {
		if isBit, ok = parseBitUnit(c, args[2]); !ok {
			return
		}
	}
	if len(args) >= 2 {
		if end, ok = parseInt(args[1]); !ok {
			c.Error(errNotInteger)
			return
		}
		endGiven = true
	} else if isBit {
		end = n<<3 + 7
	}
	return start, end, isBit, endGiven, true
}

// findBit returns the position of the first bit equal to one in r, -1 if
// there is none. Bits outside r's masks are treated as not matching.
func findBit(s []byte, r bitRange, one bool) int64 {
	for i := r.from; i <= r.to; i++ {
		b := s[i]
		if !one {
			b = ^b
		}
		if i == r.from {
			b &^= r.firstMask
		}
		if i == r.to {
			b &^= r.lastMask
		}
		if b != 0 {
			return i<<3 + int64(bits.LeadingZeros8(b))
		}
	}
	return -1
}

// bitop stores AND, OR or XOR of the sources, or NOT of one, at the
// destination; missing sources and short strings count as zero bytes. An
// all-empty result deletes the destination.
func bitop(c *Ctx) {
	op := c.Args[1]
	if !is(op, "and") && !is(op, "or") && !is(op, "xor") && !is(op, "not") {
		c.Error(errSyntax)
		return
	}
	if is(op, "not") && len(c.Args) != 4 {
		c.Error("ERR BITOP NOT must be called with a single source key.")
		return
	}
	dest, srcKeys := c.Args[2], c.Args[3:]
	v := c.Txn.LockKeys(c.DB(), c.Args[2:])
	defer c.Txn.Unlock()
	srcs := make([][]byte, len(srcKeys))
	maxLen := 0
	for i, k := range srcKeys {
		e, ok := readString(c, v, k)
		if !ok {
			return
		}
		if e != nil {
			srcs[i] = e.Str
			maxLen = max(maxLen, len(e.Str))
		}
	}
	if maxLen == 0 {
		if v.Delete(dest) {
			c.notifyDel(dest)
		}
		c.W.Int(0)
		return
	}
	res := bitopResult(op[0]|0x20, srcs, maxLen)
	v.Put(dest, &engine.Entry{Kind: engine.KindString, Str: res, Raw: true}, 0)
	c.notify(notifyString, "set", dest)
	c.W.Int(int64(maxLen))
}

// bitopResult computes the operation named by its first letter.
func bitopResult(op byte, srcs [][]byte, n int) []byte {
	res := make([]byte, n)
	if op == 'n' {
		copy(res, srcs[0])
		for i := range res {
			res[i] = ^res[i]
		}
		return res
	}
	copy(res, srcs[0])
	for _, s := range srcs[1:] {
		for i := range res {
			var b byte
			if i < len(s) {
				b = s[i]
			}
			switch op {
			case 'a':
				res[i] &= b
			case 'o':
				res[i] |= b
			case 'x':
				res[i] ^= b
			}
		}
	}
	return res
}

func bitCommands() []*Spec {
	return []*Spec{
		{Name: "setbit", Arity: 4, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Group: "bitmap", Summary: "Sets or clears the bit at offset in the string value stored at key", Since: "2.2.0", Handler: setbit},
		{Name: "getbit", Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "bitmap", Summary: "Returns the bit value at offset in the string value stored at key", Since: "2.2.0", Handler: getbit},
		{Name: "bitcount", Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Group: "bitmap", Summary: "Count set bits in a string", Since: "2.6.0", Handler: bitcount},
		{Name: "bitpos", Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Group: "bitmap", Summary: "Find first bit set or clear in a string", Since: "2.8.7", Handler: bitpos},
		{Name: "bitop", Arity: -4, Flags: Write | DenyOOM, FirstKey: 2, LastKey: -1, Step: 1, Group: "bitmap", Summary: "Perform bitwise operations between strings", Since: "2.6.0", Handler: bitop},
		{Name: "bitfield", Arity: -2, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Group: "bitmap", Summary: "Perform arbitrary bitfield integer operations on strings", Since: "3.2.0", Handler: bitfield},
		{Name: "bitfield_ro", Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "bitmap", Summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", Since: "6.0.0", Handler: bitfieldRO},
	}
}
