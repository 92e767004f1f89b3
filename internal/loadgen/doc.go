// Package loadgen drives load against any RESP server (a Shoal node,
// redis-server, a proxy) and measures it: the engine behind `shoal bench`.
//
// A run is described by a [Config] (target, clients, pipeline depth, the
// workload's key distribution, read ratio, value sizes and TTL) and bounded
// by a duration or a request count. Each client is one goroutine with its
// own connection that sends batches of Pipeline GETs and SETs and waits for
// the replies, a closed loop like redis-benchmark's: every command in a
// batch is charged the batch's round-trip time.
//
// Latencies go into HDR histograms ([Histogram]) owned by each client and
// swapped out once a second by the collector, which keeps the totals and a
// per-second series (throughput, p50, p99). The [Result] renders as a
// table ([Result.WriteTable]), as JSON ([Result.WriteJSON]) and as a PNG
// plot ([WritePlot]).
package loadgen
