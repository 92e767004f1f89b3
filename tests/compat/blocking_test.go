package compat

// Blocking commands on one connection: served at once when their keys
// hold something, timing out (10 ms) when not, inside MULTI (never
// blocking), and their timeout and argument errors.
func init() {
	cases = append(cases, blockingCases...)
}

var blockingCases = []lineCase{
	{"blocking-served", []string{
		"RPUSH l a b c", "BLPOP l 0", "BRPOP nokey l 0", "BLMOVE l l2 LEFT RIGHT 0", "BRPOPLPUSH l2 l 0",
		"BLMPOP 0 2 nokey l LEFT COUNT 5", "ZADD z 1 a 2 b 3 c", "BZPOPMIN z 0", "BZPOPMAX nokey z 0",
		"BZMPOP 0 1 z MIN COUNT 9", "EXISTS z l l2", "SET s v", "BLPOP s 0", "BZPOPMIN s 0", "BLMOVE s l LEFT LEFT 0",
		"RPUSH l x", "BLMOVE l s LEFT LEFT 0", "LRANGE l 0 -1",
	}},
	{"blocking-timeouts", []string{
		"BLPOP nokey 0.01", "BRPOP nokey 0.01", "BLMOVE nokey d LEFT LEFT 0.01", "BRPOPLPUSH nokey d 0.01",
		"BLMPOP 0.01 1 nokey RIGHT", "BZPOPMIN nokey 0.01", "BZPOPMAX nokey 0.01", "BZMPOP 0.01 1 nokey MAX",
		"BLPOP nokey -1", "BLPOP nokey abc", "BLPOP nokey 1e400", "BLPOP nokey inf", "BLPOP nokey nan",
		"BLPOP nokey 9223372036854775807", "BLPOP nokey 0x0.01p0", "BLPOP nokey 0x1p-7", "BLPOP nokey 0X1P-8", "BLPOP nokey 0x0.02", "BLPOP nokey 1_0", "BLPOP nokey 0b1", "BLPOP nokey ''", "BLMPOP 0.01 0 nokey LEFT",
		"BLMPOP 0.01 2 nokey LEFT", "BLMPOP 0.01 1 nokey MIDDLE", "BLMPOP 0.01 1 nokey LEFT COUNT 0",
		"BLMPOP 0.01 1 nokey LEFT COUNT -1", "BLMPOP 0.01 1 nokey LEFT COUNT 1 COUNT 2", "BZMPOP 0.01 1 nokey LEFT",
		"BLMOVE nokey d UP LEFT 0.01", "BLPOP", "BLPOP nokey", "BZPOPMIN nokey",
	}},
	{"blocking-in-multi", []string{
		"MULTI", "BLPOP nokey 0", "BZPOPMIN nokey 0", "BLMOVE nokey d LEFT LEFT 0", "BLMPOP 0 1 nokey LEFT",
		"RPUSH l a", "BLPOP l 0", "EXEC", `EVAL "return redis.call('blpop', 'nokey', 0)" 0`,
		`EVAL "return redis.call('blpop', 'l', 0)" 0`, "RPUSH l b", `EVAL "return redis.call('blpop', 'l', 0)" 0`,
		`EVAL "return redis.call('bzpopmin', 'nokey', 0)" 0`,
	}},
}
