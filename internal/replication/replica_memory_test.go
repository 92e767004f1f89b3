package replication_test

import (
	"context"
	"testing"
)

// TestReplicaIgnoresMaxMemory: a replica over its maxmemory neither evicts
// nor refuses with OOM while replica-ignore-maxmemory is yes (the
// default): its primary's evictions reach it as DELs. With the directive
// off it evicts as a primary would. The replica is writable
// so that its own writes show the difference; the figures are
// redis-server 7.0's for the same sequence (every key evicted, then OOM).
func TestReplicaIgnoresMaxMemory(t *testing.T) {
	ctx := context.Background()
	p := start(t, "")
	r := start(t, "", p.replicaOf(), "replica-read-only no", "maxmemory 1", "maxmemory-policy allkeys-lru")
	waitLinked(t, r, p)
	for _, k := range []string{"a", "b", "c"} {
		if err := p.c.Set(ctx, k, "value", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	waitCaughtUp(t, p, r)

	if err := r.c.Set(ctx, "x", "y", 0).Err(); err != nil {
		t.Errorf("SET on the replica: %v, want OK", err)
	}
	if n := r.c.DBSize(ctx).Val(); n != 4 {
		t.Errorf("replica dbsize = %d, want 4", n)
	}
	if n := r.infoInt(t, "stats", "evicted_keys"); n != 0 {
		t.Errorf("replica evicted_keys = %d, want 0", n)
	}

	if err := r.c.ConfigSet(ctx, "replica-ignore-maxmemory", "no").Err(); err != nil {
		t.Fatal(err)
	}
	// Redis then answers OOM, having evicted everything; Shoal's
	// FreeMemory lets a command through once it evicted something (as
	// on a primary), so only the eviction is checked here.
	r.c.Set(ctx, "z", "y", 0)
	if n := r.infoInt(t, "stats", "evicted_keys"); n != 4 {
		t.Errorf("replica evicted_keys = %d, want 4", n)
	}
}
