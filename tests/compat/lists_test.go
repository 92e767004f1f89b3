package compat

import (
	"strconv"
	"strings"
)

// The list family's cases and generators, added to the shared tables.
func init() {
	cases = append(cases, listCases...)
	generators = append(generators, listGenerators...)
}

// listCases are the list commands' edge cases. DUMP is compared byte for
// byte, so the ones after pushes, inserts and trims check that nodes split
// and merge as Redis's quicklist does.
var listCases = []lineCase{
	{"list-push-pop", []string{
		"LPUSH l a b c", "RPUSH l d 1 -1 9223372036854775807", "LRANGE l 0 -1", "LLEN l", "LPUSHX l x", "RPUSHX l y z",
		"LPUSHX missing x", "RPUSHX missing x", "EXISTS missing", "LPOP l", "RPOP l", "LPOP l 2", "RPOP l 2", "LPOP l 0",
		"RPOP l 0", "LPOP missing 0", "LPOP missing 2", "LPOP missing", "LPOP l -1", "LPOP l abc", "LPOP missing abc",
		"LPOP l 1.5", "LPOP l 1 2", "RPOP l 100", "EXISTS l", "RPUSH l a", "LPOP l 1", "EXISTS l", "RPUSH l a", "RPOP l",
		"TYPE l", "SET s v", "LPUSH s a", "RPUSH s a", "LPUSHX s a", "LPOP s", "RPOP s 2", "LLEN s", "LPUSH", "LPUSH l",
		"RPUSH l 007 -0 +1 ' 1' 1.5 '' 4096 -4097 32768 -8388609 2147483648", "LRANGE l 0 -1", "DUMP l",
		"OBJECT ENCODING l", "LPUSH l2 x", "OBJECT ENCODING l2",
	}},
	{"list-range-index", []string{
		"RPUSH l a b c d e", "LRANGE l 0 -1", "LRANGE l -3 -1", "LRANGE l -100 100", "LRANGE l 3 1", "LRANGE l 5 10",
		"LRANGE l -1 -3", "LRANGE l 0 0", "LRANGE l -9223372036854775808 9223372036854775807", "LRANGE l a 1",
		"LRANGE l 0 b", "LRANGE missing 0 -1", "LRANGE missing a b", "SET s v", "LRANGE s 0 -1", "LRANGE s a 1",
		"LINDEX l 0", "LINDEX l -1", "LINDEX l 4", "LINDEX l 5", "LINDEX l -5", "LINDEX l -6", "LINDEX l abc",
		"LINDEX missing abc", "LINDEX missing 0", "LINDEX s 0", "LINDEX s abc", "LLEN missing", "LLEN s",
		"LINDEX l 9223372036854775807", "LINDEX l -9223372036854775808",
	}},
	{"list-set-insert", []string{
		"RPUSH l a b c", "LSET l 0 x", "LSET l -1 y", "LSET l 3 z", "LSET l -4 z", "LSET l abc z", "LSET missing 0 z",
		"LSET missing abc z", "LRANGE l 0 -1", "SET s v", "LSET s 0 x", "LSET l 1 12345", "LINDEX l 1",
		"LINSERT l BEFORE b n", "LINSERT l before x n", "LINSERT l after y m", "LINSERT l AFTER 12345 k",
		"LINSERT l after nosuch m", "LINSERT l middle x m", "LINSERT missing before x m", "LINSERT missing foo x m",
		"LINSERT s before x m", "LINSERT s foo x m", "LRANGE l 0 -1", "DUMP l", "LINSERT l before 012345 q",
	}},
	{"list-rem-trim", []string{
		"RPUSH l a b a c a d a", "LREM l 2 a", "LRANGE l 0 -1", "LREM l -1 a", "LRANGE l 0 -1", "LREM l 0 a",
		"LRANGE l 0 -1", "LREM l 0 zz", "LREM l abc a", "LREM missing 1 a", "LREM missing x a", "RPUSH n 1 01 1 1",
		"LREM n 0 1", "LRANGE n 0 -1", "LREM n 1 01", "EXISTS n", "RPUSH m x x", "LREM m -9223372036854775808 x",
		"EXISTS m", "RPUSH m x x", "LREM m 9223372036854775807 x", "EXISTS m", "SET s v", "LREM s 0 a",
		"RPUSH t 1 2 3 4 5 6", "LTRIM t 1 -2", "LRANGE t 0 -1", "LTRIM t -100 100", "LRANGE t 0 -1", "LTRIM t 2 1",
		"EXISTS t", "RPUSH t 1 2 3", "LTRIM t 5 10", "EXISTS t", "LTRIM missing 0 1", "LTRIM missing a 1",
		"LTRIM s 0 1", "LTRIM s a 1", "RPUSH t 1 2 3", "LTRIM t -1 -1", "LRANGE t 0 -1", "LTRIM t 0 0", "LRANGE t 0 -1",
	}},
	{"list-pos", []string{
		"RPUSH l a b a c a", "LPOS l a", "LPOS l a RANK 2", "LPOS l a RANK -1", "LPOS l a RANK -2", "LPOS l a RANK 4",
		"LPOS l a COUNT 0", "LPOS l a COUNT 2", "LPOS l a COUNT 2 RANK 2", "LPOS l a COUNT 0 RANK -1",
		"LPOS l a MAXLEN 1", "LPOS l a MAXLEN 2 COUNT 0", "LPOS l a RANK -1 MAXLEN 1", "LPOS l a RANK -1 MAXLEN 2",
		"LPOS l z", "LPOS l z COUNT 0", "LPOS missing a", "LPOS missing a COUNT 1", "LPOS l a RANK 0",
		"LPOS l a RANK x", "LPOS l a COUNT -1", "LPOS l a COUNT x", "LPOS l a MAXLEN -1", "LPOS l a MAXLEN x",
		"LPOS l a RANK", "LPOS l a FOO 1", "LPOS l a COUNT 1 COUNT 2", "LPOS l a RANK -9223372036854775808",
		"LPOS l a RANK -9223372036854775808 COUNT 2", "LPOS l a RANK 9223372036854775807 COUNT 0",
		"LPOS l a COUNT 9223372036854775808", "SET s v", "LPOS s a", "LPOS s a RANK 0", "RPUSH n 1 2 1",
		"LPOS n 1 COUNT 0", "LPOS n 01",
	}},
	{"list-move", []string{
		"RPUSH a 1 2 3", "LMOVE a b LEFT RIGHT", "LMOVE a b RIGHT LEFT", "LRANGE a 0 -1", "LRANGE b 0 -1",
		"LMOVE a a LEFT RIGHT", "LRANGE a 0 -1", "LMOVE a a RIGHT LEFT", "LMOVE a b left left", "EXISTS a",
		"LMOVE a b LEFT LEFT", "LMOVE missing b LEFT LEFT", "LMOVE a b UP LEFT", "LMOVE a b LEFT UP", "SET s v",
		"LMOVE b s LEFT LEFT", "LMOVE s b LEFT LEFT", "LMOVE missing s LEFT LEFT", "LRANGE b 0 -1",
		"RPOPLPUSH b c", "RPOPLPUSH b b", "LRANGE b 0 -1", "RPOPLPUSH missing c", "RPOPLPUSH b s", "RPOPLPUSH s b",
		"RPUSH one x", "RPOPLPUSH one one", "LRANGE one 0 -1", "LMOVE one one LEFT LEFT", "LRANGE one 0 -1",
	}},
	{"list-mpop", []string{
		"RPUSH a 1 2 3", "RPUSH b 4 5", "LMPOP 2 missing a LEFT", "LMPOP 2 missing a RIGHT COUNT 5", "EXISTS a",
		"LMPOP 2 a b left COUNT 1", "LMPOP 1 b RIGHT count 1", "LMPOP 2 missing a LEFT", "LMPOP 0 a LEFT",
		"LMPOP x a LEFT", "LMPOP -1 a LEFT", "LMPOP 1 a", "LMPOP 1 a UP", "LMPOP 2 a LEFT", "LMPOP 1 a LEFT COUNT 0",
		"LMPOP 1 a LEFT COUNT -1", "LMPOP 1 a LEFT COUNT x", "LMPOP 1 a LEFT COUNT 1 COUNT 1", "LMPOP 1 a LEFT COUNT",
		"LMPOP 1 a LEFT FOO", "LMPOP 9223372036854775807 a LEFT", "SET s v", "RPUSH c 1", "LMPOP 2 s c LEFT",
		"LMPOP 2 c s LEFT", "LMPOP 2 missing s LEFT", "LMPOP 1 missing LEFT",
	}},
	{"list-restore-fill", []string{
		// A restored list takes list-max-listpack-size as it is when
		// RESTORE runs.
		`RESTORE r 0 "\x12\x01\x02\x10\x10\x00\x00\x00\x03\x00\x81a\x02\x81b\x02\x81c\x02\xff\n\x00\xc8\x18\xb9\x0c\x953R\x9e"`,
		"CONFIG SET list-max-listpack-size 1", "RPUSH r d", "DUMP r",
		`RESTORE old 0 "\x01\x02\x01a\xc0\x05\x0a\x00G\xa3w\x89\xf0\xcf\xbb\x97"`, "DUMP old", "RPUSH old x", "DUMP old",
		"CONFIG SET list-max-listpack-size -2", "RPUSH r e", "DUMP r",
	}},
	{"list-blocking-argument-order", []string{
		// BLMPOP reads its timeout after the rest: none of these blocks.
		"BLMPOP x 1 a LEFT COUNT 0", "BLMPOP -1 1 a FOO", "BLMPOP x 0 a LEFT", "BLMPOP x y a LEFT", "BLMPOP x 5 a LEFT",
		"BLMPOP x 1 a LEFT", "BLMPOP -1 1 a LEFT COUNT 1 COUNT 1", "BLMPOP nan 1 a RIGHT COUNT", "BLMOVE a b FOO LEFT x",
		"BLMOVE a b LEFT LEFT x", "BRPOPLPUSH a b -1", "BLPOP a inf", "BRPOP a 1e400",
	}},
	{"list-nodes", []string{
		// 2726 one-byte strings fill an 8 KB node; the next one starts
		// another; inserts near full nodes split and merge them.
		"RPUSH l " + strings.Repeat("a ", 2730), "DUMP l", "LPUSH l b", "DUMP l", "LINSERT l AFTER b c", "DUMP l",
		"LINSERT l BEFORE b d", "DUMP l", "LSET l 2 " + strings.Repeat("x", 100), "DUMP l", "LREM l 5 a", "DUMP l",
		"LTRIM l 3 -3", "DUMP l", "LLEN l", "LPOP l 2000", "DUMP l", "RPOP l 500", "DUMP l",
		"CONFIG SET list-max-listpack-size 3", "RPUSH m 1 2 3 4 5 6 7", "DUMP m", "LINSERT m AFTER 3 x", "DUMP m",
		"LINSERT m BEFORE 4 y", "DUMP m", "LINSERT m BEFORE 1 z", "DUMP m", "LINSERT m AFTER 7 w", "DUMP m",
		"LINSERT m AFTER 2 v", "DUMP m", "LRANGE m 0 -1", "RPUSH l e", "DUMP l",
		// Full nodes at the list's ends: a node of its own, no merge.
		"RPUSH e 1 2 3 4 5 6 7", "LREM e 0 5", "LREM e 0 6", "RPUSH e 8 9", "DUMP e", "LINSERT e AFTER 9 a", "DUMP e",
		"LINSERT e BEFORE 1 b", "DUMP e", "LINSERT e AFTER 3 c", "DUMP e",
		"CONFIG SET list-max-listpack-size -1", "RPUSH big " + strings.Repeat(strings.Repeat("q", 1000)+" ", 9),
		"DUMP big", "LINSERT big AFTER " + strings.Repeat("q", 1000) + " r", "DUMP big",
		"CONFIG SET list-max-listpack-size -2",
	}},
	{"list-dump-restore", []string{
		"RPUSH l a 1 -5000 70000 -9000000 3000000000 " + strings.Repeat("z", 70) + " " + strings.Repeat("y", 5000),
		"DUMP l", "RPUSH s " + strings.Repeat("hello ", 30), "DUMP s", "RPUSH one x", "DUMP one",
		`RESTORE two 0 "\x12\x02\x02\x0a\x0a\x00\x00\x00\x01\x00\x81a\x02\xff\x02\x0a\x0a\x00\x00\x00\x01\x00\x81a\x02\xff\x0a\x00\x88-*,\xc2\x070q"`,
		"LRANGE two 0 -1", "OBJECT ENCODING two", "TYPE two", "DUMP two", "RPUSH two b", "DUMP two",
		// An empty node is skipped, an empty list refused.
		`RESTORE skip 0 "\x12\x02\x02\x07\x07\x00\x00\x00\x00\x00\xff\x02\x0a\x0a\x00\x00\x00\x01\x00\x81a\x02\xff\x0a\x00@\xb7\xb8\x92C%@\xb1"`,
		"DUMP skip",
		`RESTORE e 0 "\x12\x01\x02\x07\x07\x00\x00\x00\x00\x00\xff\x0a\x00\xe4\xb0!\xa1\x07Cl\x1a"`,
		`RESTORE e 0 "\x12\x00\x0a\x00i\xf6\x84[j\x1b\xbfW"`, "EXISTS e",
		// A count of 65535 means "count them".
		`RESTORE unknown 0 "\x12\x01\x02\x0a\x0a\x00\x00\x00\xff\xff\x81a\x02\xff\x0a\x00d\xc1#=\xc4\xcds\x02"`,
		"LRANGE unknown 0 -1", "DUMP unknown",
		// Bad container, bad size, no end byte.
		`RESTORE bad 0 "\x12\x01\x03\x0a\x0a\x00\x00\x00\x01\x00\x81a\x02\xff\x0a\x000\x0c\x02\xe9\xb5/Q\xce"`,
		`RESTORE bad 0 "\x12\x01\x02\x0a\x09\x00\x00\x00\x01\x00\x81a\x02\xff\x0a\x00N\xee\xdf\xa3\x81\x04\x9f\xa4"`,
		`RESTORE bad 0 "\x12\x01\x02\x0a\x0a\x00\x00\x00\x01\x00\x81a\x02\x00\x0a\x00\x9dj4\xa9\xe9\x86GX"`,
		// RDB_TYPE_LIST, the old plain encoding.
		`RESTORE old 0 "\x01\x02\x01a\xc0\x05\x0a\x00G\xa3w\x89\xf0\xcf\xbb\x97"`, "LRANGE old 0 -1", "DUMP old",
		`RESTORE old2 0 "\x01\x00\x0a\x00[\xf8%\xccl\x17CV"`,
		// A plain node (an element of 1 GB or more in Redis).
		`RESTORE plain 0 "\x12\x01\x01\x03abc\x0a\x00\x0c7h\xde\x93\x60\x19Z"`, "LRANGE plain 0 -1",
		"RESTORE two 0 garbage REPLACE", "COPY two copy", "LRANGE copy 0 -1", "DUMP copy",
	}},
}

