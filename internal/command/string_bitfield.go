package command

import (
	"math"

	"github.com/shoal-cache/shoal/internal/engine"
)

// BITFIELD treats a string as an array of signed or unsigned integers of
// any width up to 64 bits (unsigned up to 63), at any bit offset.

type bitfieldOpcode uint8

const (
	bfGet bitfieldOpcode = iota
	bfSet
	bfIncrBy
)

type bitfieldOverflow uint8

const (
	bfWrap bitfieldOverflow = iota
	bfSat
	bfFail
)

// bitfieldOp is one parsed GET, SET or INCRBY, with the OVERFLOW mode in
// force where it appeared.
type bitfieldOp struct {
	opcode   bitfieldOpcode
	overflow bitfieldOverflow
	signed   bool
	bits     uint64
	offset   uint64
	value    int64 // SET's value or INCRBY's increment
}

const errBitfieldType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."

func bitfield(c *Ctx) { bitfieldGeneric(c, false) }

func bitfieldRO(c *Ctx) { bitfieldGeneric(c, true) }

// bitfieldGeneric parses every operation first, so that a bad one changes
// nothing, then runs them in order on one locked key.
func bitfieldGeneric(c *Ctx, readOnly bool) {
	ops, ok := parseBitfieldOps(c, c.Args[2:])
	if !ok {
		return
	}
	writes, maxBit := false, uint64(0)
	for _, op := range ops {
		if op.opcode != bfGet {
			writes = true
			maxBit = max(maxBit, op.offset+op.bits-1)
		}
	}
	if writes && readOnly {
		c.Error("ERR BITFIELD_RO only supports the GET subcommand")
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	var e *engine.Entry
	grown := false
	if writes {
		e, grown, ok = bitString(c, v, key, maxBit)
	} else {
		e, ok = readString(c, v, key)
	}
	if !ok {
		return
	}
	c.W.Array(len(ops))
	// As in Redis, a write that leaves the bits as they were (and a
	// string that did not grow) is no change: no event, no WATCH
	// invalidation, nothing propagated.
	changed := grown
	for _, op := range ops {
		if op.opcode == bfGet {
			c.W.Int(bitfieldGet(e, op))
			continue
		}
		before := getBits(e.Str, op.offset, op.bits)
		if n, ok := bitfieldWrite(e.Str, op); ok {
			changed = changed || getBits(e.Str, op.offset, op.bits) != before
			c.W.Int(n)
		} else {
			c.W.Null()
		}
	}
	if !grown && changed {
		v.Modified(key, e)
	}
	if changed {
		c.notify(notifyString, "setbit", key)
	}
}

// parseBitfieldOps parses the subcommands, with Redis's errors.
func parseBitfieldOps(c *Ctx, args [][]byte) ([]bitfieldOp, bool) {
	var ops []bitfieldOp
	overflow := bfWrap
	for i := 0; i < len(args); i++ {
		rest := len(args) - i - 1
		var op bitfieldOp
		switch sub := args[i]; {
		case is(sub, "get") && rest >= 2:
			op.opcode = bfGet
		case is(sub, "set") && rest >= 3:
			op.opcode = bfSet
		case is(sub, "incrby") && rest >= 3:
			op.opcode = bfIncrBy
		case is(sub, "overflow") && rest >= 1:
			i++
			switch mode := args[i]; {
			case is(mode, "wrap"):
				overflow = bfWrap
			case is(mode, "sat"):
				overflow = bfSat
			case is(mode, "fail"):
				overflow = bfFail
			default:
				c.Error("ERR Invalid OVERFLOW type specified")
				return nil, false
			}
			continue
		default:
			c.Error(errSyntax)
			return nil, false
		}
		op.overflow = overflow
		var ok bool
		if op.signed, op.bits, ok = parseBitfieldType(args[i+1]); !ok {
			c.Error(errBitfieldType)
			return nil, false
		}
		if op.offset, ok = parseBitOffset(c, args[i+2], int(op.bits)); !ok {
			return nil, false
		}
		i += 2
		if op.opcode != bfGet {
			if op.value, ok = parseInt(args[i+1]); !ok {
				c.Error(errNotInteger)
				return nil, false
			}
			i++
		}
		ops = append(ops, op)
	}
	return ops, true
}

// parseBitfieldType reads i1..i64 or u1..u63 (lower case only, as Redis).
func parseBitfieldType(arg []byte) (signed bool, bits uint64, ok bool) {
	if len(arg) == 0 || (arg[0] != 'i' && arg[0] != 'u') {
		return false, 0, false
	}
	signed = arg[0] == 'i'
	width := arg[1:]
	for j, ch := range width {
		if ch == 0 { // C reads the width only up to a NUL byte
			width = width[:j]
			break
		}
	}
	n, ok := parseInt(width)
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, false
	}
	return signed, uint64(n), true
}

