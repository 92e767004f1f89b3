package compat

import (
	"slices"
	"strconv"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// latencyLines exercise latency tracking where the output holds no
// timing, or where latencyHistograms and sameInfoCounters leave the
// timings out: which commands have a histogram and how many calls it
// counts (what a transaction, a script, a blocking command that times out
// or is served, a refused and a failed call record), the reply's shape,
// names skipped, INFO latencystats' lines and percentile labels and the
// INFO selections that have the section, the two directives, and
// CONFIG RESETSTAT.
var latencyLines = []string{
	"CONFIG RESETSTAT",
	"SET k 1", "GET k", "GET k", "INCR k", "LPUSH k x", "GET", "GET nokey",
	"MULTI", "SET m 1", "INCR m", "EXEC", "MULTI", "GET", "EXEC",
	`EVAL "redis.call('set', KEYS[1], 'v'); return redis.call('get', KEYS[1])" 1 e`,
	"BLPOP nokey 0.01", "RPUSH q a", "BLPOP q 0",
	"CONFIG GET maxmemory", "COMMAND INFO get",
	`LATENCY HISTOGRAM set get incr lpush multi exec eval blpop rpush config command nosuch config|nosuch get|x "" CONFIG|GET GET`,
	"LATENCY HISTOGRAM", "LATENCY HISTOGRAM nosuch",
	"INFO latencystats", "INFO", "INFO default", "INFO all", "INFO everything", "INFO latencystats commandstats",
	"CONFIG GET latency-tracking*",
	`CONFIG SET latency-tracking-info-percentiles "0 12.5 100 0.0078125 99.99999999 1e-7 0x10 -0"`,
	"CONFIG GET latency-tracking-info-percentiles", "INFO latencystats",
	`CONFIG SET latency-tracking-info-percentiles ""`, "CONFIG GET latency-tracking-info-percentiles", "INFO latencystats",
	`CONFIG SET latency-tracking-info-percentiles "50  99"`, `CONFIG SET latency-tracking-info-percentiles " 50"`,
	`CONFIG SET latency-tracking-info-percentiles "50 "`, "CONFIG SET latency-tracking-info-percentiles abc",
	"CONFIG SET latency-tracking-info-percentiles nan", "CONFIG SET latency-tracking-info-percentiles 1e400",
	"CONFIG SET latency-tracking-info-percentiles 101", "CONFIG SET latency-tracking-info-percentiles -1",
	"CONFIG SET latency-tracking-info-percentiles inf", "CONFIG GET latency-tracking-info-percentiles",
	`CONFIG SET latency-tracking-info-percentiles "50 99 99.9"`,
	"CONFIG SET latency-tracking no", "GET k", "SET k 2", "INFO latencystats", "INFO all", "LATENCY HISTOGRAM get set",
	"CONFIG SET latency-tracking maybe", "CONFIG GET latency-tracking", "CONFIG SET latency-tracking yes", "INFO latencystats",
	"CONFIG RESETSTAT", "LATENCY HISTOGRAM", "INFO latencystats",
	"LATENCY HELP",
}

// TestLatencyTracking runs latencyLines on fresh servers, in RESP2 then
// RESP3.
func TestLatencyTracking(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ") // as the reference runs: --save ""
	for _, proto := range protos {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			p := newPair(t, redisAddr, shoal, proto)
			p.do("FLUSHALL")
			p.run(latencyLines)
		})
	}
}

// histogramSteps are the bucket labels Redis's walk of a histogram
// (LATENCY HISTOGRAM's histogram_usec) can give.
var histogramSteps = []string{"1", "2", "4", "8", "16", "33", "66", "132", "264", "528", "1056", "2113", "4227", "8454",
	"16908", "33816", "67633", "135266", "270532", "541065", "1073741"}

// latencyHistograms compares LATENCY HISTOGRAM replies without their
// timings: the same commands with the same calls, in any order (Redis
// walks hash tables), each a map of calls and histogram_usec; the
// buckets only have to be well formed: steps Redis takes, counts rising
// to calls.
func latencyHistograms(a, b reply) bool {
	if a.kind == '-' || b.kind == '-' || a.kind != b.kind || len(a.elems) != len(b.elems) {
		return exact(a, b)
	}
	da, okA := histogramDigest(a)
	db, okB := histogramDigest(b)
	return okA && okB && slices.Equal(da, db)
}

// histogramDigest is each entry of a LATENCY HISTOGRAM reply as its
// name, shape and calls, sorted; false if a histogram is malformed.
func histogramDigest(r reply) ([]string, bool) {
	var out []string
	for i := 0; i+1 < len(r.elems); i += 2 {
		name, h := r.elems[i], r.elems[i+1]
		if len(h.elems) != 4 || h.elems[0].body != "calls" || h.elems[2].body != "histogram_usec" || h.elems[1].kind != ':' {
			return nil, false
		}
		calls, _ := strconv.ParseInt(h.elems[1].head, 10, 64)
		buckets := h.elems[3]
		var prev int64
		for j := 0; j+1 < len(buckets.elems); j += 2 {
			n, _ := strconv.ParseInt(buckets.elems[j+1].head, 10, 64)
			if !slices.Contains(histogramSteps, buckets.elems[j].head) || n <= prev {
				return nil, false
			}
			prev = n
		}
		if prev != calls || len(buckets.elems)%2 != 0 {
			return nil, false
		}
		out = append(out, name.raw+h.head+string(h.kind)+h.elems[1].raw+string(buckets.kind))
	}
	slices.Sort(out)
	return out, true
}
