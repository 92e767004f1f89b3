package compat

import (
	"strconv"
	"strings"
)

// generators are the commands TestRandom draws from, by their COMMAND LIST
// name, with a weight. Left out on purpose: commands that end or change
// the connection (QUIT, RESET, HELLO, AUTH with a user, SHUTDOWN,
// CLIENT KILL of a real client), answers that differ between any two
// servers and are covered by TestCases (INFO, CLIENT LIST, COMMAND
// COUNT/LIST/DOCS, which list Redis's many more commands), CONFIG SET
// (global; TestCases), and CLIENT SETINFO, which Shoal takes from Redis 7.2
// because client libraries send it on connecting, while Redis 7.0 does not
// have it.
var generators = []weighted{
	// strings
	{"get", 6, func(g *generator) []string { return cmd("GET", g.key()) }},
	{"set", 10, genSet},
	{"setnx", 2, func(g *generator) []string { return cmd("SETNX", g.key(), g.value()) }},
	{"setex", 2, func(g *generator) []string { return cmd("SETEX", g.key(), g.ttl(false), g.value()) }},
	{"psetex", 2, func(g *generator) []string { return cmd("PSETEX", g.key(), g.ttl(true), g.value()) }},
	{"mget", 3, func(g *generator) []string { return cmdv("MGET", g.keys(1, 4)) }},
	{"mset", 3, genMset("MSET")},
	{"msetnx", 2, genMset("MSETNX")},
	{"getset", 2, func(g *generator) []string { return cmd("GETSET", g.key(), g.value()) }},
	{"getdel", 2, func(g *generator) []string { return cmd("GETDEL", g.key()) }},
	{"getex", 3, genGetex},
	{"append", 3, func(g *generator) []string { return cmd("APPEND", g.key(), g.value()) }},
	{"strlen", 2, func(g *generator) []string { return cmd("STRLEN", g.key()) }},
	{"incr", 4, func(g *generator) []string { return cmd("INCR", g.key()) }},
	{"decr", 3, func(g *generator) []string { return cmd("DECR", g.key()) }},
	{"incrby", 3, func(g *generator) []string { return cmd("INCRBY", g.key(), g.integer()) }},
	{"decrby", 3, func(g *generator) []string { return cmd("DECRBY", g.key(), g.integer()) }},
	{"incrbyfloat", 6, func(g *generator) []string { return cmd("INCRBYFLOAT", g.key(), g.float()) }},
	{"getrange", 3, func(g *generator) []string { return cmd("GETRANGE", g.key(), g.index(), g.index()) }},
	{"substr", 1, func(g *generator) []string { return cmd("SUBSTR", g.key(), g.index(), g.index()) }},
	{"setrange", 3, genSetrange},
	{"lcs", 2, genLcs},

	// bitmaps
	{"setbit", 4, func(g *generator) []string {
		return cmd("SETBIT", g.key(), g.bitOffset(), g.pick("0", "1", "1", "2", "-1"))
	}},
	{"getbit", 3, func(g *generator) []string { return cmd("GETBIT", g.key(), g.bitOffset()) }},
	{"bitcount", 3, genBitcount},
	{"bitpos", 3, genBitpos},
	{"bitop", 3, genBitop},
	{"bitfield", 4, func(g *generator) []string { return g.bitfield("BITFIELD", true) }},
	{"bitfield_ro", 2, func(g *generator) []string { return g.bitfield("BITFIELD_RO", false) }},

	// keys and TTLs
	{"del", 3, func(g *generator) []string { return cmdv("DEL", g.keys(1, 3)) }},
	{"unlink", 1, func(g *generator) []string { return cmdv("UNLINK", g.keys(1, 3)) }},
	{"exists", 3, func(g *generator) []string { return cmdv("EXISTS", g.keys(1, 4)) }},
	{"touch", 1, func(g *generator) []string { return cmdv("TOUCH", g.keys(1, 3)) }},
	{"type", 2, func(g *generator) []string { return cmd("TYPE", g.key()) }},
	{"expire", 3, genExpire("EXPIRE", func(g *generator) string { return g.ttl(false) })},
	{"pexpire", 2, genExpire("PEXPIRE", func(g *generator) string { return g.ttl(true) })},
	{"expireat", 2, genExpire("EXPIREAT", func(g *generator) string { return g.at(false) })},
	{"pexpireat", 2, genExpire("PEXPIREAT", func(g *generator) string { return g.at(true) })},
	{"ttl", 3, func(g *generator) []string { return cmd("TTL", g.key()) }},
	{"pttl", 2, func(g *generator) []string { return cmd("PTTL", g.key()) }},
	{"expiretime", 2, func(g *generator) []string { return cmd("EXPIRETIME", g.key()) }},
	{"pexpiretime", 2, func(g *generator) []string { return cmd("PEXPIRETIME", g.key()) }},
	{"persist", 2, func(g *generator) []string { return cmd("PERSIST", g.key()) }},
	{"keys", 2, func(g *generator) []string { return cmd("KEYS", g.pattern()) }},
	{"scan", 2, genScan},
	{"randomkey", 1, func(g *generator) []string { return cmd("RANDOMKEY") }},
	{"rename", 2, func(g *generator) []string { return cmd("RENAME", g.key(), g.key()) }},
	{"renamenx", 2, func(g *generator) []string { return cmd("RENAMENX", g.key(), g.key()) }},
	{"copy", 2, genCopy},
	{"move", 2, func(g *generator) []string { return cmd("MOVE", g.key(), g.db()) }},
	{"object|encoding", 3, func(g *generator) []string { return cmd("OBJECT", g.word("ENCODING"), g.key()) }},
	{"object|refcount", 1, func(g *generator) []string { return cmd("OBJECT", g.word("REFCOUNT"), g.key()) }},
	{"object|idletime", 1, func(g *generator) []string { return cmd("OBJECT", g.word("IDLETIME"), g.key()) }},
	{"object|freq", 1, func(g *generator) []string { return cmd("OBJECT", g.word("FREQ"), g.key()) }},
	{"memory|usage", 1, func(g *generator) []string {
		return cmdv("MEMORY", []string{g.word("USAGE"), g.key()}, g.options(30, []string{g.word("SAMPLES"), g.integer()})...)
	}},
	{"dump", 2, func(g *generator) []string { return cmd("DUMP", g.key()) }},
	{"restore", 2, genRestore},
	// WAIT 1 0 would block Redis for ever (it has no replicas), and WAIT 1
	// 1 takes it up to 100 ms: TestCases has those.
	{"wait", 1, func(g *generator) []string { return cmd("WAIT", g.pick("0", "-1", "x"), g.pick("1", "x", "-1")) }},

	// connection
	{"ping", 1, func(g *generator) []string { return cmdv("PING", g.options(30, []string{g.value()})) }},
	{"echo", 1, func(g *generator) []string { return cmd("ECHO", g.value()) }},
	{"select", 3, func(g *generator) []string { return cmd("SELECT", g.db()) }},
	{"auth", 1, func(g *generator) []string {
		return cmdv("AUTH", g.options(50, []string{g.pick("default", "nobody")}), g.value())
	}},
	{"client|getname", 1, func(g *generator) []string { return cmd("CLIENT", g.word("GETNAME")) }},
	{"client|setname", 1, func(g *generator) []string {
		return cmd("CLIENT", g.word("SETNAME"), g.pick("", "conn", "a b", "x\ny", "\x7f", "c-1"))
	}},
	{"client|no-evict", 1, func(g *generator) []string { return cmd("CLIENT", g.word("NO-EVICT"), g.pick("on", "OFF", "maybe")) }},
	{"client|id", 1, func(g *generator) []string { return cmd("CLIENT", g.word("ID")) }},
	{"client|info", 1, func(g *generator) []string { return cmd("CLIENT", g.word("INFO")) }},
	{"client|kill", 1, func(g *generator) []string {
		return cmdv("CLIENT", g.words("KILL"), g.pick("1.2.3.4:5", "ID", "MAXAGE"), g.pick("999999", "x", "0"))
	}},

	// server
	{"dbsize", 2, func(g *generator) []string { return cmd("DBSIZE") }},
	{"flushdb", 1, func(g *generator) []string {
		return cmdv("FLUSHDB", g.options(30, g.words(g.pick("ASYNC", "SYNC", "LAZY"))))
	}},
	{"swapdb", 1, func(g *generator) []string { return cmd("SWAPDB", g.db(), g.db()) }},
	// INFO's counters: keyspace hits and misses, command and error
	// statistics, keys per database.
	{"info", 1, func(g *generator) []string {
		return cmdv("INFO", g.options(40, []string{"stats"}, []string{"commandstats"}, []string{"errorstats"}, []string{"keyspace"}))
	}},
	{"time", 1, func(g *generator) []string { return cmd("TIME") }},
	{"config|get", 1, func(g *generator) []string { return cmd("CONFIG", g.word("GET"), g.configName()) }},
	{"command|getkeys", 1, func(g *generator) []string { return cmdv("COMMAND", g.words("GETKEYS"), g.known()...) }},
	{"command|getkeysandflags", 1, func(g *generator) []string { return cmdv("COMMAND", g.words("GETKEYSANDFLAGS"), g.known()...) }},
	{"command|info", 1, func(g *generator) []string { return cmd("COMMAND", g.word("INFO"), g.commandName()) }},
	{"unknown", 1, func(g *generator) []string { return cmd(g.pick("NOSUCH", "GETT", "gett"), g.key(), g.value()) }},
}

