package command_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// waitBlocked waits until n clients are blocked (INFO blocked_clients).
func waitBlocked(t *testing.T, c *redis.Client, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		info := c.Info(context.Background(), "clients").Val()
		if strings.Contains(info, "blocked_clients:"+strconv.Itoa(n)+"\r\n") {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never saw %d blocked clients:\n%s", n, c.Info(context.Background(), "clients").Val())
}

// TestBlockingPopServedInOrder parks three clients on one key, one after
// the other, then pushes three elements: each gets one, in the order they
// blocked, as Redis serves them.
func TestBlockingPopServedInOrder(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	results := make([]chan []string, 3)
	for i := range results {
		results[i] = make(chan []string, 1)
		c := s.Client(t)
		go func() {
			v, err := c.BLPop(ctx, 0, "queue").Result()
			if err != nil {
				t.Error(err)
			}
			results[i] <- v
		}()
		waitBlocked(t, admin, i+1)
	}
	admin.LPush(ctx, "queue", "a", "b", "c") // the list is c b a
	for i, want := range []string{"c", "b", "a"} {
		select {
		case got := <-results[i]:
			if len(got) != 2 || got[0] != "queue" || got[1] != want {
				t.Fatalf("client %d got %v, want [queue %s]", i, got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("client %d was never served", i)
		}
	}
	if n := admin.Exists(ctx, "queue").Val(); n != 0 {
		t.Fatal("the list should be gone: every element was served")
	}
	waitBlocked(t, admin, 0)
}

// TestBlockingTimeouts: a sub-second timeout answers a null after about
// that long; a timeout of 0 waits until served.
func TestBlockingTimeouts(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	start := time.Now()
	got := r.Do("BLPOP", "none", "0.15")
	took := time.Since(start)
	if got != "*-1\r\n" || took < 140*time.Millisecond || took > 2*time.Second {
		t.Fatalf("BLPOP with a 0.15 s timeout: %q after %v", got, took)
	}
	for _, cmd := range [][]string{
		{"BLPOP", "k", "-1"}, {"BLPOP", "k", "abc"}, {"BRPOP", "k", "nan"}, {"BLMOVE", "k", "d", "LEFT", "UP", "1"},
	} {
		got := r.Do(cmd...)
		if !strings.HasPrefix(got, "-ERR ") {
			t.Errorf("%v: %q, want an error", cmd, got)
		}
	}
	if got := r.Do("BLPOP", "k", "-1"); got != "-ERR timeout is negative\r\n" {
		t.Errorf("negative timeout: %q", got)
	}
	if got := r.Do("BLPOP", "k", "abc"); got != "-ERR timeout is not a float or out of range\r\n" {
		t.Errorf("bad timeout: %q", got)
	}
	if got := r.Do("BRPOP", "k", "0.05"); got != "*-1\r\n" {
		t.Errorf("timed out BRPOP: %q", got)
	}
}

// TestBlockedClientKeepsPipeline: commands sent after a blocking one run
// only once it is served, and their replies follow its reply.
func TestBlockedClientKeepsPipeline(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	r := s.Raw(t)
	r.Send("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nq\r\n")
	waitBlocked(t, admin, 1)
	if info := admin.ClientList(ctx).Val(); !strings.Contains(info, "flags=b ") || !strings.Contains(info, "cmd=blpop") {
		t.Fatalf("CLIENT LIST does not show the blocked client:\n%s", info)
	}
	admin.RPush(ctx, "q", "x", "y")
	if got := r.ReadReply(); got != "*2\r\n$1\r\nq\r\n$1\r\nx\r\n" {
		t.Fatalf("BLPOP served: %q", got)
	}
	if got := r.ReadReply(); got != "+PONG\r\n" {
		t.Fatalf("then PING: %q", got)
	}
	if got := r.ReadReply(); got != ":1\r\n" {
		t.Fatalf("then LLEN: %q", got)
	}
}

// TestBlockedClientDisconnects: a client that goes away while blocked
// leaves nothing behind; the next push stays in the list.
func TestBlockedClientDisconnects(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	r := s.Raw(t)
	r.Send("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
	waitBlocked(t, admin, 1)
	r.Conn.Close()
	waitBlocked(t, admin, 0)
	admin.RPush(ctx, "q", "kept")
	if got := admin.LRange(ctx, "q", 0, -1).Val(); len(got) != 1 || got[0] != "kept" {
		t.Fatalf("after the blocked client left, the list is %v", got)
	}
}

// TestBlockingMoveAndExec: a push inside MULTI/EXEC serves a blocked
// BLMOVE, whose push serves a client blocked on its destination; inside
// EXEC blocking commands answer at once.
func TestBlockingMoveAndExec(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	moved := make(chan string, 1)
	popped := make(chan []string, 1)
	c1, c2 := s.Client(t), s.Client(t)
	go func() { moved <- c1.BLMove(ctx, "src", "dst", "RIGHT", "LEFT", 0).Val() }()
	waitBlocked(t, admin, 1)
	go func() { popped <- c2.BLPop(ctx, 0, "dst").Val() }()
	waitBlocked(t, admin, 2)
	if _, err := admin.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, "src", "m")
		p.BLPop(ctx, time.Second, "empty") // no block inside EXEC
		return nil
	}); err != nil && err != redis.Nil {
		t.Fatal(err)
	}
	select {
	case got := <-moved:
		if got != "m" {
			t.Fatalf("BLMOVE got %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BLMOVE was never served")
	}
	select {
	case got := <-popped:
		if len(got) != 2 || got[1] != "m" {
			t.Fatalf("BLPOP on the destination got %v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BLPOP on BLMOVE's destination was never served")
	}
}

// TestClientUnblock: CLIENT UNBLOCK ends a blocked command with its
// timeout reply, or with ERROR the UNBLOCKED error, as Redis does.
func TestClientUnblock(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	r := s.Raw(t)
	id := r.Do("CLIENT", "ID")
	r.Send("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
	waitBlocked(t, admin, 1)
	num := strings.TrimSuffix(strings.TrimPrefix(id, ":"), "\r\n")
	if n := admin.Do(ctx, "CLIENT", "UNBLOCK", num).Val(); n != int64(1) {
		t.Fatalf("CLIENT UNBLOCK of a blocked client: %v", n)
	}
	if got := r.ReadReply(); got != "*-1\r\n" {
		t.Fatalf("unblocked with TIMEOUT: %q", got)
	}
	r.Send("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
	waitBlocked(t, admin, 1)
	admin.Do(ctx, "CLIENT", "UNBLOCK", num, "ERROR")
	if got := r.ReadReply(); got != "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n" {
		t.Fatalf("unblocked with ERROR: %q", got)
	}
	a := s.Raw(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"CLIENT", "UNBLOCK", num}, ":0\r\n"},
		{[]string{"CLIENT", "UNBLOCK", "abc", "foo"}, "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"},
		{[]string{"CLIENT", "UNBLOCK", "abc"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"CLIENT", "UNBLOCK", "1", "timeout", "x"}, "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n"},
	} {
		if got := a.Do(tt.args...); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestBlockingCommandStats: a blocking command counts once in INFO
// commandstats, when it is served, times out or is unblocked, as in
// Redis; CLIENT UNBLOCK ... ERROR counts a failed call and an UNBLOCKED
// error.
func TestBlockingCommandStats(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	waiter := srv.Client(t)
	served := make(chan error, 1)
	go func() { served <- waiter.BLPop(ctx, 5*time.Second, "q").Err() }()
	waitBlocked(t, c, 1)
	c.RPush(ctx, "q", "a")
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if err := waiter.BLPop(ctx, 100*time.Millisecond, "empty").Err(); err != redis.Nil {
		t.Fatalf("timed out BLPOP: %v", err)
	}
	id := waiter.ClientID(ctx).Val()
	go func() { served <- waiter.BLPop(ctx, 5*time.Second, "empty").Err() }()
	waitBlocked(t, c, 1)
	c.Do(ctx, "CLIENT", "UNBLOCK", id, "ERROR")
	if err := <-served; err == nil || !strings.HasPrefix(err.Error(), "UNBLOCKED") {
		t.Fatalf("unblocked BLPOP: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(c.Info(ctx, "commandstats", "errorstats").Val(), "\r\n") {
		if strings.HasPrefix(l, "cmdstat_blpop:") || strings.HasPrefix(l, "errorstat_UNBLOCKED:") {
			lines = append(lines, l)
		}
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{"cmdstat_blpop:calls=3,", ",failed_calls=1", "errorstat_UNBLOCKED:count=1"} {
		if !strings.Contains(got, want) {
			t.Errorf("INFO has no %q in %q", want, got)
		}
	}
}

// TestBlockingPopTimeoutRace: clients BLPOP with timeouts of a
// millisecond, over and over, while two others push (on both event
// loops): timeouts fire while pushes serve the waiters, and two pushes
// serve one key at once. Every element pushed is either received by a
// client or still in the list: none is popped for a client that is then
// told it timed out, or popped twice for one client.
func TestBlockingPopTimeoutRace(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	const poppers, pushers, pushes = 6, 2, 3000
	received := make(chan int, poppers)
	stop := make(chan struct{})
	for range poppers {
		go func() {
			c := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 1, MaxRetries: -1})
			defer c.Close()
			n := 0
			for {
				select {
				case <-stop:
					received <- n
					return
				default:
				}
				if r, err := c.BLPop(ctx, time.Millisecond, "race").Result(); err == nil && len(r) == 2 {
					n++
				}
			}
		}()
	}
	done := make(chan struct{})
	for range pushers {
		go func() {
			c := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 1})
			defer c.Close()
			for range pushes {
				c.RPush(ctx, "race", "x")
			}
			done <- struct{}{}
		}()
	}
	for range pushers {
		<-done
	}
	close(stop)
	total := 0
	for range poppers {
		total += <-received
	}
	left, err := srv.Client(t).LLen(ctx, "race").Result()
	if err != nil {
		t.Fatal(err)
	}
	if got := total + int(left); got != pushers*pushes {
		t.Fatalf("%d received + %d left = %d, want %d pushed", total, left, got, pushers*pushes)
	}
}

// TestBlockingMPopArgumentOrder: BLMPOP and BZMPOP read their timeout
// after the rest, as Redis does, so a bad COUNT or direction is reported
// before a bad timeout. Replies recorded from redis-server 7.0.
func TestBlockingMPopArgumentOrder(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("BLMPOP x 1 a LEFT COUNT 0", "-ERR count should be greater than 0\r\n"),
		st("BLMPOP -1 1 a FOO", "-ERR syntax error\r\n"),
		st("BLMPOP x 0 a LEFT", "-ERR numkeys should be greater than 0\r\n"),
		st("BLMPOP x 5 a LEFT", "-ERR syntax error\r\n"),
		st("BLMPOP x 1 a LEFT", "-ERR timeout is not a float or out of range\r\n"),
		st("BZMPOP x 1 k MIN COUNT 0", "-ERR count should be greater than 0\r\n"),
		st("BZMPOP -1 1 k FOO", "-ERR syntax error\r\n"),
		st("BZMPOP x 0 k MIN", "-ERR numkeys should be greater than 0\r\n"),
		st("BZMPOP inf 1 k MIN", "-ERR timeout is negative\r\n"),
	})
}
