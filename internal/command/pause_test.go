package command_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

func TestClientPauseErrors(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"CLIENT", "PAUSE", "1.5"}, "-ERR timeout is not an integer or out of range\r\n", ""},
		{[]string{"CLIENT", "PAUSE", "-1"}, "-ERR timeout is negative\r\n", ""},
		{[]string{"CLIENT", "PAUSE", "10", "reads"}, "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", ""},
		{[]string{"CLIENT", "PAUSE", "10", "write", "x"}, "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n", ""},
		{[]string{"CLIENT", "PAUSE"}, "-ERR wrong number of arguments for 'client|pause' command\r\n", ""},
		{[]string{"CLIENT", "UNPAUSE", "x"}, "-ERR wrong number of arguments for 'client|unpause' command\r\n", ""},
		// A timeout that wraps the clock, as in Redis, pauses nothing.
		{[]string{"CLIENT", "PAUSE", "9223372036854775807"}, "+OK\r\n", ""},
		{[]string{"SET", "k", "v"}, "+OK\r\n", ""},
		{[]string{"CLIENT", "PAUSE", "0", "WRITE"}, "+OK\r\n", ""},
		{[]string{"SET", "k", "w"}, "+OK\r\n", ""},
		{[]string{"CLIENT", "UNPAUSE"}, "+OK\r\n", ""},
	})
}

// held starts cmd on its own client and returns the channel its result
// arrives on.
func held(c *redis.Client, args ...any) <-chan *redis.Cmd {
	done := make(chan *redis.Cmd, 1)
	go func() { done <- c.Do(context.Background(), args...) }()
	return done
}

// stillHeld fails the test if cmd's result arrives within d.
func stillHeld(t *testing.T, what string, done <-chan *redis.Cmd, d time.Duration) {
	t.Helper()
	select {
	case r := <-done:
		t.Fatalf("%s ran during the pause: %v", what, r)
	case <-time.After(d):
	}
}

// released waits for cmd's result after the pause ended.
func released(t *testing.T, what string, done <-chan *redis.Cmd) *redis.Cmd {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("%s still held after the pause ended", what)
		return nil
	}
}

