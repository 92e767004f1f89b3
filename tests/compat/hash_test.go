package compat

import (
	"math"
	"strconv"
)

// The hash family's random commands and hand-written cases, added to the
// shared lists when the package starts.
func init() {
	generators = append(generators, hashGenerators...)
	cases = append(cases, hashCases...)
}

// hashGenerators keep hashes small and their strings short, so that they
// stay listpacks, whose order, HSCAN replies and DUMP payloads are the
// same on both servers (a hashtable's order is its hash function's).
// HRANDFIELD is only drawn where its reply is not random.
var hashGenerators = []weighted{
	{"hset", 6, genHset("HSET")},
	{"hmset", 2, genHset("HMSET")},
	{"hsetnx", 2, func(g *generator) []string { return cmd("HSETNX", g.key(), g.hfield(), g.hvalue()) }},
	{"hget", 4, func(g *generator) []string { return cmd("HGET", g.key(), g.hfield()) }},
	{"hmget", 2, func(g *generator) []string { return cmdv("HMGET", []string{g.key()}, g.hfields(1, 4)...) }},
	{"hgetall", 2, func(g *generator) []string { return cmd("HGETALL", g.key()) }},
	{"hkeys", 1, func(g *generator) []string { return cmd("HKEYS", g.key()) }},
	{"hvals", 1, func(g *generator) []string { return cmd("HVALS", g.key()) }},
	{"hlen", 2, func(g *generator) []string { return cmd("HLEN", g.key()) }},
	{"hexists", 2, func(g *generator) []string { return cmd("HEXISTS", g.key(), g.hfield()) }},
	{"hstrlen", 2, func(g *generator) []string { return cmd("HSTRLEN", g.key(), g.hfield()) }},
	{"hdel", 3, func(g *generator) []string { return cmdv("HDEL", []string{g.key()}, g.hfields(1, 3)...) }},
	{"hincrby", 3, func(g *generator) []string { return cmd("HINCRBY", g.key(), g.hfield(), g.integer()) }},
	{"hincrbyfloat", 3, func(g *generator) []string { return cmd("HINCRBYFLOAT", g.key(), g.hfield(), g.hfloat()) }},
	{"hscan", 2, genHscan},
	{"hrandfield", 2, genHrandfield},
}

func genHset(name string) func(g *generator) []string {
	return func(g *generator) []string {
		args := []string{name, g.key()}
		for range 1 + g.rnd.IntN(3) {
			args = append(args, g.hfield(), g.hvalue())
		}
		return args
	}
}

// hfield is a field name: letters, integers (which a listpack stores as
// numbers), strings that only look like integers, empty and binary.
func (g *generator) hfield() string {
	return g.pick("a", "b", "c", "d", "1", "-2", "007", "", "f\x00\xff", "9223372036854775807", "-0")
}

func (g *generator) hfields(lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.hfield()
	}
	return out
}

// hvalue is value() short enough to stay in a listpack.
func (g *generator) hvalue() string {
	for {
		if v := g.value(); len(v) <= 64 {
			return v
		}
	}
}

// hfloat is an increment that keeps sums short: finite and below 1e15,
// or not a number at all.
func (g *generator) hfloat() string {
	for {
		s := g.float()
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Abs(f) < 1e15 {
			return s
		}
	}
}

// genHscan: a listpack comes whole whatever the cursor and COUNT.
func genHscan(g *generator) []string {
	args := cmd("HSCAN", g.key(), g.pick("0", "0", "7", "-1", "x", "18446744073709551616"))
	return append(args, g.options(40,
		[]string{g.word("MATCH"), g.pick("a*", "*", "[ab]", "1*", "", "-*")},
		[]string{g.word("COUNT"), g.pick("1", "10", "0", "-1", "x")})...)
}

// genHrandfield draws the deterministic forms: a count at least the size
// (the whole hash, in order), zero, or a bad one; always WITHVALUES, so
// that a dropped last argument still leaves a count.
func genHrandfield(g *generator) []string {
	count := g.pick("100", "9223372036854775807", "0", "x", "-9223372036854775808", "4611686018427387904", "1.5")
	return cmd("HRANDFIELD", g.key(), count, g.word("WITHVALUES"))
}