// listGenerators draw list commands over the shared keyspace.
var listGenerators = []weighted{
	{"lpush", 5, func(g *generator) []string { return cmdv("LPUSH", []string{g.key()}, g.listValues()...) }},
	{"rpush", 5, func(g *generator) []string { return cmdv("RPUSH", []string{g.key()}, g.listValues()...) }},
	{"lpushx", 2, func(g *generator) []string { return cmdv("LPUSHX", []string{g.key()}, g.listValues()...) }},
	{"rpushx", 2, func(g *generator) []string { return cmdv("RPUSHX", []string{g.key()}, g.listValues()...) }},
	{"lpop", 3, func(g *generator) []string {
		return cmdv("LPOP", []string{g.key()}, g.options(40, []string{g.listCount()})...)
	}},
	{"rpop", 3, func(g *generator) []string {
		return cmdv("RPOP", []string{g.key()}, g.options(40, []string{g.listCount()})...)
	}},
	{"llen", 2, func(g *generator) []string { return cmd("LLEN", g.key()) }},
	{"lrange", 3, func(g *generator) []string { return cmd("LRANGE", g.key(), g.index(), g.index()) }},
	{"lindex", 3, func(g *generator) []string { return cmd("LINDEX", g.key(), g.index()) }},
	{"lset", 2, func(g *generator) []string { return cmd("LSET", g.key(), g.index(), g.listValue()) }},
	{"linsert", 3, func(g *generator) []string {
		return cmd("LINSERT", g.key(), g.word(g.pick("BEFORE", "AFTER", "AFTER", "BEFORE", "MIDDLE")), g.listValue(), g.listValue())
	}},
	{"lrem", 2, func(g *generator) []string { return cmd("LREM", g.key(), g.index(), g.listValue()) }},
	{"ltrim", 2, func(g *generator) []string { return cmd("LTRIM", g.key(), g.index(), g.index()) }},
	{"lpos", 3, genLpos},
	{"lmove", 2, func(g *generator) []string { return cmd("LMOVE", g.key(), g.key(), g.listEnd(), g.listEnd()) }},
	{"rpoplpush", 2, func(g *generator) []string { return cmd("RPOPLPUSH", g.key(), g.key()) }},
	// LMPOP is left out until COMMAND GETKEYS can find its keys (see
	// infoExcluded); its cases above compare its replies.
}

// listValue is an element: mostly from a small set, so that commands find
// what others pushed, sometimes any value.
func (g *generator) listValue() string {
	if g.chance(70) {
		return g.pick("a", "b", "c", "1", "2", "-3", "100000", "01")
	}
	return g.value()
}

func (g *generator) listValues() []string {
	out := make([]string, 1+g.rnd.IntN(4))
	for i := range out {
		out[i] = g.listValue()
	}
	return out
}

func (g *generator) listCount() string {
	if g.chance(20) {
		return g.integer()
	}
	return strconv.Itoa(g.rnd.IntN(5))
}

func (g *generator) listEnd() string {
	if g.chance(5) {
		return g.word("UP")
	}
	return g.word(g.pick("LEFT", "RIGHT"))
}

func genLpos(g *generator) []string {
	rank := []string{g.word("RANK"), g.pick("1", "2", "-1", "-2", "0", "x", "-9223372036854775808")}
	count := []string{g.word("COUNT"), g.pick("0", "1", "2", "-1", "x")}
	maxlen := []string{g.word("MAXLEN"), g.pick("0", "1", "3", "-1")}
	return cmdv("LPOS", []string{g.key(), g.listValue()}, g.options(35, rank, count, maxlen)...)
}