func genSet(g *generator) []string {
	opts := g.options(25, g.words(g.pick("NX", "XX")), g.words("GET"), g.setExpiry(), g.words("KEEPTTL"))
	if g.chance(5) {
		opts = append(opts, g.word(g.pick("NX", "EX", "PX", "foo")))
	}
	return cmdv("SET", []string{g.key(), g.value()}, opts...)
}

func genMset(name string) func(g *generator) []string {
	return func(g *generator) []string {
		args := []string{name}
		for range 1 + g.rnd.IntN(3) {
			args = append(args, g.key(), g.value())
		}
		return args
	}
}

func genGetex(g *generator) []string {
	args := cmd("GETEX", g.key())
	switch g.rnd.IntN(5) {
	case 0:
	case 1:
		args = append(args, g.word("PERSIST"))
	default:
		args = append(args, g.expiry()...)
	}
	if g.chance(5) {
		args = append(args, g.word(g.pick("PERSIST", "EX", "NX")))
	}
	return args
}

func genSetrange(g *generator) []string {
	off := strconv.Itoa(g.rnd.IntN(40))
	if g.chance(10) {
		// 536870912 is past proto-max-bulk-len; smaller huge offsets
		// would make both servers allocate half a gigabyte.
		off = g.pick("-1", "536870912", "x")
	}
	return cmd("SETRANGE", g.key(), off, g.value())
}

