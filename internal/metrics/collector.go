package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shoal-cache/shoal/internal/command"
)

// Collector reads a node's counters when Prometheus scrapes it.
type Collector struct {
	node    *command.Node
	latency []*latencyHistogram
	d       descs
}

// descs describe every metric; docs/metrics.md says what each means.
type descs struct {
	commands, failed, rejected, latency, errors             *prometheus.Desc
	hits, misses, expired, evicted                          *prometheus.Desc
	usedMemory, maxMemory, keys, expiring                   *prometheus.Desc
	connected, blocked, connections, rejectedConns          *prometheus.Desc
	netIn, netOut                                           *prometheus.Desc
	slotKeysMax, slotKeysMean, slotsNonEmpty, slotImbalance *prometheus.Desc
	build                                                   *prometheus.Desc
}

func newDescs() descs {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("shoal_"+name, help, labels, nil)
	}
	return descs{
		commands:      d("commands_total", "Commands executed, per command.", "cmd"),
		failed:        d("commands_failed_total", "Executed commands that replied with an error, per command.", "cmd"),
		rejected:      d("commands_rejected_total", "Commands refused before running (arity, NOAUTH), per command.", "cmd"),
		latency:       d("command_duration_seconds", "Time spent executing commands, per command.", "cmd"),
		errors:        d("errors_total", "Error replies, per error code (ERR, WRONGTYPE, ...).", "code"),
		hits:          d("keyspace_hits_total", "Reads that found their key."),
		misses:        d("keyspace_misses_total", "Reads that did not find their key."),
		expired:       d("expired_keys_total", "Keys deleted because their TTL passed."),
		evicted:       d("evicted_keys_total", "Keys deleted by the maxmemory policy to make room."),
		usedMemory:    d("used_memory_bytes", "Memory the node accounts for, the figure maxmemory is compared with (INFO used_memory)."),
		maxMemory:     d("maxmemory_bytes", "The maxmemory limit; 0 is none."),
		keys:          d("keys", "Keys in the database, expired ones not yet reclaimed included.", "db"),
		expiring:      d("expiring_keys", "Keys with a TTL in the database.", "db"),
		connected:     d("connected_clients", "Client connections open now."),
		blocked:       d("blocked_clients", "Clients waiting in a blocking command."),
		connections:   d("connections_received_total", "Client connections received (INFO total_connections_received)."),
		rejectedConns: d("rejected_connections_total", "Client connections refused (maxclients)."),
		netIn:         d("net_input_bytes_total", "Bytes read from clients."),
		netOut:        d("net_output_bytes_total", "Bytes written to clients."),
		slotKeysMax:   d("slot_keys_max", "Keys in the fullest hash slot of db 0."),
		slotKeysMean:  d("slot_keys_mean", "Mean keys per non-empty hash slot of db 0."),
		slotsNonEmpty: d("slots_nonempty", "Hash slots of db 0 holding at least one key."),
		slotImbalance: d("slot_keys_imbalance", "Max over mean keys per non-empty hash slot of db 0; 1 is perfectly even."),
		build:         d("build_info", "Always 1; the version label says which Shoal runs.", "version"),
	}
}

func (d descs) all() []*prometheus.Desc {
	return []*prometheus.Desc{d.commands, d.failed, d.rejected, d.latency, d.errors,
		d.hits, d.misses, d.expired, d.evicted, d.usedMemory, d.maxMemory, d.keys, d.expiring,
		d.connected, d.blocked, d.connections, d.rejectedConns, d.netIn, d.netOut,
		d.slotKeysMax, d.slotKeysMean, d.slotsNonEmpty, d.slotImbalance, d.build}
}

// Register gives every command of node a latency histogram and registers
// a Collector for node on reg. Call it before the node serves commands.
func Register(reg prometheus.Registerer, node *command.Node) (*Collector, error) {
	c := &Collector{node: node, d: newDescs()}
	if err := reg.Register(c); err != nil {
		return nil, err
	}
	node.Table.SetLatencyObservers(func(s *command.Spec) command.LatencyObserver {
		h := newLatencyHistogram(s)
		c.latency = append(c.latency, h)
		return h
	})
	return c, nil
}

// Describe sends every metric's description.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.d.all() {
		ch <- d
	}
}

// Collect reads the node's counters.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.collectCommands(ch)
	c.collectKeyspace(ch)
	c.collectClients(ch)
	c.collectSlots(ch)
	ch <- prometheus.MustNewConstMetric(c.d.build, prometheus.GaugeValue, 1, c.node.Version)
}

// collectCommands reports the counters behind INFO commandstats and
// errorstats, and the latency histograms of the commands that ran.
func (c *Collector) collectCommands(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v int64, label string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), label)
	}
	for _, st := range c.node.Table.Stats() {
		counter(c.d.commands, st.Calls, st.Name)
		counter(c.d.failed, st.Failed, st.Name)
		counter(c.d.rejected, st.Rejected, st.Name)
	}
	for code, n := range c.node.Table.ErrorCounts() {
		counter(c.d.errors, n, code)
	}
	for _, h := range c.latency {
		if m, ok := h.metric(c.d.latency); ok {
			ch <- m
		}
	}
}

// collectKeyspace reports hits, misses, expiry, memory and the keys of
// db 0 and of every other database that has any.
func (c *Collector) collectKeyspace(ch chan<- prometheus.Metric) {
	eng := c.node.Engine
	st := eng.Stats()
	ch <- prometheus.MustNewConstMetric(c.d.hits, prometheus.CounterValue, float64(st.Hits))
	ch <- prometheus.MustNewConstMetric(c.d.misses, prometheus.CounterValue, float64(st.Misses))
	ch <- prometheus.MustNewConstMetric(c.d.expired, prometheus.CounterValue, float64(st.ExpiredKeys))
	ch <- prometheus.MustNewConstMetric(c.d.evicted, prometheus.CounterValue, float64(st.EvictedKeys))
	ch <- prometheus.MustNewConstMetric(c.d.usedMemory, prometheus.GaugeValue, float64(eng.UsedMemory()))
	ch <- prometheus.MustNewConstMetric(c.d.maxMemory, prometheus.GaugeValue, float64(eng.Eviction().MaxMemory))
	for i := range eng.NumDBs() {
		db := eng.DB(i)
		n := db.Size()
		if n == 0 && i != 0 {
			continue
		}
		label := strconv.Itoa(i)
		ch <- prometheus.MustNewConstMetric(c.d.keys, prometheus.GaugeValue, float64(n), label)
		ch <- prometheus.MustNewConstMetric(c.d.expiring, prometheus.GaugeValue, float64(db.Expires()), label)
	}
}

// collectClients reports the connection counters of INFO clients and stats.
func (c *Collector) collectClients(ch chan<- prometheus.Metric) {
	if c.node.Clients == nil {
		return
	}
	st := c.node.Clients.Stats()
	gauge := func(d *prometheus.Desc, v int64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v))
	}
	counter := func(d *prometheus.Desc, v int64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v))
	}
	gauge(c.d.connected, int64(st.Connected))
	gauge(c.d.blocked, int64(st.Blocked))
	counter(c.d.connections, st.TotalConnections)
	counter(c.d.rejectedConns, st.Rejected)
	counter(c.d.netIn, st.NetInputBytes)
	counter(c.d.netOut, st.NetOutputBytes)
}
