package compat

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// Differences found by running go-redis's own command specs against both
// servers through a proxy that compared every reply.

func init() {
	cases = append(cases, goredisFoundCases...)
}

var goredisFoundCases = []lineCase{
	// Redis keeps recency and frequency in one field, written in the form
	// of the policy at the last access: a key last touched under LRU reads
	// under LFU as a decayed counter (0, and 1 after a hit), not as 5.
	{"lfu-reads-lru-written-keys", []string{
		"SET a hello", "CONFIG SET maxmemory-policy allkeys-lfu", "OBJECT FREQ a", "GET a", "OBJECT FREQ a",
		"SET b hello", "OBJECT FREQ b", "CONFIG SET maxmemory-policy allkeys-lru", "GET b",
		"CONFIG SET maxmemory-policy volatile-lfu", "OBJECT FREQ b", "CONFIG SET maxmemory-policy noeviction",
	}},
	// SET and MSET look the key up before replacing it, an access that an
	// LFU counter of 5 always counts (6); SET NX counts it even when it
	// does not write. (Not with small integer values: Redis shares one
	// object for each, and so its lru field, between all keys.)
	{"lfu-set-counts-an-access", []string{
		"CONFIG SET maxmemory-policy allkeys-lfu",
		"SET k v", "SET k v2", "OBJECT FREQ k", "SET n v", "SET n w NX", "OBJECT FREQ n",
		"SET x v", "SET x w XX", "OBJECT FREQ x", "MSET m a", "MSET m b", "OBJECT FREQ m",
		"SETNX s v", "SETEX s 100 v", "OBJECT FREQ s",
		"CONFIG SET maxmemory-policy noeviction",
	}},
}

// debugObjectLRU takes DEBUG OBJECT's lru field and idle seconds.
var debugObjectLRU = regexp.MustCompile(`lru:(\d+) lru_seconds_idle:(\d+)`)

// TestLRUFieldAcrossPolicies checks the numbers read from a key last
// accessed under the other kind of policy, which Redis computes from its
// one lru field read in the wrong form (an idle time of weeks for a key
// written a moment ago). They are clocks, so they are compared within a
// second (idle) or a minute (the LFU form's minute, shifted by 8 bits).
func TestLRUFieldAcrossPolicies(t *testing.T) {
	redisAddr := startRedis(t, "enable-debug-command yes")
	shoal := testserver.Start(t, "save ")
	p := newPair(t, redisAddr, shoal, 2)
	p.do("FLUSHALL")
	p.run([]string{"SET lru v", "CONFIG SET maxmemory-policy allkeys-lfu", "SET lfu v"})
	p.run([]string{"CONFIG SET maxmemory-policy allkeys-lru"})
	defer p.do("CONFIG SET", "maxmemory-policy", "noeviction")

	near := func(what string, r, s, tolerance int64) {
		t.Helper()
		if d := r - s; d < -tolerance || d > tolerance {
			t.Errorf("%s: redis %d, shoal %d", what, r, s)
		}
	}
	idle := func(srv *testserver.Raw) int64 {
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(srv.Do("OBJECT", "IDLETIME", "lfu"), ":"), "\r\n"), 10, 64)
		return n
	}
	near("OBJECT IDLETIME of a key written under LFU", idle(p.redis), idle(p.shoal), 1)
	for _, key := range []string{"lru", "lfu"} {
		r := debugObjectLRU.FindStringSubmatch(p.redis.Do("DEBUG", "OBJECT", key))
		s := debugObjectLRU.FindStringSubmatch(p.shoal.Do("DEBUG", "OBJECT", key))
		if r == nil || s == nil {
			t.Fatalf("DEBUG OBJECT %s: no lru field (redis %v, shoal %v)", key, r, s)
		}
		num := func(v string) int64 { n, _ := strconv.ParseInt(v, 10, 64); return n }
		near("DEBUG OBJECT "+key+" lru", num(r[1]), num(s[1]), 256)
		near("DEBUG OBJECT "+key+" lru_seconds_idle", num(r[2]), num(s[2]), 1)
	}
}

// TestMessageBeforeLaterReply checks that a message PUBLISH reported as
// delivered reaches the subscriber before the reply to a command the
// subscriber sends afterwards: Redis writes the message into the
// subscriber's buffer before PUBLISH replies. Shoal's loops hand messages
// over through a queue, which the subscriber's loop served after the new
// command's input about one time in five. Each round is a chance for it.
func TestMessageBeforeLaterReply(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ")
	m := newMulti(t, redisAddr, shoal)
	sub, pub := m.c("sub", 2), m.c("pub", 3)
	m.expectN(sub, 1, "PSUBSCRIBE", "ch*")
	for i := range 200 {
		m.expect(pub, "PUBLISH", "ch1", "m"+strconv.Itoa(i))
		m.send(sub, "PING")
		m.read(sub, "pmessage, then PING's reply", 2)
		if t.Failed() {
			return
		}
	}
}
