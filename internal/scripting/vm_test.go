package scripting

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The VM's behaviour as scripts see it. Replies are written as a RESP2
// client (or RESP3 where the case says) reads them; "(counted)" marks an
// error INFO errorstats counted already.

func TestConversions(t *testing.T) {
	h := &fakeHost{replies: map[string]string{
		"get k":       "$1\r\nv\r\n",
		"get none":    "$-1\r\n",
		"lrange l":    "*2\r\n$1\r\na\r\n:7\r\n",
		"lpop none":   "*-1\r\n",
		"type l":      "+list\r\n",
		"lpush s":     "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
		"r3 map":      "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n",
		"r3 set":      "~2\r\n$1\r\nx\r\n$1\r\ny\r\n",
		"r3 double":   ",1.5\r\n",
		"r3 bool":     "*2\r\n#t\r\n#f\r\n",
		"r3 big":      "(12345678901234567890\r\n",
		"r3 verbatim": "=9\r\ntxt:hello\r\n",
		"r3 null":     "_\r\n",
		"r3 attr":     "|1\r\n$3\r\nttl\r\n:5\r\n:42\r\n",
		"r3 push":     ">2\r\n$7\r\nmessage\r\n$1\r\nm\r\n",
	}}
	tests := []struct {
		proto  int
		script string
		want   string
	}{
		{2, "return 1", ":1\r\n"},
		{2, "return 3.99", ":3\r\n"},
		{2, "return -3.99", ":-3\r\n"},
		{2, "return 1e20", ":-9223372036854775808\r\n"},
		{2, "return 'x'", "$1\r\nx\r\n"},
		{2, "return true", ":1\r\n"},
		{2, "return false", "$-1\r\n"},
		{3, "return false", "_\r\n"},
		{3, "redis.setresp(3) return false", "#f\r\n"},
		{2, "redis.setresp(3) return {true, false}", "*2\r\n:1\r\n:0\r\n"},
		{2, "return {1, 2, nil, 4}", "*2\r\n:1\r\n:2\r\n"},
		{2, "return {ok='fine'}", "+fine\r\n"},
		{2, "return {err='My Error'}", "-My Error\r\n"},
		{2, "return {ok='x', err='y'}", "-y\r\n"},
		{2, "return {ok=1}", "*0\r\n"},
		{3, "return {map={a=1}}", "%1\r\n$1\r\na\r\n:1\r\n"},
		{2, "return {map={a=1}}", "*2\r\n$1\r\na\r\n:1\r\n"},
		{3, "return {set={a=true}}", "~1\r\n$1\r\na\r\n"},
		{3, "return {double=0.1}", ",0.10000000000000001\r\n"},
		{2, "return {double=0/0}", "$4\r\n-nan\r\n"},
		{3, "return {big_number='123'}", "(123\r\n"},
		{2, "return {big_number='123'}", "$3\r\n123\r\n"},
		{3, "return {verbatim_string={format='txt', string='hi'}}", "=6\r\ntxt:hi\r\n"},
		{2, "return {1, redis.pcall('lpush', 's')}", "*2\r\n:1\r\n-WRONGTYPE Operation against a key holding the wrong kind of value (counted)\r\n"},
		// command replies as Lua values
		{2, "return redis.call('get', 'k')", "$1\r\nv\r\n"},
		{2, "return type(redis.call('get', 'none'))", "$7\r\nboolean\r\n"},
		{2, "return type(redis.call('lpop', 'none'))", "$7\r\nboolean\r\n"},
		{2, "local r = redis.call('lrange', 'l') return {r[1], r[2] + 1}", "*2\r\n$1\r\na\r\n:8\r\n"},
		{2, "return redis.call('type', 'l').ok", "$4\r\nlist\r\n"},
		{2, "return redis.pcall('lpush', 's').err", "$65\r\nWRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{2, "redis.setresp(3) local m = redis.call('r3', 'map').map return {m.a, type(m.b)}", "*2\r\n:1\r\n$3\r\nnil\r\n"},
		{2, "redis.setresp(3) local s = redis.call('r3', 'set').set return {tostring(s.x), tostring(s.y)}", "*2\r\n$4\r\ntrue\r\n$4\r\ntrue\r\n"},
		{2, "redis.setresp(3) return redis.call('r3', 'double').double * 2", ":3\r\n"},
		{2, "redis.setresp(3) local b = redis.call('r3', 'bool') return {type(b[1]), tostring(b[1]), tostring(b[2])}", "*3\r\n$7\r\nboolean\r\n$4\r\ntrue\r\n$5\r\nfalse\r\n"},
		{2, "redis.setresp(3) return redis.call('r3', 'big').big_number", "$20\r\n12345678901234567890\r\n"},
		{2, "redis.setresp(3) local v = redis.call('r3', 'verbatim').verbatim_string return {v.format, v.string}", "*2\r\n$3\r\ntxt\r\n$5\r\nhello\r\n"},
		{2, "redis.setresp(3) return type(redis.call('r3', 'null'))", "$3\r\nnil\r\n"},
		{2, "redis.setresp(3) return redis.call('r3', 'attr')", ":42\r\n"},
		{2, "redis.setresp(3) return redis.call('r3', 'push')", "*2\r\n$7\r\nmessage\r\n$1\r\nm\r\n"},
		{3, "redis.setresp(3) return redis.call('r3', 'map')", "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n"[:0] + "%1\r\n$1\r\na\r\n:1\r\n"},
	}
	vm := NewVM("7.0.15")
	for _, tt := range tests {
		if got := eval(t, vm, h, tt.proto, tt.script, nil, nil); got != tt.want {
			t.Errorf("RESP%d %q:\n got %q\nwant %q", tt.proto, tt.script, got, tt.want)
		}
	}
}

// TestCallArguments checks how redis.call's arguments reach the host.
func TestCallArguments(t *testing.T) {
	tests := []struct{ script, call string }{
		{"redis.call('set', 'k', 3)", "set k 3"},
		{"redis.call('set', 'k', 3.5)", "set k 3.5"},
		{"redis.call('set', 'k', 0.1)", "set k 0.10000000000000001"},
		{"redis.call('set', 'k', 1e20)", "set k 1e+20"},
		{"redis.call('set', 'k', -1/0)", "set k -inf"},
		{"redis.call('SET', KEYS[1], ARGV[1])", "SET key arg"},
	}
	for _, tt := range tests {
		h := &fakeHost{}
		eval(t, NewVM("7.0.15"), h, 2, tt.script, []string{"key"}, []string{"arg"})
		if len(h.calls) != 1 || h.calls[0] != tt.call {
			t.Errorf("%q called %q, want %q", tt.script, h.calls, tt.call)
		}
	}
}

// TestRandomSequence: math.random follows Redis's lrand48 from its
// initial state, script after script, and from math.randomseed.
func TestRandomSequence(t *testing.T) {
	vm := NewVM("7.0.15")
	h := &fakeHost{}
	for i, want := range []string{":40\r\n", ":85\r\n", ":36\r\n", ":45\r\n"} {
		if got := eval(t, vm, h, 2, "return math.random(100)", nil, nil); got != want {
			t.Errorf("call %d: %q, want %q", i, got, want)
		}
	}
	seeded := "math.randomseed(0) return {math.random(100), math.random(100), math.random(100), math.random(100)}"
	if got := eval(t, vm, h, 2, seeded, nil, nil); got != "*4\r\n:18\r\n:75\r\n:10\r\n:88\r\n" {
		t.Errorf("after randomseed(0): %q", got)
	}
	if got := eval(t, vm, h, 2, "math.randomseed(7) return {math.random(100), math.random(100)}", nil, nil); got != "*2\r\n:27\r\n:69\r\n" {
		t.Errorf("after randomseed(7): %q", got)
	}
}

// TestSandboxEscapes tries the ways around the read-only globals and
// libraries; none may leave a trace for the next script.
func TestSandboxEscapes(t *testing.T) {
	vm := NewVM("7.0.15")
	h := &fakeHost{}
	for _, script := range []string{
		"x = 1",
		"rawset(_G, 'x', 1)",
		"setmetatable(_G, nil)",
		"getmetatable(_G).__index = nil",
		"getmetatable(_G).__newindex = nil",
		"local f, t = pairs(_G) t.x = 1",
		"local f, t = pairs(string) t.upper = nil",
		"string.upper = nil",
		"getmetatable('').__index.upper = nil",
		"getmetatable('').__index = nil",
		"rawset(string, 'upper', nil)",
		"rawset(redis, 'call', nil)",
		"redis.call = nil",
		"math.random = nil",
		"setmetatable(string, {})",
		"loadstring('x = 1')()",
		"loadstring('string.upper = nil')()",
		"cjson.encode = nil",
		"table.insert = nil",
		"coroutine.wrap = nil",
		// A script that assigns no global runs with the globals table
		// itself as its environment (Script.setsGlobals): one whose
		// assignment is in a nested function must not.
		"local function f() x = 1 end f()",
		"local function f() return function() x = 1 end end f()()",
		"coroutine.wrap(function() loadstring('x = 1')() end)()",
		"local g = _G g.x = 1",
		// table's writers on a read-only view (they write raw).
		"table.insert(_G, 'x')",
		"table.insert(string, 'x')",
		"table.insert(redis, 1, 'x')",
		"table.remove(_G)",
		"table.sort(cjson)",
	} {
		got := eval(t, vm, h, 2, script, nil, nil)
		if !strings.Contains(got, "Attempt to modify a readonly table") {
			t.Errorf("%q: %q", script, got)
		}
	}
	check := "return {type(rawget(_G, 'x')), ('a'):upper(), type(redis.call), type(math.random), type(cjson.encode), type(table.insert)}"
	if got := eval(t, vm, h, 2, check, nil, nil); got != "*6\r\n$3\r\nnil\r\n$1\r\nA\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n" {
		t.Fatalf("the sandbox changed: %q", got)
	}
	// What table's writers could have left in the views themselves.
	check = "local ok = pcall(function() return _G[1] end) return {tostring(ok), type(string[1]), type(redis[1]), type(next(cjson))}"
	if got := eval(t, vm, h, 2, check, nil, nil); got != "*4\r\n$5\r\nfalse\r\n$3\r\nnil\r\n$3\r\nnil\r\n$6\r\nstring\r\n" {
		t.Fatalf("the sandbox changed: %q", got)
	}
}

// TestKill: cancelling the context stops a looping script, even one that
// catches errors, with Redis's error and the line it was on.
func TestKill(t *testing.T) {
	vm := NewVM("7.0.15")
	for _, body := range []string{
		"local n = 0\nwhile true do\n  n = n + 1\nend",
		"while true do\n  pcall(function() while true do end end)\nend",
	} {
		s, err := Compile(body)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		res := vm.Run(ctx, s, nil, nil, &fakeHost{})
		var msg string
		res.Write(nil, func(m string, _ bool) { msg = m })
		if !strings.HasPrefix(msg, errKilled+" script: "+s.SHA+", on @user_script:") {
			t.Errorf("%q: %q", body, msg)
		}
	}
	// The VM runs the next script normally.
	if got := eval(t, vm, &fakeHost{}, 2, "return 1", nil, nil); got != ":1\r\n" {
		t.Fatalf("after a kill: %q", got)
	}
}
