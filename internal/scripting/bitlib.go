package scripting

import (
	"math"
	"math/bits"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// bitLib is LuaBitOp 1.0, the bit library Redis bundles: 32-bit
// operations on numbers, with results as signed 32-bit integers.
func bitLib(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 12)
	fold := func(name string, op func(a, b int32) int32) {
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			acc := bitArg(L, 1, name)
			for i := 2; i <= L.GetTop(); i++ {
				acc = op(acc, bitArg(L, i, name))
			}
			L.Push(lua.LNumber(acc))
			return 1
		}))
	}
	fold("band", func(a, b int32) int32 { return a & b })
	fold("bor", func(a, b int32) int32 { return a | b })
	fold("bxor", func(a, b int32) int32 { return a ^ b })
	shift := func(name string, op func(x uint32, n uint) uint32) {
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			x := uint32(bitArg(L, 1, name))
			n := uint(bitArg(L, 2, name)) & 31
			L.Push(lua.LNumber(int32(op(x, n))))
			return 1
		}))
	}
	shift("lshift", func(x uint32, n uint) uint32 { return x << n })
	shift("rshift", func(x uint32, n uint) uint32 { return x >> n })
	shift("arshift", func(x uint32, n uint) uint32 { return uint32(int32(x) >> n) })
	shift("rol", func(x uint32, n uint) uint32 { return bits.RotateLeft32(x, int(n)) })
	shift("ror", func(x uint32, n uint) uint32 { return bits.RotateLeft32(x, -int(n)) })
	unary := func(name string, op func(x int32) int32) {
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LNumber(op(bitArg(L, 1, name))))
			return 1
		}))
	}
	unary("tobit", func(x int32) int32 { return x })
	unary("bnot", func(x int32) int32 { return ^x })
	unary("bswap", func(x int32) int32 { return int32(bits.ReverseBytes32(uint32(x))) })
	t.RawSetString("tohex", L.NewFunction(bitToHex))
	return t
}

// bitArg reads argument n as LuaBitOp does: the number (or numeric
// string) rounded to an integer and taken modulo 2^32, by adding 2^52 +
// 2^51 and keeping the low word of the double.
func bitArg(L *lua.LState, n int, fn string) int32 {
	v := L.Get(n)
	f, ok := toNumber(v)
	if !ok {
		argError(L, n, fn, typeExpected("number", L, n))
	}
	return int32(uint32(math.Float64bits(f + 6755399441055744.0)))
}

// bitToHex is bit.tohex(x [, n]): the low n hex digits (default 8),
// upper case when n is negative.
func bitToHex(L *lua.LState) int {
	x := uint32(bitArg(L, 1, "tohex"))
	n := int32(8)
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		n = bitArg(L, 2, "tohex")
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n, digits = -n, "0123456789ABCDEF"
	}
	if n > 8 {
		n = 8
	}
	var b strings.Builder
	for i := n - 1; i >= 0; i-- {
		b.WriteByte(digits[(x>>(4*uint(i)))&15])
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// argError raises Lua 5.1's "bad argument #n to 'fn' (msg)".
func argError(L *lua.LState, n int, fn, msg string) {
	L.RaiseError("bad argument #%d to '%s' (%s)", n, fn, msg)
}

// typeExpected is the message of a wrong argument type: "number
// expected, got no value".
func typeExpected(want string, L *lua.LState, n int) string {
	got := "no value"
	if n <= L.GetTop() {
		got = L.Get(n).Type().String()
	}
	return want + " expected, got " + got
}
