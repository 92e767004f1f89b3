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

// TestSortRedisQuirks: what Redis 7.0's SORT does beside sorting, with
// replies recorded from redis-server 7.0. It turns a listpack sorted set
// into a skiplist for good once the options are read (even SORT_RO, even
// when the sort then fails); a LIMIT count that takes the window past
// MaxInt64 still ends it at the last element; and STORE builds its list
// with 8 KB nodes, whatever list-max-listpack-size says.
func TestSortRedisQuirks(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("ZADD z 1 a 2 b", ":2\r\n"),
		st("SORT z LIMIT x 1", "-ERR value is not an integer or out of range\r\n"),
		st("OBJECT ENCODING z", "$8\r\nlistpack\r\n"),
		st("SORT_RO z", "-ERR One or more scores can't be converted into double\r\n"),
		st("OBJECT ENCODING z", "$8\r\nskiplist\r\n"),
		st("ZADD n 1 1 2 2", ":2\r\n"),
		st("SORT n BY nosort", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st("OBJECT ENCODING n", "$8\r\nskiplist\r\n"),
		st("DUMP n", "$32\r\n\x05\x02\xc0\x02\x00\x00\x00\x00\x00\x00\x00@\xc0\x01\x00\x00\x00\x00\x00\x00\xf0?\n\x00ZP\xdcn\xc9\x8f\x01(\r\n"),
		st("RPUSH l 3 1 2", ":3\r\n"),
		st("SORT l LIMIT 2 9223372036854775807", "*1\r\n$1\r\n3\r\n"),
		st("SORT l BY nosort LIMIT 1 9223372036854775807", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st("SORT n LIMIT 1 9223372036854775807", "*1\r\n$1\r\n2\r\n"),
		st("CONFIG SET list-max-listpack-size 1", "+OK\r\n"),
		st("SORT l STORE d", ":3\r\n"),
		st("RPUSH d 4", ":4\r\n"),
		st("DUMP d", "$29\r\n\x12\x01\x02\x0f\x0f\x00\x00\x00\x04\x00\x01\x01\x02\x01\x03\x01\x04\x01\xff\n\x00\xa0\xcd\x87\xbc\x80C\x8au\r\n"),
		st("CONFIG SET list-max-listpack-size -2", "+OK\r\n"),
	})
}
