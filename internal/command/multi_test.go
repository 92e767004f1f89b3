package command_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestTransactionReplies checks MULTI/EXEC/DISCARD/WATCH replies against
// what redis-server 7.0 sends, byte for byte, on one connection.
func TestTransactionReplies(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	steps := []struct {
		cmd  []string
		want string
	}{
		{[]string{"EXEC"}, "-ERR EXEC without MULTI\r\n"},
		{[]string{"DISCARD"}, "-ERR DISCARD without MULTI\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"WATCH", "x"}, "-ERR WATCH inside MULTI is not allowed\r\n"},
		{[]string{"MULTI"}, "-ERR MULTI calls can not be nested\r\n"},
		{[]string{"SET", "a", "1"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*1\r\n+OK\r\n"},
		// An error while queueing aborts the whole transaction.
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"SET", "a", "2"}, "+QUEUED\r\n"},
		{[]string{"GET"}, "-ERR wrong number of arguments for 'get' command\r\n"},
		{[]string{"NOSUCH"}, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n"},
		{[]string{"EXEC"}, "-EXECABORT Transaction discarded because of previous errors.\r\n"},
		{[]string{"GET", "a"}, "$1\r\n1\r\n"},
		// A runtime error does not undo the others.
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"SET", "s", "x"}, "+QUEUED\r\n"},
		{[]string{"INCR", "s"}, "+QUEUED\r\n"},
		{[]string{"INCR", "a"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n:2\r\n"},
		// SELECT inside a transaction changes the connection's database.
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"SELECT", "1"}, "+QUEUED\r\n"},
		{[]string{"SET", "b", "2"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*2\r\n+OK\r\n+OK\r\n"},
		{[]string{"GET", "b"}, "$1\r\n2\r\n"},
		{[]string{"SELECT", "0"}, "+OK\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"UNWATCH"}, "+QUEUED\r\n"},
		{[]string{"DISCARD"}, "+OK\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"RESET"}, "+RESET\r\n"},
		{[]string{"EXEC"}, "-ERR EXEC without MULTI\r\n"},
		{[]string{"WATCH"}, "-ERR wrong number of arguments for 'watch' command\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"EXEC"}, "*0\r\n"},
		// WATCH of a key another command changes: EXEC answers null.
		{[]string{"WATCH", "a"}, "+OK\r\n"},
		{[]string{"SET", "a", "changed"}, "+OK\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"GET", "a"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*-1\r\n"},
		// EXEC unwatched: the next transaction runs.
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"GET", "a"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*1\r\n$7\r\nchanged\r\n"},
		{[]string{"HELLO", "3"}, ""},
		{[]string{"WATCH", "a"}, "+OK\r\n"},
		{[]string{"DEL", "a"}, ":1\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"EXEC"}, "_\r\n"},
	}
	for _, st := range steps {
		got := r.Do(st.cmd...)
		if st.want != "" && got != st.want {
			t.Fatalf("%v: got %q, want %q", st.cmd, got, st.want)
		}
	}
}

// TestWatchSeesEveryChange watches a key and changes it in each way
// Redis counts as a change, from another client or by time; EXEC must
// fail after each, and succeed after things that are not changes.
func TestWatchSeesEveryChange(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	other := s.Client(t)
	tests := []struct {
		name    string
		setup   func()
		change  func()
		aborted bool
	}{
		{"SET by another client", nil, func() { other.Set(ctx, "k", "2", 0) }, true},
		{"DEL", nil, func() { other.Del(ctx, "k") }, true},
		{"EXPIRE", nil, func() { other.Expire(ctx, "k", time.Hour) }, true},
		{"expiry", func() { other.PExpire(ctx, "k", 20*time.Millisecond) }, func() { time.Sleep(60 * time.Millisecond) }, true},
		{"RENAME onto it", func() { other.Set(ctx, "src", "s", 0) }, func() { other.Rename(ctx, "src", "k") }, true},
		{"FLUSHALL", nil, func() { other.FlushAll(ctx) }, true},
		{"FLUSHDB", nil, func() { other.FlushDB(ctx) }, true},
		{"SWAPDB", nil, func() { other.Do(ctx, "swapdb", 0, 1) }, true},
		{"APPEND", nil, func() { other.Append(ctx, "k", "x") }, true},
		{"a read", nil, func() { other.Get(ctx, "k") }, false},
		{"another key", nil, func() { other.Set(ctx, "unrelated", "1", 0) }, false},
		{"DEL of a missing key", func() { other.Del(ctx, "k") }, func() { other.Del(ctx, "k") }, false},
		{"FLUSHALL while it does not exist", func() { other.Del(ctx, "k") }, func() { other.FlushAll(ctx) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other.FlushAll(ctx)
			other.Set(ctx, "k", "1", 0)
			if tt.setup != nil {
				tt.setup()
			}
			c := s.Client(t)
			err := c.Watch(ctx, func(tx *redis.Tx) error {
				tt.change()
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, "done", "1", 0)
					return nil
				})
				return err
			}, "k")
			if aborted := errors.Is(err, redis.TxFailedErr); aborted != tt.aborted || (err != nil && !aborted) {
				t.Fatalf("EXEC after %s: %v, want aborted=%v", tt.name, err, tt.aborted)
			}
		})
	}
}

// TestWatchCheckAndSet runs Redis's optimistic-locking recipe from many
// clients at once: each increments a counter by WATCH, GET, MULTI, SET,
// EXEC, retrying when EXEC fails. No increment may be lost.
func TestWatchCheckAndSet(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	const clients, increments = 8, 50
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := s.Client(t)
			for range increments {
				for {
					err := c.Watch(ctx, func(tx *redis.Tx) error {
						n, err := tx.Get(ctx, "counter").Int()
						if err != nil && err != redis.Nil {
							return err
						}
						_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
							p.Set(ctx, "counter", n+1, 0)
							return nil
						})
						return err
					}, "counter")
					if err == nil {
						break
					}
					if !errors.Is(err, redis.TxFailedErr) {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if n, _ := s.Client(t).Get(ctx, "counter").Int(); n != clients*increments {
		t.Fatalf("counter = %d after %d check-and-set increments", n, clients*increments)
	}
}

// TestExecIsAtomic has one client add to two keys in one transaction while
// others read both in one MGET: no reader may ever see one changed and not
// the other, whatever shards the keys live in.
func TestExecIsAtomic(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	writer := s.Client(t)
	writer.MSet(ctx, "left", 0, "right", 0)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := s.Client(t)
			for {
				select {
				case <-stop:
					return
				default:
				}
				// MGET is atomic by itself; the writer's two INCRs
				// only look like one step if EXEC keeps MGET out.
				vals, err := c.MGet(ctx, "left", "right").Result()
				if err != nil {
					t.Error(err)
					return
				}
				l, _ := strconv.Atoi(vals[0].(string))
				r, _ := strconv.Atoi(vals[1].(string))
				if l != r {
					t.Errorf("a transaction saw left=%d right=%d", l, r)
					return
				}
			}
		}()
	}
	for range 2000 {
		if _, err := writer.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Incr(ctx, "left")
			p.Incr(ctx, "right")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if l, r := writer.Get(ctx, "left").Val(), writer.Get(ctx, "right").Val(); l != "2000" || r != "2000" {
		t.Fatalf("left=%s right=%s, want 2000 each", l, r)
	}
}

// TestClientListShowsTransaction: CLIENT INFO run by EXEC reports the
// transaction (flag x, the number of queued commands), as Redis's does.
func TestClientListShowsTransaction(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	for _, cmd := range [][]string{{"MULTI"}, {"SET", "a", "1"}, {"CLIENT", "INFO"}} {
		r.Do(cmd...)
	}
	got := r.Do("EXEC")
	if !strings.Contains(got, " flags=x ") || !strings.Contains(got, " multi=2 ") {
		t.Fatalf("CLIENT INFO inside EXEC: %q", got)
	}
	if got := r.Do("CLIENT", "INFO"); !strings.Contains(got, " flags=N ") || !strings.Contains(got, " multi=-1 ") {
		t.Fatalf("CLIENT INFO after EXEC: %q", got)
	}
}
