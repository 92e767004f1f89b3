package config

import (
	"math"
	"strconv"
)

// replicationDirectives are the replication settings (internal/replication):
// Redis 7.0's names and defaults, plus Shoal's synchronous mode.
func replicationDirectives() []*param {
	return []*param{
		// replicaof is "host port" (slaveof its old name), read at start;
		// REPLICAOF changes the role at run time.
		{name: "replicaof", alias: "slaveof", kind: kindString, multiArg: true, def: "", immutable: true, rewrite: rewriteReplicaOf},
		{name: "masterauth", kind: kindString, def: "", rewrite: rewriteUnlessEmpty},
		{name: "masteruser", kind: kindString, def: "", rewrite: rewriteUnlessEmpty},
		{name: "replica-read-only", alias: "slave-read-only", kind: kindBool, def: "yes"},
		{name: "replica-serve-stale-data", alias: "slave-serve-stale-data", kind: kindBool, def: "yes"},
		{name: "repl-backlog-size", kind: kindMemory, def: "1048576", min: 1, max: math.MaxInt64, normalize: clampBacklogSize},
		{name: "repl-backlog-ttl", kind: kindInt, def: "3600", min: 0, max: math.MaxInt64},
		{name: "repl-timeout", kind: kindInt, def: "60", min: 1, max: math.MaxInt32},
		{name: "repl-ping-replica-period", alias: "repl-ping-slave-period", kind: kindInt, def: "10", min: 1, max: math.MaxInt32},
		{name: "min-replicas-to-write", alias: "min-slaves-to-write", kind: kindInt, def: "0", min: 0, max: math.MaxInt32},
		{name: "min-replicas-max-lag", alias: "min-slaves-max-lag", kind: kindInt, def: "10", min: 0, max: math.MaxInt32},
		{name: "replica-announce-ip", alias: "slave-announce-ip", kind: kindString, def: "", rewrite: rewriteUnlessEmpty},
		{name: "replica-announce-port", alias: "slave-announce-port", kind: kindInt, def: "0", min: 0, max: 65535},
		{name: "replica-priority", alias: "slave-priority", kind: kindInt, def: "100", min: 0, max: math.MaxInt32},
		{name: "replica-announced", kind: kindBool, def: "yes"},
		{name: "repl-diskless-sync", kind: kindBool, def: "yes"},
		{name: "repl-diskless-sync-delay", kind: kindInt, def: "5", min: 0, max: math.MaxInt32},
		{name: "repl-diskless-sync-max-replicas", kind: kindInt, def: "0", min: 0, max: math.MaxInt32},
		{name: "repl-diskless-load", kind: kindEnum, def: "disabled", enum: []string{"disabled", "on-empty-db", "swapdb"}},
		{name: "replica-lazy-flush", alias: "slave-lazy-flush", kind: kindBool, def: "no"},
		{name: "replica-ignore-maxmemory", alias: "slave-ignore-maxmemory", kind: kindBool, def: "yes"},
		// bind-source-addr is the address a replica connects to its
		// primary from.
		{name: "bind-source-addr", kind: kindString, def: "", rewrite: rewriteUnlessEmpty},
		{name: "repl-disable-tcp-nodelay", kind: kindBool, def: "no"},
		// replica-ignore-disk-write-errors is accepted and shown; a
		// replica never refuses its primary's stream for a disk error.
		{name: "replica-ignore-disk-write-errors", kind: kindBool, def: "no"},
		// replication-mode sync holds a write's reply until
		// max(1, min-replicas-to-write) replicas have it; async is Redis's.
		{name: "replication-mode", kind: kindEnum, def: "async", enum: []string{"async", "sync"}},
		// sync-replication-timeout (ms) is how long a write waits for its
		// replicas in sync mode before it fails.
		{name: "sync-replication-timeout", kind: kindInt, def: "5000", min: 0, max: math.MaxInt32},
		// repl-async-batch-usec is how long, after a write to an async
		// replica has left, its link gathers the next effects before it
		// sends them (µs; 0: only what arrived while that write was in
		// flight): the most a busy stream adds to replication lag. 2 ms: against 0.5 and 1 ms it took the
		// least CPU on the primary and the replica per write, with lag
		// p50 no higher at 20,000 or 50,000 writes a second
		// (docs/benchmarks.md).
		{name: "repl-async-batch-usec", kind: kindInt, def: "2000", min: 0, max: 1000000},
	}
}

// minBacklogSize is the smallest backlog Redis keeps (16 KB).
const minBacklogSize = 16 << 10

// clampBacklogSize raises a repl-backlog-size below 16 KB to 16 KB, as
// Redis does: CONFIG SET repl-backlog-size 100 answers OK and CONFIG GET
// then says 16384.
func clampBacklogSize(v string) string {
	n, ok := ParseMemory(v)
	if !ok || n < 1 || n >= minBacklogSize { // below 1 fails the range check first
		return v
	}
	return strconv.Itoa(minBacklogSize)
}
