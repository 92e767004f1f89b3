// Package compat is a differential test: it sends the same commands to a
// real redis-server 7.0 and to a Shoal node over raw TCP and compares the
// replies byte for byte, in RESP2 and in RESP3:
//
//   - TestCases: hand-written edge cases per command family;
//   - TestAuth: the same against servers with a password;
//   - TestCommandInfo: COMMAND INFO of every command Shoal has;
//   - TestProtocol and friends: raw, also malformed, protocol input;
//   - TestRandom: a few thousand seeded random commands over a small
//     keyspace (-compat.seed, -compat.steps and -compat.trace to dig into
//     a difference).
//
// Replies that differ between any two servers (TIME, CLIENT ID, RANDOMKEY,
// KEYS order, TTLs read a few milliseconds apart) are compared loosely, as
// compareFor says. The tests skip when redis-server 7.0 is not installed
// (Debian and Ubuntu: apt-get install redis-server).
package compat

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// maxFailures stops a run early: after a real difference the two
// keyspaces may disagree, and every later reply with them.
const maxFailures = 10

// pair is one connection to each server, in the same protocol.
type pair struct {
	t            *testing.T
	redis, shoal *testserver.Raw
	history      []string // the last commands, to show around a failure
	failures     int
}

// newPair connects to both servers and, for proto 3, switches both
// connections to RESP3.
func newPair(t *testing.T, redisAddr string, s *testserver.Server, proto int) *pair {
	t.Helper()
	p := &pair{t: t, redis: dialRedis(t, redisAddr), shoal: s.Raw(t)}
	if proto == 3 {
		p.do("HELLO", "3")
	}
	return p
}

// do sends args to both servers, compares the replies and reports a
// difference. It returns Redis's reply.
func (p *pair) do(args ...string) reply {
	p.t.Helper()
	start := time.Now()
	r := parse(p.redis.Do(args...))
	mid := time.Now()
	s := parse(p.shoal.Do(args...))
	p.remember(args)
	if *trace {
		p.t.Logf("%s -> %q (redis %v, shoal %v)", show(args), r.raw, mid.Sub(start), time.Since(mid))
	}
	if !compareFor(args)(r, s) {
		p.failures++
		rd, sd := excerpt(shown(args, r), shown(args, s))
		p.t.Errorf("%s\nredis: %q\nshoal: %q\nafter: %s", show(args), rd, sd, strings.Join(p.history[:len(p.history)-1], " | "))
		if p.failures >= maxFailures {
			p.t.FailNow()
		}
	}
	return r
}

// run sends case lines (see cases) to both servers.
func (p *pair) run(lines []string) {
	p.t.Helper()
	for _, line := range lines {
		if ms, ok := strings.CutPrefix(line, "!sleep "); ok {
			n, _ := strconv.Atoi(ms)
			time.Sleep(time.Duration(n) * time.Millisecond)
			continue
		}
		p.do(splitLine(p.t, line)...)
	}
}

func (p *pair) remember(args []string) {
	const keep = 6
	p.history = append(p.history, show(args))
	if len(p.history) > keep {
		p.history = p.history[len(p.history)-keep:]
	}
}

// shown is what a failure shows of a reply: for INFO the counters
// compared, else the raw reply.
func shown(args []string, r reply) string {
	if strings.EqualFold(args[0], "info") && r.kind != '-' {
		return strings.Join(infoCounterLines(r.body), "\n")
	}
	return r.raw
}

// excerpt cuts two long replies down to where they start to differ.
func excerpt(a, b string) (string, string) {
	const before, after = 80, 160
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	cut := func(s string) string {
		lo, hi := max(i-before, 0), min(i+after, len(s))
		out := s[lo:hi]
		if lo > 0 {
			out = "…" + out
		}
		if hi < len(s) {
			out += "…"
		}
		return out
	}
	return cut(a), cut(b)
}

// show prints a command as redis-cli would take it.
func show(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \"'\\") || strconv.Quote(a) != `"`+a+`"` {
			a = strconv.Quote(a)
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

var protos = []int{2, 3}

// TestCases runs each hand-written case on fresh connections, after
// FLUSHALL, in RESP2 and RESP3.
func TestCases(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ") // as the reference runs: --save ""
	for _, proto := range protos {
		for _, c := range cases {
			t.Run("resp"+strconv.Itoa(proto)+"/"+c.name, func(t *testing.T) {
				p := newPair(t, redisAddr, shoal, proto)
				p.do("FLUSHALL")
				p.run(c.lines)
			})
		}
	}
}

// TestAuth runs authCases on servers with requirepass, in RESP2 (RESP3
// needs HELLO, which needs the password).
func TestAuth(t *testing.T) {
	redisAddr := startRedis(t, "requirepass secret")
	shoal := testserver.Start(t, "requirepass secret", "save ")
	for _, c := range authCases {
		t.Run(c.name, func(t *testing.T) {
			newPair(t, redisAddr, shoal, 2).run(c.lines)
		})
	}
}

// TestRandom runs seeded random command sequences on both servers.
func TestRandom(t *testing.T) {
	randomRun(t, generators)
}

// randomRun sends *steps random commands drawn from gens to both servers,
// for each protocol and seed.
func randomRun(t *testing.T, gens []weighted) {
	t.Helper()
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ") // as the reference runs: --save ""
	commands := shoalCommands(t, shoal)
	for _, proto := range protos {
		for _, seed := range seeds() {
			t.Run("resp"+strconv.Itoa(proto)+"/seed"+strconv.FormatUint(seed, 10), func(t *testing.T) {
				p := newPair(t, redisAddr, shoal, proto)
				p.do("FLUSHALL")
				p.do("CONFIG", "RESETSTAT")
				g := newGenerator(seed, commands, gens)
				for range *steps {
					args := g.next()
					g.observe(args, p.do(args...))
				}
			})
		}
	}
}

// infoExcluded are the commands whose COMMAND INFO is not compared, and
// why.
var infoExcluded = map[string]string{
	"client|setinfo": "Redis 7.0 does not have it; Shoal takes it from 7.2 because client libraries send it when they connect",
	"client":         "Redis's lists TRACKING and CACHING, which Shoal does not have yet (README); the subcommands are compared one by one",
}

// TestCommandInfo compares COMMAND INFO of every command Shoal has but
// those in infoExcluded.
func TestCommandInfo(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ") // as the reference runs: --save ""
	for _, proto := range protos {
		p := newPair(t, redisAddr, shoal, proto)
		for name := range shoalCommands(t, shoal) {
			if _, skip := infoExcluded[name]; !skip {
				p.do("COMMAND", "INFO", name)
			}
		}
	}
}
