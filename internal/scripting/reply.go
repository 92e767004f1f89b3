package scripting

import (
	"bytes"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// parseReply turns one RESP reply, as a command wrote it for the script,
// into a Lua value by Redis's rules:
//
//	RESP2                           RESP3 (redis.setresp(3))
//	integer       number            null           nil
//	bulk string   string            map            {map={k=v...}}
//	null bulk     false             set            {set={m=true...}}
//	array         table             double         {double=n}
//	null array    false             boolean        true / false
//	status        {ok=text}         big number     {big_number=text}
//	error         {err=text}        verbatim       {verbatim_string={format=f, string=s}}
//
// The reply is the node's own, so it is well formed.
func parseReply(L *lua.LState, reply []byte) lua.LValue {
	p := replyParser{L: L, b: reply}
	return p.value()
}

type replyParser struct {
	L   *lua.LState
	b   []byte
	pos int
}

// line returns the rest of the current line after the type byte.
func (p *replyParser) line() []byte {
	start := p.pos + 1
	end := start + bytes.Index(p.b[start:], []byte("\r\n"))
	p.pos = end + 2
	return p.b[start:end]
}

func (p *replyParser) count() int {
	n, _ := strconv.Atoi(string(p.line()))
	return n
}

func (p *replyParser) bulk(n int) []byte {
	s := p.b[p.pos : p.pos+n]
	p.pos += n + 2
	return s
}

func (p *replyParser) value() lua.LValue {
	if p.pos >= len(p.b) {
		return lua.LNil
	}
	L := p.L
	switch p.b[p.pos] {
	case '+':
		return field(L, "ok", lua.LString(p.line()))
	case '-':
		return commandErrorTable(L, errorText("-"+string(p.line())))
	case ':':
		n, _ := strconv.ParseInt(string(p.line()), 10, 64)
		return lua.LNumber(n)
	case '$':
		n := p.count()
		if n < 0 {
			return lua.LFalse
		}
		return lua.LString(p.bulk(n))
	case '*', '>':
		n := p.count()
		if n < 0 {
			return lua.LFalse
		}
		t := L.CreateTable(n, 0)
		for i := 1; i <= n; i++ {
			t.RawSetInt(i, p.value())
		}
		return t
	case '%':
		n := p.count()
		m := L.CreateTable(0, n)
		for range n {
			k := p.value()
			v := p.value()
			if k != lua.LNil {
				m.RawSet(k, v)
			}
		}
		return field(L, "map", m)
	case '~':
		n := p.count()
		s := L.CreateTable(0, n)
		for range n {
			if k := p.value(); k != lua.LNil {
				s.RawSet(k, lua.LTrue)
			}
		}
		return field(L, "set", s)
	case '_':
		p.line()
		return lua.LNil
	case ',':
		f, _ := strconv.ParseFloat(string(p.line()), 64)
		return field(L, "double", lua.LNumber(f))
	case '#':
		return lua.LBool(string(p.line()) == "t")
	case '(':
		return field(L, "big_number", lua.LString(p.line()))
	case '=':
		s := p.bulk(p.count())
		v := L.CreateTable(0, 2)
		if len(s) >= 4 {
			v.RawSetString("format", lua.LString(s[:3]))
			v.RawSetString("string", lua.LString(s[4:]))
		}
		return field(L, "verbatim_string", v)
	case '|':
		n := p.count()
		for range 2 * n { // attributes are out of band: skipped
			p.value()
		}
		return p.value()
	}
	return lua.LNil
}

func field(L *lua.LState, name string, v lua.LValue) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString(name, v)
	return t
}
