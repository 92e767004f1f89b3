package scripting

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// structLib is Roberto Ierusalimschy's struct library as Redis bundles
// it: struct.pack, struct.unpack and struct.size over a format of
// options — '<' '>' byte order (little endian by default, as on x86),
// '!n' alignment, 'x' padding, 'b' 'B' 'h' 'H' 'l' 'L' 'T' 'in' 'In'
// integers of 1, 2, 8, 8 and n (default 4) bytes, lower case signed,
// 'f' 'd' floats, 'cn' n chars (c0: all, or the length unpacked just
// before), 's' a zero-terminated string.
func structLib(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 3)
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	return t
}

const (
	structMaxIntSize = 32
	structMaxAlign   = 8
)

// structFormat walks a format string.
type structFormat struct {
	L      *lua.LState
	fn     string
	fmt    string
	pos    int
	little bool
	align  int
}

func newStructFormat(L *lua.LState, fn string) *structFormat {
	return &structFormat{L: L, fn: fn, fmt: L.CheckString(1), little: true, align: 1}
}

func (f *structFormat) more() bool { return f.pos < len(f.fmt) }

func (f *structFormat) next() byte {
	c := f.fmt[f.pos]
	f.pos++
	return c
}

// number reads the digits after an option, or returns def.
func (f *structFormat) number(def int) int {
	if !f.more() || f.fmt[f.pos] < '0' || f.fmt[f.pos] > '9' {
		return def
	}
	n := 0
	for f.more() && f.fmt[f.pos] >= '0' && f.fmt[f.pos] <= '9' {
		if n > (math.MaxInt32-int(f.fmt[f.pos]-'0'))/10 {
			f.L.RaiseError("integral size overflow")
		}
		n = n*10 + int(f.next()-'0')
	}
	return n
}

// size is the size of option opt, reading its digits.
func (f *structFormat) size(opt byte) int {
	switch opt {
	case 'b', 'B', 'x':
		return 1
	case 'h', 'H':
		return 2
	case 'l', 'L', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'c':
		return f.number(1)
	case 'i', 'I':
		n := f.number(4)
		if n > structMaxIntSize {
			f.L.RaiseError("integral size %d is larger than limit of %d", n, structMaxIntSize)
		}
		return n
	}
	return 0
}

// padding is the bytes needed to align an item of size at offset.
func (f *structFormat) padding(offset int, opt byte, size int) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	a := min(size, f.align)
	return (a - offset&(a-1)) & (a - 1)
}

// control applies an option that is not an item: byte order, alignment,
// space; anything else is an invalid option.
func (f *structFormat) control(opt byte) {
	switch opt {
	case ' ':
	case '>':
		f.little = false
	case '<':
		f.little = true
	case '!':
		a := f.number(structMaxAlign)
		if a&(a-1) != 0 || a == 0 {
			f.L.RaiseError("alignment %d is not a power of 2", a)
		}
		f.align = a
	default:
		argError(f.L, 1, f.fn, "invalid format option '"+string(opt)+"'")
	}
}

func isStructInt(opt byte) bool { return strings.IndexByte("bBhHlLTiI", opt) >= 0 }

func structPack(L *lua.LState) int {
	f := newStructFormat(L, "pack")
	var out []byte
	arg := 2
	for f.more() {
		opt := f.next()
		size := f.size(opt)
		for range f.padding(len(out), opt, size) {
			out = append(out, 0)
		}
		switch {
		case isStructInt(opt):
			out = appendStructInt(out, float64(L.CheckNumber(arg)), size, f.little)
			arg++
		case opt == 'x':
			out = append(out, 0)
		case opt == 'f':
			out = appendOrdered(out, uint64(math.Float32bits(float32(L.CheckNumber(arg)))), 4, f.little)
			arg++
		case opt == 'd':
			out = appendOrdered(out, math.Float64bits(float64(L.CheckNumber(arg))), 8, f.little)
			arg++
		case opt == 'c' || opt == 's':
			s := L.CheckString(arg)
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				argError(L, arg, "pack", "string too short")
			}
			out = append(out, s[:size]...)
			if opt == 's' {
				out = append(out, 0)
			}
		default:
			f.control(opt)
		}
	}
	L.Push(lua.LString(out))
	return 1
}

