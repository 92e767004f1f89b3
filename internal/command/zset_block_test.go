package command_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestBlockingZPop: BZPOPMIN and BZMPOP wait for a sorted set, are served
// in the order they blocked when ZADD creates one, and answer as Redis
// does (RESP2 and RESP3), at once when a set is there.
func TestBlockingZPop(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	first, second := s.Raw(t), s.Raw(t)
	first.Send("*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nz\r\n$1\r\n0\r\n")
	waitBlocked(t, admin, 1)
	second.Do("HELLO", "3")
	second.Send("*7\r\n$6\r\nBZMPOP\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\nz\r\n$3\r\nMAX\r\n$5\r\nCOUNT\r\n$1\r\n5\r\n")
	waitBlocked(t, admin, 2)
	admin.ZAdd(ctx, "z", redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: 2, Member: "b"}, redis.Z{Score: 3, Member: "c"})
	if got := first.ReadReply(); got != "*3\r\n$1\r\nz\r\n$1\r\na\r\n$3\r\n1.5\r\n" {
		t.Fatalf("BZPOPMIN served: %q", got)
	}
	if got := second.ReadReply(); got != "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n" {
		t.Fatalf("BZMPOP served (RESP3): %q", got)
	}
	if admin.Exists(ctx, "z").Val() != 0 {
		t.Fatal("the sorted set should be gone")
	}
	r := s.Raw(t)
	start := time.Now()
	if got := r.Do("BZPOPMAX", "none", "0.1"); got != "*-1\r\n" || time.Since(start) < 90*time.Millisecond {
		t.Fatalf("BZPOPMAX timeout: %q after %v", got, time.Since(start))
	}
	admin.ZAdd(ctx, "y", redis.Z{Score: 7, Member: "m"})
	if got := r.Do("BZPOPMAX", "none", "y", "0"); got != "*3\r\n$1\r\ny\r\n$1\r\nm\r\n$1\r\n7\r\n" {
		t.Fatalf("BZPOPMAX with a set there: %q", got)
	}
	admin.Set(ctx, "str", "x", 0)
	if got := r.Do("BZPOPMIN", "str", "0"); got != "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n" {
		t.Fatalf("BZPOPMIN on a string: %q", got)
	}
}
