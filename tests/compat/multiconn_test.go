package compat

// Several clients at once: blocking commands served by another client's
// writes (FIFO, chains, transactions, scripts, keys created by RENAME or
// SORT STORE, CLIENT UNBLOCK, a blocked client that disconnects) and
// pub/sub (RESP2 and RESP3 subscribers, overlapping patterns, shard
// channels, PUBSUB after unsubscribes). Both servers run the same script
// step by step; before a write that should serve blocked clients the
// script waits until both report the expected blocked_clients. Every
// client's bytes are compared between the two servers, reply by reply,
// and each scenario ends by checking that no client has anything more.

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// replyWait is how long a client waits for a reply it expects; quietWait
// how long one is watched for bytes it should not get.
const (
	replyWait = 2 * time.Second
	quietWait = 30 * time.Millisecond
)

// mconn is one client's connection to each server.
type mconn struct {
	name         string
	redis, shoal *testserver.Raw
	// redisID and shoalID are the connection ids, which differ between
	// the servers: read at connection, never compared.
	redisID, shoalID string
}

// multi is a script over several clients; ctl is a client of its own for
// INFO and CLIENT UNBLOCK.
type multi struct {
	t         *testing.T
	redisAddr string
	shoal     *testserver.Server
	clients   map[string]*mconn
	ctl       *mconn
}

func newMulti(t *testing.T, redisAddr string, shoal *testserver.Server) *multi {
	m := &multi{t: t, redisAddr: redisAddr, shoal: shoal, clients: map[string]*mconn{}}
	m.ctl = m.dial("ctl", 2)
	m.expect(m.ctl, "FLUSHALL")
	return m
}

func (m *multi) dial(name string, proto int) *mconn {
	m.t.Helper()
	c := &mconn{name: name, redis: dialRedis(m.t, m.redisAddr), shoal: m.shoal.Raw(m.t)}
	id := func(r *testserver.Raw) string {
		return strings.TrimSpace(strings.TrimPrefix(r.Do("CLIENT", "ID"), ":"))
	}
	c.redisID, c.shoalID = id(c.redis), id(c.shoal)
	if proto == 3 {
		m.expect(c, "HELLO", "3")
	}
	return c
}

// c returns the client name, connecting it in proto on first use.
func (m *multi) c(name string, proto int) *mconn {
	if c, ok := m.clients[name]; ok {
		return c
	}
	c := m.dial(name, proto)
	m.clients[name] = c
	return c
}

func encode(args []string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return b.String()
}

// send writes a command to both servers without reading a reply.
func (m *multi) send(c *mconn, args ...string) {
	m.t.Helper()
	c.redis.Send(encode(args))
	c.shoal.Send(encode(args))
}

// read reads n replies of c from each server and compares them exactly.
func (m *multi) read(c *mconn, what string, n int) {
	m.t.Helper()
	m.readAs(c, what, n, exact)
}

// readAs is read with a comparer: compareFor's for a command's own reply
// (HELLO's connection id, PUBSUB CHANNELS's order).
func (m *multi) readAs(c *mconn, what string, n int, cmp comparer) {
	m.t.Helper()
	for i := range n {
		r := readWithin(c.redis, replyWait)
		s := readWithin(c.shoal, replyWait)
		if *trace {
			m.t.Logf("%s: %s -> %q", c.name, what, r)
		}
		if r != s && !(strings.HasSuffix(r, "\r\n") && strings.HasSuffix(s, "\r\n") && cmp(parse(r), parse(s))) {
			m.t.Errorf("%s: %s (reply %d of %d)\nredis: %q\nshoal: %q", c.name, what, i+1, n, r, s)
		}
	}
}

// readUnordered reads n replies of c from each server and compares them
// as multisets: the pmessages one PUBLISH sends a client through several
// patterns come in the order of Redis's patterns dict, a hash order that
// its per-process random seed changes from run to run.
func (m *multi) readUnordered(c *mconn, what string, n int) {
	m.t.Helper()
	var r, s []string
	for range n {
		r = append(r, readWithin(c.redis, replyWait))
		s = append(s, readWithin(c.shoal, replyWait))
	}
	slices.Sort(r)
	slices.Sort(s)
	if !slices.Equal(r, s) {
		m.t.Errorf("%s: %s (%d replies, in any order)\nredis: %q\nshoal: %q", c.name, what, n, r, s)
	}
}

