package compat

// Pub/Sub against redis-server 7.0, byte for byte, in RESP2 and RESP3:
// the (un)subscribe confirmations and their counts, messages of every
// kind and the glob rules that route them, RESP2's subscribed mode,
// messages to the client running the command (inside EXEC, from a script,
// keyspace notifications of its own writes), PUBSUB introspection and its
// errors, CLIENT LIST's pub/sub fields, and a subscriber that does not
// read. Where Redis's order is its hash tables' (UNSUBSCRIBE without
// arguments, pmessages of several patterns), the replies are compared as
// sets.

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// rawWait is how long expectRaw collects a command's bytes: replies and
// messages that Redis writes into one stream, in an order the reply
// parser cannot follow (pushes inside EXEC's array).
const rawWait = 150 * time.Millisecond

// expectRaw sends a command and compares every byte each server sends
// back within rawWait.
func (m *multi) expectRaw(c *mconn, args ...string) {
	m.t.Helper()
	m.send(c, args...)
	deadline := time.Now().Add(rawWait)
	redis := make(chan string)
	go func() { redis <- pending(c.redis, deadline) }()
	s := pending(c.shoal, deadline)
	if r := <-redis; r != s {
		m.t.Errorf("%s: %s\nredis: %q\nshoal: %q", c.name, show(args), r, s)
	}
}

// expectUnsubscribeAll sends UNSUBSCRIBE or SUNSUBSCRIBE without
// arguments to a client on n channels: Redis goes through them in its
// dict's order, which its random hash seed sets, so the channels are
// compared as a set and the counts in order.
func (m *multi) expectUnsubscribeAll(c *mconn, n int, cmd string) {
	m.t.Helper()
	m.send(c, cmd)
	split := func(r *testserver.Raw) (names, counts []string) {
		for range n {
			rep := parse(readWithin(r, replyWait))
			if len(rep.elems) != 3 {
				return append(names, rep.raw), counts
			}
			names = append(names, string(rep.kind)+rep.elems[0].raw+rep.elems[1].raw)
			counts = append(counts, rep.elems[2].raw)
		}
		slices.Sort(names)
		return names, counts
	}
	rn, rc := split(c.redis)
	sn, sc := split(c.shoal)
	if !slices.Equal(rn, sn) || !slices.Equal(rc, sc) {
		m.t.Errorf("%s: %s\nredis: %q %q\nshoal: %q %q", c.name, cmd, rn, rc, sn, sc)
	}
}

// sameClientList compares CLIENT LIST replies line by line as
// sameClientInfo compares one.
func sameClientList(a, b reply) bool {
	if a.kind != '$' || b.kind != '$' {
		return exact(a, b)
	}
	x, y := strings.Split(a.body, "\n"), strings.Split(b.body, "\n")
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !sameClientInfo(reply{kind: '$', body: x[i]}, reply{kind: '$', body: y[i]}) {
			return false
		}
	}
	return true
}