var hashCases = []lineCase{
	{"hash-basics", []string{
		"HSET h", "HSET h f", "HSET h f v x", "HMSET h f v x", "HGET h a", "HGETALL h", "HSET h a 1 b 2 a 3", "HMSET h c 4",
		"HSETNX h a 9", "HSETNX h d 5", "HGETALL h", "HKEYS h", "HVALS h", "HMGET h a x d", "HLEN h", "HEXISTS h a",
		"HSTRLEN h a", `HSET h "" "" 007 x -0 y 12 z`, "HGET h 12", "HGET h 7", `HSTRLEN h ""`, "HDEL h a x a", "HDEL h b c d",
		`HDEL h "" 007 -0 12`, "EXISTS h", "SET s v", "HGET s a", "HSET s a 1", "HGETALL s", "HLEN s", "HDEL s a",
	}},
	{"hash-incr", []string{
		"HINCRBY h a 5", "HINCRBY h a -10", "HSET h b x c 1.5 m 9223372036854775807", "HINCRBY h b 1", "HINCRBY h c 1",
		"HINCRBY h m 1", "HINCRBY h a x", "HINCRBYFLOAT h c 0.1", "HINCRBYFLOAT h t 0.1", "HINCRBYFLOAT h t 0.2",
		"HINCRBYFLOAT h b 1", "HINCRBYFLOAT h c inf", "HINCRBYFLOAT h c nan", "HSET h i inf", "HINCRBYFLOAT h i 1",
		"HINCRBYFLOAT h m 1", "HINCRBYFLOAT h e 1e-20", "HINCRBYFLOAT h e 0x10", "HGETALL h",
	}},
	{"hash-scan-randfield", []string{
		"HSET h a 1 b 2 10 x", "HSCAN h 0", "HSCAN h 9 COUNT 1 MATCH [a1]*", "HSCAN h x", "HSCAN h 0 COUNT 0",
		"HSCAN h 0 TYPE hash", "HSCAN h 0 NOVALUES", "HSCAN missing 0 COUNT 0", "HRANDFIELD h 3", "HRANDFIELD h 5 WITHVALUES",
		"HRANDFIELD h 0", "HRANDFIELD missing", "HRANDFIELD missing -3 WITHVALUES", "HRANDFIELD h -9223372036854775808",
		"HRANDFIELD h -4611686018427387904 WITHVALUES", "HRANDFIELD h 1 WITHVALUE", "HSET one f v", "HRANDFIELD one",
		"HRANDFIELD one -3 WITHVALUES",
	}},
	{"hash-encoding", []string{
		"CONFIG SET hash-max-listpack-entries 3", "CONFIG SET hash-max-listpack-value 4", "HSET e a 1 b 2 c 3",
		"OBJECT ENCODING e", "HSET e d 4", "OBJECT ENCODING e", "HDEL e a b c", "OBJECT ENCODING e", "HSET f a 1 a 2 a 3 a 4",
		"OBJECT ENCODING f", "HSET g abcd abcd", "OBJECT ENCODING g", "HSETNX g abcd abcdefgh", "OBJECT ENCODING g",
		"HINCRBY g n 12345", "OBJECT ENCODING g", "HINCRBYFLOAT i f 1.5", "OBJECT ENCODING i", "DUMP i", "HGETALL e",
		"CONFIG SET hash-max-listpack-entries 512", "CONFIG SET hash-max-listpack-value 64",
	}},
	// A listpack left longer than a lowered hash-max-listpack-entries
	// converts on its next write, an update too (not on HSETNX's no-op).
	{"hash-update-converts", []string{
		"HSET u a 1 b 2 c 3", "HSET i a 1 b 2 c 3", "HSET f a 1 b 2 c 3", "HSET n a 1 b 2 c 3",
		"CONFIG SET hash-max-listpack-entries 2", "OBJECT ENCODING u", "HSET u a 5", "OBJECT ENCODING u",
		"HINCRBY i a 1", "OBJECT ENCODING i", "HINCRBYFLOAT f a 1", "OBJECT ENCODING f", "HSETNX n a 1",
		"OBJECT ENCODING n", "HDEL n a", "OBJECT ENCODING n", "HMSET n b 2", "OBJECT ENCODING n",
		"CONFIG SET hash-max-listpack-entries 512",
	}},
}
