package scripting

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// cmsgpackLib is lua-cmsgpack 0.4 as Redis bundles it: pack(...) encodes
// each argument to MessagePack and concatenates them; unpack(s) decodes
// every value in s; unpack_one(s [, offset]) and unpack_limit(s, limit
// [, offset]) decode some, first returning the offset to go on from (-1
// at the end). Numbers with an integer value encode as the smallest
// integer type, others as float32 when exact, else float64; a table is an
// array when its keys are exactly 1..n, else a map; tables nested deeper
// than 16 encode as nil.
func cmsgpackLib(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 8)
	t.RawSetString("pack", L.NewFunction(msgpackPack))
	t.RawSetString("unpack", L.NewFunction(func(L *lua.LState) int { return msgpackUnpack(L, 0, 0) }))
	t.RawSetString("unpack_one", L.NewFunction(func(L *lua.LState) int {
		offset := L.OptInt(2, 0)
		return msgpackUnpack(L, 1, offset)
	}))
	t.RawSetString("unpack_limit", L.NewFunction(func(L *lua.LState) int {
		limit := L.CheckInt(2)
		offset := L.OptInt(3, 0)
		return msgpackUnpack(L, limit, offset)
	}))
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	return t
}

const msgpackMaxNesting = 16

func msgpackPack(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		argError(L, 0, "pack", "MessagePack pack needs input.")
	}
	var out []byte
	for i := 1; i <= n; i++ {
		out = msgpackEncode(out, L.Get(i), 0)
	}
	L.Push(lua.LString(out))
	return 1
}

func msgpackEncode(out []byte, v lua.LValue, level int) []byte {
	switch v := v.(type) {
	case lua.LString:
		return msgpackString(out, string(v))
	case lua.LBool:
		if v {
			return append(out, 0xc3)
		}
		return append(out, 0xc2)
	case lua.LNumber:
		f := float64(v)
		if !math.IsInf(f, 0) && float64(int64(f)) == f {
			return msgpackInt(out, int64(f))
		}
		if float64(float32(f)) == f {
			return binary.BigEndian.AppendUint32(append(out, 0xca), math.Float32bits(float32(f)))
		}
		return binary.BigEndian.AppendUint64(append(out, 0xcb), math.Float64bits(f))
	case *lua.LTable:
		if level == msgpackMaxNesting {
			return append(out, 0xc0)
		}
		return msgpackTable(out, v, level)
	}
	return append(out, 0xc0)
}

func msgpackString(out []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		out = append(out, 0xa0|byte(n))
	case n <= 0xff:
		out = append(out, 0xd9, byte(n))
	case n <= 0xffff:
		out = binary.BigEndian.AppendUint16(append(out, 0xda), uint16(n))
	default:
		out = binary.BigEndian.AppendUint32(append(out, 0xdb), uint32(n))
	}
	return append(out, s...)
}

func msgpackInt(out []byte, n int64) []byte {
	be := binary.BigEndian
	switch {
	case n >= 0 && n <= 127:
		return append(out, byte(n))
	case n >= 0 && n <= 0xff:
		return append(out, 0xcc, byte(n))
	case n >= 0 && n <= 0xffff:
		return be.AppendUint16(append(out, 0xcd), uint16(n))
	case n >= 0 && n <= 0xffffffff:
		return be.AppendUint32(append(out, 0xce), uint32(n))
	case n >= 0:
		return be.AppendUint64(append(out, 0xcf), uint64(n))
	case n >= -32:
		return append(out, byte(int8(n)))
	case n >= -128:
		return append(out, 0xd0, byte(int8(n)))
	case n >= -32768:
		return be.AppendUint16(append(out, 0xd1), uint16(int16(n)))
	case n >= -2147483648:
		return be.AppendUint32(append(out, 0xd2), uint32(int32(n)))
	}
	return be.AppendUint64(append(out, 0xd3), uint64(n))
}

func msgpackTable(out []byte, t *lua.LTable, level int) []byte {
	count, maxKey, array := 0, 0.0, true
	t.ForEach(func(k, _ lua.LValue) {
		count++
		n, ok := k.(lua.LNumber)
		if !ok || n <= 0 || math.Floor(float64(n)) != float64(n) {
			array = false
			return
		}
		maxKey = max(maxKey, float64(n))
	})
	be := binary.BigEndian
	if array && int(maxKey) == count {
		switch {
		case count <= 15:
			out = append(out, 0x90|byte(count))
		case count <= 0xffff:
			out = be.AppendUint16(append(out, 0xdc), uint16(count))
		default:
			out = be.AppendUint32(append(out, 0xdd), uint32(count))
		}
		for i := 1; i <= count; i++ {
			out = msgpackEncode(out, t.RawGetInt(i), level+1)
		}
		return out
	}
	switch {
	case count <= 15:
		out = append(out, 0x80|byte(count))
	case count <= 0xffff:
		out = be.AppendUint16(append(out, 0xde), uint16(count))
	default:
		out = be.AppendUint32(append(out, 0xdf), uint32(count))
	}
	t.ForEach(func(k, v lua.LValue) {
		out = msgpackEncode(out, k, level+1)
		out = msgpackEncode(out, v, level+1)
	})
	return out
}

