// Package metrics exports a node's counters to Prometheus.
//
// Nothing here runs on the hot path but the latency histograms: Exec hands
// each command's duration to that command's own histogram (one bucket
// counter and one sum, two atomic adds), set up once by Register so that no
// label is looked up per command. Everything else (command counts,
// keyspace hits and misses, keys per database, clients, network bytes, the
// balance of keys across hash slots) is read at scrape time by a Collector
// from the stats the engine, the command table and the client registry
// already keep for INFO, so a node without a scraper pays nothing for it.
//
// Collectors are registered on a registry the caller passes in, never on
// the global one, so several nodes can run in one process; [Endpoint]
// serves a registry's metrics over HTTP on the metrics-addr directive.
// docs/metrics.md lists every metric and what it means.
package metrics