// TestPubSub runs each scenario with its subscribers in RESP2 and in
// RESP3; publishers and ctl speak RESP2.
func TestPubSub(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ")
	for _, proto := range protos {
		run := scenarioRunner(t, redisAddr, shoal, proto)
		run("confirmations", func(m *multi, c func(string) *mconn) {
			a, b := c("a"), c("b")
			m.expectN(a, 3, "SUBSCRIBE", "c1", "c2", "c1")
			m.expectN(a, 3, "PSUBSCRIBE", "p*", "c?", "p*")
			m.expectN(a, 3, "SSUBSCRIBE", "s1", "s2", "s1")
			m.expectN(a, 2, "UNSUBSCRIBE", "c1", "nope")
			m.expectN(a, 1, "UNSUBSCRIBE")
			m.expectN(a, 1, "UNSUBSCRIBE") // none left: a null channel, the patterns' count
			m.expectN(a, 2, "PUNSUBSCRIBE")
			m.expectN(a, 1, "PUNSUBSCRIBE")
			m.expectN(a, 1, "SUNSUBSCRIBE", "s2")
			m.expectN(a, 1, "SUNSUBSCRIBE")
			m.expectN(a, 1, "SUNSUBSCRIBE")
			m.expect(a, "PING")
			// Subscribed to nothing at all.
			m.expectN(b, 1, "UNSUBSCRIBE")
			m.expectN(b, 1, "PUNSUBSCRIBE")
			m.expectN(b, 1, "SUNSUBSCRIBE")
			m.expectN(b, 2, "UNSUBSCRIBE", "x", "y")
			m.expectN(b, 2, "PUNSUBSCRIBE", "x", "y")
			m.expectN(b, 1, "SUNSUBSCRIBE", "x")
			m.expect(b, "GET", "k")
			// Several channels left at once; shard channels counted apart
			// from channels and patterns, which count together.
			m.expectN(b, 3, "SUBSCRIBE", "x1", "x2", "x3")
			m.expectN(b, 2, "SSUBSCRIBE", "s1", "s2")
			m.expectN(b, 1, "PSUBSCRIBE", "p")
			m.expectUnsubscribeAll(b, 3, "UNSUBSCRIBE")
			m.expectUnsubscribeAll(b, 2, "SUNSUBSCRIBE")
			m.expect(b, "GET", "k") // still subscribed to p
			m.expectN(b, 1, "PUNSUBSCRIBE", "p")
			m.expect(b, "GET", "k")
			m.expect(m.ctl, "PUBSUB", "NUMPAT")
		})
		run("messages", func(m *multi, c func(string) *mconn) {
			a, s, p := c("a"), c("s"), m.c("p", 2)
			m.expectN(a, 2, "SUBSCRIBE", "hello", "")
			m.expectN(a, 5, "PSUBSCRIBE", "h?llo", "h[ae]llo", "h[^e]llo", "h\\*llo", "h*")
			m.expectN(s, 1, "SSUBSCRIBE", "hello")
			m.expect(p, "PUBLISH", "hello", "x") // the channel, then h?llo h[ae]llo h*
			m.read(a, "message hello", 1)
			m.readUnordered(a, "pmessages of hello", 3)
			m.expect(p, "PUBLISH", "hallo", "\x00\xff\r\n")
			m.readUnordered(a, "pmessages of hallo", 4)
			m.expect(p, "PUBLISH", "hillo", "")
			m.readUnordered(a, "pmessages of hillo", 3)
			m.expect(p, "PUBLISH", "h*llo", "star")
			m.readUnordered(a, "pmessages of h*llo", 4)
			m.expect(p, "PUBLISH", "hxllo!", "x")
			m.readUnordered(a, "pmessages of hxllo!", 1)
			m.expect(p, "PUBLISH", "", "to the empty channel")
			m.read(a, "message on the empty channel", 1)
			m.expect(p, "PUBLISH", "nobody", "x")
			m.expect(p, "SPUBLISH", "hello", "shard")
			m.read(s, "smessage hello", 1)
			m.expect(p, "SPUBLISH", "nobody", "x")
			m.expect(p, "PUBSUB", "NUMSUB", "hello", "", "nobody", "hello")
			m.expect(p, "PUBSUB", "SHARDNUMSUB", "hello", "nobody")
			m.expect(p, "PUBSUB", "NUMPAT")
			m.expect(p, "PUBSUB", "CHANNELS")
			m.expect(p, "PUBSUB", "CHANNELS", "h[ae]*")
			m.expect(p, "PUBSUB", "SHARDCHANNELS")
			m.expect(p, "PUBSUB", "SHARDCHANNELS", "x*")
		})
		run("client-list", func(m *multi, c func(string) *mconn) {
			a, b := c("a"), c("b")
			m.expect(a, "CLIENT", "SETNAME", "subscriber-a")
			m.expect(b, "CLIENT", "SETNAME", "subscriber-b")
			m.expectN(a, 2, "SUBSCRIBE", "c1", "c2")
			m.expectN(a, 1, "PSUBSCRIBE", "p*")
			m.expectN(a, 3, "SSUBSCRIBE", "s1", "s2", "s3")
			m.expectN(b, 1, "PSUBSCRIBE", "q")
			m.expectN(b, 1, "PUNSUBSCRIBE", "q")
			ctl := m.ctl
			list := func(args ...string) {
				m.send(ctl, args...)
				m.readAs(ctl, show(args), 1, sameClientList)
			}
			list("CLIENT", "LIST")
			list("CLIENT", "LIST", "TYPE", "pubsub")
			m.expect(ctl, "CLIENT", "KILL", "TYPE", "pubsub")
			for _, r := range []*testserver.Raw{a.redis, a.shoal} {
				if !r.Closed(replyWait) {
					m.t.Errorf("CLIENT KILL TYPE pubsub left a subscriber connected (%s)", r.Conn.RemoteAddr())
				}
			}
			m.close("a")
			m.expect(b, "PING")
			list("CLIENT", "LIST")
			m.expect(ctl, "PUBSUB", "NUMSUB", "c1")
		})
		run("scripts", func(m *multi, c func(string) *mconn) {
			a, p := c("a"), m.c("p", 2)
			m.expectN(a, 1, "SUBSCRIBE", "c")
			m.expect(p, "EVAL", "return redis.call('publish', 'c', 'from a script')", "0")
			m.read(a, "message from a script", 1)
			m.expect(p, "EVAL", "return redis.call('subscribe', 'x')", "0")
			m.expect(p, "EVAL", "return redis.pcall('ssubscribe', 'x')", "0")
			m.expect(p, "EVAL", "return redis.pcall('unsubscribe')", "0")
			m.expect(p, "EVAL", "return redis.pcall('pubsub', 'numsub', 'c')", "0")
			m.expect(p, "EVAL_RO", "return redis.call('publish', 'c', 'read-only')", "0") // refused: it may replicate
			m.expect(p, "FUNCTION", "LOAD", "#!lua name=pub\nredis.register_function('pub', function(keys, args) return redis.call('publish', args[1], args[2]) end)")
			m.expect(p, "FCALL", "pub", "0", "c", "from a function")
			m.read(a, "message from a function", 1)
			m.expect(p, "FUNCTION", "FLUSH")
		})
		run("transactions", func(m *multi, c func(string) *mconn) {
			a, b := c("a"), c("b")
			m.expect(a, "MULTI")
			m.expect(a, "SUBSCRIBE", "c1", "c2")
			m.expect(a, "PING")
			m.expectRaw(a, "EXEC") // three replies in an array of two
			m.expectRaw(a, "PING", "x")
			m.expect(b, "MULTI")
			m.expect(b, "SSUBSCRIBE", "s")
			m.expect(b, "EXEC")
			m.expectN(b, 1, "PSUBSCRIBE", "p")
			m.expect(b, "MULTI")
			m.expect(b, "EXEC")
		})
		run("keyspace-events", func(m *multi, c func(string) *mconn) {
			a, p := c("a"), m.c("p", 2)
			m.expect(p, "CONFIG", "SET", "notify-keyspace-events", "KEA")
			defer m.expect(p, "CONFIG", "SET", "notify-keyspace-events", "")
			m.expectN(a, 1, "PSUBSCRIBE", "__key*__:*")
			m.expect(p, "SET", "k", "v")
			m.read(a, "set k", 2)
			m.expect(p, "SELECT", "5")
			m.expect(p, "RPUSH", "l", "x")
			m.read(a, "rpush l in db 5", 2)
			m.expect(p, "LPOP", "l")
			m.read(a, "lpop l, del l", 4)
			m.expect(p, "SET", "e", "v", "PX", "1")
			m.read(a, "set e, expire e", 4)
			time.Sleep(20 * time.Millisecond)
			m.expect(p, "GET", "e")
			m.read(a, "expired e", 2)
		})
	}
	t.Run("resp2/subscribed-mode", func(t *testing.T) {
		m := newMulti(t, redisAddr, shoal)
		a := m.c("a", 2)
		m.expectN(a, 1, "SSUBSCRIBE", "s")
		for _, cmd := range [][]string{{"GET", "k"}, {"client", "info"}, {"MULTI"}, {"HELLO", "3"}, {"EVAL", "return 1", "0"},
			{"PUBLISH", "c", "m"}, {"PUBSUB", "NUMPAT"}, {"NOSUCH"}, {"GET"}, {"PING", "a", "b"}, {"EXEC"}} {
			m.expect(a, cmd...)
		}
		m.expect(a, "PING")
		m.expect(a, "PING", "hi")
		m.expectN(a, 1, "UNSUBSCRIBE") // no channels, still a shard channel
		m.expect(a, "GET", "k")
		m.expectN(a, 1, "SUBSCRIBE", "c")
		m.expectN(a, 1, "SUNSUBSCRIBE")
		m.expect(a, "GET", "k")
		m.expect(a, "RESET")
		m.expect(a, "GET", "k")
		m.expect(a, "PING")
		m.expect(m.ctl, "PUBSUB", "NUMSUB", "c")
		m.expectN(a, 1, "PSUBSCRIBE", "p")
		m.expect(a, "QUIT")
		for _, r := range []*testserver.Raw{a.redis, a.shoal} {
			if !r.Closed(replyWait) {
				t.Errorf("QUIT left the subscriber connected (%s)", r.Conn.RemoteAddr())
			}
		}
		m.close("a")
		m.expect(m.ctl, "PUBSUB", "NUMPAT")
		m.quiet()
	})
	t.Run("resp3/subscribed-mode", func(t *testing.T) {
		m := newMulti(t, redisAddr, shoal)
		a := m.c("a", 3)
		m.expectN(a, 1, "SUBSCRIBE", "c")
		m.expect(a, "GET", "k")
		m.expect(a, "PING")
		m.expect(a, "PING", "hi")
		m.expect(a, "HELLO", "2") // into RESP2's subscribed mode
		m.expect(a, "GET", "k")
		m.expect(a, "PING")
		m.expect(a, "RESET")
		m.expect(a, "GET", "k")
		m.quiet()
	})
	// A RESP3 client gets its own messages in its reply stream, where
	// Redis writes them.
	t.Run("resp3/to-itself", func(t *testing.T) {
		m := newMulti(t, redisAddr, shoal)
		a := m.c("a", 3)
		m.expectN(a, 1, "SUBSCRIBE", "c")
		m.expectRaw(a, "PUBLISH", "c", "m0")
		m.expect(a, "MULTI")
		m.expect(a, "PUBLISH", "c", "m1")
		m.expect(a, "SET", "k", "v")
		m.expect(a, "PUBLISH", "c", "m2")
		m.expectRaw(a, "EXEC")
		m.expectRaw(a, "EVAL", "redis.call('publish', 'c', 's1'); redis.call('publish', 'c', 's2'); return 7", "0")
		m.expect(a, "MULTI")
		m.expect(a, "EVAL", "return redis.call('publish', 'c', 's3')", "0")
		m.expectRaw(a, "EXEC")

		m.expect(a, "CONFIG", "SET", "notify-keyspace-events", "KEA")
		defer m.expect(m.ctl, "CONFIG", "SET", "notify-keyspace-events", "")
		m.expectN(a, 1, "PSUBSCRIBE", "__keyevent@0__:*")
		for _, cmd := range [][]string{
			{"SET", "k", "v"}, {"APPEND", "k", "x"}, {"INCR", "n"}, {"EXPIRE", "k", "100"}, {"PERSIST", "k"}, {"SET", "x", "1"}, {"PEXPIRE", "x", "-1"}, {"SET", "x", "1"}, {"EXPIREAT", "x", "1"}, {"DEL", "k", "n"},
			{"RPUSH", "l", "a", "b", "c"}, {"LPOP", "l"}, {"LSET", "l", "0", "x"}, {"RPOP", "l", "5"},
			{"HSET", "h", "f", "v"}, {"HINCRBY", "h", "n", "1"}, {"HDEL", "h", "f", "n"},
			{"SADD", "s", "a", "b"}, {"SREM", "s", "a"}, {"SUNIONSTORE", "s2", "s"},
			{"RPUSH", "src", "a", "b"}, {"LMOVE", "src", "dst", "LEFT", "RIGHT"}, {"RPOPLPUSH", "src", "dst"}, {"BLMOVE", "dst", "dst", "LEFT", "LEFT", "0"},
			{"ZADD", "zp", "1", "a", "2", "b", "3", "c"}, {"ZPOPMIN", "zp"}, {"ZPOPMAX", "zp", "5"}, {"ZADD", "zp", "1", "a", "2", "b"},
			{"ZMPOP", "1", "zp", "MIN", "COUNT", "1"}, {"BZPOPMAX", "zp", "0"}, {"ZADD", "zp", "1", "a"}, {"BZMPOP", "0", "1", "zp", "MAX"},
			{"SADD", "p", "1"}, {"SPOP", "p"}, {"SADD", "p", "1", "2", "3"}, {"SPOP", "p", "3"},
			{"ZADD", "z", "1", "a", "2", "b"}, {"ZINCRBY", "z", "1", "a"}, {"ZREM", "z", "a"}, {"ZUNIONSTORE", "z2", "1", "z"},
			{"RENAME", "z2", "z3"}, {"GETDEL", "nope"}, {"SETEX", "t", "100", "v"},
			{"MULTI"}, {"SET", "m", "1"}, {"DEL", "m"}, {"EXEC"},
			{"EVAL", "redis.call('set', KEYS[1], '1'); return redis.call('del', KEYS[1])", "1", "e"},
		} {
			m.expectRaw(a, cmd...)
		}
		m.quiet()
	})
}

