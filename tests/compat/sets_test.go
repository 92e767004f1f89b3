package compat

// The set family's cases, added to the shared table. Replies whose order
// Redis leaves to its hash table (SMEMBERS and friends on a hashtable,
// SPOP, SRANDMEMBER) cannot be compared byte for byte, so the cases ask
// for orders Redis fixes: members of intsets, and of results built as
// intsets, come sorted; hashtables are looked at through counts,
// membership and encodings. For the same reason the family has no random
// generators: one stray string member makes a set a hashtable, whose
// SMEMBERS and DUMP then differ in order only. internal/command's set
// tests compare those replies as sets.
func init() {
	cases = append(cases, setCases...)
}

var setCases = []lineCase{
	{"sets-basics", []string{
		"SET wrong v", "SADD s 3 1 2", "SADD s 2 4", "SCARD s", "SMEMBERS s", "SISMEMBER s 4", "SISMEMBER s 5",
		"SISMEMBER s 04", "SMISMEMBER s 1 9 4", "SREM s 9", "SREM s 4 1 9", "SMEMBERS s", "SREM s 2 3 2", "EXISTS s",
		"SCARD s", "SMEMBERS s", "SISMEMBER s 1", "SMISMEMBER s 1", "SREM s 1", "TYPE s", "SADD h a b", "SADD h a c 1",
		"SCARD h", "SISMEMBER h 1", "SISMEMBER h a", "SMISMEMBER h a z 1", "SREM h a z", "SCARD h", "SREM h b c 1",
		"EXISTS h", "SADD n 9223372036854775807 -9223372036854775808 0 -1", "SMEMBERS n", "OBJECT ENCODING n",
		`SADD m -0 +1 01 " 1" "" 1`, "SCARD m", "OBJECT ENCODING m", `SISMEMBER m ""`, "SISMEMBER m 1", "SADD wrong a",
		"SREM wrong a", "SMEMBERS wrong", "SISMEMBER wrong a", "SMISMEMBER wrong a", "SCARD wrong", "SPOP wrong",
		"SRANDMEMBER wrong", "SSCAN wrong 0", "SINTER wrong", "SMOVE wrong s a", "SADD s", "SREM s", "SMEMBERS",
		"SMEMBERS a b", "SISMEMBER s", "SISMEMBER s a b", "SMISMEMBER s", "SCARD", "SCARD a b", "SPOP", "SRANDMEMBER",
		"SMOVE a b", "SINTER", "SUNION", "SDIFF", "SINTERSTORE d", "SUNIONSTORE d", "SDIFFSTORE d", "SINTERCARD 1",
		"SSCAN s",
	}},
	{"sets-encoding", []string{
		"CONFIG SET set-max-intset-entries 4", "SADD a 1 2 3 4", "OBJECT ENCODING a", "SADD a 4", "OBJECT ENCODING a",
		"SADD a 5", "OBJECT ENCODING a", "SREM a 5 4 3", "OBJECT ENCODING a", "SCARD a", "SADD b 1 2 3 4 5",
		"OBJECT ENCODING b", "SADD c 1 x", "OBJECT ENCODING c", "SADD d -0", "OBJECT ENCODING d",
		"SADD e 9223372036854775808", "OBJECT ENCODING e", "CONFIG SET set-max-intset-entries 8",
		"SADD x 1 2 3 4 5 6 7 8 9 10", "SADD y 1", "SADD z 2", "SADD yz 1 2", "SDIFFSTORE r x y z", "OBJECT ENCODING r",
		"SDIFFSTORE r2 x yz", "OBJECT ENCODING r2", "SMEMBERS r2", "SDIFF x yz", "SUNIONSTORE u y z", "OBJECT ENCODING u",
		"SMEMBERS u", "SINTERSTORE i x yz", "OBJECT ENCODING i", "SMEMBERS i", "SINTER x yz", "SUNIONSTORE big x y",
		"OBJECT ENCODING big", "SADD m a 3 4", "SINTERSTORE d2 m x", "OBJECT ENCODING d2", "SMEMBERS d2",
		"SDIFFSTORE d3 m yz", "OBJECT ENCODING d3", "CONFIG SET set-max-intset-entries 0", "SADD z0 1", "OBJECT ENCODING z0",
		"SUNIONSTORE z1 yz", "OBJECT ENCODING z1", "CONFIG SET set-max-intset-entries 512", "SADD w 1 5000000000", "DUMP w",
		"SREM w 5000000000", "DUMP w", "OBJECT ENCODING w", "SADD v -70000 1", "DUMP v", "SADD one x", "DUMP one",
	}},
	{"sets-algebra", []string{
		"SET wrong v", "SADD a 1 2 3 4", "SADD b 3 4 5", "SADD c 4 5 6", "SINTER a b", "SINTER a b c", "SINTER a missing",
		"SINTER missing a", "SINTER a a", "SINTER b a", "SUNION a b c", "SUNION missing", "SUNION a missing", "SDIFF a b",
		"SDIFF a b c", "SDIFF a a", "SDIFF b a missing", "SDIFF missing a", "SDIFF a missing", "SDIFF a b a",
		"SDIFF c missing a", "SINTERSTORE d a b", "SMEMBERS d", "TYPE d", "SUNIONSTORE d a b", "SMEMBERS d",
		"SDIFFSTORE d a b", "SMEMBERS d", "SDIFFSTORE d a a", "EXISTS d", "SET d x", "SINTERSTORE d a missing", "EXISTS d",
		"SET d x", "SUNIONSTORE d missing", "EXISTS d", "SET d x", "SDIFFSTORE d missing a", "EXISTS d",
		"SDIFFSTORE d missing a", "SET str v", "EXPIRE str 100", "SUNIONSTORE str a", "TTL str", "TYPE str", "SMEMBERS str",
		"SINTERSTORE b b a", "SMEMBERS b", "SUNIONSTORE b b c", "SMEMBERS b", "SINTERCARD 2 a b", "SINTERCARD 2 a c LIMIT 1",
		"SINTERCARD 2 a b limit 0", "SINTERCARD 1 a LIMIT 3", "SINTERCARD 1 missing", "SINTERCARD 2 a missing",
		"SINTERCARD 0 a", "SINTERCARD x a", "SINTERCARD -1 a", "SINTERCARD 3 a b", "SINTERCARD 1 a LIMIT",
		"SINTERCARD 1 a LIMIT -1", "SINTERCARD 1 a LIMIT x", "SINTERCARD 1 a FOO 1", "SINTERCARD 1 a LIMIT 1 LIMIT 2",
		"SADD m a 3 4", "SINTERSTORE d2 m a", "OBJECT ENCODING d2", "SMEMBERS d2", "SINTERCARD 2 m a", "SUNIONSTORE d3 m a",
		"OBJECT ENCODING d3", "SCARD d3", "SDIFFSTORE d4 m a", "SMEMBERS d4", "OBJECT ENCODING d4", "SINTER missing wrong",
		"SINTER wrong missing", "SINTER a wrong", "SUNION a wrong", "SUNION missing wrong", "SDIFF missing wrong",
		"SDIFF wrong", "SDIFFSTORE d missing wrong", "SINTERSTORE d wrong", "SINTERCARD 2 missing wrong",
		"SINTERCARD 1 wrong", "SUNIONSTORE wrong a", "TYPE wrong", "SMEMBERS wrong",
	}},
	{"sets-move", []string{
		"SET wrong v", "SADD a 1 2 3", "SMOVE a b 1", "SMEMBERS a", "SMEMBERS b", "OBJECT ENCODING b", "SMOVE a b 9",
		"SMOVE a a 2", "SMOVE a a 9", "SMOVE missing b 1", "SMOVE missing wrong 1", "SMOVE missing missing 1",
		"SMOVE wrong b 1", "SMOVE a wrong 2", "SMOVE a wrong 9", "SMOVE a b 2", "SMOVE a b 3", "EXISTS a", "SMEMBERS b",
		"SADD c x", "SMOVE c b x", "OBJECT ENCODING b", "EXISTS c", "SADD e 1", "EXPIRE e 100", "SMOVE b e 1", "SMEMBERS e",
		"TTL e", "SISMEMBER b 1", "SCARD b", "SMOVE b f x", "OBJECT ENCODING f", "SMEMBERS f", "SMOVE b b 2",
	}},
	{"sets-pop-rand", []string{
		"SET wrong v", "SPOP s 1 2", "SPOP s -1", "SPOP s abc", "SPOP s 1.5", "SPOP missing", "SPOP missing 0",
		"SPOP missing 3", "SPOP missing abc", "SPOP wrong 0", "SPOP wrong -1", "SPOP wrong 1", "SADD s 1 2 3", "SPOP s 0",
		"SPOP s 3", "EXISTS s", "SADD s 5", "SPOP s", "EXISTS s", "SADD s 7", "SPOP s 1", "EXISTS s", "SADD s 7 8",
		"SPOP s 9223372036854775807", "EXISTS s", "SRANDMEMBER missing", "SRANDMEMBER missing 3", "SRANDMEMBER missing -3",
		"SRANDMEMBER missing 0", "SRANDMEMBER s 1 2", "SRANDMEMBER s abc", "SRANDMEMBER missing abc",
		"SRANDMEMBER s -9223372036854775808", "SRANDMEMBER s 9223372036854775808", "SADD r 3 1 2", "SRANDMEMBER r 0",
		"SRANDMEMBER r 3", "SRANDMEMBER r 5", "SRANDMEMBER r 9223372036854775807", "SADD one x", "SRANDMEMBER one",
		"SRANDMEMBER one -3", "SRANDMEMBER one 1", "SRANDMEMBER one 2", "SPOP one 1", "EXISTS one", "SRANDMEMBER wrong 0",
		"SRANDMEMBER wrong", "SRANDMEMBER wrong -1", "SRANDMEMBER wrong x",
	}},
	{"sets-scan", []string{
		"SET wrong v", "SADD s 3 1 2", "SSCAN s 0", "SSCAN s 7 COUNT 1", "SSCAN s 0 MATCH 1", "SSCAN s 0 MATCH [12] COUNT 1",
		"SSCAN s -1", "SSCAN s x", "SSCAN s 0 TYPE string", "SSCAN s 0 COUNT 0", "SSCAN s 0 COUNT -1", "SSCAN s 0 COUNT x",
		"SSCAN s 0 MATCH", "SSCAN s 0 FOO bar", "SSCAN s 0 count 2 match * COUNT 5", "SSCAN missing 0",
		"SSCAN missing 0 FOO", "SSCAN missing x", "SSCAN wrong 0", "SSCAN wrong 0 FOO", "SSCAN wrong x",
		"SSCAN s 18446744073709551615", "SSCAN s 18446744073709551616", `SSCAN s ""`, "SADD h a b c", "SSCAN h 0 MATCH z",
		"SSCAN h 0 MATCH a", "SSCAN h 0 MATCH A", "SSCAN s +5",
	}},
	{"sets-dump-restore", []string{
		"SADD a 1 2 3",
		`RESTORE a 0 "\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\x0a\x00\xa5\x02\x5c\xe2mnM\x1b"`,
		`RESTORE x 0 "\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\x0a\x00\xa5\x02\x5c\xe2mnM\x1b"`,
		"SMEMBERS x", "OBJECT ENCODING x", "DUMP x", `RESTORE p 0 "\x02\x01\xc0\x07\x0a\x00\xa9\xa5NGHO\xa9K"`,
		"OBJECT ENCODING p", "SMEMBERS p", "DUMP p", `RESTORE o 0 "\x02\x01\x01x\x0a\x00\xff\xe8\x80\xbav\x0c/\x09"`,
		"SMEMBERS o", "OBJECT ENCODING o", "TYPE o", "COPY x y", "SADD y 4", "SMEMBERS x", "SMEMBERS y", "COPY o o2",
		"SMEMBERS o2", "OBJECT ENCODING o2",
	}},
}
