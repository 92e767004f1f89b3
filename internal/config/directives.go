package config

import (
	"math"
	"slices"
	"strings"
)

// directives lists every setting a node has, in the order CONFIG GET *
// returns them. Add a directive here and it exists in the config file, as a
// flag, and in CONFIG GET/SET at once.
func directives() []*param {
	return append([]*param{
		{name: "bind", kind: kindString, multiArg: true, def: "127.0.0.1", immutable: true, rewrite: rewriteBind},
		{name: "port", kind: kindInt, def: "6379", min: 0, max: 65535, immutable: true},
		{name: "databases", kind: kindInt, def: "16", min: 1, max: math.MaxInt32, immutable: true},
		{name: "shards", kind: kindInt, def: "0", min: 0, max: 4096, immutable: true},
		// io-threads is the number of event loops serving clients; each
		// runs the commands it reads. 0 means one per CPU.
		{name: "io-threads", kind: kindInt, def: "0", min: 0, max: 128, immutable: true},
		// io-threads-adaptive has only as many of those loops take
		// clients as the load needs and the machine has processors
		// for (package netloop); no: every loop does, from the start.
		{name: "io-threads-adaptive", kind: kindBool, def: "yes", immutable: true},
		{name: "maxclients", kind: kindInt, def: "10000", min: 1, max: math.MaxUint32},
		{name: "timeout", kind: kindInt, def: "0", min: 0, max: math.MaxInt32},
		{name: "tcp-keepalive", kind: kindInt, def: "300", min: 0, max: math.MaxInt32},
		{name: "proto-max-bulk-len", kind: kindMemory, def: "536870912", min: 1 << 20, max: math.MaxInt64},
		{name: "client-query-buffer-limit", kind: kindMemory, def: "1073741824", min: 1 << 20, max: math.MaxInt64},
		// client-output-buffer-limit disconnects clients whose replies pile
		// up: "class hard soft soft_seconds" for normal, slave (replica)
		// and pubsub clients, as Redis 7.0 reads and prints it.
		{name: "client-output-buffer-limit", kind: kindString, multiArg: true, def: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
			check: checkBufferLimits, merge: mergeBufferLimits, rewrite: rewriteBufferLimits},
		{name: "maxmemory", kind: kindMemory, def: "0", min: 0, max: math.MaxInt64},
		{name: "maxmemory-policy", kind: kindEnum, def: "noeviction", enum: []string{"volatile-lru", "volatile-lfu",
			"volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}},
		{name: "maxmemory-samples", kind: kindInt, def: "5", min: 1, max: math.MaxInt32},
		{name: "maxmemory-eviction-tenacity", kind: kindInt, def: "10", min: 0, max: 100},
		{name: "lfu-log-factor", kind: kindInt, def: "10", min: 0, max: math.MaxInt32},
		{name: "lfu-decay-time", kind: kindInt, def: "1", min: 0, max: math.MaxInt32},
		// slowlog-log-slower-than is in microseconds: -1 logs nothing, 0
		// every command.
		{name: "slowlog-log-slower-than", kind: kindInt, def: "10000", min: -1, max: math.MaxInt64},
		{name: "slowlog-max-len", kind: kindInt, def: "128", min: 0, max: math.MaxInt64},
		// latency-monitor-threshold is in milliseconds; 0 is off.
		{name: "latency-monitor-threshold", kind: kindInt, def: "0", min: 0, max: math.MaxInt64},
		// latency-tracking keeps a latency histogram per command (INFO
		// latencystats, LATENCY HISTOGRAM); the percentiles are those
		// INFO latencystats prints.
		{name: "latency-tracking", kind: kindBool, def: "yes"},
		{name: "latency-tracking-info-percentiles", kind: kindPercentiles, def: "50 99 99.9"},
		// notify-keyspace-events: which keyspace notifications are
		// published (flag characters, "" for none, the default).
		{name: "notify-keyspace-events", kind: kindFlags, def: "",
			parseFlags: ParseKeyspaceEvents, formatFlags: FormatKeyspaceEvents},
		{name: "hz", kind: kindInt, def: "10", min: 0, max: math.MaxInt32, normalize: clampHz},
		{name: "loglevel", kind: kindEnum, def: "notice", enum: []string{"debug", "verbose", "notice", "warning"}},
		{name: "logfile", kind: kindString, def: "", immutable: true},
		{name: "dir", kind: kindString, def: ".", check: checkDir, normalize: absDir, rewrite: rewriteAlways, protected: true},
		{name: "requirepass", kind: kindString, def: "", rewrite: rewriteUnlessEmpty},
		// save is the snapshot schedule: pairs of "seconds changes", a
		// background save after that many seconds with at least that many
		// changes; "" disables it. Redis 7.0's default.
		{name: "save", kind: kindString, multiArg: true, def: "3600 1 300 100 60 10000", check: checkSavePoints, rewrite: rewriteSavePoints},
		{name: "dbfilename", kind: kindString, def: "dump.rdb", check: checkFileName, protected: true},
		// enable-protected-configs decides whether CONFIG SET may change
		// the protected directives (where the node writes its files): no,
		// yes, or local (clients on the loopback interface), as Redis 7.0.
		{name: "enable-protected-configs", kind: kindEnum, def: "no", enum: []string{"no", "yes", "local"}, immutable: true},
		{name: "rdbcompression", kind: kindBool, def: "yes"},
		{name: "rdbchecksum", kind: kindBool, def: "yes", immutable: true},
		{name: "stop-writes-on-bgsave-error", kind: kindBool, def: "yes"},
		// The append-only log (internal/persist): Redis 7's names,
		// defaults and multi-part layout.
		{name: "appendonly", kind: kindBool, def: "no"},
		{name: "appendfilename", kind: kindString, def: "appendonly.aof", immutable: true, check: checkAOFName},
		{name: "appenddirname", kind: kindString, def: "appendonlydir", immutable: true, check: checkAOFName},
		{name: "appendfsync", kind: kindEnum, def: "everysec", enum: []string{"everysec", "always", "no"}},
		{name: "aof-load-truncated", kind: kindBool, def: "yes"},
		// A log's base is always a snapshot (an RDB preamble).
		{name: "aof-use-rdb-preamble", kind: kindBool, def: "yes", check: onlyYes},
		{name: "auto-aof-rewrite-percentage", kind: kindInt, def: "100", min: 0, max: math.MaxInt32},
		{name: "auto-aof-rewrite-min-size", kind: kindMemory, def: "67108864", min: 0, max: math.MaxInt64},
		{name: "no-appendfsync-on-rewrite", kind: kindBool, def: "no"},
		// The thresholds at which small aggregates leave their compact
		// encoding, with Redis 7.0's names, old names (aliases) and
		// compiled-in defaults.
		{name: "hash-max-listpack-entries", alias: "hash-max-ziplist-entries", kind: kindInt, def: "512", min: 0, max: math.MaxInt64},
		{name: "hash-max-listpack-value", alias: "hash-max-ziplist-value", kind: kindMemory, def: "64", min: 0, max: math.MaxInt64},
		{name: "list-max-listpack-size", alias: "list-max-ziplist-size", kind: kindInt, def: "-2", min: math.MinInt32, max: math.MaxInt32},
		{name: "list-compress-depth", kind: kindInt, def: "0", min: 0, max: math.MaxInt32},
		{name: "set-max-intset-entries", kind: kindInt, def: "512", min: 0, max: math.MaxInt64},
		{name: "zset-max-listpack-entries", alias: "zset-max-ziplist-entries", kind: kindInt, def: "128", min: 0, max: math.MaxInt64},
		{name: "zset-max-listpack-value", alias: "zset-max-ziplist-value", kind: kindMemory, def: "64", min: 0, max: math.MaxInt64},
		// busy-reply-threshold is how long (ms) a script runs before other
		// clients are told BUSY and SCRIPT KILL may stop it.
		{name: "busy-reply-threshold", alias: "lua-time-limit", kind: kindInt, def: "5000", min: 0, max: math.MaxInt64},
		// metrics-addr is where /metrics serves Prometheus; empty disables it.
		{name: "metrics-addr", kind: kindString, def: "127.0.0.1:9121", immutable: true},
	}, slices.Concat(replicationDirectives(), processDirectives(), inertDirectives(), unsupportedDirectives())...)
}

// checkAOFName refuses paths: the log's names are plain file names
// inside dir, as Redis requires.
func checkAOFName(v string) error {
	if v == "" || strings.ContainsAny(v, "/\\") {
		return errFileName
	}
	return nil
}

type fileNameError struct{}

func (fileNameError) Error() string {
	return "appendfilename and appenddirname can't be a path, just a filename"
}

var errFileName = fileNameError{}

func onlyYes(v string) error {
	if v != "yes" {
		return errNotSupported
	}
	return nil
}

type notSupported struct{}

func (notSupported) Error() string {
	return "a log base in RESP form (aof-use-rdb-preamble no) is not supported"
}

var errNotSupported = notSupported{}
