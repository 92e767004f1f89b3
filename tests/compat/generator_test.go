package compat

import (
	"flag"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

var (
	seedFlag = flag.Uint64("compat.seed", 0, "run TestRandom with this seed only (0: the default seeds)")
	steps    = flag.Int("compat.steps", 2500, "random commands per TestRandom run")
	trace    = flag.Bool("compat.trace", false, "log every command and Redis's reply")
)

func seeds() []uint64 {
	if *seedFlag != 0 {
		return []uint64{*seedFlag}
	}
	return []uint64{1, 2}
}

// shoalCommands returns the command names Shoal's COMMAND LIST reports,
// subcommands as "client|id": the generator only draws from these.
func shoalCommands(t *testing.T, s *testserver.Server) map[string]bool {
	t.Helper()
	r := parse(s.Raw(t).Do("COMMAND", "LIST"))
	names := map[string]bool{}
	for _, e := range r.elems {
		names[e.body] = true
	}
	return names
}

// generator draws random but plausible commands over a small keyspace,
// so that commands meet each other's keys: small, negative and huge
// integers, floats, option words in random case and random combinations of
// options, and now and then a wrong number of arguments.
//
// Expiry times are either in the past (the key goes at once) or at least
// 100 s away, so no key expires during a run and both servers always hold
// the same keys.
type generator struct {
	rnd      *rand.Rand
	start    time.Time
	cmds     []weighted
	total    int
	payloads []string // DUMP payloads Redis gave, for RESTORE
	queued   [][]string
}

type weighted struct {
	name   string
	weight int
	gen    func(g *generator) []string
}

// newGenerator returns a generator for the commands of gens that are in
// have.
func newGenerator(seed uint64, have map[string]bool, gens []weighted) *generator {
	g := &generator{rnd: rand.New(rand.NewPCG(seed, seed^0x5ca1ab1e)), start: time.Now()}
	for _, c := range gens {
		if have[c.name] || c.name == "unknown" {
			g.cmds = append(g.cmds, c)
			g.total += c.weight
		}
	}
	return g
}

// queue has next return args, as they are, after the command being
// generated: for a command that must follow another (a blocking pop after
// the push that keeps it from blocking).
func (g *generator) queue(args ...string) { g.queued = append(g.queued, args) }

// next returns the next command.
func (g *generator) next() []string {
	if len(g.queued) > 0 {
		args := g.queued[0]
		g.queued = g.queued[1:]
		return args
	}
	n := g.rnd.IntN(g.total)
	var args []string
	for _, c := range g.cmds {
		if n < c.weight {
			args = c.gen(g)
			break
		}
		n -= c.weight
	}
	args[0] = g.word(args[0])
	switch g.rnd.IntN(60) {
	case 0: // one argument too few
		// But not RESTORE's ABSTTL: without it, a past Unix time in
		// milliseconds becomes a TTL of a few milliseconds, which ends at a
		// different moment on each server.
		if len(args) > 1 && !strings.EqualFold(args[len(args)-1], "absttl") {
			args = args[:len(args)-1]
		}
	case 1: // one too many
		args = append(args, g.value())
	case 2: // a stray word somewhere
		if len(args) > 1 {
			i := 1 + g.rnd.IntN(len(args)-1)
			word := g.word(g.pick("NX", "XX", "GET", "EX", "COUNT", "MATCH", "TYPE", "REPLACE", "DB", "LEN", "IDX", "BYTE", "BIT", "1", "-1", ""))
			args = append(args[:i], append([]string{word}, args[i:]...)...)
		}
	}
	return args
}

// observe learns from Redis's replies what later commands can reuse.
func (g *generator) observe(args []string, r reply) {
	if strings.EqualFold(args[0], "dump") && r.kind == '$' && r.head != "-1" && len(g.payloads) < 50 {
		g.payloads = append(g.payloads, r.body)
	}
}

func (g *generator) chance(percent int) bool { return g.rnd.IntN(100) < percent }

func (g *generator) pick(options ...string) string { return options[g.rnd.IntN(len(options))] }

// word returns w in random case: option words are case-insensitive.
func (g *generator) word(w string) string {
	switch g.rnd.IntN(4) {
	case 0:
		return strings.ToLower(w)
	case 1:
		b := []byte(w)
		for i := range b {
			if g.chance(50) {
				b[i] ^= 0x20 * byte(boolInt(isLetter(b[i])))
			}
		}
		return string(b)
	}
	return strings.ToUpper(w)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// keyNames are the keyspace: plain keys, two sharing a hash tag, the
// empty key and a binary one.
var keyNames = []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "{k}a", "{k}b", "", "k\x00\xff"}

func (g *generator) key() string { return keyNames[g.rnd.IntN(len(keyNames))] }

// keys returns between lo and hi keys, repeats allowed.
func (g *generator) keys(lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.key()
	}
	return out
}

