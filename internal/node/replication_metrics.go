package node

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// replCollector exports the replication's state on /metrics: the
// offset, each replica's lag in bytes and seconds and whether it is in
// sync, the link to the primary, and the sync counts.
type replCollector struct{ n *Node }

var (
	descOffset   = prometheus.NewDesc("shoal_replication_offset_bytes", "Replication offset (master_repl_offset).", nil, nil)
	descReplicas = prometheus.NewDesc("shoal_replication_connected_replicas", "Replicas connected to this node.", nil, nil)
	descLagBytes = prometheus.NewDesc("shoal_replication_replica_lag_bytes", "Stream bytes a replica has not acknowledged.", []string{"replica"}, nil)
	descLagSecs  = prometheus.NewDesc("shoal_replication_replica_lag_seconds", "Seconds since a replica's last acknowledgement.", []string{"replica"}, nil)
	descInSync   = prometheus.NewDesc("shoal_replication_replica_in_sync", "1 when the replica is in the in-sync set (sync mode).", []string{"replica"}, nil)
	descRole     = prometheus.NewDesc("shoal_replication_is_replica", "1 when this node is a replica.", nil, nil)
	descLinkUp   = prometheus.NewDesc("shoal_replication_primary_link_up", "1 while a replica's link to its primary is up.", nil, nil)
	descSyncs    = prometheus.NewDesc("shoal_replication_syncs_total", "Synchronisations served, by kind (full, partial_ok, partial_err).", []string{"kind"}, nil)
)

func (c replCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOffset, descReplicas, descLagBytes, descLagSecs, descInSync, descRole, descLinkUp, descSyncs} {
		ch <- d
	}
}

func (c replCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.n.repl.st
	off := st.Offset()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descOffset, float64(off))
	links := st.LinkInfo()
	gauge(descReplicas, float64(len(links)))
	for _, l := range links {
		name := fmt.Sprintf("%s:%d", l.Addr, l.Port)
		gauge(descLagBytes, float64(max(0, off-l.Offset)), name)
		gauge(descLagSecs, float64(l.Lag), name)
		gauge(descInSync, float64(b2i(l.InSync)), name)
	}
	replica := c.n.repl.replica.Load()
	gauge(descRole, float64(b2i(replica)))
	gauge(descLinkUp, float64(b2i(replica && st.Linked())))
	full, ok, bad := replControl{c.n}.SyncStats()
	for kind, v := range map[string]int64{"full": full, "partial_ok": ok, "partial_err": bad} {
		ch <- prometheus.MustNewConstMetric(descSyncs, prometheus.CounterValue, float64(v), kind)
	}
}
