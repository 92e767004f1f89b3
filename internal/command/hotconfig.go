package command

import "github.com/shoal-cache/shoal/internal/config"

// hotConfig are the directives commands read on every call (the
// aggregates' encoding limits), found by name once per node.
type hotConfig struct {
	hashEntries, hashValue config.Live
	listFill               config.Live
	setIntset              config.Live
	zsetEntries, zsetValue config.Live
	slowerThan, slowMaxLen config.Live
	latencyThreshold       config.Live
	latencyTracking        config.Live // latency-tracking (latency_tracking.go)
	notify                 config.Live // notify-keyspace-events (notify.go)
	busyReply              config.Live // busy-reply-threshold, read by each script run
}

// hot returns the node's hotConfig, made on first use: Node is built by
// struct literal, with no constructor to make it in.
func (n *Node) hot() *hotConfig {
	n.hotOnce.Do(func() {
		c := n.Config
		n.hotCfg = &hotConfig{
			hashEntries:      c.Live("hash-max-listpack-entries"),
			hashValue:        c.Live("hash-max-listpack-value"),
			listFill:         c.Live("list-max-listpack-size"),
			setIntset:        c.Live("set-max-intset-entries"),
			zsetEntries:      c.Live("zset-max-listpack-entries"),
			zsetValue:        c.Live("zset-max-listpack-value"),
			slowerThan:       c.Live("slowlog-log-slower-than"),
			slowMaxLen:       c.Live("slowlog-max-len"),
			latencyThreshold: c.Live("latency-monitor-threshold"),
			latencyTracking:  c.Live("latency-tracking"),
			notify:           c.Live("notify-keyspace-events"),
			busyReply:        c.Live("busy-reply-threshold"),
		}
	})
	return n.hotCfg
}
