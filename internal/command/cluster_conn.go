package command

// READONLY, READWRITE and ASKING are Redis Cluster's connection commands.
// This node is not in a cluster (there is none yet), so they answer as a
// redis-server without cluster support does; cluster-aware clients
// (go-redis ClusterClient with ReadOnly, Jedis) send READONLY on connect.

const errNoCluster = "ERR This instance has cluster support disabled"

func noCluster(c *Ctx) { c.Error(errNoCluster) }

func clusterConnCommands() []*Spec {
	conn := []string{"connection"}
	return []*Spec{
		{Name: "readonly", Arity: 1, Flags: Loading | Stale | Fast, Group: "cluster", Categories: conn,
			Summary: "Enables read queries for a connection to a cluster replica node", Since: "3.0.0", Handler: noCluster},
		{Name: "readwrite", Arity: 1, Flags: Loading | Stale | Fast, Group: "cluster", Categories: conn,
			Summary: "Disables read queries for a connection to a cluster replica node", Since: "3.0.0", Handler: noCluster},
		{Name: "asking", Arity: 1, Flags: Fast, Group: "cluster", Categories: conn,
			Summary: "Sent by cluster clients after an -ASK redirect", Since: "3.0.0", Handler: noCluster},
	}
}