func genLcs(g *generator) []string {
	opts := g.options(30, g.words("LEN"), g.words("IDX"), []string{g.word("MINMATCHLEN"), g.pick("0", "1", "2", "4", "-1", "x")}, g.words("WITHMATCHLEN"))
	return cmdv("LCS", []string{g.key(), g.key()}, opts...)
}

// bitOffset is a bit offset, small but for the out-of-range ones (an
// offset near 2^32 would make both servers allocate 512 MB).
func (g *generator) bitOffset() string {
	if g.chance(8) {
		return g.pick("-1", "4294967296", "x", "1.0")
	}
	return strconv.Itoa(g.rnd.IntN(200))
}

func genBitcount(g *generator) []string {
	args := cmd("BITCOUNT", g.key())
	if g.chance(70) {
		args = append(args, g.index(), g.index())
		if g.chance(40) {
			args = append(args, g.word(g.pick("BYTE", "BIT", "BITS")))
		}
	}
	return args
}

func genBitpos(g *generator) []string {
	args := cmd("BITPOS", g.key(), g.pick("0", "1", "1", "0", "2"))
	if g.chance(70) {
		args = append(args, g.index())
		if g.chance(60) {
			args = append(args, g.index())
			if g.chance(40) {
				args = append(args, g.word(g.pick("BYTE", "BIT", "BITS")))
			}
		}
	}
	return args
}

func genBitop(g *generator) []string {
	op := g.pick("AND", "OR", "XOR", "NOT", "NOT", "NAND")
	return cmdv("BITOP", []string{g.word(op), g.key()}, g.keys(1, 3)...)
}

// bitfield returns BITFIELD's (or BITFIELD_RO's) subcommands.
func (g *generator) bitfield(name string, write bool) []string {
	args := cmd(name, g.key())
	for range 1 + g.rnd.IntN(3) {
		op := "GET"
		if write {
			op = g.pick("GET", "SET", "INCRBY", "OVERFLOW")
		} else if g.chance(5) {
			op = "SET"
		}
		switch op {
		case "GET":
			args = append(args, g.word(op), g.bitType(), g.fieldOffset())
		case "SET", "INCRBY":
			args = append(args, g.word(op), g.bitType(), g.fieldOffset(), g.integer())
		case "OVERFLOW":
			args = append(args, g.word(op), g.word(g.pick("WRAP", "SAT", "FAIL", "NONE")))
		}
	}
	return args
}

