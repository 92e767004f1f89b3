package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/shoal-cache/shoal/internal/engine"
)

// slotBalance summarizes how evenly the keys of a database spread over
// the 16384 hash slots: what decides how well a cluster's slots can be
// split between nodes, and a hash-tag hot spot shows up as a high max.
type slotBalance struct {
	nonEmpty  int
	max, keys int
}

// balanceOf counts every slot's keys. The cost is one shard lock per slot,
// whatever the number of keys (docs/metrics.md has the measurement).
func balanceOf(db *engine.DB) slotBalance {
	var b slotBalance
	for slot := range engine.SlotCount {
		n := db.CountKeysInSlot(slot)
		if n == 0 {
			continue
		}
		b.nonEmpty++
		b.keys += n
		b.max = max(b.max, n)
	}
	return b
}

func (b slotBalance) mean() float64 {
	if b.nonEmpty == 0 {
		return 0
	}
	return float64(b.keys) / float64(b.nonEmpty)
}

// collectSlots reports the balance of db 0; the imbalance ratio is left
// out while the database is empty, where it means nothing.
func (c *Collector) collectSlots(ch chan<- prometheus.Metric) {
	b := balanceOf(c.node.Engine.DB(0))
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	gauge(c.d.slotKeysMax, float64(b.max))
	gauge(c.d.slotKeysMean, b.mean())
	gauge(c.d.slotsNonEmpty, float64(b.nonEmpty))
	if b.nonEmpty > 0 {
		gauge(c.d.slotImbalance, float64(b.max)/b.mean())
	}
}