// TestPubSubSlowSubscriber: with client-output-buffer-limit pubsub 1mb
// 0 0, a subscriber that does not read is disconnected once a publisher's
// large messages pile up for it, while the publisher and a subscriber
// that reads carry on, the latter receiving every message. The same
// checks run against Redis and Shoal: where exactly the limit is passed
// depends on what the kernel buffers.
func TestPubSubSlowSubscriber(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ")
	for _, srv := range []struct{ name, addr string }{{"redis", redisAddr}, {"shoal", shoal.Addr}} {
		t.Run(srv.name, func(t *testing.T) { slowSubscriber(t, srv.addr) })
	}
}

func slowSubscriber(t *testing.T, addr string) {
	s := &testserver.Server{Addr: addr}
	ctl := s.Raw(t)
	if r := ctl.Do("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"); r != "+OK\r\n" {
		t.Fatalf("CONFIG SET client-output-buffer-limit: %q", r)
	}
	defer ctl.Do("CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60")
	// A small receive buffer keeps what the kernel absorbs for the slow
	// subscriber small next to the limit.
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	slow, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slow.Write([]byte(encode([]string{"SUBSCRIBE", "ch"})))
	good := s.Raw(t)
	if r := good.Do("SUBSCRIBE", "ch"); !strings.HasSuffix(r, ":1\r\n") {
		t.Fatalf("SUBSCRIBE: %q", r)
	}
	for deadline := time.Now().Add(replyWait); ; {
		if ctl.Do("PUBSUB", "NUMSUB", "ch") == "*2\r\n$2\r\nch\r\n:2\r\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow subscriber never subscribed")
		}
		time.Sleep(2 * time.Millisecond)
	}
	payload := strings.Repeat("x", 100_000)
	var counts []string
	after := 0
	for i := 0; i < 200 && after < 5; i++ {
		msg := strconv.Itoa(i) + ":" + payload
		n := strings.TrimSpace(ctl.Do("PUBLISH", "ch", msg))
		counts = append(counts, n)
		switch {
		case n == ":1":
			after++
		case n != ":2" || after > 0:
			t.Fatalf("PUBLISH %d reached %s subscribers; so far %v", i, n, counts)
		}
		want := "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$" + strconv.Itoa(len(msg)) + "\r\n" + msg + "\r\n"
		if got := readWithin(good, replyWait); got != want {
			t.Fatalf("the reading subscriber got %.60q for message %d", got, i)
		}
	}
	t.Logf("%d messages of 100 KB, the last %d after the slow subscriber left", len(counts), after)
	if after == 0 {
		t.Fatalf("the slow subscriber was never disconnected")
	}
	if r := ctl.Do("PUBSUB", "NUMSUB", "ch"); r != "*2\r\n$2\r\nch\r\n:1\r\n" {
		t.Errorf("PUBSUB NUMSUB ch after the disconnect: %q", r)
	}
	slow.SetReadDeadline(time.Now().Add(replyWait))
	buf := make([]byte, 1<<16)
	for {
		if _, err := slow.Read(buf); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Errorf("the slow subscriber's connection is still open")
			}
			break
		}
	}
	if r := good.Do("PING"); r != "*2\r\n$4\r\npong\r\n$0\r\n\r\n" {
		t.Errorf("PING from the reading subscriber: %q", r)
	}
}
