package scripting

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// cjsonLib is the subset of lua-cjson 2.1 (the cjson Redis bundles) that
// scripts use: encode and decode with lua-cjson's default settings, its
// error texts, and cjson.null. The configuration functions report those
// defaults; changing them is not supported.
func cjsonLib(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 16)
	null := L.NewUserData()
	t.RawSetString("null", null)
	t.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			argError(L, 1, "encode", "expected 1 argument")
		}
		e := jsonEncoder{L: L, null: null}
		e.value(L.Get(1), 0)
		L.Push(lua.LString(e.b.String()))
		return 1
	}))
	t.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			argError(L, 1, "decode", "expected 1 argument")
		}
		s, ok := L.Get(1).(lua.LString)
		if !ok {
			n, isNum := L.Get(1).(lua.LNumber)
			if !isNum {
				argError(L, 1, "decode", typeExpected("string", L, 1))
			}
			s = lua.LString(luaString(n))
		}
		L.Push(decodeJSON(L, string(s), null))
		return 1
	}))
	defaults := map[string][]lua.LValue{
		"encode_sparse_array":     {lua.LFalse, lua.LNumber(2), lua.LNumber(10)},
		"encode_max_depth":        {lua.LNumber(1000)},
		"decode_max_depth":        {lua.LNumber(1000)},
		"encode_number_precision": {lua.LNumber(14)},
		"encode_keep_buffer":      {lua.LTrue},
		"encode_invalid_numbers":  {lua.LFalse},
		"decode_invalid_numbers":  {lua.LTrue},
	}
	for name, values := range defaults {
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			for _, v := range values {
				L.Push(v)
			}
			return len(values)
		}))
	}
	t.RawSetString("new", L.NewFunction(func(L *lua.LState) int {
		L.Push(cjsonLib(L))
		return 1
	}))
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("2.1.0"))
	return t
}

// jsonEncoder writes a Lua value as lua-cjson does: numbers in %.14g,
// '/' escaped, tables with keys 1..n (not too sparse) as arrays, any
// other table as an object.
type jsonEncoder struct {
	L    *lua.LState
	null *lua.LUserData
	b    strings.Builder
}

const jsonMaxDepth = 1000

func (e *jsonEncoder) fail(typ, reason string) {
	e.L.RaiseError("Cannot serialise %s: %s", typ, reason)
}

func (e *jsonEncoder) value(v lua.LValue, depth int) {
	switch v := v.(type) {
	case *lua.LNilType:
		e.b.WriteString("null")
	case lua.LBool:
		if v {
			e.b.WriteString("true")
		} else {
			e.b.WriteString("false")
		}
	case lua.LNumber:
		e.number(float64(v))
	case lua.LString:
		e.str(string(v))
	case *lua.LTable:
		e.table(v, depth+1)
	case *lua.LUserData:
		if v != e.null {
			e.fail("userdata", "type not supported")
		}
		e.b.WriteString("null")
	default:
		e.fail(v.Type().String(), "type not supported")
	}
}

func (e *jsonEncoder) number(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		e.fail("number", "must not be NaN or Inf")
	}
	e.b.WriteString(formatNumber(f, 14))
}

func (e *jsonEncoder) str(s string) {
	const hex = "0123456789abcdef"
	e.b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			e.b.WriteString(`\"`)
		case '\\':
			e.b.WriteString(`\\`)
		case '/':
			e.b.WriteString(`\/`)
		case '\b':
			e.b.WriteString(`\b`)
		case '\f':
			e.b.WriteString(`\f`)
		case '\n':
			e.b.WriteString(`\n`)
		case '\r':
			e.b.WriteString(`\r`)
		case '\t':
			e.b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				e.b.WriteString(`\u00`)
				e.b.WriteByte(hex[c>>4])
				e.b.WriteByte(hex[c&15])
			} else {
				e.b.WriteByte(c)
			}
		}
	}
	e.b.WriteByte('"')
}

func (e *jsonEncoder) table(t *lua.LTable, depth int) {
	if depth > jsonMaxDepth {
		e.L.RaiseError("Cannot serialise, excessive nesting (%d)", depth)
	}
	if n := e.arrayLength(t); n > 0 {
		e.b.WriteByte('[')
		for i := 1; i <= n; i++ {
			if i > 1 {
				e.b.WriteByte(',')
			}
			e.value(t.RawGetInt(i), depth)
		}
		e.b.WriteByte(']')
		return
	}
	e.b.WriteByte('{')
	first := true
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if !first {
			e.b.WriteByte(',')
		}
		first = false
		switch k := k.(type) {
		case lua.LString:
			e.str(string(k))
		case lua.LNumber:
			e.b.WriteByte('"')
			e.number(float64(k))
			e.b.WriteByte('"')
		default:
			e.fail(k.Type().String(), "table key must be a number or string")
		}
		e.b.WriteByte(':')
		e.value(v, depth)
	}
	e.b.WriteByte('}')
}

// arrayLength returns the largest key of a table whose keys are all
// integers ≥ 1, or -1 for any other table (an object). An array with more
// than 10 slots of which fewer than half are set is refused, as
// lua-cjson's default encode_sparse_array does.
func (e *jsonEncoder) arrayLength(t *lua.LTable) int {
	maxKey, items := 0, 0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		if !ok || n < 1 || math.Floor(float64(n)) != float64(n) {
			return -1
		}
		maxKey = max(maxKey, int(n))
		items++
	}
	if maxKey > items*2 && maxKey > 10 {
		e.fail("table", "excessively sparse array")
	}
	return maxKey
}
