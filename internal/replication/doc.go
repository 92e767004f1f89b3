// Package replication copies a node's keyspace to other nodes, Redis-style.
//
// # The stream
//
// Every write's effect (internal/command/effects.go) is fed to one
// [State], the node's effect sink while replication is active. State
// encodes each effect as a RESP command (preceded by SELECT when the
// database changes) and appends it to its [backlog]: the replication
// stream. A byte's offset in that stream is Redis's replication offset:
// master_repl_offset is the length of the stream so far. When the node
// also keeps an append-only log, State hands every effect to it as well,
// in the same order, and a position State returns is only durable once
// both the log and (in sync mode) the replicas have it.
//
// The backlog is Redis 7's shared replication buffer: a list of blocks
// that keeps at least repl-backlog-size bytes of history (for partial
// resynchronisation) and, beyond that, whatever a connected replica has
// not been sent yet, up to the replica output buffer hard limit, past
// which the replica is dropped.
//
// # Primary side
//
// A replica connects as a client, sends PING, AUTH, REPLCONF and PSYNC.
// PSYNC either continues from the replica's offset (+CONTINUE, when the
// backlog still holds it under the replica's replication ID or the one
// before it) or starts a full sync (+FULLRESYNC): a point-in-time snapshot
// is streamed to the replica in the diskless EOF-marker format while the
// node keeps serving; the replica's stream position is attached at the
// snapshot's instant, so it gets the snapshot and then every effect after
// it, nothing missed or doubled. Each connected replica is a [Link] whose
// goroutine copies the backlog to its connection. Replicas acknowledge
// their offset (REPLCONF ACK) every second and, Shoal's replicas, after
// each batch they apply; WAIT and sync mode count those acknowledgements.
//
// # Replica side
//
// A [Follower] runs the handshake against its primary, loads a full sync
// (written to a temporary file first, so the old dataset keeps being
// served during the transfer), then applies the command stream and appends
// the very bytes it applied to its own backlog: its offsets are its
// primary's, which is what lets a promoted replica serve partial resyncs
// to its former siblings (replid2 / second_repl_offset).
//
// # Modes
//
// In async mode (Redis's) a write is acknowledged once applied on the
// primary; WAIT and min-replicas-to-write bound the loss. In sync mode a
// write's reply is held until max(1, min-replicas-to-write) replicas
// acknowledge an offset that covers it; if that does not happen within
// sync-replication-timeout the client gets an error instead (the write
// may have been applied on the primary: its outcome is unknown, as with a
// timeout, but it was never acknowledged).
package replication
