package command_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// SORT's replies are compared with redis-server in tests/compat; these
// steps (replies taken from redis-server 7.0) keep the common cases
// checked without it.
func TestSortBasics(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("RPUSH l 3 1 2", ":3\r\n"),
		st("SORT l", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SORT l DESC LIMIT 0 2", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
		st("SORT l BY nosort DESC", "*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n"),
		st("MSET w_1 30 w_2 20 w_3 10", "+OK\r\n"),
		st("SORT l BY w_* GET # GET w_*", "*6\r\n$1\r\n3\r\n$2\r\n10\r\n$1\r\n2\r\n$2\r\n20\r\n$1\r\n1\r\n$2\r\n30\r\n"),
		st("SORT l STORE d", ":3\r\n"),
		st("LRANGE d 0 -1", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SORT nosuch STORE d", ":0\r\n"),
		st("EXISTS d", ":0\r\n"),
		st("SORT_RO l STORE d", "-ERR syntax error\r\n"),
		st("SET str v", "+OK\r\n"),
		st("SORT str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
	})
}

// TestSortConcurrent checks that a SORT whose BY and GET patterns read
// other keys sees them as one moment: writers set every weight at once
// with MSET, so every GET of one SORT must return the same generation.
// The weights share a hash tag, so MSET locks one shard, not those of the
// list and the destination: only SORT's own locking keeps it atomic.
func TestSortConcurrent(t *testing.T) {
	// Loops of their own, so that the clients' commands run side by side.
	srv := testserver.Start(t, "io-threads 3", "io-threads-adaptive no", "shards 8")
	ctx := context.Background()
	setup := srv.Client(t)
	const n = 50
	for i := range n {
		setup.RPush(ctx, "l", i)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := srv.Client(t)
			for gen := w * 1_000_000; ; gen++ {
				select {
				case <-stop:
					return
				default:
				}
				pairs := make([]any, 0, 2*n)
				for i := range n {
					pairs = append(pairs, fmt.Sprintf("w{g}%d", i), gen)
				}
				if err := c.MSet(ctx, pairs...).Err(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	c := srv.Client(t)
	for range 200 {
		got, err := c.Do(ctx, "SORT", "l", "BY", "w{g}*", "GET", "w{g}*", "STORE", "dst").Int()
		if err != nil || got != n {
			t.Fatalf("SORT STORE = %d, %v", got, err)
		}
		vals, err := c.LRange(ctx, "dst", 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		checkOneGeneration(t, vals)
		vals, err = c.Do(ctx, "SORT_RO", "l", "BY", "w{g}*").StringSlice()
		if err != nil || len(vals) != n {
			t.Fatalf("SORT_RO = %v, %v", vals, err)
		}
	}
	close(stop)
	wg.Wait()
}

func checkOneGeneration(t *testing.T, vals []string) {
	t.Helper()
	for _, v := range vals {
		if v != vals[0] {
			t.Fatalf("SORT saw weights of different MSETs: %v", vals)
		}
		if _, err := strconv.Atoi(v); err != nil && v != "" {
			t.Fatalf("weight %q", v)
		}
	}
}
