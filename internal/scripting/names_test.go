package scripting

import (
	"strings"
	"testing"
)

// TestRuntimeErrorsNameTheValue checks that a runtime error names the
// value as Lua 5.1 (and so redis-server 7.0) does; each want is what
// redis-server 7.0 replied to the same script.
func TestRuntimeErrorsNameTheValue(t *testing.T) {
	tests := []struct{ script, want string }{
		{"local t = nil; return t.x", "attempt to index local 't' (a nil value)"},
		{"local t = {}; return t.a.b", "attempt to index field 'a' (a nil value)"},
		{"local t = {}; t.x.y = 1", "attempt to index field 'x' (a nil value)"},
		{"return KEYS.x.y", "attempt to index field 'x' (a nil value)"},
		{"local t = {}; local k = 'x'; return t[k].y", "attempt to index field '?' (a nil value)"},
		{"redis.call.x = 1", "attempt to index field 'call' (a function value)"},
		{"local u = nil; local f = function() return u.k end; return f()", "attempt to index upvalue 'u' (a nil value)"},
		{"local f = function() local q; return q.z end; return f()", "attempt to index local 'q' (a nil value)"},
		{"local function g() return nil end; return g().x", "attempt to index a nil value"},
		{"local a; a()", "attempt to call local 'a' (a nil value)"},
		{"for i = 1, 2 do local v; v() end", "attempt to call local 'v' (a nil value)"},
		{"return ('x'):bad()", "attempt to call method 'bad' (a nil value)"},
		{"return ARGV()", "attempt to call global 'ARGV' (a table value)"},
		{"local t = {}; return t.f()", "attempt to call field 'f' (a nil value)"},
		{"local t = {1}; t[1]()", "attempt to call field '?' (a number value)"},
		{"local n = 5; return n()", "attempt to call local 'n' (a number value)"},
		{"local y = 1; local x; return y + x", "attempt to perform arithmetic on local 'x' (a nil value)"},
		{"local s = 'a'; return s + 1", "attempt to perform arithmetic on local 's' (a string value)"},
		{"return 1 + nil", "attempt to perform arithmetic on a nil value"},
		{"local x; return -x", "attempt to perform arithmetic on local 'x' (a nil value)"},
		{"local b = true; return #b", "attempt to get length of local 'b' (a boolean value)"},
		{"local x = {} return #x.y", "attempt to get length of field 'y' (a nil value)"},
		{"local t = {}; return 'a' .. t", "attempt to concatenate local 't' (a table value)"},
		{"local a = {}; local b = 'x'; return a .. b .. 'c'", "attempt to concatenate local 'a' (a table value)"},
		{"local a = {}; local b = {}; return a .. b", "attempt to concatenate local 'a' (a table value)"},
		{"local x = 1; local s = 'n' .. x .. {}", "attempt to concatenate a table value"},
	}
	vm := NewVM("7.0.15")
	defer vm.Close()
	// pcall hands the same texts back as strings; calling what is not a
	// function fails there with no position, as Lua's pcall calls from C.
	pcalls := []struct{ script, want string }{
		{"return select(2, pcall(function() local t; return t.x end))", "user_script:1: attempt to index local 't' (a nil value)\r\n"},
		{"local function f(n) if n == 0 then local z; return z.q end return f(n-1) end; return select(2, pcall(f, 3))",
			"user_script:1: attempt to index local 'z' (a nil value)\r\n"},
		{"return select(2, pcall(1))", "$30\r\nattempt to call a number value\r\n"},
		{"return {pcall(function(a, b) return a + b end, 1, 2)}", "*2\r\n:1\r\n:3\r\n"},
	}
	for _, tt := range pcalls {
		if got := eval(t, vm, &fakeHost{}, 2, tt.script, nil, nil); !strings.HasSuffix(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant ...%q", tt.script, got, tt.want)
		}
	}
	for _, tt := range tests {
		got := eval(t, vm, &fakeHost{}, 2, tt.script, nil, nil)
		want := "-ERR user_script:1: " + tt.want + " script: "
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s:\n got %q\nwant %q...", tt.script, got, want)
		}
	}
}

// TestErrorPositions checks error's levels and assert's position as
// Lua 5.1 places them (luaL_where): none when the level names a Go
// function, as Lua has none for C; each want is redis-server 7.0's reply.
func TestErrorPositions(t *testing.T) {
	tests := []struct{ script, want string }{
		{"error('x')", "-ERR user_script:1: x script: "},
		{"error('x', 0)", "-ERR x script: "},
		{"error('x', 2)", "-ERR x script: "},
		{"local function f() error('in f', 2) end; f()", "-ERR user_script:1: in f script: "},
		{"local function f() error('in f', 3) end; f()", "-ERR in f script: "},
		{"error()", "-ERR nil script: "},
		{"assert(false)", "-ERR user_script:1: assertion failed! script: "},
		{"assert(nil, 'm2')", "-ERR user_script:1: m2 script: "},
		{"assert()", "-ERR user_script:1: bad argument #1 to 'assert' (value expected) script: "},
		{"return select(2, pcall(assert, false, 'am'))", "$2\r\nam\r\n"},
		{"return assert(7, 'unused')", ":7\r\n"},
		// pcall's wrapper is no level of Lua's.
		{"return select(2, pcall(error, 'x', 2))", "$16\r\nuser_script:1: x\r\n"},
		{"return select(2, pcall(function() error('d2', 2) end))", "$2\r\nd2\r\n"},
		{"return select(2, pcall(function() local function g() error('g3', 3) end; g() end))", "$2\r\ng3\r\n"},
	}
	vm := NewVM("7.0.15")
	defer vm.Close()
	for _, tt := range tests {
		if got := eval(t, vm, &fakeHost{}, 2, tt.script, nil, nil); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q...", tt.script, got, tt.want)
		}
	}
}
