package command_test

import (
	"context"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestRestoreUsesNodeThresholds: a RESTOREd hash or set is encoded by the
// node's thresholds, as Redis's rdbLoadObject does, not by the defaults.
func TestRestoreUsesNodeThresholds(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	c := s.Client(t)
	c.HSet(ctx, "h", "a", 1, "b", 2, "c", 3)
	c.SAdd(ctx, "s", 1, 2, 3)
	h, s2 := c.Dump(ctx, "h").Val(), c.Dump(ctx, "s").Val()
	c.ConfigSet(ctx, "hash-max-listpack-entries", "2")
	c.ConfigSet(ctx, "set-max-intset-entries", "2")
	c.Restore(ctx, "h2", 0, h)
	c.Restore(ctx, "s2", 0, s2)
	if enc := c.ObjectEncoding(ctx, "h2").Val(); enc != "hashtable" {
		t.Errorf("restored 3-field hash with hash-max-listpack-entries 2: %s, want hashtable", enc)
	}
	if enc := c.ObjectEncoding(ctx, "s2").Val(); enc != "hashtable" {
		t.Errorf("restored 3-member set with set-max-intset-entries 2: %s, want hashtable", enc)
	}
}
