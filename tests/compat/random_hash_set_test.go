package compat

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRandomHashes and TestRandomSets run seeded random commands of the
// hash and set families, with the key commands that meet them, on a keyspace
// of six keys. Unlike TestRandom's hash generators they let values grow past
// hash-max-listpack-entries/-value and set-max-intset-entries (and change
// those limits now and then), so hashes and sets become hashtables, whose
// order is each server's hash function's. While they run, compareFor
// compares what a hashtable orders as multisets (hashSetComparer); the
// listpack and intset orders stay compared exactly by TestCases and
// TestRandom.
func TestRandomHashes(t *testing.T) {
	looseHashtableOrder(t)
	randomRun(t, append(slices.Clip(hashRandomGenerators), hashSetKeyGenerators...))
}

func TestRandomSets(t *testing.T) {
	looseHashtableOrder(t)
	randomRun(t, append(slices.Clip(setRandomGenerators), hashSetKeyGenerators...))
}

// hashtableOrder is true while TestRandomHashes or TestRandomSets runs:
// then hashSetComparer compares replies in hashtable order as multisets and
// random picks by what is determined of them. sent is every argument sent
// meanwhile: a set member or hash field a server picks at random must be
// one of them. (The tests of this package do not run in parallel.)
var hashtableOrder struct {
	on   bool
	sent map[string]bool
}

func looseHashtableOrder(t *testing.T) {
	hashtableOrder.on, hashtableOrder.sent = true, map[string]bool{}
	t.Cleanup(func() { hashtableOrder.on, hashtableOrder.sent = false, nil })
}

// hsKeys is the keyspace: few keys, so that commands meet each other's
// values; the empty and a binary key among them. hsBackup is where SPOP's
// generator keeps a copy (genSpop), never drawn as a key.
var hsKeys = []string{"k0", "k1", "k2", "k3", "", "k\x00\xff"}

const hsBackup = "spop-backup"

func (g *generator) hsKey() string { return hsKeys[g.rnd.IntN(len(hsKeys))] }

func (g *generator) hsKeyList(lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.hsKey()
	}
	return out
}