// bitfieldGet reads a field; bits past the end of the string (or of a
// missing key) are zeros.
func bitfieldGet(e *engine.Entry, op bitfieldOp) int64 {
	var s []byte
	if e != nil {
		s = e.Str
	}
	u := getBits(s, op.offset, op.bits)
	if op.signed {
		return signExtend(u, op.bits)
	}
	return int64(u)
}

// bitfieldWrite runs a SET or INCRBY on s, which is long enough. It
// returns SET's old value or INCRBY's new one, or false when the overflow
// mode is FAIL and the value did not fit (s is then left alone).
func bitfieldWrite(s []byte, op bitfieldOp) (int64, bool) {
	old := getBits(s, op.offset, op.bits)
	var val uint64
	var overflow bool
	if op.signed {
		oldVal := signExtend(old, op.bits)
		var n int64
		if op.opcode == bfIncrBy {
			n, overflow = signedFieldAdd(oldVal, op.value, op.bits, op.overflow)
		} else {
			n, overflow = signedFieldAdd(op.value, 0, op.bits, op.overflow)
		}
		val = uint64(n)
	} else {
		if op.opcode == bfIncrBy {
			val, overflow = unsignedFieldAdd(old, op.value, op.bits, op.overflow)
		} else {
			val, overflow = unsignedFieldAdd(uint64(op.value), 0, op.bits, op.overflow)
		}
	}
	if overflow && op.overflow == bfFail {
		return 0, false
	}
	setBits(s, op.offset, op.bits, val)
	switch {
	case op.opcode == bfIncrBy && op.signed:
		return signExtend(val&fieldMask(op.bits), op.bits), true
	case op.opcode == bfIncrBy:
		return int64(val), true
	case op.signed:
		return signExtend(old, op.bits), true
	}
	return int64(old), true
}

func fieldMask(bits uint64) uint64 {
	if bits == 64 {
		return math.MaxUint64
	}
	return 1<<bits - 1
}

// signedFieldAdd returns value+incr for a signed field of the given
// width, and whether it overflowed, with the result wrapped or saturated
// as the mode says (Redis's checkSignedBitfieldOverflow).
func signedFieldAdd(value, incr int64, bits uint64, mode bitfieldOverflow) (int64, bool) {
	maxV := int64(math.MaxInt64)
	if bits < 64 {
		maxV = 1<<(bits-1) - 1
	}
	minV := -maxV - 1
	maxIncr := int64(uint64(maxV) - uint64(value)) // may wrap; used only when value is in range
	minIncr := minV - value
	var limit int64
	switch {
	case value > maxV || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr):
		limit = maxV
	case value < minV || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr):
		limit = minV
	default:
		return value + incr, false
	}
	if mode != bfWrap {
		return limit, true
	}
	sum := uint64(value) + uint64(incr)
	if bits < 64 {
		if sum&(1<<(bits-1)) != 0 {
			sum |= ^fieldMask(bits)
		} else {
			sum &= fieldMask(bits)
		}
	}
	return int64(sum), true
}

// unsignedFieldAdd is signedFieldAdd for unsigned fields
// (checkUnsignedBitfieldOverflow).
func unsignedFieldAdd(value uint64, incr int64, bits uint64, mode bitfieldOverflow) (uint64, bool) {
	maxV := fieldMask(bits)
	maxIncr := int64(maxV - value)
	minIncr := -int64(value)
	var limit uint64
	switch {
	case value > maxV || (incr > 0 && incr > maxIncr):
		limit = maxV
	case incr < 0 && incr < minIncr:
		limit = 0
	default:
		return value + uint64(incr), false
	}
	if mode != bfWrap {
		return limit, true
	}
	return (value + uint64(incr)) & maxV, true
}

// getBits reads bits bits at bit offset off, most significant first;
// bits past the end of s read as zero.
func getBits(s []byte, off, bits uint64) uint64 {
	var v uint64
	for range bits {
		var b uint64
		if i := off >> 3; i < uint64(len(s)) {
			b = uint64(s[i]>>(7-off&7)) & 1
		}
		v = v<<1 | b
		off++
	}
	return v
}

// setBits writes the low bits bits of v at bit offset off.
func setBits(s []byte, off, bits, v uint64) {
	for j := range bits {
		mask := byte(1) << (7 - off&7)
		if v&(1<<(bits-1-j)) != 0 {
			s[off>>3] |= mask
		} else {
			s[off>>3] &^= mask
		}
		off++
	}
}

// signExtend reads the low bits bits of u as a two's complement number.
func signExtend(u, bits uint64) int64 {
	if bits < 64 && u&(1<<(bits-1)) != 0 {
		u |= ^fieldMask(bits)
	}
	return int64(u)
}