// appendStructInt writes n as a size-byte integer, negative numbers in
// two's complement.
func appendStructInt(out []byte, n float64, size int, little bool) []byte {
	var v uint64
	if n < 0 {
		v = uint64(int64(n))
	} else {
		v = uint64(n)
	}
	return appendOrdered(out, v, size, little)
}

// appendOrdered writes the low size bytes of v in the byte order asked
// (bytes past the eighth are zero).
func appendOrdered(out []byte, v uint64, size int, little bool) []byte {
	b := make([]byte, size)
	for i := range size {
		idx := i
		if !little {
			idx = size - 1 - i
		}
		if i < 8 {
			b[idx] = byte(v >> (8 * i))
		}
	}
	return append(out, b...)
}

func readOrdered(b []byte, little bool) uint64 {
	var v uint64
	for i := range b {
		c := b[i]
		if little {
			c = b[len(b)-1-i]
		}
		v = v<<8 | uint64(c)
	}
	return v
}

func structUnpack(L *lua.LState) int {
	f := newStructFormat(L, "unpack")
	data := L.CheckString(2)
	pos := L.OptInt(3, 1)
	if pos <= 0 {
		argError(L, 3, "unpack", "offset must be 1 or greater")
	}
	pos--
	n := 0
	short := func(size int) {
		if size < 0 || size > len(data) || pos > len(data)-size { // a negative c0 length is huge to C
			argError(L, 2, "unpack", "data string too short")
		}
	}
	for f.more() {
		opt := f.next()
		size := f.size(opt)
		pos += f.padding(pos, opt, size)
		short(size)
		switch {
		case isStructInt(opt):
			v := readOrdered([]byte(data[pos:pos+size]), f.little)
			if opt >= 'a' && opt <= 'z' && size > 0 && size < 8 && v&(1<<(8*size-1)) != 0 {
				v |= ^uint64(0) << (8 * size)
			}
			if opt >= 'a' && opt <= 'z' {
				L.Push(lua.LNumber(int64(v)))
			} else {
				L.Push(lua.LNumber(v))
			}
			n++
		case opt == 'x':
		case opt == 'f':
			L.Push(lua.LNumber(math.Float32frombits(uint32(readOrdered([]byte(data[pos:pos+4]), f.little)))))
			n++
		case opt == 'd':
			L.Push(lua.LNumber(math.Float64frombits(readOrdered([]byte(data[pos:pos+8]), f.little))))
			n++
		case opt == 'c':
			if size == 0 {
				prev, ok := L.Get(-1).(lua.LNumber)
				if n == 0 || !ok {
					L.RaiseError("format 'c0' needs a previous size")
				}
				size = int(prev)
				L.Pop(1)
				n--
				short(size)
			}
			L.Push(lua.LString(data[pos : pos+size]))
			n++
		case opt == 's':
			end := strings.IndexByte(data[pos:], 0)
			if end < 0 {
				L.RaiseError("unfinished string in data")
			}
			size = end + 1
			L.Push(lua.LString(data[pos : pos+end]))
			n++
		default:
			f.control(opt)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos + 1))
	return n + 1
}

func structSize(L *lua.LState) int {
	f := newStructFormat(L, "size")
	pos := 0
	for f.more() {
		opt := f.next()
		size := f.size(opt)
		pos += f.padding(pos, opt, size)
		switch {
		case opt == 's':
			argError(L, 1, "size", "option 's' has no fixed size")
		case opt == 'c' && size == 0:
			argError(L, 1, "size", "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.control(opt)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
