// Package engine owns the keyspace: databases split into shards by cluster
// hash slot, the values stored under keys, their expiry, and the counters
// that INFO reports about them. It knows nothing of RESP, sockets or files.
//
// # Shards and slots
//
// A key's shard is derived from its cluster hash slot (CRC16 of the key or of
// its {hash tag}, mod 16384), so one slot always lives in exactly one shard.
// Inside a shard the keys are kept in one table per slot: counting or
// iterating the keys of a slot (CLUSTER COUNTKEYSINSLOT, slot migration) costs
// nothing extra, and SCAN walks the keyspace slot by slot, which is what lets
// its cursor promise that every key present for the whole scan is returned.
//
// # Storage
//
// A key's record (key, value, TTL, LRU/LFU metadata; record.go) is a chunk
// of its shard's [slab.Arena], outside the Go heap, and each slot's table
// (index.go) is an open-addressing array of 64-bit words naming records by
// [slab.Loc]: nothing per key is a Go pointer, so the garbage collector's
// work does not grow with the keyspace. Aggregate values stay Go objects in
// a per-shard table that their records name by number. Commands see a
// record through an [Entry] handle whose Str aliases the stored bytes until
// the command unlocks; the arena unmaps freed segments only from the active
// cycle, between commands, so a handle never points at unmapped memory.
//
// # Locking
//
// Each shard has a mutex. A [Txn] locks the shards of all the keys a command
// names, in ascending order, before the command reads or writes: single-key
// commands are atomic, multi-key commands (MSET, RENAME, DEL k1 k2) are atomic
// across shards, and no two commands can deadlock. Commands that span
// databases (MOVE, SWAPDB) order their locks by database, then by shard.
//
// # Expiry
//
// A key past its expiry time is deleted when it is next looked up (lazy
// expiry), and an active cycle, hz times a second, empties the expiry
// buckets (100 ms of expiry times each) whose time has passed, within a
// quarter of the tick and yielding to the event loops between chunks of 64
// deletions. It also does the arenas' maintenance: unmapping emptied
// segments and shrinking emptied slot tables.
package engine