// msgpackUnpack decodes up to limit values (all when limit and offset are
// 0) from argument 1 starting at byte offset.
func msgpackUnpack(L *lua.LState, limit, offset int) int {
	s := L.CheckString(1)
	L.SetTop(1)
	switch {
	case offset < 0 || limit < 0:
		L.RaiseError("Invalid request to unpack with offset of %d and limit of %d.", offset, len(s))
	case offset > len(s):
		L.RaiseError("Start offset %d greater than input length %d.", offset, len(s))
	}
	all := limit == 0 && offset == 0
	if all {
		limit = math.MaxInt
	}
	d := msgpackDecoder{L: L, b: []byte(s[offset:])}
	n := 0
	for ; len(d.b) > 0 && n < limit; n++ {
		v := d.value()
		switch d.err {
		case errMissingBytes:
			L.RaiseError("Missing bytes in input.")
		case errBadFormat:
			L.RaiseError("Bad data format in input.")
		}
		L.Push(v)
	}
	if all {
		return n
	}
	next := len(s) - len(d.b)
	if len(d.b) == 0 {
		next = -1
	}
	L.Insert(lua.LNumber(next), 2)
	return n + 1
}

type msgpackError int

const (
	errMissingBytes msgpackError = iota + 1
	errBadFormat
)

type msgpackDecoder struct {
	L   *lua.LState
	b   []byte
	err msgpackError
}

// take returns the next n bytes, or nil (and the error set) if there are
// fewer.
func (d *msgpackDecoder) take(n int) []byte {
	if d.err != 0 || len(d.b) < n {
		d.err = max(d.err, errMissingBytes)
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *msgpackDecoder) uint(n int) uint64 {
	p := d.take(n)
	if p == nil {
		return 0
	}
	var v uint64
	for _, c := range p {
		v = v<<8 | uint64(c)
	}
	return v
}

func (d *msgpackDecoder) value() lua.LValue {
	p := d.take(1)
	if p == nil {
		return lua.LNil
	}
	switch c := p[0]; {
	case c <= 0x7f:
		return lua.LNumber(c)
	case c >= 0xe0:
		return lua.LNumber(int8(c))
	case c&0xe0 == 0xa0:
		return d.str(int(c & 0x1f))
	case c&0xf0 == 0x90:
		return d.array(int(c & 0x0f))
	case c&0xf0 == 0x80:
		return d.table(int(c & 0x0f))
	}
	return d.typed(p[0])
}

// typed decodes the values whose first byte names their type. The bin
// and ext types are bad data to lua-cmsgpack 0.4, as here.
func (d *msgpackDecoder) typed(c byte) lua.LValue {
	switch c {
	case 0xc0:
		return lua.LNil
	case 0xc2:
		return lua.LFalse
	case 0xc3:
		return lua.LTrue
	case 0xca:
		return lua.LNumber(math.Float32frombits(uint32(d.uint(4))))
	case 0xcb:
		return lua.LNumber(math.Float64frombits(d.uint(8)))
	case 0xcc, 0xcd, 0xce, 0xcf:
		return lua.LNumber(d.uint(1 << (c - 0xcc)))
	case 0xd0:
		return lua.LNumber(int8(d.uint(1)))
	case 0xd1:
		return lua.LNumber(int16(d.uint(2)))
	case 0xd2:
		return lua.LNumber(int32(d.uint(4)))
	case 0xd3:
		return lua.LNumber(int64(d.uint(8)))
	case 0xd9:
		return d.str(int(d.uint(1)))
	case 0xda:
		return d.str(int(d.uint(2)))
	case 0xdb:
		return d.str(int(d.uint(4)))
	case 0xdc:
		return d.array(int(d.uint(2)))
	case 0xdd:
		return d.array(int(d.uint(4)))
	case 0xde:
		return d.table(int(d.uint(2)))
	case 0xdf:
		return d.table(int(d.uint(4)))
	}
	d.err = errBadFormat
	return lua.LNil
}

func (d *msgpackDecoder) str(n int) lua.LValue {
	p := d.take(n)
	if p == nil {
		return lua.LNil
	}
	return lua.LString(p)
}

func (d *msgpackDecoder) array(n int) lua.LValue {
	t := d.L.CreateTable(min(n, 1024), 0)
	for i := 1; i <= n && d.err == 0; i++ {
		t.RawSetInt(i, d.value())
	}
	return t
}

func (d *msgpackDecoder) table(n int) lua.LValue {
	t := d.L.CreateTable(0, min(n, 1024))
	for i := 0; i < n && d.err == 0; i++ {
		k := d.value()
		v := d.value()
		if k != lua.LNil && d.err == 0 {
			t.RawSet(k, v)
		}
	}
	return t
}