// hsPool holds the set members and hash fields the generators draw:
// integers that fit an intset's 16, 32 and 64 bits, some that do not (out of
// range, or not canonical), text, binary, the empty string and strings
// longer than hash-max-listpack-value.
var hsPool, hsSmallInts = func() ([]string, []string) {
	var ints []string
	for i := -3; i <= 12; i++ {
		ints = append(ints, strconv.Itoa(i))
	}
	pool := append([]string{"a", "b", "c", "d", "e", "-0", "007", "+1", " 1", "", "1.5", "inf", "f\x00\xff",
		"\xff\xfe\x00", "hello world", strings.Repeat("x", 65), strings.Repeat("ab", 40), "10000", "70000",
		"-70000", "2147483648", "5000000000", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809"}, ints...)
	return pool, ints
}()

// compactKey reports whether the generators keep k's value compact: k0
// and k1 get integers as set members (an intset, but for one member in
// twenty) and short fields and values as a hash (a listpack until a lowered
// limit converts it). The other keys get anything and soon become
// hashtables.
func compactKey(k string) bool { return k == "k0" || k == "k1" }

// hsMember is a set member or hash field for key k: half the time a small
// integer, so that sets stay intsets for a while.
func (g *generator) hsMember(k string) string {
	switch {
	case compactKey(k) && g.chance(95):
		if g.chance(20) {
			return g.pick("10000", "70000", "-70000", "2147483648", "-2147483649", "5000000000",
				"9223372036854775807", "-9223372036854775808")
		}
		return hsSmallInts[g.rnd.IntN(len(hsSmallInts))]
	case g.chance(50):
		return hsSmallInts[g.rnd.IntN(len(hsSmallInts))]
	}
	return hsPool[g.rnd.IntN(len(hsPool))]
}

func (g *generator) hsMembers(k string, lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.hsMember(k)
	}
	return out
}

// hashValueArg is a hash value for key k: value(), sometimes longer than
// hash-max-listpack-value, or a member.
func (g *generator) hashValueArg(k string) string {
	switch {
	case g.chance(30):
		return g.hsMember(k)
	case compactKey(k):
		return g.hvalue()
	}
	return g.value()
}

// randCount is a count for SPOP, SRANDMEMBER and HRANDFIELD: small, at
// least any set's size, zero, negative, or not a count. Never a huge
// negative one that is in range: Redis would build a reply of that many
// picks.
func (g *generator) randCount() string {
	if g.chance(15) {
		return g.pick("9223372036854775807", "-9223372036854775808", "9223372036854775808", "x", "1.5", "", "-0", "+1", "100")
	}
	return strconv.Itoa(g.rnd.IntN(16) - 5)
}

// genConfigLimit sets one of the encoding thresholds Redis 7.0 has
// (set-max-listpack-entries is 7.2's) to a value that makes conversions
// likely, or (as often) back to its default. Values already converted stay
// hashtables.
func genConfigLimit(names ...string) func(g *generator) []string {
	return func(g *generator) []string {
		name := g.pick(names...)
		v := g.pick("0", "1", "2", "4", "8", "16", "512", "512", "512", "512")
		if strings.HasSuffix(name, "-value") {
			v = g.pick("0", "1", "3", "8", "16", "64", "64", "64", "64")
		}
		return cmd("CONFIG", g.word("SET"), name, v)
	}
}

// elemPattern is a MATCH pattern for HSCAN and SSCAN.
func (g *generator) elemPattern() string {
	return g.pick("*", "a*", "1*", "[ab]", "-*", "*0*", "?", "", "x*", "[0-5]", "f\x00*", "\\*")
}

// genElementScan is HSCAN or SSCAN: mostly a whole scan in one call
// (cursor 0, a COUNT above any value's size), which every encoding answers
// with cursor 0, else a random cursor, COUNT and options, which on a
// hashtable returns what each server's hash order puts first.
func genElementScan(name string) func(g *generator) []string {
	return func(g *generator) []string {
		if g.chance(70) {
			args := cmd(name, g.hsKey(), "0")
			args = append(args, g.options(40, []string{g.word("MATCH"), g.elemPattern()})...)
			return append(args, g.word("COUNT"), "1000")
		}
		args := cmd(name, g.hsKey(), g.pick("0", "1", "7", "12345", "-1", "x", "18446744073709551615", "18446744073709551616"))
		return append(args, g.options(50,
			[]string{g.word("MATCH"), g.elemPattern()},
			[]string{g.word("COUNT"), g.pick("1", "2", "5", "0", "-1", "x", "1000")},
			[]string{g.word("TYPE"), g.pick("hash", "set")},
			g.words("NOVALUES"))...)
	}
}

// keyed draws a key and passes it to gen, for the commands whose
// arguments depend on it (see compactKey).
func keyed(gen func(g *generator, k string) []string) func(g *generator) []string {
	return func(g *generator) []string { return gen(g, g.hsKey()) }
}

func genHashSet(name string) func(g *generator) []string {
	return func(g *generator) []string {
		k := g.hsKey()
		args := []string{name, k}
		for range 1 + g.rnd.IntN(4) {
			args = append(args, g.hsMember(k), g.hashValueArg(k))
		}
		return args
	}
}

var hashRandomGenerators = []weighted{
	{"hset", 8, genHashSet("HSET")},
	{"hmset", 2, genHashSet("HMSET")},
	{"hsetnx", 3, keyed(func(g *generator, k string) []string { return cmd("HSETNX", k, g.hsMember(k), g.hashValueArg(k)) })},
	{"hget", 5, keyed(func(g *generator, k string) []string { return cmd("HGET", k, g.hsMember(k)) })},
	{"hmget", 3, keyed(func(g *generator, k string) []string { return cmdv("HMGET", []string{k}, g.hsMembers(k, 1, 4)...) })},
	{"hgetall", 3, func(g *generator) []string { return cmd("HGETALL", g.hsKey()) }},
	{"hdel", 4, keyed(func(g *generator, k string) []string { return cmdv("HDEL", []string{k}, g.hsMembers(k, 1, 4)...) })},
	{"hexists", 2, keyed(func(g *generator, k string) []string { return cmd("HEXISTS", k, g.hsMember(k)) })},
	{"hlen", 2, func(g *generator) []string { return cmd("HLEN", g.hsKey()) }},
	{"hkeys", 2, func(g *generator) []string { return cmd("HKEYS", g.hsKey()) }},
	{"hvals", 2, func(g *generator) []string { return cmd("HVALS", g.hsKey()) }},
	{"hincrby", 4, keyed(func(g *generator, k string) []string { return cmd("HINCRBY", k, g.hsMember(k), g.integer()) })},
	{"hincrbyfloat", 4, keyed(func(g *generator, k string) []string { return cmd("HINCRBYFLOAT", k, g.hsMember(k), g.hfloat()) })},
	{"hstrlen", 2, keyed(func(g *generator, k string) []string { return cmd("HSTRLEN", k, g.hsMember(k)) })},
	{"hscan", 3, genElementScan("HSCAN")},
	{"hrandfield", 4, func(g *generator) []string {
		k := g.hsKey()
		if g.chance(25) {
			return g.unmutated(k, cmd("HRANDFIELD", k))
		}
		args := cmd("HRANDFIELD", k, g.randCount())
		if g.chance(50) {
			args = append(args, g.word(g.pick("WITHVALUES", "WITHVALUES", "WITHVALUE")))
		}
		return args
	}},
	{"config|set", 1, genConfigLimit("hash-max-listpack-entries", "hash-max-listpack-value", "hash-max-ziplist-entries", "hash-max-ziplist-value")},
	{"rpush", 1, func(g *generator) []string {
		args := cmd("RPUSH", hsSortList)
		for range 1 + g.rnd.IntN(4) {
			e := g.pick(sortElems...)
			if g.chance(3) {
				e = "x"
			}
			args = append(args, e)
		}
		g.queued = append(g.queued, cmd("LTRIM", hsSortList, "-8", "-1"))
		return args
	}},
	{"sort", 3, genSortByHash},
}

// hsSortList is the list genSortByHash sorts, up to eight of sortElems
// (or sometimes whatever a key of the keyspace holds).
const hsSortList = "sort-list"

// sortElems are list elements for SORT to weigh and look up by: the
// names of the keys after "k" or by themselves; now and then "x", which
// numeric sorting refuses, is pushed too (no NUL: ALPHA compares with
// strcoll, for which "" and "\x00x" tie in an order Redis leaves to its
// qsort).
var sortElems = []string{"0", "1", "2", "3", "", "10", "-1"}

// genSortByHash sorts a list (or whatever a key holds) by hash fields and
// gets hash fields, of the keys the elements name: BY and GET patterns with
// "->". Never ALPHA with BY, whose ties Redis leaves to its qsort. The HSCAN
// from cursor 0 sent first clears errno (see genSortSet).
func genSortByHash(g *generator) []string {
	k := hsSortList
	if g.chance(20) {
		k = g.hsKey()
	}
	pattern := func() string {
		return g.pick("k*->", "*->", "k*", "k*->", "k*->") + g.pick("a", "1", "-1", "", "0", "a->b")
	}
	args := cmd(g.word("SORT"), k)
	switch g.rnd.IntN(3) {
	case 0:
		args = append(args, g.word("BY"), g.pick(pattern(), "nosort", "k*", "k*-"))
	case 1:
		args = append(args, g.word("ALPHA"))
	}
	for range g.rnd.IntN(3) {
		args = append(args, g.word("GET"), g.pick("#", pattern()))
	}
	args = append(args, g.options(30, g.words("DESC"),
		[]string{g.word("LIMIT"), g.pick("0", "1"), g.pick("2", "-1")},
		[]string{g.word("STORE"), g.hsKey()})...)
	g.queued = append(g.queued, args)
	return cmd("HSCAN", k, "0", "COUNT", "1000")
}

var setRandomGenerators = []weighted{
	{"sadd", 10, keyed(func(g *generator, k string) []string { return cmdv("SADD", []string{k}, g.hsMembers(k, 1, 5)...) })},
	{"srem", 4, keyed(func(g *generator, k string) []string { return cmdv("SREM", []string{k}, g.hsMembers(k, 1, 4)...) })},
	{"smembers", 3, func(g *generator) []string { return cmd("SMEMBERS", g.hsKey()) }},
	{"sismember", 3, keyed(func(g *generator, k string) []string { return cmd("SISMEMBER", k, g.hsMember(k)) })},
	{"smismember", 2, keyed(func(g *generator, k string) []string { return cmdv("SMISMEMBER", []string{k}, g.hsMembers(k, 1, 4)...) })},
	{"scard", 3, func(g *generator) []string { return cmd("SCARD", g.hsKey()) }},
	{"spop", 4, genSpop},
	{"srandmember", 4, func(g *generator) []string {
		k := g.hsKey()
		if g.chance(25) {
			return g.unmutated(k, cmd("SRANDMEMBER", k))
		}
		return cmd("SRANDMEMBER", k, g.randCount())
	}},
	{"smove", 3, keyed(func(g *generator, k string) []string { return cmd("SMOVE", g.hsKey(), k, g.hsMember(k)) })},
	{"sinter", 2, func(g *generator) []string { return cmdv("SINTER", g.hsKeyList(1, 3)) }},
	{"sunion", 2, func(g *generator) []string { return cmdv("SUNION", g.hsKeyList(1, 3)) }},
	{"sdiff", 2, func(g *generator) []string { return cmdv("SDIFF", g.hsKeyList(1, 3)) }},
	{"sinterstore", 2, func(g *generator) []string { return cmdv("SINTERSTORE", g.hsKeyList(2, 4)) }},
	{"sunionstore", 2, func(g *generator) []string { return cmdv("SUNIONSTORE", g.hsKeyList(2, 4)) }},
	{"sdiffstore", 2, func(g *generator) []string { return cmdv("SDIFFSTORE", g.hsKeyList(2, 4)) }},
	{"sintercard", 2, genSintercard},
	{"sscan", 3, genElementScan("SSCAN")},
	{"sort", 1, genSortSet},
	{"config|set", 1, genConfigLimit("set-max-intset-entries")},
}

// unmutated queues args to be sent as they are, and returns a TYPE of key
// k for next to mutate at will. SRANDMEMBER and HRANDFIELD without a count
// go this way: next's "one argument too many" could give them a huge
// negative count, for which redis-server would build a reply of that many
// picks.
func (g *generator) unmutated(k string, args []string) []string {
	g.queued = append(g.queued, args)
	return cmd("TYPE", k)
}

// genSpop pops from a copy-protected set, so that both keyspaces agree
// again afterwards whatever each server picked: SCARD (which a stray
// argument may break harmlessly), then COPY the key aside, SPOP, check
// what is left (its size, and that it is a subset of the copy), and
// RENAME the copy back. What is left is not asked for its encoding: when
// SPOP keeps few members Redis builds a new set of them, an intset if they
// happen to be all integers. The pop's own reply is compared by
// randomPicked; the queued commands are sent as they are.
func genSpop(g *generator) []string {
	k := g.hsKey()
	pop := cmd(g.word("SPOP"), k)
	switch g.rnd.IntN(8) {
	case 0:
	case 1:
		pop = append(pop, g.randCount(), g.randCount())
	default:
		pop = append(pop, g.randCount())
	}
	g.queued = append(g.queued,
		cmd("COPY", k, hsBackup, "REPLACE"),
		pop,
		cmd("SCARD", k),
		cmd("SDIFF", k, hsBackup),
		cmd("RENAME", hsBackup, k))
	return cmd("SCARD", k)
}

func genSintercard(g *generator) []string {
	keys := g.hsKeyList(1, 3)
	n := strconv.Itoa(len(keys))
	if g.chance(10) {
		n = g.pick("0", "-1", "x", "4", "")
	}
	args := cmdv("SINTERCARD", append([]string{n}, keys...))
	if g.chance(40) {
		args = append(args, g.word("LIMIT"), g.pick("0", "1", "2", "5", "-1", "x"))
	}
	return args
}

// genSortSet sorts a set (never BY nosort, which leaves a set in its
// hashtable order), after an SSCAN from cursor 0. That scan clears errno in
// redis-server, which 7.0's SORT reads after strtod without clearing it:
// once anything on its thread left ERANGE there (an out-of-range SCAN
// cursor, say), every numeric SORT fails with "One or more scores can't be
// converted into double" until something clears it. Shoal has no such
// state to emulate.
func genSortSet(g *generator) []string {
	k := g.hsKey()
	args := cmd(g.word("SORT"), k)
	args = append(args, g.options(40, g.words("ALPHA"), g.words(g.pick("ASC", "DESC")),
		[]string{g.word("LIMIT"), g.pick("0", "1", "-1"), g.pick("2", "5", "-1")},
		[]string{g.word("STORE"), g.hsKey()})...)
	g.queued = append(g.queued, args)
	return cmd("SSCAN", k, "0", "COUNT", "1000")
}

// hashSetKeyGenerators are the key commands that meet hashes and sets, and
// string and list writes for WRONGTYPE.
var hashSetKeyGenerators = []weighted{
	{"del", 2, func(g *generator) []string { return cmdv("DEL", g.hsKeyList(1, 2)) }},
	{"exists", 1, func(g *generator) []string { return cmdv("EXISTS", g.hsKeyList(1, 3)) }},
	{"type", 1, func(g *generator) []string { return cmd("TYPE", g.hsKey()) }},
	{"expire", 1, func(g *generator) []string { return cmd("EXPIRE", g.hsKey(), strconv.Itoa(1000+g.rnd.IntN(100000))) }},
	{"ttl", 1, func(g *generator) []string { return cmd("TTL", g.hsKey()) }},
	{"rename", 1, func(g *generator) []string { return cmd("RENAME", g.hsKey(), g.hsKey()) }},
	{"copy", 1, func(g *generator) []string {
		return cmdv("COPY", []string{g.hsKey(), g.hsKey()}, g.options(50, g.words("REPLACE"))...)
	}},
	{"object|encoding", 4, func(g *generator) []string { return cmd("OBJECT", g.word("ENCODING"), g.hsKey()) }},
	{"dump", 2, func(g *generator) []string { return cmd("DUMP", g.hsKey()) }},
	{"restore", 2, func(g *generator) []string {
		args := genRestore(g)
		args[1] = g.hsKey()
		return args
	}},
	{"set", 1, func(g *generator) []string { return cmd("SET", g.hsKey(), g.value()) }},
	{"lpush", 1, func(g *generator) []string { return cmd("LPUSH", g.hsKey(), g.value()) }},
}

// hashSetComparer returns how the replies of a hash or set command that
// depend on a hashtable's order or on chance are compared while
// hashtableOrder is set, or nil.
func hashSetComparer(name string, args []string) comparer {
	if !hashtableOrder.on {
		return nil
	}
	for _, a := range args[1:] {
		hashtableOrder.sent[a] = true
	}
	switch name {
	case "smembers", "sinter", "sunion", "sdiff", "hkeys", "hvals":
		return unordered
	case "hgetall":
		return pairsUnordered
	case "sscan", "hscan":
		return elementScanned(args, name == "hscan")
	case "spop", "srandmember", "hrandfield":
		return randomPicked(name, args)
	case "dump":
		return dumped
	}
	return nil
}

// elementScanned compares SSCAN and HSCAN (pairs) replies. Two whole scans
// (from cursor 0 back to 0 in one call) must hold the same members. Else
// the value is a hashtable scanned in part (a listpack or intset always
// comes whole), whose buckets hold what each server's hash function puts
// there: then Shoal's reply need only be a well-formed step of the scan, of
// distinct members that were sent.
func elementScanned(args []string, pairs bool) comparer {
	return func(a, b reply) bool {
		if exact(a, b) {
			return true
		}
		if a.kind != '*' || b.kind != '*' || len(a.elems) != 2 || len(b.elems) != 2 {
			return false
		}
		same := unordered
		if pairs {
			same = pairsUnordered
		}
		ca, cb := a.elems[0].body, b.elems[0].body
		if len(args) > 2 && args[2] == "0" && ca == "0" && cb == "0" {
			return same(a.elems[1], b.elems[1])
		}
		if _, err := strconv.ParseUint(cb, 10, 64); err != nil {
			return false
		}
		return validPicks(b.elems[1], pairs, true)
	}
}

// validPicks reports whether r is an array of distinct (when unique)
// members that were sent, or of field-value pairs (flat) whose fields
// were.
func validPicks(r reply, pairs, unique bool) bool {
	if r.kind != '*' && r.kind != '~' {
		return false
	}
	step := 1
	if pairs {
		step = 2
		if len(r.elems)%2 != 0 {
			return false
		}
	}
	seen := map[string]bool{}
	for i := 0; i < len(r.elems); i += step {
		e := r.elems[i]
		if e.kind == '*' && len(e.elems) == 2 { // a RESP3 field-value pair
			e = e.elems[0]
		}
		if e.kind != '$' || !hashtableOrder.sent[e.body] || unique && seen[e.body] {
			return false
		}
		seen[e.body] = true
	}
	return true
}

// randomPicked compares SPOP, SRANDMEMBER and HRANDFIELD by what is
// determined: errors exactly; a single pick by being null on both or a
// member that was sent; a count's reply by its type and length, and its
// picks by having been sent and being distinct for a positive count. A
// positive count that got fewer picks than it asked for got the whole
// value: then both replies hold the same members (or pairs).
func randomPicked(name string, args []string) comparer {
	withValues := name == "hrandfield" && len(args) == 4
	return func(a, b reply) bool {
		if exact(a, b) {
			return true
		}
		if a.kind == '-' || b.kind == '-' || a.kind != b.kind {
			return false
		}
		if len(args) == 2 { // one pick
			aNull, bNull := a.kind == '_' || a.head == "-1", b.kind == '_' || b.head == "-1"
			return aNull == bNull && (bNull || b.kind == '$' && hashtableOrder.sent[b.body])
		}
		if !a.isAggregate() || !b.isAggregate() || len(a.elems) != len(b.elems) {
			return false
		}
		count, _ := strconv.ParseInt(args[2], 10, 64)
		flat := withValues && (len(b.elems) == 0 || b.elems[0].kind != '*')
		picks := len(a.elems)
		if flat {
			picks /= 2
		}
		if count > 0 && int64(picks) < count { // the whole value
			if flat {
				return pairsUnordered(a, b)
			}
			return unordered(a, b)
		}
		return validPicks(b, flat, count > 0)
	}
}

// dumped compares DUMP payloads: exactly, but for a set or hash in the
// hashtable encoding (RDB types 2 and 4), whose members Redis writes in its
// dict's order: those must hold the same encoded elements (or field-value
// pairs), each byte for byte, and the same RDB version; the checksum,
// which covers the order, is not compared.
func dumped(a, b reply) bool {
	if exact(a, b) {
		return true
	}
	if a.kind != '$' || b.kind != '$' || a.head == "-1" || b.head == "-1" {
		return false
	}
	x, xok := rdbCollection(a.body)
	y, yok := rdbCollection(b.body)
	if !xok || !yok || x.typ != y.typ || x.version != y.version || len(x.elems) != len(y.elems) {
		return false
	}
	group := 1
	if x.typ == 4 {
		group = 2
	}
	return slices.Equal(groupedSorted(x.elems, group), groupedSorted(y.elems, group))
}

func groupedSorted(elems []string, group int) []string {
	var out []string
	for i := 0; i+group <= len(elems); i += group {
		out = append(out, strings.Join(elems[i:i+group], "\x00|"))
	}
	slices.Sort(out)
	return out
}

// rdbCollection is a DUMP payload of a set (type 2) or hash (type 4) in the
// hashtable encoding, split into its elements' raw encodings.
type rdbCollectionPayload struct {
	typ     byte
	elems   []string
	version string
}

func rdbCollection(p string) (rdbCollectionPayload, bool) {
	var out rdbCollectionPayload
	if len(p) < 11 || p[0] != 2 && p[0] != 4 {
		return out, false
	}
	out.typ = p[0]
	n, i, ok := rdbLen(p, 1)
	if !ok {
		return out, false
	}
	if out.typ == 4 {
		n *= 2
	}
	for range n {
		end, ok := rdbStringEnd(p, i)
		if !ok {
			return out, false
		}
		out.elems = append(out.elems, p[i:end])
		i = end
	}
	if len(p)-i != 10 {
		return out, false
	}
	out.version = p[i : i+2]
	return out, true
}

// rdbLen reads an RDB length at p[i]; special reports an encoded string
// (the low six bits then say which).
func rdbLen(p string, i int) (n uint64, next int, ok bool) {
	if i >= len(p) {
		return 0, i, false
	}
	c := p[i]
	switch c >> 6 {
	case 0:
		return uint64(c & 0x3f), i + 1, true
	case 1:
		if i+2 > len(p) {
			return 0, i, false
		}
		return uint64(c&0x3f)<<8 | uint64(p[i+1]), i + 2, true
	case 2:
		size := 4
		if c == 0x81 {
			size = 8
		} else if c != 0x80 {
			return 0, i, false
		}
		if i+1+size > len(p) {
			return 0, i, false
		}
		for _, b := range []byte(p[i+1 : i+1+size]) {
			n = n<<8 | uint64(b)
		}
		return n, i + 1 + size, true
	}
	return 0, i, false
}

// rdbStringEnd returns where the RDB string at p[i] ends: a length and
// bytes, an 8, 16 or 32-bit integer, or LZF-compressed bytes.
func rdbStringEnd(p string, i int) (int, bool) {
	if i >= len(p) {
		return 0, false
	}
	if p[i]>>6 != 3 {
		n, next, ok := rdbLen(p, i)
		end := next + int(n)
		return end, ok && n <= uint64(len(p)) && end <= len(p)
	}
	switch p[i] & 0x3f {
	case 0, 1, 2:
		end := i + 1 + 1<<(p[i]&0x3f)
		return end, end <= len(p)
	case 3:
		clen, next, ok := rdbLen(p, i+1)
		if !ok {
			return 0, false
		}
		_, next, ok = rdbLen(p, next)
		end := next + int(clen)
		return end, ok && clen <= uint64(len(p)) && end <= len(p)
	}
	return 0, false
}
