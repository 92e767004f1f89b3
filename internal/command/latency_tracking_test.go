package command_test

import (
	"context"
	"fmt"
	"maps"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// histogram is one command's entry in LATENCY HISTOGRAM.
type histogram struct {
	calls   int64
	buckets [][2]int64 // (µs, cumulative count)
}

// bucketLabels are the steps of histogram_usec: the highest value
// equivalent to each power of two from 1024 ns, in µs, then the end of
// the histogram's range.
var bucketLabels = []int64{1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908,
	33816, 67633, 135266, 270532, 541065, 1073741}

// latencyHistograms runs LATENCY HISTOGRAM names... and reads the reply,
// a map in RESP3 and a flat array in RESP2, checking each entry's shape:
// calls and histogram_usec, buckets from bucketLabels with counts rising
// to calls.
func latencyHistograms(t *testing.T, c *redis.Client, names ...string) map[string]histogram {
	t.Helper()
	ctx := context.Background()
	args := []any{"LATENCY", "HISTOGRAM"}
	for _, n := range names {
		args = append(args, n)
	}
	v, err := c.Do(ctx, args...).Result()
	if err != nil {
		t.Fatalf("LATENCY HISTOGRAM %v: %v", names, err)
	}
	out := map[string]histogram{}
	for _, kv := range pairsOf(t, v) {
		name := kv[0].(string)
		var h histogram
		fields := pairsOf(t, kv[1])
		if len(fields) != 2 || fields[0][0] != "calls" || fields[1][0] != "histogram_usec" {
			t.Fatalf("%s: %v, want calls and histogram_usec", name, kv[1])
		}
		h.calls = fields[0][1].(int64)
		for _, b := range pairsOf(t, fields[1][1]) {
			h.buckets = append(h.buckets, [2]int64{b[0].(int64), b[1].(int64)})
		}
		slices.SortFunc(h.buckets, func(a, b [2]int64) int { return int(a[0] - b[0]) })
		checkBuckets(t, name, h)
		out[name] = h
	}
	return out
}

func checkBuckets(t *testing.T, name string, h histogram) {
	t.Helper()
	prev := int64(0)
	for _, b := range h.buckets {
		if !slices.Contains(bucketLabels, b[0]) || b[1] <= prev {
			t.Fatalf("%s: buckets %v: %d µs is no step, or its count does not rise", name, h.buckets, b[0])
		}
		prev = b[1]
	}
	if prev != h.calls {
		t.Fatalf("%s: buckets %v end at %d, calls %d", name, h.buckets, prev, h.calls)
	}
}

// pairsOf reads a map reply: a map in RESP3, key-value pairs in a flat
// array in RESP2 (in key order for a RESP3 map, which go-redis does not
// keep).
func pairsOf(t *testing.T, v any) [][2]any {
	t.Helper()
	var out [][2]any
	switch m := v.(type) {
	case []any:
		if len(m)%2 != 0 {
			t.Fatalf("odd flat map %v", m)
		}
		for i := 0; i < len(m); i += 2 {
			out = append(out, [2]any{m[i], m[i+1]})
		}
	case map[any]any:
		for k, x := range m {
			out = append(out, [2]any{k, x})
		}
		slices.SortFunc(out, func(a, b [2]any) int { return strings.Compare(fmt.Sprint(a[0]), fmt.Sprint(b[0])) })
	default:
		t.Fatalf("%T %v is no map", v, v)
	}
	return out
}

func callsOf(hs map[string]histogram) map[string]int64 {
	out := map[string]int64{}
	for name, h := range hs {
		out[name] = h.calls
	}
	return out
}

func sameCalls(t *testing.T, what string, got map[string]histogram, want map[string]int64) {
	t.Helper()
	if g := callsOf(got); !maps.Equal(g, want) {
		t.Errorf("%s: calls %v, want %v", what, g, want)
	}
}

func do(t *testing.T, c *redis.Client, args ...any) any {
	t.Helper()
	v, err := c.Do(context.Background(), args...).Result()
	if err != nil && err != redis.Nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

// TestLatencyHistogram: each command that ran has a histogram of its
// calls, subcommands their own; a rejected call (arity) is not one, a
// failed one is; a container's name stands for it and its subcommands,
// unknown names are skipped; with no name every histogram is replied.
// In RESP2 and RESP3.
func TestLatencyHistogram(t *testing.T) {
	srv := testserver.Start(t)
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			c := srv.ClientProto(t, proto)
			do(t, c, "CONFIG", "RESETSTAT")
			do(t, c, "SET", "k", "v")
			for range 3 {
				do(t, c, "GET", "k")
			}
			do(t, c, "GET", "nokey")
			if err := c.Do(context.Background(), "LPUSH", "k", "x").Err(); err == nil {
				t.Fatal("LPUSH on a string succeeded")
			}
			if err := c.Do(context.Background(), "GET").Err(); err == nil {
				t.Fatal("GET with no key succeeded")
			}
			do(t, c, "CONFIG", "GET", "maxmemory")
			got := latencyHistograms(t, c, "set", "GET", "lpush", "config", "nosuch", "config|nosuch", "get|x", "", "ping")
			sameCalls(t, "named", got, map[string]int64{"set": 1, "get": 4, "lpush": 1, "config|get": 1, "config|resetstat": 1})
			got = latencyHistograms(t, c, "CONFIG|GET")
			sameCalls(t, "config|get", got, map[string]int64{"config|get": 1})
			got = latencyHistograms(t, c)
			sameCalls(t, "all", got, map[string]int64{"set": 1, "get": 4, "lpush": 1, "config|get": 1, "config|resetstat": 1,
				"latency|histogram": 2})
			if got := latencyHistograms(t, c, "nosuch"); len(got) != 0 {
				t.Errorf("an unknown command: %v", got)
			}
		})
	}
}