// expect sends a command and compares its one reply as compareFor says.
func (m *multi) expect(c *mconn, args ...string) {
	m.t.Helper()
	m.send(c, args...)
	m.readAs(c, show(args), 1, compareFor(args))
}

// expectN sends a command that answers with n replies (SUBSCRIBE a b).
func (m *multi) expectN(c *mconn, n int, args ...string) {
	m.t.Helper()
	m.send(c, args...)
	m.read(c, show(args), n)
}

// waitBlocked polls INFO clients on both servers until each reports n
// blocked clients.
func (m *multi) waitBlocked(n int) {
	m.t.Helper()
	want := "blocked_clients:" + strconv.Itoa(n) + "\r\n"
	for _, conn := range []*testserver.Raw{m.ctl.redis, m.ctl.shoal} {
		deadline := time.Now().Add(replyWait)
		for {
			info := conn.Do("INFO", "clients")
			if strings.Contains(info, want) {
				break
			}
			if time.Now().After(deadline) {
				m.t.Fatalf("waiting for %s: %q", strings.TrimSpace(want), info)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// block sends a blocking command and waits until both servers count n
// blocked clients, so that clients block in the script's order.
func (m *multi) block(c *mconn, n int, args ...string) {
	m.t.Helper()
	m.send(c, args...)
	m.waitBlocked(n)
}

// unblock runs CLIENT UNBLOCK on c from ctl. The ids differ between the
// servers, so each gets its own; only the replies are compared.
func (m *multi) unblock(c *mconn, mode string) {
	m.t.Helper()
	args := func(id string) []string {
		if mode == "" {
			return []string{"CLIENT", "UNBLOCK", id}
		}
		return []string{"CLIENT", "UNBLOCK", id, mode}
	}
	r := m.ctl.redis.Do(args(c.redisID)...)
	s := m.ctl.shoal.Do(args(c.shoalID)...)
	if r != s {
		m.t.Errorf("ctl: CLIENT UNBLOCK <%s> %s\nredis: %q\nshoal: %q", c.name, mode, r, s)
	}
}

// quiet checks that no client has bytes it was not expected to read. All
// connections share one deadline, so the check costs quietWait in all.
func (m *multi) quiet() {
	m.t.Helper()
	deadline := time.Now().Add(quietWait)
	for name, c := range m.clients {
		r, s := pending(c.redis, deadline), pending(c.shoal, deadline)
		if r != "" || s != "" {
			m.t.Errorf("%s: unexpected bytes\nredis: %q\nshoal: %q", name, r, s)
		}
	}
}

// close closes c on both servers.
func (m *multi) close(name string) {
	c := m.clients[name]
	c.redis.Conn.Close()
	c.shoal.Conn.Close()
	delete(m.clients, name)
}

// readWithin reads one whole reply within d, or says why it could not.
func readWithin(r *testserver.Raw, d time.Duration) string {
	r.Conn.SetReadDeadline(time.Now().Add(d))
	out, err := readRaw(r.R)
	if err != nil {
		return out + fmt.Sprintf("<%v>", err)
	}
	return out
}

// pending returns what arrives on r until deadline.
func pending(r *testserver.Raw, deadline time.Time) string {
	r.Conn.SetReadDeadline(deadline)
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.R.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

func readRaw(br *bufio.Reader) (string, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return line, err
	}
	out := line
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return out, nil
	}
	n, _ := strconv.Atoi(line[1:])
	elems := 0
	switch line[0] {
	case '$', '=', '!':
		if n >= 0 {
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(br, buf); err != nil {
				return out + string(buf), err
			}
			out += string(buf)
		}
	case '*', '~', '>':
		elems = n
	case '%', '|':
		elems = 2 * n
	}
	for range max(elems, 0) {
		s, err := readRaw(br)
		out += s
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// TestMultiBlocking: clients block, in order, and another client's write
// serves them. Each scenario runs with the blocked clients in RESP2 and in
// RESP3.
func TestMultiBlocking(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ")
	for _, proto := range protos {
		run := scenarioRunner(t, redisAddr, shoal, proto)
		run("fifo", func(m *multi, c func(string) *mconn) {
			a, b, d, p := c("a"), c("b"), c("d"), c("p")
			m.block(a, 1, "BLPOP", "l", "0")
			m.block(b, 2, "BRPOP", "l", "5")
			m.block(d, 3, "BLPOP", "other", "l", "0")
			m.expect(p, "LPUSH", "l", "x", "y")
			m.read(a, "BLPOP l 0", 1)
			m.read(b, "BRPOP l 5", 1)
			m.waitBlocked(1)
			m.expect(p, "RPUSH", "l", "z", "w")
			m.read(d, "BLPOP other l 0", 1)
			m.expect(p, "LRANGE", "l", "0", "-1")
		})
		run("move-and-mpop", func(m *multi, c func(string) *mconn) {
			a, b, d, p := c("a"), c("b"), c("d"), c("p")
			m.block(a, 1, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
			m.block(b, 2, "BLMPOP", "0", "2", "k1", "src", "RIGHT", "COUNT", "2")
			m.block(d, 3, "BLPOP", "dst", "0")
			m.expect(p, "RPUSH", "src", "1", "2", "3", "4")
			m.read(a, "BLMOVE src dst LEFT RIGHT 0", 1)
			m.read(b, "BLMPOP 0 2 k1 src RIGHT COUNT 2", 1)
			m.read(d, "BLPOP dst 0 (fed by BLMOVE)", 1)
			m.expect(p, "LRANGE", "src", "0", "-1")
			m.expect(p, "EXISTS", "dst")
		})
		run("zsets", func(m *multi, c func(string) *mconn) {
			a, b, d, p := c("a"), c("b"), c("d"), c("p")
			m.block(a, 1, "BZPOPMIN", "z", "0")
			m.block(b, 2, "BZMPOP", "0", "2", "z2", "z", "MAX", "COUNT", "2")
			m.block(d, 3, "BZPOPMAX", "z", "5")
			m.expect(p, "ZADD", "z", "1", "a", "2.5", "b", "3", "c", "4", "d", "5", "e")
			m.read(a, "BZPOPMIN z 0", 1)
			m.read(b, "BZMPOP 0 2 z2 z MAX COUNT 2", 1)
			m.read(d, "BZPOPMAX z 5", 1)
			m.expect(p, "ZRANGE", "z", "0", "-1", "WITHSCORES")
			m.block(a, 1, "BZPOPMIN", "zu", "0")
			m.expect(p, "ZUNIONSTORE", "zu", "1", "z")
			m.read(a, "BZPOPMIN zu 0 (ZUNIONSTORE)", 1)
		})
		run("multi-exec", func(m *multi, c func(string) *mconn) {
			a, b, d, p := c("a"), c("b"), c("d"), c("p")
			m.block(a, 1, "BLPOP", "k1", "0")
			m.block(b, 2, "BLPOP", "k2", "0")
			m.block(d, 3, "BLPOP", "k1", "0")
			m.expect(p, "MULTI")
			m.expect(p, "RPUSH", "k1", "a")
			m.expect(p, "RPUSH", "k2", "b", "c")
			m.expect(p, "LPUSH", "k1", "d")
			m.expect(p, "EXEC")
			m.read(a, "BLPOP k1 0", 1)
			m.read(b, "BLPOP k2 0", 1)
			m.read(d, "BLPOP k1 0", 1)
			m.expect(p, "LRANGE", "k2", "0", "-1")
			// A transaction that pushes and pops again serves nobody.
			m.block(a, 1, "BLPOP", "k3", "0")
			m.expect(p, "MULTI")
			m.expect(p, "RPUSH", "k3", "x")
			m.expect(p, "LPOP", "k3")
			m.expect(p, "EXEC")
			m.expect(p, "RPUSH", "k3", "y")
			m.read(a, "BLPOP k3 0", 1)
		})
		run("eval", func(m *multi, c func(string) *mconn) {
			a, b, p := c("a"), c("b"), c("p")
			m.block(a, 1, "BLPOP", "e", "0")
			m.block(b, 2, "BRPOP", "e", "0")
			m.expect(p, "EVAL", "redis.call('rpush', KEYS[1], 'v1', 'v2', 'v3') return redis.call('llen', KEYS[1])", "1", "e")
			m.read(a, "BLPOP e 0", 1)
			m.read(b, "BRPOP e 0", 1)
			m.expect(p, "LRANGE", "e", "0", "-1")
		})
		run("lmove-watched", func(m *multi, c func(string) *mconn) {
			a, b, p := c("a"), c("b"), c("p")
			m.expect(p, "RPUSH", "from", "q", "r")
			m.block(a, 1, "BLMOVE", "w", "w2", "RIGHT", "LEFT", "0")
			m.block(b, 2, "BRPOPLPUSH", "w2", "w", "0")
			m.expect(p, "LMOVE", "from", "w", "LEFT", "RIGHT")
			m.read(a, "BLMOVE w w2 RIGHT LEFT 0", 1)
			m.read(b, "BRPOPLPUSH w2 w 0", 1)
			m.expect(p, "LRANGE", "w", "0", "-1")
			m.expect(p, "EXISTS", "w2")
		})
		run("created-by-rename-sort-store", func(m *multi, c func(string) *mconn) {
			a, b, d, p := c("a"), c("b"), c("d"), c("p")
			m.expect(p, "RPUSH", "tmp", "t1", "t2")
			m.expect(p, "RPUSH", "nums", "3", "1", "2")
			m.expect(p, "SADD", "set", "m")
			m.block(a, 1, "BLPOP", "r", "0")
			m.block(b, 2, "BLPOP", "s", "0")
			m.block(d, 3, "BLPOP", "u", "0.2")
			m.expect(p, "RENAME", "tmp", "r")
			m.read(a, "BLPOP r 0 (RENAME)", 1)
			m.expect(p, "SORT", "nums", "STORE", "s")
			m.read(b, "BLPOP s 0 (SORT STORE)", 1)
			// A set where a list is awaited: the client stays blocked,
			// then times out.
			m.expect(p, "SUNIONSTORE", "u", "set")
			m.read(d, "BLPOP u 0.2 (SUNIONSTORE)", 1)
			m.expect(p, "LRANGE", "s", "0", "-1")
		})
		run("client-unblock", func(m *multi, c func(string) *mconn) {
			a, b, d, p := c("a"), c("b"), c("d"), c("p")
			m.block(a, 1, "BLPOP", "ub", "0")
			m.block(b, 2, "BZPOPMIN", "ubz", "0")
			m.block(d, 3, "BLMOVE", "ub", "x", "LEFT", "LEFT", "0")
			m.unblock(a, "TIMEOUT")
			m.read(a, "BLPOP ub 0 (CLIENT UNBLOCK TIMEOUT)", 1)
			m.unblock(b, "ERROR")
			m.read(b, "BZPOPMIN ubz 0 (CLIENT UNBLOCK ERROR)", 1)
			m.unblock(d, "")
			m.read(d, "BLMOVE ub x LEFT LEFT 0 (CLIENT UNBLOCK)", 1)
			m.unblock(p, "TIMEOUT") // not blocked
			m.unblock(p, "NOPE")
			m.expect(p, "RPUSH", "ub", "v")
			m.expect(a, "LPOP", "ub")
		})
		run("edges", func(m *multi, c func(string) *mconn) {
			a, b, d, e, p := c("a"), c("b"), c("d"), c("e"), c("p")
			// A pop by a served client touches a key another client
			// watches.
			m.expect(e, "WATCH", "wk")
			m.block(a, 1, "BLPOP", "wk", "0")
			m.expect(p, "RPUSH", "wk", "1")
			m.read(a, "BLPOP wk 0", 1)
			m.expect(e, "MULTI")
			m.expect(e, "PING")
			m.expect(e, "EXEC")
			// BLMOVE whose destination holds the wrong type.
			m.expect(p, "SET", "str", "v")
			m.block(a, 1, "BLMOVE", "bm", "str", "LEFT", "LEFT", "0")
			m.block(b, 2, "BLPOP", "bm", "0")
			m.expect(p, "RPUSH", "bm", "x")
			m.read(a, "BLMOVE bm str LEFT LEFT 0 (wrong-type destination)", 1)
			m.read(b, "BLPOP bm 0", 1)
			m.expect(p, "EXISTS", "bm")
			// Another database does not serve; SELECT and MOVE do.
			m.expect(d, "SELECT", "1")
			m.block(d, 1, "BLPOP", "db", "0")
			m.expect(p, "RPUSH", "db", "in0")
			m.expect(p, "MOVE", "db", "1")
			m.read(d, "BLPOP db 0 in db 1 (MOVE)", 1)
			// A zset client on a key that becomes a list, and a list
			// client on one that becomes a zset: both stay blocked.
			m.block(a, 1, "BZPOPMIN", "ty", "0.1")
			m.block(b, 2, "BLPOP", "tz", "0.1")
			m.expect(p, "RPUSH", "ty", "l")
			m.expect(p, "ZADD", "tz", "1", "m")
			m.read(a, "BZPOPMIN ty 0.1 (a list came)", 1)
			m.read(b, "BLPOP tz 0.1 (a zset came)", 1)
			// One push serves a client blocked on two of the keys once.
			m.block(a, 1, "BLPOP", "m1", "m2", "0")
			m.block(b, 2, "BLMPOP", "0", "2", "m2", "m1", "LEFT", "COUNT", "3")
			m.expect(p, "MULTI")
			m.expect(p, "RPUSH", "m2", "b1", "b2")
			m.expect(p, "RPUSH", "m1", "a1")
			m.expect(p, "EXEC")
			m.read(a, "BLPOP m1 m2 0", 1)
			m.read(b, "BLMPOP 0 2 m2 m1 LEFT COUNT 3", 1)
			m.expect(p, "LRANGE", "m1", "0", "-1")
			// Waiters for a zset between waiters for a list: a push
			// serves the list ones, and the zset ones keep their order.
			m.block(a, 1, "BZPOPMIN", "k", "0")
			m.block(b, 2, "BLPOP", "k", "0")
			m.block(d, 3, "BLPOP", "k", "0.2")
			m.block(e, 4, "BZPOPMIN", "k", "0.2")
			m.expect(p, "RPUSH", "k", "x")
			m.read(b, "BLPOP k 0", 1)
			m.read(d, "BLPOP k 0.2 (nothing left)", 1)
			m.expect(p, "DEL", "k")
			m.expect(p, "ZADD", "k", "1", "m")
			m.read(a, "BZPOPMIN k 0", 1)
			m.read(e, "BZPOPMIN k 0.2", 1)
			// DEL does not serve.
			m.block(a, 1, "BLPOP", "gone", "0.1")
			m.expect(p, "RPUSH", "other", "x")
			m.expect(p, "DEL", "gone")
			m.read(a, "BLPOP gone 0.1", 1)
		})
		run("disconnect", func(m *multi, c func(string) *mconn) {
			a, b, p := c("a"), c("b"), c("p")
			m.block(a, 1, "BLPOP", "dc", "0")
			m.block(b, 2, "BLPOP", "dc", "0")
			m.close("a")
			m.waitBlocked(1)
			m.expect(p, "RPUSH", "dc", "x", "y")
			m.read(b, "BLPOP dc 0", 1)
			m.expect(p, "LRANGE", "dc", "0", "-1")
		})
	}
}

// TestMultiPubSub: subscribers in RESP2 and RESP3, the publisher's
// receiver counts, what each subscriber receives, and PUBSUB after
// unsubscribes.
func TestMultiPubSub(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ")
	m := newMulti(t, redisAddr, shoal)
	s2, s3, x3, p := m.c("s2", 2), m.c("s3", 3), m.c("x3", 3), m.c("p", 2)
	m.expectN(s2, 2, "SUBSCRIBE", "ch1", "ch2")
	m.expectN(s2, 1, "PSUBSCRIBE", "ch?")
	m.expectN(s3, 1, "SUBSCRIBE", "ch1")
	m.expectN(s3, 1, "PSUBSCRIBE", "ch*")
	m.expectN(s3, 1, "PSUBSCRIBE", "c?1")
	m.expectN(s2, 1, "SSUBSCRIBE", "sh1")
	m.expectN(s3, 2, "SSUBSCRIBE", "sh1", "sh2")
	// x3 subscribes and still runs commands: RESP3 allows it.
	m.expectN(x3, 1, "SUBSCRIBE", "ch2")
	m.expect(x3, "PING")
	m.expect(s2, "PING")
	m.expect(s2, "PING", "hi")
	m.expect(s2, "GET", "k")

	m.expect(p, "PUBLISH", "ch1", "hello")
	m.read(s2, "message ch1, pmessage ch? ch1", 2)
	m.read(s3, "message ch1", 1)
	m.readUnordered(s3, "pmessage ch* ch1, pmessage c?1 ch1", 2)
	m.expect(p, "PUBLISH", "ch2", "")
	m.read(s2, "message ch2, pmessage ch? ch2", 2)
	m.read(s3, "pmessage ch* ch2", 1)
	m.read(x3, "message ch2", 1)
	m.expect(p, "PUBLISH", "chan", "x")
	m.read(s3, "pmessage ch* chan", 1)
	m.expect(p, "PUBLISH", "nobody", "x")
	m.expect(p, "SPUBLISH", "sh1", "s")
	m.read(s2, "smessage sh1", 1)
	m.read(s3, "smessage sh1", 1)
	m.expect(p, "SPUBLISH", "sh2", "t")
	m.read(s3, "smessage sh2", 1)
	m.expect(p, "SPUBLISH", "ch1", "u") // shard and plain channels are apart
	// A subscriber publishing to itself (RESP3 only may run PUBLISH).
	m.expect(x3, "PUBLISH", "ch2", "self")
	m.read(x3, "message ch2 to itself", 1)
	m.read(s2, "message ch2, pmessage ch? ch2", 2)
	m.read(s3, "pmessage ch* ch2", 1)
	m.quiet()

	m.expect(p, "PUBSUB", "NUMSUB", "ch1", "ch2", "nobody")
	m.expect(p, "PUBSUB", "NUMPAT")
	m.expect(p, "PUBSUB", "SHARDNUMSUB", "sh1", "sh2", "ch1")
	m.expect(p, "PUBSUB", "CHANNELS", "ch1")
	m.expect(p, "PUBSUB", "SHARDCHANNELS", "sh2")

	m.expect(s2, "UNSUBSCRIBE", "ch1")
	m.expect(s3, "PUNSUBSCRIBE", "c?1")
	m.expect(s3, "PUNSUBSCRIBE", "nope")
	m.expect(s3, "SUNSUBSCRIBE", "sh1")
	m.expect(x3, "UNSUBSCRIBE")
	m.expect(p, "PUBSUB", "NUMSUB", "ch1", "ch2")
	m.expect(p, "PUBSUB", "NUMPAT")
	m.expect(p, "PUBSUB", "SHARDNUMSUB", "sh1", "sh2")
	m.expect(p, "PUBSUB", "CHANNELS", "ch*")
	m.expect(p, "PUBSUB", "SHARDCHANNELS")
	m.expect(p, "PUBLISH", "ch1", "again")
	m.read(s2, "pmessage ch? ch1", 1)
	m.read(s3, "message ch1, pmessage ch* ch1", 2)
	m.expect(p, "SPUBLISH", "sh1", "again")
	m.read(s2, "smessage sh1", 1)
	m.expect(x3, "PING")
	m.close("s3")
	m.expect(p, "PUBSUB", "NUMPAT")
	m.expect(p, "PUBSUB", "NUMSUB", "ch1")
	m.expect(p, "PUBSUB", "SHARDNUMSUB", "sh2")
	m.quiet()
}

// scenarioRunner returns run(name, f), which runs f as the subtest
// "respN/name" on fresh connections to both servers, its clients (c)
// speaking proto, and checks that nothing more arrives; its connections
// are closed before the next scenario lists or kills clients.
func scenarioRunner(t *testing.T, redisAddr string, shoal *testserver.Server, proto int) func(string, func(m *multi, c func(string) *mconn)) {
	return func(name string, f func(m *multi, c func(string) *mconn)) {
		t.Run("resp"+strconv.Itoa(proto)+"/"+name, func(t *testing.T) {
			m := newMulti(t, redisAddr, shoal)
			f(m, func(name string) *mconn { return m.c(name, proto) })
			m.quiet()
			for name := range m.clients {
				m.close(name)
			}
		})
	}
}
