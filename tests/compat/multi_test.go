package compat

// Transactions on one connection: what MULTI queues and refuses, EXEC's
// and DISCARD's errors, EXECABORT after a queued error, runtime errors
// that do not roll back, and WATCH, which the client's own writes (and
// expiry, FLUSHALL, SWAPDB, RENAME) invalidate as anyone else's.
func init() {
	cases = append(cases, multiCases...)
}

var multiCases = []lineCase{
	{"multi-basics", []string{
		"EXEC", "DISCARD", "MULTI", "MULTI", "SET a 1", "INCR a", "GET a", "EXEC", "MULTI", "EXEC", "MULTI", "DISCARD",
		"GET a", "MULTI", "SET b 2", "DISCARD", "EXISTS b", "MULTI a", "EXEC a", "DISCARD a", "MULTI", "PING",
		"ECHO hi", "TIME x", "EXEC", "MULTI", "SET c v", "LPUSH c x", "INCR c", "GET c", "EXEC", "MULTI", "WATCH a",
		"UNWATCH", "EXEC",
	}},
	{"multi-abort", []string{
		"MULTI", "SET a 1", "NOSUCHCOMMAND x", "SET b 2", "EXEC", "EXISTS a b", "MULTI", "SET a", "EXEC", "MULTI",
		"GET", "GET a", "EXEC", "MULTI", "SET a 1", "SUBSCRIBE ch", "EXEC", "EXISTS a", "MULTI", "SET a 1",
		"SELECT 99", "EXEC", "GET a", "MULTI", "SET a 1", "WATCH x", "EXEC", "GET a", "MULTI", "INCR a", "SYNC",
		"EXEC", "MULTI", "EVAL \"return 1\" 0", "SCRIPT FLUSH", "EXEC", "MULTI", "CONFIG SET maxmemory-policy nope",
		"EXEC",
	}},
	{"multi-watch", []string{
		"SET k 1", "WATCH k", "SET k 2", "MULTI", "SET k 3", "EXEC", "GET k", "WATCH k", "MULTI", "SET k 3", "EXEC",
		"GET k", "WATCH nokey", "SET nokey 1", "MULTI", "GET nokey", "EXEC", "DEL nokey", "WATCH nokey",
		"DEL nokey", "MULTI", "PING", "EXEC", "WATCH k", "FLUSHALL", "MULTI", "PING", "EXEC", "SET k 1", "WATCH k",
		"FLUSHDB", "MULTI", "PING", "EXEC", "SET k 1", "WATCH k", "RENAME k k2", "MULTI", "PING", "EXEC", "WATCH k2",
		"EXPIRE k2 100", "MULTI", "PING", "EXEC", "WATCH k2", "PERSIST k2", "MULTI", "PING", "EXEC", "WATCH k2",
		"PERSIST k2", "MULTI", "PING", "EXEC", "WATCH k2", "SET k2 v PX 1", "!sleep 20", "MULTI", "PING", "EXEC",
		"SET w 1", "WATCH w", "SELECT 1", "SET w 2", "SELECT 0", "MULTI", "PING", "EXEC", "WATCH w", "SWAPDB 0 1",
		"MULTI", "PING", "EXEC", "FLUSHALL", "WATCH a b c", "UNWATCH", "SET a 1", "MULTI", "PING", "EXEC",
		"WATCH", "WATCH s", "SADD s x", "MULTI", "PING", "EXEC", "WATCH s", "SREM s y", "MULTI", "PING", "EXEC",
		"WATCH s", "SADD s x", "MULTI", "PING", "EXEC",
	}},
	{"multi-runtime-errors", []string{
		"SET s v", "LPUSH l a", "MULTI", "INCR s", "LPUSH s x", "SET n 5", "INCRBY n x", "INCR n", "HSET l f v",
		"RPOP l", "EXEC", "GET n", "EXISTS l", "MULTI", "SET f 1.5", "INCRBYFLOAT f 1", "INCR f", "EXEC",
		"MULTI", "EVAL \"return redis.call('INCR', KEYS[1])\" 1 s", "EVAL \"return 1\" 0", "EXEC",
	}},
	{"multi-oom", []string{
		// Over maxmemory a transaction queues nothing, reads included.
		"SET a 1", "CONFIG SET maxmemory-policy noeviction", "CONFIG SET maxmemory 1", "MULTI", "GET a", "DEL a",
		"EXEC", "MULTI", "EXEC", "WATCH a", "MULTI", "DISCARD", "UNWATCH", "GET a", "CONFIG SET maxmemory 0", "MULTI",
		"GET a", "EXEC",
	}},
	{"multi-nested-data", []string{
		"HELLO 3", "MULTI", "HSET h a 1 b 2", "HGETALL h", "ZADD z 1.5 m", "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z m",
		"SET n 1", "INCRBYFLOAT n 0.5", "SMEMBERS nosuch", "GET nosuch", "EXEC", "HELLO 2", "MULTI", "HGETALL h",
		"ZSCORE z m", "EXEC",
	}},
}