// TestLatencyHistogramRaw: the reply's bytes in both protocols, a name
// given twice answered twice.
func TestLatencyHistogramRaw(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	r.Do("CONFIG", "RESETSTAT")
	r.Do("GET", "k")
	// get's entry: a map of calls and histogram_usec, one bucket.
	resp2 := `\$3\r\nget\r\n\*4\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n\*2\r\n:\d+\r\n:1\r\n`
	resp3 := `\$3\r\nget\r\n%2\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n%1\r\n:\d+\r\n:1\r\n`
	for _, tc := range []struct {
		proto string
		want  *regexp.Regexp
	}{
		{"2", regexp.MustCompile(`^\*4\r\n` + resp2 + resp2 + `$`)},
		{"3", regexp.MustCompile(`^%2\r\n` + resp3 + resp3 + `$`)},
	} {
		r.Do("HELLO", tc.proto)
		if got := r.Do("LATENCY", "HISTOGRAM", "get", "nosuch", "GET"); !tc.want.MatchString(got) {
			t.Errorf("RESP%s: %q", tc.proto, got)
		}
	}
	if got := r.Do("LATENCY", "HISTOGRAM", "nosuch"); got != "%0\r\n" {
		t.Errorf("nothing to answer: %q", got)
	}
}

// latencyLine reads the command's INFO latencystats line as its
// percentile labels and values, in order; nil if there is none.
func latencyLine(t *testing.T, c *redis.Client, command string) [][2]string {
	t.Helper()
	info := c.Info(context.Background(), "latencystats").Val()
	for _, line := range strings.Split(info, "\r\n") {
		value, ok := strings.CutPrefix(line, "latency_percentiles_usec_"+command+":")
		if !ok {
			continue
		}
		var out [][2]string
		for _, f := range strings.Split(value, ",") {
			k, v, _ := strings.Cut(f, "=")
			out = append(out, [2]string{k, v})
		}
		return out
	}
	return nil
}