func (g *generator) bitType() string {
	if g.chance(8) {
		return g.pick("u64", "i65", "i0", "x8", "U8", "8")
	}
	return g.pick("i", "u") + strconv.Itoa(1+g.rnd.IntN(63))
}

func (g *generator) fieldOffset() string {
	if g.chance(8) {
		return g.pick("-1", "#-1", "x", "4294967296", "#")
	}
	if g.chance(30) {
		return "#" + strconv.Itoa(g.rnd.IntN(8))
	}
	return strconv.Itoa(g.rnd.IntN(100))
}

func genExpire(name string, when func(g *generator) string) func(g *generator) []string {
	return func(g *generator) []string {
		opts := g.options(15, g.words("NX"), g.words("XX"), g.words("GT"), g.words("LT"))
		if g.chance(3) {
			opts = append(opts, g.word("foo"))
		}
		return cmdv(name, []string{g.key(), when(g)}, opts...)
	}
}

func (g *generator) pattern() string {
	return g.pick("*", "k*", "k?", "k[0-4]", "k[^1]*", "{k}*", "*b", "nosuch", "[", "k\\1", "*[", "K*", "", "**", "?",
		"*?*", "k[1-", "[]", "[\\]]", "k[9-0]", "\\*", "k\x00*", "{k}?", "{k}[a]")
}

// genScan asks for a whole scan in one call (a COUNT larger than the
// keyspace), so the cursor comes back 0 from both servers, or for a bad
// argument.
func genScan(g *generator) []string {
	args := cmd("SCAN", "0", g.word("COUNT"), "1000")
	if g.chance(10) {
		return cmd("SCAN", g.pick("x", "-1", "18446744073709551616"), g.word(g.pick("COUNT", "MATCH")), g.pick("0", "x", "-1"))
	}
	args = append(args, g.options(40, []string{g.word("MATCH"), g.pattern()}, []string{g.word("TYPE"), g.pick("string", "STRING", "list", "none", "x")})...)
	return args
}

func genCopy(g *generator) []string {
	opts := g.options(30, []string{g.word("DB"), g.db()}, g.words("REPLACE"))
	return cmdv("COPY", []string{g.key(), g.key()}, opts...)
}

func genRestore(g *generator) []string {
	payload := g.pick("garbage", "", "\x00\x03abc\x0a\x00")
	if len(g.payloads) > 0 && g.chance(85) {
		payload = g.payloads[g.rnd.IntN(len(g.payloads))]
	}
	ttl := "0"
	opts := g.options(20, g.words("REPLACE"), []string{g.word("IDLETIME"), g.pick("0", "10", "-1", "x")}, []string{g.word("FREQ"), g.pick("0", "255", "256", "x")})
	switch g.rnd.IntN(4) {
	case 0:
		ttl = g.ttl(true)
	case 1:
		ttl = g.at(true)
		opts = append(opts, g.word("ABSTTL"))
	}
	return cmdv("RESTORE", []string{g.key(), ttl, payload}, opts...)
}

// configName names a directive both servers have with the same value
// (not port, bind or dir), or none.
func (g *generator) configName() string {
	return g.pick("databases", "maxclients", "timeout", "tcp-keepalive", "proto-max-bulk-len",
		"client-query-buffer-limit", "hz", "loglevel", "logfile", "requirepass", "save", "appendonly",
		"nosuch", "HZ")
}

// commandName names a command Shoal has, or none.
func (g *generator) commandName() string {
	if g.chance(5) {
		return "nosuch"
	}
	for {
		c := g.cmds[g.rnd.IntN(len(g.cmds))].name
		if _, skip := infoExcluded[c]; c != "unknown" && !skip {
			return c
		}
	}
}

// known returns a command Shoal has, for COMMAND GETKEYS to be asked
// about.
func (g *generator) known() []string {
	for {
		if args := g.next(); !strings.EqualFold(args[0], "nosuch") && !strings.EqualFold(args[0], "gett") {
			return args
		}
	}
}
