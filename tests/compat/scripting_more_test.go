package compat

// More of the scripting sandbox and its libraries: what a script may
// reach, how Lua values become replies in corner cases, and the errors
// of redis.* helpers.
func init() {
	cases = append(cases, scriptingMoreCases...)
}

var scriptingMoreCases = []lineCase{
	{"eval-sandbox", []string{
		`EVAL "return type(loadstring)" 0`, `EVAL "return type(loadfile)" 0`, `EVAL "return type(dofile)" 0`,
		`EVAL "return type(io)" 0`, `EVAL "return type(require)" 0`, `EVAL "return type(setfenv)" 0`,
		`EVAL "return type(getfenv)" 0`, `EVAL "return type(print)" 0`, `EVAL "return type(math.random)" 0`,
		`EVAL "return {math.random(10), math.random(10)}" 0`, `EVAL "return type(string.dump)" 0`,
		`EVAL "return type(debug)" 0`, `EVAL "return type(coroutine)" 0`, `EVAL "return type(table.getn)" 0`,
		`EVAL "return type(unpack)" 0`, `EVAL "return type(gcinfo)" 0`, `EVAL "return type(newproxy)" 0`,
		`EVAL "return type(collectgarbage)" 0`, `EVAL "return _VERSION" 0`, `EVAL "return type(_G)" 0`,
		`EVAL "return rawget(_G, 'nope')" 0`, `EVAL "local t = {} setmetatable(_G, t) return 1" 0`,
		`EVAL "redis = {}" 0`, `EVAL "KEYS = 1 return KEYS" 0`, `EVAL "string.foo = 1 return 1" 0`,
		`EVAL "return pcall(function() x_global = 1 end)" 0`, `EVAL "local ok, e = pcall(function() x_global = 1 end) return e" 0`,
		`EVAL "return tostring(pcall(error))" 0`, `EVAL "return redis.REDIS_VERSION" 0`, `EVAL "return redis.REDIS_VERSION_NUM" 0`,
		`EVAL "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}" 0`,
		`EVAL "return redis.log(redis.LOG_WARNING, 'from a script')" 0`, `EVAL "return redis.log(99, 'x')" 0`,
		`EVAL "return redis.log()" 0`, `EVAL "return redis.sha1hex()" 0`, `EVAL "return redis.sha1hex(1)" 0`,
		`EVAL "return redis.error_reply()" 0`, `EVAL "return redis.status_reply(1)" 0`, `EVAL "return redis.setresp()" 0`,
		`EVAL "return redis.set_repl(redis.REPL_ALL)" 0`, `EVAL "return redis.set_repl(99)" 0`,
		`EVAL "return redis.replicate_commands()" 0`, `EVAL "return redis.breakpoint()" 0`, `EVAL "return redis.debug('x')" 0`,
		`EVAL "return redis.acl_check_cmd('get', 'k')" 0`, `EVAL "return redis.acl_check_cmd('nosuch')" 0`,
	}},
	{"eval-unpack", []string{
		`EVAL "return {unpack({1,2,3})}" 0`, `EVAL "return {unpack({1,2,3}, 2)}" 0`, `EVAL "return {unpack({1,2,3}, 3, 1)}" 0`,
		`EVAL "return {unpack({1,2,3}, -2, 2)}" 0`, `EVAL "return {unpack({1,2,3}, 1.9, 2.9)}" 0`, `EVAL "return {unpack({1,2,3}, 1e10)}" 0`,
		`EVAL "return {unpack({1,2,3}, 0, 2147483647)}" 0`, `EVAL "return {unpack({1,2,3}, -2147483648, -2)}" 0`,
		`EVAL "return {unpack({1,2,3}, -2147483648, -2147483648)}" 0`, `EVAL "return unpack()" 0`, `EVAL "return unpack(nil)" 0`,
		`EVAL "local a = {} for i=1,7999 do a[i] = i end return redis.call('rpush', KEYS[1], unpack(a))" 1 unpacked`,
		`EVAL "local a = {} for i=1,8000 do a[i] = i end return #{unpack(a)}" 0`,
		`EVAL "local a = {} for i=1,7997 do a[i] = i end return #{unpack(a, 1, 7997)}" 0`,
		`EVAL "local a = {} for i=1,7998 do a[i] = i end return #{unpack(a, 1, 7998)}" 0`,
	}},
	{"eval-values", []string{
		`EVAL "return 0.5" 0`, `EVAL "return -0.5" 0`, `EVAL "return 2^53" 0`, `EVAL "return 2^63" 0`, `EVAL "return -2^63" 0`,
		`EVAL "return 1/0" 0`, `EVAL "return -1/0" 0`, `EVAL "return 0/0" 0`, `EVAL "return {1/0}" 0`,
		`EVAL "return {'a', nil, 'b'}" 0`, `EVAL "return {[1]='a', [3]='c'}" 0`, `EVAL "return {x = 1, 'a'}" 0`,
		`EVAL "return {err = 1}" 0`, `EVAL "return {err = ''}" 0`, `EVAL "return {ok = ''}" 0`, `EVAL "return {err = 'no code'}" 0`,
		`EVAL "return {err = '-ERR with dash'}" 0`, `EVAL "return {ok = 'a\\r\\nb'}" 0`, `EVAL "return {err = 'a\\r\\nb'}" 0`,
		`EVAL "return true" 0`, `EVAL "return false" 0`, `EVAL "return ''" 0`, `EVAL "return '\0binary'" 0`,
		`EVAL "return tostring(12345678901234567890)" 0`, `EVAL "return tonumber('0x10')" 0`, `EVAL "return 10 % 3" 0`,
		`EVAL "return string.format('%d %s %5.2f', 3, 'x', 1.5)" 0`, `EVAL "return string.rep('ab', 3)" 0`,
		`EVAL "return #ARGV" 0 `, `EVAL "return ARGV" 0 a b`, `EVAL "return KEYS" 2 k1 k2 a1`,
		`EVAL "return redis.call('ping')" 0`, `EVAL "return redis.call('PING', 'x')" 0`,
		`EVAL "return redis.pcall('incr', 'notnum')" 0`, "SET notnum abc", `EVAL "return redis.pcall('incr', 'notnum')" 0`,
		`EVAL "local r = redis.pcall('incr', 'notnum') return type(r)" 0`, `EVAL "local r = redis.pcall('incr', 'notnum') return r.err" 0`,
		`EVAL "return redis.call('incr', 'notnum')" 0`, `EVAL "return {pcall(redis.call, 'incr', 'notnum')}" 0`,
		`EVAL "return redis.call('hgetall', 'nohash')" 0`, "HSET h a 1", `EVAL "return redis.call('hgetall', 'h')" 0`,
		`EVAL "redis.setresp(3) return redis.call('hgetall', 'h')" 0`, `EVAL "redis.setresp(3) return redis.call('zscore', 'z', 'm')" 0`,
		"ZADD z 1.5 m", `EVAL "redis.setresp(3) return redis.call('zscore', 'z', 'm')" 0`, `EVAL "return redis.call('zscore', 'z', 'm')" 0`,
		`EVAL "redis.setresp(3) local r = redis.call('zscore', 'z', 'm') return type(r)" 0`,
		`EVAL "redis.setresp(3) return redis.call('smembers', 'noset')" 0`, `EVAL "redis.setresp(3) return redis.call('get', 'nokey')" 0`,
		`EVAL "redis.setresp(3) return redis.call('exists', 'h')" 0`, `EVAL "redis.setresp(3) return {double = 1.5}" 0`,
	}},
}
