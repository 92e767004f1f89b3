package replication_test

import (
	"context"
	"net"
	"testing"
	"time"
)

// TestLinkDownSinceLikeRedis: master_link_down_since_seconds is -1 on a
// replica whose link has not been up since it was a primary (Redis's
// repl_down_since 0), and counts from the moment the link went down
// otherwise.
func TestLinkDownSinceLikeRedis(t *testing.T) {
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, dead, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()

	p := start(t, "")
	r := start(t, "")
	steps := []struct {
		what string
		do   func()
		want func(v int64) bool
	}{
		{"a primary made a replica of nothing", func() { r.c.Do(ctx, "REPLICAOF", "127.0.0.1", dead) }, func(v int64) bool { return v == -1 }},
		{"then a replica of a live primary whose link came up and went down", func() {
			r.c.Do(ctx, "REPLICAOF", "127.0.0.1", p.port())
			waitLinked(t, r, p)
			p.Stop()
		}, func(v int64) bool { return v >= 0 }},
		{"then REPLICAOF another primary while the link is down", func() { r.c.Do(ctx, "REPLICAOF", "127.0.0.1", dead) }, func(v int64) bool { return v >= 0 }},
		{"then promoted and made a replica again", func() {
			r.c.Do(ctx, "REPLICAOF", "NO", "ONE")
			r.c.Do(ctx, "REPLICAOF", "127.0.0.1", dead)
		}, func(v int64) bool { return v == -1 }},
	}
	for _, s := range steps {
		s.do()
		var v int64
		eventually(t, 10*time.Second, s.what, func() bool {
			if r.info(t, "replication", "master_link_status") != "down" {
				return false
			}
			v = r.infoInt(t, "replication", "master_link_down_since_seconds")
			return s.want(v)
		})
		if role, err := r.c.Do(ctx, "ROLE").Slice(); err != nil || len(role) != 5 || role[4] != int64(-1) {
			t.Errorf("%s: ROLE = %v, %v; want the offset -1 while the link is down", s.what, role, err)
		}
	}
}
