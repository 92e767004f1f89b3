package compat

// The scripting family's cases, added to the shared tables. EVAL and its
// kin are not drawn by the random generators: a random script is not a
// useful command.
func init() {
	cases = append(cases, scriptingCases...)
}

var scriptingCases = []lineCase{
	{"eval-conversions", []string{
		`EVAL "return {1, 2, 3, 'x', {4, 5}, 3.99, -3.99, true, false}" 0`, `EVAL "return {1, 2, nil, 4}" 0`,
		`EVAL "return {ok = 'fine'}" 0`, `EVAL "return {err = 'FOO bar'}" 0`, `EVAL "return nil" 0`, `EVAL "return 1e20" 0`,
		`EVAL "return {map = {a = 1}}" 0`, `EVAL "return {set = {a = true}}" 0`, `EVAL "return {double = 3.5}" 0`,
		`EVAL "return {double = 0/0}" 0`, `EVAL "return {big_number = '12345678901234567890'}" 0`,
		`EVAL "return {verbatim_string = {format = 'txt', string = 'hi'}}" 0`, `EVAL "redis.setresp(3) return {true, false}" 0`,
		`EVAL "return {KEYS[1], KEYS[2], ARGV[1]}" 2 a b c`, "SET s v", "RPUSH l a b",
		`EVAL "return redis.call('get', KEYS[1])" 1 s`, `EVAL "return redis.call('lrange', KEYS[1], 0, -1)" 1 l`,
		`EVAL "return type(redis.call('get', 'missing'))" 0`, `EVAL "redis.setresp(3) return type(redis.call('get', 'missing'))" 0`,
		`EVAL "return redis.call('type', 'l')" 0`, `EVAL "return redis.call('echo', 0.1)" 0`, `EVAL "return redis.call('echo', 3)" 0`,
		`EVAL "redis.call('select', 5) return redis.call('set', 'k', 'in 5')" 0`, "GET k", "SELECT 5", "GET k",
	}},
	{"eval-errors", []string{
		"SET s v", `EVAL "error('boom')" 0`, `EVAL "error({err = 'FOO tbl'})" 0`, `EVAL "return redis.call('lpush', 's', 'x')" 0`,
		`EVAL "return redis.pcall('lpush', 's', 'x')" 0`, `EVAL "return redis.call('nosuch')" 0`, `EVAL "return redis.call('get')" 0`,
		`EVAL "return redis.call('blpop', 'l', 0)" 0`, `EVAL "return redis.call('set', 'k', {})" 0`, `EVAL "return redis.call()" 0`,
		`EVAL "return nil + 1" 0`, `EVAL "return x" 0`, `EVAL "x = 1" 0`, `EVAL "redis.call = nil" 0`, `EVAL "return os" 0`,
		`EVAL "return redis.error_reply('MY err')" 0`, `EVAL "return redis.status_reply('FINE')" 0`, `EVAL "return redis.setresp(4)" 0`,
		`EVAL_RO "return redis.call('set', 'k', 'v')" 1 k`, `EVAL_RO "return redis.call('get', 's')" 0`,
		`EVAL "#!lua flags=no-writes\nreturn redis.call('del', 's')" 0`, `EVAL_RO "#!lua\nreturn 1" 0`, `EVAL "#!lua flags=bad\nreturn 1" 0`,
		`EVAL "return 1" 2 a`, `EVAL "return 1" -1`, `EVAL "return 1" x`, `EVAL "return 1"`, "EVALSHA fff 0",
		"EVALSHA ffffffffffffffffffffffffffffffffffffffff 0", `EVAL "return {" 0`,
	}},
	{"eval-runtime-error-names", []string{
		`EVAL "local t = nil; return t.x" 0`, `EVAL "local t = {}; return t.a.b" 0`, `EVAL "local a; a()" 0`,
		`EVAL "return ('x'):bad()" 0`, `EVAL "local t = {}; t.x.y = 1" 0`, `EVAL "return KEYS.x.y" 0`,
		`EVAL "local y = 1; local x; return y + x" 0`, `EVAL "return ARGV()" 0`, `EVAL "local t = {}; return t.f()" 0`,
		`EVAL "local b = true; return #b" 0`, `EVAL "local x; return -x" 0`, `EVAL "local t = {1}; t[1]()" 0`,
		`EVAL "local u = nil; local f = function() return u.k end; return f()" 0`, `EVAL "redis.call.x = 1" 0`,
		`EVAL "for i = 1, 2 do local v; v() end" 0`, `EVAL "local a = {}; local b = 'x'; return a .. b .. 'c'" 0`,
		`EVAL "local a = {}; local b = {}; return a .. b" 0`, `EVAL "local t = {}; local k = 'x'; return t[k].y" 0`,
		`EVAL "local function g() return nil end; return g().x" 0`, `EVAL "return 1 + nil" 0`,
		`EVAL "return {pcall(function() local t; return t.x end)}" 0`, `EVAL "return {pcall(function() local a; a() end)}" 0`,
		`EVAL "return {pcall(nil)}" 0`, `EVAL "return {pcall(1)}" 0`, `EVAL "return {pcall(error, 'x')}" 0`,
		`EVAL "local function f(n) if n == 0 then local z; return z.q end return f(n-1) end; return {pcall(f, 3)}" 0`,
		`EVAL "error('x', 2)" 0`, `EVAL "local function f() error('in f', 2) end; f()" 0`, `EVAL "local function f() error('in f', 3) end; f()" 0`,
		`EVAL "error()" 0`, `EVAL "assert(false)" 0`, `EVAL "assert(nil, 'm2')" 0`, `EVAL "return {pcall(assert, false, 'am')}" 0`,
		`EVAL "return assert(1, 2, 3)" 0`, `EVAL "assert()" 0`, `EVAL "return {pcall(error, 'x', 2)}" 0`,
		`EVAL "return {pcall(function() local function g() error('g3', 3) end; g() end)}" 0`,
		`EVAL "local function f() return pcall(error, 'in', 2) end; return {f()}" 0`,
	}},
	{"eval-libraries", []string{
		`EVAL "return cjson.encode({1, 'a/b', {x = 1}, true})" 0`, `EVAL "return cjson.decode(ARGV[1])" 0 "[1,2,[3]]"`,
		`EVAL "return cjson.decode(ARGV[1])" 0 "[1,"`, `EVAL "return {bit.band(0xff, 0x0f), bit.bnot(0), bit.tohex(255)}" 0`,
		`EVAL "return {string.byte(cmsgpack.pack(1, -1, 'x', {1, 2}, {a = 1}), 1, -1)}" 0`,
		`EVAL "return {cmsgpack.unpack(cmsgpack.pack(1, 'two', {3}))}" 0`, `EVAL "return {string.byte(struct.pack('>i2 s', 258, 'ab'), 1, -1)}" 0`,
		`EVAL "return {struct.unpack('<h b', struct.pack('<h b', -2, 7))}" 0`, `EVAL "return tostring(1/3)" 0`,
		`EVAL "return redis.sha1hex('abc')" 0`,
	}},
	{"script-cache", []string{
		"SCRIPT FLUSH", `SCRIPT LOAD "return 'loaded'"`, "SCRIPT EXISTS b534286061d4b9e4026607613b95c06c06015ae8 0000000000000000000000000000000000000000",
		`EVAL "return 'by eval'" 0`, "SCRIPT FLUSH ASYNC", "SCRIPT FLUSH SYNC", "SCRIPT FLUSH NOW", "SCRIPT KILL", "SCRIPT LOAD",
		"SCRIPT EXISTS", "SCRIPT NOSUCH", "SCRIPT HELP", `SCRIPT LOAD "return {"`,
		"MULTI", `EVAL "return redis.call('incr', KEYS[1])" 1 n`, `EVAL "return redis.call('incr', KEYS[1])" 1 n`, "EXEC",
	}},
}