// TestClientPauseWrite: a WRITE pause holds back writes, scripts that may
// write, PUBLISH and an EXEC that queued a write, in the order they came,
// and lets reads, read-only scripts and read-only transactions run; the
// held clients show as blocked, and run when CLIENT UNPAUSE comes.
func TestClientPauseWrite(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	admin.Set(ctx, "k", "before", 0)
	if err := admin.Do(ctx, "CLIENT", "PAUSE", "60000", "WRITE").Err(); err != nil {
		t.Fatal(err)
	}

	setFirst := held(s.Client(t), "SET", "k", "first")
	waitBlocked(t, admin, 1)
	setSecond := held(s.Client(t), "SET", "k", "second")
	evalWrite := held(s.Client(t), "EVAL", "return redis.call('INCR', 'n')", "0")
	publish := held(s.Client(t), "PUBLISH", "ch", "m")
	waitBlocked(t, admin, 4)

	tx := s.Client(t)
	pipe := tx.TxPipeline()
	pipe.Set(ctx, "t", "1", 0)
	execDone := make(chan error, 1)
	go func() { _, err := pipe.Exec(ctx); execDone <- err }()
	waitBlocked(t, admin, 5)

	// Reads, read-only scripts and read-only transactions run.
	if v := admin.Get(ctx, "k").Val(); v != "before" {
		t.Fatalf("GET during the pause: %q", v)
	}
	if v, err := admin.Do(ctx, "EVAL_RO", "return redis.call('GET', KEYS[1])", "1", "k").Text(); err != nil || v != "before" {
		t.Fatalf("EVAL_RO during the pause: %q %v", v, err)
	}
	if v, err := admin.Do(ctx, "EVAL", "#!lua flags=no-writes\nreturn 7", "0").Int(); err != nil || v != 7 {
		t.Fatalf("a no-writes EVAL during the pause: %v %v", v, err)
	}
	readTx := admin.TxPipeline()
	get := readTx.Get(ctx, "k")
	if _, err := readTx.Exec(ctx); err != nil || get.Val() != "before" {
		t.Fatalf("a read-only EXEC during the pause: %q %v", get.Val(), err)
	}
	list := admin.ClientList(ctx).Val()
	if !strings.Contains(list, "flags=b ") || !strings.Contains(list, "cmd=set ") {
		t.Fatalf("CLIENT LIST shows no held SET:\n%s", list)
	}
	stillHeld(t, "SET", setFirst, 50*time.Millisecond)

	if err := admin.Do(ctx, "CLIENT", "UNPAUSE").Err(); err != nil {
		t.Fatal(err)
	}
	for what, done := range map[string]<-chan *redis.Cmd{"SET": setFirst, "the second SET": setSecond, "EVAL": evalWrite, "PUBLISH": publish} {
		if r := released(t, what, done); r.Err() != nil {
			t.Fatalf("%s after the pause: %v", what, r.Err())
		}
	}
	select {
	case err := <-execDone:
		if err != nil {
			t.Fatalf("EXEC after the pause: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("EXEC still held after the pause ended")
	}
	if v := admin.Get(ctx, "k").Val(); v != "second" {
		t.Fatalf("k is %q: the held SETs did not run in the order they came", v)
	}
	if v := admin.Get(ctx, "n").Val(); v != "1" {
		t.Fatalf("n is %q after the held EVAL", v)
	}
	waitBlocked(t, admin, 0)
}

// TestClientPauseAll: an ALL pause holds every client's commands, CLIENT
// UNPAUSE included, until its timeout.
func TestClientPauseAll(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	start := time.Now()
	if err := admin.Do(ctx, "CLIENT", "PAUSE", "300").Err(); err != nil {
		t.Fatal(err)
	}
	other := s.Client(t)
	if err := other.Do(ctx, "CLIENT", "UNPAUSE").Err(); err != nil {
		t.Fatal(err)
	}
	if err := other.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Fatalf("UNPAUSE and PING answered after %v of a 300 ms ALL pause", took)
	}
}

// TestClientPauseHoldsExpiry: while a pause lasts a lapsed key reads as
// missing but is not deleted (expired_keys stays, DBSIZE counts it); it
// goes once the pause ends.
func TestClientPauseHoldsExpiry(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	c := s.Client(t)
	c.Set(ctx, "e", "v", 50*time.Millisecond)
	c.Do(ctx, "CLIENT", "PAUSE", "60000", "WRITE")
	time.Sleep(300 * time.Millisecond)
	if n, err := c.Exists(ctx, "e").Result(); err != nil || n != 0 {
		t.Fatalf("EXISTS of a lapsed key during the pause: %d %v", n, err)
	}
	if n := c.DBSize(ctx).Val(); n != 1 {
		t.Fatalf("DBSIZE during the pause is %d: the lapsed key was deleted", n)
	}
	if info := c.Info(ctx, "stats").Val(); !strings.Contains(info, "expired_keys:0\r\n") {
		t.Fatal("a key expired during the pause")
	}
	c.Do(ctx, "CLIENT", "UNPAUSE")
	deadline := time.Now().Add(10 * time.Second)
	for c.DBSize(ctx).Val() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the lapsed key stayed after the pause ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if info := c.Info(ctx, "stats").Val(); !strings.Contains(info, "expired_keys:1\r\n") {
		t.Fatal("the key's expiry was not counted after the pause")
	}
}

// TestClientPauseCombines: a second pause makes the one in force no
// shorter and no weaker (Redis 7.0 keeps the stricter mode until the
// later end), so a short pause cannot end a long one.
func TestClientPauseCombines(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	admin.Do(ctx, "CLIENT", "PAUSE", "60000", "WRITE")
	admin.Do(ctx, "CLIENT", "PAUSE", "0", "WRITE")
	admin.Do(ctx, "CLIENT", "PAUSE", "9223372036854775807", "WRITE") // wraps to the past
	set := held(s.Client(t), "SET", "k", "v")
	stillHeld(t, "SET after a shorter second pause", set, 200*time.Millisecond)
	admin.Do(ctx, "CLIENT", "UNPAUSE")
	if r := released(t, "SET", set); r.Err() != nil {
		t.Fatal(r.Err())
	}
}

// TestClientPauseHeldConnection: a held client keeps what it asked of its
// connection: QUIT closes it when it runs, without running what was
// pipelined after it, and CLIENT REPLY SKIP drops the held command's
// reply, not the next one's.
func TestClientPauseHeldConnection(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)

	skipper := s.Raw(t)
	skipper.Send("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n")
	admin.Do(ctx, "CLIENT", "PAUSE", "60000", "WRITE")
	skipper.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\nPING\r\n")
	waitBlocked(t, admin, 1)
	admin.Do(ctx, "CLIENT", "UNPAUSE")
	if r := skipper.ReadReply(); r != "+PONG\r\n" {
		t.Fatalf("after CLIENT REPLY SKIP and a held SET, the first reply is %q, want PING's", r)
	}
	if v := admin.Get(ctx, "k").Val(); v != "v" {
		t.Fatalf("the held SET did not run: k is %q", v)
	}

	admin.Do(ctx, "CLIENT", "PAUSE", "300", "ALL")
	quitter := s.Raw(t)
	quitter.Send("*1\r\n$4\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$2\r\nq1\r\n$1\r\nx\r\n")
	if r := quitter.ReadReply(); r != "+OK\r\n" {
		t.Fatalf("held QUIT answered %q", r)
	}
	if !quitter.Closed(5 * time.Second) {
		t.Fatal("the connection stayed open after its held QUIT ran")
	}
	if n := admin.Exists(ctx, "q1").Val(); n != 0 {
		t.Fatal("the command pipelined after a held QUIT ran")
	}
}

// TestClientPauseWatch: a watched key that lapses during a pause (kept,
// reading as missing) fails the EXEC, as its deletion would have.
func TestClientPauseWatch(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	admin := s.Client(t)
	c := s.Client(t)
	c.Set(ctx, "w", "v", 200*time.Millisecond)
	err := c.Watch(ctx, func(tx *redis.Tx) error {
		admin.Do(ctx, "CLIENT", "PAUSE", "60000", "WRITE")
		time.Sleep(400 * time.Millisecond)
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Get(ctx, "w")
			return nil
		})
		return err
	}, "w")
	admin.Do(ctx, "CLIENT", "UNPAUSE")
	if err != redis.TxFailedErr {
		t.Fatalf("EXEC after the watched key lapsed during a pause: %v, want %v", err, redis.TxFailedErr)
	}
}