// usecOf reads the command's usec from INFO commandstats.
func usecOf(t *testing.T, c *redis.Client, command string) int64 {
	t.Helper()
	m := regexp.MustCompile(`cmdstat_` + regexp.QuoteMeta(command) + `:calls=\d+,usec=(\d+),`).FindStringSubmatch(c.Info(context.Background(), "commandstats").Val())
	if m == nil {
		t.Fatalf("no commandstats for %s", command)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// highestEquivalent is what Redis prints for a single call of us µs: the
// top of the HdrHistogram sub-bucket that holds us×1000 ns.
func highestEquivalent(us int64) string {
	v := min(max(us*1000, 1), 1e9)
	b := max(bits.Len64(uint64(v)|255)-8, 0)
	return fmt.Sprintf("%.3f", float64(v>>b<<b+1<<b-1)/1000)
}

// TestLatencyPercentiles: the percentiles reflect what ran: a 10 ms
// DEBUG SLEEP reads as its own duration to the histogram's precision
// (1 %), at every percentile; among nine quick calls it is p99 and
// p99.9, not p50. Labels are printed as Redis prints them.
func TestLatencyPercentiles(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	do(t, c, "DEBUG", "SLEEP", "0.01")
	us := usecOf(t, c, "debug")
	want := highestEquivalent(us)
	got := latencyLine(t, c, "debug")
	if len(got) != 3 || got[0] != [2]string{"p50", want} || got[1] != [2]string{"p99", want} || got[2] != [2]string{"p99.9", want} {
		t.Fatalf("one %d µs call: %v, want p50, p99, p99.9 at %s", us, got, want)
	}
	p50, _ := strconv.ParseFloat(want, 64)
	if us < 10000 || p50 < float64(us) || p50 > float64(us)*1.01 {
		t.Fatalf("DEBUG SLEEP 0.01 took %d µs, p50 %v", us, p50)
	}
	for range 8 {
		do(t, c, "DEBUG", "SLEEP", "0")
	}
	got = latencyLine(t, c, "debug")
	p50, _ = strconv.ParseFloat(got[0][1], 64)
	p99, _ := strconv.ParseFloat(got[1][1], 64)
	if p50 >= 10000 || p99 < 10000 || got[2][1] != got[1][1] {
		t.Errorf("eight quick calls and a 10 ms one: %v", got)
	}

	do(t, c, "CONFIG", "SET", "latency-tracking-info-percentiles", "0 12.5 100 0.0078125 99.99999999 1e-7")
	var labels []string
	for _, kv := range latencyLine(t, c, "debug") {
		labels = append(labels, kv[0])
		if !regexp.MustCompile(`^\d+\.\d{3}$`).MatchString(kv[1]) {
			t.Errorf("%s=%s is not %%.3f", kv[0], kv[1])
		}
	}
	if want := []string{"p0", "p12.5", "p100", "p0.007812", "p100", "p0"}; !slices.Equal(labels, want) {
		t.Errorf("labels %v, want %v", labels, want)
	}
	do(t, c, "CONFIG", "SET", "latency-tracking-info-percentiles", "")
	if got := latencyLine(t, c, "debug"); len(got) != 1 || got[0] != [2]string{"", ""} {
		t.Errorf("no percentiles: %v, want the name alone", got)
	}
}

// TestLatencyTrackingConfig: CONFIG SET and GET of the two directives,
// with Redis 7.0's formatting and error texts.
func TestLatencyTrackingConfig(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	const name = "latency-tracking-info-percentiles"
	if got := c.ConfigGet(ctx, "latency-tracking*").Val(); got[name] != "50 99 99.9" || got["latency-tracking"] != "yes" || len(got) != 2 {
		t.Fatalf("defaults: %v", got)
	}
	invalid := "ERR CONFIG SET failed (possibly related to argument '" + name + "') - Invalid " + name + " parameters"
	outside := "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + name + " parameters should sit between [0.0,100.0]"
	for _, tc := range []struct{ set, get, err string }{
		{"50", "50", ""},
		{"0 100", "0 100", ""},
		{"99.99999999 0.0000001 1e1 0x10 12.5", "100 0 10 16 12.5", ""},
		{"99.9999995 0.0078125 +5 .5 5. 0x1p3 -0", "100 0.007812 5 0.5 5 8 -0", ""},
		{"", "", ""},
		{"50  99", "", invalid},
		{" 50", "", invalid},
		{"50 99 99.9 ", "", invalid},
		{"abc", "", invalid},
		{"nan", "", invalid},
		{"1,2", "", invalid},
		{"1_0", "", invalid},
		{"1e400", "", invalid},
		{"101", "", outside},
		{"-1", "", outside},
		{"inf", "", outside},
	} {
		c.ConfigSet(ctx, name, "1 2 3")
		err := c.ConfigSet(ctx, name, tc.set).Err()
		want := tc.get
		if tc.err != "" {
			want = "1 2 3" // unchanged
		}
		switch {
		case tc.err == "" && err != nil, tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("CONFIG SET %q: %v, want %q", tc.set, err, tc.err)
		case c.ConfigGet(ctx, name).Val()[name] != want:
			t.Errorf("CONFIG SET %q then GET: %q, want %q", tc.set, c.ConfigGet(ctx, name).Val()[name], want)
		}
	}
	for _, tc := range []struct{ set, get, err string }{
		{"no", "no", ""},
		{"YES", "yes", ""},
		{"maybe", "yes", "ERR CONFIG SET failed (possibly related to argument 'latency-tracking') - argument must be 'yes' or 'no'"},
	} {
		err := c.ConfigSet(ctx, "latency-tracking", tc.set).Err()
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || err.Error() != tc.err) {
			t.Errorf("CONFIG SET latency-tracking %q: %v", tc.set, err)
		}
		if got := c.ConfigGet(ctx, "latency-tracking").Val()["latency-tracking"]; got != tc.get {
			t.Errorf("after %q: %q", tc.set, got)
		}
	}
}

// TestLatencyTrackingFromFlags: both directives at start-up, the list as
// several words.
func TestLatencyTrackingFromFlags(t *testing.T) {
	srv := testserver.Start(t, "latency-tracking no", "latency-tracking-info-percentiles 90 99.5")
	c := srv.Client(t)
	got := c.ConfigGet(context.Background(), "latency-tracking*").Val()
	if got["latency-tracking"] != "no" || got["latency-tracking-info-percentiles"] != "90 99.5" {
		t.Fatalf("CONFIG GET: %v", got)
	}
}

// TestLatencyTrackingOff: with latency-tracking off nothing is recorded
// and INFO latencystats is empty, but LATENCY HISTOGRAM still answers
// with what was; turned on again, INFO shows it again.
func TestLatencyTrackingOff(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	do(t, c, "CONFIG", "RESETSTAT")
	do(t, c, "GET", "k")
	do(t, c, "CONFIG", "SET", "latency-tracking", "no")
	do(t, c, "GET", "k")
	do(t, c, "SET", "k", "v")
	if got := c.Info(ctx, "latencystats").Val(); got != "# Latencystats\r\n" {
		t.Errorf("INFO latencystats with tracking off: %q", got)
	}
	sameCalls(t, "off", latencyHistograms(t, c, "get", "set"), map[string]int64{"get": 1})
	do(t, c, "CONFIG", "SET", "latency-tracking", "yes")
	if latencyLine(t, c, "get") == nil || latencyLine(t, c, "set") != nil {
		t.Errorf("INFO latencystats on again: %q", c.Info(ctx, "latencystats").Val())
	}
}

// TestLatencyResetStat: CONFIG RESETSTAT drops every histogram; the
// RESETSTAT itself is the first call after.
func TestLatencyResetStat(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	do(t, c, "SET", "k", "v")
	do(t, c, "GET", "k")
	do(t, c, "CONFIG", "RESETSTAT")
	sameCalls(t, "after RESETSTAT", latencyHistograms(t, c), map[string]int64{"config|resetstat": 1})
	info := c.Info(context.Background(), "latencystats").Val()
	if !regexp.MustCompile(`^# Latencystats\r\nlatency_percentiles_usec_config\|resetstat:p50=[\d.]+,p99=[\d.]+,p99\.9=[\d.]+\r\nlatency_percentiles_usec_latency\|histogram:[^\r]+\r\n$`).MatchString(info) {
		t.Errorf("INFO latencystats after RESETSTAT: %q", info)
	}
	do(t, c, "GET", "k")
	sameCalls(t, "then GET", latencyHistograms(t, c, "get"), map[string]int64{"get": 1})
}

// TestLatencyTrackingWhatCounts: what Redis 7.0 records: each command
// EXEC runs and EXEC itself (and MULTI; an EXEC that answers EXECABORT
// too), each command a script calls and
// the script, a blocking command served or unblocked by CLIENT UNBLOCK;
// not one that times out, nor one refused before it runs.
func TestLatencyTrackingWhatCounts(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c, waiter := srv.Client(t), srv.Client(t)
	do(t, c, "CONFIG", "RESETSTAT")
	if _, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "k", "1", 0)
		p.Incr(ctx, "k")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	do(t, c, "EVAL", "redis.call('incr', KEYS[1]); return redis.call('get', KEYS[1])", "1", "k")
	c.Do(ctx, "MULTI")
	c.Do(ctx, "GET")
	c.Do(ctx, "EXEC") // EXECABORT, counted; the GET refused is not
	if err := waiter.Do(ctx, "BLPOP", "nokey", "0.01").Err(); err != redis.Nil {
		t.Fatalf("BLPOP timing out: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- waiter.BLPop(ctx, 5*time.Second, "q").Err() }()
	waitBlocked(t, c, 1)
	do(t, c, "RPUSH", "q", "a")
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	id := waiter.ClientID(ctx).Val()
	go func() { served <- waiter.BLPop(ctx, 5*time.Second, "q").Err() }()
	waitBlocked(t, c, 1)
	do(t, c, "CLIENT", "UNBLOCK", id)
	if err := <-served; err != redis.Nil {
		t.Fatalf("unblocked BLPOP: %v", err)
	}
	got := latencyHistograms(t, c, "multi", "set", "incr", "exec", "eval", "get", "blpop", "rpush")
	sameCalls(t, "", got, map[string]int64{"multi": 2, "set": 1, "incr": 2, "exec": 2, "eval": 1, "get": 1, "blpop": 2, "rpush": 1})
	if s := c.Info(ctx, "commandstats").Val(); !strings.Contains(s, "cmdstat_blpop:calls=3,") {
		t.Errorf("commandstats count the timeout: %q", s)
	}
}

// TestInfoLatencystatsSections: INFO and INFO default leave latencystats
// out, INFO all and everything have it, after errorstats.
func TestInfoLatencystatsSections(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	for _, tc := range []struct {
		args []any
		want bool
	}{{nil, false}, {[]any{"default"}, false}, {[]any{"all"}, true}, {[]any{"everything"}, true}, {[]any{"LatencyStats"}, true}} {
		info := do(t, c, append([]any{"INFO"}, tc.args...)...).(string)
		if has := strings.Contains(info, "# Latencystats\r\n"); has != tc.want {
			t.Errorf("INFO %v: latencystats %v", tc.args, has)
		}
		if tc.want && len(tc.args) > 0 && tc.args[0] != "LatencyStats" && !strings.Contains(info, "# Errorstats\r\n") {
			t.Errorf("INFO %v has no errorstats", tc.args)
		}
		if tc.want && strings.Index(info, "# Latencystats") < strings.Index(info, "# Errorstats") {
			t.Errorf("INFO %v: latencystats before errorstats", tc.args)
		}
	}
}
