package replication_test

import (
	"context"
	"strings"
	"testing"
)

// TestReplicationLinkStats: the primary lists its replica's connection
// with flags=S, and the bytes of the stream count in INFO stats'
// total_net_repl_output_bytes (the primary) and total_net_repl_input_bytes
// (the replica), not in total_net_output_bytes, as in Redis.
func TestReplicationLinkStats(t *testing.T) {
	ctx := context.Background()
	p := start(t, "")
	r := start(t, "", p.replicaOf())
	waitLinked(t, r, p)
	big := strings.Repeat("v", 200_000)
	if err := p.c.Set(ctx, "big", big, 0).Err(); err != nil {
		t.Fatal(err)
	}
	waitCaughtUp(t, p, r)

	list, err := p.c.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	replicas := 0
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		if strings.Contains(line, " flags=S ") {
			replicas++
		}
	}
	if replicas != 1 {
		t.Errorf("CLIENT LIST on the primary has %d lines with flags=S, want 1:\n%s", replicas, list)
	}

	if out := p.infoInt(t, "stats", "total_net_repl_output_bytes"); out < int64(len(big)) {
		t.Errorf("primary total_net_repl_output_bytes = %d, want at least %d", out, len(big))
	}
	if out := p.infoInt(t, "stats", "total_net_output_bytes"); out >= int64(len(big)) {
		t.Errorf("primary total_net_output_bytes = %d counts the stream", out)
	}
	if in := r.infoInt(t, "stats", "total_net_repl_input_bytes"); in < int64(len(big)) {
		t.Errorf("replica total_net_repl_input_bytes = %d, want at least %d", in, len(big))
	}
	if in := p.infoInt(t, "stats", "total_net_repl_input_bytes"); in != 0 {
		t.Errorf("primary total_net_repl_input_bytes = %d, want 0", in)
	}
}