// value returns a string value: integers (in and out of range), floats,
// and text short and long (embstr and raw encodings), binary included.
func (g *generator) value() string {
	switch g.rnd.IntN(8) {
	case 0, 1:
		return strconv.Itoa(g.rnd.IntN(40) - 10)
	case 2:
		return g.pick("9223372036854775807", "-9223372036854775808", "9223372036854775808", "10000", "123456789012", "-0", "007", "+1", " 1")
	case 3:
		return g.pick("1.5", "-0.0", "0.1", "1e3", "3.0e-2", "inf", "-inf", "nan", "1.", ".5", "5.0000", "1e400", "0x10", "1_000")
	case 4:
		return g.pick("", "a", "foobar", "hello world", "\x00\xff\x01", "ohmytext", "\xff\xf0\x00")
	case 5:
		return strings.Repeat(g.pick("ab", "xyz", "\x55", "7"), 10+g.rnd.IntN(40))
	case 6:
		return g.float()
	}
	return g.text(1 + g.rnd.IntN(12))
}

func (g *generator) text(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "abcdefgh01"[g.rnd.IntN(10)]
	}
	return string(b)
}

// float returns a float argument in one of the many spellings strtold
// takes, from tiny to huge, for INCRBYFLOAT's long double arithmetic and
// formatting.
func (g *generator) float() string {
	f := (g.rnd.Float64() - 0.5) * math.Pow(10, float64(g.rnd.IntN(40)-20))
	switch g.rnd.IntN(8) {
	case 0:
		return strconv.FormatFloat(f, 'e', -1, 64)
	case 1:
		return strconv.FormatFloat(f, 'f', g.rnd.IntN(20), 64)
	case 2:
		return strconv.FormatFloat(f, 'g', 17, 64)
	case 3:
		return g.pick("1e308", "-1e308", "1e-320", "4.9e-324", "1.7976931348623157e308", "0.1", "1E3", "1e+3", "-.5", "5.", "00.5", "0x1p3", "1e", "e1", "")
	case 4:
		return g.value()
	}
	return strconv.FormatInt(g.rnd.Int64N(2000000)-1000000, 10) + "." + strconv.Itoa(g.rnd.IntN(1000))
}

// integer returns an integer argument, mostly small, sometimes out of
// range or not a number.
func (g *generator) integer() string {
	switch g.rnd.IntN(10) {
	case 0:
		return g.pick("9223372036854775807", "-9223372036854775808", "9223372036854775808", "4294967296", "2147483648")
	case 1:
		return g.pick("abc", "", "1.5", "+1", " 2", "01", "-0", "0x1")
	}
	return strconv.Itoa(g.rnd.IntN(30) - 10)
}

// index returns a string index for GETRANGE, BITCOUNT and friends.
func (g *generator) index() string {
	if g.chance(10) {
		return g.integer()
	}
	return strconv.Itoa(g.rnd.IntN(40) - 20)
}

// db returns a database index, sometimes out of range.
func (g *generator) db() string {
	if g.chance(10) {
		return g.pick("16", "-1", "x", "9999999999999999999")
	}
	return strconv.Itoa(g.rnd.IntN(3))
}

// ttl returns a relative expiry in seconds (ms when milli): in the past,
// at least 100 s ahead, or out of range.
func (g *generator) ttl(milli bool) string {
	unit := int64(1)
	if milli {
		unit = 1000
	}
	switch g.rnd.IntN(10) {
	case 0:
		return g.pick("0", "-1", "-100")
	case 1:
		return g.pick("9223372036854775807", "-9223372036854775808", "9223372036854775", "abc", "1.5")
	}
	return strconv.FormatInt((100+g.rnd.Int64N(100000))*unit+g.rnd.Int64N(unit), 10)
}

// at returns an absolute expiry, a Unix time in seconds (ms when milli).
func (g *generator) at(milli bool) string {
	unit := int64(1)
	if milli {
		unit = 1000
	}
	switch g.rnd.IntN(10) {
	case 0:
		return g.pick("0", "1", "-1")
	case 1:
		return g.pick("9223372036854775807", "9223372036854775", "x")
	}
	return strconv.FormatInt((g.start.Unix()+100+g.rnd.Int64N(100000))*unit+g.rnd.Int64N(unit), 10)
}

// expiry returns SET's or GETEX's expiry option and its value.
func (g *generator) expiry() []string {
	switch g.rnd.IntN(4) {
	case 0:
		return []string{g.word("EX"), g.ttl(false)}
	case 1:
		return []string{g.word("PX"), g.ttl(true)}
	case 2:
		return []string{g.word("EXAT"), g.at(false)}
	}
	return []string{g.word("PXAT"), g.at(true)}
}

// setExpiry is expiry for SET, without a time in the past: Redis 7.0
// stores the key anyway, already expired, and DBSIZE counts it until the
// active expiry cycle happens to remove it, at a different moment on each
// server. (GETEX and EXPIREAT delete the key at once.)
func (g *generator) setExpiry() []string {
	for {
		// at's only valid time in the past is 1.
		if opt := g.expiry(); opt[1] != "1" {
			return opt
		}
	}
}

// options returns a random subset of opts in random order, each option a
// group of words.
func (g *generator) options(percent int, opts ...[]string) []string {
	var out []string
	for _, i := range g.rnd.Perm(len(opts)) {
		if g.chance(percent) {
			out = append(out, opts[i]...)
		}
	}
	return out
}

func (g *generator) words(ws ...string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = g.word(w)
	}
	return out
}

func cmd(name string, args ...string) []string { return append([]string{name}, args...) }

func cmdv(name string, args []string, more ...string) []string {
	return append(append([]string{name}, args...), more...)
}
