package compat

import (
	"slices"
	"strings"
)

// Redis 7 functions: libraries loaded, listed, called, dumped and
// restored, and the errors of each step. Every case starts and ends with
// FUNCTION FLUSH: libraries outlive FLUSHALL.
func init() {
	cases = append(cases, functionCases...)
}

const (
	libA = "#!lua name=liba\nredis.register_function('fa', function(keys, args) return redis.call('INCR', keys[1]) end)\n" +
		"redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads'}"
	libB = "#!lua name=libb\nredis.register_function('fb', function(keys, args) return {#keys, #args, args[1]} end)"
)

var functionCases = []lineCase{
	{"function-load-list", []string{
		"FUNCTION FLUSH", "FUNCTION LOAD " + quote(libA), "FUNCTION LOAD " + quote(libA), "FUNCTION LOAD REPLACE " + quote(libA),
		"FUNCTION LOAD " + quote(libB), "FUNCTION LIST LIBRARYNAME liba", "FUNCTION LIST LIBRARYNAME libb WITHCODE",
		"FUNCTION LIST LIBRARYNAME nomatch", "FUNCTION LIST WITHCODE WITHCODE", "FUNCTION LIST LIBRARYNAME",
		"FUNCTION LIST BOGUS", "FCALL fa 1 k", "FCALL fa 1 k", "FCALL_RO ro 1 k", "FCALL_RO fa 1 k", "FCALL fb 2 a b c d",
		"FCALL fb 0", "FCALL fb -1", "FCALL fb 3 a", "FCALL fb x", "FCALL nosuch 0", "FCALL", "FCALL fb",
		"FUNCTION DELETE libb", "FUNCTION DELETE libb", "FCALL fb 0", "FUNCTION DELETE", "FUNCTION STATS",
		"FUNCTION FLUSH", "FUNCTION LIST",
	}},
	{"function-load-errors", []string{
		"FUNCTION FLUSH", "FUNCTION LOAD", `FUNCTION LOAD "return 1"`, `FUNCTION LOAD "#!lua"`,
		`FUNCTION LOAD "#!lua name=x"`, `FUNCTION LOAD "#!lua name=x foo=bar\nredis.register_function('f', function() end)"`,
		`FUNCTION LOAD "#!python name=x\nprint(1)"`, `FUNCTION LOAD "#!lua name=x\nredis.register_function('f', 1)"`,
		`FUNCTION LOAD "#!lua name=x\nredis.register_function('f f', function() end)"`,
		`FUNCTION LOAD "#!lua name=x\nredis.register_function('f', function() end)\nredis.register_function('f', function() end)"`,
		`FUNCTION LOAD "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, flags={'bogus'}}"`,
		`FUNCTION LOAD "#!lua name=x\nredis.call('set', 'a', 'b')"`, `FUNCTION LOAD "#!lua name=x\nreturn 1"`,
		`FUNCTION LOAD "#!lua name=x\nredis.register_function('f', function() end) error('boom')"`,
		`FUNCTION LOAD "#!lua name=x\n{"`, `FUNCTION LOAD "#!lua name=b@d\nredis.register_function('f', function() end)"`,
		`FUNCTION LOAD "#!lua name=x\nredis.register_function('1f', function() end)"`, "FUNCTION LIST",
	}},
	{"function-dump-restore", []string{
		"FUNCTION FLUSH", "FUNCTION LOAD " + quote(libA), "FUNCTION LOAD " + quote(libB), "FUNCTION RESTORE bogus",
		"FUNCTION RESTORE bogus FLUSH", "FUNCTION RESTORE", "FUNCTION FLUSH ASYNC", "FUNCTION FLUSH SYNC", "FUNCTION FLUSH NOW",
		"FUNCTION LIST", "FUNCTION DUMP", "FUNCTION KILL", "FUNCTION HELP", "FUNCTION NOSUCH",
		// One library: its payload has one order only.
		"FUNCTION LOAD " + quote(libB), "FUNCTION DUMP", "FUNCTION FLUSH",
	}},
	{"function-calls", []string{
		"FUNCTION FLUSH", "FUNCTION LOAD " + quote(libA), "SET s v", "FCALL fa 1 s", "LPUSH l x", "FCALL fa 1 l",
		"FCALL_RO ro 1 l", "FCALL_RO ro 1 missing", "MULTI", "FCALL fa 1 n", "FCALL_RO ro 1 n", "EXEC",
		`EVAL "return redis.call('FCALL', 'fa', 1, 'n')" 0`, `FUNCTION LOAD "#!lua name=e\nredis.register_function('err', function() return redis.error_reply('MY err') end)\nredis.register_function('thr', function() error('thrown') end)\nredis.register_function('st', function() return redis.status_reply('FINE') end)\nredis.register_function('tb', function() return {1, 'x', {2, false}, 3.9} end)"`,
		"FCALL err 0", "FCALL thr 0", "FCALL st 0", "FCALL tb 0", "HELLO 3", "FCALL tb 0", "FCALL st 0", "HELLO 2",
		"FUNCTION FLUSH",
	}},
}

// quote makes s one argument of a case line.
func quote(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			out = append(out, '\\', 'n')
		case '"', '\\':
			out = append(out, '\\', s[i])
		default:
			out = append(out, s[i])
		}
	}
	return string(append(out, '"'))
}

// functionList compares FUNCTION LIST replies with the libraries, and
// each library's functions, as sets: Redis keeps both in hash tables
// seeded at random per process, so two redis-servers list them in
// different orders. Everything else about each entry is compared exactly.
func functionList(a, b reply) bool {
	if !a.isAggregate() || !b.isAggregate() || a.kind != b.kind || len(a.elems) != len(b.elems) {
		return exact(a, b)
	}
	canon := func(r reply) []string {
		out := make([]string, len(r.elems))
		for i, lib := range r.elems {
			var s strings.Builder
			s.WriteString(lib.head)
			for j, e := range lib.elems {
				if j > 0 && lib.elems[j-1].body == "functions" && e.isAggregate() {
					s.WriteString(strings.Join(sortedRaw(e.elems), ""))
					continue
				}
				s.WriteString(e.raw)
			}
			out[i] = s.String()
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(canon(a), canon(b))
}
