package compat

// SORT and SORT_RO's cases, added to the shared table. Only orders Redis
// fixes are compared: a set not sorted (BY nosort) is asked for only as
// an intset, whose order is ascending, or with STORE or from a script,
// where Redis sorts it ALPHA; ALPHA BY keeps ties in an order its qsort
// leaves undefined, so the cases give no two elements the same ALPHA
// weight.
func init() {
	cases = append(cases, sortCases...)
}

var sortCases = []lineCase{
	{"sort-list", []string{
		"RPUSH l 3 1 2 10 -5 1.5", "SORT l", "SORT l DESC", "SORT l ALPHA", "SORT l ALPHA DESC", "SORT_RO l",
		"SORT_RO l DESC LIMIT 1 2", "sort l desc alpha limit 0 1", "SORT l ASC DESC ASC", "SORT l LIMIT 1 1 LIMIT 0 2",
		"RPUSH dup b a b a", "SORT dup ALPHA", "SORT dup", "SORT nosuch", "SORT_RO nosuch BY nosort",
	}},
	{"sort-limit", []string{
		"RPUSH l 3 1 2 10 -5 1.5", "SORT l LIMIT 0 2", "SORT l LIMIT 1 -1", "SORT l LIMIT -1 2", "SORT l LIMIT 5 10",
		"SORT l LIMIT 6 1", "SORT l LIMIT 100 1", "SORT l LIMIT 0 0", "SORT l LIMIT 0 9223372036854775807",
		"SORT l LIMIT 9223372036854775807 1", "SORT l LIMIT 0 -9223372036854775808", "SORT l LIMIT a 1", "SORT l LIMIT 1 b",
		"SORT l LIMIT 0 9223372036854775808", "SORT l LIMIT 1.5 1", "SORT nosuch LIMIT 0 1", "SORT nosuch LIMIT 1 1",
	}},
	{"sort-syntax", []string{
		"RPUSH l 2 1", "SORT l LIMIT 1", "SORT l LIMIT", "SORT l FOO", "SORT l BY", "SORT l GET", "SORT l STORE",
		"SORT_RO l STORE d", "SORT_RO l store", "SORT", "SORT_RO", "SORT l ALPHA FOO STORE d", "EXISTS d",
		"SORT l LIMIT x 1 FOO",
	}},
	{"sort-numbers", []string{
		"RPUSH bad 1 x 2", "SORT bad", "SORT bad ALPHA", "SORT bad STORE dst", "EXISTS dst", "SORT bad BY nosort",
		`RPUSH e "" " 1" 0x10 1e3 inf -inf 1.0 1`, "SORT e", "SORT e DESC", "SORT e ALPHA", "RPUSH n nan", "SORT n",
		`RPUSH sp "1 "`, "SORT sp", "RPUSH tie 1.0 1 01 1e0", "SORT tie", "SORT tie DESC",
		// Last: Redis checks errno after strtod without clearing it first,
		// so the ERANGE these leave fails its next SORT of strings until
		// some other call sets errno again.
		"RPUSH big 1e400", "SORT big", "RPUSH tiny 1e-400", "SORT tiny",
	}},
	// A subnormal weight is refused when strtod had to round it (ERANGE),
	// not when it is exact; the refused one last, for errno's sake.
	{"sort-subnormal", []string{
		"RPUSH exact 0x1p-1070 0x1.8p-1070 2.2250738585072014e-308 0", "SORT exact", "SORT exact DESC",
		"RPUSH sub 1 1e-320", "SORT sub",
	}},
	{"sort-nosort", []string{
		"RPUSH l 3 1 2 10 -5 1.5", "SORT l BY nosort", "SORT l BY nosort DESC", "SORT l BY nosort LIMIT 1 2",
		"SORT l BY nosort DESC LIMIT 1 2", "SORT l BY nosort DESC LIMIT 4 10", "SORT l BY nosort LIMIT 6 1",
		"SORT l BY nosort LIMIT -3 -1", "SORT l BY nosort LIMIT 0 0", "SORT l BY nosort ALPHA", "SORT l BY # GET #",
		"MSET w_1 5 w_2 3", "SORT l BY nosort BY w_*", "SORT l BY w_* BY nosort",
		"ZADD z 1 c 2 a 3 b 4 10 5 2", "SORT z", "SORT z ALPHA", "SORT z BY nosort", "SORT z BY nosort DESC",
		"SORT z BY nosort LIMIT 1 2", "SORT z BY nosort DESC LIMIT 1 2", "SORT z BY nosort DESC LIMIT 4 5",
		"SORT z BY nosort LIMIT 5 1", "SORT z BY nosort LIMIT 0 0", "SORT z BY nosort STORE dst", "LRANGE dst 0 -1",
		"ZADD zn 3 1 1 3 2 2", "SORT zn", "SORT zn DESC LIMIT 0 2", "SORT zn BY nosort GET #",
		"SORT zn BY nosort DESC GET w_*", "SORT_RO zn BY nosort DESC LIMIT 0 2",
	}},
	{"sort-sets", []string{
		"SADD s 5 3 9 1 -2", "SORT s", "SORT s DESC", "SORT s ALPHA", "SORT s BY nosort", "SORT s BY nosort DESC",
		"SORT s BY nosort LIMIT 1 2", "SORT s BY nosort STORE dst", "LRANGE dst 0 -1", "SORT s BY nosort DESC STORE dst",
		"LRANGE dst 0 -1", "SORT s BY nosort LIMIT 1 2 DESC STORE dst", "LRANGE dst 0 -1",
		"SADD hs b a 10 c 2", "SORT hs ALPHA", "SORT hs ALPHA DESC LIMIT 1 3", "SORT hs", "SORT hs BY nosort STORE dst",
		"LRANGE dst 0 -1", "SORT hs BY nosort DESC STORE dst", "LRANGE dst 0 -1",
		`EVAL "return redis.call('sort', KEYS[1], 'by', 'nosort')" 1 hs`,
		`EVAL "return redis.call('sort', KEYS[1], 'by', 'nosort', 'desc')" 1 hs`,
		`EVAL "return redis.call('sort_ro', KEYS[1], 'by', 'nosort', 'limit', 1, 2)" 1 hs`,
	}},
	{"sort-by-get", []string{
		"RPUSH l 3 1 2 10 -5 1.5", "MSET w_3 30 w_1 10 w_2 20 w_10 5 w_-5 100", "SORT l BY w_*", "SORT l BY w_* DESC",
		"SORT l BY w_* LIMIT 1 3", "SORT l BY w_* GET # GET w_*", "SORT l BY w_* GET w_* GET #", "SORT l GET nosuch_*",
		"SORT l GET #", "SORT l GET fixed", "SORT l BY w_* ALPHA", "SORT_RO l BY w_* DESC GET w_*",
		"HSET h_3 f c g 1", "HSET h_1 f a g 2", "HSET h_2 f b g 3",
		"SORT l BY h_*->f ALPHA GET # GET h_*->g GET h_*->f GET h_*->nosuch", "SORT l BY h_*->g GET h_*->f",
		"SORT l BY h_*-> GET h_*->", "SORT l GET *", "SET 1 one", "SORT l GET *", "SORT l GET #* GET ##",
		"RPUSH tie 2 1 3", "MSET t_1 5 t_2 5 t_3 5", "SORT tie BY t_*", "SORT tie BY t_* DESC", "SORT tie BY nokey_*",
		"SORT tie BY nokey_* DESC", "RPUSH wt 1 2", "SET v_1 x", "SET v_2 7", "SORT wt BY v_*", "SORT wt BY v_* ALPHA",
		"HSET hh_1 f 2", "SET hh_2 str", "SORT wt BY hh_*->f GET hh_*->f GET hh_*", "LPUSH lk_1 a",
		"SORT wt GET lk_* GET hh_*->f", "SORT wt BY lk_*", "SORT wt BY lk_* ALPHA",
	}},
	{"sort-store", []string{
		"RPUSH l 3 1 2", "HSET h_1 f a", "SORT l STORE dst", "LRANGE dst 0 -1", "TYPE dst", "OBJECT ENCODING dst",
		"SORT l GET h_*->f GET # STORE dst", "LRANGE dst 0 -1", "SORT nosuch STORE dst", "EXISTS dst",
		"SET dst x", "EXPIRE dst 100", "SORT l STORE dst LIMIT 0 2 DESC", "LRANGE dst 0 -1", "TTL dst",
		"SORT l STORE dst LIMIT 5 1", "EXISTS dst", "SORT l STORE a STORE b", "EXISTS a", "LRANGE b 0 -1",
		"SORT l BY nosort STORE l", "LRANGE l 0 -1", "SORT l DESC STORE l", "LRANGE l 0 -1",
		"SET w_1 9", "SORT l GET w_* STORE w_1", "LRANGE w_1 0 -1",
	}},
	{"sort-zset-encoding", []string{
		// SORT turns a listpack sorted set into a skiplist once its
		// options are read, even SORT_RO and even when it then fails; it
		// is not a write (WATCH does not see it).
		"ZADD z 1 a 2 b", "SORT z LIMIT x 1", "OBJECT ENCODING z", "SORT z FOO", "OBJECT ENCODING z", "WATCH z",
		"SORT_RO z", "MULTI", "PING", "EXEC", "OBJECT ENCODING z", "DUMP z", "ZADD z 3 c", "OBJECT ENCODING z",
		"ZADD n 1 1 2 2", "SORT n BY nosort", "OBJECT ENCODING n", "DUMP n", "ZADD w 1 1", "SORT w LIMIT 0 0",
		"OBJECT ENCODING w", "ZREM w 1", "ZADD w 1 x", "OBJECT ENCODING w",
	}},
	{"sort-limit-overflow", []string{
		"RPUSH l 3 1 2", "SORT l LIMIT 2 9223372036854775807", "SORT l LIMIT 1 9223372036854775806",
		"SORT l BY nosort LIMIT 2 9223372036854775807", "SORT l LIMIT 9223372036854775807 9223372036854775807",
		"ZADD z 1 a 2 b 3 c", "SORT z ALPHA LIMIT 2 9223372036854775807", "SORT z BY nosort LIMIT 2 9223372036854775807",
		"SORT z BY nosort DESC LIMIT 1 9223372036854775807", "SORT l LIMIT 2 9223372036854775807 STORE d", "LRANGE d 0 -1",
	}},
	{"sort-store-fill", []string{
		// STORE builds its list with 8 KB nodes, whatever
		// list-max-listpack-size says, and the list keeps them.
		"CONFIG SET list-max-listpack-size 1", "RPUSH l 3 1 2", "DUMP l", "SORT l STORE d", "DUMP d", "RPUSH d 4 5",
		"DUMP d", "CONFIG SET list-max-listpack-size -2",
	}},
	{"sort-wrongtype", []string{
		"SET str v", "SORT str", "SORT str STORE dst", "SORT_RO str", "HSET h f v", "SORT h BY nosort",
		"RPUSH l 1", "SORT str LIMIT 0", "SORT l STORE str", "TYPE str", "LRANGE str 0 -1",
	}},
	{"sort-keys", []string{
		"COMMAND GETKEYS sort k", "COMMAND GETKEYS sort k store d store e", "COMMAND GETKEYS sort k limit store x store d",
		"COMMAND GETKEYS sort k limit 0 store d", "COMMAND GETKEYS sort k STORE d LIMIT 0 1", "COMMAND GETKEYS sort k store",
		"COMMAND GETKEYS sort_ro k by w_* get x", "COMMAND GETKEYSANDFLAGS sort k store d", "COMMAND GETKEYSANDFLAGS sort_ro k",
		"COMMAND INFO sort sort_ro",
	}},
}
